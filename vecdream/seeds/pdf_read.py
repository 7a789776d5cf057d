"""Vector PDF → :class:`Drawing` through poppler's ``pdftocairo -svg``.

Why poppler: it is the PDF reader of most Linux desktops (well kept, handles every
PDF a designer's tool writes), and its SVG output is plain paths that our hardened
SVG reader already understands; ``pdftocairo`` ships in Debian's ``poppler-utils``.
Without it a PDF seed fails with one clear :class:`PdfReadError`.

Units: PDF points are converted to CSS px (96/72), the unit of our SVG reader, so a
drawing saved with :func:`vecdream.export.save_pdf` reads back at its own size.
Cairo writes a path that is both filled and stroked as a fill followed by a stroke
of the same geometry; such pairs are merged back into one path.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess

import torch

from vecdream.drawing import Drawing
from vecdream.svg import SVGError, read_svg

__all__ = ["PdfReadError", "drawing_from_pdf_svg", "pdf_to_svg_text", "read_pdf"]

log = logging.getLogger(__name__)

PT_TO_PX = 96.0 / 72.0
TIMEOUT_S = 60.0


class PdfReadError(ValueError):
    """A PDF that cannot be read as vector paths (or no ``pdftocairo`` to read it)."""


def pdf_to_svg_text(path: str | os.PathLike, page: int = 1) -> str:
    """SVG text of one PDF page (1-based) from ``pdftocairo -svg``.

    Raises:
        PdfReadError: ``pdftocairo`` missing, a corrupt PDF, a missing page or a timeout.
    """
    tool = shutil.which("pdftocairo")
    if tool is None:
        raise PdfReadError("cannot read PDF: pdftocairo not found "
                           "(install poppler-utils, e.g. apt-get install poppler-utils)")
    cmd = [tool, "-svg", "-f", str(page), "-l", str(page), os.fspath(path), "-"]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise PdfReadError(f"pdftocairo took more than {TIMEOUT_S:.0f} s") from None
    if proc.returncode != 0 or not proc.stdout.strip():
        why = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PdfReadError(f"not a readable PDF ({why[0] if why else 'no output'})")
    return proc.stdout.decode("utf-8", "replace")


def _merge_fill_stroke(d: Drawing) -> Drawing:
    """Merge each fill-only path followed by a stroke-only path with the same contours."""
    if len(d) < 2:
        return d
    keep = torch.ones(len(d), dtype=torch.bool)
    fill, stroke, widths = d.fill.clone(), d.stroke.clone(), d.widths.clone()
    by_path = [torch.nonzero(d.contour_path == p).flatten() for p in range(len(d))]
    for p in range(len(d) - 1):
        a, b = by_path[p], by_path[p + 1]
        if not keep[p] or d.fill[p, 3] <= 0 or d.stroke[p, 3] > 0 or d.fill[p + 1, 3] > 0 \
                or d.stroke[p + 1, 3] <= 0 or len(a) != len(b):
            continue
        same = torch.equal(d.n_segments[a], d.n_segments[b]) and torch.allclose(
            d.points[a], d.points[b], atol=1e-3)
        if same:
            stroke[p], widths[p], keep[p + 1] = d.stroke[p + 1], d.widths[p + 1], False
    merged = Drawing(d.points, widths, stroke, d.size, fill=fill, evenodd=d.evenodd,
                     closed=d.closed, n_segments=d.n_segments, contour_path=d.contour_path)
    return merged.select(keep)


def read_pdf(path: str | os.PathLike, page: int = 1) -> Drawing:
    """Read one page of a vector PDF as a drawing in CSS px.

    Args:
        path: the PDF file.
        page: 1-based page number.

    Returns:
        A drawing (paths, fills, strokes as in :func:`vecdream.svg.read_svg`) whose
        size is the page size in px; text is read as glyph outlines when poppler emits
        them as paths, raster images are skipped (logged by the SVG reader).

    Raises:
        PdfReadError: see :func:`pdf_to_svg_text`, or SVG output we cannot parse.
    """
    return drawing_from_pdf_svg(pdf_to_svg_text(path, page))


def drawing_from_pdf_svg(text: str | bytes) -> Drawing:
    """The drawing of ``pdftocairo -svg`` output: px units, fill + stroke pairs merged."""
    try:
        drawing = read_svg(text.encode("utf-8") if isinstance(text, str) else text)
    except SVGError as exc:
        raise PdfReadError(f"could not read pdftocairo's SVG: {exc}") from None
    return _merge_fill_stroke(drawing.scaled(PT_TO_PX))
