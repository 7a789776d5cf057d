"""What single eager PyTorch ops cost on this machine at the sizes of a dense render.

    python benchmarks/eager_floor.py [--threads 2]

Issue 18 asks for vpype's ``500_polylines.svg`` (77,741 segments, 10.4 M px of ink) at
256 px in under 1 s. On the tile route that file makes about 4 M (piece, tile) pairs
with 16 pixels each, about 64 M pixel-piece distances. This script times, best of 3:
one elementwise op and one fused multiply-add over 64 M floats, an ``index_add_`` of 13 M
values (the pixel crossings of a chord-length hairline route), and a sort of 4 M keys
(ordering the pairs by tile). Each pass the renderer makes over its pairs costs at
least the first line.
"""

from __future__ import annotations

import argparse
import time

import torch


def best_of(fn, repeats: int = 3) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(0)
    x, y = torch.rand(64_000_000, generator=g), torch.rand(64_000_000, generator=g)
    idx = torch.randint(0, 500 * 65536, (13_000_000,), generator=g)
    val = torch.rand(13_000_000, generator=g)
    buf = torch.zeros(500 * 65536)
    keys = torch.randint(0, 1 << 40, (4_000_000,), generator=g)
    print(f"threads {args.threads}")
    print(f"x * y over 64 M floats:         {best_of(lambda: x * y):.3f} s")
    print(f"addcmul over 64 M floats:       {best_of(lambda: torch.addcmul(x, x, y)):.3f} s")
    print(f"index_add_ of 13 M values:      {best_of(lambda: buf.index_add_(0, idx, val)):.3f} s")
    print(f"sort of 4 M int64 keys:         {best_of(lambda: torch.sort(keys)):.3f} s")


if __name__ == "__main__":
    main()
