"""Renderer: shapes, errors, gradients (vs finite differences), degenerate input."""

from __future__ import annotations

import pytest
import torch

from vecdream import Drawing, render
from vecdream.render.grad import PointSegmentDistance


def _filled_drawing(dtype=torch.float64) -> Drawing:
    d = Drawing.random(6, size=(40, 30), segments=3, radius=0.4, colors=True, width=2.5, seed=4)
    d = d.to(dtype=dtype)
    d.fill = torch.rand(6, 4, generator=torch.Generator().manual_seed(1), dtype=dtype)
    d.closed[:] = True
    d.evenodd[::2] = True
    return d


def test_shapes_and_range():
    d = Drawing.random(20, size=(64, 48), seed=0, colors=True)
    img = render(d)
    assert img.shape == (3, 48, 64)
    assert img.min() >= 0 and img.max() <= 1
    assert render(d, width=32).shape == (3, 24, 32)
    assert render(d, height=96).shape == (3, 96, 128)
    assert render([d, d], 16, 16).shape == (2, 3, 16, 16)


def test_empty_drawing_is_background():
    d = Drawing.random(0, size=(10, 10), seed=0)
    img = render(d, background=(0.2, 0.4, 0.6))
    assert torch.allclose(img, torch.tensor([0.2, 0.4, 0.6])[:, None, None].expand(3, 10, 10))


def test_black_line_is_drawn_where_expected():
    points = torch.tensor([[[2.0, 5.0], [4.0, 5.0], [6.0, 5.0], [8.0, 5.0]]])
    d = Drawing(points, torch.tensor([2.0]), torch.tensor([[0.0, 0, 0, 1]]), (10, 10))
    img = render(d)[0]
    assert img[5, 5] < 0.01 and img[4, 5] < 0.01  # rows 4 and 5 lie inside y in [4, 6]
    assert img[2, 5] > 0.99 and img[8, 5] > 0.99
    assert img[5, 0] > 0.99  # round cap reaches x = 1 only


def test_bad_input_errors():
    d = Drawing.random(3, size=(10, 10), seed=0)
    with pytest.raises(ValueError, match="expected at least one"):
        render([])
    with pytest.raises(ValueError, match="positive pixel size"):
        render(d, width=0, height=5)
    bad = d.clone()
    bad.points[0, 0, 0] = float("nan")
    with pytest.raises(ValueError, match="non-finite"):
        render(bad)
    with pytest.raises(ValueError, match="background"):
        render(d, background=(1, 1))
    with pytest.raises(ValueError, match=r"expected shape \(C, 3S\+1, 2\)"):
        Drawing(torch.zeros(2, 5, 2), torch.ones(2), torch.ones(2, 4), (1, 1))


def test_batch_equals_single_renders():
    d1 = Drawing.random(30, size=(50, 40), seed=1, colors=True, width=3)
    d2 = _filled_drawing(torch.float32).scaled((50 / 40, 40 / 30))
    both = render([d1, d2], background=torch.tensor([[1.0, 1, 1], [0, 0, 0]]))
    assert torch.allclose(both[0], render(d1), atol=1e-6)
    assert torch.allclose(both[1], render(d2, background=(0, 0, 0)), atol=1e-6)


def test_tile_size_does_not_change_the_image():
    d = _filled_drawing(torch.float64)
    assert torch.allclose(render(d, tile=4), render(d, tile=16), atol=1e-9)


def test_point_segment_distance_gradcheck():
    g = torch.Generator().manual_seed(0)
    a = torch.rand(5, 2, dtype=torch.float64, generator=g, requires_grad=True)
    b = torch.rand(5, 2, dtype=torch.float64, generator=g, requires_grad=True)
    px = torch.rand(5, 7, dtype=torch.float64, generator=g) * 2 - 0.5
    py = torch.rand(5, 7, dtype=torch.float64, generator=g) * 2 - 0.5
    assert torch.autograd.gradcheck(PointSegmentDistance.apply, (a, b, px, py))


@pytest.mark.parametrize("name", ["points", "widths", "stroke", "fill"])
def test_gradient_matches_central_differences(name):
    """Directional derivative of a weighted image sum: autograd vs central differences.

    Tolerance: 2% relative (the box-filter coverage has kinks; a step of 1e-5 rarely
    crosses one, so the match is usually far closer).
    """
    d = _filled_drawing(torch.float64)
    weights = torch.rand(3, 30, 40, generator=torch.Generator().manual_seed(2),
                         dtype=torch.float64)

    def loss(drawing: Drawing) -> torch.Tensor:
        return (render(drawing) * weights).sum()

    param = d.named_parameters()[name].requires_grad_()
    (grad,) = torch.autograd.grad(loss(d), param)
    direction = torch.randn(param.shape, generator=torch.Generator().manual_seed(3),
                            dtype=torch.float64)
    eps = 1e-5
    values = []
    for sign in (1, -1):
        shifted = d.detach().clone()
        setattr(shifted, name, param.detach() + sign * eps * direction)
        values.append(loss(shifted))
    numeric = (values[0] - values[1]) / (2 * eps)
    analytic = (grad * direction).sum()
    assert analytic.abs() > 1e-3  # the test must be able to fail
    assert torch.isclose(analytic, numeric, rtol=2e-2), (analytic.item(), numeric.item())


def test_gradients_finite_for_degenerate_input():
    # Coincident control points, a zero-length segment, zero width, a point on a pixel
    # centre: every gradient must be finite.
    points = torch.tensor([
        [[5.5, 5.5]] * 4,
        [[1.0, 1.0], [1.0, 1.0], [8.0, 8.0], [8.0, 8.0]],
        [[2.0, 7.0], [3.0, 7.0], [3.0, 7.0], [2.0, 7.0]],
    ], requires_grad=True)
    widths = torch.tensor([3.0, 0.0, 1.0], requires_grad=True)
    stroke = torch.tensor([[0.0, 0, 0, 1], [1, 0, 0, 1], [0, 0, 1, 0.5]], requires_grad=True)
    fill = torch.tensor([[0.0, 0, 0, 0], [0, 0, 0, 0], [0, 1, 0, 1]], requires_grad=True)
    d = Drawing(points, widths, stroke, (10, 10), fill=fill, closed=torch.tensor([0, 0, 1]))
    render(d).sum().backward()
    for t in (points, widths, stroke, fill):
        assert torch.isfinite(t.grad).all()
    assert widths.grad[1] != 0  # a zero-width stroke can still learn to grow


def test_supersampling_close_to_analytic():
    d = Drawing.random(40, size=(64, 64), seed=5, colors=True, width=1.5)
    diff = (render(d) - render(d, samples=3)).abs().mean()
    assert diff < 0.01


def test_float32_and_float64_agree():
    d = _filled_drawing(torch.float64)
    assert torch.allclose(render(d).float(), render(d.to(dtype=torch.float32)), atol=1e-4)


def test_region_renders_a_window_of_the_canvas():
    d = Drawing.random(60, size=(64, 48), seed=6, colors=True, width=2)
    full = render(d, 128, 96)
    window = render(d, 40, 30, region=(10.0, 8.0, 20.0, 15.0))
    assert torch.allclose(window, full[:, 16:46, 20:60], atol=1e-5)
    with pytest.raises(ValueError, match="region"):
        render(d, region=(0, 0, 0, 10))


@pytest.mark.parametrize("width", [2.0, 20.0, 64.0, 66.0, 150.0])
def test_wide_strokes_are_finite_and_opaque(width: float):
    # Float rounding once made the coverage of wide strokes exceed 1 (NaN pixels).
    points = torch.tensor([[[0.0, 100], [80, 100], [120, 100], [200, 100]]])
    d = Drawing(points, torch.tensor([width]), torch.tensor([[0.0, 0, 0, 1]]), (200, 200))
    img = render(d)
    assert torch.isfinite(img).all()
    assert img[:, 100, 100].max() < 1e-5
