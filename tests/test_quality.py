"""Art quality (issue 11): smooth starts, bending, prune-and-reseed, seams, styles.

Cheap checks of behaviour; the quality numbers themselves are in benchmarks/quality.py.
"""

from __future__ import annotations

import inspect
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from vecdream import Drawing
from vecdream.checkpoint import load_checkpoint
from vecdream.cli import main
from vecdream.dream.hygiene import Hygiene
from vecdream.dream.init import arc_points, smooth_strokes
from vecdream.dream.large import upscale
from vecdream.dream.optimize import optimize_strokes
from vecdream.dream.reseed import Reseed
from vecdream.dream.styles import STYLES, cli_values
from vecdream.dream.windows import _sample_corners
from vecdream.nets import load_net
from vecdream.objectives import DreamContext, bending, channel
from vecdream.objectives.geometry import contour_lengths

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def net():
    return load_net("efficientnet_lite0")


def _bend(d: Drawing) -> float:
    return float(bending()(DreamContext(None, torch.zeros(1, 3, 2, 2), [d])))


def test_smooth_strokes_are_short_arcs_on_the_canvas():
    d = smooth_strokes(50, size=(200, 100), generator=torch.Generator().manual_seed(1))
    assert d.points.shape == (50, 10, 2) and d.size == (200.0, 100.0)
    lengths = contour_lengths(d)
    assert lengths.min() >= 0.1 * 150 * 0.99 and lengths.max() <= 0.3 * 150 * 1.01
    again = smooth_strokes(50, size=(200, 100), generator=torch.Generator().manual_seed(1))
    assert torch.equal(d.points, again.points)
    walk = Drawing.random(50, size=(200, 100), seed=1)
    assert _bend(d) < 0.1 * _bend(walk)  # arcs, not loops


def test_arc_points_straight_line_and_quarter_circle():
    line = arc_points(torch.tensor([[0.0, 0.0]]), torch.tensor([0.0]), torch.tensor([10.0]),
                      torch.tensor([0.0]), 2)
    assert torch.allclose(line[0, :, 1], torch.zeros(7), atol=1e-6)
    assert torch.allclose(line[0, [0, -1], 0], torch.tensor([-5.0, 5.0]))
    assert _bend(Drawing(line, torch.ones(1), torch.tensor([[0, 0, 0, 1.0]]), (20, 20))) < 1e-3
    quarter = arc_points(torch.tensor([[0.0, 0.0]]), torch.tensor([0.0]),
                         torch.tensor([math.pi / 2 * 10]), torch.tensor([math.pi / 2]), 3)
    ends = quarter[0, [0, -1]]
    assert torch.allclose((ends[1] - ends[0]).norm(), torch.tensor(10 * math.sqrt(2)),
                          atol=1e-3)  # the chord of a quarter circle of radius 10


def test_hygiene_moves_harmful_strokes_where_ink_is_wanted():
    d = smooth_strokes(10, size=(64, 64), generator=torch.Generator().manual_seed(0))
    before = d.points.clone()
    d.stroke.grad = torch.zeros_like(d.stroke)
    d.stroke.grad[:, 3] = -1.0  # fading a stroke raises the loss: every stroke helps...
    d.stroke.grad[3, 3] = 0.5  # ...but stroke 3, whose removal would lower it
    grad = torch.zeros(1, 3, 64, 64)
    grad[0, :, 40:44, 10:14] = 1.0  # ink wanted only around (12, 42)
    points = torch.nn.Parameter(d.points)
    opt = torch.optim.Adam([points])
    opt.state[points] = {"exp_avg": torch.ones_like(points),
                         "exp_avg_sq": torch.ones_like(points)}
    d.points = points
    n = Reseed(every=1).apply([d], grad, opt, torch.Generator().manual_seed(0))
    assert n == 1 and d.points.shape == before.shape
    moved = (d.points.detach() != before).any(dim=(1, 2))
    assert moved.tolist() == [i == 3 for i in range(10)]
    centre = d.points.detach()[3].mean(0)
    assert (centre - torch.tensor([12.0, 42.0])).norm() < 8, centre
    assert opt.state[points]["exp_avg"][3].abs().sum() == 0
    assert opt.state[points]["exp_avg"][2].abs().sum() > 0


def test_prune_reseed_is_deterministic_and_resumes_exactly(net):
    kw = {"objective": channel(net, "blocks.2", 3), "n_paths": 20, "size": 48, "views": 2,
          "seed": 3, "device": "cpu", "hygiene": Hygiene(prune_every=2, bend=0.05)}
    full = optimize_strokes(steps=6, **kw)
    again = optimize_strokes(steps=6, **kw)
    assert torch.equal(full.drawing.points, again.drawing.points)
    assert full.drawing.points.shape == (20, 10, 2)
    part = optimize_strokes(steps=6, callback=lambda info: info.step == 3, **kw)
    resumed = optimize_strokes(steps=6, **{**kw, "drawing": part.drawings, "start_step": 3,
                                           "optimizer_state": part.optimizer_state})
    assert torch.equal(resumed.drawing.points, full.drawing.points)
    assert full.history["loss"][3:] == resumed.history["loss"]
    plain = optimize_strokes(steps=6, **{**kw, "hygiene": Hygiene(bend=0.05)})
    assert not torch.equal(plain.drawing.points, full.drawing.points)  # it did something


def test_seam_windows_are_centred_on_tile_borders():
    torch.manual_seed(0)
    corners = _sample_corners((600, 600), 100, 40, ([200.0, 400.0], [300.0]), 1.0)
    centres = corners + 50
    dist = torch.stack([(centres[:, 0, None] - torch.tensor([200.0, 400.0])).abs().amin(1),
                        (centres[:, 1] - 300.0).abs()], 1).amin(1)
    assert dist.max() <= 25
    torch.manual_seed(0)
    uniform = _sample_corners((600, 600), 100, 40)
    torch.manual_seed(0)
    assert torch.equal(uniform, _sample_corners((600, 600), 100, 40, ([200.0], []), 0.0))


def test_upscale_jitter_moves_copies_apart_deterministically(net):
    small = smooth_strokes(6, size=(32, 32), generator=torch.Generator().manual_seed(0))
    kw = {"steps": 0, "views": 1, "objective": channel(net, "blocks.1", 0), "device": "cpu",
          "seed": 1}
    still = upscale(small, 2, 128, **kw).drawing
    a = upscale(small, 2, 128, jitter=2.0, **kw).drawing
    b = upscale(small, 2, 128, jitter=2.0, seam_frac=0.5, **kw).drawing
    assert torch.equal(a.points, b.points)
    shift = (a.points - still.points).flatten(1).norm(dim=1)
    assert 0.05 < float(shift.mean()) < 5  # about 2 px = 1 unit, whole strokes
    assert torch.allclose(a.points - a.points[:, :1], still.points - still.points[:, :1],
                          atol=1e-4)
    with pytest.raises(ValueError, match="seam_frac"):
        upscale(small, 2, 128, seam_frac=2.0, **kw)


def test_styles_are_option_sets_of_optimize_strokes_and_the_cli():
    params = inspect.signature(optimize_strokes).parameters
    from vecdream.cli.dream import dream_command

    names = {p.name for p in dream_command.params}
    for style, options in STYLES.items():
        assert set(options) <= set(params), style
        assert set(cli_values(style)) <= names, style
    assert cli_values("colour")["width"] == "free:0.5:4"
    with pytest.raises(ValueError, match="clean"):
        cli_values("fancy")


def test_cli_style_fills_options_the_command_line_did_not_give(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["dream", "--layer", "blocks.1", "--channel", "0", "--size", "32", "--views", "1",
            "--steps", "1", "--seed", "0", "--style", "dense", "--paths", "7", "--xing", "3",
            "--out", "a.svg"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    options = load_checkpoint(tmp_path / "a.ckpt").options
    assert options["paths"] == 7 and options["xing"] == 3  # given: kept
    assert options["init"] == "smooth" and options["width"] == "0.45%"  # from the style
    assert options["prune_every"] == 10 and options["style"] == "dense"
    assert options["anneal"] == "0.4,0.1" and options["min_length"] == 0.02
    resumed = CliRunner().invoke(main, ["dream", "--resume", "a.ckpt", "--steps", "2"])
    assert resumed.exit_code == 0, resumed.output  # the filled values are no conflict
    again = load_checkpoint(tmp_path / "a.ckpt")
    assert again.step == 2 and {k: v for k, v in again.options.items() if k != "steps"} == {
        k: v for k, v in options.items() if k != "steps"}
    bad = CliRunner().invoke(main, ["dream", "--style", "fancy"])
    assert bad.exit_code == 2 and "--style" in bad.output


def test_styles_example_runs(tmp_path):
    script = Path(__file__).resolve().parents[1] / "examples" / "dream_styles.py"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    subprocess.run([sys.executable, str(script), "--steps", "2", "--size", "48", "--paths",
                    "12", "--out", str(tmp_path)], check=True, env=env, timeout=300)
    for name in STYLES:
        assert len(Drawing.from_svg(tmp_path / f"{name}.svg")) == 12
        assert (tmp_path / f"{name}.png").is_file()
