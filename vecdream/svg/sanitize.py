"""Hardening pass over SVG XML before svgelements sees it.

Entity declarations are refused, nothing an SVG points at (images, external ``<use>``,
stylesheets, XInclude) is ever opened, ``<use>`` bombs and deep nesting are refused, and
unsupported content is removed and counted for the reader's single warning.
"""

from __future__ import annotations

import gzip
import io
import math
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.parsers import expat

import svgelements as se

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
DEFAULT_SIZE = (300.0, 150.0)
# Visible content we cannot represent: dropped and reported.
_UNSUPPORTED_TAGS = frozenset({"text", "image", "foreignObject", "video", "audio", "iframe",
                               "canvas"})
# Containers drawn like <g> (a <switch> keeps only its first unconditional child).
_GROUP_LIKE_TAGS = frozenset({"a", "switch"})
# Definitions that must never be drawn directly (svgelements would draw their children).
_DEFINITION_TAGS = frozenset({"mask", "marker", "filter", "clipPath", "pattern", "symbol",
                              "script", "linearGradient", "radialGradient", "font", "glyph",
                              "missing-glyph", "font-face", "cursor", "view"})
REFERENCE_ATTRS = ("clip-path", "mask", "filter", "marker", "marker-start", "marker-mid",
                    "marker-end")
_PAINT_ATTRS = ("fill", "stroke", "fill-opacity", "stroke-opacity", "fill-rule", "opacity",
                "stroke-width", "color", "visibility")
_SPLIT = re.compile(r"[\s,]+")


class SVGError(ValueError):
    """An SVG that cannot or must not be read (malformed, hostile, oversized)."""



def load_source(source: str | bytes | os.PathLike) -> bytes | str:
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


def parse_xml(data: bytes | str) -> ET.Element:
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


def prepare_tree(root: ET.Element, counts: Counter[str]) -> tuple[float | None, float | None]:
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

