"""SVG error rules on import (SVG 2 "error processing", as browsers and resvg apply them).

Each rule is a row: the SVG text, what vecdream must import (path count), and the
rendering compared with resvg's of the same text (PSNR >= 35 dB).
"""

from __future__ import annotations

import logging

import pytest
import torch
from test_render_vs_svg import psnr, rasterize_resvg

from vecdream import render
from vecdream.svg import read_svg
from vecdream.svg.pathdata import parse_path

NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
OK = '<rect x="70" y="60" width="30" height="25" fill="#3060a0"/>'  # always drawn

RULES = {
    # path data is drawn up to the last complete command before the first error
    "path_error_mid_command": ('<path d="M10 10 L 50 10 L 50 50 L 30" fill="#a03030"/>' + OK,
                               2),
    "path_error_garbage": ('<path d="M10 10 h40 v40 z # M 60 0 h 20" fill="#a03030"/>' + OK,
                           2),
    "path_error_keeps_earlier_subpaths": (
        '<path d="M10 10 h20 v20 z M40 10 h20 v20 h-20 z M70 10 h10 x" fill="#a03030"/>' + OK,
        2),
    "path_without_moveto_is_dropped": ('<path d="L 10 10 M 0 0 L 50 0 50 50z"/>' + OK, 1),
    # resvg refuses the whole document ("nodes limit reached"): compared with the
    # document without the cyclic <use> elements
    "use_cycle_drops_that_use": (
        '<g id="a"><use href="#b"/><rect width="20" height="20" fill="#30a030"/></g>'
        '<g id="b"><use href="#a" x="30"/></g>' + OK, 2,
        '<g id="a"><rect width="20" height="20" fill="#30a030"/></g>' + OK),
    "self_referencing_use": ('<use id="u" href="#u"/>' + OK, 1),
    "negative_rx_is_auto": ('<rect x="10" y="10" width="50" height="40" rx="-5" ry="8"/>' + OK,
                            2),
    "missing_width_drops_rect": ('<rect x="10" y="10" height="40"/>' + OK, 1),
    "negative_size_drops_shape": ('<rect x="10" y="10" width="-5" height="40"/>'
                                  '<circle cx="30" cy="30" r="-4"/>' + OK, 1),
    "zero_size_draws_nothing": ('<rect width="0" height="40"/><ellipse rx="0" ry="3"/>' + OK,
                                1),
    "children_of_shapes_ignored": ('<rect width="20" height="20"><rect x="30" width="20" '
                                   'height="20"/></rect>' + OK, 2),
    "unknown_elements_ignored": ('<foo><rect x="30" width="20" height="20"/></foo>'
                                 '<svg:bar xmlns:svg="urn:x"><rect width="5" height="5"/>'
                                 '</svg:bar>' + OK, 1),
    "duplicate_ids_resolve_to_first": (
        '<defs><rect id="r" width="20" height="10" fill="#a0a030"/>'
        '<rect id="r" width="5" height="40" fill="#30a0a0"/></defs>'
        '<use href="#r" x="10" y="10"/><use href="#r" x="10" y="30"/>' + OK, 3),
    "odd_polyline_coordinates": ('<polyline points="10 10 50 10 50 50 20" fill="none" '
                                 'stroke="#000" stroke-width="3" stroke-linecap="round" '
                                 'stroke-linejoin="round"/>' + OK, 2),
    "invalid_transform_ignored": ('<rect width="20" height="20" transform="scale(2) junk"/>'
                                  + OK, 2),
    # an invalid value is ignored (CSS), so the inherited paint applies as in browsers;
    # resvg paints black: compared with the document without the invalid attribute
    "invalid_paint_is_ignored": ('<g fill="#30a030"><rect width="20" height="20" '
                                 'fill="notacolor"/><rect x="30" width="20" height="20" '
                                 'style="fill: rgb(1, 2)"/></g>' + OK, 3,
                                 '<g fill="#30a030"><rect width="20" height="20"/><rect '
                                 'x="30" width="20" height="20"/></g>' + OK),
    "s_after_t_uses_the_current_point": (
        '<path d="M10 40 T 40 40 S 70 10 100 40" fill="none" stroke="#000" '
        'stroke-width="3" stroke-linecap="round"/>', 1),
    "s_after_c_and_t_after_q": (
        '<path d="M10 40 C 20 10 30 10 40 40 S 60 70 70 40 M10 80 Q 25 60 40 80 T 70 80" '
        'fill="none" stroke="#000" stroke-width="3" stroke-linecap="round"/>', 1),
    "arc_flags_without_separators": (
        '<path d="M10 50a20 20 0 1020 0a10 10 0 0 1 20 0" fill="none" stroke="#000" '
        'stroke-width="3" stroke-linecap="round"/>', 1),
}


@pytest.mark.parametrize("name", sorted(RULES))
def test_error_rule_matches_resvg(name: str):
    body, n_paths, *reference = RULES[name]
    head = f'<svg {NS} width="120" height="100" viewBox="0 0 120 100">'
    d = read_svg(f"{head}{body}</svg>")
    assert len(d) == n_paths
    expected = rasterize_resvg(f"{head}{reference[0] if reference else body}</svg>", 120, 100)
    value = psnr(render(d, 120, 100), expected)
    assert value >= 35.0, f"{name}: {value:.1f} dB"


def test_path_data_errors_are_reported(caplog):
    with caplog.at_level(logging.WARNING, logger="vecdream.svg"):
        read_svg(f'<svg {NS}><path d="M0 0 L 5 5 L"/><path d="L 5 5"/></svg>')
    assert "1 path data with an error (drawn up to it)" in caplog.text
    assert "1 empty or invalid path data" in caplog.text


def test_use_cycle_is_reported_and_the_document_kept(caplog):
    with caplog.at_level(logging.WARNING, logger="vecdream.svg"):
        d = read_svg(f'<svg {NS}><g id="a"><use href="#a"/></g>{OK}</svg>')
    assert len(d) == 1 and "1 <use> cycle" in caplog.text


def test_s_after_t_reflects_nothing():
    """``S`` after ``T``: the first control point is the current point (SVG 2, 9.3.6).

    svgelements 1.9.6 reflects the ``T``'s implicit control point instead.
    """
    (points, _), = parse_path("M 0 0 T 10 0 S 20 10 30 0")[0]
    assert points[4] == (10.0, 0.0)  # S's first control point
    (points, _), = parse_path("M 0 0 Q 5 5 10 0 T 20 0")[0]
    assert torch.allclose(torch.tensor(points[4:7]), torch.tensor(
        [(10 + 2 / 3 * 5, -2 / 3 * 5), (20 + 2 / 3 * -5, -2 / 3 * 5), (20.0, 0.0)]))


@pytest.mark.parametrize("d, n_contours, error", [
    ("M 0 0 L 1 1 L", 1, True), ("M0 0 1 1 2 2z", 1, False), ("M1 1Z", 1, False),
    ("M 5 5", 0, False), ("", 0, False), ("L 1 1", 0, True), ("M0 0L1 1 2", 1, True),
    ("M0 0 h1e999", 0, True), ("m1 1 2 2 m 1 1 1 1", 2, False), ("M0,0L.5.5", 1, False),
])
def test_parse_path_table(d: str, n_contours: int, error: bool):
    contours, got_error = parse_path(d)
    assert (len(contours), got_error) == (n_contours, error)
