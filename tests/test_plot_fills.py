"""Fills and wide strokes on paper: hatched at the pen width, fill rules and holes kept,
hidden lines removed, colours to the nearest pen in CIELAB (issue 26)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
import torch

import vecdream.plot as vp
from vecdream import Drawing
from vecdream.plot.fills import fill_region, hatch_lines
from vecdream.plot.model import Pen, nearest_pen
from vecdream.seeds.variations import concat

PEN = 0.5
SQUARE = [(10, 10), (40, 10), (40, 40), (10, 40)]
TRIANGLE = [(55, 10), (90, 10), (72, 45)]
CIRCLE = [(30 + 15 * math.cos(a), 72 + 15 * math.sin(a))
          for a in np.linspace(0, 2 * math.pi, 40, endpoint=False)]


def polygons(shapes, *, paths=None, evenodd=False, fill=(0.0, 0.0, 0.0, 1.0), stroke_alpha=0.0,
             width=0.2) -> Drawing:
    """Closed straight-edged contours on a 100-unit canvas; ``paths[i]`` is the path of
    contour ``i`` (default one path each)."""
    s_max = max(len(s) for s in shapes)
    points, n_seg = [], []
    for shape in shapes:
        p = np.asarray(shape, dtype=np.float64)
        q = np.roll(p, -1, axis=0)
        d = q - p
        chain = np.concatenate([np.stack([p, p + d / 3, p + 2 * d / 3], 1).reshape(-1, 2), p[:1]])
        points.append(np.concatenate([chain, np.repeat(p[:1], 3 * s_max + 1 - len(chain), 0)]))
        n_seg.append(len(p))
    owner = list(range(len(shapes))) if paths is None else paths
    n = max(owner) + 1
    return Drawing(torch.tensor(np.array(points), dtype=torch.float64), torch.full((n,), width),
                   torch.tensor([[0.0, 0.0, 0.0, stroke_alpha]] * n), (100.0, 100.0),
                   fill=torch.tensor([fill] * n), evenodd=torch.full((n,), evenodd),
                   closed=torch.ones(len(shapes), dtype=torch.bool),
                   n_segments=torch.tensor(n_seg), contour_path=torch.tensor(owner))


def plot_mm(drawing: Drawing, **options) -> vp.PenPlot:
    """Laid out 1 unit = 1 mm on a 100 mm page without margin."""
    return vp.drawing_to_plot(drawing, (100, 100), margin_mm=0, pen_width_mm=PEN, **options)


def inked(plot: vp.PenPlot) -> shapely.Geometry:
    lines = [shapely.LineString(line) for layer in plot.layers for line in layer.lines]
    return shapely.union_all(shapely.buffer(lines, PEN / 2, quad_segs=8))


def coverage(plot, area) -> tuple[float, float]:
    """Share of ``area`` inked, and share of the ink outside ``area`` grown by the pen
    radius."""
    ink = inked(plot)
    inside = shapely.intersection(ink, area).area / area.area
    outside = shapely.difference(ink, shapely.buffer(area, PEN / 2)).area / ink.area
    return inside, outside


def test_three_filled_shapes_read_solid_and_stay_inside():
    plot = plot_mm(polygons([SQUARE, TRIANGLE, CIRCLE]))
    area = shapely.union_all([shapely.Polygon(s) for s in (SQUARE, TRIANGLE, CIRCLE)])
    inside, outside = coverage(plot, area)
    assert inside >= 0.90 and outside <= 0.02, (inside, outside)


@pytest.mark.parametrize("mode", ["cross", "concentric"])
def test_other_fill_modes_cover_too(mode):
    plot = plot_mm(polygons([SQUARE]), fill=mode)
    inside, outside = coverage(plot, shapely.Polygon(SQUARE))
    assert inside >= 0.90 and outside <= 0.02, (mode, inside, outside)


def test_outline_mode_draws_only_the_inset_outline():
    plot = plot_mm(polygons([SQUARE]), fill="outline")
    assert plot.n_paths == 1
    assert vp.plot_stats(plot).ink_mm == pytest.approx(4 * (30 - PEN), rel=0.01)


HOLE = [(20, 20), (30, 20), (30, 30), (20, 30)]


@pytest.mark.parametrize(("evenodd", "inner", "hole"), [
    (True, HOLE, True),  # even-odd: a nested contour is a hole whatever its direction
    (True, HOLE[::-1], True),
    (False, HOLE[::-1], True),  # nonzero: a hole only when it winds the other way
    (False, HOLE, False),
])
def test_compound_path_fill_rules_and_holes(evenodd, inner, hole):
    plot = plot_mm(polygons([SQUARE, inner], paths=[0, 0], evenodd=evenodd))
    outer, gap = shapely.Polygon(SQUARE), shapely.Polygon(HOLE)
    area = shapely.difference(outer, gap) if hole else outer
    inside, outside = coverage(plot, area)
    assert inside >= 0.90 and outside <= 0.02, (inside, outside)
    in_hole = shapely.intersection(inked(plot), shapely.buffer(gap, -PEN / 2)).area
    assert (in_hole == 0) if hole else (in_hole > 0.9 * shapely.buffer(gap, -PEN / 2).area)


def test_fill_region_matches_the_rules_on_a_self_crossing_star():
    star = [(50 + 40 * math.cos(a), 50 + 40 * math.sin(a))
            for a in np.radians(np.arange(5) * 144 - 90)]
    nonzero = fill_region([np.array(star)], evenodd=False).area
    evenodd = fill_region([np.array(star)], evenodd=True).area
    r = 40 * math.cos(math.radians(72)) / math.cos(math.radians(36))  # the inner pentagon
    pentagon = 2.5 * r * r * math.sin(math.radians(72))
    assert nonzero - evenodd == pytest.approx(pentagon, rel=1e-6)  # a hole for even-odd only


def test_hatch_lines_are_zig_zagged_into_few_pen_downs():
    lines = hatch_lines(shapely.Polygon(SQUARE), 0.45, 45.0)
    assert len(lines) <= 3  # one chain across the square, not ~90 separate lines


def test_wide_stroke_is_drawn_as_passes_over_its_width():
    d = Drawing(torch.tensor([[[10.0, 50.0], [40.0, 50.0], [60.0, 50.0], [90.0, 50.0]]]),
                torch.tensor([4.0]), torch.tensor([[0.0, 0.0, 0.0, 1.0]]), (100.0, 100.0),
                cap=torch.tensor([0]))  # butt caps: the ink is the 80 x 4 mm rectangle
    band = shapely.box(10, 48, 90, 52)
    inside, outside = coverage(plot_mm(d), band)
    assert inside >= 0.90 and outside <= 0.02, (inside, outside)
    thin, _ = coverage(plot_mm(d, fill="none"), band)  # the old look: one pen line
    assert thin < 0.2


def test_opaque_fill_hides_the_lines_under_it():
    line = Drawing(torch.tensor([[[5.0, 25.0], [35.0, 25.0], [65.0, 25.0], [95.0, 25.0]]]),
                   torch.tensor([0.2]), torch.tensor([[0.0, 0.0, 0.0, 1.0]]), (100.0, 100.0))
    white = polygons([SQUARE], fill=(1.0, 1.0, 1.0, 1.0))  # paper-white: drawn by no pen
    both = concat([(line, (0.0, 0.0)), (white.to(torch.float32), (0.0, 0.0))], (100.0, 100.0))
    hidden = plot_mm(both)
    assert vp.plot_stats(hidden).ink_mm == pytest.approx(90 - 30, abs=0.6)
    shown = plot_mm(both, occlusion=False)
    assert vp.plot_stats(shown).ink_mm == pytest.approx(90, abs=0.6)


def test_semi_transparent_colour_goes_to_the_pen_it_looks_like_over_white():
    pens = [Pen("black", (0.0, 0.0, 0.0)), Pen("grey", (0.7, 0.7, 0.7)),
            Pen("red", (0.9, 0.1, 0.1))]
    rgb = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    alpha = np.array([1.0, 0.3, 1.0])
    assert nearest_pen(rgb, pens, alpha).tolist() == [0, 1, 2]


def test_parts_thinner_than_the_pen_are_drawn_not_lost():
    band = [(10, 50), (90, 50), (90, 50.3), (10, 50.3)]  # a 0.3 mm line drawn as a fill
    square_with_neck = [(10, 10), (30, 10), (30, 19.8), (50, 19.8), (50, 10), (70, 10),
                        (70, 30), (50, 30), (50, 20.1), (30, 20.1), (30, 30), (10, 30)]
    plot = plot_mm(polygons([band, square_with_neck]))
    for shape in (band, square_with_neck):
        area = shapely.Polygon(shape)
        assert shapely.intersection(inked(plot), area).area / area.area >= 0.9
    neck = shapely.box(31, 19.8, 49, 20.1)  # 0.3 mm wide: the inset alone would lose it
    assert shapely.intersection(inked(plot), neck).area / neck.area >= 0.9
    ink = inked(plot)
    grown = shapely.buffer(shapely.union_all([shapely.Polygon(band),
                                              shapely.Polygon(square_with_neck)]), PEN / 2)
    assert shapely.difference(ink, grown).area / ink.area <= 0.02


def test_delta_e2000_reproduces_sharmas_test_pairs():
    from vecdream.plot.model import delta_e2000

    pairs = [((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
             ((50, 2.5, 0), (73, 25, -18), 27.1492),
             ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
             ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441)]
    got = delta_e2000(np.array([a for a, _, _ in pairs]), np.array([b for _, b, _ in pairs]))
    assert got == pytest.approx([e for _, _, e in pairs], abs=1e-4)
