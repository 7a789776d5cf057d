"""The painting agent: targets, network, training, tracing, `vecdream trace`, example and
notebook. Training runs use the painter's distance-field prior (cheap); the shipped agent
is checked through the shipped painter."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner
from PIL import Image

from vecdream.cli import main
from vecdream.painter.actions import random_actions
from vecdream.painter.agent import (
    SHIPPED_AGENT,
    PaintingAgent,
    agent_checkpoint,
    composite,
    load_agent,
    paint,
)
from vecdream.painter.agent_train import (
    AgentTrainConfig,
    StrokePrior,
    content_loss,
    load_precondition,
    train_agent,
)
from vecdream.painter.targets import find_fonts, glyph_targets, make_targets, seed_targets
from vecdream.painter.trace import load_image, split_cells, stitch, trace

pytestmark = pytest.mark.usefixtures("one_thread")
ROOT = Path(__file__).resolve().parents[1]


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _errors(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith("Error")]


def test_glyph_targets_are_reproducible_dark_on_white_and_fonts_split():
    a = glyph_targets(6, generator=_gen(3), split="test")
    b = glyph_targets(6, generator=_gen(3), split="test")
    assert a.shape == (6, 3, 64, 64) and torch.equal(a, b)
    assert a.min() < 0.2 and a.max() == 1.0  # ink and white page
    assert (a[:, :, 0, :] > 0.9).float().mean() > 0.9  # page border mostly white
    train, test = set(find_fonts("train")), set(find_fonts("test"))
    assert test and train and not train & test
    with pytest.raises(ValueError, match="split"):
        find_fonts("valid")


def test_seed_and_crop_targets_and_unknown_kind():
    seeds = seed_targets(2, generator=_gen())
    assert seeds.shape == (2, 3, 64, 64) and 0 <= seeds.min() and seeds.max() <= 1
    pytest.importorskip("skimage")
    crops = make_targets("crops", 3, generator=_gen())
    assert crops.shape == (3, 3, 64, 64) and crops.std() > 0.01
    with pytest.raises(ValueError, match="glyphs, crops, seeds, mixed"):
        make_targets("faces", 1)


def test_crop_targets_without_scikit_image_say_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "skimage", None)
    with pytest.raises(ImportError, match="pip install scikit-image"):
        make_targets("crops", 1)


def test_composite_paints_in_order_over_white():
    strokes = torch.zeros(1, 2, 4, 2, 2)
    strokes[0, 0, :, 0, 0] = torch.tensor([1.0, 0.0, 0.0, 1.0])  # opaque red at (0, 0)
    strokes[0, 1, :, 0, 0] = torch.tensor([0.0, 0.0, 1.0, 0.5])  # half blue on top
    out = composite(strokes)
    assert torch.allclose(out[0, :, 0, 0], torch.tensor([0.5, 0.0, 0.5]))
    assert torch.equal(out[0, :, 1, 1], torch.ones(3))


def test_agent_shapes_range_errors_and_checkpoint_round_trip(tmp_path):
    agent = PaintingAgent(strokes=3, hidden=32, width=8)
    actions = agent(torch.rand(2, 3, 64, 64))
    assert actions.shape == (2, 3, 12) and 0 <= actions.min() and actions.max() <= 1
    with pytest.raises(ValueError, match=r"expected images \(B, 3, 64, 64\)"):
        agent(torch.rand(2, 3, 32, 32))
    path = tmp_path / "a.pt"
    path.write_bytes(agent_checkpoint(agent))
    again = load_agent(path)
    x = torch.rand(1, 3, 64, 64)
    assert torch.equal(again(x), agent(x).detach())
    (tmp_path / "bad.pt").write_bytes(b"not a checkpoint")
    for bad in (tmp_path / "bad.pt", tmp_path / "missing.pt"):
        with pytest.raises(ValueError) as err:
            load_agent(bad)
        assert "\n" not in str(err.value)


def test_stroke_prior_matches_a_fresh_neural_painter():
    from vecdream.painter.model import NeuralPainter

    actions = random_actions(4, generator=_gen())
    with torch.no_grad():
        assert (NeuralPainter()(actions) - StrokePrior()(actions)).abs().max() < 0.01


def test_training_writes_resumes_and_preconditions(tmp_path):
    out = tmp_path / "agent.pt"
    config = AgentTrainConfig(steps=2, batch=2, strokes=2, hidden=32, pool=4,
                              checkpoint_every=1)
    painter = StrokePrior()
    doc = {"actions": [dict(zip(["pressure_start", "pressure_end", "size", "r", "g", "b",
                                 "x0", "y0", "x1", "y1", "x2", "y2"], row, strict=True))
                       for row in random_actions(2, generator=_gen(5)).tolist()]}
    (tmp_path / "order.json").write_text(json.dumps(doc))
    pre = load_precondition([tmp_path / "order.json"], painter)
    assert pre[0].shape == (1, 3, 64, 64) and pre[1].shape == (1, 2, 12)
    logs = []
    train_agent(config, painter, out, precondition=pre,
                on_step=lambda s, log: logs.append(log))
    assert out.is_file() and len(logs) == 2 and "precondition" in logs[0]
    assert all(torch.isfinite(torch.tensor(log["content"])) for log in logs)
    config.steps, config.batch = 3, 5
    train_agent(config, painter, out, resume=True)  # extends the run, settings kept
    ckpt = torch.load(out.with_name("agent.pt.ckpt"), weights_only=True)
    assert ckpt["step"] == 3 and [h["step"] for h in ckpt["history"]] == [1, 2, 3]
    assert ckpt["train_config"]["batch"] == 2
    assert load_agent(out).strokes == 2
    with pytest.raises(ValueError, match="not an actions JSON"):
        load_precondition([tmp_path / "agent.pt"], painter)


def test_cells_split_and_stitch_back():
    image = torch.rand(3, 70, 150)
    cells, origins = split_cells(image, 64)
    assert cells.shape == (6, 3, 64, 64) and origins[4].tolist() == [64.0, 64.0]
    assert torch.equal(stitch(cells, (150, 70), 64), image)
    assert torch.equal(cells[3:, :, 6:], cells[3:, :, 5:6].expand(-1, -1, 58, -1))  # edge
    # pixels repeated below the image, not white paper
    cells, _ = split_cells(image, 40)
    assert cells.shape == (8, 3, 64, 64) and stitch(cells, (150, 70), 40).shape == (3, 70, 150)


def test_trace_and_refine_with_a_tiny_agent():
    from vecdream.painter.trace import refine

    agent = PaintingAgent(strokes=2, hidden=32, width=8).eval()
    image = torch.ones(3, 50, 90)
    image[:, 10:40, 20:30] = 0
    result = trace(image, agent, StrokePrior())
    assert result.cell == 64 and result.actions.shape == (2, 2, 12)
    assert result.image.shape == (3, 50, 90) and result.flat[1].shape == (4, 2)
    better = refine(result, image, StrokePrior(), 8, lr=0.1)
    assert better.loss < result.loss and len(better.history) == 8
    small = trace(torch.ones(3, 20, 30), agent, StrokePrior())
    assert small.cell == 30 and small.actions.shape[0] == 1  # one cell fills the image


@pytest.fixture(scope="module")
def shipped():
    from vecdream.painter.model import load_painter

    return load_agent(), load_painter()


def test_shipped_agent_beats_random_strokes_and_white_page_on_held_out_glyphs(shipped):
    agent, painter = shipped
    assert SHIPPED_AGENT.stat().st_size < 10_000_000
    targets = glyph_targets(8, generator=_gen(99), split="test")
    start = random_actions(8 * agent.strokes, generator=_gen(7)).reshape(8, agent.strokes, -1)
    with torch.no_grad():
        ours = content_loss(paint(agent(targets), painter), targets, levels=1).item()
        rand = content_loss(paint(start, painter), targets, levels=1).item()
        white = content_loss(torch.ones_like(targets), targets, levels=1).item()
    assert ours < 0.5 * rand
    assert ours < 0.9 * white  # it paints the glyph, not merely less than random


def _glyph_png(path: Path, size=(96, 64)) -> Path:
    image = glyph_targets(2, generator=_gen(4), split="test")
    row = torch.cat(list(image), dim=2)[:, :size[1], :size[0]]
    Image.fromarray((row.permute(1, 2, 0).numpy() * 255).astype("uint8")).save(path)
    return path


def test_trace_cli_writes_svg_png_json_and_replay(tmp_path, shipped):
    from vecdream.drawing import Drawing
    from vecdream.painter.mypaint import mypaint_available

    src = _glyph_png(tmp_path / "glyphs.png")
    out = tmp_path / "o" / "strokes.svg"
    result = CliRunner().invoke(main, ["trace", str(src), "--out", str(out), "--refine", "2"])
    assert result.exit_code == 0, result.output
    assert "after 2 steps" in result.output
    drawing = Drawing.from_svg(out)
    assert drawing.size == (96.0, 64.0) and len(drawing) == 2 * shipped[0].strokes
    with Image.open(out.with_suffix(".png")) as im:
        assert im.size == (96, 64)
    doc = json.loads(out.with_suffix(".json").read_text())
    assert doc["format"] == "vecdream-actions" and len(doc["actions"]) == len(drawing)
    assert doc["actions"][-1]["cell"][0] == 64.0
    if mypaint_available():
        assert (tmp_path / "o" / "strokes_replay.png").is_file() and "PSNR" in result.output


def test_trace_cli_errors_are_one_line(tmp_path):
    src = _glyph_png(tmp_path / "g.png")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"junk")
    cases = [
        (["trace", str(tmp_path / "missing.png"), "--out", "x.svg"], "'IMAGE'"),
        (["trace", str(src), "--agent", str(bad), "--out", "x.svg"], "'--agent'"),
        (["trace", str(src), "--agent", str(tmp_path / "no.pt"), "--out", "x.svg"],
         "'--agent'"),
        (["trace", str(bad), "--out", "x.svg"], "'IMAGE'"),
        (["trace", str(src), "--out", "x.txt"], "'--out'"),
    ]
    for args, option in cases:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        errors = _errors(result)
        assert len(errors) == 1 and option in errors[0], result.output
        assert "Traceback" not in result.output


def test_train_agent_cli_tiny_run(tmp_path):
    out = tmp_path / "a.pt"
    args = ["painter", "train-agent", "--out", str(out), "--painter", "prior", "--steps", "1",
            "--batch", "2", "--strokes", "2", "--pool", "2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert load_agent(out).strokes == 2
    for extra, option in ((["--painter", str(out)], "'--painter'"),
                          (["--init", str(out), "--strokes", "3"], "'--init'"),
                          (["--init", str(tmp_path)], "'--init'")):
        result = CliRunner().invoke(main, args + extra)
        assert result.exit_code == 2 and option in _errors(result)[0], result.output
    assert load_image(_glyph_png(tmp_path / "g.png")).shape == (3, 64, 96)


def test_example_and_notebook_run(tmp_path, run_notebook, capsys):
    import runpy

    example = runpy.run_path(str(ROOT / "examples" / "trace_glyph.py"))  # in-process: fast
    example["main"](["--text", "Ab", "--refine", "2", "--out", str(tmp_path / "ex")])
    assert "wrote" in capsys.readouterr().out
    assert (tmp_path / "ex" / "trace_glyph.svg").is_file()
    run = run_notebook("agent.ipynb", "TEXT = ",
                       f'TEXT = "a1"\nREFINE = 2\nOUT = r"{tmp_path / "nb"}"')
    assert "image/png" in run.kinds
    text = run.text
    assert "one pass" in text and (tmp_path / "nb" / "trace.svg").is_file()
    assert "photo, one pass: pixel MSE" in text
    photo = runpy.run_path(str(ROOT / "examples" / "trace_photo.py"))
    photo["main"](["--width", "64", "--out", str(tmp_path / "photo")])
    assert (tmp_path / "photo" / "trace_photo.svg").is_file()
