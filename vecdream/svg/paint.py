"""Fill and stroke paint: solid colours and gradients (``href`` inheritance resolved).

``href`` inheritance takes attributes (but not ``gradientTransform``, as resvg) and
stops. A gradient becomes a :class:`Gradient` in user space of the canvas: its matrix
is the element's CTM times the bounding-box matrix (``gradientUnits=
"objectBoundingBox"``, the default) times ``gradientTransform``. Stop offsets are
clamped to [0, 1] and made non-decreasing, a gradient with one stop paints its colour,
one without stops paints nothing (SVG's rules). Patterns are read as no paint and reported.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from vecdream.svg.color import RGBA, parse_color
from vecdream.svg.css import local_name
from vecdream.svg.sanitize import href
from vecdream.svg.style import StyleSheet, get, inherit, opacity
from vecdream.svg.units import Lengths, parse_length
from vecdream.svg.viewport import IDENTITY, Matrix, multiply, parse_transform

__all__ = ["Gradient", "Paint", "resolve_paint"]

_URL = re.compile(r"^url\(\s*['\"]?#([^)'\"]*)['\"]?\s*\)\s*(.*)$", re.S)
_GRADIENTS = ("linearGradient", "radialGradient")
_LINEAR_DEFAULTS = {"x1": "0%", "y1": "0%", "x2": "100%", "y2": "0%"}
_RADIAL_DEFAULTS = {"cx": "50%", "cy": "50%", "r": "50%", "fr": "0%"}
_SPREADS = {"pad": 0, "reflect": 1, "repeat": 2}


@dataclass(frozen=True)
class Gradient:
    """A gradient in canvas user space.

    Attributes:
        radial: False for ``linearGradient``.
        geom: ``(x1, y1, x2, y2, 0, 0)`` or ``(cx, cy, r, fx, fy, fr)`` in gradient space.
        matrix: gradient space → canvas user space.
        spread: 0 pad, 1 reflect, 2 repeat.
        stops: ``(offset, r, g, b, a)`` per stop, at least two.
    """

    radial: bool
    geom: tuple[float, ...]
    matrix: Matrix
    spread: int
    stops: tuple[tuple[float, float, float, float, float], ...]

    def mean_color(self) -> RGBA:
        """The stops' mean colour (a flat stand-in where gradients are not drawn)."""
        n = len(self.stops)
        return tuple(sum(s[i] for s in self.stops) / n for i in range(1, 5))  # type: ignore


@dataclass(frozen=True)
class Paint:
    """A resolved paint.

    ``rgba``: a flat colour (a gradient's mean colour), alpha including
    ``fill-``/``stroke-opacity``; ``opacity``: that opacity alone (a gradient's stops
    carry their own alpha).
    """

    rgba: RGBA
    gradient: Gradient | None = None
    opacity: float = 1.0


def _chain(el: ET.Element, ids: dict[str, ET.Element]) -> list[ET.Element]:
    """``el`` and the gradients its ``href`` chain reaches (cycles cut)."""
    chain, seen = [el], {id(el)}
    while True:
        ref = href(chain[-1]) or ""
        nxt = ids.get(ref[1:]) if ref.startswith("#") else None
        if nxt is None or id(nxt) in seen or local_name(nxt.tag) not in _GRADIENTS:
            return chain
        chain.append(nxt)
        seen.add(id(nxt))


def _stops(chain: list[ET.Element], sheet: StyleSheet) -> list[tuple[float, ...]]:
    for el in chain:
        stops = [s for s in el if local_name(s.tag) == "stop"]
        if stops:
            break
    else:
        return []
    out: list[tuple[float, ...]] = []
    last = 0.0
    for stop in stops:
        style = inherit({}, sheet.declared(stop))
        parsed = parse_length(stop.get("offset", "0"))
        offset = 0.0 if parsed is None else parsed[0] / (100 if parsed[1] == "%" else 1)
        last = max(last, min(max(offset, 0.0), 1.0))
        color = parse_color(get(style, "stop-color"), parse_color(get(style, "color")))
        color = color or (0.0, 0.0, 0.0, 1.0)
        out.append((last, color[0], color[1], color[2], color[3] * opacity(style,
                                                                          "stop-opacity")))
    return out


def _gradient(el: ET.Element, ids: dict[str, ET.Element], sheet: StyleSheet, ctm: Matrix,
              bbox: tuple[float, float, float, float] | None, lengths: Lengths
              ) -> Paint | None:
    chain = _chain(el, ids)

    def attr(name: str, default: str | None = None) -> str | None:
        return next((g.get(name) for g in chain if g.get(name) is not None), default)

    stops = _stops(chain, sheet)
    if not stops:
        return None
    if len(stops) == 1:
        return Paint(stops[0][1:])  # type: ignore[arg-type]
    bbox_units = attr("gradientUnits", "objectBoundingBox") != "userSpaceOnUse"
    radial = local_name(el.tag) == "radialGradient"
    if bbox_units:
        if bbox is None or bbox[2] <= 0 or bbox[3] <= 0:
            return None  # SVG: a bounding-box gradient on a flat element paints nothing
        units = Lengths((1.0, 1.0), lengths.canvas, lengths.font_size)
        matrix = multiply(ctm, (bbox[2], 0.0, 0.0, bbox[3], bbox[0], bbox[1]))
    else:
        units, matrix = lengths, ctm
    # gradientTransform is not taken through href: resvg does not, and files made for
    # browsers (Noto emoji: a radial gradient re-centred through href) rely on it
    transform = parse_transform(el.get("gradientTransform")) or IDENTITY
    if transform[0] * transform[3] - transform[1] * transform[2] == 0:
        transform = IDENTITY  # not invertible: ignored, as resvg does
    matrix = multiply(matrix, transform)
    if abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]) < 1e-300:
        return None  # a singular CTM: nothing to paint

    def length(name: str, defaults: dict[str, str], axis: str) -> float:
        value = units.resolve(attr(name, defaults[name]), axis)
        return units.resolve(defaults[name], axis) if value is None else value

    if radial:
        cx, cy = length("cx", _RADIAL_DEFAULTS, "x"), length("cy", _RADIAL_DEFAULTS, "y")
        r, fr = length("r", _RADIAL_DEFAULTS, "d"), length("fr", _RADIAL_DEFAULTS, "d")
        fx = units.resolve(attr("fx"), "x", cx)
        fy = units.resolve(attr("fy"), "y", cy)
        if r <= 0:  # SVG: r = 0 paints the last stop's colour
            return Paint(stops[-1][1:])  # type: ignore[arg-type]
        geom: tuple[float, ...] = (cx, cy, r, fx, fy, max(fr, 0.0))
    else:
        geom = (length("x1", _LINEAR_DEFAULTS, "x"), length("y1", _LINEAR_DEFAULTS, "y"),
                length("x2", _LINEAR_DEFAULTS, "x"), length("y2", _LINEAR_DEFAULTS, "y"),
                0.0, 0.0)
        if geom[0] == geom[2] and geom[1] == geom[3]:
            return Paint(stops[-1][1:])  # type: ignore[arg-type]
    spread = _SPREADS.get((attr("spreadMethod") or "pad").strip(), 0)
    gradient = Gradient(radial, geom, matrix, spread, tuple(stops))  # type: ignore[arg-type]
    return Paint(gradient.mean_color(), gradient)


def resolve_paint(value: str, style: dict[str, str], kind: str, ids: dict[str, ET.Element],
                  sheet: StyleSheet, ctm: Matrix, bbox: tuple[float, float, float, float] | None,
                  lengths: Lengths, counts: Counter[str]) -> Paint | None:
    """The paint of ``fill`` or ``stroke`` (``kind``); None paints nothing.

    The alpha of the result includes ``fill-opacity``/``stroke-opacity``, not ``opacity``.
    """
    current = parse_color(get(style, "color"))
    text = value.strip()
    alpha = opacity(style, f"{kind}-opacity")
    m = _URL.match(text)
    if m is not None:
        target = ids.get(m.group(1))
        fallback = m.group(2).strip()
        if target is None or local_name(target.tag) not in (*_GRADIENTS, "pattern"):
            if not fallback or fallback.lower() == "none":
                return None
            text = fallback
        elif local_name(target.tag) == "pattern":
            counts[f"pattern {kind} (read as none)"] += 1
            return None
        else:
            paint = _gradient(target, ids, sheet, ctm, bbox, lengths)
            if paint is None:
                return None
            r, g, b, a = paint.rgba
            return Paint((r, g, b, a * alpha), paint.gradient, alpha)
    if text.lower() in ("none", "context-fill", "context-stroke"):
        return None
    color = parse_color(text, current)
    if color is None:
        return None
    return Paint((color[0], color[1], color[2], color[3] * alpha))
