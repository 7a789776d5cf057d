"""The real brush engine (libmypaint through ctypes), the stroke cache and the CLI commands
that need the engine (marked ``mypaint``: skipped where libmypaint is missing, required by
.ci/run); the "missing" path is tested by pointing the loader at a library name that does
not exist."""

from __future__ import annotations

import json

import pytest
import torch
from click.testing import CliRunner

from vecdream.cli import main
from vecdream.painter import mypaint as mp
from vecdream.painter.actions import CELL, radius_px
from vecdream.painter.strokes_data import StrokeDataset, build_stroke_cache

torch.set_num_threads(1)

# A horizontal stroke across the middle of the cell, full pressure, mid size, orange.
LINE = torch.tensor([1.0, 1.0, 0.5, 0.9, 0.5, 0.1, 0.2, 0.5, 0.5, 0.5, 0.8, 0.5])


@pytest.fixture
def no_mypaint(monkeypatch):
    monkeypatch.setenv("VECDREAM_LIBMYPAINT", "libmypaint-does-not-exist.so.0")


@pytest.mark.mypaint
def test_engine_is_installed_and_has_the_presets():
    assert mp.mypaint_available()
    assert mp.DEFAULT_BRUSH in mp.BRUSHES and len(mp.BRUSHES) >= 3
    for brush in mp.BRUSHES:
        assert json.loads(mp.brush_json(brush))["settings"]


@pytest.mark.mypaint
def test_stroke_lies_on_the_curve_in_the_action_colour():
    rgba = mp.render_stroke(LINE)
    assert rgba.shape == (4, CELL, CELL) and rgba.dtype == torch.float32
    assert 0 <= rgba.min() and rgba.max() <= 1
    alpha = rgba[3]
    assert alpha[32, 20:44].min() > 0.9  # along the segment from x=12.8 to x=51.2
    assert alpha[:20].max() == 0 and alpha[44:].max() == 0  # far above and below: no paint
    assert alpha[:, :5].max() == 0 and alpha[:, 60:].max() == 0  # beyond the end caps
    # Thickness: pen radius grows with pressure (preset dynamics), so at least radius_px.
    rows = (alpha[:, 32] > 0.5).sum().item()
    assert rows >= 2 * radius_px(0.5) - 1
    inside = alpha > 0.9
    colour = rgba[:3][:, inside].mean(1)
    assert torch.allclose(colour, LINE[3:6], atol=0.02)


@pytest.mark.mypaint
def test_rendering_is_deterministic_for_every_preset():
    actions = torch.rand(3, 12, generator=torch.Generator().manual_seed(3))
    for brush in mp.BRUSHES:
        first = mp.render_actions(actions, brush=brush)
        assert first[3].sum() > 0, brush
        assert torch.equal(first, mp.render_actions(actions, brush=brush)), brush


@pytest.mark.mypaint
def test_origins_and_cell_place_and_scale_strokes():
    two = torch.stack([LINE, LINE])
    origins = torch.tensor([[0.0, 0.0], [128.0, 64.0]])
    rgba = mp.render_actions(two, size=(256, 192), origins=origins, cell=128)
    assert rgba.shape == (4, 192, 256)
    alpha = rgba[3] > 0.5
    # Centroids: on the centre line; along it a few pixels early (start blob, dab lag).
    ys, xs = alpha[:, :128].nonzero(as_tuple=True)
    assert abs(ys.float().mean() - 64) < 1.5 and abs(xs.float().mean() - 64) < 6
    ys, xs = alpha[:, 128:].nonzero(as_tuple=True)
    assert abs(ys.float().mean() - 128) < 1.5 and abs(xs.float().mean() + 128 - 192) < 6
    # Twice the cell, twice the radius: about twice as thick as on a 64 px cell.
    small = (mp.render_stroke(LINE)[3, :, 32] > 0.5).sum().item()
    assert abs((alpha[:, 64]).sum().item() - 2 * small) <= 2


@pytest.mark.mypaint
def test_background_composites_and_strokes_paint_in_order():
    red, blue = LINE.clone(), LINE.clone()
    red[3:6] = torch.tensor([1.0, 0.0, 0.0])
    blue[3:6] = torch.tensor([0.0, 0.0, 1.0])
    rgba = mp.render_actions(torch.stack([red, blue]), background=(1.0, 1.0, 1.0))
    assert torch.equal(rgba[3], torch.ones(CELL, CELL))
    assert torch.allclose(rgba[:3, 0, 0], torch.ones(3))
    assert rgba[2, 32, 32] > 0.95 and rgba[0, 32, 32] < 0.05  # the later stroke is on top


@pytest.mark.mypaint
def test_bad_inputs_are_value_errors():
    with pytest.raises(ValueError, match=r"\(N, 12\)"):
        mp.render_actions(torch.zeros(2, 5))
    with pytest.raises(ValueError, match="origins"):
        mp.render_actions(torch.zeros(2, 12), origins=torch.zeros(3, 2))
    with pytest.raises(ValueError, match="unknown brush 'classic/nope'"):
        mp.render_stroke(LINE, brush="classic/nope")


def test_missing_library_is_one_clear_line(no_mypaint):
    assert not mp.mypaint_available()
    with pytest.raises(mp.MyPaintMissing) as info:
        mp.render_stroke(LINE)
    message = str(info.value)
    assert "\n" not in message and "apt-get install libmypaint-1.5-1 mypaint-brushes" in message


@pytest.mark.parametrize("args", [
    ["painter", "fidelity", "--n", "2"],
    ["painter", "train", "--data", "{tmp}/d", "--out", "{tmp}/o", "--steps", "1"],
])
def test_cli_without_the_engine_says_what_to_install(no_mypaint, tmp_path, args):
    result = CliRunner().invoke(main, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 1, result.output
    assert "apt-get install libmypaint-1.5-1 mypaint-brushes" in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit


@pytest.mark.mypaint
def test_cli_refuses_an_unknown_brush(tmp_path):
    result = CliRunner().invoke(main, ["painter", "train", "--data", str(tmp_path / "d"),
                                       "--out", str(tmp_path / "o"), "--brush", "x/y"])
    assert result.exit_code == 2 and "--brush" in result.output and "unknown brush" in result.output


@pytest.mark.mypaint
def test_stroke_cache_resumes_chunk_by_chunk(tmp_path):
    folder = tmp_path / "strokes"
    build_stroke_cache(folder, 6, chunk=3)
    first = StrokeDataset(folder)
    assert len(first) == 6 and first.rgba.dtype == torch.uint8
    (folder / "chunk_00001.npz").unlink()  # an interrupted run
    seen = []
    build_stroke_cache(folder, 9, chunk=3, progress=seen.append)
    assert seen == [3, 6, 9]
    again = StrokeDataset(folder)
    assert len(again) == 9
    assert torch.equal(again.rgba[:6], first.rgba) and torch.equal(again.actions[:6],
                                                                    first.actions)
    action, rgba = again[4]
    assert torch.allclose(rgba, mp.render_stroke(action), atol=1 / 255)
    with pytest.raises(ValueError, match="another --data folder"):
        build_stroke_cache(folder, 3, chunk=3, seed=1)
