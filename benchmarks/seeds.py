"""Seeds per second for ``vecdream seeds make`` and ``seeds augment``, at 64 and 256 px.

What one seed costs, as the CLI does it (library calls, no process start-up):

    make      make_drawing (family, default grid/palette) + write the SVG + rasterize
              it with cairosvg for the contact sheet / training tensor at SIZE px
    augment   random_variation of a family seed (3x3 tile, rotate, zoomed crop with
              exact Bézier clipping, quarter turn, palette recolour) + write the SVG
              + rasterize at SIZE px (no Mosaic preview page)

Baseline (ratio 1.00): ``make`` of the same family at 64 px, measured in the same run.
Single-threaded (``torch.set_num_threads(1)``); the median of ``--reps`` batches of
``--n`` seeds.

    python benchmarks/seeds.py                 # all families, n=20, 3 reps
    python benchmarks/seeds.py --n 5 --reps 1  # quick
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

from vecdream.seeds.families import FAMILIES, make_drawing
from vecdream.seeds.folder import rasterize_svg
from vecdream.seeds.variations import random_variation


def _make(family: str, size: int, n: int, out: Path, g: torch.Generator) -> None:
    for i in range(n):
        d = make_drawing(family, size=float(size), generator=g)
        d.save_svg(out / f"{family}_{i}.svg")
        rasterize_svg(d.to_svg(), size, d.size)


def _augment(seed, size: int, n: int, out: Path, g: torch.Generator) -> None:
    for i in range(n):
        v = random_variation(seed, g, palette="sunset")
        v.save_svg(out / f"v_{i}.svg")
        rasterize_svg(v.to_svg(), size, v.size)


def _rate(fn, n: int, reps: int) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return n / statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=20, help="seeds per timed batch")
    p.add_argument("--reps", type=int, default=3, help="timed batches (median)")
    p.add_argument("--families", default=",".join(FAMILIES))
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for family in args.families.split(","):
            g = torch.Generator().manual_seed(0)
            _make(family, 64, 1, out, g)  # warm-up (imports, cairo)
            rates = {}
            for size in (64, 256):
                def make(s=size, f=family, gen=g):
                    _make(f, s, args.n, out, gen)
                rates[("make", size)] = _rate(make, args.n, args.reps)
            for size in (64, 256):
                seed = make_drawing(family, size=float(size), seed=1)

                def augment(s=size, d=seed, gen=g):
                    _augment(d, s, args.n, out, gen)
                rates[("augment", size)] = _rate(augment, args.n, args.reps)
            paths = len(make_drawing(family, size=64.0, seed=1))
            rows.append((family, paths, rates))
    base = "make 64"
    print(f"# seeds/second, 1 thread, n={args.n}, median of {args.reps}; "
          f"ratio vs '{base}' of the same family; {os.cpu_count()} CPUs, "
          f"python {sys.version.split()[0]}, torch {torch.__version__}")
    print("| family | paths | make 64 px | make 256 px | augment 64 px | augment 256 px |")
    print("|---|---|---|---|---|---|")
    for family, paths, r in rows:
        b = r[("make", 64)]
        cells = [f"{r[k]:.1f} ({r[k] / b:.2f})" for k in
                 [("make", 64), ("make", 256), ("augment", 64), ("augment", 256)]]
        print(f"| {family} | {paths} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
