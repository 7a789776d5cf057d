"""Wide strokes: what dropping the pairs of tiles a piece already covers buys.

    python benchmarks/wide_strokes.py [--widths 12 24 48] [--threads 2]

256 random strokes on a 256 x 256 canvas at each width (px), rendered plus backward,
with :func:`vecdream.render.grid.drop_covered` and with it switched off, in the same
run. Prints the best of 3 calls (after one warm-up) and the ratio.
"""

from __future__ import annotations

import argparse
import importlib
import time

import torch

from vecdream import Drawing, render

raster = importlib.import_module("vecdream.render.raster")


def best_of(d: Drawing, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        render(d).sum().backward()
        times.append(time.perf_counter() - start)
    return min(times[1:])


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--widths", type=float, nargs="+", default=[12.0, 24.0, 48.0])
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    drop = raster.drop_covered
    print("| width px | with the drop, ms | without, ms | ratio |")
    print("|---|---|---|---|")
    for width in args.widths:
        d = Drawing.random(256, size=(256.0, 256.0), colors=True, seed=0)
        d.widths[:] = width
        d.requires_grad_()
        try:
            raster.drop_covered = drop
            with_drop = best_of(d)
            raster.drop_covered = lambda *a, **k: None
            without = best_of(d)
        finally:
            raster.drop_covered = drop
        print(f"| {width:g} | {with_drop * 1000:.0f} | {without * 1000:.0f} | "
              f"{with_drop / without:.2f} |")


if __name__ == "__main__":
    main()
