"""Stroke hygiene: the options object, the fold and overdraw penalties, relative widths
and the minimum stroke length."""

from __future__ import annotations

import pytest
import torch

from vecdream import Drawing, optimize_strokes, render
from vecdream.dream.hygiene import Hygiene
from vecdream.dream.pen import resolve_width
from vecdream.dream.styles import DREAM, STYLES, style_hygiene
from vecdream.objectives import DreamContext, Objective
from vecdream.objectives.geometry import contour_lengths, folds, overdraw, xing


def _strokes(points: list[list[tuple[float, float]]], size: float = 64.0,
             width: float = 2.0) -> Drawing:
    pts = torch.tensor(points, dtype=torch.float32)
    return Drawing(pts, torch.full((len(pts),), width),
                   torch.tensor([[0.0, 0.0, 0.0, 1.0]] * len(pts)), size=(size, size))


def _ctx(d: Drawing) -> DreamContext:
    r = render(d, int(d.size[0]), int(d.size[1]))[None]
    return DreamContext(r, r, [d])


def test_folds_score_an_s_bend_and_not_a_c():
    c_shape = [(10, 10), (20, 30), (40, 30), (50, 10)]
    s_shape = [(10, 10), (20, 30), (40, -10), (50, 10)]
    fold, used = folds(_strokes([c_shape, s_shape]))
    assert used.all()
    assert float(fold[0, 0]) == 0 and float(fold[1, 0]) > 0.3
    d = _strokes([s_shape])
    d.points.requires_grad_(True)
    xing()(_ctx(d)).backward()
    assert d.points.grad.abs().sum() > 0  # the penalty can straighten it


def test_overdraw_scores_parallel_touching_strokes_not_one_stroke():
    one = _strokes([[(8, 32), (24, 32), (40, 32), (56, 32)]])
    two = _strokes([[(8, 32), (24, 32), (40, 32), (56, 32)],
                    [(8, 34), (24, 34), (40, 34), (56, 34)]])
    apart = _strokes([[(8, 16), (24, 16), (40, 16), (56, 16)],
                      [(8, 48), (24, 48), (40, 48), (56, 48)]])
    score = {name: float(overdraw()(_ctx(d))) for name, d in
             [("one", one), ("two", two), ("apart", apart)]}
    assert score["one"] < 1e-3 and score["apart"] < 1e-3
    assert score["two"] > 10 * max(score["one"], 1e-5)


def test_hygiene_checks_its_fields_and_names_them():
    with pytest.raises(ValueError, match="xing"):
        Hygiene(xing=-1.0)
    with pytest.raises(ValueError, match="init"):
        Hygiene(init="spiral")
    with pytest.raises(ValueError, match="min_length"):
        Hygiene(min_length=2.0)
    with pytest.raises(ValueError, match="anneal"):
        Hygiene(anneal=(0.5, 0.0))
    assert Hygiene().regularizer() is None
    assert isinstance(DREAM.regularizer(), Objective)
    assert style_hygiene("clean") is DREAM and style_hygiene(DREAM) is DREAM
    with pytest.raises(ValueError, match="clean"):
        style_hygiene("fancy")


def test_width_in_percent_of_the_canvas_side():
    assert resolve_width("0.9%", (224, 224)) == pytest.approx(2.016)
    assert resolve_width("1%", (1000, 3000)) == pytest.approx(20.0)
    assert resolve_width(1.5, (10, 10)) == 1.5
    with pytest.raises(ValueError, match="width"):
        resolve_width("wide", (10, 10))
    assert STYLES["clean"]["width"] == "0.9%"


def test_min_length_drops_short_strokes_and_anneal_needs_one_factor_per_milestone():
    dark = Objective(lambda ctx: ctx.renders.mean(), "darkness")
    kw = {"objective": dark, "n_paths": 30, "size": 48, "steps": 3, "views": 1,
          "augment": None, "seed": 0, "device": "cpu"}
    plain = optimize_strokes(**kw).drawing
    floor = 0.35 * 48
    assert bool((contour_lengths(plain) < floor).any())  # some arcs are short
    kept = optimize_strokes(**kw, hygiene=Hygiene(min_length=0.35)).drawing
    assert 0 < len(kept) < len(plain)
    assert bool((contour_lengths(kept) >= floor).all())
    with pytest.raises(ValueError, match="anneal"):
        optimize_strokes(**kw, hygiene=Hygiene(anneal=(0.5,)))


def test_linework_script_measures_folds_overlap_and_length(tmp_path):
    """benchmarks/linework.py, the issue's acceptance measure, on a hand-made drawing:
    an S (one fold) crossing a C, and a long straight stroke on top of the C's chord."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "linework.py"
    spec = importlib.util.spec_from_file_location("linework", path)
    linework = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(linework)
    d = _strokes([[(10, 10), (20, 40), (40, -20), (50, 30)],
                  [(5, 30), (20, 50), (40, 50), (60, 30)],
                  [(5, 30), (25, 30), (40, 30), (60, 30)]], size=64, width=2)
    svg = tmp_path / "three.svg"
    d.save_svg(svg)
    m = linework.linework(Drawing.from_svg(svg))
    assert m["fold"] == pytest.approx(1 / 3)
    assert m["crossings"] == 0 and m["strokes"] == 3
    assert 1.02 < m["overdraw"] < 1.5 and m["knots"] == 0
    assert m["width"] == pytest.approx(2 / 64)
    assert 0.5 < m["min_len"] < 1.2
