"""Plotter stage: layout, pens and layers, clipping, merging, sorting, SVG round trips."""

from __future__ import annotations

import logging

import numpy as np
import pytest
import torch
import vpype

import vecdream.plot as vp
from vecdream import Drawing
from vecdream.plot.geometry import clip_polyline, flatten_contours

PX_PER_MM = 96 / 25.4
BLACK, RED, BLUE = (0.0, 0.0, 0.0, 1.0), (0.9, 0.1, 0.0, 1.0), (0.1, 0.1, 0.8, 1.0)


def polyline_drawing(lines, size=(100.0, 100.0), colors=None, width=0.2) -> Drawing:
    """One path per polyline, each segment a straight cubic (controls at 1/3, 2/3); the
    default width stays under the 0.5 mm pen on the pages used here (one line, not an area)."""
    s_max = max(len(line) - 1 for line in lines)
    points = []
    for line in lines:
        p = np.asarray(line, dtype=np.float64)
        a, d = p[:-1], np.diff(p, axis=0)
        chain = np.concatenate([np.stack([a, a + d / 3, a + 2 * d / 3], 1).reshape(-1, 2), p[-1:]])
        points.append(np.concatenate([chain, np.repeat(p[-1:], 3 * s_max + 1 - len(chain), 0)]))
    n = len(lines)
    stroke = torch.tensor(colors if colors is not None else [BLACK] * n, dtype=torch.float32)
    return Drawing(torch.tensor(np.array(points), dtype=torch.float32), torch.full((n,), width),
                   stroke, size, n_segments=torch.tensor([len(x) - 1 for x in lines]))


def test_public_names():
    for name in vp.__all__:
        assert hasattr(vp, name), name
    for name in ("to_plotter_svg", "save_plotter_svg", "plot_stats", "preview_png",
                 "plot_with_axidraw", "axidraw_estimate", "AxiDrawUnavailable", "PenPlot"):
        assert name in vp.__all__


def test_svg_header_units_and_layer_attributes():
    d = polyline_drawing([[(10, 10), (90, 10)]])
    svg = vp.to_plotter_svg(d, "A4", pen_width_mm=0.3)
    assert 'width="210mm" height="297mm" viewBox="0 0 210 297"' in svg
    assert 'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"' in svg
    assert 'inkscape:groupmode="layer" inkscape:label="1 black" id="layer1"' in svg
    for attr in ('fill="none"', 'stroke-width="0.3"', 'stroke-linecap="round"',
                 'stroke-linejoin="round"'):
        assert attr in svg


def test_vpype_finds_one_layer_per_used_pen(tmp_path):
    rows = [[(5, y), (40, y)] for y in (10, 20, 30)]
    red = [[(60, y), (95, y)] for y in (10, 20)]
    blue = [[(10, 80), (90, 80)]]
    colors = [BLACK] * 3 + [RED] * 2 + [BLUE]
    d = polyline_drawing(rows + red + blue, colors=colors)
    path = tmp_path / "plot.svg"
    vp.save_plotter_svg(d, path, "A4", pens=["black", "red", "green", "blue"])
    doc = vpype.read_multilayer_svg(str(path), quantization=0.1)
    assert sorted(doc.layers) == [1, 2, 3]  # green unused: no layer, blue is number 3
    assert [len(doc.layers[k]) for k in (1, 2, 3)] == [3, 2, 1]
    assert [doc.layers[k].property("vp_name") for k in (1, 2, 3)] == ["1 black", "2 red",
                                                                       "3 blue"]
    assert doc.page_size == pytest.approx((210 * PX_PER_MM, 297 * PX_PER_MM))


@pytest.mark.parametrize("fit", ["contain", "cover"])
def test_every_coordinate_inside_margins(tmp_path, fit):
    d = Drawing.random(200, size=(300, 120), radius=0.3, seed=3)  # strays off the canvas
    path = tmp_path / "plot.svg"
    vp.save_plotter_svg(d, path, "A5", margin_mm=12, fit=fit, crop=False, orientation="portrait")
    doc = vpype.read_multilayer_svg(str(path), quantization=0.1)
    x0, y0, x1, y1 = doc.bounds()
    eps = 1e-3 * PX_PER_MM
    assert x0 >= 12 * PX_PER_MM - eps and y0 >= 12 * PX_PER_MM - eps
    assert x1 <= (148 - 12) * PX_PER_MM + eps and y1 <= (210 - 12) * PX_PER_MM + eps
    if fit == "cover":  # the overflow was clipped at the margin, so it touches it
        assert x0 == pytest.approx(12 * PX_PER_MM, abs=eps)


def test_crop_keeps_strokes_on_the_canvas():
    d = polyline_drawing([[(50, 50), (150, 50)]])  # half outside the 100x100 canvas
    plot = vp.drawing_to_plot(d, (140, 140), margin_mm=20)  # scale 1, offset 20
    (line,) = plot.layers[0].lines
    assert line[:, 0].min() == pytest.approx(70) and line[:, 0].max() == pytest.approx(120)


def test_sorting_cuts_travel_by_a_third_or_more():
    d = Drawing.random(300, size=(256, 256), seed=0)
    before = vp.plot_stats(vp.drawing_to_plot(d, "A4", merge=False, sort=False))
    after = vp.plot_stats(vp.drawing_to_plot(d, "A4", merge=False, sort=True))
    assert after.n_paths == before.n_paths and after.ink_mm == pytest.approx(before.ink_mm)
    assert after.travel_mm <= 0.7 * before.travel_mm  # measured: 30.6 m -> 2.6 m (-91 %)
    assert after.est_seconds < before.est_seconds


def test_merging_joins_touching_ends_with_reversal():
    lines = [[(10, 10), (30, 10)], [(50, 10), (30, 10.05)], [(50, 10), (50, 40)],
             [(80, 80), (90, 90)]]  # 0-1 touch (0.05 < 0.5/4), 1-2 share a start
    d = polyline_drawing(lines)
    merged = vp.drawing_to_plot(d, (100, 100), margin_mm=0, sort=False)
    assert merged.n_paths == 2
    first = merged.layers[0].lines[0]
    assert len(first) == 5 and first[0].tolist() == [10, 10] and first[-1].tolist() == [50, 40]
    assert vp.drawing_to_plot(d, (100, 100), margin_mm=0, merge=False).n_paths == 4
    far = polyline_drawing([[(10, 10), (30, 10)], [(30.2, 10), (50, 10)]])
    assert vp.drawing_to_plot(far, (100, 100), margin_mm=0).n_paths == 2


def test_sub_pen_specks_and_faint_paths_are_dropped():
    lines = [[(10, 10), (10.3, 10)], [(20, 20), (60, 20)], [(20, 50), (60, 50)]]
    colors = [BLACK, BLACK, (0.0, 0.0, 0.0, 0.05)]
    plot = vp.drawing_to_plot(polyline_drawing(lines, colors=colors), (100, 100), margin_mm=0,
                              pen_width_mm=0.5)
    assert plot.n_paths == 1 and plot.layers[0].lines[0][:, 1].tolist() == [20, 20]
    assert vp.drawing_to_plot(polyline_drawing(lines, colors=colors), (100, 100), margin_mm=0,
                              pen_width_mm=0.2, min_alpha=0.01).n_paths == 3


def test_clip_splits_a_line_that_leaves_the_margin():
    u_shape = [(50, 40), (110, 40), (110, 60), (50, 60)]
    plot = vp.drawing_to_plot(polyline_drawing([u_shape]), (140, 140), margin_mm=20, crop=False)
    pieces = plot.layers[0].lines
    assert len(pieces) == 2
    assert [p.tolist() for p in pieces] in (
        [[[70, 60], [120, 60]], [[120, 80], [70, 80]]],
        [[[70, 60], [120, 60]], [[70, 80], [120, 80]]],
    )


def test_clip_polyline_cases():
    rect = (0.0, 0.0, 10.0, 10.0)
    assert clip_polyline(np.array([[20.0, 20.0], [30.0, 30.0]]), rect) == []
    inside = np.array([[1.0, 1.0], [5.0, 5.0], [9.0, 1.0]])
    (same,) = clip_polyline(inside, rect)
    np.testing.assert_array_equal(same, inside)
    (diag,) = clip_polyline(np.array([[-5.0, -5.0], [15.0, 15.0]]), rect)
    np.testing.assert_allclose(diag, [[0, 0], [10, 10]])
    zigzag = np.array([[5.0, 5.0], [15.0, 5.0], [5.0, 6.0], [15.0, 6.0], [5.0, 7.0]])
    assert len(clip_polyline(zigzag, rect)) == 3


def test_flatten_within_tolerance():
    ctrl = np.array([[[0.0, 0.0], [0.0, 40.0], [40.0, 40.0], [40.0, 0.0]]])
    (line,) = flatten_contours(ctrl, np.array([1]), np.array([False]), 0.05)
    t = np.linspace(0, 1, 2001)[:, None]
    curve = ((1 - t) ** 3 * ctrl[0, 0] + 3 * (1 - t) ** 2 * t * ctrl[0, 1]
             + 3 * (1 - t) * t**2 * ctrl[0, 2] + t**3 * ctrl[0, 3])
    a, d = line[:-1], np.diff(line, axis=0)  # distance of curve samples to the segments
    h = np.clip(((curve[:, None] - a) * d).sum(-1) / (d * d).sum(-1), 0, 1)
    dist = np.linalg.norm(curve[:, None] - (a + h[..., None] * d), axis=-1).min(axis=1)
    assert dist.max() <= 0.05 + 1e-9 and len(line) < 60
    (closed,) = flatten_contours(ctrl, np.array([1]), np.array([True]), 0.05)
    np.testing.assert_array_equal(closed[-1], closed[0])


def test_pen_quantization_and_orientation():
    d = polyline_drawing([[(10, 10), (290, 10)], [(10, 50), (290, 50)]], size=(300, 100),
                         colors=[(0.8, 0.3, 0.3, 1.0), (0.2, 0.2, 0.3, 1.0)])
    plot = vp.drawing_to_plot(d, "A4", pens=["black", ("fineliner red", "#d03030")])
    assert plot.page_mm == (297.0, 210.0)  # auto picked landscape
    assert [layer.label for layer in plot.layers] == ["1 black", "2 fineliner red"]
    assert vp.drawing_to_plot(d, "A4", orientation="portrait").page_mm == (210.0, 297.0)


def test_fill_none_drops_fills_and_warns_once(caplog):
    d = polyline_drawing([[(10, 10), (90, 10), (90, 90)], [(10, 20), (50, 20)]])
    d.fill[:, 3] = 1.0
    with caplog.at_level(logging.WARNING, logger="vecdream.plot"):
        svg = vp.to_plotter_svg(d, "A5", fill="none")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len([w for w in warnings if "fill" in w]) == 1
    assert "2 filled path(s): fills dropped (--fill none)" in warnings[0]
    assert svg.count("<path") == 2 and 'fill="#' not in svg


def test_fills_are_hatched_by_default_without_warning(caplog):
    d = polyline_drawing([[(10, 10), (90, 10), (90, 90)], [(10, 20), (50, 20)]])
    d.fill[:, 3] = 1.0
    with caplog.at_level(logging.WARNING, logger="vecdream.plot"):
        plot = vp.drawing_to_plot(d, "A5")
    assert not [r for r in caplog.records if r.levelno == logging.WARNING]
    hatched = vp.plot_stats(plot).ink_mm
    outlines = vp.plot_stats(vp.drawing_to_plot(d, "A5", fill="none")).ink_mm
    assert hatched > 20 * outlines  # the triangle's area is covered, not its edges


def test_round_trip_through_svg_text():
    d = Drawing.random(40, size=(200, 100), seed=1, colors=True)
    plot = vp.drawing_to_plot(d, "letter", pens=["black", "red", "blue"], margin_mm=10)
    back = vp.read_plotter_svg(vp.plot_to_svg(plot))
    assert back.page_mm == pytest.approx(plot.page_mm) and back.margin_mm == 10
    assert [layer.label for layer in back.layers] == [layer.label for layer in plot.layers]
    for a, b in zip(plot.layers, back.layers, strict=True):
        assert len(a.lines) == len(b.lines)
        for la, lb in zip(a.lines, b.lines, strict=True):
            np.testing.assert_allclose(la, lb, atol=6e-4)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"pen_width_mm": 0}, "pen_width_mm: expected a positive"),
        ({"margin_mm": 120}, "expected less than half"),
        ({"page": "B7"}, "expected a page name"),
        ({"pens": ["black", "octarine"]}, "expected a CSS colour"),
        ({"orientation": "sideways"}, "expected 'auto'"),
        ({"fit": "stretch"}, "expected 'contain' or 'cover'"),
    ],
)
def test_bad_options_say_what_was_expected(kwargs, match):
    d = Drawing.random(3, size=(50, 50), seed=0)
    with pytest.raises(ValueError, match=match):
        vp.to_plotter_svg(d, **kwargs)


def test_units():
    assert vp.parse_length("0.05in") == pytest.approx(1.27)
    assert vp.parse_length("15") == 15.0 and vp.parse_length(" 2 cm ") == 20.0
    assert vp.page_size("a3") == (297.0, 420.0) and vp.page_size((100, 50)) == (100.0, 50.0)
    assert vp.page_size("11x17in") == pytest.approx((279.4, 431.8))
    with pytest.raises(ValueError, match="unknown length unit"):
        vp.parse_length("3furlong")
