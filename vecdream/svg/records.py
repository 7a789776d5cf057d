"""Drawable shape records of the render-tree walk, and their bounding boxes."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vecdream.svg.paint import Paint
from vecdream.svg.pathdata import Contour

__all__ = ["Shape", "bbox", "faded", "inside"]


@dataclass
class Shape:
    """One drawable element in canvas user units."""

    contours: list[Contour]
    width: float  # in canvas units (scaled by sqrt|det| of the CTM)
    local_width: float  # in the element's units (with stroke_matrix)
    fill: Paint | None
    stroke: Paint | None
    evenodd: bool
    cap: str
    join: str
    miter_limit: float
    stroke_matrix: tuple[float, float, float, float] | None = None
    clip: int = -1  # index into the walker's clip table
    group: int = -1  # innermost opacity group (OPACITY_GROUPS)


def bbox(contours: list[Contour]) -> tuple[float, float, float, float] | None:
    """Tight bounding box ``(x, y, w, h)`` of cubic contours (extrema of each cubic)."""
    xs, ys = [], []
    for pts, _ in contours:
        if isinstance(pts, np.ndarray):
            pts = pts.tolist()  # the same float64 numbers, for the scalar code below
        for i in range(0, len(pts) - 3, 3):
            p0, p1, p2, p3 = pts[i:i + 4]
            for axis, out in ((0, xs), (1, ys)):
                a, b, c, d = p0[axis], p1[axis], p2[axis], p3[axis]
                out += [a, d]
                qa, qb, qc = -a + 3 * b - 3 * c + d, 2 * (a - 2 * b + c), b - a
                roots = []
                if abs(qa) > 1e-12:
                    disc = qb * qb - 4 * qa * qc
                    if disc >= 0:
                        roots = [(-qb + s * math.sqrt(disc)) / (2 * qa) for s in (1, -1)]
                elif abs(qb) > 1e-12:
                    roots = [-qc / qb]
                for t in roots:
                    if 0 < t < 1:
                        u = 1 - t
                        out.append(u**3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t**3 * d)
    if not xs:
        return None
    return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def inside(shape: Shape, box: tuple[float, float, float, float] | None) -> bool:
    """Whether ``shape`` (its points, widened by its stroke) lies inside ``box``."""
    if box is None:
        return True
    pad = shape.width / 2 * 1.5 if shape.stroke is not None else 0.0  # caps/joins margin
    for c, _ in shape.contours:
        if isinstance(c, np.ndarray):
            x, y = c[:, 0], c[:, 1]
            if not bool(((box[0] <= x - pad) & (x + pad <= box[2]) & (box[1] <= y - pad)
                         & (y + pad <= box[3])).all()):
                return False
        elif not all(box[0] <= x - pad and x + pad <= box[2] and box[1] <= y - pad and
                     y + pad <= box[3] for x, y in c):
            return False
    return True


def faded(paint: Paint | None, opacity_: float) -> Paint | None:
    if paint is None or opacity_ == 1.0:  # x * 1.0 is x: the same paint
        return paint
    r, g, b, a = paint.rgba
    return Paint((r, g, b, a * opacity_), paint.gradient, paint.opacity * opacity_)
