"""Where ``render``'s forward time goes, per stage, on scenes a, e and g of render.py.

    python benchmarks/render_stages.py [--calls 10]

Each stage function ``vecdream.render.raster`` calls (and ``vecdream.render.area``
calls for clip masks) is wrapped with a process-CPU clock
(1 thread, ``no_grad``, after 3 warm-up calls); the table gives CPU ms per call. What
is not wrapped (unique keys, the scatter-min, gathers) is the difference to the total.
"""

from __future__ import annotations

import argparse
import collections
import time

import torch

from vecdream import Drawing, render
from vecdream.render import area, raster

STAGES = {"bezier_lines": "flatten", "distance_styles": "caps and joins",
          "bin_pieces": "tile binning", "styled_distance": "cuts and join polygons",
          "area_entries": "exact-area coverage", "coverage_stroke": "coverage from distance",
          "composite": "compositing"}


def scenes() -> dict[str, Drawing]:
    a = Drawing.random(256, size=(256, 256), colors=True, width=2.0, seed=0)
    n = len(a)
    butt = torch.zeros(n, dtype=torch.long)
    e = Drawing(a.points, a.widths, a.stroke, a.size, n_segments=a.n_segments, cap=butt,
                join=butt)
    fill = torch.cat([a.stroke[:, :3], torch.full((n, 1), 0.5)], 1)
    g = Drawing(a.points, a.widths, a.stroke * torch.tensor([1.0, 1, 1, 0]), a.size,
                fill=fill, closed=torch.ones(n, dtype=torch.bool), n_segments=a.n_segments)
    return {"a (round)": a, "e (butt/miter)": e, "g (filled)": g}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(1)
    spent: collections.Counter[str] = collections.Counter()

    def timed(fn, label):
        def run(*a, **k):
            t0 = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[label] += time.process_time() - t0
        return run

    for name, label in STAGES.items():
        for module in (raster, area):  # each module's own binding: no call counted twice
            if hasattr(module, name):
                setattr(module, name, timed(getattr(module, name), label))
    distance = raster.PointSegmentDistance

    class TimedDistance:
        @staticmethod
        def apply(*a):
            return timed(distance.apply, "distances (pairs x pixels)")(*a)

    raster.PointSegmentDistance = TimedDistance
    rows = {}
    for scene, drawing in scenes().items():
        with torch.no_grad():
            for _ in range(3):
                render(drawing)
            spent.clear()
            t0 = time.process_time()
            for _ in range(args.calls):
                render(drawing)
            total = (time.process_time() - t0) / args.calls * 1000
        rows[scene] = {k: v / args.calls * 1000 for k, v in spent.items()} | {"total": total}
    labels = [*dict.fromkeys(k for r in rows.values() for k in r if k != "total"), "total"]
    print("| stage | " + " | ".join(rows) + " |")
    print("|---|" + "---|" * len(rows))
    for label in labels:
        cells = [f"{r[label]:.1f}" if label in r else "—" for r in rows.values()]
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
