"""Honest resume (issue 7, items 11-12): the checkpoint says what the run was.

``dream --resume x.ckpt`` alone restores the objective and every option (net, layer,
channel, paths, size, colours, widths, views, seed, outputs) and reproduces the
uninterrupted run bit-for-bit on CPU, GIF history included; an option given on the
command line that differs from the checkpoint is an error naming it.
"""

from __future__ import annotations

import signal

import pytest
import torch
from click.testing import CliRunner, Result
from PIL import Image

import vecdream.cli.dream as cli_dream
from vecdream.checkpoint import load_checkpoint
from vecdream.cli import main
from vecdream.export import read_metadata

RUN = ["--layer", "blocks.2", "--channel", 3, "--paths", 6, "--size", 32, "--views", 2,
       "--steps", 4, "--colors", "free", "--width", "free:0.5:2"]


pytestmark = pytest.mark.usefixtures("one_thread")


def invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def interrupt_at(monkeypatch, step: int) -> None:
    """Press Ctrl-C (call the installed SIGINT handler) once, after ``step``."""
    real = cli_dream.optimize_strokes

    def wrapped(*args, callback, **kwargs):
        def spy(info):
            if info.step == step:
                signal.getsignal(signal.SIGINT)(signal.SIGINT, None)
            return callback(info)
        return real(*args, callback=spy, **kwargs)

    monkeypatch.setattr(cli_dream, "optimize_strokes", wrapped)


@pytest.fixture
def stopped(tmp_path, monkeypatch):
    """A run of 4 steps stopped by Ctrl-C after step 2, with no --seed and a GIF."""
    monkeypatch.chdir(tmp_path)
    with monkeypatch.context() as m:
        interrupt_at(m, 2)
        result = invoke("dream", *RUN, "--gif", "part.gif", "--out", "part.svg")
    assert result.exit_code == 130, result.output
    assert "stopped at step 2" in result.output
    return tmp_path


def test_resume_alone_reproduces_the_uninterrupted_run_bit_for_bit(stopped):
    seed = read_metadata(stopped / "part.svg")["seed"]  # drawn, since none was given
    assert load_checkpoint(stopped / "part.ckpt").step == 2
    resumed = invoke("dream", "--resume", "part.ckpt")  # nothing else
    assert resumed.exit_code == 0, resumed.output
    assert "resuming at step 2" in resumed.output and "done at step 4" in resumed.output
    full = invoke("dream", *RUN, "--seed", seed, "--gif", "full.gif", "--out", "full.svg")
    assert full.exit_code == 0, full.output

    a, b = load_checkpoint(stopped / "part.ckpt"), load_checkpoint(stopped / "full.ckpt")
    assert a.step == b.step == 4 and a.history == b.history
    for da, db in zip(a.drawings, b.drawings, strict=True):
        for name, ta in da.state_dict().items():
            tb = db.state_dict()[name]
            assert torch.equal(ta, tb) if isinstance(ta, torch.Tensor) else ta == tb, name
    assert (stopped / "part.svg").read_text() == (stopped / "full.svg").read_text().replace(
        "full", "part")
    with Image.open(stopped / "part.gif") as gif:  # the whole history, not the new frames
        assert gif.n_frames == 4


def test_resume_restores_the_objective_and_options(stopped):
    assert invoke("dream", "--resume", "part.ckpt", "--steps", 5,
                  "--out", "more.png").exit_code == 0
    record = read_metadata(stopped / "more.svg")
    assert (record["net"], record["layer"], record["channel"]) == (
        "efficientnet_lite0", "blocks.2", "3")
    assert record["steps"] == "5" and record["size"] == "32x32" and record["paths"] == "6"
    ckpt = load_checkpoint(stopped / "more.ckpt")
    assert ckpt.options["width"] == "free:0.5:2" and ckpt.options["colors"] == "free"
    assert len(ckpt.history["loss"]) == 5


@pytest.mark.parametrize(("option", "value", "stored"), [
    ("--layer", "blocks.3", "blocks.2"),
    ("--channel", 4, "3"),
    ("--paths", 9, "6"),
    ("--size", 48, "32"),
    ("--net", "resnet18", "efficientnet_lite0"),
    ("--width", "1.0", "free:0.5:2"),
    ("--seed", 12345, None),
])
def test_a_conflicting_option_is_an_error_naming_it(stopped, option, value, stored):
    result = invoke("dream", "--resume", "part.ckpt", option, value)
    assert result.exit_code == 2 and "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert f"{option} {value} conflicts with the checkpoint's {option}" in errors[0]
    if stored is not None:
        assert f"{option} {stored} " in errors[0].split("checkpoint's")[1]
    assert load_checkpoint(stopped / "part.ckpt").step == 2  # untouched


def test_the_same_option_again_is_fine(stopped):
    result = invoke("dream", "--resume", "part.ckpt", "--layer", "blocks.2", "--paths", 6)
    assert result.exit_code == 0, result.output


def test_a_checkpoint_of_another_command_is_refused(stopped):
    Image.new("RGB", (24, 16), (20, 120, 200)).save(stopped / "photo.png")
    assert invoke("paint", "photo.png", "--layer", "blocks.1", "--paths", 4, "--size", 24,
                  "--steps", 1, "--views", 1, "--out", "p.svg").exit_code == 0
    result = invoke("dream", "--resume", "p.ckpt")
    assert result.exit_code == 2 and "`vecdream paint`" in result.output
    again = invoke("paint", "--resume", "p.ckpt", "--steps", 2)  # the photo comes back too
    assert again.exit_code == 0, again.output
    assert read_metadata(stopped / "p.svg")["photo"] == "photo.png"


def test_a_checkpoint_older_than_untangle_resumes_without_it(stopped):
    from vecdream.checkpoint import save_checkpoint

    ckpt = load_checkpoint("part.ckpt")
    assert ckpt.options["untangle"] == 0.09
    del ckpt.options["untangle"]  # what a checkpoint of an older vecdream holds
    save_checkpoint(ckpt, "old.ckpt")
    assert invoke("dream", "--resume", "old.ckpt", "--out", "old.svg").exit_code == 0
    assert load_checkpoint("old.ckpt").options["untangle"] == 0.0  # resumed as it began
