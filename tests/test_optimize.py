"""Dreaming with real offline weights (EfficientNet-Lite0): excitation, painting, determinism."""

from __future__ import annotations

import pytest
import torch

from vecdream import Drawing, render
from vecdream.dream.optimize import StepInfo, optimize_strokes
from vecdream.nets import UnknownLayerError, load_net
from vecdream.objectives import channel, content


@pytest.fixture(scope="module")
def net():
    return load_net("efficientnet_lite0")


def _mean_activation(net, drawing: Drawing, layer: str, c: int) -> float:
    with torch.no_grad():
        image = render(drawing, 128, 128)[None]
        return net.features(image, [layer])[layer][:, c].mean().item()


def _photo(size: int = 128) -> torch.Tensor:
    """A synthetic 'photo': colour gradients, a red disk and a dark square."""
    yy, xx = torch.meshgrid(torch.linspace(0, 1, size), torch.linspace(0, 1, size),
                            indexing="ij")
    img = torch.stack([xx, yy, 0.5 + 0.5 * torch.sin(6 * xx)])
    img[:, ((xx - 0.4) ** 2 + (yy - 0.5) ** 2) < 0.06] = torch.tensor([0.9, 0.2, 0.1])[:, None]
    img[:, 20:60, 80:120] = 0.05
    return img


def test_channel_activation_at_least_doubles(net):
    layer, c = "blocks.4", 0
    start = Drawing.random(100, size=(128, 128), seed=0)
    result = optimize_strokes(objective=channel(net, layer, c), drawing=start, size=128,
                              steps=40, views=4, seed=0, device="cpu")
    before = _mean_activation(net, start, layer, c)
    after = _mean_activation(net, result.drawing, layer, c)
    assert before > 0
    assert after >= 2 * before, (before, after)
    assert len(result.history["loss"]) == 40 and result.steps == 40


def test_content_painting_halves_the_loss(net):
    result = optimize_strokes(objective=content(net, "blocks.1", _photo()), n_paths=150,
                              size=128, steps=40, views=1, augment=None, colors="free",
                              width=("free", 1.0, 6.0), lr_colors=0.02, seed=0, device="cpu")
    losses = result.history["loss"]
    assert losses[-1] <= 0.5 * losses[0], (losses[0], losses[-1])
    assert result.drawing.widths.min() >= 1.0 and result.drawing.widths.max() <= 6.0


def test_deterministic_for_a_seed(net):
    def run():
        return optimize_strokes(objective=channel(net, "blocks.3", 5), n_paths=30, size=64,
                                steps=3, views=2, colors="free", seed=7, device="cpu")
    a, b = run(), run()
    assert a.history == b.history
    assert torch.equal(a.drawing.points, b.drawing.points)
    assert torch.equal(a.drawing.stroke, b.drawing.stroke)


def test_global_rng_untouched(net):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    optimize_strokes(objective=channel(net, "blocks.2", 1), n_paths=10, size=64, steps=1,
                     views=2, seed=0, device="cpu")
    assert torch.equal(torch.rand(3), expected)


def test_callback_stops_and_sees_steps(net):
    seen: list[StepInfo] = []

    def callback(info: StepInfo) -> bool:
        seen.append(info)
        return info.step == 2

    result = optimize_strokes(objective=channel(net, "blocks.2", 1), n_paths=10, size=64,
                              steps=10, views=1, seed=0, device="cpu", callback=callback)
    assert [s.step for s in seen] == [1, 2] and result.steps == 2
    assert seen[0].renders.shape == (1, 3, 64, 64)


def test_palette_colours_are_snapped(net):
    palette = [(1.0, 0.0, 0.0), (0.0, 0.0, 1.0)]
    result = optimize_strokes(objective=channel(net, "blocks.2", 1), n_paths=12, size=64,
                              steps=2, views=1, colors=palette, seed=0, device="cpu")
    rgb = result.drawing.stroke[:, :3]
    assert all(tuple(c.tolist()) in palette for c in rgb)


def test_invisible_strokes_are_pruned(net):
    start = Drawing.random(10, size=(64, 64), seed=0)
    start.stroke[:4, 3] = 0.0
    result = optimize_strokes(objective=channel(net, "blocks.2", 1), drawing=start, size=64,
                              steps=1, views=1, seed=0, device="cpu")
    assert len(result.drawing) == 6


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"layer": "efficientnet_lite0:blocks.99"}, UnknownLayerError, "blocks.4"),
    ({"layer": "nonet:conv"}, ValueError, "vgg16"),
    ({"layer": None}, ValueError, "expected a layer"),
    ({"layer": "efficientnet_lite0:blocks.2", "colors": "rainbow"}, ValueError, "palette"),
    ({"layer": "efficientnet_lite0:blocks.2", "width": -1.0}, ValueError, "positive"),
    ({"layer": "efficientnet_lite0:blocks.2", "width": ("free", 3, 1)}, ValueError, "lo, hi"),
    ({"layer": "efficientnet_lite0:blocks.2", "views": 0}, ValueError, "views"),
])
def test_bad_arguments_one_clear_error(kwargs, error, match):
    with pytest.raises(error, match=match):
        optimize_strokes(**kwargs, n_paths=5, size=32, steps=1, device="cpu")


def test_channel_out_of_range(net):
    with pytest.raises(ValueError, match="out of range"):
        optimize_strokes(objective=channel(net, "blocks.2", 10_000), n_paths=5, size=32,
                         steps=1, views=1, device="cpu")
