"""Paint fields on import: caps, joins, miter limits, gradients, clip paths, opacity groups.

The reader fills ``Drawing``'s issue-10 fields (see /work/notes/issue10_api.md). Values
are checked directly; scenes whose features the renderer draws are also compared with
resvg rendering the same SVG text (PSNR >= 35 dB).
"""

from __future__ import annotations

import pytest
import torch
from test_render_vs_svg import psnr, rasterize_resvg

import vecdream.svg.walk
from vecdream import render
from vecdream.drawing_fields import CAP_BUTT, CAP_SQUARE, JOIN_BEVEL, JOIN_MITER, JOIN_ROUND
from vecdream.svg import read_svg

NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def svg(body: str, attrs: str = 'width="120" height="80" viewBox="0 0 120 80"') -> str:
    return f"<svg {NS} {attrs}>{body}</svg>"


def test_caps_joins_and_miter_limits_are_read():
    d = read_svg(svg('<path d="M0 0 L9 9" stroke="red"/>'
                     '<path d="M0 0 L9 9" stroke="red" stroke-linecap="square" '
                     'stroke-linejoin="bevel" stroke-miterlimit="2.5"/>'
                     '<g stroke-linejoin="round"><path d="M0 0 L9 9" stroke="red" '
                     'style="stroke-linejoin: miter-clip"/><path d="M0 0 L9 9" stroke="red" '
                     'stroke-miterlimit="0.5"/></g>'))
    assert d.cap.tolist() == [CAP_BUTT, CAP_SQUARE, CAP_BUTT, CAP_BUTT]  # SVG default butt
    assert d.join.tolist() == [JOIN_MITER, JOIN_BEVEL, JOIN_MITER, JOIN_ROUND]
    assert d.miter_limit.tolist() == [4.0, 2.5, 4.0, 4.0]  # < 1 is invalid: ignored


GRADIENTS = {
    "linear_bbox": '<linearGradient id="g"><stop offset="0" stop-color="#c02020"/>'
                   '<stop offset="1" stop-color="#2020c0"/></linearGradient>'
                   '<rect x="10" y="10" width="100" height="60" fill="url(#g)"/>',
    "linear_user_transform_reflect": (
        '<linearGradient id="g" gradientUnits="userSpaceOnUse" x1="20" y1="0" x2="45" '
        'y2="0" spreadMethod="reflect" gradientTransform="rotate(20 60 40)">'
        '<stop offset="10%" stop-color="#e0c020"/><stop offset=".6" stop-color="#208020" '
        'stop-opacity="0.5"/></linearGradient><rect x="5" y="5" width="110" height="70" '
        'fill="url(#g)"/>'),
    "radial_focal_repeat_href": (
        '<radialGradient id="base"><stop offset="0" stop-color="#ffffff"/>'
        '<stop offset="0.5" stop-color="#3060c0"/><stop offset="1" stop-color="#102040"/>'
        '</radialGradient><radialGradient id="g" href="#base" cx="0.4" cy="0.5" r="0.3" '
        'fx="0.3" fy="0.4" spreadMethod="repeat"/>'
        '<ellipse cx="60" cy="40" rx="50" ry="35" fill="url(#g)"/>'),
    "href_keeps_its_own_gradient_transform": (  # the Noto emoji pattern (as resvg)
        '<radialGradient id="a" cx="60" cy="-120" r="50" gradientUnits="userSpaceOnUse" '
        'gradientTransform="matrix(1 0 0 -1 0 -80)"><stop offset=".3" stop-color="#fde030"/>'
        '<stop offset="1" stop-color="#f4a223"/></radialGradient>'
        '<radialGradient id="g" cy="40" href="#a"/>'
        '<circle cx="60" cy="40" r="38" fill="url(#a)"/><circle cx="60" cy="40" r="30" '
        'fill="url(#g)"/>'),
    "singular_gradient_transform_ignored": (
        '<radialGradient id="g" gradientTransform="matrix(.2 0 .9 0 5 5)"><stop offset="0" '
        'stop-color="#ff0000"/><stop offset="1" stop-color="#0000ff"/></radialGradient>'
        '<rect x="10" y="10" width="100" height="60" fill="url(#g)"/>'),
    "stroke_gradient_and_fallback": (
        '<linearGradient id="g" x2="0" y2="1"><stop offset="0" stop-color="#c02020"/>'
        '<stop offset="1" stop-color="#20c020"/></linearGradient>'
        '<path d="M10 10 L110 70" stroke="url(#g)" stroke-width="8" stroke-linecap="round"/>'
        '<rect x="70" y="5" width="40" height="20" fill="url(#missing) #2040c0"/>'),
}


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradients_match_resvg(name: str):
    text = svg(GRADIENTS[name])
    d = read_svg(text)
    assert d.grad_kind.numel() >= 1
    value = psnr(render(d, 120, 80), rasterize_resvg(text, 120, 80))
    assert value >= 35.0, f"{name}: {value:.1f} dB"


def test_gradient_table_values():
    d = read_svg(svg(GRADIENTS["radial_focal_repeat_href"]))
    assert d.fill_paint.tolist() == [0] and d.grad_kind.tolist() == [1]
    assert d.grad_spread.tolist() == [2] and d.grad_n_stops.tolist() == [3]
    assert d.grad_geom[0].tolist() == pytest.approx([0.4, 0.5, 0.3, 0.3, 0.4, 0.0])
    # objectBoundingBox: gradient space → the ellipse's box (10, 5, 100, 70)
    assert d.grad_transform[0].flatten().tolist() == pytest.approx([100, 0, 10, 0, 70, 5])
    assert d.grad_stops[0, :, 0].tolist() == [0, 0.5, 1]


@pytest.mark.parametrize("stops, expected", [
    ('<stop offset="0.7"/><stop offset="0.2"/><stop offset="150%"/>', [0.7, 0.7, 1.0]),
    ('<stop offset="-1"/><stop offset="40%"/>', [0.0, 0.4]),
])
def test_stop_offsets_are_clamped_and_monotonic(stops: str, expected: list):
    d = read_svg(svg(f'<linearGradient id="g">{stops}</linearGradient>'
                     '<rect width="10" height="10" fill="url(#g)"/>'))
    assert d.grad_stops[0, : len(expected), 0].tolist() == pytest.approx(expected)


@pytest.mark.parametrize("body, rgba", [
    ('<linearGradient id="g"><stop stop-color="#ff0000" stop-opacity=".5"/></linearGradient>',
     [1, 0, 0, 0.5]),  # one stop: its colour
    ('<linearGradient id="g"/>', None),  # no stops: nothing painted
    ('<linearGradient id="g" x1="0" x2="0"><stop offset="0" stop-color="#000"/><stop '
     'offset="1" stop-color="#00ff00"/></linearGradient>', [0, 1, 0, 1]),  # zero length
])
def test_degenerate_gradients(body: str, rgba):
    d = read_svg(svg(f"{body}<rect width='10' height='10' fill='url(#g)'/>"))
    if rgba is None:
        assert len(d) == 0
    else:
        assert d.fill[0].tolist() == pytest.approx(rgba) and d.fill_paint.numel() in (0, 1)


def test_clip_paths_fill_the_clip_table():
    d = read_svg(svg(
        '<clipPath id="c"><circle cx="50" cy="40" r="30"/></clipPath>'
        '<clipPath id="b" clipPathUnits="objectBoundingBox" clip-path="url(#c)" '
        'transform="translate(0.1 0)"><rect width=".5" height="1" clip-rule="evenodd"/>'
        '<text>x</text></clipPath>'
        '<g clip-path="url(#c)" transform="translate(5 0)"><rect width="100" height="80"/>'
        '<rect x="10" y="10" width="80" height="60" clip-path="url(#b)"/></g>'
        '<rect x="100" width="5" height="5"/>'))
    assert d.clip.tolist() == [0, 2, -1]
    assert d.clip_parent.tolist() == [-1, 0, 1]  # b's own clip c, inside the group's c
    assert d.clip_shape_evenodd.tolist() == [False, False, True]
    # c in the group's user space (translated by 5); b on the rect's box (15, 10, 80, 60),
    # its transform applied in user space (0.1 user units), as Blink and resvg do
    circle = d.clip_points[0, : 3 * int(d.clip_n_segments[0]) + 1]
    assert circle[:, 0].max().item() == pytest.approx(85, abs=1e-4)
    box = d.clip_points[2, : 3 * int(d.clip_n_segments[2]) + 1]
    assert box.min(0).values.tolist() == pytest.approx([15.1, 10], abs=1e-4)
    assert box.max(0).values.tolist() == pytest.approx([55.1, 70], abs=1e-4)


CLIPS_AND_GROUPS = {
    "clip_path_user_space": '<clipPath id="c"><circle cx="60" cy="40" r="30"/></clipPath>'
                            '<rect x="20" y="10" width="80" height="60" fill="#3050a0" '
                            'clip-path="url(#c)"/>',
    "clip_bbox_units_transform_rule": (
        '<clipPath id="c" clipPathUnits="objectBoundingBox" transform="rotate(10 .5 .5)">'
        '<path d="M.1 .1 H.9 V.9 H.1 Z M.3 .3 H.7 V.7 H.3 Z" clip-rule="evenodd"/>'
        '</clipPath><ellipse cx="60" cy="40" rx="50" ry="35" fill="#a05030" '
        'clip-path="url(#c)"/>'),
    "nested_clips_on_group_and_use": (
        '<clipPath id="a"><rect x="10" y="10" width="70" height="60"/></clipPath>'
        '<clipPath id="b" clip-path="url(#a)"><use href="#dot"/></clipPath>'
        '<defs><circle id="dot" cx="70" cy="40" r="30"/></defs>'
        '<g clip-path="url(#b)" transform="translate(-5 0)"><rect width="120" height="80" '
        'fill="#30a050"/><rect x="50" width="20" height="80" fill="#222"/></g>'),
    "clip_use_of_use": (
        '<defs><path id="p" d="M10 10 H90 L60 70 Z"/><use id="u" href="#p"/></defs>'
        '<clipPath id="c"><use href="#u" x="10"/></clipPath>'
        '<rect width="120" height="80" fill="#806020" clip-path="url(#c)"/>'),
    "group_opacity_overlap": (
        '<g opacity="0.5"><rect x="10" y="10" width="60" height="50" fill="#a33"/>'
        '<rect x="40" y="25" width="60" height="50" fill="#33a"/></g>'
        '<circle cx="30" cy="60" r="15" fill="#3a3" stroke="#000" stroke-width="6" '
        'opacity="0.5"/>'),
    "viewport_clip_partial": (
        '<svg x="10" y="10" width="50" height="40" viewBox="0 0 25 20">'
        '<circle cx="20" cy="15" r="12" fill="#a33"/></svg>'
        '<svg x="70" y="10" width="40" height="60" overflow="visible">'
        '<rect x="20" y="40" width="30" height="30" fill="#33a"/></svg>'),
}


@pytest.mark.parametrize("name", sorted(CLIPS_AND_GROUPS))
def test_clips_and_groups_match_resvg(name: str):
    text = svg(CLIPS_AND_GROUPS[name])
    value = psnr(render(read_svg(text), 120, 80), rasterize_resvg(text, 120, 80))
    assert value >= 35.0, f"{name}: {value:.1f} dB"


def test_nested_viewport_clip_only_where_content_crosses_it():
    d = read_svg(svg('<svg x="10" y="10" width="40" height="30"><rect width="60" '
                     'height="10"/><rect width="5" height="5"/></svg>'))
    assert d.clip.tolist() == [0, -1]
    corners = d.clip_points[0, : 3 * int(d.clip_n_segments[0]) + 1]
    assert corners.min(0).values.tolist() == [10, 10]
    assert corners.max(0).values.tolist() == [50, 40]


def test_opacity_groups(monkeypatch):
    monkeypatch.setattr(vecdream.svg.walk, "OPACITY_GROUPS", True)
    d = read_svg(svg('<g opacity="0.5"><rect width="10" height="10"/><g opacity=".5">'
                     '<rect width="10" height="10" opacity=".5" stroke="red"/>'
                     '<rect width="10" height="10" opacity=".5"/></g></g>'))
    assert d.group.tolist() == [0, 2, 1]
    assert d.group_opacity.tolist() == [0.5, 0.5, 0.5]
    assert d.group_parent.tolist() == [-1, 0, 1]
    assert d.fill[:, 3].tolist() == [1, 1, 0.5]  # one paint: multiplied, no group


def test_without_groups_opacity_multiplies_into_alpha(monkeypatch):
    monkeypatch.setattr(vecdream.svg.walk, "OPACITY_GROUPS", False)
    d = read_svg(svg('<g opacity="0.5"><rect width="10" height="10" opacity=".5" '
                     'fill-opacity=".5"/></g>'))
    assert d.fill[0, 3].item() == pytest.approx(0.125) and d.group.eq(-1).all()
    assert torch.isfinite(d.points).all()
