"""Plots against vpype and against the render (issue 26).

    python benchmarks/plot.py FILE_OR_DIR [...] [--page A4] [--pen 0.5mm] [--pens LIST]
                              [--baseline-commit REV] [--ssim] [--limit N]

Per drawing (every ``.svg`` of a folder): ``vecdream plot``'s layout (``drawing_to_plot``,
its seconds), then both measured by vpype itself on the written plotter SVG: pen-up
travel per mm of ink of vecdream's order, and of the same lines re-sorted by
``vpype read PLOT linemerge linesort --two-opt`` (the ratio must stay <= 1). With
``--baseline-commit`` the same is done for the plot a checkout of that commit writes
(its travel ratio, "today's"), and with ``--ssim`` the plot-vs-render SSIM
(``vecdream.plot.compare.plot_similarity``) of this plot and of the baseline's plot.

Data (not in this repository; keep it outside, e.g. under /tmp):
* the seed's gallery: github.com/AdMoR/neural-styles, ``images/bw_svg_neural_style/``
  (bold black strokes, 224 units) and ``images/best_svg_color_neuron_exc/`` (colour,
  500 units, wide semi-transparent strokes);
* vpype's benchmark files: github.com/abey79/vpype, ``tests/data/test_svg/benchmark/``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import vpype
import vpype_cli

import vecdream.plot as vp
from vecdream import Drawing
from vecdream.plot.compare import plot_similarity
from vecdream.plot.geometry import fit_canvas, orient_page, printable_rect

_BASELINE = """
import sys
import vecdream.plot as vp
from vecdream import Drawing
drawing = Drawing.from_svg(sys.argv[1])
vp.save_plotter_svg(drawing, sys.argv[2], sys.argv[3], pen_width_mm=float(sys.argv[4]),
                    pens=sys.argv[5].split(","))
"""


def travel_per_ink(document) -> float:
    """vpype's pen-up length over its ink length, summed over layers."""
    ink = sum(layer.length() for layer in document.layers.values())
    travel = sum(layer.pen_up_length()[0] for layer in document.layers.values())
    return travel / ink if ink else float("nan")


def vpype_resorted(path: Path) -> float:
    document = vpype_cli.execute(f"read '{path}' linemerge linesort --two-opt")
    return travel_per_ink(document)


def baseline_plot(worktree: Path, svg: Path, out: Path, args) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", _BASELINE, str(svg), str(out), args.page,
                    str(args.pen), args.pens], check=True, cwd=worktree,
                   env={"PYTHONPATH": str(worktree), "PATH": "/usr/bin:/bin"},
                   capture_output=True)
    return time.perf_counter() - start


def layout(drawing: Drawing, args) -> tuple[float, float, float]:
    """The transform today's and the baseline's layout share (same page code)."""
    page = orient_page(vp.page_size(args.page), drawing.size, 15.0, "auto")
    return fit_canvas(drawing.size, printable_rect(page, 15.0), "contain")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("--page", default="A4")
    parser.add_argument("--pen", type=float, default=0.5, help="mm")
    parser.add_argument("--pens", default="black")
    parser.add_argument("--baseline-commit", default=None)
    parser.add_argument("--ssim", action="store_true")
    parser.add_argument("--limit", type=int, default=0, help="files per folder (0: all)")
    args = parser.parse_args()
    files = []
    for item in args.inputs:
        found = sorted(item.glob("*.svg")) if item.is_dir() else [item]
        files += found[: args.limit] if args.limit else found
    tmp = Path(tempfile.mkdtemp(prefix="vd_plot_bench_"))
    worktree = None
    if args.baseline_commit:
        worktree = tmp / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree),
                        args.baseline_commit], check=True, capture_output=True)
    head = "| file | paths | plot s | travel/ink | vpype 2-opt | ratio |"
    if worktree:
        head += " baseline ratio |"
    if args.ssim:
        head += " SSIM | baseline SSIM |" if worktree else " SSIM |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    worst = 0.0
    try:
        for svg in files:
            drawing = Drawing.from_svg(svg)
            start = time.perf_counter()
            plot = vp.drawing_to_plot(drawing, args.page, pen_width_mm=args.pen,
                                      pens=args.pens.split(","))
            seconds = time.perf_counter() - start
            out = tmp / "plot.svg"
            out.write_text(vp.plot_to_svg(plot), encoding="utf-8")
            ours = travel_per_ink(vpype.read_multilayer_svg(str(out), quantization=0.1))
            theirs = vpype_resorted(out)
            ratio = ours / theirs if theirs else 1.0  # one line or all merged: no travel
            worst = max(worst, ratio)
            row = (f"| {svg.name[:48]} | {len(drawing)} | {seconds:.2f} | {ours:.4f} | "
                   f"{theirs:.4f} | {ratio:.4f} |")
            if worktree:
                base_out = tmp / "base.svg"
                baseline_plot(worktree, svg, base_out, args)
                base = travel_per_ink(vpype.read_multilayer_svg(str(base_out), quantization=0.1))
                base_theirs = vpype_resorted(base_out)
                row += f" {base / base_theirs if base_theirs else 1.0:.4f} |"
            if args.ssim:
                row += f" {plot_similarity(drawing, plot):.3f} |"
                if worktree:
                    old = vp.read_plotter_svg(base_out)
                    old.transform = layout(drawing, args)
                    row += f" {plot_similarity(drawing, old):.3f} |"
            print(row, flush=True)
    finally:
        if worktree:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)],
                           capture_output=True)
    print(f"\nworst travel ratio vecdream / vpype re-sort: {worst:.4f} (must be <= 1)")


if __name__ == "__main__":
    main()
