"""Physical units of the plotter stage: lengths and page sizes, always in millimetres.

Convention:
    Every length inside :mod:`vecdream.plot` is in millimetres; text such as ``"0.5mm"``,
    ``"0.05in"`` or ``"15"`` (a bare number is mm) is converted here, at the edge.
"""

from __future__ import annotations

import re

__all__ = ["PAGE_SIZES", "UNITS_MM", "parse_length", "page_size"]

UNITS_MM: dict[str, float] = {
    "mm": 1.0,
    "cm": 10.0,
    "m": 1000.0,
    "in": 25.4,
    "pt": 25.4 / 72.0,
    "pc": 25.4 / 6.0,
    "px": 25.4 / 96.0,
}
"""Millimetres per unit; ``px`` is the CSS pixel (96 per inch), as in SVG and vpype."""

PAGE_SIZES: dict[str, tuple[float, float]] = {
    "a0": (841.0, 1189.0),
    "a1": (594.0, 841.0),
    "a2": (420.0, 594.0),
    "a3": (297.0, 420.0),
    "a4": (210.0, 297.0),
    "a5": (148.0, 210.0),
    "a6": (105.0, 148.0),
    "letter": (215.9, 279.4),
    "legal": (215.9, 355.6),
    "tabloid": (279.4, 431.8),
}
"""Portrait ``(width, height)`` in mm of the named pages (names are case-insensitive)."""

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_LENGTH_RE = re.compile(rf"^\s*({_NUMBER})\s*([a-zA-Z]*)\s*$")
_PAGE_RE = re.compile(rf"^\s*({_NUMBER})\s*[xX×]\s*({_NUMBER})\s*([a-zA-Z]*)\s*$")


def _unit_mm(unit: str, text: str) -> float:
    try:
        return UNITS_MM[unit.lower() or "mm"]
    except KeyError:
        raise ValueError(
            f"unknown length unit {unit!r} in {text!r}: expected one of "
            f"{', '.join(UNITS_MM)} (a bare number is mm)"
        ) from None


def parse_length(text: str | float) -> float:
    """Millimetres of a length such as ``"0.5mm"``, ``"0.05in"``, ``"1cm"`` or ``"15"``.

    Args:
        text: a number with an optional unit (mm, cm, m, in, pt, pc, px); a bare
            number, or a float, is already mm.

    Returns:
        The length in mm (may be negative or zero; callers check their own range).

    Example:
        >>> parse_length("0.05in")
        1.27
        >>> parse_length("15")
        15.0
    """
    if isinstance(text, (int, float)):
        return float(text)
    match = _LENGTH_RE.match(text)
    if match is None:
        raise ValueError(
            f"expected a length such as '0.5mm', '0.05in' or '15' (mm), got {text!r}"
        )
    return float(match.group(1)) * _unit_mm(match.group(2), text)


def page_size(page: str | tuple[float, float]) -> tuple[float, float]:
    """Page ``(width, height)`` in mm, as given (orientation is chosen elsewhere).

    Args:
        page: a name of :data:`PAGE_SIZES` (``"A4"``, ``"letter"``, ...), text
            ``"WxH[unit]"`` such as ``"300x200mm"`` or ``"11x17in"``, or a
            ``(w_mm, h_mm)`` pair.

    Returns:
        ``(w, h)`` in mm, both positive and finite.

    Example:
        >>> page_size("A4")
        (210.0, 297.0)
        >>> page_size("11x17in")
        (279.4, 431.8)
    """
    if isinstance(page, str):
        named = PAGE_SIZES.get(page.strip().lower())
        if named is not None:
            return named
        match = _PAGE_RE.match(page)
        if match is None:
            raise ValueError(
                f"expected a page name ({', '.join(PAGE_SIZES)}) or 'WxH[unit]' such as "
                f"'300x200mm', got {page!r}"
            )
        scale = _unit_mm(match.group(3), page)
        size = (float(match.group(1)) * scale, float(match.group(2)) * scale)
    else:
        try:
            w, h = page
            size = (float(w), float(h))
        except (TypeError, ValueError):
            raise ValueError(
                f"expected a page name such as 'A4' or a (w_mm, h_mm) pair, got {page!r}"
            ) from None
    if not all(0 < v < float("inf") for v in size):
        raise ValueError(f"expected a positive finite page size in mm, got {size}")
    return round(size[0], 6), round(size[1], 6)
