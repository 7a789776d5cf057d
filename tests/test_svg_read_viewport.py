"""Viewports on import: the root canvas, nested ``<svg>``, ``<use>`` of ``<svg>``/``<symbol>``.

Each scene is SVG text rendered by resvg and by vecdream after ``read_svg`` (fills and
round-capped strokes only, so the check is about geometry): PSNR >= 35 dB.
"""

from __future__ import annotations

import pytest
import torch
from test_render_vs_svg import psnr, rasterize_resvg

from vecdream import render
from vecdream.svg import read_svg

NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
MIN_PSNR = 35.0
ALIGNS = [f"x{x}Y{y}" for y in ("Min", "Mid", "Max") for x in ("Min", "Mid", "Max")]
ASPECTS = ["none"] + [f"{a} {mode}" for a in ALIGNS for mode in ("meet", "slice")]
# Asymmetric content inside y in [15, 25] of a 40 x 40 viewBox (a slice into the 80 x 50
# viewport below keeps it whole) plus, in the nested-svg test, a circle the clip cuts.
CONTENT = ('<circle cx="8" cy="20" r="5" fill="#c03020"/>'
           '<rect x="20" y="16" width="18" height="8" fill="#2060c0"/>'
           '<path d="M14 24 L20 15" stroke="#208030" stroke-width="1.5" '
           'stroke-linecap="round" fill="none"/>')


def assert_matches_resvg(text: str, width: int, height: int) -> torch.Tensor:
    d = read_svg(text)
    ours = render(d, width, height)
    value = psnr(ours, rasterize_resvg(text, width, height))
    assert value >= MIN_PSNR, f"{value:.1f} dB"
    return ours


@pytest.mark.parametrize("aspect", ASPECTS)
def test_nested_svg_every_preserve_aspect_ratio(aspect: str):
    crossing = '<circle cx="34" cy="4" r="9" fill="#9050b0"/>'  # cut by meet and slice
    text = (f'<svg {NS} width="120" height="90" viewBox="0 0 120 90">'
            '<rect x="10" y="20" width="80" height="50" fill="#eeeeaa"/>'
            f'<svg x="10" y="20" width="80" height="50" viewBox="0 0 40 40" '
            f'preserveAspectRatio="{aspect}">{CONTENT}{crossing}</svg></svg>')
    assert_matches_resvg(text, 120, 90)


@pytest.mark.parametrize("aspect", ["xMinYMid meet", "xMaxYMax meet", "none", "xMidYMid slice"])
def test_use_of_symbol_and_of_svg(aspect: str):
    text = (f'<svg {NS} width="150" height="100">'
            f'<defs><symbol id="s" viewBox="0 0 40 40" preserveAspectRatio="{aspect}">'
            f'{CONTENT}</symbol>'
            f'<svg id="v" viewBox="0 0 40 40" preserveAspectRatio="{aspect}">{CONTENT}</svg>'
            '</defs>'
            '<use href="#s" x="5" y="5" width="80" height="50"/>'
            '<use xlink:href="#v" x="60" y="50" width="80" height="50" '
            'transform="rotate(5 100 75)"/></svg>')
    assert_matches_resvg(text, 150, 100)


@pytest.mark.parametrize("attrs, size", [
    ('width="200" height="100" viewBox="0 0 40 40"', (200, 100)),
    ('width="200" height="100" viewBox="0 0 40 40" preserveAspectRatio="xMinYMax meet"',
     (200, 100)),
    ('width="100" height="200" viewBox="0 0 40 40" preserveAspectRatio="xMaxYMin slice"',
     (100, 200)),
    ('width="200" height="100" viewBox="0 0 40 40" preserveAspectRatio="none"', (200, 100)),
    ('width="192" height="96" viewBox="-10 -5 60 30"', (192, 96)),
])
def test_root_viewport_defines_the_canvas_like_a_browser(attrs: str, size):
    text = f'<svg {NS} {attrs}><rect x="0" y="0" width="40" height="40" fill="#dde"/>' \
           f'{CONTENT}</svg>'
    d = read_svg(text)
    aspect = d.size[0] / d.size[1]
    assert aspect == pytest.approx(size[0] / size[1], rel=1e-6)
    assert_matches_resvg(text, *size)


def test_root_with_uniform_scale_keeps_viewbox_units():
    d = read_svg(f'<svg {NS} width="200" height="100" viewBox="0 0 40 40">{CONTENT}</svg>')
    assert d.size == pytest.approx((80, 40))  # viewport / scale, in viewBox units
    assert d.points[0, 0].tolist() == pytest.approx([13 + 20, 20])  # shifted by the centring


def test_content_wholly_outside_a_nested_viewport_is_dropped():
    text = (f'<svg {NS} viewBox="0 0 100 100"><svg width="50" height="50">'
            '<rect x="60" y="60" width="10" height="10"/><rect width="10" height="10"/>'
            '</svg><svg width="50" height="50" overflow="visible">'
            '<rect x="60" y="60" width="10" height="10"/></svg></svg>')
    assert len(read_svg(text)) == 2
    assert_matches_resvg(text, 100, 100)


def test_zero_or_negative_viewport_draws_nothing():
    d = read_svg(f'<svg {NS} viewBox="0 0 10 10"><svg width="0"><rect width="5" height="5"/>'
                 '</svg><svg height="-2"><rect width="5" height="5"/></svg>'
                 '<symbol id="s"><rect width="5" height="5"/></symbol>'
                 '<use href="#s" width="0"/></svg>')
    assert len(d) == 0
