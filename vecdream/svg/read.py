"""SVG → :class:`~vecdream.drawing.Drawing`: hardening, the render-tree walk, tensors."""

from __future__ import annotations

import logging
import os
from collections import Counter
from xml.etree import ElementTree as ET

import numpy as np
import torch

from vecdream.drawing import Drawing
from vecdream.drawing_fields import PATH_FIELDS, TABLE_FIELDS
from vecdream.svg.clip import ClipRecord
from vecdream.svg.css import local_name
from vecdream.svg.fields import path_fields
from vecdream.svg.pathdata import Contour
from vecdream.svg.records import Shape
from vecdream.svg.sanitize import (
    DEFAULT_SIZE,
    MAX_COORD,
    MAX_PADDED_POINTS,
    SVGError,
    check_depth,
    load_source,
    parse_xml,
)
from vecdream.svg.style import inherit, opacity
from vecdream.svg.units import Lengths
from vecdream.svg.viewport import IDENTITY, Matrix, parse_viewbox, viewbox_transform
from vecdream.svg.walk import Context, Walker

logger = logging.getLogger("vecdream.svg")

__all__ = ["read_svg"]


def read_svg(source: str | bytes | os.PathLike) -> Drawing:
    """Read an SVG document into a :class:`Drawing`.

    Supported: ``path``, ``line``, ``polyline``, ``polygon``, ``rect`` (rounded too),
    ``circle``, ``ellipse``; groups, transforms, nested ``<svg>`` and internal ``<use>``
    of elements, ``<svg>`` and ``<symbol>`` (viewports with viewBox and
    preserveAspectRatio; content wholly outside a viewport's clip is dropped); CSS
    (``<style>`` sheets with type, class, id, attribute and compound selectors,
    specificity, ``!important``) and presentation attributes; lengths in every SVG unit
    (``%``, ``em``, ``ex``, ``Q``, ``vw``...); CSS colours (``rgb()``, ``hsl()``, names);
    ``fill-opacity``/``stroke-opacity`` (in the alpha), ``opacity`` (opacity groups;
    multiplied into the alpha for a single paint), ``fill-rule``, caps, joins, miter
    limits, linear/radial gradients and clip paths (nested viewports clip too), in
    :class:`Drawing`'s issue-10 fields. Lines and quadratics become exact cubics, arcs
    cubics of <= 45 degrees; each subpath is a contour and ``Z`` sets ``closed``.

    SVG's error rules apply: path data is drawn up to its first error, invalid geometry
    (a negative or missing size or radius) drops the element (a negative ``rx``/``ry``
    is ignored, as browsers do), a ``<use>`` on a reference cycle is
    dropped, duplicated ids resolve to the first, invalid declarations are ignored.
    Text, images, patterns, masks, filters, markers and dashes are skipped (masked,
    filtered and dashed elements drawn plain) and listed with every dropped item in one
    ``logging`` warning.

    Args:
        source: SVG text (``bytes``, or a ``str`` whose first non-blank character is
            ``<``), or a path to an ``.svg``/``.svgz`` file.

    Returns:
        A float32 CPU drawing: ``points (C, 3S+1, 2)`` padded by repeating each
        contour's last point, ``n_segments (C,)``, ``closed (C,)``, ``contour_path
        (C,)``, ``widths (P,)``, ``stroke (P, 4)``, ``fill (P, 4)``, ``evenodd (P,)``.
        The canvas is the root viewport as a browser sizes it: with a viewBox, geometry
        is in viewBox units and ``size`` is the viewport in those units (the viewBox
        itself when ``width``/``height`` have its aspect or are missing); without one,
        user units are px and ``width``/``height`` give the size (a missing or ``%``
        one is replaced by the content's corner, or 300 x 150 without content).

    Raises:
        SVGError: malformed XML, entity declarations, input over ``MAX_SVG_BYTES``, a
            root that is not ``<svg>``, an invalid root viewBox, exploding ``<use>``
            references, nesting deeper than ``MAX_DEPTH``, or a padded ``points``
            tensor over ``MAX_PADDED_POINTS``.
    """
    data = load_source(source)
    root = parse_xml(data)
    if local_name(root.tag) != "svg":
        raise SVGError(f"root element is <{local_name(root.tag)}>, not <svg>")
    check_depth(root)
    counts: Counter[str] = Counter()
    try:
        walker = Walker(root, counts)
        size, matrix, viewport = _canvas(root)
        known = (size[0] or viewport[0], size[1] or viewport[1])
        declared = walker.sheet.declared(root)
        style = inherit({}, declared)
        lengths = Lengths(viewport, known)
        lengths = Lengths(viewport, known, lengths.font(style.get("font-size")))
        if style.get("display", "").strip().lower() != "none":
            walker.children(root, Context(matrix, style, lengths, opacity(style, "opacity")))
    except RecursionError as exc:
        raise SVGError("SVG nesting too deep") from exc
    if counts:
        shown = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
        logger.warning("read_svg: skipped unsupported or invalid content: %s", shown)
    return _assemble(walker.shapes, size, walker.clips.records, walker.groups)


def _length_px(text: str | None) -> float | None:
    """An absolute root length in px, or None when missing, relative or invalid."""
    value = Lengths((0.0, 0.0), (0.0, 0.0)).resolve(text) if text and "%" not in text \
        and not text.strip().lower().endswith(("vw", "vh", "vmin", "vmax")) else None
    if value is None or value <= 0:
        return None
    if value > MAX_COORD:
        raise SVGError(f"canvas size {text!r} too large")
    return value


def _canvas(root: ET.Element) -> tuple[tuple[float | None, float | None], Matrix,
                                        tuple[float, float]]:
    """``(size, root matrix, viewport for %)`` of the root element.

    A uniform viewBox mapping keeps viewBox units (the canvas is the viewport divided by
    the scale); a non-uniform one (``preserveAspectRatio="none"``) works in px.
    """
    width, height = _length_px(root.get("width")), _length_px(root.get("height"))
    text = root.get("viewBox")
    if text is None:
        viewport = (width or DEFAULT_SIZE[0], height or DEFAULT_SIZE[1])
        return (width, height), IDENTITY, viewport
    viewbox = parse_viewbox(text)
    if viewbox is None or max(abs(v) for v in viewbox) > MAX_COORD:
        raise SVGError(f"invalid viewBox {text!r}")
    vx, vy, vw, vh = viewbox
    if width is None or height is None:
        return (vw, vh), (1.0, 0.0, 0.0, 1.0, -vx, -vy), (vw, vh)
    m = viewbox_transform(viewbox, width, height, root.get("preserveAspectRatio"))
    if abs(m[0] - m[3]) > 1e-12 * m[0]:
        return (width, height), m, (vw, vh)
    s = m[0]
    return (width / s, height / s), (1.0, 0.0, 0.0, 1.0, m[4] / s, m[5] / s), (vw, vh)


def _padded(contours: list[Contour], width: int) -> np.ndarray:
    """``(C, width, 2)`` float32 points, each contour padded with its last point."""
    points = np.zeros((len(contours), width, 2), dtype=np.float32)
    if not contours:
        return points
    chunks: list[np.ndarray] = []
    run: list = []
    for pts, _ in contours:  # lists of points in runs, arrays as they are
        if isinstance(pts, np.ndarray):
            if run:
                chunks.append(np.array(run, dtype=np.float64).reshape(-1, 2))
                run = []
            chunks.append(pts)
        else:
            run.extend(pts)
    if run:
        chunks.append(np.array(run, dtype=np.float64).reshape(-1, 2))
    flat = np.concatenate(chunks).astype(np.float32)  # the per-value float32 rounding
    lengths = np.array([len(pts) for pts, _ in contours], dtype=np.int64)
    ends = np.cumsum(lengths)
    points[:] = flat[ends - 1][:, None, :]
    row = np.repeat(np.arange(len(contours)), lengths)
    col = np.arange(len(flat)) - np.repeat(ends - lengths, lengths)
    points[row, col] = flat
    return points


def _assemble(shapes: list[Shape], size: tuple[float | None, float | None],
              clips: list[ClipRecord], groups: list[tuple[float, int]]) -> Drawing:
    """Pack shapes into float32 tensors, padding contours with their last point."""
    contours = [c for s in shapes for c in s.contours]
    n_seg = [(len(pts) - 1) // 3 for pts, _ in contours]
    max_seg = max(n_seg, default=0)
    if len(contours) * (3 * max_seg + 1) > MAX_PADDED_POINTS:
        raise SVGError(f"{len(contours)} contours padded to {max_seg} segments exceed "
                       f"MAX_PADDED_POINTS={MAX_PADDED_POINTS}")
    points = _padded(contours, 3 * max_seg + 1)
    width, height = size
    if width is None or height is None:
        corner = points.reshape(-1, 2).max(axis=0) if len(contours) else (0.0, 0.0)
        width = width or (float(corner[0]) if corner[0] > 0 else DEFAULT_SIZE[0])
        height = height or (float(corner[1]) if corner[1] > 0 else DEFAULT_SIZE[1])
    per_path = path_fields(shapes, set(PATH_FIELDS) | set(TABLE_FIELDS), clips, groups)
    return Drawing(
        torch.from_numpy(points), per_path.pop("widths"), per_path.pop("stroke"),
        (width, height),
        evenodd=torch.tensor([s.evenodd for s in shapes], dtype=torch.bool),
        closed=torch.tensor([c for _, c in contours], dtype=torch.bool),
        n_segments=torch.tensor(n_seg, dtype=torch.long),
        contour_path=torch.tensor(
            [i for i, s in enumerate(shapes) for _ in s.contours], dtype=torch.long),
        **per_path,
    )
