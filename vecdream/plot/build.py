"""From a :class:`~vecdream.drawing.Drawing` to a :class:`~vecdream.plot.model.PenPlot`.

The steps, in order: choose the page orientation, fit the canvas into the page minus
margins, drop paths a plotter should not draw (near-invisible or unstroked), quantize
stroke colours to the pen set, flatten Béziers to mm polylines, clip them to the
printable rectangle, merge touching lines, drop specks shorter than the pen width,
and sort each layer to cut pen-up travel.

Fills are not plotted: a pen plots outlines. Hatch fills before plotting if you need
them. What the pen cannot draw (fills, strokes wider than the pen, partial opacity) is
logged as warnings with counts (:func:`pen_limits`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from vecdream.drawing import Drawing
from vecdream.plot.geometry import (
    Rect,
    clip_polylines,
    fit_canvas,
    flatten_contours,
    orient_page,
    polyline_length,
    printable_rect,
    scale_note,
)
from vecdream.plot.model import Layer, PenPlot, PenSpec, nearest_pen, parse_pens
from vecdream.plot.order import merge_lines, sort_lines
from vecdream.plot.units import page_size

__all__ = ["drawing_to_plot", "pen_limits"]

logger = logging.getLogger("vecdream.plot")


def _check_options(margin_mm: float, pen_width_mm: float, min_alpha: float,
                   tolerance_mm: float) -> None:
    if not pen_width_mm > 0:
        raise ValueError(f"pen_width_mm: expected a positive width in mm, got {pen_width_mm}")
    if not margin_mm >= 0:
        raise ValueError(f"margin_mm: expected a length >= 0 in mm, got {margin_mm}")
    if not 0 <= min_alpha <= 1:
        raise ValueError(f"min_alpha: expected a value in [0, 1], got {min_alpha}")
    if not tolerance_mm > 0:
        raise ValueError(f"tolerance_mm: expected a positive length in mm, got {tolerance_mm}")


def _visible_paths(drawing: Drawing, min_alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Which paths a pen draws, ``(P,)`` bool, and their stroke RGB ``(P, 3)``."""
    stroke = drawing.stroke.detach().cpu().double().numpy().reshape(-1, 4)
    widths = drawing.widths.detach().cpu().double().numpy()
    visible = (stroke[:, 3] >= min_alpha) & (stroke[:, 3] > 0) & (widths > 0)
    dropped = int((~visible).sum())
    if dropped:
        logger.info("dropped %d path(s) with no stroke or stroke alpha < %g", dropped, min_alpha)
    return visible, np.clip(stroke[:, :3], 0.0, 1.0)


_WIDER = 2.0
"""A stroke counts as wider than the pen beyond this ratio, the bound where the scale note
says the plot looks lighter than the screen; closer widths are the pen's job anyway."""


def pen_limits(drawing: Drawing, mm_per_unit: float, pen_width_mm: float,
               min_alpha: float = 0.1) -> list[str]:
    """What a pen cannot draw of ``drawing``, one sentence each with counts.

    A pen draws opaque lines of its own width along stroked paths, so fills are dropped,
    wider strokes come out at the pen's width and partial opacity is ignored.

    Args:
        mm_per_unit: the layout's scale (user unit -> mm on paper).
        pen_width_mm, min_alpha: as in :func:`drawing_to_plot`.

    Returns:
        Sentences such as ``"3 filled path(s): fills dropped (a pen draws outlines)"``;
        empty when the plot is what the screen shows.
    """
    stroke = drawing.stroke.detach().cpu().double().numpy().reshape(-1, 4)
    fill = drawing.fill.detach().cpu().double().numpy().reshape(-1, 4)
    widths = drawing.widths.detach().cpu().double().numpy() * mm_per_unit
    visible = (stroke[:, 3] >= min_alpha) & (stroke[:, 3] > 0) & (widths > 0)
    out = []
    filled = int(((fill[:, 3] >= min_alpha) & (fill[:, 3] > 0)).sum())
    if filled:
        out.append(f"{filled} filled path(s): fills dropped (a pen draws outlines only; "
                   "hatch them first if the plot needs them)")
    wide = visible & (widths > _WIDER * pen_width_mm)
    if wide.any():
        out.append(f"{int(wide.sum())} stroke(s) wider than the {pen_width_mm:g} mm pen (up to "
                   f"{widths[wide].max():.3g} mm on paper): drawn at the pen's width")
    faint = visible & (stroke[:, 3] < 0.99)
    if faint.any():
        out.append(f"{int(faint.sum())} semi-transparent stroke(s) (alpha down to "
                   f"{stroke[faint, 3].min():.2g}): opacity ignored, the pen's ink is opaque")
    return out


def _contour_lines(drawing: Drawing, visible: np.ndarray, transform: tuple[float, float, float],
                   tolerance: float) -> tuple[list[np.ndarray], np.ndarray]:
    """Polylines in mm of the contours of visible paths and the path of each."""
    s, ox, oy = transform
    owner = drawing.contour_path.detach().cpu().numpy()
    keep = visible[owner] if owner.size else np.zeros(0, dtype=bool)
    points = drawing.points.detach().cpu().double().numpy()[keep]
    finite = np.isfinite(points).all(axis=(1, 2))
    if not finite.all():
        logger.warning("skipped %d contour(s) with non-finite points", int((~finite).sum()))
    points = points[finite] * s + np.array([ox, oy])
    n_seg = drawing.n_segments.cpu().numpy()[keep][finite]
    closed = drawing.closed.cpu().numpy()[keep][finite]
    return flatten_contours(points, n_seg, closed, tolerance), owner[keep][finite]


def _layer_lines(lines: list[np.ndarray], rect: Rect, pen_width: float, merge: bool,
                 sort: bool) -> list[np.ndarray]:
    clipped = clip_polylines(lines, rect)
    if merge:
        clipped = merge_lines(clipped, pen_width / 4)
    kept = [line for line in clipped if polyline_length(line) >= pen_width]
    if len(kept) < len(clipped):
        logger.info("dropped %d speck(s) shorter than the pen width", len(clipped) - len(kept))
    return sort_lines(kept) if sort else kept


def drawing_to_plot(
    drawing: Drawing,
    page: str | tuple[float, float] = "A4",
    *,
    margin_mm: float = 15.0,
    pen_width_mm: float = 0.5,
    orientation: str = "auto",
    fit: str = "contain",
    pens: Sequence[PenSpec] | None = None,
    min_alpha: float = 0.1,
    tolerance_mm: float = 0.05,
    merge: bool = True,
    sort: bool = True,
    crop: bool = True,
) -> PenPlot:
    """Lay a drawing out on a page and turn its strokes into pen layers.

    Args:
        drawing: the drawing (any device; gradients are ignored).
        page: ``"A4"``, ``"A3"``, ``"A5"``, ``"letter"``, ... or ``(w_mm, h_mm)``.
        margin_mm: blank border; nothing is drawn outside ``page - margin``.
        pen_width_mm: nib width: the stroke width of the output, the speck threshold
            (shorter lines are dropped) and 4x the merge gap.
        orientation: ``"auto"`` (whichever makes the drawing larger), ``"portrait"``
            or ``"landscape"``.
        fit: ``"contain"``: uniform scale, whole canvas inside the margins, centred;
            ``"cover"``: uniform scale filling the margins, centred, overflow clipped.
        pens: pen set (see :func:`~vecdream.plot.model.parse_pens`); each stroke goes
            to the pen nearest its RGB (alpha plays no part). Default black only.
        min_alpha: paths whose stroke alpha is below this are not drawn.
        tolerance_mm: largest distance between a Bézier and its polyline.
        merge: join lines of a layer whose ends lie within ``pen_width_mm / 4``.
        sort: order each layer greedily (nearest end next, reversal allowed).
        crop: also clip to the canvas rectangle on the page, so strokes that wander
            outside the viewBox (invisible on screen) are not plotted; False plots
            them up to the margins.

    Returns:
        A :class:`PenPlot` with one layer per used pen, numbered 1..n in pen order.
    """
    _check_options(margin_mm, pen_width_mm, min_alpha, tolerance_mm)
    pen_set = parse_pens(pens)
    page_mm = orient_page(page_size(page), drawing.size, margin_mm, orientation)
    rect = printable_rect(page_mm, margin_mm)
    transform = fit_canvas(drawing.size, rect, fit)
    if crop:
        s, ox, oy = transform
        cw, ch = s * drawing.size[0], s * drawing.size[1]
        rect = (max(rect[0], ox), max(rect[1], oy), min(rect[2], ox + cw), min(rect[3], oy + ch))
    visible, rgb = _visible_paths(drawing, min_alpha)
    for sentence in pen_limits(drawing, transform[0], pen_width_mm, min_alpha):
        logger.warning(sentence)
    note = scale_note(drawing.widths.detach().cpu().double().numpy()[visible], transform[0],
                      pen_width_mm)
    if note:
        logger.info(note)
    lines, owner = _contour_lines(drawing, visible, transform, tolerance_mm)
    pen_of_line = nearest_pen(rgb, pen_set)[owner] if len(owner) else owner
    layers: list[Layer] = []
    for k, pen in enumerate(pen_set):
        mine = [line for line, p in zip(lines, pen_of_line, strict=True) if p == k]
        kept = _layer_lines(mine, rect, pen_width_mm, merge, sort)
        if kept:
            layers.append(Layer(len(layers) + 1, pen, kept))
    return PenPlot(page_mm, float(pen_width_mm), float(margin_mm), layers)
