"""Placing a shape on the canvas: its contours under the CTM, the stroke frame, culling.

:func:`place` is the geometric half of emitting a shape (the walk's other half is
paint, opacity and the record): the points mapped to canvas units, the stroke width
scaled by the CTM and its linear part kept when it is not a similarity, and the shape
dropped when the CTM is singular, a coordinate is non-finite or huge, or it lies
wholly outside its viewport's clip. Kept apart from :mod:`~.walk`, which only decides
what is drawn under which context.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from vecdream.svg.pathdata import Contour
from vecdream.svg.sanitize import MAX_COORD
from vecdream.svg.viewport import IDENTITY, Matrix

__all__ = ["place"]


def place(contours: list[Contour], m: Matrix, width: float,
          clip: tuple[float, float, float, float] | None, counts: Counter[str]
          ) -> tuple[list[tuple[list | np.ndarray, bool]],
                     tuple[float, float, float, float] | None, float] | None:
    """``(points, stroke_matrix, scaled_width)`` of a shape under the CTM ``m``.

    Args:
        contours: the shape's contours in user units; width: its stroke width there.
        clip: canvas ``(x0, y0, x1, y1)`` of the viewport clip, None for none.
        counts: the reader's warning counts (non-finite or huge coordinates).

    Returns:
        ``points``: every contour as ``(points in canvas units, closed)``;
        ``stroke_matrix``: the CTM's linear part ``(a, b, c, d)``, None when it is a
        similarity (the scaled width says it all); ``scaled_width``: ``width`` times
        ``sqrt|det|``. None when the shape draws nothing.
    """
    pts = [(_transformed(m, c), closed) for c, closed in contours]
    det = abs(m[0] * m[3] - m[1] * m[2])
    if det == 0:
        return None  # a non-invertible CTM renders nothing (SVG), and has no stroke frame
    similar = abs(m[0] - m[3]) <= 1e-9 * (abs(m[0]) + 1) and abs(m[1] + m[2]) <= \
        1e-9 * (abs(m[1]) + 1) or abs(m[0] + m[3]) <= 1e-9 * (abs(m[0]) + 1) and \
        abs(m[1] - m[2]) <= 1e-9 * (abs(m[1]) + 1)
    stroke_matrix = None if similar else (m[0], m[1], m[2], m[3])
    scaled_width = width * math.sqrt(det)
    extent = _extent(pts)
    if extent is None or not (math.isfinite(scaled_width) and
                              abs(scaled_width) <= MAX_COORD):
        counts["non-finite or huge coordinates"] += 1
        return None
    if clip is not None:
        x0, y0, x1, y1 = extent
        pad = scaled_width
        c = clip
        if x1 + pad < c[0] or x0 - pad > c[2] or y1 + pad < c[1] or y0 - pad > c[3]:
            return None  # wholly outside its viewport's clip
    return pts, stroke_matrix, scaled_width


def _transformed(m: Matrix, pts: list | np.ndarray) -> list | np.ndarray:
    """Points under ``m``, as :func:`~vecdream.svg.viewport.apply` maps them (the same
    float64 operations in the same order; arrays stay arrays)."""
    a, b, c, d, e, f = m
    if isinstance(pts, np.ndarray):
        x, y = pts[:, 0], pts[:, 1]
        out = np.empty_like(pts)
        with np.errstate(all="ignore"):  # inf/nan: _extent rejects the shape
            if m == IDENTITY:  # 1 * x + 0 * y + 0 is x + 0.0 wherever y is finite
                out[:] = pts + 0.0
            else:
                out[:, 0] = a * x + c * y + e
                out[:, 1] = b * x + d * y + f
        return out
    return [(a * x + c * y + e, b * x + d * y + f) for x, y in pts]


def _extent(contours: list[tuple[list | np.ndarray, bool]]
            ) -> tuple[float, float, float, float] | None:
    """``(x0, y0, x1, y1)`` of every point, or None when a coordinate is non-finite or
    beyond ``MAX_COORD``."""
    boxes = []
    for pts, _ in contours:
        if isinstance(pts, np.ndarray):
            if not np.isfinite(pts).all():
                return None
            lo, hi = pts.min(axis=0), pts.max(axis=0)
            boxes.append((float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])))
        else:
            xs = [p[0] for p in pts]
            ys = [p[1] for p in pts]
            # A sum is finite exactly when every term is (|terms| <= MAX_COORD cannot
            # overflow), and min/max are then exact.
            if not (math.isfinite(sum(xs)) and math.isfinite(sum(ys))):
                return None
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    if max(-x0, -y0, x1, y1) > MAX_COORD:
        return None
    return x0, y0, x1, y1
