"""Re-seeding idle brush strokes where the loss's gradient is largest (issue 22, item 3)."""

from __future__ import annotations

import pytest
import torch

from vecdream.objectives import Objective
from vecdream.painter.canvas import brush_layout
from vecdream.painter.model import NeuralPainter
from vecdream.painter.optimize import optimize_brush
from vecdream.painter.reseed import error_map, idle_strokes, reseed_actions

pytestmark = pytest.mark.usefixtures("one_thread")


def test_idle_strokes_are_those_with_the_least_paint():
    strokes = torch.zeros(1, 5, 4, 64, 64)
    for n, area in enumerate((30, 2, 50, 0, 10)):
        strokes[0, n, 3, :area] = 1.0
    assert idle_strokes(strokes, 0.4).tolist() == [3, 1]
    assert idle_strokes(strokes, 0.0).numel() == 0


def test_an_idle_stroke_moves_to_the_worst_spot_of_its_own_cell():
    layout = brush_layout((128, 64), cell=64, grids=1, strokes=1)  # two cells side by side
    error = torch.zeros(64, 128)
    error[40, 20] = 5.0   # worst spot of the left cell
    error[10, 100] = 9.0  # of the right cell
    actions = torch.full((1, 2, 12), 0.5)
    moved = reseed_actions(actions, torch.tensor([0]), layout, error_map(
        error[None, None].expand(1, 3, -1, -1), blur=1.0), torch.Generator().manual_seed(0))
    centre = moved[0, 0, 8:10] * 64
    assert torch.allclose(centre, torch.tensor([20.5, 40.5]), atol=1.0)
    assert torch.allclose((moved[0, 0, 6:8] + moved[0, 0, 10:12]) / 2, moved[0, 0, 8:10])
    assert torch.equal(moved[0, 1], actions[0, 1])  # not idle: unchanged
    assert torch.equal(actions, torch.full((1, 2, 12), 0.5))  # the input is not modified


def test_optimize_brush_moves_idle_strokes_onto_what_is_left_to_paint():
    target = torch.ones(3, 64, 64)
    target[:, 40:56, 40:56] = 0.0  # a black square the random strokes do not cover
    pixels = Objective(lambda ctx: (ctx.renders - target).pow(2).mean() * 100, "pixels")
    gen = torch.Generator().manual_seed(0)
    actions = torch.rand(1, 4, 12, generator=gen)
    actions[..., 6:12] = torch.tensor([0.1, 0.1, 0.15, 0.15, 0.2, 0.2])  # far corner
    actions[0, 0, 2] = 0.0  # the thinnest stroke: the idle one
    from vecdream.painter.canvas import BrushCanvas

    runs = {}
    for reseed in ((), (0.5,)):
        canvas = BrushCanvas(NeuralPainter(), 64, grids=1, actions=actions)
        r = optimize_brush(pixels, canvas=canvas, steps=2, views=1, augment=None, seed=0,
                           device="cpu", lr=1e-4, reseed=reseed, reseed_share=0.25)
        runs[reseed] = r.actions
    mid = runs[(0.5,)][0, 0, 8:10] * 64
    assert 32 <= mid[0] <= 64 and 32 <= mid[1] <= 64  # moved toward the square
    assert (runs[()][0, 0, 8:10] * 64 < 16).all()  # without re-seeding it stays put
    with pytest.raises(ValueError, match="batch"):
        optimize_brush(pixels, size=64, steps=2, batch=2, reseed=(0.5,), device="cpu")
