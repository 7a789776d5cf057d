"""Nothing to draw: empty drawings render the background, invisible ones keep the graph.

An empty drawing (an empty or text-only SVG, ``Drawing.random(0)`` read back) must
render as its background, alone, in batches, in a region and supersampled. When every
path is off the canvas or transparent the image must still depend on the drawing's
tensors, so ``loss.backward()`` gives zero gradients instead of raising, and the
optimizers survive steps in which nothing is visible.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from vecdream import Drawing, optimize_strokes, render, upscale
from vecdream.nets import from_module
from vecdream.objectives import channel, ink_length, width_l1
from vecdream.render.reference import render_reference

SVG_NS = "http://www.w3.org/2000/svg"
BACKGROUND = (0.25, 0.5, 0.75)


pytestmark = pytest.mark.usefixtures("one_thread")


def _read_back(tmp_path) -> Drawing:
    path = tmp_path / "empty.svg"
    Drawing.random(0, size=(12, 10), seed=0).save_svg(path)
    return Drawing.from_svg(path)


EMPTY = {
    "empty svg": lambda tmp_path: Drawing.from_svg(
        f'<svg xmlns="{SVG_NS}" width="12" height="10"/>'),
    "text-only svg": lambda tmp_path: Drawing.from_svg(
        f'<svg xmlns="{SVG_NS}" width="12" height="10"><text x="1" y="5">hi</text></svg>'),
    "random(0)": lambda tmp_path: Drawing.random(0, size=(12, 10), seed=0),
    "random(0) saved and read": _read_back,
}


def _background(h: int, w: int, rgb=BACKGROUND) -> torch.Tensor:
    return torch.tensor(rgb)[:, None, None].expand(3, h, w)


@pytest.mark.parametrize("make", EMPTY.values(), ids=EMPTY.keys())
def test_empty_drawing_renders_the_background(make, tmp_path):
    d = make(tmp_path)
    assert len(d) == 0 and d.size == (12.0, 10.0)
    assert torch.equal(render(d, background=BACKGROUND), _background(10, 12))
    assert torch.allclose(render(d, 24, background=BACKGROUND, samples=2), _background(20, 24))
    region = render(d, 8, background=BACKGROUND, region=(2.0, 2.0, 4.0, 4.0))
    assert torch.equal(region, _background(8, 8))
    assert torch.equal(render_reference(d, background=BACKGROUND), _background(10, 12))


def test_empty_drawings_in_batches(tmp_path):
    empty = EMPTY["empty svg"](tmp_path)
    full = Drawing.random(5, size=(12, 10), seed=0, width=2.0)
    bg = torch.tensor([BACKGROUND, (1.0, 1.0, 1.0)])
    both_empty = render([empty, _read_back(tmp_path)], background=bg, samples=2)
    assert torch.allclose(both_empty[0], _background(10, 12))
    assert torch.allclose(both_empty[1], _background(10, 12, (1.0, 1.0, 1.0)))
    mixed = render([empty, full, empty], background=BACKGROUND, region=(0.0, 0.0, 12.0, 10.0))
    assert torch.equal(mixed[0], _background(10, 12)) and torch.equal(mixed[2], mixed[0])
    assert torch.allclose(mixed[1], render(full, background=BACKGROUND))
    assert not torch.equal(mixed[1], mixed[0])  # the full drawing did draw


@pytest.mark.parametrize("make", EMPTY.values(), ids=EMPTY.keys())
def test_empty_drawing_svg_round_trip(make, tmp_path):
    d = make(tmp_path)
    text = d.to_svg()
    assert "<path" not in text and 'viewBox="0 0 12 10"' in text
    path = tmp_path / "again.svg"
    d.save_svg(path)
    again = Drawing.from_svg(path)
    assert len(again) == 0 and again.size == d.size
    assert again.to_svg() == text


def _invisible(kind: str) -> Drawing:
    d = Drawing.random(4, size=(16, 16), seed=1, colors=True, width=2.0)
    d.fill = torch.zeros(4, 4)
    if kind == "off-canvas":
        d.points = d.points + 100.0
        d.fill[:, 3] = 1.0  # filled too: fills far away must not reach the canvas either
    elif kind == "transparent":
        d.stroke[:, 3] = 0.0
    else:  # an empty drawing read from SVG: points (0, 1, 2), not a single segment
        d = Drawing.from_svg(f'<svg xmlns="{SVG_NS}" width="16" height="16"/>')
    return d.requires_grad_()


INVISIBLE = ["off-canvas", "transparent", "empty"]


@pytest.mark.parametrize("kind", INVISIBLE)
@pytest.mark.parametrize("renderer", [render, render_reference], ids=["render", "reference"])
def test_invisible_drawing_keeps_the_graph(kind, renderer):
    d = _invisible(kind)
    image = renderer(d, background=BACKGROUND)
    assert torch.allclose(image, _background(16, 16))
    assert image.requires_grad
    image.clamp_(0, 1)  # a user may edit the image in place
    (image * torch.rand_like(image)).sum().backward()
    for name, t in d.named_parameters().items():
        assert t.grad is not None and torch.equal(t.grad, torch.zeros_like(t)), name


def test_invisible_drawing_in_a_visible_batch_gets_zero_gradients():
    visible = Drawing.random(4, size=(16, 16), seed=0, width=2.0).requires_grad_()
    hidden = _invisible("off-canvas")
    render([visible, hidden]).sum().backward()
    assert visible.points.grad.abs().sum() > 0
    assert torch.equal(hidden.points.grad, torch.zeros_like(hidden.points))


def test_no_graph_when_nothing_requires_grad():
    d = _invisible("transparent").detach()
    assert not render(d).requires_grad
    with torch.no_grad():
        assert not render(_invisible("off-canvas")).requires_grad


@pytest.fixture(scope="module")
def tiny_objective():
    torch.manual_seed(0)
    net = from_module(nn.Sequential(nn.Conv2d(3, 4, 3, stride=2)), name="tiny")
    return channel(net, "0", 0)


@pytest.mark.parametrize("kind", INVISIBLE)
def test_optimizers_survive_steps_with_nothing_visible(kind, tiny_objective):
    start = _invisible(kind).detach()
    # Regularizers too: they see drawings with no strokes (mean of nothing, no segment).
    objective = tiny_objective + 0.01 * ink_length() + 0.01 * width_l1()
    kw = dict(objective=objective, steps=3, views=1, seed=0, device="cpu")
    result = optimize_strokes(drawing=start, size=16, colors="free", **kw)
    assert result.steps == 3 and len(result.history["loss"]) == 3
    assert all(torch.isfinite(torch.tensor(result.history["loss"])))
    assert torch.isfinite(result.drawing.points).all()
    big = upscale(start, 2, 32, view_size=16, **kw)
    assert big.steps == 3 and len(big.history["loss"]) == 3
    assert big.drawing.size == (32.0, 32.0)
    assert torch.isfinite(big.drawing.points).all()


def test_a_bad_device_is_a_value_error(tiny_objective):
    with pytest.raises(ValueError, match="device: expected 'auto', 'cpu'.*got 'banana'"):
        optimize_strokes(objective=tiny_objective, size=16, steps=1, device="banana")
