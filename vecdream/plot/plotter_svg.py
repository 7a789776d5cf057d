"""Plotter SVG: write a :class:`PenPlot` as layered mm SVG, and read it back.

The file is what AxiDraw, Inkscape, saxi and vpype expect: ``width``/``height`` in mm,
a ``viewBox`` in mm (so one user unit is 1 mm), one Inkscape layer per pen labelled
``"N name"``, stroke-only paths of straight segments with round caps and joins, and
``stroke-width`` equal to the pen width. The margin is kept in a ``vecdream:margin-mm``
attribute so previews can draw it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np

from vecdream.atomic import atomic_write_bytes
from vecdream.drawing import Drawing
from vecdream.plot.build import drawing_to_plot
from vecdream.plot.model import Layer, Pen, PenPlot
from vecdream.plot.units import UNITS_MM, parse_length
from vecdream.svg.sanitize import SVGError, parse_xml

__all__ = ["plot_to_svg", "read_plotter_svg", "save_plotter_svg", "to_plotter_svg"]

SVG_NS = "http://www.w3.org/2000/svg"
INKSCAPE_NS = "http://www.inkscape.org/namespaces/inkscape"
VECDREAM_NS = "urn:vecdream:plot"
_MAX_BYTES = 200 * 1024 * 1024
_PATH_TOKEN = re.compile(r"[MmLlHhVvZz]|[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _num(v: float) -> str:
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _path_d(line: np.ndarray) -> str:
    pts = [f"{_num(x)},{_num(y)}" for x, y in line.tolist()]
    return f"M{pts[0]} L" + " ".join(pts[1:])


def plot_to_svg(plot: PenPlot) -> str:
    """SVG text of a plot (coordinates rounded to 1 µm).

    Returns:
        ``<svg width="Wmm" height="Hmm" viewBox="0 0 W H">`` with one
        ``<g inkscape:groupmode="layer" inkscape:label="N name" id="layerN">`` per layer.
    """
    w, h = (_num(v) for v in plot.page_mm)
    pen = _num(plot.pen_width_mm)
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
        f'<svg xmlns="{SVG_NS}" xmlns:inkscape="{INKSCAPE_NS}" xmlns:vecdream="{VECDREAM_NS}" '
        f'width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}" '
        f'vecdream:margin-mm="{_num(plot.margin_mm)}">',
    ]
    for layer in plot.layers:
        out.append(
            f'<g inkscape:groupmode="layer" inkscape:label="{_escape(layer.label)}" '
            f'id="layer{layer.number}" fill="none" stroke="{layer.pen.hex}" '
            f'stroke-width="{pen}" stroke-linecap="round" stroke-linejoin="round">'
        )
        out.extend(f'<path d="{_path_d(line)}"/>' for line in layer.lines if len(line) >= 2)
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def to_plotter_svg(drawing: Drawing, page: str | tuple[float, float] = "A4",
                   **options: Any) -> str:
    """Plotter SVG text of a drawing: :func:`drawing_to_plot` then :func:`plot_to_svg`.

    Strokes become pen lines, fills and wide strokes hatched areas (``fill=...``); every
    option is documented in :func:`~vecdream.plot.build.drawing_to_plot`.

    Example:
        >>> svg = to_plotter_svg(Drawing.random(5, size=(100, 100), seed=0), "A5")
        >>> 'width="148mm"' in svg and 'inkscape:label="1 black"' in svg
        True
    """
    return plot_to_svg(drawing_to_plot(drawing, page, **options))


def save_plotter_svg(drawing: Drawing, path: str | os.PathLike,
                     page: str | tuple[float, float] = "A4", **options: Any) -> None:
    """Write :func:`to_plotter_svg` ``(drawing, page, **options)`` atomically to ``path``."""
    atomic_write_bytes(path, to_plotter_svg(drawing, page, **options).encode("utf-8"))


# ---------------------------------------------------------------------------- reading
def _load_root(source: str | bytes | os.PathLike) -> ET.Element:
    if isinstance(source, bytes) or (isinstance(source, str) and source.lstrip().startswith("<")):
        data = source.encode("utf-8") if isinstance(source, str) else source
    else:
        p = Path(source)
        if p.stat().st_size > _MAX_BYTES:
            raise ValueError(f"plotter SVG: expected at most {_MAX_BYTES} bytes, got {p}")
        data = p.read_bytes()
    try:  # the SVG reader's hardened parser: entity declarations are refused
        return parse_xml(data)
    except SVGError as exc:
        raise ValueError(f"plotter SVG: {exc}") from None


def _page_mm(root: ET.Element) -> tuple[tuple[float, float], float]:
    """Page ``(w, h)`` in mm and mm per user unit, from width/height and the viewBox."""
    try:
        size = tuple(parse_length(root.attrib[k]) if root.attrib[k].strip()[-1].isalpha()
                     else float(root.attrib[k]) * UNITS_MM["px"] for k in ("width", "height"))
        box = [float(v) for v in root.attrib.get("viewBox", "").replace(",", " ").split()]
    except (KeyError, ValueError, IndexError):
        raise ValueError("plotter SVG: expected width/height lengths such as '210mm', got "
                         f"{root.attrib.get('width')!r} x {root.attrib.get('height')!r}") from None
    # without a viewBox, user units are CSS px
    scale = size[0] / box[2] if len(box) == 4 and box[2] > 0 else UNITS_MM["px"]
    return (size[0], size[1]), scale


def _parse_d(d: str) -> list[np.ndarray]:
    """Polylines of path data made of M, L, H, V, Z (absolute or relative)."""
    tokens = _PATH_TOKEN.findall(d)
    if "".join(tokens) != re.sub(r"[\s,]", "", d):
        raise ValueError(f"plotter SVG: expected straight path data (M, L, H, V, Z), got {d[:60]!r}"
                         "; flatten curves first (e.g. with vpype)")
    lines: list[list[tuple[float, float]]] = []
    x = y = 0.0
    cmd, i = "M", 0
    while i < len(tokens):
        if tokens[i].isalpha():
            cmd, i = tokens[i], i + 1
            if cmd in "Zz":
                if lines and lines[-1]:
                    lines[-1].append(lines[-1][0])
                    x, y = lines[-1][0]
                continue
        rel = cmd.islower()
        c = cmd.upper()
        if c in "ML":
            nx, ny = float(tokens[i]), float(tokens[i + 1])
            i += 2
            x, y = (x + nx, y + ny) if rel else (nx, ny)
        else:
            v = float(tokens[i])
            i += 1
            if c == "H":
                x = x + v if rel else v
            else:
                y = y + v if rel else v
        if c == "M":
            lines.append([(x, y)])
            cmd = "l" if rel else "L"
        else:
            lines[-1].append((x, y))
    return [np.array(line, dtype=np.float64) for line in lines if len(line) >= 2]


def _element_lines(el: ET.Element) -> list[np.ndarray]:
    tag = el.tag.rsplit("}", 1)[-1]
    if tag == "path":
        return _parse_d(el.attrib.get("d", ""))
    if tag in ("polyline", "polygon"):
        v = [float(t) for t in re.split(r"[\s,]+", el.attrib.get("points", "").strip()) if t]
        pts = np.array(v[: len(v) // 2 * 2], dtype=np.float64).reshape(-1, 2)
        if tag == "polygon" and len(pts):
            pts = np.concatenate([pts, pts[:1]])
        return [pts] if len(pts) >= 2 else []
    if tag == "line":
        a = [float(el.attrib.get(k, 0)) for k in ("x1", "y1", "x2", "y2")]
        return [np.array(a, dtype=np.float64).reshape(2, 2)]
    return []


def _layer(group: ET.Element, index: int, scale: float) -> tuple[Layer, float | None]:
    label = group.attrib.get(f"{{{INKSCAPE_NS}}}label") or group.attrib.get("id") or ""
    match = re.match(r"\s*(\d+)\s*(.*)", label)
    number = int(match.group(1)) if match else index
    name = (match.group(2) if match else label).strip() or str(number)
    colour = group.attrib.get("stroke", "#000000")
    try:
        rgb = tuple(int(colour.lstrip("#")[k:k + 2], 16) / 255 for k in (0, 2, 4))
    except ValueError:
        rgb = (0.0, 0.0, 0.0)
    width = group.attrib.get("stroke-width")
    lines = [line * scale for el in group.iter() for line in _element_lines(el)]
    return Layer(number, Pen(name, rgb), lines), float(width) * scale if width else None


def read_plotter_svg(source: str | bytes | os.PathLike) -> PenPlot:
    """Read a plotter SVG (as written by :func:`plot_to_svg`) back into a :class:`PenPlot`.

    Each top-level ``<g>`` is a layer (number and name from its ``"N name"`` label);
    ``<path>`` data of straight segments, ``<polyline>``, ``<polygon>`` and ``<line>``
    are read; transforms are not applied (our files have none).

    Args:
        source: a file path, or SVG text/bytes.
    """
    root = _load_root(source)
    if any("transform" in el.attrib for el in root.iter()):
        raise ValueError("plotter SVG: expected no transform attributes (vecdream writes none), "
                         "got some; flatten them first, e.g. `vpype read in.svg write out.svg`")
    page, scale = _page_mm(root)
    layers: list[Layer] = []
    pen_width = None
    groups = [el for el in root if el.tag == f"{{{SVG_NS}}}g"]
    for i, group in enumerate(groups):
        layer, width = _layer(group, i + 1, scale)
        pen_width = pen_width or width
        layers.append(layer)
    margin = root.attrib.get(f"{{{VECDREAM_NS}}}margin-mm")
    return PenPlot(page, pen_width or 0.5, float(margin) if margin else 0.0, layers)
