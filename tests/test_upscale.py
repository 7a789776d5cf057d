"""Large format: tiling, windows, the finetune at large sizes, flat memory, pen widths.

The finetune tests use EfficientNet-Lite0's real offline weights; the memory test uses
a one-layer untrained net, so the renderer's memory is what it measures.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from vecdream import Drawing, render
from vecdream.dream.large import upscale
from vecdream.dream.optimize import StepInfo, optimize_strokes
from vecdream.dream.pen import pen_width_units
from vecdream.dream.tiles import crop_drawing, tile_drawing
from vecdream.dream.windows import window_loss, window_views
from vecdream.nets import load_net
from vecdream.objectives import channel


@pytest.fixture(scope="module")
def net():
    return load_net("efficientnet_lite0")


@pytest.fixture(autouse=True, scope="module")
def _two_threads():
    threads = torch.get_num_threads()
    torch.set_num_threads(min(2, threads))
    yield
    torch.set_num_threads(threads)


def _compound_drawing() -> Drawing:
    """Six contours in four paths inside a 40 x 30 canvas: strokes, fills, a donut."""
    g = torch.Generator().manual_seed(3)
    points = 8 + torch.rand(6, 7, 2, generator=g) * torch.tensor([24.0, 14.0])
    stroke = torch.rand(4, 4, generator=g)
    stroke[:, 3] = torch.tensor([1.0, 0.8, 0.0, 0.6])
    fill = torch.zeros(4, 4)
    fill[2] = torch.tensor([0.2, 0.5, 0.9, 0.7])
    fill[3] = torch.tensor([0.9, 0.1, 0.1, 0.5])
    return Drawing(points, torch.tensor([1.5, 2.0, 1.0, 3.0]), stroke, (40, 30), fill=fill,
                   evenodd=torch.tensor([False, False, True, False]),
                   closed=torch.tensor([False, False, True, True, True, False]),
                   n_segments=torch.tensor([2, 1, 2, 2, 1, 2]),
                   contour_path=torch.tensor([0, 0, 1, 2, 2, 3]))


def test_tile_drawing_repeats_every_cell_exactly():
    d = _compound_drawing()
    t = tile_drawing(d, (3, 2))
    assert t.size == (120.0, 60.0) and len(t) == 6 * len(d) and t.n_contours == 6 * d.n_contours
    for name in ("widths", "stroke", "fill", "evenodd", "closed", "n_segments"):
        assert torch.equal(getattr(t, name), getattr(d, name).repeat(
            6, *([1] * (getattr(d, name).dim() - 1)))), name
    assert torch.equal(t.contour_path[6:12], d.contour_path + 4)
    cell = render(d, 80, 60)
    full = render(t, 240, 120)
    for j in range(2):
        for i in range(3):
            window = full[:, 60 * j:60 * (j + 1), 80 * i:80 * (i + 1)]
            assert torch.allclose(window, cell, atol=1e-5), (i, j)


@pytest.mark.parametrize(("tiles", "size"), [(1, (40.0, 30.0)), ("4x3", (160.0, 90.0)),
                                             ([2, 5], (80.0, 150.0))])
def test_tile_drawing_accepts_int_text_and_pairs(tiles, size):
    assert tile_drawing(_compound_drawing(), tiles).size == size


@pytest.mark.parametrize("tiles", [0, "4", "ax2", (2, 0), None])
def test_tile_drawing_rejects_bad_tiles(tiles):
    with pytest.raises(ValueError, match="tiles: expected"):
        tile_drawing(_compound_drawing(), tiles)


def test_crop_drawing_renders_the_window_of_the_full_render():
    d = tile_drawing(Drawing.random(40, size=(64, 64), seed=1, colors=True, width=2), 3)
    full = render(d, 384, 384)  # 2 px per unit
    crop = crop_drawing(d, (50, 70, 40, 30), reach=1.0)
    assert len(crop) < len(d)
    assert torch.allclose(render(crop, 80, 60), full[:, 140:200, 100:180], atol=1e-4)


def test_crop_drawing_gradients_equal_the_full_render_ones():
    d = tile_drawing(Drawing.random(30, size=(64, 64), seed=1, colors=True, width=2), 3)
    d = d.to(dtype=torch.float64).requires_grad_()
    weight = torch.rand(3, 60, 80, generator=torch.Generator().manual_seed(0),
                        dtype=torch.float64)
    (render(d, 384, 384)[:, 140:200, 100:180] * weight).sum().backward()
    expected = [d.points.grad.clone(), d.stroke.grad.clone(), d.widths.grad.clone()]
    for t in (d.points, d.stroke, d.widths):
        t.grad = None
    (render(crop_drawing(d, (50, 70, 40, 30), reach=1.0), 80, 60) * weight).sum().backward()
    for got, want in zip((d.points.grad, d.stroke.grad, d.widths.grad), expected, strict=True):
        assert torch.allclose(got, want, atol=1e-9)


def test_window_views_shapes_and_paper_off_the_canvas():
    corners = torch.tensor([[-10.0, -10], [120, -10], [120, 120], [-10, 120], [-10, -10]])
    t = torch.tensor([0.0, 1 / 3, 2 / 3])[:, None, None]  # straight cubic sides
    sides = corners[:-1] + t * (corners[1:] - corners[:-1])  # (3, 4, 2)
    points = torch.cat([sides.transpose(0, 1).reshape(12, 2), corners[-1:]])
    black = Drawing(points[None], torch.tensor([0.0]), torch.tensor([[0.0, 0, 0, 0]]),
                    (100, 100), fill=torch.tensor([[0.0, 0, 0, 1]]), closed=torch.tensor([True]))
    torch.manual_seed(0)
    views, overview = window_views((400, 400), lambda x: x, 6, 64)([black, black])
    assert views.shape == (12, 3, 80, 80) and overview.shape == (2, 3, 64, 64)
    assert overview.max() < 1e-5  # the ink covers the canvas...
    off = views.amax(dim=(1, 2, 3)) == 1.0
    assert views.min() < 1e-5 and 0 < int(off.sum()) < 12  # ...but not what lies off it
    _, tall = window_views((672, 896), lambda x: x, 1, 64)([tile_drawing(black, (3, 4))])
    assert tall.shape == (1, 3, 64, 48)


def test_finetune_at_512_does_not_get_worse(net):
    objective = channel(net, "blocks.4", 0)
    small = Drawing.random(24, size=(128, 128), seed=0)
    before = window_loss(tile_drawing(small, 4), objective, 512, views=8, seed=1)
    result = upscale(small, (4, 4), 512, objective=objective, steps=5, views=3, seed=0,
                     device="cpu")
    after = window_loss(result.drawing, objective, 512, views=8, seed=1)
    assert result.drawing.size == (512.0, 512.0) and len(result.drawing) == 16 * 24
    assert len(result.history["loss"]) == 5
    assert after <= before, (before, after)


def test_non_square_672x896(net):
    seen: list[StepInfo] = []
    small = Drawing.random(20, size=(224, 224), seed=0)
    result = upscale(small, "3x4", (672, 896), objective=channel(net, "blocks.2", 1), steps=1,
                     views=2, seed=0, device="cpu", callback=seen.append)
    assert result.drawing.size == (672.0, 896.0)
    assert seen[0].renders.shape == (1, 3, 224, 168)  # the overview: long side view_size
    with pytest.raises(ValueError, match="aspect ratio"):
        upscale(small, "3x4", (896, 672), objective=channel(net, "blocks.2", 1), steps=1)


def test_upscale_needs_an_objective():
    with pytest.raises(ValueError, match="upscale: expected a layer"):
        upscale(Drawing.random(3, seed=0), 2, 256, steps=1, device="cpu")


_MEMORY_CHILD = """
import json, resource, sys, torch
from torch import nn
from vecdream import Drawing
from vecdream.nets import from_module
from vecdream.objectives import channel
from vecdream.dream.large import upscale
torch.set_num_threads(1)
net = from_module(nn.Sequential(nn.Conv2d(3, 4, 3, stride=2)), name="tiny")
small = Drawing.random(100, size=(256, 256), seed=0)
kw = dict(objective=channel(net, "0", 0), steps=1, views=4, seed=0, device="cpu")
upscale(small, 1, 64, **kw)  # warm up everything but the size-dependent work
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
upscale(small, 4, int(sys.argv[1]), **kw)
print(json.dumps((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024))
"""


def _step_memory_mb(size: int) -> float:
    """Peak RSS a finetune at ``size`` adds over a warmed-up process (MiB)."""
    out = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, str(size)], check=True,
                         capture_output=True, text=True, timeout=120).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_memory_stays_flat_from_512_to_2048():
    """ru_maxrss of fresh processes (tracemalloc cannot see torch's allocations): the
    peak a 2048² finetune adds stays within 2x of the 512² one (a full 2048² render
    would need about 16x). A 64 MiB floor keeps a tiny 512² peak from making it flaky."""
    small, large = _step_memory_mb(512), _step_memory_mb(2048)
    assert large <= 2 * max(small, 64.0), (small, large)


def test_pen_width_follows_the_page_layout():
    assert math.isclose(pen_width_units((224, 224), "0.5mm", "A4"), 0.5 / (180 / 224))
    # A wide canvas turns A4 to landscape: 267 x 180 mm printable, height-bound here.
    assert math.isclose(pen_width_units((300, 100), "0.02in", "A4"),
                        0.508 / min(267 / 300, 180 / 100))
    with pytest.raises(ValueError, match="pen: expected a positive"):
        pen_width_units((10, 10), "0mm")


def test_pen_fixes_widths_in_optimize_and_upscale(net):
    objective = channel(net, "blocks.2", 1)
    result = optimize_strokes(objective=objective, n_paths=6, size=64, steps=1, views=1,
                              pen="0.5mm", page="A4", seed=0, device="cpu")
    assert torch.allclose(result.drawing.widths, torch.tensor(0.5 / (180 / 64)))
    big = upscale(result.drawing, 2, 256, objective=objective, steps=1, views=1, pen="0.5mm",
                  page="A3", seed=0, device="cpu")
    assert torch.allclose(big.drawing.widths, torch.tensor(0.5 / (267 / 128)))
    with pytest.raises(ValueError, match="pen: expected a fixed width"):
        optimize_strokes(objective=objective, size=32, steps=1, pen="0.5mm",
                         width=("free", 1.0, 2.0), device="cpu")


def test_cli_dream_from_tiles(tmp_path):
    from vecdream.cli import main

    out = tmp_path / "d.svg"
    res = CliRunner().invoke(main, [
        "dream", "--net", "efficientnet_lite0", "--layer", "blocks.2", "--channel", "0",
        "--paths", "8", "--from", "32", "--tiles", "2x3", "--size", "96", "--steps", "1",
        "--finetune-steps", "1", "--views", "1", "--seed", "0", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert Drawing.from_svg(tmp_path / "d_small.svg").size == (32.0, 32.0)
    assert Drawing.from_svg(out).size == (64.0, 96.0)
    bad = CliRunner().invoke(main, ["dream", "--tiles", "4x4", "--out", str(out)])
    assert bad.exit_code != 0 and "need --from" in bad.output


def test_public_names():
    import vecdream

    assert vecdream.upscale is upscale and vecdream.tile_drawing is tile_drawing
    assert {"upscale", "tile_drawing"} <= set(vecdream.__all__)


def test_large_plot_example_writes_the_plot(tmp_path):
    script = Path(__file__).resolve().parents[1] / "examples" / "large_plot.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--paths", "10", "--from", "64", "--tiles", "2",
         "--size", "256", "--steps", "1", "--finetune-steps", "1", "--views", "1",
         "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    plot = (tmp_path / "plot.svg").read_text()
    assert 'width="297mm"' in plot and "inkscape:groupmode" in plot
    assert (tmp_path / "plot_preview.png").is_file()
    assert Drawing.from_svg(tmp_path / "large.svg").size == (256.0, 256.0)  # --size (issue 7)
