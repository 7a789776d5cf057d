"""`vecdream dream` and `vecdream paint` through click's CliRunner.

Real runs use EfficientNet-Lite0 (ImageNet weights offline) on tiny canvases: outputs
(SVG, PNG, checkpoint, GIF, snapshots), resume, classes, palettes, painting, Ctrl-C
(simulated by calling the installed SIGINT handler from a callback, no real signal), and
a table of bad inputs that must each give one ``Error:`` line, no traceback, exit != 0.
"""

from __future__ import annotations

import signal

import pytest
import torch
from click.testing import CliRunner, Result
from PIL import Image

import vecdream.cli.dream as cli_dream
from vecdream import Drawing
from vecdream.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from vecdream.cli import main
from vecdream.cli.common import outputs_for
from vecdream.cli.run import Recorder

EFF = ["--net", "efficientnet_lite0", "--layer", "blocks.2"]
TINY = ["--paths", "8", "--size", "32", "--views", "1", "--seed", "0"]


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(autouse=True)
def _no_cached_weights(tmp_path, monkeypatch):
    """An empty torch hub dir, and downloads through a dead proxy: never fetch weights."""
    monkeypatch.setattr(torch.hub, "_hub_dir", None, raising=False)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    for var in ("https_proxy", "HTTPS_PROXY"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")
    for var in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(var, raising=False)


def invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_ok(result: Result) -> None:
    assert result.exit_code == 0, (result.output, result.exception)


def assert_one_line_error(result: Result, exit_code: int, *fragments: str) -> str:
    """Exit code as expected, no traceback, exactly one ``Error:`` line holding fragments."""
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # not a crash
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    # "in", not startswith: an error raised mid-run follows the unclosed progress bar.
    errors = [line[line.index("Error:"):] for line in result.output.splitlines()
              if "Error:" in line]
    assert len(errors) == 1, result.output
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """One 4-step dream with a GIF and snapshots every 2 steps, shared by tests."""
    folder = tmp_path_factory.mktemp("dream")
    out, gif = folder / "d.svg", folder / "d.gif"
    result = invoke("dream", *EFF, "--channel", 3, *TINY, "--steps", 4, "--snapshot-every", 2,
                    "--gif", gif, "--out", out)
    return result, out, gif


def test_dream_writes_svg_png_and_checkpoint(first_run):
    result, out, _ = first_run
    assert_ok(result)
    assert "done at step 4" in result.output
    drawing = Drawing.from_svg(out)
    assert drawing.size == (32.0, 32.0) and len(drawing) == 8
    with Image.open(out.with_suffix(".png")) as im:
        assert im.size == (32, 32)
    ckpt = load_checkpoint(out.with_suffix(".ckpt"))
    assert ckpt.step == 4 and len(ckpt.history["loss"]) == 4
    assert ckpt.options["steps"] == 4 and ckpt.optimizer_state is not None


def test_dream_gif_and_snapshots(first_run):
    result, out, gif = first_run
    assert_ok(result)
    with Image.open(gif) as im:
        assert im.n_frames == 4 and im.size == (32, 32)  # steps // 60 < 1: every step
    snaps = sorted(p.name for p in (out.parent / "d_snapshots").iterdir())
    assert snaps == ["step_00002.svg", "step_00004.svg"]
    assert len(Drawing.from_svg(out.parent / "d_snapshots" / snaps[0])) == 8


def test_resume_continues_to_the_total_step_count(first_run, tmp_path):
    _, out, _ = first_run
    resumed = tmp_path / "r.svg"
    result = invoke("dream", *EFF, "--channel", 3, *TINY, "--steps", 6, "--resume",
                    out.with_suffix(".ckpt"), "--out", resumed)
    assert_ok(result)
    assert "resuming at step 4" in result.output and "done at step 6" in result.output
    ckpt = load_checkpoint(resumed.with_suffix(".ckpt"))
    assert ckpt.step == 6
    assert len(Drawing.from_svg(resumed)) == 8


def test_resume_keeps_the_loss_history(first_run, tmp_path):
    _, out, _ = first_run
    resumed = tmp_path / "h.svg"
    assert_ok(invoke("dream", *EFF, "--channel", 3, *TINY, "--steps", 6, "--resume",
                     out.with_suffix(".ckpt"), "--out", resumed))
    assert len(load_checkpoint(resumed.with_suffix(".ckpt")).history["loss"]) == 6


def test_resume_from_a_finished_checkpoint_runs_no_steps(first_run, tmp_path):
    _, out, _ = first_run
    result = invoke("dream", *EFF, "--channel", 3, *TINY, "--steps", 4, "--resume",
                    out.with_suffix(".ckpt"), "--out", tmp_path / "same.svg")
    assert_ok(result)
    assert "done at step 4" in result.output


def test_class_with_efficientnet(tmp_path):
    out = tmp_path / "flamingo.svg"
    result = invoke("dream", "--net", "efficientnet_lite0", "--class", 130, *TINY,
                    "--steps", 2, "--out", out)
    assert_ok(result)
    assert "done at step 2" in result.output and out.is_file()


def test_palette_and_free_widths_are_respected(tmp_path):
    out = tmp_path / "pal.svg"
    result = invoke("dream", *EFF, *TINY, "--steps", 2, "--colors", "#000000,#d62728",
                    "--width", "free:0.5:3", "--out", out)
    assert_ok(result)
    drawing = Drawing.from_svg(out)
    palette = torch.tensor([[0.0, 0.0, 0.0], [0xD6 / 255, 0x27 / 255, 0x28 / 255]])
    distance = torch.cdist(drawing.stroke[:, :3], palette).min(dim=1).values
    assert distance.max() < 0.01
    assert drawing.widths.min() >= 0.5 - 1e-3 and drawing.widths.max() <= 3 + 1e-3


def test_paint_a_small_png(tmp_path):
    photo = tmp_path / "photo.png"
    Image.new("RGB", (40, 24), (20, 120, 200)).save(photo)
    out = tmp_path / "painted.svg"
    result = invoke("paint", photo, "--net", "efficientnet_lite0", "--layer", "blocks.1",
                    "--size", 40, "--paths", 8, "--steps", 2, "--views", 1, "--augment",
                    "none", "--seed", 0, "--out", out)
    assert_ok(result)
    drawing = Drawing.from_svg(out)
    assert drawing.size == (40.0, 24.0)  # long side --size, photo's aspect ratio
    with Image.open(out.with_suffix(".png")) as im:
        assert im.size == (40, 24)
    assert out.with_suffix(".ckpt").is_file()


def _interrupt_at(monkeypatch, step: int, presses: int) -> list[int]:
    """Wrap the CLI's optimize_strokes: at ``step`` call the installed SIGINT handler
    ``presses`` times, as a Ctrl-C would. Returns the steps the callback saw."""
    real, seen = cli_dream.optimize_strokes, []

    def wrapped(*args, callback, **kwargs):
        def spy(info):
            seen.append(info.step)
            if info.step == step:
                handler = signal.getsignal(signal.SIGINT)
                assert handler == callback.on_sigint  # _run installed the recorder's handler
                for _ in range(presses):
                    handler(signal.SIGINT, None)
            return callback(info)
        return real(*args, callback=spy, **kwargs)

    monkeypatch.setattr(cli_dream, "optimize_strokes", wrapped)
    return seen


def test_ctrl_c_stops_after_the_step_and_writes_outputs(tmp_path, monkeypatch):
    before = signal.getsignal(signal.SIGINT)
    seen = _interrupt_at(monkeypatch, step=2, presses=1)
    out = tmp_path / "stopped.svg"
    result = invoke("dream", *EFF, *TINY, "--steps", 50, "--out", out)
    assert result.exit_code == 130, result.output  # 128 + SIGINT, after writing
    assert seen == [1, 2]
    assert "stopping after this step" in result.output
    assert "stopped at step 2" in result.output
    assert load_checkpoint(out.with_suffix(".ckpt")).step == 2
    assert out.is_file() and out.with_suffix(".png").is_file()
    assert signal.getsignal(signal.SIGINT) == before  # the handler is restored


def test_second_ctrl_c_quits_at_once(tmp_path, monkeypatch):
    before = signal.getsignal(signal.SIGINT)
    seen = _interrupt_at(monkeypatch, step=1, presses=2)
    out = tmp_path / "aborted.svg"
    result = invoke("dream", *EFF, *TINY, "--steps", 50, "--out", out)
    assert result.exit_code == 130 and "aborted: nothing written" in result.output
    assert "Traceback" not in result.output
    assert seen == [1] and not out.exists()
    assert signal.getsignal(signal.SIGINT) == before


def test_recorder_on_sigint_sets_stop_then_raises(tmp_path):
    recorder = Recorder(outputs_for(tmp_path / "x.svg"), {})
    recorder.on_sigint(signal.SIGINT, None)
    assert recorder.stop
    with pytest.raises(KeyboardInterrupt):
        recorder.on_sigint(signal.SIGINT, None)


def _bad_files(folder):
    (folder / "not_an_image.png").write_text("hello, not a PNG")
    (folder / "garbage.ckpt").write_text("not a checkpoint")
    (folder / "garbage.pth").write_text("not a state dict")
    torch.save({"format": "something else"}, folder / "foreign.ckpt")


ERRORS = [
    # (id, arguments, exit code, fragments of the one Error: line)
    ("unknown-layer", ["dream", "--net", "efficientnet_lite0", "--layer", "nope", *TINY],
     2, ["'--layer'", "unknown layer 'nope'", "blocks.4", "conv_head", "logits",
         "vecdream layers efficientnet_lite0"]),
    ("channel-out-of-range", ["dream", *EFF, "--channel", 5000, *TINY, "--steps", 1],
     2, ["'--channel'", "channel 5000 out of range", "0..39"]),
    ("missing-weights", ["dream", "--net", "vgg16", *TINY, "--steps", 1],
     1, ["--net vgg16 needs ImageNet weights", "vgg16-397923af.pth", "--weights PATH",
         "https://download.pytorch.org/models/vgg16-397923af.pth", "torch_home",
         "efficientnet_lite0"]),
    ("unknown-net", ["dream", "--net", "alexnet", *TINY], 2,
     ["'--net'", "alexnet", "vgg16, resnet18"]),
    ("bad-colors", ["dream", *EFF, *TINY, "--colors", "red"], 2, ["'red'", "#000000"]),
    ("bad-hex", ["dream", *EFF, *TINY, "--colors", "#12345"], 2, ["'--colors'", "hex colours"]),
    ("bad-width-syntax", ["dream", *EFF, *TINY, "--width", "free:1"], 2, ["free:LO:HI"]),
    ("bad-width-text", ["dream", *EFF, *TINY, "--width", "thick"], 2, ["'--width'", "'thick'"]),
    ("negative-width", ["dream", *EFF, *TINY, "--width", "-1"], 2, ["positive", "-1"]),
    ("inverted-width", ["dream", *EFF, *TINY, "--width", "free:5:1"], 2, ["free:5:1"]),
    ("negative-paths", ["dream", *EFF, "--paths", "-3"], 2, ["--paths", "-3"]),
    ("missing-photo", ["paint", "{tmp}/missing.png"], 2, ["does not exist"]),
    ("non-image-photo", ["paint", "{tmp}/not_an_image.png", "--net", "efficientnet_lite0"],
     2, ["cannot read image", "not_an_image.png"]),
    ("foreign-checkpoint", ["dream", *EFF, *TINY, "--resume", "{tmp}/foreign.ckpt"],
     2, ["'--resume'", "not a vecdream checkpoint"]),
    pytest.param(
        ["dream", *EFF, *TINY, "--resume", "{tmp}/garbage.ckpt"], 2, ["cannot read checkpoint"],
        id="garbage-checkpoint"),
    pytest.param(
        ["dream", "--net", "resnet18", "--layer", "layer3", *TINY, "--weights",
         "{tmp}/garbage.pth"], 2, ["'--weights'", "garbage.pth"], id="garbage-weights-file"),
]


@pytest.mark.parametrize(("args", "code", "fragments"), [
    e if isinstance(e, type(pytest.param())) else pytest.param(*e[1:], id=e[0]) for e in ERRORS])
def test_bad_input_gives_one_error_line(tmp_path, args, code, fragments):
    _bad_files(tmp_path)
    result = invoke(*(str(a).replace("{tmp}", str(tmp_path)) for a in args),
                    "--out", tmp_path / "o.svg")
    assert_one_line_error(result, code, *fragments)
    assert not (tmp_path / "o.svg").exists()


def test_checkpoint_round_trip_is_what_resume_reads(tmp_path):
    """Sanity for the fixtures above: a hand-made checkpoint resumes to the total."""
    d = Drawing.random(4, size=(32, 32), seed=1)
    save_checkpoint(Checkpoint([d], 1, None, {"loss": [0.0]}, {}), tmp_path / "h.ckpt")
    result = invoke("dream", *EFF, *TINY, "--steps", 2, "--resume", tmp_path / "h.ckpt",
                    "--out", tmp_path / "h.svg")
    assert_ok(result)
    assert "resuming at step 1" in result.output and "done at step 2" in result.output
