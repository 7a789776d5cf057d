"""What each path of a drawing puts on paper, in paint order: its inks.

A path paints its fill, then its stroke (SVG's order). Each becomes an :class:`Ink`
(a wide stroke: parallel passes of the pen along it, or its area as the fill mode
draws areas):
the pen that draws it (nearest by CIEDE2000 to the colour as it shows over white), its
lines in page mm and, when it is opaque and covers an area (a fill, a stroke wider than
the pen), that area. Hidden-line removal (:func:`occlude`) then cuts from every ink
what later opaque areas cover, as the render paints over it; a stroke no wider than
the pen covers nothing, so pen-art dreams (all thin strokes) keep every line.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from vecdream.drawing import Drawing
from vecdream.plot.fills import area_lines, fill_region, stroke_passes, stroke_region
from vecdream.plot.geometry import flatten_contours
from vecdream.plot.model import Pen, nearest_pen, srgb_to_lab

logger = logging.getLogger("vecdream.plot")

__all__ = ["OPAQUE", "PAPER_DELTA_E", "WIDE", "Ink", "draw_areas", "drawing_inks", "occlude"]

WIDE = 2.0
"""A stroke wider than this many pen widths is plotted as an area (passes or outline
and fill); a narrower one as one pen line along its middle, which differs from the
render's stroke by less than a pen width (a pen-art dream's 0.8 mm strokes stay one
line each under a 0.5 mm pen, instead of two passes and many more lifts)."""

OPAQUE = 0.99
"""Paint at least this opaque hides what lies under it (occlusion)."""


@dataclass
class Ink:
    """The lines one pen draws for one fill or stroke.

    Attributes:
        pen: index into the pen set (``len(pens)``: paper, drawn by no pen).
        lines: polylines ``(N, 2)`` in page mm; for a fill, made by :func:`draw_areas`
            from ``region`` once occlusion has cut it.
        area: True when the lines cover an area (outline and hatching), False for a
            stroke's centre lines (which the speck filter may drop).
        cover: the area this ink hides below it (opaque fills and wide strokes), or None.
        region: the area a fill covers, still to be drawn; None for strokes.
    """

    pen: int
    lines: list[np.ndarray]
    area: bool
    cover: BaseGeometry | None = None
    region: BaseGeometry | None = None


def _numpy(t) -> np.ndarray:
    return t.detach().cpu().double().numpy()


PAPER_DELTA_E = 20.0
"""Paint whose own colour lies within this CIELAB distance of white, and which over white
looks nearer to the paper than to every pen, is paper: not drawn (a white shape knocks
out what lies under it, as on screen) but still hiding. A faint dark stroke is not
white paint: it goes to its nearest pen, as ``min_alpha`` lets it through."""


def _pen_or_paper(rgba: np.ndarray, pens: Sequence[Pen]) -> np.ndarray:
    """Nearest pen index of every paint ``(P, 4)``, or ``len(pens)`` for paper."""
    with_paper = [*pens, Pen("paper", (1.0, 1.0, 1.0))]
    index = nearest_pen(rgba[:, :3], with_paper, rgba[:, 3])
    near_white = np.linalg.norm(srgb_to_lab(rgba[:, :3]) - srgb_to_lab(np.ones(3)), axis=-1)
    fallback = nearest_pen(rgba[:, :3], pens, rgba[:, 3])
    return np.where((index == len(pens)) & (near_white > PAPER_DELTA_E), fallback, index)


def drawing_inks(drawing: Drawing, transform: tuple[float, float, float], pens: Sequence[Pen],
                 *, pen_width: float, min_alpha: float, tolerance: float, fill: str,
                 angles: Sequence[float]) -> list[Ink]:
    """The inks of every path in paint order (see the module docstring).

    Args:
        drawing: the drawing; ``transform = (s, ox, oy)`` maps its user units to page mm.
        pens: the pen set; area hatching of pen ``k`` runs at ``angles[k % len(angles)]``.
        pen_width, min_alpha, tolerance, fill: as in
            :func:`~vecdream.plot.build.drawing_to_plot` (mm, alpha, mm, fill mode).
    """
    s, ox, oy = transform
    points = _numpy(drawing.points) * s + np.array([ox, oy])
    finite = np.isfinite(points).all(axis=(1, 2))
    if not finite.all():
        logger.warning("skipped %d contour(s) with non-finite points", int((~finite).sum()))
    owner = drawing.contour_path.cpu().numpy()
    closed = drawing.closed.cpu().numpy()
    lines = flatten_contours(np.where(finite[:, None, None], points, 0.0),
                             drawing.n_segments.cpu().numpy(), closed, tolerance)
    stroke, fill_rgba = _numpy(drawing.stroke).reshape(-1, 4), _numpy(drawing.fill).reshape(-1, 4)
    widths = _numpy(drawing.widths) * s * np.sqrt(np.abs(np.linalg.det(
        _numpy(drawing.stroke_transform).reshape(-1, 2, 2))))
    stroke_pen = _pen_or_paper(stroke, pens)
    fill_pen = _pen_or_paper(fill_rgba, pens)
    paper = len(pens)
    cap, join = drawing.cap.cpu().numpy(), drawing.join.cpu().numpy()
    miter = _numpy(drawing.miter_limit)
    by_path: list[list[int]] = [[] for _ in range(len(drawing))]
    for c in np.flatnonzero(finite):
        by_path[owner[c]].append(int(c))
    inks: list[Ink] = []
    for p, contours in enumerate(by_path):
        if not contours:
            continue
        if fill != "none" and fill_rgba[p, 3] >= min_alpha and fill_rgba[p, 3] > 0:
            region = fill_region([lines[c] for c in contours], bool(drawing.evenodd[p]))
            inks.append(Ink(int(fill_pen[p]), [], True,
                            region if fill_rgba[p, 3] >= OPAQUE else None, region))
        if not (stroke[p, 3] >= min_alpha and stroke[p, 3] > 0 and widths[p] > 0):
            continue
        k = int(stroke_pen[p])
        if widths[p] > WIDE * pen_width and fill != "none":
            mine = [lines[c] for c in contours]
            region = stroke_region(mine, closed[contours], widths[p], cap=cap[p], join=join[p],
                                   miter_limit=miter[p])
            drawn = [] if k == paper else \
                stroke_passes(mine, closed[contours], widths[p], pen_width) \
                if fill in ("hatch", "cross") else \
                area_lines(region, pen_width, fill, angles[k % len(angles)])
            inks.append(Ink(k, drawn, True, region if stroke[p, 3] >= OPAQUE else None))
        elif k != paper:
            inks.append(Ink(k, [lines[c] for c in contours if len(lines[c]) >= 2], False))
    return inks


def draw_areas(inks: list[Ink], pen_width: float, fill: str, angles: Sequence[float],
               paper: int) -> None:
    """Outline and hatch (``fill`` mode) the fills' regions, in place, one area per pen.

    After :func:`occlude` every region is what stays visible of its fill, so the union of
    one pen's regions is exactly what that pen must cover: hatched as one area it has no
    seams where same-colour shapes meet (tiles of a seed) and fewer pen lifts. Paper
    draws nothing.
    """
    by_pen: dict[int, list[BaseGeometry]] = {}
    for ink in inks:
        if ink.region is not None:
            if ink.pen != paper and not ink.region.is_empty:
                by_pen.setdefault(ink.pen, []).append(ink.region)
            ink.region, ink.lines = None, []
    for pen, regions in sorted(by_pen.items()):
        area = shapely.union_all(regions)
        inks.append(Ink(pen, area_lines(area, pen_width, fill, angles[pen % len(angles)]), True))


def _difference(lines: list[np.ndarray], covered: BaseGeometry) -> list[np.ndarray]:
    kept = []
    for line in lines:
        geometry = shapely.LineString(line)
        if not shapely.intersects(geometry, covered):
            kept.append(line)
            continue
        for part in shapely.get_parts(shapely.difference(geometry, covered)):
            if part.geom_type == "LineString" and len(part.coords) >= 2:
                kept.append(np.asarray(part.coords))
    return kept


def occlude(inks: list[Ink]) -> int:
    """Cut from every ink what the opaque areas painted after it cover, in place: a
    fill's region loses the covered area (so its outline follows what stays visible),
    a stroke's lines are cut where they pass under.

    Returns:
        How many inks lost some of their lines.
    """
    covered: BaseGeometry = shapely.Polygon()
    touched = 0
    for ink in reversed(inks):
        if not covered.is_empty and ink.region is not None:
            if shapely.intersects(ink.region, covered):
                ink.region = shapely.difference(ink.region, covered)
                touched += 1
        elif not covered.is_empty and ink.lines:
            shapely.prepare(covered)
            before = sum(len(line) for line in ink.lines), len(ink.lines)
            ink.lines = _difference(ink.lines, covered)
            touched += before != (sum(len(line) for line in ink.lines), len(ink.lines))
        if ink.cover is not None and not ink.cover.is_empty:
            covered = shapely.union(covered, ink.cover)
    return touched
