"""What ``torch.compile`` would save on the renderer's hottest kernel (issue 18).

The forward of :class:`vecdream.render.grad.PointSegmentDistance` (squared distance of
each pixel centre to a line piece, ``(N pairs, K pixels)``, about ten eager passes) is
timed eager and compiled (inductor, CPU, one fused loop), at the sizes a dense render
reaches (500_polylines at 1024 px: a few hundred thousand (piece, tile) pairs of 16
pixels). Both are checked equal. The baseline is measured in the same run.

    python benchmarks/compile_distance.py [--pairs 400000] [--pixels 16] [--runs 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from vecdream.render.grad import PointSegmentDistance

sys.path.insert(0, str(Path(__file__).parent))
from eager_floor import best_of  # noqa: E402  (best of runs after a warm-up call)


def distance(a, b, origin, offsets):
    """The kernel's forward as plain tensor code (what inductor can fuse)."""
    ba = b - a
    inv = 1.0 / (ba * ba).sum(1, keepdim=True).clamp_min(1e-12)
    dx = (origin[:, 0:1] - a[:, 0:1]) + offsets[:, 0]
    dy = (origin[:, 1:2] - a[:, 1:2]) + offsets[:, 1]
    h = ((dx * ba[:, 0:1] + dy * ba[:, 1:2]) * inv).clamp(0, 1)
    dx = dx - h * ba[:, 0:1]
    dy = dy - h * ba[:, 1:2]
    return dx * dx + dy * dy, h, dx, dy


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pairs", type=int, default=400_000)
    p.add_argument("--pixels", type=int, default=16)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(0)
    n, k = args.pairs, args.pixels
    a, b = torch.rand(n, 2, generator=g) * 100, torch.rand(n, 2, generator=g) * 100
    origin = torch.rand(n, 2, generator=g) * 100
    side = int(k ** 0.5)
    ys, xs = torch.meshgrid(torch.arange(side), torch.arange(side), indexing="ij")
    offsets = torch.stack([xs.flatten(), ys.flatten()], 1).float()

    class Ctx:
        def save_for_backward(self, *tensors):
            pass

    eager = best_of(lambda: PointSegmentDistance.forward(Ctx(), a, b, origin, offsets),
                    args.runs)
    t0 = time.perf_counter()
    compiled_fn = torch.compile(distance, dynamic=True)
    reference = PointSegmentDistance.forward(Ctx(), a, b, origin, offsets)
    got = compiled_fn(a, b, origin, offsets)[0]
    first = time.perf_counter() - t0
    assert torch.allclose(got, reference, rtol=1e-4, atol=1e-3), "compiled != eager"
    compiled = best_of(lambda: compiled_fn(a, b, origin, offsets), args.runs)
    print(f"{n} pairs x {k} pixels, {args.threads} thread(s)")
    print(f"eager forward (in place, ~10 passes): {eager * 1000:8.1f} ms")
    print(f"compiled forward (inductor):           {compiled * 1000:8.1f} ms  "
          f"({eager / compiled:.2f}x faster; first call incl. compiling {first:.1f} s)")


if __name__ == "__main__":
    main()
