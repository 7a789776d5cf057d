"""Discover what to dream (issue 7, items 8-9): ``vecdream layers`` and ``vecdream channels``,
the unknown-layer message that points to them, and the channels example script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner, Result
from PIL import Image

from vecdream import Drawing
from vecdream.cli import main
from vecdream.dream.channels import channel_batch, contact_sheet
from vecdream.export import read_metadata
from vecdream.nets import load_net
from vecdream.objectives import DreamContext, channel

ROOT = Path(__file__).resolve().parents[1]


pytestmark = pytest.mark.usefixtures("one_thread")


def invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def listing(net: str) -> dict[str, list[str]]:
    result = invoke("layers", net)
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines()[1:]]
    return {row[0]: row[1:] for row in rows}


def test_layers_lists_channels_and_size_at_224():
    rows = listing("efficientnet_lite0")
    assert rows["blocks.4"][:2] == ["112", "14x14"] and "default)" in rows["blocks.4"]
    assert rows["conv_stem"][:2] == ["32", "112x112"]
    assert rows["blocks.2.1"][:2] == ["40", "28x28"]
    assert rows["logits"] == ["1000", "(vector)"]
    assert not {"bn1", "bn2", "global_pool", "classifier"} & set(rows)


def test_layers_of_resnet18_without_its_noise():
    rows = listing("resnet18")
    assert rows["layer3"][:2] == ["256", "14x14"] and rows["layer4.1"][:2] == ["512", "7x7"]
    assert not {"bn1", "avgpool", "fc"} & set(rows)


def test_unknown_layer_message_points_to_layers():
    result = invoke("dream", "--layer", "nope", "--paths", 4, "--size", 32, "--steps", 1)
    assert result.exit_code == 2
    line = next(x for x in result.output.splitlines() if x.startswith("Error:"))
    assert "`vecdream layers efficientnet_lite0`" in line and "blocks.4.2" in line
    for noise in ("bn1", "bn2", "global_pool", "classifier"):
        assert f" {noise}," not in line and f" {noise} " not in line


def test_channel_batch_scores_each_drawing_on_its_own_channel():
    net = load_net("efficientnet_lite0", weights=None)
    views = torch.rand(6, 3, 32, 32)  # 3 drawings x 2 views, grouped by drawing
    ctx = DreamContext(views, torch.rand(3, 3, 32, 32), [], frozenset({(net, "blocks.2",
                                                                        "views")}))
    batch = channel_batch(net, "blocks.2", [5, 0, 7])(ctx)
    one = [channel(net, "blocks.2", c)(DreamContext(views[2 * i:2 * i + 2], ctx.renders[i:i + 1],
                                                    [])) for i, c in enumerate([5, 0, 7])]
    torch.testing.assert_close(batch, torch.stack(one).mean())


def test_contact_sheet_labels_every_tile():
    sheet = contact_sheet(torch.zeros(3, 3, 20, 20), ["ch 0", "ch 1", "ch 2"], gap=2)
    assert sheet.shape == (3, 2 * (20 + 14 + 2) + 2, 2 * (20 + 2) + 2)  # 2 x 2 grid
    strip = sheet[:, 2 + 20:2 + 20 + 14, 2:22]  # the label under the first tile
    assert strip.min() < 0.5 and sheet[:, -2:, :].min() == 1.0  # ink in it; paper below


def test_channels_writes_a_sheet_and_every_tile(tmp_path):
    out = tmp_path / "sheet.png"
    result = invoke("channels", "efficientnet_lite0", "blocks.2", "--range", "2:5", "--size", 32,
                    "--steps", 2, "--paths", 4, "--views", 1, "--seed", 0, "--out", out)
    assert result.exit_code == 0, result.output
    assert "2/2" in result.output  # the progress bar
    tiles = sorted(p.name for p in (tmp_path / "sheet_tiles").iterdir())
    assert tiles == ["channel_002.svg", "channel_003.svg", "channel_004.svg"]
    tile = Drawing.from_svg(tmp_path / "sheet_tiles" / "channel_003.svg")
    assert tile.size == (32.0, 32.0) and len(tile) == 4
    assert read_metadata(tmp_path / "sheet_tiles" / "channel_003.svg")["channel"] == "3"
    with Image.open(out) as im:
        assert im.format == "PNG" and im.size == (2 * 36 + 4, 2 * 50 + 4)
        pixels = np.asarray(im.convert("L"))
    assert pixels[4:36, 4:36].min() < 128  # strokes drawn in the first tile
    assert read_metadata(out)["channels"] == "2:5"


def test_channels_example_script(tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "channels_sheet.py"), "--range", "0:2",
         "--size", "32", "--steps", "1", "--paths", "4", "--views", "1", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "channels.png").is_file()
    assert len(list((tmp_path / "channels_tiles").glob("channel_*.svg"))) == 2
