"""The CSS cascade and inheritance of the SVG properties vecdream reads.

Priority, lowest first (CSS Cascade 4 with SVG's presentation attributes): presentation
attributes, style-sheet rules by specificity then order, the ``style`` attribute, then
``!important`` style-sheet rules, then ``!important`` in ``style``. A declaration whose
value is invalid for its property is ignored (the next lower one wins), as browsers do.
"""

from __future__ import annotations

import functools
from xml.etree import ElementTree as ET

from vecdream.svg.color import parse_color
from vecdream.svg.css import Rule, Tree, local_name, parse_declarations, parse_stylesheet
from vecdream.svg.units import parse_length, parse_number

__all__ = ["INHERITED", "INITIAL", "StyleSheet", "get", "inherit", "opacity", "valid"]

INHERITED = frozenset({
    "fill", "stroke", "stroke-width", "fill-opacity", "stroke-opacity", "fill-rule",
    "clip-rule", "visibility", "color", "font-size", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "marker-start",
    "marker-mid", "marker-end", "marker",
})
NOT_INHERITED = frozenset({
    "opacity", "display", "clip-path", "mask", "filter", "overflow", "stop-color",
    "stop-opacity",
})
PROPERTIES = INHERITED | NOT_INHERITED
INITIAL = {"fill": "black", "stroke": "none", "stroke-width": "1", "fill-opacity": "1",
           "stroke-opacity": "1", "fill-rule": "nonzero", "clip-rule": "nonzero",
           "visibility": "visible", "color": "black", "stroke-linecap": "butt",
           "stroke-linejoin": "miter", "stroke-miterlimit": "4", "opacity": "1",
           "display": "inline", "overflow": "hidden", "stop-color": "black",
           "stop-opacity": "1"}
_KEYWORDS = {
    "fill-rule": {"nonzero", "evenodd"}, "clip-rule": {"nonzero", "evenodd"},
    "visibility": {"visible", "hidden", "collapse"},
    "stroke-linecap": {"butt", "round", "square"},
    "stroke-linejoin": {"miter", "round", "bevel", "miter-clip", "arcs"},
    "overflow": {"visible", "hidden", "scroll", "auto"},
}
_OPACITIES = {"opacity", "fill-opacity", "stroke-opacity", "stop-opacity"}


def valid(name: str, value: str) -> bool:
    """Whether ``value`` is a valid value of property ``name`` (``inherit`` always is)."""
    v = value.strip()
    low = v.lower()
    if low == "inherit":
        return True
    if name in ("fill", "stroke"):
        return low in ("none", "context-fill", "context-stroke") or low.startswith("url(") \
            or parse_color(v) is not None
    if name in ("color", "stop-color"):
        return parse_color(v) is not None
    if name in _KEYWORDS:
        return low in _KEYWORDS[name]
    if name in _OPACITIES:
        return parse_number(v.rstrip("%")) is not None and v.count("%") <= 1
    if name == "stroke-width":
        parsed = parse_length(v)
        return parsed is not None and parsed[0] >= 0
    if name == "stroke-miterlimit":
        number = parse_number(v)
        return number is not None and number >= 1
    return True


class StyleSheet:
    """The document's ``<style>`` rules, and each element's cascaded declarations."""

    def __init__(self, root: ET.Element) -> None:
        self.tree = Tree.of(root)
        self.rules: list[Rule] = []
        for el in root.iter():
            if local_name(el.tag) != "style":
                continue
            kind = (el.get("type") or "text/css").strip().lower()
            if kind in ("", "text/css"):
                self.rules += parse_stylesheet("".join(el.itertext()), len(self.rules))
        self.rules.sort(key=lambda r: (r.specificity, r.order))

    def declared(self, el: ET.Element) -> dict[str, str]:
        """The winning specified value of each property set on ``el`` (not inherited)."""
        layers: list[list[tuple[str, str]]] = [[], [], [], [], []]
        for name, value in el.attrib.items():
            if name in PROPERTIES:
                layers[0].append((name, value))
        for rule in self.rules:
            if rule.match(el, self.tree):
                for name, value, important in rule.declarations:
                    layers[3 if important else 1].append((name, value))
        inline = el.get("style")
        if inline:
            for name, value, important in parse_declarations(inline):
                layers[4 if important else 2].append((name, value))
        out: dict[str, str] = {}
        for layer in layers:
            for name, value in layer:
                if name == "marker" and valid(name, value):
                    for side in ("marker-start", "marker-mid", "marker-end"):
                        out[side] = value.strip()
                elif name in PROPERTIES and valid(name, value):
                    out[name] = value.strip()
        return out


def inherit(parent: dict[str, str], declared: dict[str, str]) -> dict[str, str]:
    """An element's specified style from its parent's and its own declarations."""
    out = {k: v for k, v in parent.items() if k in INHERITED}
    for name, value in declared.items():
        if value.lower() == "inherit":
            if name in parent:
                out[name] = parent[name]
            else:
                out.pop(name, None)
        else:
            out[name] = value
    return out


def get(style: dict[str, str], name: str) -> str:
    """A property's value, or its initial value."""
    return style.get(name, INITIAL.get(name, ""))


def opacity(style: dict[str, str], name: str) -> float:
    """An opacity property clamped to [0, 1] (numbers or percentages)."""
    return _opacity(get(style, name))


@functools.lru_cache(maxsize=1024)
def _opacity(text: str) -> float:
    text = text.strip()
    number = parse_number(text[:-1] if text.endswith("%") else text)
    if number is None:
        return 1.0
    value = number / 100 if text.endswith("%") else number
    return min(max(value, 0.0), 1.0)
