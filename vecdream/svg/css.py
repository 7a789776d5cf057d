"""The CSS subset SVG files use: ``<style>`` sheets, selectors, specificity, ``!important``.

Selectors: type, ``*``, ``#id``, ``.class``, attribute selectors (``[a]``, ``[a=v]``,
``~=``, ``|=``, ``^=``, ``$=``, ``*=``), compounds of those, the descendant (space),
child (``>``), adjacent (``+``) and sibling (``~``) combinators, and the pseudo-classes
``:first-child``, ``:last-child``, ``:root``. A selector with anything else (other
pseudo-classes, pseudo-elements) never matches, as a browser drops a rule it cannot
parse. At-rules (``@media``, ``@import``, ``@font-face``) are skipped: nothing is fetched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree as ET

__all__ = ["Declaration", "Rule", "parse_declarations", "parse_stylesheet"]

Declaration = tuple[str, str, bool]
"""``(property, value, important)``."""

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_IDENT = r"-?[_a-zA-Z\u00a0-\uffff][-_a-zA-Z0-9\u00a0-\uffff]*"
_SIMPLE = re.compile(
    rf"(?P<type>{_IDENT}|\*)|#(?P<id>-?[-_a-zA-Z0-9\u00a0-\uffff]+)|\.(?P<cls>{_IDENT})"
    rf"|\[\s*(?P<attr>[-_a-zA-Z0-9:]+)\s*(?:(?P<op>[~|^$*]?=)\s*"
    r"(?P<val>\"[^\"]*\"|'[^']*'|[^\]\s]+)\s*(?P<flag>[iIsS])?\s*)?\]"
    r"|(?P<pseudo>::?[-a-zA-Z]+(?:\([^)]*\))?)"
)
Element = ET.Element
Test = Callable[[Element, "Tree"], bool]


@dataclass(frozen=True)
class Tree:
    """Parent links of a document (ElementTree has none)."""

    parent: dict[int, Element]

    @classmethod
    def of(cls, root: Element) -> Tree:
        return cls({id(child): el for el in root.iter() for child in el})

    def siblings(self, el: Element) -> list[Element]:
        parent = self.parent.get(id(el))
        return [c for c in parent if isinstance(c.tag, str)] if parent is not None else [el]


@dataclass(frozen=True)
class Rule:
    """One selector of a rule with its declarations."""

    match: Callable[[Element, Tree], bool]
    specificity: tuple[int, int, int]
    order: int
    declarations: tuple[Declaration, ...]


def local_name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr_test(name: str, op: str | None, val: str | None, icase: bool) -> Test:
    want = (val or "").strip("\"'")
    want = want.lower() if icase else want

    def test(el: Element, _tree: Tree) -> bool:
        have = el.get(name)
        if have is None:
            return False
        have = have.lower() if icase else have
        if op is None:
            return True
        return {"=": have == want, "~=": want in have.split(),
                "|=": have == want or have.startswith(want + "-"),
                "^=": bool(want) and have.startswith(want),
                "$=": bool(want) and have.endswith(want),
                "*=": bool(want) and want in have}[op]
    return test


def _pseudo_test(pseudo: str) -> Test | None:
    name = pseudo.lower()
    if name == ":first-child":
        return lambda el, tree: tree.siblings(el)[0] is el
    if name == ":last-child":
        return lambda el, tree: tree.siblings(el)[-1] is el
    if name == ":root":
        return lambda el, tree: id(el) not in tree.parent
    return None


def _compound(text: str) -> tuple[list[Test], tuple[int, int, int]] | None:
    """Tests of one compound selector and its specificity; None when unsupported."""
    tests: list[Test] = []
    a = b = c = 0
    pos = 0
    while pos < len(text):
        m = _SIMPLE.match(text, pos)
        if m is None or m.end() == pos or (m.group("type") and pos > 0):
            return None
        pos = m.end()
        if m.group("type"):
            if m.group("type") != "*":
                tag = m.group("type")
                tests.append(lambda el, _t, tag=tag: local_name(el.tag) == tag)
                c += 1
        elif m.group("id"):
            ident = m.group("id")
            tests.append(lambda el, _t, v=ident: el.get("id") == v)
            a += 1
        elif m.group("cls"):
            cls = m.group("cls")
            tests.append(lambda el, _t, v=cls: v in el.get("class", "").split())
            b += 1
        elif m.group("attr"):
            tests.append(_attr_test(m.group("attr"), m.group("op"), m.group("val"),
                                    (m.group("flag") or "").lower() == "i"))
            b += 1
        else:
            test = _pseudo_test(m.group("pseudo"))
            if test is None:
                return None
            tests.append(test)
            b += 1
    return tests, (a, b, c)


def _split_combinators(text: str) -> tuple[list[str], list[str]]:
    """Compound selectors and the combinators between them (outside ``[...]``/quotes)."""
    compounds, combinators, current = [], [], ""
    depth, quote, pending = 0, "", ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif depth == 0 and (ch.isspace() or ch in ">+~"):
            if ch in ">+~":
                pending = ch
            elif not pending:
                pending = " "
            continue
        if pending and current:
            compounds.append(current)
            combinators.append(pending)
            current = ""
        pending = pending if not current and not compounds else ""
        current += ch
    compounds.append(current)
    return compounds, combinators


def _selector(text: str) -> tuple[Callable[[Element, Tree], bool], tuple[int, int, int]] | None:
    """A matcher for one complex selector and its specificity; None when unsupported."""
    compounds, combinators = _split_combinators(text.strip())
    parsed = [_compound(p) for p in compounds if p is not None]
    if not text.strip() or any(p is None for p in parsed) or len(parsed) != len(compounds):
        return None
    spec = tuple(sum(p[1][i] for p in parsed) for i in range(3))

    def matches_at(el: Element, k: int, tree: Tree) -> bool:
        if not all(t(el, tree) for t in parsed[k][0]):
            return False
        if k == 0:
            return True
        comb = combinators[k - 1]
        if comb in (" ", ">"):
            parent = tree.parent.get(id(el))
            while parent is not None:
                if matches_at(parent, k - 1, tree):
                    return True
                if comb == ">":
                    return False
                parent = tree.parent.get(id(parent))
            return False
        sibs = tree.siblings(el)
        before = sibs[: next(i for i, s in enumerate(sibs) if s is el)]
        if comb == "+":
            return bool(before) and matches_at(before[-1], k - 1, tree)
        return any(matches_at(s, k - 1, tree) for s in before)

    return (lambda el, tree: matches_at(el, len(parsed) - 1, tree)), spec


def parse_declarations(text: str) -> list[Declaration]:
    """``a: b; c: d !important`` → declarations in order (invalid ones skipped)."""
    out = []
    for part in re.split(r";(?![^(]*\))", _COMMENT.sub("", text)):
        name, sep, value = part.partition(":")
        if not sep:
            continue
        value = value.strip()
        important = bool(re.search(r"!\s*important\s*$", value, re.I))
        if important:
            value = re.sub(r"!\s*important\s*$", "", value, flags=re.I).strip()
        if name.strip() and value:
            out.append((name.strip().lower(), value, important))
    return out


def _skip_block(text: str, start: int) -> int:
    """Index after the ``{...}`` block opening at or after ``start`` (nesting aware)."""
    depth, i = 0, text.find("{", start)
    if i < 0:
        return len(text)
    while i < len(text):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
        if depth == 0:
            break
    return i


def parse_stylesheet(text: str, first_order: int = 0) -> list[Rule]:
    """The rules of a style sheet, one per selector, numbered from ``first_order``."""
    text = _COMMENT.sub("", text).replace("<!--", " ").replace("-->", " ")
    rules: list[Rule] = []
    pos = 0
    while pos < len(text):
        brace, semi = text.find("{", pos), text.find(";", pos)
        at = text.startswith("@", len(text[pos:]) - len(text[pos:].lstrip()) + pos)
        if at:  # an at-rule: a statement up to ';' or a whole block
            pos = semi + 1 if 0 <= semi < (brace if brace >= 0 else len(text)) else \
                _skip_block(text, pos)
            continue
        if brace < 0:
            break
        end = text.find("}", brace)
        end = len(text) if end < 0 else end
        declarations = tuple(parse_declarations(text[brace + 1:end]))
        for sel in text[pos:brace].split(","):
            compiled = _selector(sel)
            if compiled is not None:
                rules.append(Rule(compiled[0], compiled[1], first_order + len(rules),
                                  declarations))
        pos = end + 1
    return rules
