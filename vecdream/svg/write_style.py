"""SVG text of a drawing's style fields (issue 10): stroke caps/joins, gradients, clips, groups.

Helpers of :mod:`vecdream.svg.write`; ``t`` is always the drawing's tensors by name
(``Drawing._ALL``), detached on the CPU. Everything is written in user units
(``gradientUnits``/``clipPathUnits`` ``userSpaceOnUse``), so the text needs no bounding
boxes to be read back.
"""

from __future__ import annotations

from vecdream.drawing_fields import CAPS, GRAD_RADIAL, JOIN_BEVEL, JOIN_MITER, JOIN_ROUND, SPREADS

__all__ = ["GroupWriter", "clip_defs", "gradient_defs", "stroke_style"]

_CAP_NAMES = {v: k for k, v in CAPS.items()}
_JOIN_NAMES = {JOIN_MITER: "miter", JOIN_ROUND: "round", JOIN_BEVEL: "bevel"}
_SPREAD_NAMES = {v: k for k, v in SPREADS.items()}


def fmt_number(value: float, precision: int) -> str:
    """``value`` with ``precision`` decimals, trailing zeros stripped, never ``-0``."""
    text = f"{float(value):.{precision}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def hex_rgb(rgb: list[float]) -> str:
    """``#rrggbb`` of an RGB triple in [0, 1] (clamped)."""
    r, g, b = (round(min(max(c, 0.0), 1.0) * 255) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def stroke_style(p: int, t: dict, stroke_on: bool) -> str:
    """`` stroke-linecap=... stroke-linejoin=...`` (and miter limit) of stroked path ``p``."""
    if not stroke_on:
        return ""
    cap = _CAP_NAMES.get(int(t["cap"][p]), "round")
    join = _JOIN_NAMES.get(int(t["join"][p]), "round")
    text = f' stroke-linecap="{cap}" stroke-linejoin="{join}"'
    if join == "miter":
        text += f' stroke-miterlimit="{fmt_number(t["miter_limit"][p], 4)}"'
    return text


def _gradient(g: int, t: dict, precision: int) -> str:
    f = lambda v: fmt_number(v, max(precision, 4))  # noqa: E731
    geom = t["grad_geom"][g].tolist()
    m = t["grad_transform"][g].double()
    matrix = " ".join(f(v) for v in (m[0, 0], m[1, 0], m[0, 1], m[1, 1], m[0, 2], m[1, 2]))
    spread = _SPREAD_NAMES.get(int(t["grad_spread"][g]), "pad")
    common = (f'id="g{g}" gradientUnits="userSpaceOnUse" gradientTransform="matrix({matrix})"'
              f' spreadMethod="{spread}"')
    if int(t["grad_kind"][g]) == GRAD_RADIAL:
        tag = "radialGradient"
        attrs = (f'cx="{f(geom[0])}" cy="{f(geom[1])}" r="{f(geom[2])}" fx="{f(geom[3])}" '
                 f'fy="{f(geom[4])}"' + (f' fr="{f(geom[5])}"' if geom[5] else ""))
    else:
        tag = "linearGradient"
        attrs = f'x1="{f(geom[0])}" y1="{f(geom[1])}" x2="{f(geom[2])}" y2="{f(geom[3])}"'
    used = t["grad_stops"][g, : max(int(t["grad_n_stops"][g]), 1)].double().tolist()
    stops = "".join(
        f'<stop offset="{f(o)}" stop-color="{hex_rgb([r, gr, b])}" stop-opacity="{f(a)}"/>'
        for o, r, gr, b, a in used)
    return f"<{tag} {common} {attrs}>{stops}</{tag}>"


def gradient_defs(t: dict, precision: int) -> str:
    """``<linearGradient id="g{i}">``/``<radialGradient>`` of every gradient."""
    return "".join(_gradient(g, t, precision) for g in range(t["grad_kind"].shape[0]))


def clip_defs(t: dict, precision: int) -> str:
    """``<clipPath id="c{k}">`` of every clip: its shapes, each a closed ``<path>``."""
    points = t["clip_points"].double()
    n_seg = t["clip_n_segments"].tolist()
    shapes: dict[int, list[str]] = {}
    for c, s in enumerate(t["clip_contour_shape"].tolist()):
        used = points[c, : 3 * max(n_seg[c], 0) + 1].tolist()
        head = f"M {fmt_number(used[0][0], precision)} {fmt_number(used[0][1], precision)}"
        tail = " ".join(f"{fmt_number(x, precision)} {fmt_number(y, precision)}"
                        for x, y in used[1:])
        shapes.setdefault(s, []).append(f"{head} C {tail} Z" if tail else f"{head} Z")
    by_clip: dict[int, list[str]] = {}
    for s, k in enumerate(t["clip_shape_clip"].tolist()):
        rule = "evenodd" if bool(t["clip_shape_evenodd"][s]) else "nonzero"
        by_clip.setdefault(k, []).append(
            f'<path d="{" ".join(shapes.get(s, []))}" clip-rule="{rule}"/>')
    return "".join(f'<clipPath id="c{k}" clipPathUnits="userSpaceOnUse">{"".join(body)}'
                   "</clipPath>" for k, body in sorted(by_clip.items()))


class GroupWriter:
    """Opens and closes ``<g opacity>`` elements around consecutive paths of a group."""

    def __init__(self, t: dict, lines: list[str]) -> None:
        self.group = t["group"].tolist()
        self.parent = t["group_parent"].tolist()
        self.opacity = t["group_opacity"].double().tolist()
        self.clip = t["clip"].tolist()
        self.clip_parent = t["clip_parent"].tolist()
        self.lines = lines
        self.open: list[int] = []

    def _chain(self, g: int, parent: list[int]) -> list[int]:
        chain = []
        while g >= 0 and len(chain) <= len(parent):
            chain.append(g)
            g = parent[g]
        return chain[::-1]

    def enter(self, p: int) -> None:
        """Make the open groups those of path ``p`` (outermost first)."""
        chain = self._chain(self.group[p], self.parent)
        common = 0
        while common < min(len(chain), len(self.open)) and chain[common] == self.open[common]:
            common += 1
        self.close(common)
        for g in chain[common:]:
            self.lines.append(f'<g opacity="{fmt_number(self.opacity[g], 4)}">')
            self.open.append(g)

    def close(self, keep: int = 0) -> None:
        """Close open groups until ``keep`` remain."""
        while len(self.open) > keep:
            self.open.pop()
            self.lines.append("</g>")

    def clipped(self, p: int, element: str) -> str:
        """``element`` inside one ``<g clip-path>`` per clip of path ``p``'s clip chain."""
        for k in self._chain(self.clip[p], self.clip_parent)[::-1]:
            element = f'<g clip-path="url(#c{k})">{element}</g>'
        return element
