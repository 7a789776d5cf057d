"""Closed-form stroke colours: each stroke takes the target's colour under it."""

from __future__ import annotations

import pytest
import torch

from vecdream.dream.photo import paint_pixels
from vecdream.painter.canvas import BrushCanvas, brush_layout, target_colours
from vecdream.painter.model import load_painter
from vecdream.painter.optimize import optimize_brush

RED, BLUE = torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 0.0, 1.0])


def _halves() -> torch.Tensor:
    """A 64 x 64 target: red left half, blue right half."""
    target = torch.empty(3, 64, 64)
    target[:, :, :32] = RED[:, None, None]
    target[:, :, 32:] = BLUE[:, None, None]
    return target


def _strokes(columns: int) -> torch.Tensor:
    """One stroke ``(1, 1, 4, 64, 64)`` whose paint covers the first ``columns`` columns."""
    s = torch.zeros(1, 1, 4, 64, 64)
    s[:, :, 3, :, :columns] = 1
    return s


def test_the_alpha_weighted_mean_of_the_target_under_the_stroke():
    layout = brush_layout(64, cell=64, grids=1, strokes=1)
    keep = torch.full((1, 1, 3), 0.5)
    assert torch.allclose(target_colours(_strokes(16), layout, _halves(), keep), RED)
    both = target_colours(_strokes(48), layout, _halves(), keep)
    assert torch.allclose(both, (2 * RED + BLUE) / 3, atol=1e-6)
    assert torch.equal(target_colours(_strokes(0), layout, _halves(), keep), keep)


def test_paint_off_the_canvas_does_not_count():
    layout = brush_layout(64, cell=64, grids=2, strokes=1)
    corner = layout.origins.tolist().index([-32.0, -32.0])  # a cell a quarter on the canvas
    strokes = torch.zeros(1, layout.n_strokes, 4, 64, 64)
    strokes[:, corner, 3, :, :48] = 1  # mostly off the canvas, 16 columns on its red half
    keep = torch.full((1, layout.n_strokes, 3), 0.5)
    colours = target_colours(strokes, layout, _halves(), keep)
    assert torch.allclose(colours[0, corner], RED)


def test_optimize_brush_colours_every_stroke_from_the_target():
    target = torch.empty(3, 48, 48)
    target[:] = torch.tensor([0.9, 0.6, 0.1])[:, None, None]
    canvas = BrushCanvas(load_painter(), 48, cell=48, strokes=2,
                         generator=torch.Generator().manual_seed(0))
    start = canvas.actions[0, :, 3:6].clone()
    result = optimize_brush(paint_pixels(target, 1.0), canvas=canvas, steps=3, views=1,
                            seed=0, device="cpu", colour_target=target)
    colours = result.actions[0, :, 3:6]
    # Every stroke with paint on the canvas took the target's colour; the others (paint
    # only beyond the edge) kept theirs: the loss did not move colours.
    taken = (colours - target[:, 0, 0]).abs().amax(1) < 1e-4
    assert taken.sum() >= len(colours) // 2
    assert torch.equal(colours[~taken], start[~taken])


def test_a_target_of_another_size_is_a_one_line_error():
    with pytest.raises(ValueError, match="colour_target"):
        optimize_brush(paint_pixels(torch.ones(3, 32, 32), 1.0), 48, cell=48, steps=1,
                       device="cpu", colour_target=torch.ones(3, 32, 32))
