"""Basic shapes and paths → cubic contours in the element's user units.

Invalid geometry (a negative or missing ``width``/``height``/``r``, an ellipse without
any radius) gives ``None`` and the element is dropped; zero sizes disable rendering (an
empty list); a negative ``rx``/``ry`` is ignored (``auto``), as browsers and resvg do.
``polyline``/``polygon`` with an odd number of coordinates draw up to the last pair; their
contours are built with numpy (a float64 ``(3n+1, 2)`` array instead of a list of point
tuples, the same numbers) so files of many long polylines read fast.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import numpy as np

from vecdream.svg.css import local_name
from vecdream.svg.pathdata import Contour, arc_to_cubics, parse_path
from vecdream.svg.units import Lengths

__all__ = ["SHAPE_TAGS", "shape_contours"]

SHAPE_TAGS = frozenset({"path", "rect", "circle", "ellipse", "line", "polyline", "polygon"})
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NOT_PLAIN = re.compile(r"[^0-9.eE+\-, \t\n\r]")


def _line(p0: tuple[float, float], p1: tuple[float, float]) -> list[tuple[float, float]]:
    return [(p0[0] + (p1[0] - p0[0]) / 3, p0[1] + (p1[1] - p0[1]) / 3),
            (p0[0] + 2 * (p1[0] - p0[0]) / 3, p0[1] + 2 * (p1[1] - p0[1]) / 3), p1]


def _ellipse(cx: float, cy: float, rx: float, ry: float) -> list[Contour]:
    start, half = (cx + rx, cy), (cx - rx, cy)
    pts = [start, *arc_to_cubics(start, rx, ry, 0.0, False, True, half),
           *arc_to_cubics(half, rx, ry, 0.0, False, True, start)]
    return [(pts, True)]


def _radius(text: str | None, lengths: Lengths, axis: str) -> float | str:
    """A rect/ellipse radius; ``"auto"`` when missing or invalid (negative included).

    SVG 2 makes a negative ``rx``/``ry`` an invalid value, ignored like any invalid
    presentation attribute (so ``auto``): what browsers and resvg draw.
    """
    value = lengths.resolve(text, axis) if text is not None else None
    return "auto" if value is None or value < 0 else value


def _rect(el: ET.Element, lengths: Lengths) -> list[Contour] | None:
    x, y = lengths.resolve(el.get("x"), "x", 0.0), lengths.resolve(el.get("y"), "y", 0.0)
    w, h = lengths.resolve(el.get("width"), "x"), lengths.resolve(el.get("height"), "y")
    if w is None or h is None or w < 0 or h < 0:
        return None
    rx, ry = _radius(el.get("rx"), lengths, "x"), _radius(el.get("ry"), lengths, "y")
    if w == 0 or h == 0:
        return []
    rx = ry if rx == "auto" else rx
    ry = rx if ry == "auto" else ry
    rx = 0.0 if rx == "auto" else min(float(rx), w / 2)
    ry = 0.0 if ry == "auto" else min(float(ry), h / 2)
    if rx == 0 or ry == 0:
        corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
        pts = [corners[0]]
        for a, b in zip(corners, corners[1:], strict=False):
            pts += _line(a, b)
        return [(pts[:-3], True)]  # the closing edge is the contour's implicit close
    pts = [(x + rx, y)]
    for a, b, arc_end in (((x + rx, y), (x + w - rx, y), (x + w, y + ry)),
                          ((x + w, y + ry), (x + w, y + h - ry), (x + w - rx, y + h)),
                          ((x + w - rx, y + h), (x + rx, y + h), (x, y + h - ry)),
                          ((x, y + h - ry), (x, y + ry), (x + rx, y))):
        if a != b:
            pts += _line(a, b)
        pts += arc_to_cubics(b, rx, ry, 0.0, False, True, arc_end)
    return [(pts, True)]


def _values(text: str) -> np.ndarray:
    """The numbers of ``text``: ``float`` of what ``_NUMBER.findall`` finds, float64.

    Fast path: text made only of digits, ``.eE+-``, commas and whitespace whose tokens
    all parse as floats (in that alphabet ``float`` accepts exactly the SVG number
    syntax) splits at the separators into the very tokens ``findall`` finds.
    """
    if _NOT_PLAIN.search(text) is None:
        tokens = text.replace(",", " ").split()
        try:
            return np.fromiter(map(float, tokens), dtype=np.float64, count=len(tokens))
        except ValueError:
            pass
    return np.array([float(v) for v in _NUMBER.findall(text)], dtype=np.float64)


def _polyline(text: str | None) -> np.ndarray | None:
    """Cubic control points ``(3n+1, 2)`` of a ``points`` list (straight edges, as
    :func:`_line` makes them: the same operations, elementwise); None under 2 points."""
    values = _values(text or "")
    n = len(values) // 2
    if n < 2:
        return None
    pts = values[: 2 * n].reshape(n, 2)
    p0, p1 = pts[:-1], pts[1:]
    out = np.empty((3 * (n - 1) + 1, 2), dtype=np.float64)
    out[0] = pts[0]
    with np.errstate(all="ignore"):  # inf/nan coordinates: the walker drops the shape
        delta = p1 - p0
        out[1::3] = p0 + delta / 3
        out[2::3] = p0 + 2 * delta / 3
    out[3::3] = p1
    return out


def shape_contours(el: ET.Element, lengths: Lengths) -> tuple[list[Contour] | None, bool]:
    """``(contours, path_error)`` of a shape element in its user units.

    ``contours`` is None for invalid geometry; ``path_error`` reports path data that
    stopped at an error (the part before it is still returned).
    """
    tag = local_name(el.tag)
    if tag == "path":
        return parse_path(el.get("d"))
    if tag == "rect":
        return _rect(el, lengths), False
    if tag in ("circle", "ellipse"):
        cx = lengths.resolve(el.get("cx"), "x", 0.0)
        cy = lengths.resolve(el.get("cy"), "y", 0.0)
        if tag == "circle":
            r = lengths.resolve(el.get("r"), "d")
            rx = ry = r
        else:
            rx, ry = _radius(el.get("rx"), lengths, "x"), _radius(el.get("ry"), lengths, "y")
            rx, ry = (ry if rx == "auto" else rx), (rx if ry == "auto" else ry)
            rx, ry = (None if rx == "auto" else rx), (None if ry == "auto" else ry)
        if rx is None or ry is None or rx < 0 or ry < 0:
            return None, False
        return ([] if rx == 0 or ry == 0 else _ellipse(cx, cy, rx, ry)), False
    if tag == "line":
        p0 = (lengths.resolve(el.get("x1"), "x", 0.0), lengths.resolve(el.get("y1"), "y", 0.0))
        p1 = (lengths.resolve(el.get("x2"), "x", 0.0), lengths.resolve(el.get("y2"), "y", 0.0))
        return [([p0, *_line(p0, p1)], False)], False
    out = _polyline(el.get("points"))
    if out is None:
        return [], False
    return [(out, tag == "polygon")], False  # type: ignore[list-item]
