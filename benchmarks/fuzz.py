"""Fuzz the renderer with random degenerate drawings; print failures by kind.

    python benchmarks/fuzz.py --scenes 3000            # render + backward
    python benchmarks/fuzz.py --scenes 300 --optimize  # also 3 optimizer steps each

Each scene (``tests/fuzz_scenes.py``) is rendered at a random pixel size, a random
weighting of its pixels is back-propagated, and the run counts, per scene kind:
crashes (any exception), non-finite images and non-finite gradients. Target: 0 of each.
"""

from __future__ import annotations

import argparse
import collections
import logging
import random
import sys
import time
import traceback
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fuzz_scenes import Scene, random_scene  # noqa: E402

from vecdream import optimize_strokes, render  # noqa: E402
from vecdream.objectives import Objective  # noqa: E402


def check_scene(scene: Scene, seed: int, optimize: bool = False) -> str | None:
    """Render, backward (and optionally optimize) one scene; the failure kind or None."""
    rng = random.Random(seed)
    drawings = [d.clone().requires_grad_() for d in scene.drawings]
    width = rng.choice([None, 16, 33, 64])
    try:
        image = render(drawings if len(drawings) > 1 else drawings[0], width)
        if not torch.isfinite(image).all():
            return "non-finite image"
        weight = torch.rand(image.shape, generator=torch.Generator().manual_seed(seed),
                            dtype=image.dtype)
        (image * weight).sum().backward()
        for d in drawings:
            for name, t in d.named_parameters().items():
                if t.grad is not None and not torch.isfinite(t.grad).all():
                    return f"non-finite gradient ({name})"
        if optimize:
            ink = Objective(lambda ctx: ctx.views.mean(), "mean pixel")
            result = optimize_strokes(objective=ink, drawing=scene.drawings[0], steps=3,
                                      views=1, augment=None, seed=0, device="cpu",
                                      size=32)
            for t in result.drawing.named_parameters().values():
                if not torch.isfinite(t).all():
                    return "non-finite after optimize"
    except Exception:  # every exception is a finding
        return "crash: " + traceback.format_exc().strip().splitlines()[-1][:120]
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=2000)
    parser.add_argument("--start", type=int, default=0, help="first scene seed")
    parser.add_argument("--optimize", action="store_true", help="also run the optimizer")
    parser.add_argument("--show", type=int, default=3, help="failing seeds to list per kind")
    args = parser.parse_args()
    logging.getLogger("vecdream").setLevel(logging.ERROR)  # the importer's skips
    t0 = time.perf_counter()
    counts: collections.Counter[str] = collections.Counter()
    failures: dict[tuple[str, str], list[int]] = collections.defaultdict(list)
    for seed in range(args.start, args.start + args.scenes):
        scene = random_scene(seed)
        counts[scene.kind] += 1
        found = check_scene(scene, seed, args.optimize)
        if found:
            failures[(scene.kind, found)].append(seed)
    took = time.perf_counter() - t0
    print(f"{args.scenes} scenes in {took:.1f} s; by kind: {dict(counts)}")
    if not failures:
        print("0 crashes, 0 non-finite images, 0 non-finite gradients")
    for (kind, what), seeds in sorted(failures.items()):
        print(f"{kind:7s} {len(seeds):4d}  {what}  e.g. seeds {seeds[:args.show]}")


if __name__ == "__main__":
    main()
