"""From a :class:`~vecdream.drawing.Drawing` to a :class:`~vecdream.plot.model.PenPlot`.

The steps, in order: choose the page orientation, fit the canvas into the page minus
margins, turn every path into inks in paint order (:mod:`vecdream.plot.inks`: strokes
as centre lines, fills and strokes wider than the pen as outlines with hatching, each
with the pen nearest its colour by CIEDE2000), remove what later opaque areas hide, clip
to the printable rectangle, then per pen merge touching lines, drop specks shorter than
the pen width and sort the lines to cut pen-up travel (vpype's ``linemerge`` and
``linesort --two-opt``, :mod:`vecdream.plot.order`).

What the pen still cannot draw as the screen shows it (partial opacity; fills with
``fill="none"``) is logged as warnings with counts (:func:`pen_limits`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from vecdream.drawing import Drawing
from vecdream.plot.fills import FILL_MODES
from vecdream.plot.geometry import (
    Rect,
    clip_polylines,
    fit_canvas,
    orient_page,
    polyline_length,
    printable_rect,
    scale_note,
)
from vecdream.plot.inks import WIDE, Ink, draw_areas, drawing_inks, occlude
from vecdream.plot.model import Layer, PenPlot, PenSpec, parse_pens
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


def pen_limits(drawing: Drawing, mm_per_unit: float, pen_width_mm: float,
               min_alpha: float = 0.1, fill: str = "hatch") -> list[str]:
    """What a pen cannot draw of ``drawing`` as the screen shows it, one sentence each.

    A pen draws opaque lines of its own width: fills and strokes wider than the pen are
    hatched (dropped and drawn at the pen's width with ``fill="none"``), and partial
    opacity becomes the pen nearest the colour as it shows over white.

    Args:
        mm_per_unit: the layout's scale (user unit -> mm on paper).
        pen_width_mm, min_alpha, fill: as in :func:`drawing_to_plot`.

    Returns:
        Sentences such as ``"3 filled path(s): fills dropped (--fill none)"``; empty
        when the plot is what the screen shows.
    """
    stroke = drawing.stroke.detach().cpu().double().numpy().reshape(-1, 4)
    fill_rgba = drawing.fill.detach().cpu().double().numpy().reshape(-1, 4)
    widths = drawing.widths.detach().cpu().double().numpy() * mm_per_unit
    visible = (stroke[:, 3] >= min_alpha) & (stroke[:, 3] > 0) & (widths > 0)
    filled = (fill_rgba[:, 3] >= min_alpha) & (fill_rgba[:, 3] > 0)
    out = []
    if fill == "none" and filled.any():
        out.append(f"{int(filled.sum())} filled path(s): fills dropped (--fill none)")
    wide = visible & (widths > WIDE * pen_width_mm)
    if fill == "none" and wide.any():
        out.append(f"{int(wide.sum())} stroke(s) wider than the {pen_width_mm:g} mm pen (up to "
                   f"{widths[wide].max():.3g} mm on paper): drawn at the pen's width")
    faint = np.concatenate([stroke[visible, 3], fill_rgba[filled, 3] if fill != "none" else []])
    faint = faint[faint < 0.99]
    if faint.size:
        out.append(f"{faint.size} semi-transparent stroke(s) or fill(s) (alpha down to "
                   f"{faint.min():.2g}): drawn with the pen nearest their colour over white")
    return out


def _layer_lines(inks: list[Ink], rect: Rect, pen_width: float, merge: bool, sort: bool,
                 two_opt: bool) -> list[np.ndarray]:
    """One pen's lines: clipped, centre lines merged and rid of specks, all sorted."""
    centre = clip_polylines([line for ink in inks if not ink.area for line in ink.lines], rect)
    area = clip_polylines([line for ink in inks if ink.area for line in ink.lines], rect)
    if merge:
        centre = merge_lines(centre, pen_width / 4)
    kept = [line for line in centre if polyline_length(line) >= pen_width]
    if len(kept) < len(centre):
        logger.info("dropped %d speck(s) shorter than the pen width", len(centre) - len(kept))
    lines = kept + [line for line in area if len(line) >= 2]
    if merge and area:
        lines = merge_lines(lines, pen_width / 4)
    lines = [_to_file_precision(line) for line in lines]
    return sort_lines(lines, two_opt=two_opt) if sort else lines


def _to_file_precision(line: np.ndarray) -> np.ndarray:
    """The line at the plotter SVG's precision (1 µm), repeated points dropped: sorted
    on the numbers the file holds, the order stays optimal for whoever reads it back."""
    line = np.round(line, 3)
    keep = np.concatenate([[True], np.any(line[1:] != line[:-1], axis=1)])
    return line[keep] if keep.sum() >= 2 else line[[0, -1]]


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
    fill: str = "hatch",
    hatch_angle: float | Sequence[float] = 45.0,
    occlusion: bool | None = None,
    two_opt: bool = True,
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
        pens: pen set (see :func:`~vecdream.plot.model.parse_pens`); each stroke and
            fill goes to the pen nearest its colour (CIEDE2000) as it shows over white
            (alpha blended with the paper). Default black only.
        min_alpha: strokes and fills whose alpha is below this are not drawn.
        tolerance_mm: largest distance between a Bézier and its polyline.
        merge: join lines of a layer whose ends lie within ``pen_width_mm / 4``.
        sort: order each layer to cut pen-up travel (vpype's ``linesort``, greedy from
            the line nearest home, then 2-opt unless ``two_opt=False``).
        crop: also clip to the canvas rectangle on the page, so strokes that wander
            outside the viewBox (invisible on screen) are not plotted; False plots
            them up to the margins.
        fill: how fills and strokes wider than 2 pen widths are plotted: ``"hatch"``
            (outline inset by the pen radius plus parallel lines 0.9 pen widths apart,
            so the area reads solid), ``"cross"``, ``"concentric"``, ``"outline"`` or
            ``"none"`` (fills dropped, wide strokes drawn at the pen's width).
        hatch_angle: hatching direction in degrees from the x axis (y points down, so
            positive angles turn clockwise on the page); a sequence gives one per pen.
        occlusion: remove lines that later opaque fills or wide strokes cover, as the
            render paints over them; ``None`` (default): whenever the drawing has such
            areas (pen-art dreams, all thin strokes, are left alone).
        two_opt: with ``sort``, also run vpype's 2-opt passes.

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
    if fill not in FILL_MODES:
        raise ValueError(f"fill: expected one of {', '.join(FILL_MODES)}, got {fill!r}")
    angles = [float(hatch_angle)] if isinstance(hatch_angle, (int, float)) else \
        [float(a) for a in hatch_angle]
    if not angles or not all(np.isfinite(angles)):
        raise ValueError(f"hatch_angle: expected finite degrees, got {hatch_angle!r}")
    for sentence in pen_limits(drawing, transform[0], pen_width_mm, min_alpha, fill):
        logger.warning(sentence)
    if fill == "none":
        note = scale_note(drawing.widths.detach().cpu().double().numpy(), transform[0],
                          pen_width_mm)
        if note:
            logger.info(note)
    inks = drawing_inks(drawing, transform, pen_set, pen_width=pen_width_mm,
                        min_alpha=min_alpha, tolerance=tolerance_mm, fill=fill, angles=angles)
    if occlusion if occlusion is not None else any(ink.cover is not None for ink in inks):
        hidden = occlude(inks)
        if hidden:
            logger.info("hid lines of %d stroke(s) or fill(s) under later opaque paint", hidden)
    draw_areas(inks, pen_width_mm, fill, angles, paper=len(pen_set))
    layers: list[Layer] = []
    for k, pen in enumerate(pen_set):
        kept = _layer_lines([ink for ink in inks if ink.pen == k], rect, pen_width_mm, merge,
                            sort, two_opt)
        if kept:
            layers.append(Layer(len(layers) + 1, pen, kept))
    return PenPlot(page_mm, float(pen_width_mm), float(margin_mm), layers,
                   tuple(float(v) for v in transform))
