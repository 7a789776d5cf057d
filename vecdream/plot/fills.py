"""Areas a pen must cover: filled paths and strokes wider than the pen, as pen lines.

A pen draws lines of its own width, so an area is plotted as its outline plus parallel
hatching (or concentric rings) spaced a little under the pen width, all inset by the
pen radius so the ink stays inside the area as the render shows it. Areas are shapely
geometry in page mm; fill rules are exact: the contours are noded, every face of the
resulting arrangement gets its winding number, and the rule keeps faces with a
non-zero (``nonzero``) or odd (``evenodd``) one, holes included.

Convention:
    Page millimetres, polylines float64 ``(N, 2)``, as in :mod:`vecdream.plot.geometry`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["FILL_MODES", "area_lines", "fill_region", "hatch_lines", "stroke_passes",
           "stroke_region"]

FILL_MODES = ("hatch", "cross", "concentric", "outline", "none")
"""How areas are plotted: parallel hatching, two crossed hatchings, concentric rings,
the outline only, or nothing (the area is dropped, as before 0.1)."""

SPACING = 0.9
"""Hatch spacing as a fraction of the pen width: neighbouring lines overlap a little so
the area reads solid despite nib wobble and paper give."""

_CAPS = {0: "flat", 1: "round", 2: "square"}  # vecdream.drawing_fields CAP_* codes
_JOINS = {0: "mitre", 1: "round", 2: "bevel"}  # JOIN_MITER, JOIN_ROUND, JOIN_BEVEL


def _winding(points: np.ndarray, rings: Sequence[np.ndarray]) -> np.ndarray:
    """Winding number of every point ``(F, 2)`` about the closed rings, ``(F,)`` int."""
    total = np.zeros(len(points), dtype=np.int64)
    px, py = points[:, :1], points[:, 1:]
    for ring in rings:
        a, b = ring[None, :-1], ring[None, 1:]  # edges a -> b, (1, E, 2)
        ax, ay, bx, by = a[..., 0], a[..., 1], b[..., 0], b[..., 1]
        side = (bx - ax) * (py - ay) - (px - ax) * (by - ay)  # > 0: point left of edge
        up = (ay <= py) & (by > py) & (side > 0)
        down = (ay > py) & (by <= py) & (side < 0)
        total += up.sum(axis=1) - down.sum(axis=1)
    return total


def fill_region(contours: Sequence[np.ndarray], evenodd: bool) -> BaseGeometry:
    """The area a path's fill covers, under its fill rule.

    Args:
        contours: the path's contours as polylines ``(N, 2)`` in mm; each is closed
            implicitly, as SVG closes every subpath for filling.
        evenodd: SVG ``fill-rule="evenodd"``; False is ``nonzero``.

    Returns:
        A shapely (Multi)Polygon, possibly empty.
    """
    rings = [np.vstack([c, c[:1]]) for c in contours
             if len(c) >= 3 and np.isfinite(c).all()]
    if not rings:
        return shapely.Polygon()
    noded = shapely.unary_union(shapely.MultiLineString(rings))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    faces = faces[shapely.area(faces) > 0]
    if not len(faces):
        return shapely.Polygon()
    inside = shapely.get_coordinates(shapely.point_on_surface(faces))
    wn = _winding(inside, rings)
    keep = (wn % 2 == 1) if evenodd else (wn != 0)
    return shapely.union_all(faces[keep]) if keep.any() else shapely.Polygon()


def stroke_region(lines: Sequence[np.ndarray], closed: Sequence[bool], width: float, *,
                  cap: int = 1, join: int = 1, miter_limit: float = 4.0) -> BaseGeometry:
    """The area a stroke of ``width`` mm covers along its contours (SVG caps and joins)."""
    parts = []
    for line, is_closed in zip(lines, closed, strict=True):
        if len(line) < 2 or not np.isfinite(line).all():
            continue
        geometry = shapely.LinearRing(line) if is_closed and len(line) >= 3 else \
            shapely.LineString(line)
        parts.append(shapely.buffer(geometry, width / 2, quad_segs=8,
                                    cap_style=_CAPS.get(int(cap), "round"),
                                    join_style=_JOINS.get(int(join), "round"),
                                    mitre_limit=max(float(miter_limit), 1.0)))
    return shapely.union_all(parts) if parts else shapely.Polygon()


def stroke_passes(lines: Sequence[np.ndarray], closed: Sequence[bool], width: float,
                  pen_width: float) -> list[np.ndarray]:
    """A wide stroke as parallel passes of the pen along it, ``0.9 * pen_width`` apart,
    the outer ones a pen radius inside the stroke's edges; an open contour's passes are
    joined end to end (the pen turns in the cap) into one line."""
    span = max(width - pen_width, 0.0)
    n = int(math.ceil(span / (SPACING * pen_width))) + 1
    offsets = np.linspace(-span / 2, span / 2, n)
    out: list[np.ndarray] = []
    for line, is_closed in zip(lines, closed, strict=True):
        line = line[np.concatenate([[True], np.any(np.diff(line, axis=0) != 0, axis=1)])]
        if len(line) < 2 or not np.isfinite(line).all():
            continue
        ring = is_closed and len(line) >= 4
        base = shapely.LinearRing(line) if ring else shapely.LineString(line)
        passes = []
        for k, d in enumerate(offsets):
            try:
                curve = base if d == 0 else shapely.offset_curve(base, float(d), quad_segs=8,
                                                                   join_style="round")
            except shapely.errors.GEOSException:  # degenerate input GEOS cannot offset
                curve = base
            parts = _line_parts(curve)
            if ring or len(parts) != 1:
                out.extend(parts)
                continue
            passes.append(parts[0] if k % 2 == 0 else parts[0][::-1])
        if passes:
            out.append(np.concatenate(passes))
    return out


def _boundaries(region: BaseGeometry) -> list[np.ndarray]:
    out = []
    for polygon in shapely.get_parts(region):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        out.append(np.asarray(polygon.exterior.coords))
        out.extend(np.asarray(ring.coords) for ring in polygon.interiors)
    return out


def _line_parts(geometry: BaseGeometry) -> list[np.ndarray]:
    return [np.asarray(g.coords) for g in shapely.get_parts(geometry)
            if g.geom_type == "LineString" and len(g.coords) >= 2]


def hatch_lines(region: BaseGeometry, spacing: float, angle_deg: float) -> list[np.ndarray]:
    """Parallel lines ``spacing`` mm apart at ``angle_deg`` (0: along x), clipped to
    ``region``; the first lies half a spacing inside the region's extent."""
    if region.is_empty or spacing <= 0:
        return []
    theta = math.radians(angle_deg)
    d = np.array([math.cos(theta), math.sin(theta)])  # along the lines
    n = np.array([-d[1], d[0]])  # across them
    coords = shapely.get_coordinates(region)
    across, along = coords @ n, coords @ d
    offsets = np.arange(across.min() + spacing / 2, across.max(), spacing)
    if not len(offsets):
        offsets = np.array([(across.min() + across.max()) / 2])
    lo, hi = along.min() - spacing, along.max() + spacing
    starts = offsets[:, None] * n + lo * d
    ends = offsets[:, None] * n + hi * d
    segments = shapely.MultiLineString(list(np.stack([starts, ends], axis=1)))
    return _zigzag(_line_parts(shapely.intersection(segments, region)), region, n, spacing)


def _zigzag(parts: list[np.ndarray], region: BaseGeometry, across: np.ndarray,
            spacing: float) -> list[np.ndarray]:
    """Hatch lines joined row to row where the short link between them stays inside
    ``region``, so the pen zig-zags down instead of lifting after every line."""
    if len(parts) < 2:
        return parts
    row = np.rint(np.array([part[0] @ across for part in parts]) / spacing).astype(np.int64)
    order = np.lexsort((np.array([part[0].sum() for part in parts]), row))
    inside = shapely.buffer(region, spacing * 1e-3)
    shapely.prepare(inside)
    chains: list[list[np.ndarray]] = []
    open_ends: dict[int, list[int]] = {}  # row -> chains whose last line lies in that row
    for i in order:
        part, r = parts[i], row[i]
        joined = False
        for c in open_ends.get(r - 1, []):
            end = chains[c][-1][-1]
            for line in (part, part[::-1]):
                link = np.stack([end, line[0]])
                if np.linalg.norm(link[1] - link[0]) <= 8 * spacing and \
                        shapely.contains(inside, shapely.LineString(link)):
                    chains[c].append(line)
                    open_ends[r - 1].remove(c)
                    open_ends.setdefault(r, []).append(c)
                    joined = True
                    break
            if joined:
                break
        if not joined:
            chains.append([part])
            open_ends.setdefault(r, []).append(len(chains) - 1)
    return [np.concatenate(chain) for chain in chains]


def _thin_lines(region: BaseGeometry, pen_width: float) -> list[np.ndarray]:
    """Parts thinner than the pen: the outline of the part shrunk by a quarter (or an
    eighth) of the pen width, or of the part itself, whichever is the first to exist;
    the pen then covers the part, spilling past it by less than its radius."""
    for shrink in (0.25, 0.125, 0.0):
        core = shapely.buffer(region, -shrink * pen_width, quad_segs=8) if shrink else region
        if not core.is_empty:
            return _boundaries(core)
    return []


def _uncovered(region: BaseGeometry, inset: BaseGeometry, pen_width: float) -> BaseGeometry:
    """What the inset region's ink (it grown by the pen radius) leaves of ``region``, minus
    slivers smaller than a pen dot (the corners the round nib cannot reach)."""
    ink = shapely.buffer(inset, pen_width / 2 * 1.02, quad_segs=8)
    rest = shapely.difference(region, ink)
    parts = [part for part in shapely.get_parts(rest) if part.area > pen_width * pen_width]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def area_lines(region: BaseGeometry, pen_width: float, mode: str = "hatch",
               angle_deg: float = 45.0) -> list[np.ndarray]:
    """Pen lines that cover ``region`` with a pen of ``pen_width`` mm.

    Args:
        region: the area (a fill's or a wide stroke's), shapely, in mm.
        pen_width: the nib width in mm.
        mode: one of :data:`FILL_MODES`.
        angle_deg: the hatching direction (``cross`` adds the perpendicular one).

    Returns:
        Polylines: the outline of the region inset by the pen radius, then the hatching
        or rings inside it; parts thinner than the pen (which the inset loses: thin
        lines of a pattern, narrow necks) are drawn as their own thin outlines.
    """
    if mode not in FILL_MODES:
        raise ValueError(f"fill: expected one of {', '.join(FILL_MODES)}, got {mode!r}")
    if mode == "none" or region.is_empty:
        return []
    spacing = SPACING * pen_width
    inset = shapely.buffer(region, -pen_width / 2, quad_segs=8)
    if inset.is_empty:
        return _thin_lines(region, pen_width)
    lines = _boundaries(inset)
    thin = _uncovered(region, inset, pen_width)
    if not thin.is_empty:
        lines.extend(_thin_lines(thin, pen_width))
    if mode == "outline":
        return lines
    if mode == "concentric":
        ring = shapely.buffer(inset, -spacing, quad_segs=8)
        while not ring.is_empty:
            lines.extend(_boundaries(ring))
            ring = shapely.buffer(ring, -spacing, quad_segs=8)
        return lines
    lines.extend(hatch_lines(inset, spacing, angle_deg))
    if mode == "cross":
        lines.extend(hatch_lines(inset, spacing, angle_deg + 90.0))
    return lines
