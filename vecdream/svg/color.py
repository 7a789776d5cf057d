"""CSS colour syntax as SVG renderers accept it.

``#rgb``, ``#rgba``, ``#rrggbb``, ``#rrggbbaa``, ``rgb()``/``rgba()`` with integers,
floats or percentages separated by commas or spaces (``/`` before alpha), ``hsl()``/
``hsla()`` with any hue (degrees, ``deg``/``rad``/``grad``/``turn``), the named colours,
``transparent`` and ``currentColor``; all case-insensitive.
"""

from __future__ import annotations

import functools
import math
import re

from PIL import ImageColor

__all__ = ["RGBA", "parse_color"]

RGBA = tuple[float, float, float, float]
_FUNC = re.compile(r"^(rgba?|hsla?)\((.*)\)$", re.S)
_HUE_UNITS = {"": 1.0, "deg": 1.0, "rad": 180 / math.pi, "grad": 0.9, "turn": 360.0}
_NUM = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(%|deg|rad|grad|turn)?$")


def _clamp(v: float) -> float:
    return min(max(v, 0.0), 1.0)


def _args(body: str) -> list[tuple[float, str]] | None:
    """The numbers of a colour function with their units, or None when malformed."""
    body = body.replace("/", " / ")
    parts = [p for p in re.split(r"[\s,]+", body.strip()) if p]
    alpha_slash = "/" in parts
    parts = [p for p in parts if p != "/"]
    out = []
    for p in parts:
        m = _NUM.match(p)
        if m is None:
            return None
        value = float(m.group(1))
        if not math.isfinite(value):
            return None
        out.append((value, m.group(2) or ""))
    if alpha_slash and len(out) != 4:
        return None
    return out


def _alpha(arg: tuple[float, str]) -> float:
    value, unit = arg
    return _clamp(value / 100 if unit == "%" else value)


def _hsl(h: float, s: float, lum: float) -> tuple[float, float, float]:
    """HSL → RGB (CSS Color 3 algorithm); ``h`` in degrees, ``s``/``lum`` in [0, 1]."""
    def channel(n: float) -> float:
        k = (n + h / 30.0) % 12
        a = s * min(lum, 1 - lum)
        return lum - a * max(-1.0, min(k - 3, 9 - k, 1.0))
    return channel(0), channel(8), channel(4)


def _function(name: str, body: str) -> RGBA | None:
    args = _args(body)
    if args is None or len(args) not in (3, 4):
        return None
    alpha = _alpha(args[3]) if len(args) == 4 else 1.0
    if name.startswith("rgb"):
        if any(unit not in ("", "%") for _, unit in args[:3]):
            return None
        rgb = [_clamp(v / 100 if u == "%" else v / 255) for v, u in args[:3]]
        return (rgb[0], rgb[1], rgb[2], alpha)
    (h, hu), (s, su), (lum, lu) = args[:3]
    if hu not in _HUE_UNITS or su not in ("%", "") or lu not in ("%", ""):
        return None
    r, g, b = _hsl((h * _HUE_UNITS[hu]) % 360.0, _clamp(s / 100), _clamp(lum / 100))
    return (_clamp(r), _clamp(g), _clamp(b), alpha)


def _hex(digits: str) -> RGBA | None:
    if not re.fullmatch(r"[0-9a-f]+", digits) or len(digits) not in (3, 4, 6, 8):
        return None
    if len(digits) in (3, 4):
        digits = "".join(c * 2 for c in digits)
    values = [int(digits[i:i + 2], 16) / 255 for i in range(0, len(digits), 2)]
    return (values[0], values[1], values[2], values[3] if len(values) == 4 else 1.0)


@functools.lru_cache(maxsize=4096)  # a pure function, called per element and property
def parse_color(text: str | None, current: RGBA | None = None) -> RGBA | None:
    """RGBA in [0, 1] of a CSS colour; None when ``text`` is not a valid colour.

    Args:
        text: the colour text.
        current: the value of ``currentColor`` (the ``color`` property); black if None.
    """
    if text is None:
        return None
    s = text.strip().lower()
    if not s:
        return None
    if s == "currentcolor":
        return current if current is not None else (0.0, 0.0, 0.0, 1.0)
    if s == "transparent":
        return (0.0, 0.0, 0.0, 0.0)
    if s.startswith("#"):
        return _hex(s[1:])
    m = _FUNC.match(s)
    if m is not None:
        return _function(m.group(1), m.group(2))
    named = ImageColor.colormap.get(s) if s.isalpha() else None  # the 148 CSS names
    if isinstance(named, tuple):  # PIL caches a name it has parsed as an RGB tuple
        return (named[0] / 255, named[1] / 255, named[2] / 255, 1.0)
    return None if not isinstance(named, str) else _hex(named[1:])
