"""The adversarial painter (issue 22, item 2): noise inputs, the texture statistic, the
engine's second sample (the real-vs-real ceiling), phased training with resume, the CLI."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from torch.nn import functional as F

from vecdream.cli import main
from vecdream.painter.actions import random_actions
from vecdream.painter.model import NOISE_KNOTS, PAINTERS, NeuralPainter, load_painter
from vecdream.painter.strokes_data import StrokeDataset, held_out_actions, render_targets
from vecdream.painter.texture import radial_log_power, spectral_distance
from vecdream.painter.train import fidelity
from vecdream.painter.train_gan import (
    GanConfig,
    GeometryCritic,
    add_noise_inputs,
    train_gan_painter,
)

torch.set_num_threads(1)


def test_noise_inputs_start_from_the_same_strokes_and_then_vary_them():
    actions = random_actions(4, torch.Generator().manual_seed(1))
    base = load_painter(brush="classic/pen")  # an L1 painter, no noise inputs
    grown = add_noise_inputs(base, 2)
    assert grown.config["noise"] == 2 and all(p.requires_grad for p in grown.parameters())
    with torch.no_grad():
        assert torch.equal(grown(actions), base(actions))  # zero weights on the noise
        grown.inp.weight[:, -2:] = 2.0
        one = grown.sample_noise(4, torch.Generator().manual_seed(0))
        assert one.shape == (4, 2, NOISE_KNOTS)
        assert torch.equal(grown(actions, one), grown(actions, one))
        assert (grown(actions, one) - grown(actions, -one)).abs().max() > 0.05
    with pytest.raises(ValueError, match="noise of shape"):
        grown(actions, torch.zeros(4, 2, 64, 64))
    with pytest.raises(ValueError, match="already has 2 noise"):
        add_noise_inputs(grown, 1)


def test_noise_maps_follow_the_stroke_and_flip_across_it():
    painter = NeuralPainter(noise=2)
    line = torch.tensor([[1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.1, 0.5, 0.5, 0.5, 0.9, 0.5]])
    _, _, along = painter._geometry(line)
    signal = torch.linspace(-1, 1, NOISE_KNOTS)[None, None].expand(1, 2, -1)
    maps = painter._noise_maps(signal, *along)
    # along a horizontal stroke the signal rises left to right; the odd map changes
    # sign between the rows above and below the centre line
    assert maps[0, 0, 20, 10] < maps[0, 0, 20, 50]
    assert torch.allclose(maps[0, 1, 28, 10:50], -maps[0, 1, 35, 10:50])


def test_spectral_distance_punishes_blur_and_not_shifts():
    gen = torch.Generator().manual_seed(0)
    grain = (torch.rand(3, 1, 64, 64, generator=gen) > 0.5).float()
    strokes = torch.cat([torch.ones(3, 3, 64, 64), grain], 1)
    blurred = torch.cat([strokes[:, :3], F.avg_pool2d(grain, 5, 1, 2)], 1)
    shifted = strokes.roll(7, dims=3)
    assert spectral_distance(strokes, strokes)["spectral"] == 0
    assert spectral_distance(shifted, strokes)["spectral"] < 1e-4  # power ignores position
    blur = spectral_distance(blurred, strokes)
    assert blur["spectral"] > 0.3 and blur["high_band"] < -0.5
    assert radial_log_power(grain[:, 0], bins=8).shape == (3, 8)
    with pytest.raises(ValueError):
        spectral_distance(strokes, strokes[:2])


def _fake_cache(folder, n=12):
    """A stroke cache in the engine's format, painted by the untrained painter (so no
    libmypaint is needed), with grain added as the 'real' texture."""
    folder.mkdir()
    actions = random_actions(n, torch.Generator().manual_seed(3))
    with torch.no_grad():
        rgba = NeuralPainter()(actions)
    rgba[:, 3] *= 0.7 + 0.3 * torch.rand(n, 64, 64, generator=torch.Generator().manual_seed(4))
    buf = io.BytesIO()
    np.savez_compressed(buf, actions=actions.numpy(),
                        rgba=(rgba * 255).round().to(torch.uint8).numpy())
    (folder / "chunk_00000.npz").write_bytes(buf.getvalue())
    (folder / "meta.json").write_text(json.dumps({"format": "vecdream-strokes", "version": 1,
                                                  "brush": "tanda/marker-01", "seed": 0,
                                                  "chunk": n}))
    return StrokeDataset(folder), (actions[:4], rgba[:4])


def test_phases_checkpoint_resume_and_a_loadable_painter(tmp_path):
    data, val = _fake_cache(tmp_path / "strokes")
    init = load_painter(brush="tanda/marker-01")
    before = {k: v.clone() for k, v in init.state_dict().items()}
    cfg = GanConfig(critic_steps=2, steps=2, batch=4, eval_every=2, ckpt_every=2)
    seen = []
    train_gan_painter(data, tmp_path / "run", init, cfg, val=val,
                      callback=lambda step, logs: seen.append(logs))
    assert [s["phase"] for s in seen] == ["critic"] * 2 + ["adversarial"] * 2
    assert "adv_weight" in seen[-1] and {"iou", "spectral", "high_band"} <= set(seen[-1])
    assert all(torch.equal(before[k], v) for k, v in init.state_dict().items())
    ckpt = torch.load(tmp_path / "run" / "checkpoint.pt", weights_only=True)
    assert ckpt["step"] == 4
    train_gan_painter(data, tmp_path / "run", init, GanConfig(critic_steps=2, steps=3),
                      resume=True)
    ckpt = torch.load(tmp_path / "run" / "checkpoint.pt", weights_only=True)
    assert ckpt["step"] == 5 and [h["step"] for h in ckpt["history"]] == [1, 2, 3, 4, 5]
    painter = load_painter(tmp_path / "run" / "gan_painter.pt")
    assert painter.noise == 2
    assert painter(val[0]).shape == (4, 4, 64, 64)


def test_the_shipped_marker_painter_is_the_adversarial_one():
    painter = load_painter(brush="tanda/marker-01")
    ckpt = torch.load(PAINTERS["tanda/marker-01"], weights_only=True)
    assert painter.noise == 2 and ckpt["training"] == "adversarial"
    actions = held_out_actions(8)
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        one = painter(actions, painter.sample_noise(8, gen))
        two = painter(actions, painter.sample_noise(8, gen))
    assert 0 < (one - two).abs().max() and fidelity(one, two)["iou"] > 0.85


def test_critic_scores_patches_from_stroke_and_geometry():
    painter = NeuralPainter()
    actions = random_actions(2, torch.Generator().manual_seed(0))
    geometry = painter._geometry(actions)[0]
    assert GeometryCritic()(painter(actions), geometry).shape == (2, 16, 16)


@pytest.mark.mypaint
def test_a_second_engine_sample_differs_only_for_random_brushes():
    actions = held_out_actions(6)
    assert torch.equal(render_targets(actions, "tanda/marker-01", 5),
                       render_targets(actions, "tanda/marker-01", 5))
    first = render_targets(actions, "tanda/marker-01")
    second = render_targets(actions, "tanda/marker-01", 17)
    assert 0 < (first - second).abs().mean() and spectral_distance(second, first)["spectral"] < 0.2
    pen = render_targets(actions, "classic/pen")
    assert fidelity(render_targets(actions, "classic/pen", 17), pen)["iou"] > 0.99
    assert fidelity(second, first)["iou"] < 0.99


def test_cli_without_the_engine_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("VECDREAM_LIBMYPAINT", "libmypaint-does-not-exist.so.0")
    result = CliRunner().invoke(main, ["painter", "train-gan", "--data", str(tmp_path / "d"),
                                       "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "apt-get install libmypaint-1.5-1" in result.output


def test_a_canvas_keeps_each_strokes_grain_from_step_to_step():
    from vecdream.painter.canvas import BrushCanvas

    painter = add_noise_inputs(NeuralPainter(), 2)
    with torch.no_grad():
        painter.inp.weight[:, -2:] = 3.0
    canvas = BrushCanvas(painter, 64, cell=32, generator=torch.Generator().manual_seed(0))
    assert canvas.noise.shape == (canvas.actions.shape[1], 2, NOISE_KNOTS)
    with torch.no_grad():
        assert torch.equal(canvas.render(), canvas.render())
        other = BrushCanvas(painter, 64, cell=32, generator=torch.Generator().manual_seed(0))
        assert torch.equal(canvas.render(), other.render())
    assert BrushCanvas(NeuralPainter(), 64, cell=32).noise is None
