"""Hardening of SVG input before it is interpreted.

Entity declarations are refused, input size and nesting depth are limited, and the
``<use>`` graph is checked: cycles are found (the reader drops each ``<use>`` on a cycle,
as SVG's error rules say) and documents whose ``<use>`` expansion would explode are
refused. Nothing an SVG points at (images, external ``<use>``, stylesheets, XInclude) is
ever opened: the reader only follows ``#id`` references inside the document.
"""

from __future__ import annotations

import gzip
import io
import os
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.parsers import expat

__all__ = ["DEFAULT_SIZE", "MAX_COORD", "MAX_DEPTH", "MAX_PADDED_POINTS", "MAX_SVG_BYTES",
           "SVGError", "SVG_NS", "UseGraph", "check_depth", "href", "load_source", "parse_xml"]

MAX_SVG_BYTES = 50 * 1024 * 1024
"""Largest SVG text (bytes, after gunzip) :func:`read_svg` accepts."""
MAX_COORD = 1e9
"""Paths with a coordinate or stroke width beyond this (or non-finite) are skipped."""
MAX_PADDED_POINTS = 2**24
"""Largest ``C * (3S+1)`` of an imported drawing (its padded ``points`` tensor)."""
MAX_DEPTH = 256
"""Deepest element nesting accepted."""

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
DEFAULT_SIZE = (300.0, 150.0)


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


def href(el: ET.Element) -> str | None:
    """``href`` (SVG 2) or ``xlink:href`` (SVG 1.1), stripped."""
    value = el.get("href", el.get(XLINK_HREF))
    return None if value is None else value.strip()


def check_depth(root: ET.Element) -> None:
    """Refuse element nesting deeper than ``MAX_DEPTH`` (checked iteratively)."""
    stack = [(root, 0)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SVGError(f"SVG nesting deeper than {MAX_DEPTH} elements")
        stack.extend((child, depth + 1) for child in el)


def _is_use(el: ET.Element) -> bool:
    return isinstance(el.tag, str) and el.tag.rsplit("}", 1)[-1] == "use"


class UseGraph:
    """The ``#id`` references of ``<use>`` elements: first-id lookup, cycles, expansion.

    Duplicated ids resolve to the first element in document order (as browsers do).
    A ``<use>`` is *cyclic* when its target's subtree reaches the ``<use>`` itself
    through children and further ``<use>`` references (Tarjan's strongly connected
    components over that graph, iteratively). The expanded size counts 64 per element
    plus the length of its ``d``/``points`` and may not exceed ``2 * MAX_SVG_BYTES``
    (a "billion laughs" made of ``<use>``); cyclic ``<use>`` elements count as empty.
    """

    def __init__(self, root: ET.Element) -> None:
        self.ids: dict[str, ET.Element] = {}
        for el in root.iter():
            key = el.get("id")
            if key is not None and key not in self.ids:
                self.ids[key] = el
        if not any(_is_use(el) for el in root.iter()):  # no references to follow:
            # no cycle, and the expansion is the plain sum over the elements (the
            # largest subtree total, which the general walk checks at every node)
            self.cyclic: set[int] = set()
            total = sum(64 + len(el.get("d", "")) + len(el.get("points", ""))
                        for el in root.iter())
            if total > 2 * MAX_SVG_BYTES:
                raise SVGError(f"SVG expands to more than {2 * MAX_SVG_BYTES} bytes "
                               "through <use>")
            return
        self.cyclic = self._cycles(root)
        self._check_expansion(root)

    def target(self, use: ET.Element) -> ET.Element | None:
        """The element an internal ``<use>`` points at, or None."""
        ref = href(use) or ""
        return self.ids.get(ref[1:]) if ref.startswith("#") else None

    def _edges(self, el: ET.Element) -> list[ET.Element]:
        out = list(el)
        if _is_use(el):
            target = self.target(el)
            if target is not None:
                out.append(target)
        return out

    def _cycles(self, root: ET.Element) -> set[int]:
        index: dict[int, int] = {}
        low: dict[int, int] = {}
        on_stack: set[int] = set()
        stack: list[ET.Element] = []
        cyclic: set[int] = set()
        counter = 0
        work = [(root, iter(self._edges(root)))]
        index[id(root)] = low[id(root)] = counter
        stack.append(root)
        on_stack.add(id(root))
        while work:
            node, edges = work[-1]
            child = next(edges, None)
            if child is not None:
                if id(child) not in index:
                    counter += 1
                    index[id(child)] = low[id(child)] = counter
                    stack.append(child)
                    on_stack.add(id(child))
                    work.append((child, iter(self._edges(child))))
                elif id(child) in on_stack:
                    low[id(node)] = min(low[id(node)], index[id(child)])
                    if child is node:
                        cyclic.add(id(node))
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[id(parent)] = min(low[id(parent)], low[id(node)])
            if low[id(node)] == index[id(node)]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(id(member))
                    component.append(member)
                    if member is node:
                        break
                if len(component) > 1:
                    cyclic.update(id(m) for m in component if _is_use(m))
        return cyclic

    def _check_expansion(self, root: ET.Element) -> None:
        limit = 2 * MAX_SVG_BYTES
        memo: dict[int, int] = {}
        work: list[tuple[ET.Element, bool]] = [(root, False)]
        while work:  # post-order over the reference DAG (cyclic uses cut)
            el, done = work.pop()
            if id(el) in memo:
                continue
            edges = [] if id(el) in self.cyclic else self._edges(el)
            if not done:
                work.append((el, True))
                work.extend((e, False) for e in edges if id(e) not in memo)
                continue
            total = 64 + len(el.get("d", "")) + len(el.get("points", ""))
            total += sum(memo.get(id(e), 0) for e in edges)
            if total > limit:
                raise SVGError(f"SVG expands to more than {limit} bytes through <use>")
            memo[id(el)] = total
