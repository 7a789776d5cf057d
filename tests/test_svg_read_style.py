"""Colours and CSS on import: colour syntax, selectors, specificity, ``!important``, ``<style>``.

Table-driven: exact colours from :func:`vecdream.svg.color.parse_color` and imported
fills, and scenes rendered by resvg and by vecdream after ``read_svg`` (PSNR >= 35 dB).
"""

from __future__ import annotations

import pytest
from test_render_vs_svg import psnr, rasterize_resvg

from vecdream import render
from vecdream.svg import read_svg
from vecdream.svg.color import parse_color

NS = 'xmlns="http://www.w3.org/2000/svg"'


@pytest.mark.parametrize("text, expected", [
    ("red", (255, 0, 0, 1)), ("RED", (255, 0, 0, 1)), ("RebeccaPurple", (102, 51, 153, 1)),
    ("#F0A", (255, 0, 170, 1)), ("#ff000080", (255, 0, 0, 128 / 255)),
    ("#abcd", (170, 187, 204, 221 / 255)),
    ("rgb(10, 20, 30)", (10, 20, 30, 1)), ("RGB( 10 ,20,30 )", (10, 20, 30, 1)),
    ("rgb(12.5, 3.75, 300)", (12.5, 3.75, 255, 1)), ("rgb(10%, 50%, 100%)", (25.5, 127.5, 255, 1)),
    ("rgb(255 0 0 / 50%)", (255, 0, 0, 0.5)), ("rgba(0, 0, 255, .25)", (0, 0, 255, 0.25)),
    ("hsl(120, 100%, 25%)", (0, 127.5, 0, 1)), ("hsl(480deg 100% 50%)", (0, 255, 0, 1)),
    ("hsla(-240, 100%, 50%, 0.5)", (0, 255, 0, 0.5)), ("HSL(0.5turn, 100%, 50%)", (0, 255, 255, 1)),
    ("hsl(3.14159265rad, 100%, 50%)", (0, 255, 255, 1)), ("transparent", (0, 0, 0, 0)),
])
def test_colour_syntax(text: str, expected):
    got = parse_color(text)
    assert got is not None
    assert [255 * v for v in got[:3]] + [got[3]] == pytest.approx(list(expected), abs=1e-3)


@pytest.mark.parametrize("text", ["#12", "#ggg", "rgb(1, 2)", "rgb(1, 2, 3, 4, 5)", "hsl(1, 2, 3)x",
                                  "notacolor", "rgb(1 2 3 / )", "url(#x)", ""])
def test_invalid_colours(text: str):
    assert parse_color(text) is None


CSS = {
    "class_id_type": '<style>rect { fill: #a03030 } .b { fill: #3030a0 } #c { fill: #30a030 }'
                     '</style><rect width="30" height="30"/><rect class="b" x="40" '
                     'width="30" height="30"/><rect id="c" class="b" x="80" width="30" '
                     'height="30"/>',
    "specificity_beats_order": '<style>g .b { fill: #a03030 } .b { fill: #3030a0 }</style>'
                               '<g><rect class="b" width="40" height="40"/></g>',
    "important": '<style>.b { fill: #a03030 !important } #i { fill: #3030a0 }</style>'
                 '<rect id="i" class="b" width="40" height="40" style="fill: #30a030"/>',
    "style_attribute_beats_sheet": '<style>#i { fill: #a03030 }</style>'
                                   '<rect id="i" width="40" height="40" style="fill:#30a030"/>',
    "sheet_beats_presentation_attribute": '<style>rect { fill: #a03030 }</style>'
                                          '<rect width="40" height="40" fill="#30a030"/>',
    "attribute_selectors": '<style>[data-k] { fill: #a03030 } [data-k="v2"] { fill: #3030a0 }'
                           ' rect[data-k="xy"] { fill: #30a030 }</style>'
                           '<rect data-k="v1" width="30" height="30"/>'
                           '<rect data-k="v2" x="40" width="30" height="30"/>'
                           '<rect data-k="xy" x="80" width="30" height="30"/>',
    "compound_and_combinators": '<style>g.a > rect.b { fill: #a03030 } g rect + circle '
                                '{ fill: #3030a0 }</style><g class="a"><rect class="b" '
                                'width="30" height="30"/><circle cx="60" cy="15" r="12"/>'
                                '</g>',
    "selector_list_and_comments": '<style>/* c */ .x, .y { fill: #a0a030; stroke: #303030;'
                                  ' stroke-width: 4 }</style><rect class="y" x="5" y="5" '
                                  'width="40" height="40" stroke-linejoin="round"/>',
    "style_type": '<style type="text/foo">rect { fill: #a03030 }</style>'
                  '<style type="text/css">circle { fill: #3030a0 }</style>'
                  '<rect width="30" height="30"/><circle cx="60" cy="15" r="12"/>',
    "media_rule_skipped": '<style>@media print { rect { fill: #a03030 } } rect { stroke: '
                          '#30a030; stroke-width: 3 }</style><rect x="5" y="5" width="30" '
                          'height="30" stroke-linejoin="round"/>',
    "current_color_and_hsl": '<g color="hsl(200, 60%, 40%)"><rect width="30" height="30" '
                             'fill="currentColor"/></g><rect x="40" width="30" height="30" '
                             'fill="rgb(20%, 40%, 60%)"/>',
}


@pytest.mark.parametrize("name", sorted(CSS))
def test_css_matches_resvg(name: str):
    text = f'<svg {NS} width="120" height="60" viewBox="0 0 120 60">{CSS[name]}</svg>'
    d = read_svg(text)
    value = psnr(render(d, 120, 60), rasterize_resvg(text, 120, 60))
    assert value >= 35.0, f"{name}: {value:.1f} dB"


@pytest.mark.parametrize("selector, matches", [
    ('[k^="ab"]', True), ('[k$="cd"]', True), ('[k*="bc"]', True), ('[k~="ab"]', False),
    ('[k~="abcd"]', True), ('[k|="ab"]', False), ('[k="ABCD" i]', True), ('[k^=""]', False),
    ("rect:first-child", False), ("rect:last-child", True), ("style + rect", True),
    ("svg > rect", True), ("g rect", False), ("rect::before", False),
    ("rect:hover", False), ("*", True), ("#x.c", True), (".c.d", False),
])
def test_selectors_browsers_support(selector: str, matches: bool):
    """Selectors resvg 0.45 lacks (``^=``, ``$=``...) checked by value."""
    d = read_svg(f'<svg {NS}><style>{selector} {{ fill: #00ff00 }}</style>'
                 '<rect id="x" class="c" k="abcd" width="5" height="5"/></svg>')
    assert (d.fill[0, 1] == 1.0) == matches


@pytest.mark.parametrize("name, fill", [
    ("specificity_beats_order", (160, 48, 48)), ("important", (160, 48, 48)),
    ("style_attribute_beats_sheet", (48, 160, 48)),
    ("sheet_beats_presentation_attribute", (160, 48, 48)),
])
def test_cascade_winner(name: str, fill):
    d = read_svg(f'<svg {NS} viewBox="0 0 120 60">{CSS[name]}</svg>')
    assert (d.fill[0, :3] * 255).tolist() == pytest.approx(list(fill), abs=0.01)


def test_colour_names_survive_pil_parsing_them_first():
    from PIL import Image

    Image.new("RGB", (2, 2), "teal")  # PIL then caches 'teal' as a tuple in its colormap
    from vecdream.svg.color import parse_color

    assert parse_color("Teal") == (0.0, 128 / 255, 128 / 255, 1.0)
