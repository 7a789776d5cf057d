"""SVG lengths (``<length>``/``<percentage>``) resolved to user units.

Absolute units follow CSS (96 px per inch: ``pt`` 4/3, ``pc`` 16, ``mm`` 96/25.4, ``cm``,
``in``, ``Q`` a quarter millimetre). ``em`` is the element's font size and ``ex`` half of
it (the usual fallback when no font metrics are known, as resvg does); ``rem`` uses the
root font size. ``%`` resolves against the current viewport along the attribute's axis:
width for x-like values, height for y-like values, and the normalized diagonal
``sqrt((w^2 + h^2) / 2)`` for the others (``r``, ``stroke-width``). ``vw``/``vh``/
``vmin``/``vmax`` use the outermost viewport (the canvas).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["DEFAULT_FONT_SIZE", "Lengths", "parse_length", "parse_number"]

DEFAULT_FONT_SIZE = 16.0
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_LENGTH = re.compile(rf"^\s*({_NUMBER})([a-zA-Z%]*)\s*$")
_ABSOLUTE = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4,
             "cm": 96 / 2.54, "in": 96.0, "q": 96 / 101.6}
# CSS absolute-size keywords (medium = 16 px), for font-size.
FONT_SIZE_KEYWORDS = {"xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0,
                      "large": 18.0, "x-large": 24.0, "xx-large": 32.0, "xxx-large": 48.0}


def parse_number(text: str | None) -> float | None:
    """A plain finite number, or None when ``text`` is not one."""
    if text is None:
        return None
    m = _LENGTH.match(text)
    if m is None or m.group(2):
        return None
    value = float(m.group(1))
    return value if math.isfinite(value) else None


def parse_length(text: str | None) -> tuple[float, str] | None:
    """``(number, unit)`` with the unit lower-cased, or None when invalid."""
    if text is None:
        return None
    m = _LENGTH.match(text)
    if m is None:
        return None
    unit = m.group(2).lower()
    if unit not in _ABSOLUTE and unit not in ("%", "em", "ex", "rem", "vw", "vh", "vmin",
                                              "vmax"):
        return None
    return float(m.group(1)), unit  # may be infinite: callers drop huge geometry


@dataclass(frozen=True)
class Lengths:
    """What relative lengths resolve against at one element.

    Attributes:
        viewport: current viewport ``(w, h)`` in user units (for ``%``).
        canvas: outermost viewport ``(w, h)`` in px (for ``vw``/``vh``).
        font_size: the element's font size in user units (for ``em``/``ex``).
    """

    viewport: tuple[float, float]
    canvas: tuple[float, float]
    font_size: float = DEFAULT_FONT_SIZE

    def resolve(self, text: str | None, axis: str = "d", default: float | None = None
                ) -> float | None:
        """``text`` in user units; ``axis`` is ``x``, ``y`` or ``d`` (diagonal) for ``%``.

        Returns ``default`` when ``text`` is missing or invalid.
        """
        parsed = parse_length(text)
        if parsed is None:
            return default
        value, unit = parsed
        if unit in _ABSOLUTE:
            return value * _ABSOLUTE[unit]
        if unit == "%":
            w, h = self.viewport
            ref = {"x": w, "y": h}.get(axis, math.sqrt((w * w + h * h) / 2))
            return value / 100.0 * ref
        if unit == "em":
            return value * self.font_size
        if unit == "ex":
            return value * self.font_size / 2
        if unit == "rem":
            return value * DEFAULT_FONT_SIZE
        cw, ch = self.canvas
        ref = {"vw": cw, "vh": ch, "vmin": min(cw, ch), "vmax": max(cw, ch)}[unit]
        return value / 100.0 * ref

    def font(self, text: str | None) -> float:
        """The font size ``text`` gives a child (``%``/``em`` of this one's)."""
        if text is None:
            return self.font_size
        keyword = FONT_SIZE_KEYWORDS.get(text.strip().lower())
        if keyword is not None:
            return keyword
        parsed = parse_length(text)
        if parsed is None or parsed[0] < 0:
            return self.font_size
        if parsed[1] == "%":
            return parsed[0] / 100.0 * self.font_size
        value = self.resolve(text)
        return self.font_size if value is None else value
