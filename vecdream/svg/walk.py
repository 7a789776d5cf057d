"""The render-tree walk: elements in paint order → :class:`Shape` records in canvas units.

Follows SVG's structure rules: ``<g>``/``<a>``/``<switch>`` group, nested ``<svg>`` and
``<use>`` of ``<svg>``/``<symbol>`` establish viewports (x, y, width, height, viewBox,
preserveAspectRatio, a clip unless ``overflow`` is visible), ``display:none`` hides a
subtree, definitions are never drawn directly, and unknown elements, foreign namespaces
and children of shapes are ignored. Content vecdream cannot represent is counted for
the reader's one warning.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from xml.etree import ElementTree as ET

from vecdream.svg.clip import ClipTable, clip_reference
from vecdream.svg.css import local_name
from vecdream.svg.paint import resolve_paint
from vecdream.svg.pathdata import Contour
from vecdream.svg.place import place
from vecdream.svg.records import Shape, bbox, faded, inside
from vecdream.svg.sanitize import SVG_NS, SVGError, UseGraph, href
from vecdream.svg.shapes import SHAPE_TAGS, shape_contours
from vecdream.svg.style import StyleSheet, get, inherit, opacity
from vecdream.svg.units import Lengths
from vecdream.svg.viewport import (
    Matrix,
    apply,
    multiply,
    parse_transform,
    parse_viewbox,
    translate,
    viewbox_transform,
)

__all__ = ["Context", "Shape", "Walker"]

UNSUPPORTED = frozenset({"text", "image", "foreignObject", "video", "audio", "iframe",
                         "canvas"})
# Declared properties vecdream does not draw: the warning's label for each.
SKIPPED = {"mask": "mask", "filter": "filter", "marker-start": "marker",
           "marker-mid": "marker", "marker-end": "marker",
           "stroke-dasharray": "stroke-dasharray (drawn solid)"}
# SVG group opacity composites a group as one layer (Drawing's group fields, rendered
# by vecdream.render). False multiplies opacity into each paint's alpha instead (exact
# only for a single fill or stroke): for consumers that ignore the group fields.
OPACITY_GROUPS = True
_MAX_ELEMENTS = 2_000_000  # rendered elements after <use> expansion (bounded by sanitize)
_DRAWN = SHAPE_TAGS | {"g", "a", "switch", "svg", "use"}


@dataclass(frozen=True)
class Context:
    """What an element inherits: CTM, specified style, lengths, opacity and clip boxes."""

    matrix: Matrix
    style: dict[str, str]
    lengths: Lengths
    opacity: float = 1.0
    clip: tuple[float, float, float, float] | None = None  # canvas (x0, y0, x1, y1)
    clip_id: int = -1  # the innermost clip record
    group: int = -1  # the innermost opacity group
    own_opacity: float = 1.0  # a shape's own opacity when groups are on


class Walker:
    """Walks a document from its root context and collects :class:`Shape` records."""

    def __init__(self, root: ET.Element, counts: Counter[str]) -> None:
        self.sheet = StyleSheet(root)
        self.uses = UseGraph(root)
        self.counts = counts
        self.shapes: list[Shape] = []
        self.clips = ClipTable(self.sheet, self.uses.ids, counts)
        self.groups: list[tuple[float, int]] = []  # (opacity, parent group)
        self._visited = 0

    def children(self, el: ET.Element, ctx: Context) -> None:
        for child in el:
            self.visit(child, ctx)

    def visit(self, el: ET.Element, ctx: Context, use_size: tuple | None = None) -> None:
        """Draw ``el`` under ``ctx`` (``use_size``: a ``<use>``'s width/height)."""
        if not isinstance(el.tag, str):
            return
        self._visited += 1
        if self._visited > _MAX_ELEMENTS:
            raise SVGError(f"SVG has more than {_MAX_ELEMENTS} elements after <use>")
        if el.tag.startswith("{") and not el.tag.startswith("{" + SVG_NS + "}"):
            if el.tag.startswith("{http://www.w3.org/2001/XInclude}"):
                self.counts["xi:include"] += 1
            return
        tag = local_name(el.tag)
        declared = self.sheet.declared(el)
        style = inherit(ctx.style, declared)
        if get(style, "display").strip().lower() == "none":
            return
        if tag in UNSUPPORTED:
            self.counts[f"<{tag}>"] += 1
            return
        if tag not in _DRAWN:
            return  # definitions, metadata and unknown elements draw nothing
        if not SKIPPED.keys().isdisjoint(declared):
            for name, label in SKIPPED.items():
                if declared.get(name, "none").strip().lower() not in ("none", "", "inherit"):
                    self.counts[label] += 1
        matrix = ctx.matrix
        if tag != "svg":
            transform = parse_transform(el.get("transform"))
            if transform is None:
                self.counts["invalid transform"] += 1
            else:
                matrix = multiply(matrix, transform)
        font = ctx.lengths.font(declared.get("font-size"))  # relative to the parent
        lengths = ctx.lengths if font == ctx.lengths.font_size else \
            replace(ctx.lengths, font_size=font)
        alpha = opacity(style, "opacity")
        inner = Context(matrix, style, lengths, ctx.opacity * alpha, ctx.clip, ctx.clip_id,
                        ctx.group)
        if OPACITY_GROUPS and alpha < 1:
            inner = replace(inner, opacity=ctx.opacity, own_opacity=alpha)
            if tag not in SHAPE_TAGS:
                self.groups.append((alpha, ctx.group))
                inner = replace(inner, group=len(self.groups) - 1, own_opacity=1.0)
        clip_el = clip_reference(declared.get("clip-path"), self.uses.ids)
        start = len(self.shapes)
        if clip_el is not None:
            chain = self.clips.open(clip_el, ctx.clip_id)
            inner = replace(inner, clip_id=chain[-1][0])
        self._dispatch(tag, el, inner, use_size)
        if clip_el is not None:
            box = bbox([c for s in self.shapes[start:] for c in s.contours])
            self.clips.fill(chain, matrix, box, lengths)

    def _dispatch(self, tag: str, el: ET.Element, inner: Context, use_size: tuple | None
                  ) -> None:
        if tag in ("g", "a"):
            self.children(el, inner)
        elif tag == "switch":
            for child in el:
                if isinstance(child.tag, str) and child.get("requiredExtensions") is None \
                        and child.get("systemLanguage") is None:
                    self.visit(child, inner)
                    break
        elif tag == "svg":
            self.viewport(el, inner, el, use_size)
        elif tag == "use":
            self.use(el, inner)
        else:
            self.shape(el, inner)

    def viewport(self, el: ET.Element, ctx: Context, content: ET.Element,
                 use_size: tuple | None) -> None:
        """A nested ``<svg>`` (or a used ``<symbol>``/``<svg>``): a new viewport."""
        lengths = ctx.lengths
        x = lengths.resolve(el.get("x"), "x", 0.0) if content is el else 0.0
        y = lengths.resolve(el.get("y"), "y", 0.0) if content is el else 0.0
        w_text, h_text = content.get("width"), content.get("height")
        if use_size is not None:
            w_text, h_text = use_size[0] or w_text, use_size[1] or h_text
        w = lengths.resolve(w_text or "100%", "x", lengths.resolve("100%", "x"))
        h = lengths.resolve(h_text or "100%", "y", lengths.resolve("100%", "y"))
        if not (w > 0 and h > 0):
            return  # zero disables rendering; negative is an error
        viewbox = parse_viewbox(content.get("viewBox"))
        matrix = multiply(ctx.matrix, translate(x, y))
        clip = ctx.clip
        if get(ctx.style, "overflow").strip() in ("hidden", "scroll"):
            corners = [apply(matrix, p) for p in ((0, 0), (w, 0), (w, h), (0, h))]
            box = (min(p[0] for p in corners), min(p[1] for p in corners),
                   max(p[0] for p in corners), max(p[1] for p in corners))
            clip = box if clip is None else (max(box[0], clip[0]), max(box[1], clip[1]),
                                             min(box[2], clip[2]), min(box[3], clip[3]))
        size = (w, h)
        if viewbox is not None:
            matrix = multiply(matrix, viewbox_transform(
                viewbox, w, h, content.get("preserveAspectRatio")))
            size = (viewbox[2], viewbox[3])
        clip_id = ctx.clip_id
        if clip != ctx.clip:
            clip_id = self.clips.rectangle(ctx.clip_id, multiply(ctx.matrix, translate(x, y)),
                                           w, h)
        inner = replace(ctx, matrix=matrix, clip=clip, clip_id=clip_id,
                        lengths=replace(ctx.lengths, viewport=size))
        start = len(self.shapes)
        self.children(content, inner)
        outer = multiply(ctx.matrix, translate(x, y))
        if outer[1] == 0 and outer[2] == 0:  # axis-aligned: ``clip`` is the exact rectangle
            for shape in self.shapes[start:]:  # wholly inside: no viewport clip needed
                if shape.clip == clip_id != ctx.clip_id and inside(shape, clip):
                    shape.clip = ctx.clip_id

    def use(self, el: ET.Element, ctx: Context) -> None:
        ref = href(el) or ""
        if ref and not ref.startswith("#"):
            self.counts["external <use>"] += 1
            return
        target = self.uses.target(el)
        if target is None:
            return
        if id(el) in self.uses.cyclic:
            self.counts["<use> cycle (dropped)"] += 1
            return
        lengths = ctx.lengths
        x, y = lengths.resolve(el.get("x"), "x", 0.0), lengths.resolve(el.get("y"), "y", 0.0)
        inner = replace(ctx, matrix=multiply(ctx.matrix, translate(x, y)))
        size = (el.get("width"), el.get("height"))
        if local_name(target.tag) == "symbol":
            style = inherit(ctx.style, self.sheet.declared(target))
            if get(style, "display").strip().lower() != "none":
                symbol_ctx = replace(inner, style=style)
                self.viewport(target, symbol_ctx, target, size)
        elif local_name(target.tag) == "svg":
            self.visit(target, inner, size)
        else:
            self.visit(target, inner)

    def shape(self, el: ET.Element, ctx: Context) -> None:
        style = ctx.style
        if get(style, "visibility").strip() in ("hidden", "collapse"):
            return
        contours, path_error = shape_contours(el, ctx.lengths)
        if contours is None:
            self.counts["invalid geometry"] += 1
            return
        if path_error:
            self.counts["empty or invalid path data" if not contours
                        else "path data with an error (drawn up to it)"] += 1
        if not contours:
            if local_name(el.tag) == "path" and not path_error:
                self.counts["empty or invalid path data"] += 1
            return
        self.emit(el, contours, ctx)

    def emit(self, el: ET.Element, contours: list[Contour], ctx: Context) -> None:
        """Paint, transform and record one shape's contours."""
        style, m = ctx.style, ctx.matrix
        fill_value, stroke_value = get(style, "fill"), get(style, "stroke")
        # The bounding box only serves objectBoundingBox gradients (url() paint).
        box = bbox(contours) if fill_value.strip().startswith("url(") or \
            stroke_value.strip().startswith("url(") else None
        ids, sheet, counts = self.uses.ids, self.sheet, self.counts
        fill = resolve_paint(fill_value, style, "fill", ids, sheet, m, box, ctx.lengths,
                             counts)
        stroke = resolve_paint(stroke_value, style, "stroke", ids, sheet, m, box,
                               ctx.lengths, counts)
        width = ctx.lengths.resolve(get(style, "stroke-width"), "d", 1.0)
        if width <= 0:
            stroke, width = None, 0.0
        if fill is None and stroke is None:
            return
        placed = place(contours, m, width, ctx.clip, counts)
        if placed is None:
            return
        pts, stroke_matrix, scaled_width = placed
        miter = float(get(style, "stroke-miterlimit"))
        fade, group = ctx.opacity, ctx.group
        if ctx.own_opacity < 1:  # a shape's own opacity: a group only for fill + stroke
            if fill is not None and stroke is not None:
                self.groups.append((ctx.own_opacity, ctx.group))
                group = len(self.groups) - 1
            else:
                fade *= ctx.own_opacity
        self.shapes.append(Shape(
            pts, scaled_width, width, faded(fill, fade), faded(stroke, fade),
            get(style, "fill-rule").strip() == "evenodd", get(style, "stroke-linecap").strip(),
            get(style, "stroke-linejoin").strip(), miter, stroke_matrix, ctx.clip_id, group))
