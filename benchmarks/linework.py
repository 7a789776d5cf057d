"""Line work of pen drawings, read from their SVG files: does a drawing read as a texture
or as scribble?

Per drawing (strokes only; fills are skipped), all lengths in the canvas's user units:

* ``fold``: fraction of the used cubics whose control polygon turns both ways
  (``turn(p0, p1, p2)`` and ``turn(p1, p2, p3)`` of opposite signs: LIVE's "Xing"
  condition, the S-bends and cusps a random start ties).
* ``crossings``: times a stroke crosses itself per 100 units of ink
  (:func:`vecdream.dream.loops.self_crossings`).
* ``overdraw``: the sum of each stroke's own ink area over the area of their union (1:
  no pixel is inked twice). Areas are counted on a render at ``2 px`` per unit of a
  224-unit side (the long side at 448 px), a pixel inked when its coverage is ≥ 0.5.
* ``knots``: share of the inked pixels under three strokes or more.
* ``turning``: total absolute heading change (rad) per canvas side of ink.
* ``min_len``: the shortest stroke, as a fraction of the canvas's mean side.
* ``width``: the median stroke width, as a fraction of the canvas's mean side.

The table prints per-file numbers and the medians of a set; ``--label`` names the set:

    python benchmarks/linework.py "/tmp/ns/*.svg" --label gallery
    python benchmarks/linework.py out/dream*.svg --csv results/linework.csv --label mine

The seed project's gallery (neural-styles ``images/bw_svg_neural_style/``, fetched by
hand; never committed) is the look to beat; BENCHMARKS.md has its medians.
"""

from __future__ import annotations

import argparse
import csv
import glob
import math
import statistics
from pathlib import Path

import torch

from vecdream import Drawing, render
from vecdream.dream.loops import self_crossings
from vecdream.objectives.geometry import contour_lengths, folds
from vecdream.render.flatten import sample_segments

METRICS = ["fold", "crossings", "overdraw", "knots", "turning", "min_len", "width"]
RENDER_SIDE = 448  # pixels on the long side for the area counts
CHUNK = 32  # strokes rendered alone per batch


def strokes_only(d: Drawing) -> Drawing:
    """The drawing's visible open strokes (no fills, nothing transparent)."""
    keep = (d.stroke[:, 3] > 0.05) & (d.fill[:, 3] <= 0) & (d.widths > 0)
    return d.select(keep)


def fold_fraction(d: Drawing) -> float:
    """Share of used cubics whose control polygon turns both ways (:func:`folds` > 0)."""
    if d.points.shape[1] < 4 or len(d) == 0:
        return 0.0
    fold, used = folds(d.detach().to(torch.float64))
    return float(((fold > 0) & used).sum()) / max(int(used.sum()), 1)


def total_turning(d: Drawing, samples: int = 16) -> float:
    """Sum over strokes of the absolute heading change along each (rad)."""
    t = torch.linspace(0, 1, samples + 1, dtype=torch.float64)[:-1]
    total = 0.0
    for pts, n in zip(d.points.detach().double(), d.n_segments, strict=True):
        n = int(n)
        if n == 0:
            continue
        curve = sample_segments(pts[None, : 3 * n + 1], t).reshape(-1, 2)
        curve = torch.cat([curve, pts[3 * n: 3 * n + 1]])
        chords = curve[1:] - curve[:-1]
        chords = chords[chords.norm(dim=-1) > 1e-9]
        a, b = chords[:-1], chords[1:]
        ang = torch.atan2(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0], (a * b).sum(-1))
        total += float(ang.abs().sum())
    return total


@torch.no_grad()
def ink_counts(d: Drawing) -> tuple[float, float, float]:
    """(sum of per-stroke inked pixels, inked pixels of the union, pixels under ≥ 3)."""
    w, h = d.size
    scale = RENDER_SIDE / max(w, h)
    rw, rh = max(1, round(w * scale)), max(1, round(h * scale))
    black = d.clone()
    black.stroke[:, :3] = 0
    black.stroke[:, 3] = 1
    count = torch.zeros(rh, rw, dtype=torch.int32)
    for start in range(0, len(black), CHUNK):
        idx = torch.arange(start, min(start + CHUNK, len(black)))
        singles = []
        for i in idx:
            keep = torch.zeros(len(black), dtype=torch.bool)
            keep[i] = True
            singles.append(black.select(keep))
        img = render(singles, rw, rh)  # (B, 3, H, W), white background
        count += ((1 - img[:, 0]) >= 0.5).sum(0).int()
    return float(count.sum()), float((count > 0).sum()), float((count >= 3).sum())


def linework(d: Drawing) -> dict[str, float]:
    """Every metric of the module docstring for one drawing."""
    d = strokes_only(d)
    side = (d.size[0] + d.size[1]) / 2
    lengths = contour_lengths(d.detach().to(torch.float64), samples=16)
    ink = float(lengths.sum())
    per_stroke, union, knotted = ink_counts(d)
    return {
        "fold": fold_fraction(d),
        "crossings": 100 * float(self_crossings(d).sum()) / max(ink, 1e-9),
        "overdraw": per_stroke / max(union, 1),
        "knots": knotted / max(union, 1),
        "turning": total_turning(d) / max(ink / side, 1e-9),
        "min_len": float(lengths.min()) / side if len(lengths) else 0.0,
        "width": float(d.widths.median()) / side if len(d) else 0.0,
        "strokes": float(len(d)),
    }


def medians(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in rows) for k in METRICS}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", help="SVG files or glob patterns")
    ap.add_argument("--label", default="", help="name of the set in the table and CSV")
    ap.add_argument("--csv", type=Path, help="append one row per file to this CSV")
    ap.add_argument("--quiet", action="store_true", help="medians only")
    args = ap.parse_args()
    files = sorted({f for pat in args.files for f in (glob.glob(pat) or [pat])})
    rows = []
    for f in files:
        row = linework(Drawing.from_svg(Path(f)))
        rows.append(row)
        if not args.quiet:
            print(f"{Path(f).name[:48]:48s} " + " ".join(f"{k} {row[k]:.3f}" for k in METRICS))
        if args.csv:
            new = not args.csv.exists()
            with args.csv.open("a", newline="") as fh:
                out = csv.writer(fh)
                if new:
                    out.writerow(["label", "file", *METRICS, "strokes"])
                out.writerow([args.label, f, *(f"{row[k]:.4f}" for k in METRICS),
                              int(row["strokes"])])
    med = medians(rows)
    print(f"median of {len(rows)} ({args.label or 'files'}): "
          + " ".join(f"{k} {v:.3f}" for k, v in med.items()))
    if not math.isfinite(sum(med.values())):
        raise SystemExit("a metric is not finite")


if __name__ == "__main__":
    main()
