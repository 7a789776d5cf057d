"""``--medium brush`` for ``vecdream dream`` and ``vecdream paint``, the brush examples and
notebooks/brush.ipynb, with the shipped neural painter (EfficientNet-Lite0, offline).

The acceptance run: with libmypaint made absent, ``paint PHOTO --medium brush`` at a
small size must lower the content loss to half its start or less and write PNG, JSON
and SVG; with libmypaint, the replay PNG exists and its PSNR is reported.
"""

from __future__ import annotations

import importlib.util
import json
import signal
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner, Result
from PIL import Image

from vecdream import Drawing
from vecdream.cli import main
from vecdream.painter import mypaint

ROOT = Path(__file__).resolve().parents[1]
PLAIN = ["--size", "32", "--views", "1", "--seed", "0", "--device", "cpu"]
TINY = [*PLAIN, "--cell", "32", "--strokes", "1"]

pytestmark = pytest.mark.usefixtures("one_thread")


def invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def loss_ratio(output: str) -> float:
    line = next(x for x in output.splitlines() if x.startswith("loss "))
    first, last = (float(v) for v in line.split()[1:4:2])
    return last / first


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> Path:
    """A 60 x 40 'photo': red and blue halves, a yellow square, a dark bar."""
    y, x = torch.meshgrid(torch.arange(40), torch.arange(60), indexing="ij")
    image = torch.zeros(40, 60, 3, dtype=torch.uint8)
    image[x < 30] = torch.tensor([200, 30, 30], dtype=torch.uint8)
    image[x >= 30] = torch.tensor([20, 40, 200], dtype=torch.uint8)
    image[(x > 18) & (x < 40) & (y > 8) & (y < 28)] = torch.tensor([250, 230, 20],
                                                                   dtype=torch.uint8)
    image[(y > 32)] = 20
    path = tmp_path_factory.mktemp("photo") / "photo.png"
    Image.fromarray(image.numpy()).save(path)
    return path


def test_paint_brush_halves_the_content_loss_without_libmypaint(photo, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setattr(mypaint, "mypaint_available", lambda: False)
    out = tmp_path / "p.svg"
    result = invoke("paint", photo, "--medium", "brush", "--size", 48, "--cell", 48,
                    "--strokes", 8, "--steps", 20, "--views", 1, "--augment", "none", "--seed", 0,
                    "--device", "cpu", "--reseed", 1, "--out", out)
    assert result.exit_code == 0, (result.output, result.exception)
    assert loss_ratio(result.output) <= 0.5, result.output
    assert "libmypaint-1.5-1 mypaint-brushes" in result.output  # the one warning line
    assert not (tmp_path / "p_replay.png").exists() and not (tmp_path / "p.ckpt").exists()
    with Image.open(tmp_path / "p.png") as im:
        assert im.size == (48, 32)
    doc = json.loads((tmp_path / "p.json").read_text())
    # paint's brush is coarse to fine: 48 px cells, then 24 px cells over them
    assert doc["size"] == [48, 32] and doc["cell_px"] == 48 and len(doc["actions"]) == 120
    assert [(layer["cell_px"], layer["count"]) for layer in doc["layers"]] == [(48, 40), (24, 80)]
    assert {a["cell"][2] for a in doc["actions"][:40]} == {48} and \
        {a["cell"][2] for a in doc["actions"][40:]} == {24}
    assert doc["metadata"]["medium"] == "brush" and doc["brush"] == mypaint.DEFAULT_BRUSH
    assert doc["metadata"]["layers"] == 2 and doc["metadata"]["steps"] == 20
    assert doc["metadata"]["brush_colour"] == "photo"  # paint's default
    assert doc["metadata"]["reseed"] == 1
    svg = Drawing.from_svg(out)
    assert svg.size == (48.0, 32.0) and len(svg) == len(doc["actions"])


@pytest.mark.mypaint
def test_dream_brush_replays_through_libmypaint(tmp_path):
    out = tmp_path / "d.png"
    result = invoke("dream", "--medium", "brush", "--class", 1, *TINY, "--steps", 2,
                    "--reseed", 1, "--gif", tmp_path / "d.gif", "--out", out)
    assert result.exit_code == 0, (result.output, result.exception)
    psnr = float(result.output.split("PSNR ")[1].split(" dB")[0])
    assert 5 < psnr < 80
    for name in ("d.png", "d.json", "d.svg", "d_replay.png", "d.gif"):
        assert (tmp_path / name).is_file(), name
    assert json.loads((tmp_path / "d.json").read_text())["metadata"]["reseed"] == 1
    with Image.open(tmp_path / "d_replay.png") as im:
        assert im.size == (32, 32)


def test_ctrl_c_stops_after_the_step_and_still_writes(tmp_path, monkeypatch):
    """Ctrl-C (the installed SIGINT handler, called from the loop's callback) stops after
    step 1, writes the outputs and exits with status 130."""
    import vecdream.painter.optimize as brush_optimize

    real = brush_optimize.optimize_brush

    def interrupted(*args, callback, **kwargs):
        def first_step_then_sigint(info):
            if info.step == 1:
                signal.getsignal(signal.SIGINT)(signal.SIGINT, None)
            return callback(info)
        return real(*args, callback=first_step_then_sigint, **kwargs)

    monkeypatch.setattr(brush_optimize, "optimize_brush", interrupted)
    monkeypatch.setattr(mypaint, "mypaint_available", lambda: False)
    result = invoke("dream", "--medium", "brush", "--class", 1, *TINY, "--steps", 5,
                    "--out", tmp_path / "c.svg")
    assert result.exit_code == 130, result.output
    assert "stopped at step 1" in result.output
    assert all((tmp_path / f"c.{ext}").is_file() for ext in ("png", "json", "svg"))


@pytest.mark.parametrize(("command", "args", "fragment"), [
    ("paint", ["--width", "2"], "--width is an option of pen strokes"),
    ("dream", ["--paths", "9"], "--paths is an option of pen strokes"),
    ("dream", ["--ink", "0.1"], "--ink is an option of pen strokes"),
    ("dream", ["--from", "16", "--tiles", "2x2"], "is an option of pen strokes"),
    ("dream", ["--medium", "pen", "--strokes", "3"], "--strokes needs --medium brush"),
    ("paint", ["--medium", "pen", "--cell", "32"], "--cell needs --medium brush"),
    ("paint", ["--medium", "pen", "--brush-colour", "photo"],
     "--brush-colour needs --medium brush"),
    ("paint", ["--medium", "pen", "--reseed", "1"], "--reseed needs --medium brush"),
    ("dream", ["--brush-colour", "photo"], "photo colours need a photo"),
])
def test_options_of_the_other_medium_are_one_line_errors(photo, command, args, fragment):
    medium = [] if "--medium" in args else ["--medium", "brush"]
    argv = [command, *([photo] if command == "paint" else []), *medium, *args, *PLAIN]
    result = invoke(*argv)
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if "Error:" in line]
    assert len(errors) == 1 and fragment in errors[0], result.output
    assert "Traceback" not in result.output


def test_bad_painter_file_names_the_option(photo, tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    result = invoke("paint", photo, "--medium", "brush", "--painter", bad, *TINY)
    assert result.exit_code == 2 and "'--painter'" in result.output, result.output
    assert "not a neural painter checkpoint" in result.output


def _load_example(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_brush_examples_write_their_files(tmp_path, capsys):
    for name in ("brush_dream", "brush_paint"):
        _load_example(name).main(["--steps", "2", "--size", "32", "--cell", "32",
                                  "--strokes", "1", "--out", str(tmp_path)])
        if name == "brush_paint":  # coarse to fine by default: 32 px cells, then 16 px
            doc = json.loads((tmp_path / "brush_paint.json").read_text())
            assert [layer["cell_px"] for layer in doc["layers"]] == [32, 16]
        for suffix in (".png", ".json", ".svg"):
            assert (tmp_path / f"{name}{suffix}").is_file(), (name, suffix)
    assert capsys.readouterr().out.count("wrote") == 2


def test_brush_notebook_runs_with_tiny_settings(tmp_path, run_notebook):
    run = run_notebook("brush.ipynb", "STEPS = ",
                       f'STEPS = 3\nSIZE = 32\nCELL = 32\nOUT = r"{tmp_path / "nb"}"')
    text = run.text
    ratio = float(text.split("content loss ")[1].split("(")[1].split(" of")[0])
    assert ratio < 1.0
    assert {"image/png", "image/svg+xml"} <= run.kinds
    assert (tmp_path / "nb" / "paint.json").is_file()


def test_paint_brush_takes_its_own_step_default(photo, tmp_path, monkeypatch):
    """100 steps unless --steps is given (the pen's 500 would take several CPU minutes)."""
    import vecdream.painter.optimize as optimize

    monkeypatch.setattr(mypaint, "mypaint_available", lambda: False)
    seen = {}

    real = optimize.coarse_to_fine

    def spy(*args, **kwargs):
        seen["steps"] = kwargs["steps"]
        return real(*args, **{**kwargs, "steps": 2})

    monkeypatch.setattr(optimize, "coarse_to_fine", spy)
    tiny = ("--medium", "brush", "--size", 32, "--cell", 32, "--strokes", 1, "--views", 1,
            "--augment", "none", "--device", "cpu", "--out", tmp_path / "p.svg")
    for given, expected in (((), 100), (("--steps", 7), 7)):
        result = invoke("paint", photo, *tiny, *given)
        assert result.exit_code == 0, (result.output, result.exception)
        assert seen["steps"] == expected


def test_too_many_layers_for_the_cell_name_the_option(photo, tmp_path):
    result = invoke("paint", photo, "--medium", "brush", "--size", 32, "--cell", 8,
                    "--layers", 3, "--steps", 1, "--out", tmp_path / "p.svg")
    assert result.exit_code == 2 and "--layers" in result.output
    assert "Traceback" not in result.output
