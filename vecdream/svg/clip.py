"""Clip paths and viewport clips as a clip table (see ``Drawing``'s ``clip_*`` fields).

A clip is a union of shapes (each filled with its ``clip-rule``), intersected with its
parent clip: the clip of the enclosing group, or the ``clip-path`` of the
``<clipPath>`` element itself (SVG's nested clips). Clip shapes are in canvas user
units: the referencing element's user space (``clipPathUnits="userSpaceOnUse"``) or its
bounding box (``objectBoundingBox``, from the canvas bounding box of what the element
drew), then the ``<clipPath>``'s ``transform`` in that user space (as Blink and resvg
apply it: outside the bounding-box mapping), and each child's ``transform``.
Children are shapes and ``<use>`` of shapes; text in a clip is skipped and reported.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

import numpy as np

from vecdream.svg.css import local_name
from vecdream.svg.pathdata import Contour
from vecdream.svg.sanitize import href
from vecdream.svg.shapes import SHAPE_TAGS, shape_contours
from vecdream.svg.style import StyleSheet, get, inherit
from vecdream.svg.units import Lengths
from vecdream.svg.viewport import Matrix, apply, multiply, parse_transform, translate

__all__ = ["ClipRecord", "ClipTable", "clip_reference"]

_URL = re.compile(r"^url\(\s*['\"]?#([^)'\"]*)['\"]?\s*\)$")
_MAX_NESTING = 32


@dataclass
class ClipRecord:
    """One clip: shapes ``(contours in canvas units, evenodd)`` and the parent index."""

    parent: int
    shapes: list[tuple[list[Contour], bool]] = field(default_factory=list)


def clip_reference(value: str | None, ids: dict[str, ET.Element]) -> ET.Element | None:
    """The ``<clipPath>`` a ``clip-path`` value points at, or None."""
    m = _URL.match((value or "").strip())
    target = ids.get(m.group(1)) if m else None
    return target if target is not None and local_name(target.tag) == "clipPath" else None


def _inverse(m: Matrix) -> Matrix | None:
    a, b, c, d, e, f = m
    det = a * d - b * c
    if det == 0:
        return None
    return (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)


class ClipTable:
    """The clips of one document, built while the walker draws."""

    def __init__(self, sheet: StyleSheet, ids: dict[str, ET.Element],
                 counts: Counter[str]) -> None:
        self.sheet, self.ids, self.counts = sheet, ids, counts
        self.records: list[ClipRecord] = []

    def new(self, parent: int) -> int:
        self.records.append(ClipRecord(parent))
        return len(self.records) - 1

    def rectangle(self, parent: int, matrix: Matrix, w: float, h: float) -> int:
        """A viewport clip: the rectangle ``(0, 0, w, h)`` under ``matrix``."""
        k = self.new(parent)
        corners = [apply(matrix, p) for p in ((0, 0), (w, 0), (w, h), (0, h))]
        pts = [corners[0]]
        for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
            pts += [a, b, b]  # straight edges as degenerate-handle cubics
        self.records[k].shapes.append(([(pts, True)], False))
        return k

    def open(self, clip_el: ET.Element, parent: int) -> list[tuple[int, ET.Element]]:
        """Records for ``clip_el`` and the clips its own ``clip-path`` chain names.

        Returns ``(index, element)`` pairs to :meth:`fill`; the last index is the clip of
        ``clip_el`` (its parents: the nested clips, then ``parent``).
        """
        elements: list[ET.Element] = []
        el: ET.Element | None = clip_el
        while el is not None and all(el is not e for e in elements) and \
                len(elements) < _MAX_NESTING:
            elements.append(el)
            value = el.get("clip-path") or self.sheet.declared(el).get("clip-path")
            el = clip_reference(value, self.ids)
        chain = []
        for e in reversed(elements):
            parent = self.new(parent)
            chain.append((parent, e))
        return chain

    def fill(self, chain: list[tuple[int, ET.Element]], matrix: Matrix,
             bbox: tuple[float, float, float, float] | None, lengths: Lengths) -> None:
        """Fill the records of :meth:`open` with their shapes.

        Args:
            matrix: the referencing element's user space → canvas.
            bbox: canvas bounding box ``(x, y, w, h)`` of what the element drew.
        """
        for k, el in chain:
            self._fill_one(k, el, matrix, bbox, lengths)

    def _fill_one(self, k: int, clip_el: ET.Element, matrix: Matrix,
                  bbox: tuple[float, float, float, float] | None, lengths: Lengths) -> None:
        transform = parse_transform(clip_el.get("transform")) or translate(0, 0)
        if clip_el.get("clipPathUnits", "").strip() == "objectBoundingBox":
            inverse = _inverse(matrix)
            if bbox is None or inverse is None:
                return
            x, y, w, h = bbox  # in canvas units: back to user units, as browsers do:
            # content → bounding box → the clipPath's transform → the element's CTM
            box = multiply(inverse, (w, 0.0, 0.0, h, x, y))
            matrix = multiply(multiply(matrix, transform), box)
            lengths = Lengths((1.0, 1.0), lengths.canvas, lengths.font_size)
        else:
            matrix = multiply(matrix, transform)
        style = inherit({}, self.sheet.declared(clip_el))
        for child in clip_el:
            self._child(k, child, matrix, style, lengths)

    def _child(self, k: int, el: ET.Element, matrix: Matrix, parent_style: dict[str, str],
               lengths: Lengths, uses: int = 0) -> None:
        tag = local_name(el.tag)
        style = inherit(parent_style, self.sheet.declared(el))
        if get(style, "display").strip() == "none" or \
                get(style, "visibility").strip() in ("hidden", "collapse"):
            return
        m = multiply(matrix, parse_transform(el.get("transform")) or translate(0, 0))
        if tag == "use":  # of a shape, or of a <use> of one (as browsers follow it)
            target = self.ids.get((href(el) or "")[1:])
            if target is not None and uses < _MAX_NESTING and \
                    local_name(target.tag) in SHAPE_TAGS | {"use"}:
                x = lengths.resolve(el.get("x"), "x", 0.0)
                y = lengths.resolve(el.get("y"), "y", 0.0)
                self._child(k, target, multiply(m, translate(x, y)), style, lengths, uses + 1)
            return
        if tag == "text":
            self.counts["<text> in a clip path"] += 1
            return
        if tag not in SHAPE_TAGS:
            return
        contours, _ = shape_contours(el, lengths)
        if not contours:
            return
        pts = [([apply(m, p) for p in (c.tolist() if isinstance(c, np.ndarray) else c)], True)
               for c, _ in contours]
        self.records[k].shapes.append((pts, get(style, "clip-rule").strip() == "evenodd"))
