"""The photo agent's parts (issue 22, item 4): strokes coloured from the target, held-out
photos, an agent started from the glyph agent's weights."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from vecdream.painter.actions import random_actions
from vecdream.painter.agent import PaintingAgent, agent_checkpoint, load_agent, midpoint_colours
from vecdream.painter.agent_train import AgentTrainConfig, StrokePrior, train_agent
from vecdream.painter.targets import HELD_OUT_PHOTOS, _skimage_photos, crop_targets

pytestmark = pytest.mark.usefixtures("one_thread")


def test_strokes_take_the_colour_under_their_midpoint_with_gradients():
    image = torch.zeros(1, 3, 64, 64)
    image[:, 0, :, :32] = 1.0  # red on the left half, black on the right
    actions = random_actions(2, torch.Generator().manual_seed(0))[None].clone()
    actions[0, 0, 6:12] = torch.tensor([0.1, 0.2, 0.2, 0.3, 0.3, 0.2])  # midpoint left
    actions[0, 1, 6:12] = torch.tensor([0.7, 0.5, 0.8, 0.6, 0.9, 0.5])  # midpoint right
    actions.requires_grad_(True)
    out = midpoint_colours(actions, image)
    assert torch.allclose(out[0, 0, 3:6], torch.tensor([1.0, 0.0, 0.0]), atol=1e-5)
    assert torch.allclose(out[0, 1, 3:6], torch.zeros(3), atol=1e-5)
    assert torch.equal(out[..., :3], actions[..., :3]) and torch.equal(out[..., 6:],
                                                                        actions[..., 6:])
    # a stroke on the red/black edge feels a gradient along x
    edge = actions.detach().clone()
    edge[0, 0, 6:12] = torch.tensor([0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
    edge.requires_grad_(True)
    midpoint_colours(edge, image)[0, 0, 3].backward()
    assert edge.grad[0, 0, 6] < 0


def test_a_target_coloured_agent_round_trips_and_starts_from_a_glyph_agent(tmp_path):
    agent = PaintingAgent(strokes=3, hidden=32, width=8, colour="target").eval()
    assert agent.config["colour"] == "target"
    images = torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        actions = agent(images)
    assert torch.allclose(actions, midpoint_colours(actions, images))
    (tmp_path / "a.pt").write_bytes(agent_checkpoint(agent))
    again = load_agent(tmp_path / "a.pt")
    assert again.colour == "target"
    with torch.no_grad():
        assert torch.allclose(again(images), actions, atol=1e-6)
    with pytest.raises(ValueError, match="colour"):
        PaintingAgent(colour="paint")
    glyph = PaintingAgent(strokes=3, hidden=32, width=32)
    (tmp_path / "g.pt").write_bytes(agent_checkpoint(glyph))
    config = AgentTrainConfig(steps=1, batch=2, strokes=3, hidden=32, colour="target",
                              targets="seeds", pool=4, adv_weight=0)
    trained = train_agent(config, StrokePrior(segments=4), tmp_path / "p.pt",
                          init=tmp_path / "g.pt")
    assert trained.colour == "target" and load_agent(tmp_path / "p.pt").colour == "target"


def test_held_out_photos_are_never_training_crops():
    data = pytest.importorskip("skimage.data")
    gen = torch.Generator().manual_seed(0)
    test = crop_targets(6, generator=gen, split="test")
    train = crop_targets(6, generator=gen, split="train")
    assert test.shape == train.shape == (6, 3, 64, 64)
    held = [np.asarray(getattr(data, name)())[..., :3] for name in HELD_OUT_PHOTOS]
    test_photos, train_photos = _skimage_photos("test"), _skimage_photos("train")
    assert len(test_photos) == len(held) and len(train_photos) >= 6
    assert all(np.array_equal(a, b) for a, b in zip(test_photos, held, strict=True))
    assert not any(a.shape == b.shape and np.array_equal(a, b)
                   for a in train_photos for b in held)
    with pytest.raises(ValueError, match="split"):
        crop_targets(1, split="validation")


def test_the_shipped_photo_agent_paints_with_its_own_brush(tmp_path):
    from click.testing import CliRunner
    from PIL import Image

    from vecdream.cli import main
    from vecdream.painter.agent import AGENTS

    agent = load_agent("photo")
    assert agent.colour == "target" and AGENTS["photo"][1] == "deevad/brush"
    with pytest.raises(ValueError, match="glyphs, photo"):
        load_agent(tmp_path / "none.pt")
    image = np.zeros((40, 70, 3), np.uint8)
    image[:, :35] = (200, 60, 20)
    image[:, 35:] = (30, 90, 200)
    Image.fromarray(image).save(tmp_path / "two.png")
    out = tmp_path / "two.svg"
    result = CliRunner().invoke(main, ["trace", str(tmp_path / "two.png"), "--out", str(out),
                                       "--agent", "photo", "--no-replay", "--cell", "40"])
    assert result.exit_code == 0, result.output
    doc = __import__("json").loads(out.with_suffix(".json").read_text())
    assert doc["brush"] == "deevad/brush" and doc["metadata"]["agent"] == "photo"
    painted = np.asarray(Image.open(out.with_suffix(".png")).convert("RGB")).astype(float)
    # colours come from the photo: the left half paints orange, the right half blue
    assert painted[:, :30, 0].mean() > painted[:, :30, 2].mean() + 40
    assert painted[:, 40:, 2].mean() > painted[:, 40:, 0].mean() + 40


def test_an_agent_of_two_layers_sees_the_canvas_and_starts_as_its_one_layer_agent(tmp_path):
    from vecdream.painter.agent import paint_layers, widen_for_canvas
    from vecdream.painter.trace import trace

    torch.manual_seed(0)
    one = PaintingAgent(strokes=3, hidden=32, width=8, colour="target").eval()
    two = PaintingAgent(strokes=3, hidden=32, width=8, colour="target", layers=2).eval()
    two.load_state_dict(widen_for_canvas(one.state_dict()))
    images, painter = torch.rand(2, 3, 64, 64), StrokePrior(segments=4)
    with torch.no_grad():
        first, _ = paint_layers(one, painter, images)
        actions, canvases = paint_layers(two, painter, images)
        assert actions.shape == (2, 6, 12) and len(canvases) == 2
        assert torch.allclose(actions[:, :3], first, atol=1e-6)  # canvas weights start at 0
        two.encoder[0][0].weight[:, 3:6] = 1.0
        assert not torch.allclose(two(images, canvases[0]), two(images))  # it sees it
    (tmp_path / "two.pt").write_bytes(agent_checkpoint(two))
    assert load_agent(tmp_path / "two.pt").layers == 2
    assert trace(torch.rand(3, 40, 100), two, painter).actions.shape == (2, 6, 12)
    with pytest.raises(ValueError, match="layers"):
        PaintingAgent(layers=0)
    (tmp_path / "one.pt").write_bytes(agent_checkpoint(PaintingAgent(strokes=3, hidden=32)))
    config = AgentTrainConfig(steps=2, batch=2, strokes=3, hidden=32, colour="target",
                              layers=2, targets="seeds", pool=4, adv_weight=0)
    trained = train_agent(config, painter, tmp_path / "t.pt", init=tmp_path / "one.pt")
    assert trained.layers == 2 and load_agent(tmp_path / "t.pt").layers == 2
