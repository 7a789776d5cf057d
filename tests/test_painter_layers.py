"""Coarse-to-fine brush painting: layers of halving cells, each over the last."""

from __future__ import annotations

import json

import pytest
import torch

from vecdream.drawing import Drawing
from vecdream.objectives import pixels
from vecdream.painter import mypaint
from vecdream.painter.brush_export import save_brush
from vecdream.painter.model import load_painter
from vecdream.painter.optimize import BrushStepInfo, coarse_to_fine

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def target() -> torch.Tensor:
    img = torch.ones(3, 32, 48)
    img[:, 8:24, 8:40] = torch.tensor([0.9, 0.6, 0.1])[:, None, None]
    img[:, 12:20, 20:28] = torch.tensor([0.2, 0.1, 0.5])[:, None, None]
    return img


@pytest.fixture(scope="module")
def painted(target):
    seen: list[BrushStepInfo] = []
    layers = coarse_to_fine(pixels(target), (48, 32), layers=2, cell=32, painter=load_painter(),
                            init_image=target, steps=12, views=1, augment=None, seed=0,
                            device="cpu", callback=seen.append)
    return layers, seen


def test_each_layer_has_half_the_cell_and_paints_over_the_last(painted):
    layers, seen = painted
    assert [r.canvas.layout.cell for r in layers] == [32, 16]
    assert [r.steps for r in layers] == [6, 6]
    torch.testing.assert_close(layers[1].canvas.background, layers[0].image[0])
    assert [i.step for i in seen] == list(range(1, 13)) and {i.steps for i in seen} == {12}
    fine = layers[1].history["loss"]
    assert fine[-1] < fine[0]  # the detail layer improves on what it starts from


def test_a_stop_in_the_first_layer_ends_the_painting(target):
    layers = coarse_to_fine(pixels(target), (48, 32), layers=2, cell=32, painter=load_painter(),
                            steps=10, views=1, augment=None, seed=0, device="cpu",
                            callback=lambda info: info.step >= 2)
    assert len(layers) == 1 and layers[0].steps == 2


@pytest.mark.parametrize("kwargs, message", [
    ({"layers": 0}, "layers >= 1"), ({"layers": 4, "cell": 16}, "4 px"),
    ({"layers": 2, "batch": 2}, "batch=1")])
def test_bad_layers_are_refused(target, kwargs, message):
    with pytest.raises(ValueError, match=message):
        coarse_to_fine(pixels(target), (48, 32), steps=1, painter=load_painter(),
                       device="cpu", **kwargs)


def test_layers_are_saved_in_order_each_stroke_with_its_cell(painted, tmp_path, monkeypatch):
    monkeypatch.setattr(mypaint, "mypaint_available", lambda: False)
    layers, _ = painted
    files = save_brush([r.canvas for r in layers], tmp_path / "p.svg",
                       image=layers[-1].image[0])
    doc = json.loads(files.json.read_text())
    counts = [r.canvas.layout.n_strokes for r in layers]
    assert [(x["cell_px"], x["count"]) for x in doc["layers"]] == list(zip([32, 16], counts,
                                                                          strict=True))
    cells = [a["cell"][2] for a in doc["actions"]]
    assert cells == [32.0] * counts[0] + [16.0] * counts[1]
    last = doc["actions"][-1]  # absolute points use the stroke's own cell
    ox, oy = layers[1].canvas.origins[-1].tolist()
    assert last["points"][2] == pytest.approx([ox + last["x2"] * 16, oy + last["y2"] * 16],
                                              abs=1e-3)
    assert len(Drawing.from_svg(files.svg)) == sum(counts)


@pytest.mark.mypaint
def test_layered_strokes_replay_through_libmypaint(painted, tmp_path):
    layers, _ = painted
    files = save_brush([r.canvas for r in layers], tmp_path / "p.png",
                       image=layers[-1].image[0])
    assert files.replay is not None and 10 < files.psnr < 60
