"""SVG → :class:`~vecdream.drawing.Drawing` through svgelements, after sanitizing."""

from __future__ import annotations

import io
import logging
import math
import os
from collections import Counter
from dataclasses import dataclass
from xml.etree import ElementTree as ET

import numpy as np
import svgelements as se
import torch

from vecdream.drawing import Drawing
from vecdream.svg.sanitize import (
    DEFAULT_SIZE,
    MAX_COORD,
    MAX_PADDED_POINTS,
    REFERENCE_ATTRS,
    SVGError,
    load_source,
    parse_xml,
    prepare_tree,
)

logger = logging.getLogger("vecdream.svg")


@dataclass
class _PathData:
    """One drawable path: contours as lists of points, and its paint."""

    contours: list[tuple[list[tuple[float, float]], bool]]
    width: float
    stroke: tuple[float, float, float, float]
    fill: tuple[float, float, float, float]
    evenodd: bool



def read_svg(source: str | bytes | os.PathLike) -> Drawing:
    """Read an SVG document into a :class:`Drawing`.

    Supported: ``path``, ``line``, ``polyline``, ``polygon``, ``rect`` (rounded too),
    ``circle``, ``ellipse``, internal ``<use>``, nested groups and transforms, CSS and
    presentation-attribute styles, ``opacity``/``fill-opacity``/``stroke-opacity``
    (multiplied into the alpha), ``fill-rule``. Lines and quadratics become exact
    cubics, arcs cubic approximations; each subpath is a contour of its path and
    ``Z`` sets ``closed`` (no closing segment is added). Text, images, gradient or
    pattern paint (read as none), clip paths, masks, filters and markers are skipped
    and listed in one ``logging`` warning, as are paths with invalid data or with
    non-finite or huge (> 1e9) numbers. Paths with neither fill nor stroke are dropped.

    Args:
        source: SVG text (``bytes``, or a ``str`` whose first non-blank character is
            ``<``), or a path to an ``.svg``/``.svgz`` file.

    Returns:
        A float32 CPU drawing: ``points (C, 3S+1, 2)`` padded by repeating each
        contour's last point, ``n_segments (C,)``, ``closed (C,)``, ``contour_path
        (C,)``, ``widths (P,)``, ``stroke (P, 4)``, ``fill (P, 4)``, ``evenodd (P,)``;
        ``size`` as described in the module docstring. No drawable path gives
        ``P = C = 0``.

    Raises:
        SVGError: malformed XML, entity declarations (billion laughs, external
            entities), input over ``MAX_SVG_BYTES``, a root that is not ``<svg>``,
            an invalid viewBox, recursive or exploding ``<use>`` references,
            nesting deeper than ``MAX_DEPTH``, or a padded ``points`` tensor over
            ``MAX_PADDED_POINTS``.
    """
    data = load_source(source)
    counts: Counter[str] = Counter()
    root = parse_xml(data)
    try:
        size = prepare_tree(root, counts)
        document = se.SVG.parse(io.BytesIO(ET.tostring(root)), reify=True, ppi=96.0)
        paths = _collect_paths(document, counts)
    except RecursionError as exc:
        raise SVGError("SVG nesting too deep") from exc
    except SVGError:
        raise
    except Exception as exc:  # svgelements has no error hierarchy of its own
        raise SVGError(f"could not interpret SVG: {type(exc).__name__}: {exc}") from exc
    if counts:
        shown = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
        logger.warning("read_svg: skipped unsupported or invalid content: %s", shown)
    return _assemble(paths, size)



def _collect_paths(document: se.SVG, counts: Counter[str]) -> list[_PathData]:
    """The drawable paths of an svgelements tree in paint order; group opacity multiplies."""
    out: list[_PathData] = []
    stack: list[tuple[object, float]] = [(document, 1.0)]
    while stack:
        node, opacity = stack.pop()
        values = getattr(node, "values", None) or {}
        attributes = values.get(se.SVG_STRUCT_ATTRIB, {})
        for name in REFERENCE_ATTRS:
            if str(attributes.get(name, "none")).strip() not in ("none", ""):
                counts[name] += 1
        opacity *= _unit_float(attributes.get("opacity"))
        if isinstance(node, (se.Group, se.Use)):
            stack.extend((child, opacity) for child in reversed(node))
        elif isinstance(node, se.Shape):
            path = _shape_to_path(node, opacity, counts)
            if path is not None:
                out.append(path)
    return out


def _shape_to_path(shape: se.Shape, opacity: float, counts: Counter[str]) -> _PathData | None:
    """Paint and cubic contours of one shape; None when invisible or unusable."""
    values = shape.values
    if str(values.get("visibility", "visible")).strip() in ("hidden", "collapse"):
        return None
    fill = _paint(values, "fill", "fill-opacity", opacity, counts)
    stroke = _paint(values, "stroke", "stroke-opacity", opacity, counts)
    try:
        width = max(float(shape.implicit_stroke_width or 0.0), 0.0)
    except (TypeError, ValueError):
        width = 1.0
    if fill[3] <= 0 and (stroke[3] <= 0 or width <= 0):
        return None
    try:
        contours = _contours(shape.segments(transformed=True))
    except (ValueError, ArithmeticError, TypeError, AttributeError):
        counts["invalid geometry"] += 1
        return None
    if not contours:
        counts["empty geometry"] += 1
        return None
    coords = [v for pts, _ in contours for p in pts for v in p]
    if not all(math.isfinite(v) and abs(v) <= MAX_COORD for v in [*coords, width]):
        counts["non-finite or huge coordinates"] += 1
        return None
    evenodd = str(values.get("fill-rule", "nonzero")).strip() == "evenodd"
    return _PathData(contours, width, stroke, fill, evenodd)


def _unit_float(text: object, default: float = 1.0) -> float:
    """An opacity value (number or percentage) clamped to [0, 1]."""
    if text is None:
        return default
    s = str(text).strip()
    try:
        value = float(s[:-1]) / 100.0 if s.endswith("%") else float(s)
    except ValueError:
        return default
    return min(max(value, 0.0), 1.0) if math.isfinite(value) else default


def _paint(values: dict, key: str, opacity_key: str, opacity: float,
           counts: Counter[str]) -> tuple[float, float, float, float]:
    """RGBA in [0, 1] of a fill or stroke; alpha 0 for none and unsupported paint."""
    raw = values.get(key)
    text = "" if raw is None else str(raw).strip()
    if text.lower().startswith("url("):
        counts[f"gradient/pattern {key} (read as none)"] += 1
        return (0.0, 0.0, 0.0, 0.0)
    color = se.Color(text) if text else None
    if color is None or color.value is None:
        return (0.0, 0.0, 0.0, 0.0)
    alpha = color.alpha / 255.0 * _unit_float(values.get(opacity_key)) * opacity
    return (color.red / 255.0, color.green / 255.0, color.blue / 255.0, alpha)


def _contours(segments: list) -> list[tuple[list[tuple[float, float]], bool]]:
    """Split svgelements segments into ``(points, closed)`` cubic contours.

    A Move starts a contour; a drawing segment after a Close starts one at its start.
    Contours without a segment are dropped.
    """
    out: list[tuple[list[tuple[float, float]], bool]] = []
    points: list[tuple[float, float]] = []
    closed = False
    for seg in segments:
        if isinstance(seg, se.Close):
            closed = closed or bool(points)
            continue
        if isinstance(seg, se.Move) or closed or not points:
            if len(points) > 1:
                out.append((points, closed))
            start = seg.end if isinstance(seg, se.Move) else seg.start
            points, closed = [(float(start.x), float(start.y))], False
            if isinstance(seg, se.Move):
                continue
        points.extend(_cubic_tail(seg))
    if len(points) > 1:
        out.append((points, closed))
    return out


def _cubic_tail(seg: object) -> list[tuple[float, float]]:
    """The points after the start of ``seg`` as cubics: 3 per cubic segment."""
    s = (float(seg.start.x), float(seg.start.y))
    e = (float(seg.end.x), float(seg.end.y))
    if isinstance(seg, se.CubicBezier):
        c1, c2 = seg.control1, seg.control2
        return [(float(c1.x), float(c1.y)), (float(c2.x), float(c2.y)), e]
    if isinstance(seg, se.QuadraticBezier):
        c = (float(seg.control.x), float(seg.control.y))
        return [(s[0] + 2 / 3 * (c[0] - s[0]), s[1] + 2 / 3 * (c[1] - s[1])),
                (e[0] + 2 / 3 * (c[0] - e[0]), e[1] + 2 / 3 * (c[1] - e[1])), e]
    if isinstance(seg, se.Arc):
        if s == e:
            return []  # SVG omits an arc whose end points coincide
        # svgelements' default: a cubic per 30 degrees, radial error ~2.5e-6 r.
        cubics = list(seg.as_cubic_curves()) if seg.sweep else []
        if cubics:
            return [pt for c in cubics for pt in _cubic_tail(c)]
    # Line, and arcs with a zero radius: a straight segment.
    return [(s[0] + (e[0] - s[0]) / 3, s[1] + (e[1] - s[1]) / 3),
            (s[0] + 2 * (e[0] - s[0]) / 3, s[1] + 2 * (e[1] - s[1]) / 3), e]


def _assemble(paths: list[_PathData], size: tuple[float | None, float | None]) -> Drawing:
    """Pack paths into float32 tensors, padding contours with their last point."""
    contours = [c for p in paths for c in p.contours]
    n_seg = [(len(pts) - 1) // 3 for pts, _ in contours]
    max_seg = max(n_seg, default=0)
    if len(contours) * (3 * max_seg + 1) > MAX_PADDED_POINTS:
        raise SVGError(f"{len(contours)} contours padded to {max_seg} segments exceed "
                       f"MAX_PADDED_POINTS={MAX_PADDED_POINTS}")
    points = np.zeros((len(contours), 3 * max_seg + 1, 2), dtype=np.float32)
    for i, (pts, _) in enumerate(contours):
        points[i, : len(pts)] = pts
        points[i, len(pts):] = pts[-1]
    width, height = size
    if width is None or height is None:
        corner = points.reshape(-1, 2).max(axis=0) if len(contours) else (0.0, 0.0)
        width = width or (float(corner[0]) if corner[0] > 0 else DEFAULT_SIZE[0])
        height = height or (float(corner[1]) if corner[1] > 0 else DEFAULT_SIZE[1])
    f32 = torch.float32
    return Drawing(
        torch.from_numpy(points),
        torch.tensor([p.width for p in paths], dtype=f32),
        torch.tensor([p.stroke for p in paths], dtype=f32).reshape(-1, 4),
        (width, height),
        fill=torch.tensor([p.fill for p in paths], dtype=f32).reshape(-1, 4),
        evenodd=torch.tensor([p.evenodd for p in paths], dtype=torch.bool),
        closed=torch.tensor([c for _, c in contours], dtype=torch.bool),
        n_segments=torch.tensor(n_seg, dtype=torch.long),
        contour_path=torch.tensor(
            [i for i, p in enumerate(paths) for _ in p.contours], dtype=torch.long
        ),
    )


