"""SVG path data (``d``) → cubic Bézier contours, with the SVG error rules.

Per SVG 2 (path implementation notes, "error handling"): the path is drawn up to the
last complete command before the first error, and data that does not start with a
moveto draws nothing. Lines and quadratics become exact cubics; arcs follow the
endpoint-to-centre conversion of SVG's implementation notes (out-of-range radii scaled
up, zero radii drawn as lines, coincident ends omitted), one cubic per <= 45 degrees.

Smooth commands reflect the previous control point only after a command of their own
family: ``S`` after ``C``/``S``, ``T`` after ``Q``/``T``; otherwise the reflected point
is the current point. (svgelements 1.9.6 also reflects a ``T``'s control point into a
following ``S``; see the module tests.)
"""

from __future__ import annotations

import math
import re

import numpy as np

__all__ = ["Contour", "arc_to_cubics", "parse_path"]

Point = tuple[float, float]
Contour = tuple[list[Point] | np.ndarray, bool]
"""``(points (3n+1 of them), closed)``: a list of ``(x, y)``, or a float64 ``(3n+1, 2)``
array (polylines and polygons, see :mod:`vecdream.svg.shapes`)."""

_NUMBER = re.compile(r"[\s,]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_FLAG = re.compile(r"[\s,]*([01])")
_COMMAND = re.compile(r"\s*([MmZzLlHhVvCcSsQqTtAa])")
_ARITY = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7, "z": 0}


def arc_to_cubics(p0: Point, rx: float, ry: float, phi_deg: float, large: bool, sweep: bool,
                  p1: Point) -> list[Point]:
    """Control points after ``p0`` (3 per cubic) of an SVG elliptical arc."""
    if p0 == p1:
        return []
    rx, ry = abs(rx), abs(ry)
    if rx == 0 or ry == 0:
        return _line(p0, p1)
    phi = math.radians(phi_deg % 360.0)
    cos, sin = math.cos(phi), math.sin(phi)
    dx, dy = (p0[0] - p1[0]) / 2, (p0[1] - p1[1]) / 2
    x1, y1 = cos * dx + sin * dy, -sin * dx + cos * dy
    scale = (x1 / rx) ** 2 + (y1 / ry) ** 2
    if scale > 1:
        rx, ry = rx * math.sqrt(scale), ry * math.sqrt(scale)
    num = rx * rx * ry * ry - rx * rx * y1 * y1 - ry * ry * x1 * x1
    den = rx * rx * y1 * y1 + ry * ry * x1 * x1
    coef = math.sqrt(max(num, 0.0) / den) if den > 0 else 0.0
    if large == sweep:
        coef = -coef
    cx1, cy1 = coef * rx * y1 / ry, -coef * ry * x1 / rx
    cx = cos * cx1 - sin * cy1 + (p0[0] + p1[0]) / 2
    cy = sin * cx1 + cos * cy1 + (p0[1] + p1[1]) / 2
    theta = math.atan2((y1 - cy1) / ry, (x1 - cx1) / rx)
    delta = math.atan2((-y1 - cy1) / ry, (-x1 - cx1) / rx) - theta
    if not all(math.isfinite(v) for v in (cx, cy, theta, delta, rx, ry)):
        return _line(p0, p1)  # overflow on huge input: the caller drops the shape
    if sweep and delta < 0:
        delta += 2 * math.pi
    elif not sweep and delta > 0:
        delta -= 2 * math.pi
    n = max(1, math.ceil(abs(delta) / (math.pi / 4) - 1e-9))  # radial error < 5e-6 r
    step = delta / n
    k = 4 / 3 * math.tan(step / 4)
    out: list[Point] = []

    def at(t: float) -> tuple[Point, Point]:
        """Point and derivative direction (scaled by k) on the ellipse at angle t."""
        ex, ey = rx * math.cos(t), ry * math.sin(t)
        tx, ty = -rx * math.sin(t), ry * math.cos(t)
        return ((cos * ex - sin * ey + cx, sin * ex + cos * ey + cy),
                (cos * tx - sin * ty, sin * tx + cos * ty))

    for i in range(n):
        (a, da), (b, db) = at(theta + i * step), at(theta + (i + 1) * step)
        end = p1 if i == n - 1 else b
        out += [(a[0] + k * da[0], a[1] + k * da[1]), (b[0] - k * db[0], b[1] - k * db[1]), end]
    return out


def _line(p0: Point, p1: Point) -> list[Point]:
    return [(p0[0] + (p1[0] - p0[0]) / 3, p0[1] + (p1[1] - p0[1]) / 3),
            (p0[0] + 2 * (p1[0] - p0[0]) / 3, p0[1] + 2 * (p1[1] - p0[1]) / 3), p1]


def _quad(p0: Point, c: Point, p1: Point) -> list[Point]:
    return [(p0[0] + 2 / 3 * (c[0] - p0[0]), p0[1] + 2 / 3 * (c[1] - p0[1])),
            (p1[0] + 2 / 3 * (c[0] - p1[0]), p1[1] + 2 / 3 * (c[1] - p1[1])), p1]


def _arguments(d: str, pos: int, cmd: str) -> tuple[list[float], int] | None:
    """One argument group of ``cmd`` starting at ``pos``; None when incomplete."""
    args: list[float] = []
    for i in range(_ARITY[cmd]):
        m = (_FLAG if cmd == "a" and i in (3, 4) else _NUMBER).match(d, pos)
        if m is None:
            return None
        value = float(m.group(1))
        if not math.isfinite(value):
            return None
        args.append(value)
        pos = m.end()
    return args, pos


def parse_path(d: str | None) -> tuple[list[Contour], bool]:
    """Contours of ``d`` in user units and whether the data had an error.

    Returns:
        ``(contours, error)``: contours with at least one segment, or a degenerate
        segment for a zero-length closed subpath (``M x y Z``, which caps draw as a
        dot); ``error`` is True when parsing stopped before the end of ``d``.
    """
    d = d or ""
    contours: list[Contour] = []
    points: list[Point] = []
    cur = start = (0.0, 0.0)
    prev_cmd, prev_ctrl = "", (0.0, 0.0)
    pos, error = 0, False

    def flush(closed: bool) -> None:
        nonlocal points
        if len(points) > 1 or (closed and points):
            contours.append((points if len(points) > 1 else points * 4, closed))
        points = []

    while True:
        m = _COMMAND.match(d, pos)
        if m is None:
            error = bool(d[pos:].strip())
            break
        letter, pos = m.group(1), m.end()
        cmd, rel = letter.lower(), letter.islower()
        if not prev_cmd and cmd != "m":
            error = True
            break
        first = True
        while True:
            if cmd == "z":
                if points:
                    flush(True)
                cur, prev_cmd = start, "z"
                break
            got = _arguments(d, pos, cmd)
            if got is None:
                error = first  # later, the outer loop checks what follows
                break
            args, pos = got
            ox, oy = cur if rel else (0.0, 0.0)
            if cmd == "m" and first:
                flush(False)
                cur = start = (args[0] + ox, args[1] + oy)
                points = [cur]
            else:
                if not points:  # a drawing command right after Z starts at the start
                    points = [cur]
                kind = "l" if cmd == "m" else cmd
                cur, prev_ctrl = _segment(kind, args, ox, oy, cur, prev_cmd, prev_ctrl,
                                          points)
            prev_cmd = "l" if cmd == "m" and not first else cmd
            first = False
        if error:
            break
    flush(False)
    return contours, error


def _segment(cmd: str, a: list[float], ox: float, oy: float, cur: Point, prev_cmd: str,
             prev_ctrl: Point, points: list[Point]) -> tuple[Point, Point]:
    """Append one segment's cubic points; returns (new current point, its control)."""
    if cmd == "l":
        end = (a[0] + ox, a[1] + oy)
        points += _line(cur, end)
        return end, end
    if cmd in ("h", "v"):
        end = (a[0] + ox, cur[1]) if cmd == "h" else (cur[0], a[0] + oy)
        points += _line(cur, end)
        return end, end
    reflected = (2 * cur[0] - prev_ctrl[0], 2 * cur[1] - prev_ctrl[1])
    if cmd in ("c", "s"):
        if cmd == "c":
            c1, rest = (a[0] + ox, a[1] + oy), a[2:]
        else:
            c1, rest = (reflected if prev_cmd in ("c", "s") else cur), a
        c2, end = (rest[0] + ox, rest[1] + oy), (rest[2] + ox, rest[3] + oy)
        points += [c1, c2, end]
        return end, c2
    if cmd in ("q", "t"):
        if cmd == "q":
            c, end = (a[0] + ox, a[1] + oy), (a[2] + ox, a[3] + oy)
        else:
            c, end = (reflected if prev_cmd in ("q", "t") else cur), (a[0] + ox, a[1] + oy)
        points += _quad(cur, c, end)
        return end, c
    end = (a[5] + ox, a[6] + oy)
    points += arc_to_cubics(cur, a[0], a[1], a[2], bool(a[3]), bool(a[4]), end)
    return end, end
