"""SVG import and export of a :class:`~vecdream.drawing.Drawing`.

Reading (:func:`read_svg`) goes through ``svgelements`` after a hardening pass over the
XML: entity declarations are refused, nothing an SVG points at (images, external
``<use>``, stylesheets, XInclude) is ever opened, and unsupported content is dropped
and reported in one warning on the ``vecdream.svg`` logger.

Coordinates:
    Geometry comes out in the SVG's *viewBox* user units with the viewBox's min-x/min-y
    moved to the origin, so ``Drawing.size`` is the viewBox ``(w, h)`` whatever the
    ``width``/``height`` attributes say. Without a viewBox, user units are px: the
    ``width``/``height`` attributes (converted to px at 96 ppi) give the size; a missing
    or relative (``%``) one is replaced by the content's bounding-box corner along that
    axis (or 300 × 150, the CSS default object size, when there is no content).

Writing (:func:`drawing_to_svg`, :func:`save_svg`) emits one ``<path>`` of cubic
Béziers per drawing path; :func:`atomic_write_bytes` is the atomic file write shared
with the other exporters.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import logging
import math
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.parsers import expat

import numpy as np
import svgelements as se
import torch

from vecdream.drawing import Drawing

__all__ = [
    "MAX_PADDED_POINTS",
    "MAX_SVG_BYTES",
    "SVGError",
    "atomic_write_bytes",
    "drawing_to_svg",
    "read_svg",
    "save_svg",
]

logger = logging.getLogger("vecdream.svg")

MAX_SVG_BYTES = 50 * 1024 * 1024
"""Largest SVG text (bytes, after gunzip) :func:`read_svg` accepts."""
MAX_COORD = 1e9
"""Paths with a coordinate or stroke width beyond this (or non-finite) are skipped."""
MAX_PADDED_POINTS = 2**24
"""Largest ``C * (3S+1)`` of an imported drawing (its padded ``points`` tensor)."""
MAX_DEPTH = 256
"""Deepest element nesting accepted."""

SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_XINCLUDE_NS = "{http://www.w3.org/2001/XInclude}"
_DEFAULT_SIZE = (300.0, 150.0)
# Visible content we cannot represent: dropped and reported.
_UNSUPPORTED_TAGS = frozenset({"text", "image", "foreignObject", "video", "audio", "iframe",
                               "canvas"})
# Containers drawn like <g> (a <switch> keeps only its first unconditional child).
_GROUP_LIKE_TAGS = frozenset({"a", "switch"})
# Definitions that must never be drawn directly (svgelements would draw their children).
_DEFINITION_TAGS = frozenset({"mask", "marker", "filter", "clipPath", "pattern", "symbol",
                              "script", "linearGradient", "radialGradient", "font", "glyph",
                              "missing-glyph", "font-face", "cursor", "view"})
_REFERENCE_ATTRS = ("clip-path", "mask", "filter", "marker", "marker-start", "marker-mid",
                    "marker-end")
_PAINT_ATTRS = ("fill", "stroke", "fill-opacity", "stroke-opacity", "fill-rule", "opacity",
                "stroke-width", "color", "visibility")
_SPLIT = re.compile(r"[\s,]+")


class SVGError(ValueError):
    """An SVG that cannot or must not be read (malformed, hostile, oversized)."""


@dataclass
class _PathData:
    """One drawable path: contours as lists of points, and its paint."""

    contours: list[tuple[list[tuple[float, float]], bool]]
    width: float
    stroke: tuple[float, float, float, float]
    fill: tuple[float, float, float, float]
    evenodd: bool


# ====================================================================== reading
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
    data = _load_source(source)
    counts: Counter[str] = Counter()
    root = _parse_xml(data)
    try:
        size = _prepare_tree(root, counts)
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


def _load_source(source: str | bytes | os.PathLike) -> bytes | str:
    """The SVG text of ``source`` (see :func:`read_svg`), size-checked and gunzipped."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data: bytes | str = bytes(source)
    elif isinstance(source, str) and source.lstrip("\ufeff \t\r\n")[:1] == "<":
        data = source
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.stat().st_size > MAX_SVG_BYTES:
            raise SVGError(f"{path}: file larger than {MAX_SVG_BYTES} bytes")
        data = path.read_bytes()
    else:
        raise TypeError(f"read_svg: expected str, bytes or a path, got {type(source).__name__}")
    if len(data) > MAX_SVG_BYTES:
        raise SVGError(f"SVG text larger than {MAX_SVG_BYTES} bytes")
    if isinstance(data, bytes) and data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                data = gz.read(MAX_SVG_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise SVGError(f"invalid gzip data: {exc}") from exc
        if len(data) > MAX_SVG_BYTES:
            raise SVGError(f"decompressed SVG larger than {MAX_SVG_BYTES} bytes")
    return data


def _refuse_entities(*_args: object) -> None:
    raise SVGError("SVG declares XML entities (DOCTYPE with <!ENTITY>); refusing to read it")


def _parse_xml(data: bytes | str) -> ET.Element:
    """Parse ``data`` after an expat pass that refuses any entity declaration."""
    scanner = expat.ParserCreate()
    scanner.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    scanner.EntityDeclHandler = _refuse_entities
    scanner.UnparsedEntityDeclHandler = _refuse_entities
    scanner.ExternalEntityRefHandler = _refuse_entities
    try:
        scanner.Parse(data, True)
        return ET.fromstring(data)
    except (expat.ExpatError, ET.ParseError) as exc:
        raise SVGError(f"malformed XML: {exc}") from exc


def _local(tag: object) -> str:
    """Tag name without the SVG namespace (other namespaces are kept)."""
    if not isinstance(tag, str):
        return ""
    return tag[len(SVG_NS) + 2:] if tag.startswith("{" + SVG_NS + "}") else tag


def _href(el: ET.Element) -> str | None:
    return el.get("href", el.get(_XLINK_HREF))


def _prepare_tree(root: ET.Element, counts: Counter[str]) -> tuple[float | None, float | None]:
    """Harden the tree in place and fix its viewport; returns the known canvas size.

    Removes unsupported and definition-only elements, external ``<use>``, XInclude and
    invalid paths (counting what was visible), then checks ``<use>`` expansion.
    """
    if _local(root.tag) != "svg":
        raise SVGError(f"root element is <{_local(root.tag)}>, not <svg>")
    symbols = {el.get("id") for el in root.iter() if _local(el.tag) == "symbol"}
    removals: list[tuple[ET.Element, ET.Element]] = []
    pruned: set[int] = set()
    for parent, child in _walk(root, pruned):
        if id(child) in pruned:
            continue
        if _local(child.tag) in _GROUP_LIKE_TAGS:
            removals += _make_group(child)
            pruned.update(id(el) for _, el in removals)
        reason = _removal_reason(child, symbols)
        if reason is not None:
            removals.append((parent, child))
            pruned.add(id(child))
            if reason:
                counts[reason] += 1
        _clean_attributes(child, counts)
    for parent, child in removals:
        parent.remove(child)
    _check_use_expansion(root)
    return _set_viewport(root)


def _clean_attributes(el: ET.Element, counts: Counter[str]) -> None:
    """Drop ``inherit`` paint values (svgelements inherits a missing attribute itself)
    and transforms svgelements cannot parse (browsers ignore them too)."""
    for name in _PAINT_ATTRS:
        if el.get(name, "").strip() == "inherit":
            del el.attrib[name]
    transform = el.get("transform")
    if transform is not None:
        try:
            se.Matrix(transform)
        except (ValueError, IndexError, TypeError, ArithmeticError):
            del el.attrib["transform"]
            counts["invalid transform"] += 1


def _walk(root: ET.Element, pruned: set[int]) -> Iterator[tuple[ET.Element, ET.Element]]:
    """(parent, child) pairs in document order, iteratively; enforces ``MAX_DEPTH``.

    The caller may add ``id(child)`` to ``pruned`` to skip that child's subtree.
    """
    stack = [(root, child, 1) for child in reversed(root)]
    while stack:
        parent, el, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SVGError(f"SVG nesting deeper than {MAX_DEPTH} elements")
        yield parent, el
        if id(el) not in pruned:
            stack.extend((el, child, depth + 1) for child in reversed(el))


def _make_group(el: ET.Element) -> list[tuple[ET.Element, ET.Element]]:
    """Turn ``<a>``/``<switch>`` into ``<g>``; a switch keeps its first plain child.

    A ``<switch>`` child with ``requiredExtensions`` or ``systemLanguage`` is taken as
    failing its test (as in Illustrator exports, whose first child is a foreignObject).
    """
    removals = []
    if _local(el.tag) == "switch":
        kept = None
        for child in el:
            plain = child.get("requiredExtensions") is None and child.get("systemLanguage") is None
            if kept is None and plain and isinstance(child.tag, str):
                kept = child
            else:
                removals.append((el, child))
    el.tag = f"{{{SVG_NS}}}g" if el.tag.startswith("{") else "g"
    return removals


def _removal_reason(el: ET.Element, symbols: set[str | None]) -> str | None:
    """Why ``el`` must go: a label to report, ``""`` to drop silently, None to keep."""
    tag = _local(el.tag)
    if isinstance(el.tag, str) and el.tag.startswith(_XINCLUDE_NS):
        return "xi:include"
    if tag in _UNSUPPORTED_TAGS:
        return f"<{tag}>"
    if tag in _DEFINITION_TAGS:
        return ""
    if tag == "use":
        href = (_href(el) or "").strip()
        if href and not href.startswith("#"):
            return "external <use>"
        if href[1:] in symbols:
            return "<use> of <symbol>"
    if tag == "path" and not _valid_path_data(el.get("d")):
        return "empty or invalid path data"
    return None


def _valid_path_data(d: str | None) -> bool:
    """Whether ``d`` parses and contains at least one drawing segment."""
    if not d or not d.strip():
        return False
    try:
        segments = list(se.Path(d))
    except (ValueError, IndexError, ArithmeticError):
        return False
    return any(not isinstance(s, (se.Move, se.Close)) for s in segments)


def _check_use_expansion(root: ET.Element) -> None:
    """Refuse ``<use>`` cycles and documents whose ``<use>`` expansion is too big.

    The expanded size counts 64 per element plus the length of its ``d``/``points``
    and may not exceed ``2 * MAX_SVG_BYTES`` (a "billion laughs" made of ``<use>``).
    """
    ids = {el.get("id"): el for el in root.iter() if el.get("id") is not None}
    limit = 2 * MAX_SVG_BYTES
    memo: dict[int, int] = {}
    visiting: set[int] = set()

    def expanded(el: ET.Element) -> int:
        key = id(el)
        if key in memo:
            return memo[key]
        if key in visiting:
            raise SVGError("<use> references form a cycle")
        visiting.add(key)
        total = 64 + len(el.get("d", "")) + len(el.get("points", ""))
        total += sum(expanded(child) for child in el)
        href = _href(el) if _local(el.tag) == "use" else None
        if href and href.startswith("#") and href[1:] in ids:
            total += expanded(ids[href[1:]])
        visiting.discard(key)
        if total > limit:
            raise SVGError(f"SVG expands to more than {limit} bytes through <use>")
        memo[key] = total
        return total

    expanded(root)


def _set_viewport(root: ET.Element) -> tuple[float | None, float | None]:
    """Make the root viewport map viewBox units 1:1; returns ``(w, h)`` (None: unknown)."""
    for name in ("x", "y", "preserveAspectRatio"):
        root.attrib.pop(name, None)
    viewbox = root.get("viewBox")
    if viewbox is None:
        return _length_px(root.get("width")), _length_px(root.get("height"))
    try:
        nums = [float(v) for v in _SPLIT.split(viewbox.strip())]
    except ValueError:
        nums = []
    ok = len(nums) == 4 and all(math.isfinite(v) and abs(v) <= MAX_COORD for v in nums)
    if not ok or nums[2] <= 0 or nums[3] <= 0:
        raise SVGError(f"invalid viewBox {viewbox!r}")
    # width == viewBox width makes svgelements' viewport transform translate(-min) only.
    root.set("width", repr(nums[2]))
    root.set("height", repr(nums[3]))
    return nums[2], nums[3]


def _length_px(text: str | None) -> float | None:
    """An absolute SVG length in px (96 ppi), or None when missing/relative/invalid."""
    if text is None or not text.strip():
        return None
    try:
        value = se.Length(text.strip()).value(ppi=96.0)
    except (ValueError, TypeError, ArithmeticError):
        return None
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        return None
    if value > MAX_COORD:
        raise SVGError(f"canvas size {text!r} too large")
    return float(value)


def _collect_paths(document: se.SVG, counts: Counter[str]) -> list[_PathData]:
    """The drawable paths of an svgelements tree in paint order; group opacity multiplies."""
    out: list[_PathData] = []
    stack: list[tuple[object, float]] = [(document, 1.0)]
    while stack:
        node, opacity = stack.pop()
        values = getattr(node, "values", None) or {}
        attributes = values.get(se.SVG_STRUCT_ATTRIB, {})
        for name in _REFERENCE_ATTRS:
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
        width = width or (float(corner[0]) if corner[0] > 0 else _DEFAULT_SIZE[0])
        height = height or (float(corner[1]) if corner[1] > 0 else _DEFAULT_SIZE[1])
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


# ====================================================================== writing
def _fmt(value: float, precision: int) -> str:
    """``value`` with ``precision`` decimals, trailing zeros stripped, never ``-0``."""
    text = f"{value:.{precision}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _hex(rgb: list[float]) -> str:
    r, g, b = (round(min(max(c, 0.0), 1.0) * 255) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def _paint_attrs(fill: list[float], stroke: list[float], width: float, evenodd: bool,
                 min_alpha: float, precision: int) -> str | None:
    """The paint attributes of one ``<path>``, or None when it would be invisible."""
    alpha_precision = max(precision, 4)
    fill_on = fill[3] > 0 and fill[3] >= min_alpha
    stroke_on = stroke[3] > 0 and stroke[3] >= min_alpha and width > 0
    if not (fill_on or stroke_on):
        return None
    parts = []
    if fill_on:
        parts.append(f'fill="{_hex(fill[:3])}"')
        if fill[3] < 1:
            parts.append(f'fill-opacity="{_fmt(fill[3], alpha_precision)}"')
    else:
        parts.append('fill="none"')
    if evenodd:
        parts.append('fill-rule="evenodd"')
    if stroke_on:
        parts.append(f'stroke="{_hex(stroke[:3])}"')
        if stroke[3] < 1:
            parts.append(f'stroke-opacity="{_fmt(stroke[3], alpha_precision)}"')
        parts.append(f'stroke-width="{_fmt(width, precision)}"')
        parts.append('stroke-linecap="round" stroke-linejoin="round"')
    return " ".join(parts)


def _contour_d(used: list[list[float]], closed: bool, precision: int) -> str:
    """``M x y C ...`` (and ``Z``) of one contour's used points ``(3n+1, 2)``."""
    head = f"M {_fmt(used[0][0], precision)} {_fmt(used[0][1], precision)}"
    tail = " ".join(f"{_fmt(x, precision)} {_fmt(y, precision)}" for x, y in used[1:])
    text = f"{head} C {tail}" if tail else head
    return f"{text} Z" if closed else text


def drawing_to_svg(d: Drawing, *, min_alpha: float = 0.0, precision: int = 4) -> str:
    """SVG text of a drawing: one ``<path>`` of cubic Béziers per drawing path.

    Args:
        d: the drawing, on any device, with or without gradients.
        min_alpha: a fill or stroke whose alpha is below this is written as none; a
            path with neither fill nor stroke left (or a stroke of width <= 0) is
            dropped, as is a path with non-finite numbers (with a warning).
        precision: decimals of coordinates and widths (alphas get at least 4).

    Returns:
        ``<svg xmlns=... width="W" height="H" viewBox="0 0 W H">`` with the paths, in
        user units of ``d.size``.
    """
    if precision < 0:
        raise ValueError(f"drawing_to_svg: precision must be >= 0, got {precision}")
    t = {name: getattr(d, name).detach().cpu() for name in Drawing._TENSORS}
    points = t["points"].double().numpy()
    n_segments, closed = t["n_segments"].tolist(), t["closed"].tolist()
    by_path: list[list[int]] = [[] for _ in range(len(d))]
    for c, p in enumerate(t["contour_path"].tolist()):
        by_path[p].append(c)
    fills, strokes = t["fill"].double().tolist(), t["stroke"].double().tolist()
    widths, evenodd = t["widths"].double().tolist(), t["evenodd"].tolist()
    w, h = (_fmt(v, precision) for v in d.size)
    lines = [f'<svg xmlns="{SVG_NS}" width="{w}" height="{h}" viewBox="0 0 {w} {h}">']
    bad = 0
    for p, contours in enumerate(by_path):
        used = [points[c, : 3 * max(n_segments[c], 0) + 1] for c in contours]
        finite = all(math.isfinite(v) for v in [*fills[p], *strokes[p], widths[p]])
        if not (finite and all(np.isfinite(u).all() for u in used)):
            bad += 1
            continue
        attrs = _paint_attrs(fills[p], strokes[p], widths[p], evenodd[p], min_alpha, precision)
        if attrs is None or not contours:
            continue
        path_d = " ".join(_contour_d(u.tolist(), closed[c], precision)
                          for u, c in zip(used, contours, strict=True))
        lines.append(f'<path d="{path_d}" {attrs}/>')
    if bad:
        logger.warning("drawing_to_svg: dropped %d path(s) with non-finite values", bad)
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: readers see the old file or the new one.

    Creates missing parent directories, writes a temporary file in the target's
    directory, fsyncs it and ``os.replace``-s it over the target; the temporary file
    is removed on failure. A new file gets mode 0644, a replaced one keeps its mode.

    Args:
        path: destination file.
        data: the complete file contents.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    """Persist a rename on POSIX; a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save_svg(d: Drawing, path: str | os.PathLike, *, min_alpha: float = 0.0) -> None:
    """Write :func:`drawing_to_svg` of ``d`` to ``path`` with :func:`atomic_write_bytes`.

    Args:
        d: the drawing.
        path: destination ``.svg`` file; parent directories are created.
        min_alpha: see :func:`drawing_to_svg`.
    """
    atomic_write_bytes(path, drawing_to_svg(d, min_alpha=min_alpha).encode("utf-8"))
