"""Import and render times of large SVG files, next to skia-python drawing the same files.

    python benchmarks/big_svg.py FILE [FILE ...] [--size 256] [--repeats 3]
                                 [--threads N] [--clock wall|cpu] [--no-skia]
                                 [--backward]

Per file: the SVG's elements (every XML element), vecdream's paths / contours /
segments (total and the longest contour's, which sets the padded ``points`` width),
``Drawing.from_svg`` seconds and ``vecdream.render(drawing, SIZE)`` seconds (each the
median of ``--repeats`` calls, the first included), then skia-python's ``skia.SVGDOM``
parse and draw (a raster surface SIZE px wide, the document scaled to it, median
likewise; these columns are left out when skia-python or ``skia.SVGDOM`` is missing)
(with ``--backward``, a render plus backward w.r.t. points and widths, and whether
the gradients are finite) and the PSNR of vecdream's image against skia's (a check
that both drew the same thing: skia reads the SVG itself, so the two differ where
they interpret the file differently). ``--clock cpu`` times process CPU seconds instead
of wall seconds (steadier on a shared machine; on several threads it adds their times
up).

Fetch: the files of issue 18 are vpype's own test data, in the GitHub repository
``abey79/vpype`` under ``tests/data/test_svg/benchmark/`` (``7k_lines.svg``,
``500_polylines.svg``; the same folder has ``300_beziers.svg``, ``500_circles.svg``,
``900_quad_beziers.svg``, ``multi_skull.svg``), e.g.
``https://raw.githubusercontent.com/abey79/vpype/master/tests/data/test_svg/benchmark/7k_lines.svg``.
They are not in this repository (keep them outside it, e.g. in ``/tmp/vpype_data/``).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import torch

from vecdream import Drawing, render

try:
    import skia
except ImportError:  # the skia columns are left out
    skia = None


def _timed(fn: Callable[[], object], repeats: int, clock: Callable[[], float]
           ) -> tuple[float, object]:
    """Median seconds of ``repeats`` calls of ``fn`` and its last result."""
    times, out = [], None
    for _ in range(repeats):
        start = clock()
        out = fn()
        times.append(clock() - start)
    return statistics.median(times), out


def _skia_dom(path: Path) -> object:
    return skia.SVGDOM.MakeFromStream(skia.FILEStream.Make(str(path)))


def _skia_draw(dom: object, width: int) -> np.ndarray:
    """Draw ``dom`` on a white raster surface ``width`` px wide; RGB ``(H, W, 3)``."""
    size = dom.containerSize()
    scale = width / size.width()
    height = max(1, round(size.height() * scale))
    info = skia.ImageInfo.Make(width, height, skia.kRGBA_8888_ColorType,
                               skia.kPremul_AlphaType)
    surface = skia.Surface.MakeRaster(info)
    canvas = surface.getCanvas()
    canvas.clear(skia.ColorWHITE)
    canvas.scale(scale, scale)
    dom.render(canvas)
    rgba = surface.makeImageSnapshot().toarray(colorType=skia.kRGBA_8888_ColorType,
                                               alphaType=skia.kUnpremul_AlphaType)
    return rgba[..., :3]


def _psnr(ours: torch.Tensor, theirs: np.ndarray) -> float | None:
    """PSNR (dB) of vecdream's ``(3, H, W)`` image against skia's 8-bit RGB."""
    a = ours.detach().permute(1, 2, 0).numpy().astype(np.float64)
    b = theirs.astype(np.float64) / 255.0
    if a.shape != b.shape:
        return None
    mse = float(((a - b) ** 2).mean())
    return math.inf if mse == 0 else 10 * math.log10(1.0 / mse)


def _forward_backward(drawing: Drawing, size: int) -> bool:
    """One render and backward w.r.t. points and widths; True when gradients are finite."""
    d = drawing.clone()
    d.points.requires_grad_()
    d.widths.requires_grad_()
    render(d, size).mean().backward()
    return bool(torch.isfinite(d.points.grad).all() and torch.isfinite(d.widths.grad).all())


def measure(path: Path, size: int, repeats: int, clock: Callable[[], float],
            use_skia: bool, backward: bool = False) -> dict[str, object]:
    row: dict[str, object] = {"file": path.name}
    row["elements"] = sum(1 for _ in ET.parse(path).getroot().iter())
    row["import s"], drawing = _timed(lambda: Drawing.from_svg(path), repeats, clock)
    n_seg = drawing.n_segments
    row["paths"] = len(drawing)
    row["contours"] = int(n_seg.shape[0])
    row["segments"] = int(n_seg.sum())
    row["longest"] = int(n_seg.max()) if n_seg.shape[0] else 0
    with torch.no_grad():
        row[f"render {size} s"], image = _timed(lambda: render(drawing, size), repeats, clock)
    if backward:
        row["fwd+bwd s"], finite = _timed(lambda: _forward_backward(drawing, size), repeats,
                                          clock)
        row["grads finite"] = finite
    if use_skia:
        row["skia parse s"], dom = _timed(lambda: _skia_dom(path), 1, clock)
        row[f"skia draw {size} s"], theirs = _timed(lambda: _skia_draw(dom, size), repeats,
                                                    clock)
        psnr = _psnr(image, theirs)
        row["PSNR dB"] = "shape differs" if psnr is None else f"{psnr:.1f}"
    return row


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 100 else f"{value:.0f}"
    return str(value)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="SVG files")
    parser.add_argument("--size", type=int, default=256, help="render width in px")
    parser.add_argument("--repeats", type=int, default=3, help="render calls per file")
    parser.add_argument("--threads", type=int, default=None, help="torch threads")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    parser.add_argument("--no-skia", action="store_true", help="leave out skia")
    parser.add_argument("--backward", action="store_true",
                        help="also time a render plus backward (w.r.t. points and widths)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    use_skia = not args.no_skia and skia is not None and hasattr(skia, "SVGDOM")
    if not args.no_skia and not use_skia:
        print("skia-python with skia.SVGDOM not available: skia columns left out",
              file=sys.stderr)
    clock = time.perf_counter if args.clock == "wall" else time.process_time
    print(f"clock: {args.clock} seconds; torch threads: {torch.get_num_threads()}; "
          f"render: median of {args.repeats} calls")
    rows = [measure(path, args.size, args.repeats, clock, use_skia, args.backward)
            for path in args.files]
    header = list(rows[0])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(_cell(row.get(k, "")) for k in header) + " |", flush=True)


if __name__ == "__main__":
    main()
