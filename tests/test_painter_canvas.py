"""The brush as an image parameterization: layout, compositing, optimization, export.

A freshly initialised :class:`NeuralPainter` already draws round strokes of the action's
radius and colour, so these tests do not depend on the shipped weights (the CLI tests
in ``test_cli_medium.py`` use those). Tiny canvases, one thread.
"""

from __future__ import annotations

import json
import logging
import math

import pytest
import torch
import torch.nn.functional as F

from vecdream import Drawing
from vecdream.nets import load_net
from vecdream.nets.seed_discriminator import SeedDiscriminator
from vecdream.objectives import (
    bending,
    channel,
    class_logit,
    content,
    discriminator,
    diversity,
    ink_length,
    style,
)
from vecdream.painter import mypaint
from vecdream.painter.actions import CELL, radius_px, random_actions, records_to_actions
from vecdream.painter.brush_export import brush_drawing, psnr, save_brush
from vecdream.painter.canvas import BrushCanvas, brush_layout, composite_layers
from vecdream.painter.model import NeuralPainter
from vecdream.painter.optimize import BrushStepInfo, optimize_brush

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def painter() -> NeuralPainter:
    torch.manual_seed(0)
    p = NeuralPainter().eval()
    for q in p.parameters():
        q.requires_grad_(False)
    return p


@pytest.fixture(scope="module")
def net():
    return load_net("efficientnet_lite0")


def test_layout_grids_cover_the_canvas_and_are_shifted_by_half_a_cell():
    lay = brush_layout((100, 70), cell=32, grids=2, strokes=3)
    assert lay.grid_cells == ((0, 0, 4, 3), (-16, -16, 4, 3))
    assert lay.n_strokes == 3 * (12 + 12) and lay.origins.shape == (72, 2)
    for x0, y0, nx, ny in lay.grid_cells:  # every grid alone covers every pixel
        assert x0 <= 0 and y0 <= 0 and x0 + nx * 32 >= 100 and y0 + ny * 32 >= 70
    # stroke order: layer (k, g) after layer (k, g - 1); the first layer is grid 0's cells
    assert lay.origins[:12].min() == 0 and lay.origins[12:24].min() == -16
    with pytest.raises(ValueError, match="cell >= 1"):
        brush_layout(64, cell=0)


def _naive_composite(strokes: torch.Tensor, lay, background: torch.Tensor) -> torch.Tensor:
    """One stroke at a time, pasted at its origin and clipped: the definition."""
    w, h = lay.size
    c = lay.cell
    canvas = background[:, None, None].expand(3, h, w).clone()
    for s, (ox, oy) in zip(strokes[0], lay.origins.long().tolist(), strict=True):
        rgba = torch.cat([s[:3] * s[3:], s[3:]])
        rgba = F.interpolate(rgba[None], size=(c, c), mode="bilinear", antialias=c < CELL)[0]
        big = torch.zeros(4, h + 2 * c, w + 2 * c)
        big[:, oy + c:oy + 2 * c, ox + c:ox + 2 * c] = rgba
        layer = big[:, c:c + h, c:c + w]
        canvas = canvas * (1 - layer[3:]) + layer[:3]
    return canvas


@pytest.mark.parametrize(("cell", "grids"), [(64, 2), (32, 3), (24, 1)])
def test_tiled_compositing_equals_stroke_by_stroke_over(cell, grids):
    lay = brush_layout((70, 50), cell=cell, grids=grids, strokes=2)
    strokes = torch.rand(1, lay.n_strokes, 4, CELL, CELL, generator=torch.Generator()
                         .manual_seed(1))
    bg = torch.tensor([1.0, 0.9, 0.8])
    fast = composite_layers(strokes, lay, bg)
    assert fast.shape == (1, 3, 50, 70)
    torch.testing.assert_close(fast[0], _naive_composite(strokes, lay, bg), atol=1e-5, rtol=0)


def test_canvas_renders_in_range_and_gradients_reach_the_actions(painter):
    canvas = BrushCanvas(painter, (48, 40), cell=32, generator=torch.Generator().manual_seed(0))
    assert "2 grids of 32 px cells" in repr(canvas)
    canvas.actions.requires_grad_(True)
    image = canvas.render()
    assert image.shape == (1, 3, 40, 48) and 0 <= image.min() and image.max() <= 1
    assert image.mean() < 0.99  # strokes on the white paper
    image.mean().backward()
    assert canvas.actions.grad.abs().sum(-1).gt(0).float().mean() > 0.5
    with pytest.raises(ValueError, match=r"expected shape \(B, 32, 12\)"):
        BrushCanvas(painter, (48, 40), cell=32, actions=torch.rand(7, 12))


def test_photo_start_takes_the_photo_colours(painter):
    photo = torch.zeros(3, 32, 32)
    photo[0] = 1.0  # red
    canvas = BrushCanvas(painter, 32, cell=16, image=photo,
                         generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(canvas.actions[0, :, 3:6],
                               torch.tensor([1.0, 0.0, 0.0]).expand(canvas.layout.n_strokes, 3))


def test_content_loss_falls_and_callback_sees_the_actions(painter, net):
    photo = torch.zeros(3, 32, 32)
    photo[:, :, 16:] = 1.0
    photo[0, 8:24, 4:12] = 0.8
    seen: list[BrushStepInfo] = []
    result = optimize_brush(content(net, "blocks.1", photo), 32, painter=painter, cell=16,
                            strokes=2, steps=8, views=1, augment=None, lr=0.05, seed=0,
                            device="cpu", callback=seen.append)
    loss = result.history["loss"]
    assert result.steps == 8 and len(loss) == 8 and loss[-1] < 0.8 * loss[0]
    assert result.image.shape == (1, 3, 32, 32)
    assert seen[-1].actions.shape == result.actions.shape and seen[-1].drawings == []
    assert 0 <= result.actions.min() and result.actions.max() <= 1


def test_every_image_objective_runs_on_the_brush(painter, net):
    """channel, class ensembles, style, diversity (a batch) and the seed discriminator."""
    other = load_net("resnet18", weights=None)
    style_image = torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(0))
    cases = [
        (channel(net, "blocks.2", 3), 1),
        (class_logit([net, other], 1), 1),
        (style(net, ["blocks.1"], style_image), 1),
        (channel(net, "blocks.2", 3) - 0.5 * diversity(net, "blocks.2"), 2),
        (discriminator(SeedDiscriminator(size=16)), 1),
    ]
    for objective, batch in cases:
        r = optimize_brush(objective, 32, painter=painter, cell=32, strokes=1, steps=2,
                           views=1, batch=batch, seed=0, device="cpu")
        assert r.image.shape == (batch, 3, 32, 32), objective.name
        assert all(math.isfinite(v) for v in r.history["loss"]), objective.name


@pytest.mark.parametrize("term", [ink_length, bending])
def test_objectives_needing_pen_geometry_are_refused(painter, net, term):
    objective = channel(net, "blocks.2", 3) + 0.1 * term()
    with pytest.raises(ValueError, match=f"{term.__name__}.*brush medium has none"):
        optimize_brush(objective, 32, painter=painter, cell=32, strokes=1, steps=1, views=1,
                       device="cpu")


def test_svg_approximation_is_the_quadratic_as_a_cubic():
    actions = random_actions(5, torch.Generator().manual_seed(0))
    origins = torch.tensor([[0.0, 0.0], [32, 0], [-16, 16], [48, 48], [0, 32]])
    d = brush_drawing(actions, origins, 32.0, (80.0, 64.0))
    assert isinstance(d, Drawing) and len(d) == 5 and d.size == (80.0, 64.0)
    t = torch.linspace(0, 1, 7)[:, None]
    for i in range(5):
        p0, p1, p2 = (origins[i] + actions[i, k:k + 2] * 32 for k in (6, 8, 10))
        quad = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t ** 2 * p2
        c = d.points[i]
        cubic = ((1 - t) ** 3 * c[0] + 3 * (1 - t) ** 2 * t * c[1] + 3 * (1 - t) * t ** 2 * c[2]
                 + t ** 3 * c[3])
        torch.testing.assert_close(cubic, quad, atol=1e-4, rtol=0)
    width = 2 * radius_px(actions[:, 2]) * 0.5 * (0.67 + 0.46 * (actions[:, 0] + actions[:, 1]) / 2)
    torch.testing.assert_close(d.widths, width)
    torch.testing.assert_close(d.stroke[:, :3], actions[:, 3:6])


def test_save_brush_without_libmypaint_writes_png_json_svg(painter, tmp_path, monkeypatch,
                                                          caplog):
    monkeypatch.setattr(mypaint, "mypaint_available", lambda: False)
    canvas = BrushCanvas(painter, (40, 30), cell=16, generator=torch.Generator().manual_seed(0))
    with caplog.at_level(logging.WARNING):
        files = save_brush(canvas, tmp_path / "b.svg", metadata={"seed": 0})
    assert [p.name for p in files.paths] == ["b.png", "b.json", "b.svg"]
    assert files.replay is None and files.psnr is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "libmypaint-1.5-1 mypaint-brushes" in warnings[0]
    doc = json.loads(files.json.read_text())
    assert doc["format"] == "vecdream-actions" and doc["size"] == [40, 30]
    torch.testing.assert_close(records_to_actions(doc["actions"]), canvas.actions[0],
                               atol=1e-6, rtol=0)
    first = doc["actions"][0]  # absolute points: origin + fraction * cell
    ox, oy = canvas.origins[0].tolist()
    assert first["points"][0] == pytest.approx([ox + first["x0"] * 16, oy + first["y0"] * 16],
                                               abs=1e-3)
    svg = Drawing.from_svg(files.svg)
    assert svg.size == (40.0, 30.0) and len(svg) > 0


@pytest.mark.mypaint
def test_save_brush_replays_through_libmypaint(painter, tmp_path):
    canvas = BrushCanvas(painter, (40, 30), cell=16, generator=torch.Generator().manual_seed(0))
    files = save_brush(canvas, tmp_path / "b.png")
    assert files.replay is not None and files.replay.name == "b_replay.png"
    assert files.replay.is_file() and 5 < files.psnr < 60
    assert psnr(torch.zeros(3, 2, 2), torch.zeros(3, 2, 2)) == math.inf
