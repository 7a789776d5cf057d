"""Affine transforms, ``transform`` attributes, ``viewBox`` and ``preserveAspectRatio``.

A matrix is ``(a, b, c, d, e, f)`` as in SVG: ``x' = a x + c y + e``,
``y' = b x + d y + f``.
"""

from __future__ import annotations

import math
import re

__all__ = ["IDENTITY", "Matrix", "apply", "multiply", "parse_transform", "parse_viewbox",
           "viewbox_transform"]

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_NUM = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_FUNC = re.compile(rf"\s*(matrix|translate|scale|rotate|skewX|skewY)\s*\(\s*((?:{_NUM}"
                   r"(?:\s*,\s*|\s+)?)*)\)\s*,?")
_SPLIT = re.compile(r"[\s,]+")
_ALIGN = {"none", "xminymin", "xmidymin", "xmaxymin", "xminymid", "xmidymid", "xmaxymid",
          "xminymax", "xmidymax", "xmaxymax"}


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m @ n``: apply ``n`` first, then ``m``."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2,
            a * e2 + c * f2 + e, b * e2 + d * f2 + f)


def apply(m: Matrix, p: tuple[float, float]) -> tuple[float, float]:
    return (m[0] * p[0] + m[2] * p[1] + m[4], m[1] * p[0] + m[3] * p[1] + m[5])


def translate(x: float, y: float) -> Matrix:
    return (1.0, 0.0, 0.0, 1.0, x, y)


def _function(name: str, v: list[float]) -> Matrix | None:
    n = len(v)
    if name == "matrix":
        return (v[0], v[1], v[2], v[3], v[4], v[5]) if n == 6 else None
    if name == "translate" and n in (1, 2):
        return translate(v[0], v[1] if n == 2 else 0.0)
    if name == "scale" and n in (1, 2):
        return (v[0], 0.0, 0.0, v[1] if n == 2 else v[0], 0.0, 0.0)
    if name == "rotate" and n in (1, 3):
        t = math.radians(v[0])
        rot = (math.cos(t), math.sin(t), -math.sin(t), math.cos(t), 0.0, 0.0)
        if n == 3:
            rot = multiply(translate(v[1], v[2]), multiply(rot, translate(-v[1], -v[2])))
        return rot
    if name in ("skewX", "skewY") and n == 1:
        t = math.tan(math.radians(v[0]))
        return (1.0, 0.0, t, 1.0, 0.0, 0.0) if name == "skewX" else (1.0, t, 0.0, 1.0, 0.0, 0.0)
    return None


def parse_transform(text: str | None) -> Matrix | None:
    """The matrix of a ``transform`` attribute; None when it is invalid (then ignored).

    An empty or missing attribute is the identity.
    """
    if text is None or not text.strip():
        return IDENTITY
    m, pos = IDENTITY, 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        match = _FUNC.match(text, pos)
        if match is None:
            return None
        values = [float(v) for v in re.findall(_NUM, match.group(2))]
        step = _function(match.group(1), values)
        if step is None or not all(math.isfinite(x) for x in step):
            return None
        m, pos = multiply(m, step), match.end()
    return m


def parse_viewbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``(min_x, min_y, w, h)``, or None when missing or invalid (w, h must be > 0)."""
    if text is None:
        return None
    try:
        nums = [float(v) for v in _SPLIT.split(text.strip())]
    except ValueError:
        return None
    if len(nums) != 4 or not all(math.isfinite(v) for v in nums):
        return None
    return (nums[0], nums[1], nums[2], nums[3]) if nums[2] > 0 and nums[3] > 0 else None


def parse_aspect(text: str | None) -> tuple[str, bool]:
    """``(align, slice)`` of ``preserveAspectRatio``; invalid → ``("xmidymid", False)``."""
    words = (text or "").split()
    if words and words[0] == "defer":
        words = words[1:]
    if not words or words[0].lower() not in _ALIGN or len(words) > 2 or \
            (len(words) == 2 and words[1] not in ("meet", "slice")):
        return "xmidymid", False
    return words[0].lower(), len(words) == 2 and words[1] == "slice"


def viewbox_transform(viewbox: tuple[float, float, float, float], width: float, height: float,
                      aspect: str | None) -> Matrix:
    """The matrix from viewBox units to a ``width`` × ``height`` viewport at the origin."""
    vx, vy, vw, vh = viewbox
    align, slice_ = parse_aspect(aspect)
    sx, sy = width / vw, height / vh
    if align == "none":
        return (sx, 0.0, 0.0, sy, -vx * sx, -vy * sy)
    s = max(sx, sy) if slice_ else min(sx, sy)
    fx = {"xmin": 0.0, "xmid": 0.5, "xmax": 1.0}[align[:4]]
    fy = {"ymin": 0.0, "ymid": 0.5, "ymax": 1.0}[align[4:]]
    tx = (width - vw * s) * fx - vx * s
    ty = (height - vh * s) * fy - vy * s
    return (s, 0.0, 0.0, s, tx, ty)
