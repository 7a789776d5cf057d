"""Issue 7, table-driven: every CLI case as (arguments -> exit code, error line, files).

Errors: one ``Error:`` line naming the option, exit status 2 for bad values, no
traceback, no output file. Successes: every expected file exists and has the format
its extension says (magic bytes, and what the file reads back as). Real runs use
EfficientNet-Lite0 (offline ImageNet weights) on 32 px canvases and 1-2 steps.
"""

from __future__ import annotations

import pypdfium2
import pytest
import torch
from click.testing import CliRunner, Result
from PIL import Image

from vecdream import Drawing
from vecdream.checkpoint import load_checkpoint
from vecdream.cli import main
from vecdream.export import read_metadata

TINY = ["--paths", "6", "--size", "32", "--views", "1", "--steps", "1", "--seed", "0"]
EFF = ["--layer", "blocks.2"]
HUGE = 10**6  # 10^12 pixels: no machine has the memory, refused before allocating


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A folder with inputs; the CLI runs inside it (relative --out names land here)."""
    monkeypatch.chdir(tmp_path)
    d = Drawing.random(6, size=(40, 30), width=1.0, seed=0)
    d.save_svg(tmp_path / "in.svg")
    (tmp_path / "notes.txt").write_text("not a drawing")
    return tmp_path


def invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def error_line(result: Result, code: int) -> str:
    """The single ``Error:`` line of a failed command (no traceback)."""
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    errors = [line[line.index("Error:"):] for line in result.output.splitlines()
              if "Error:" in line]
    assert len(errors) == 1, result.output
    return errors[0]


ERRORS = [
    # (id, arguments, exit code, fragments of the Error: line)
    ("render-width-0", ["render", "in.svg", "--width", 0], 2, ["'--width'", "x>=1"]),
    ("render-width-neg", ["render", "in.svg", "--width", -5], 2, ["'--width'", "-5"]),
    ("render-samples-0", ["render", "in.svg", "--samples", 0], 2, ["'--samples'"]),
    ("render-memory", ["render", "in.svg", "--width", HUGE], 2,
     ["'--width'", "needs at least", "GiB", "available"]),
    ("render-samples-memory", ["render", "in.svg", "--samples", 50000], 2,
     ["'--samples'", "available"]),
    ("render-out-jpg", ["render", "in.svg", "--out", "x.jpg"], 2, ["'--out'", ".png, .pdf"]),
    ("random-paths-neg", ["random", "--paths", -3], 2, ["'--paths'", "-3"]),
    ("random-width-neg", ["random", "--width", -2], 2, ["'--width'", "-2"]),
    ("random-memory", ["random", "--size", f"{HUGE}x{HUGE}"], 2, ["'--size'", "available"]),
    ("random-out-jpg", ["random", "--out", "r.jpg"], 2, ["'--out'", ".svg, .pdf or .png"]),
    ("dream-lr-neg", ["dream", *TINY, "--lr", -1], 2, ["'--lr'", "-1"]),
    ("dream-device-banana", ["dream", *TINY, "--device", "banana"], 2,
     ["'--device'", "'banana'"]),
    ("dream-memory", ["dream", *TINY[:2], "--size", HUGE], 2, ["'--size'", "available"]),
    ("dream-from-memory", ["dream", *TINY[:2], "--size", 64, "--from", HUGE], 2,
     ["'--from'", "available"]),
    ("dream-out-jpg", ["dream", *TINY, "--out", "x.jpg"], 2, ["'--out'", ".svg, .pdf or .png"]),
    ("dream-gif-png", ["dream", *TINY, "--gif", "x.png"], 2, ["'--gif'", ".gif"]),
    ("class-with-layer", ["dream", *TINY, "--class", 1, "--layer", "blocks.2"], 2,
     ["--class", "--layer/--channel"]),
    ("class-with-channel", ["dream", *TINY, "--class", 1, "--channel", 3], 2,
     ["--class", "--layer/--channel"]),
    ("ensemble-without-class", ["dream", *TINY, "--net", "resnet18,vgg16", "--weights", "none"],
     2, ["--net", "--class"]),
    ("tiles-without-from", ["dream", *TINY, "--tiles", "2x2"], 2, ["--tiles", "--from"]),
    ("bad-tiles", ["dream", *TINY, "--from", 16, "--tiles", "2y2"], 2, ["'--tiles'", "KxK"]),
    ("paint-no-photo", ["paint", *TINY], 2, ["PHOTO"]),
    ("layers-unknown-net", ["layers", "alexnet"], 2, ["'NET'", "alexnet", "efficientnet_lite0"]),
    ("channels-bad-range", ["channels", "efficientnet_lite0", "blocks.2", "--range", "5:2"], 2,
     ["'--range'", "START:STOP"]),
    ("channels-range-too-far", ["channels", "efficientnet_lite0", "blocks.2", "--range",
                                "0:500", "--weights", "none"], 2, ["'--range'", "0..39"]),
    ("channels-unknown-layer", ["channels", "efficientnet_lite0", "nope", "--weights", "none"],
     2, ["'LAYER'", "unknown layer 'nope'", "vecdream layers"]),
    ("channels-out-jpg", ["channels", "efficientnet_lite0", "blocks.2", "--out", "s.jpg"], 2,
     ["'--out'", ".png"]),
    ("info-text-file", ["info", "notes.txt"], 2, ["'FILE'", ".svg, .png or .pdf"]),
    ("info-missing", ["info", "missing.svg"], 2, ["does not exist"]),
    ("plot-margin", ["plot", "in.svg", "--margin", "200mm"], 2, ["'--margin'", "half"]),
    ("plot-out-png", ["plot", "in.svg", "--out", "p.png"], 2, ["'--out'", ".svg or .pdf"]),
    ("plot-preview-gif", ["plot", "in.svg", "--preview", "p.gif"], 2, ["'--preview'", ".jpg"]),
]


@pytest.mark.parametrize(("args", "code", "fragments"),
                         [pytest.param(*e[1:], id=e[0]) for e in ERRORS])
def test_bad_values_give_one_line_naming_the_option(folder, args, code, fragments):
    before = set(folder.rglob("*"))
    line = error_line(invoke(*args), code)
    for fragment in fragments:
        assert fragment in line, line
    assert set(folder.rglob("*")) == before  # nothing written


def test_cuda_without_a_gpu_is_refused(folder, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    line = error_line(invoke("dream", *TINY, "--device", "cuda"), 2)
    assert "'--device'" in line and "CUDA is not available" in line and "--device cpu" in line


def is_png(path) -> bool:
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def is_pdf(path) -> bool:
    return path.read_bytes()[:5] == b"%PDF-"


def is_svg(path) -> bool:
    return path.read_text(encoding="utf-8").lstrip().startswith(("<svg", "<?xml"))


def pdf_page_pt(path) -> tuple[float, float]:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return tuple(pdf[0].get_size())
    finally:
        pdf.close()


OUTPUTS = [
    # (id, arguments, {file: format check})
    ("dream-out-png", ["dream", *EFF, *TINY, "--out", "x.png"],
     {"x.svg": is_svg, "x.png": is_png, "x.ckpt": load_checkpoint}),
    ("dream-out-pdf", ["dream", *EFF, *TINY, "--out", "x.pdf"],
     {"x.pdf": is_pdf, "x.svg": is_svg, "x.png": is_png, "x.ckpt": load_checkpoint}),
    ("random-out-pdf", ["random", "--paths", 5, "--size", "40x30", "--out", "r.pdf"],
     {"r.pdf": is_pdf, "r.svg": is_svg, "r.png": is_png}),
    ("render-png", ["render", "in.svg", "--out", "o.png", "--samples", 2], {"o.png": is_png}),
    ("render-pdf", ["render", "in.svg", "--out", "o.pdf"], {"o.pdf": is_pdf}),
    ("plot-pdf-jpg", ["plot", "in.svg", "--out", "p.pdf", "--preview", "p.jpg", "--dpi", 20],
     {"p.pdf": is_pdf, "p.jpg": lambda p: p.read_bytes()[:3] == b"\xff\xd8\xff"}),
    ("plot-svg-png", ["plot", "in.svg", "--out", "p.svg", "--preview", "p.png", "--dpi", 20],
     {"p.svg": is_svg, "p.png": is_png}),
]


@pytest.mark.parametrize(("args", "files"), [pytest.param(*e[1:], id=e[0]) for e in OUTPUTS])
def test_outputs_come_from_one_stem_in_the_right_format(folder, args, files):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    for name, check in files.items():
        path = folder / name
        assert path.is_file(), (name, sorted(p.name for p in folder.iterdir()))
        assert check(path) is not False, name


def test_plot_pdf_is_the_page_in_mm(folder):
    assert invoke("plot", "in.svg", "--page", "A5", "--out", "p.pdf").exit_code == 0
    w, h = pdf_page_pt(folder / "p.pdf")
    assert sorted((w, h)) == pytest.approx([148 / 25.4 * 72, 210 / 25.4 * 72], abs=0.5)


def test_dream_pdf_page_is_the_canvas(folder):
    assert invoke("dream", *EFF, *TINY, "--out", "x.pdf").exit_code == 0
    assert pdf_page_pt(folder / "x.pdf") == pytest.approx((24.0, 24.0), abs=0.01)  # 32 u * 0.75


@pytest.mark.parametrize("name", ["x.svg", "x.png", "x.pdf"])
def test_provenance_in_every_output_and_info_prints_it(folder, name):
    result = invoke("dream", *EFF, "--channel", 3, *TINY[:-2], "--out", "x.pdf")  # no --seed
    assert result.exit_code == 0, result.output
    record = read_metadata(folder / name)
    assert {k: record[k] for k in ("command", "net", "layer", "channel", "steps", "size")} == {
        "command": "dream", "net": "efficientnet_lite0", "layer": "blocks.2", "channel": "3",
        "steps": "1", "size": "32x32"}
    assert int(record["seed"]) >= 0  # drawn, recorded
    assert load_checkpoint(folder / "x.ckpt").options["seed"] == int(record["seed"])
    info = invoke("info", name)
    assert info.exit_code == 0
    for key in ("vecdream", "net", "layer", "channel", "steps", "seed", "size"):
        assert any(line.split()[:1] == [key] for line in info.output.splitlines()), key


@pytest.mark.parametrize(("tiles", "size"), [("2x2", (64.0, 64.0)), ("2x1", (64.0, 32.0))])
def test_size_is_the_output_canvas_with_from_and_tiles(folder, tiles, size):
    result = invoke("dream", *EFF, *TINY[:2], "--views", 1, "--steps", 1, "--size", 64,
                    "--from", 32, "--tiles", tiles, "--out", "big.svg")
    assert result.exit_code == 0, result.output
    assert Drawing.from_svg(folder / "big.svg").size == size
    with Image.open(folder / "big.png") as im:
        assert im.size == tuple(int(v) for v in size)
    assert Drawing.from_svg(folder / "big_small.svg").size == (32.0, 32.0)


def test_class_name_is_printed(folder):
    result = invoke("dream", *TINY, "--class", 130, "--out", "c.svg")
    assert result.exit_code == 0, result.output
    assert "class 130: flamingo" in result.output
    assert read_metadata(folder / "c.svg")["class"] == "130 flamingo"


def test_default_net_works_offline(folder):
    result = invoke("dream", *TINY, "--out", "d.svg")  # no --net, no --layer
    assert result.exit_code == 0, result.output
    record = read_metadata(folder / "d.svg")
    assert (record["net"], record["layer"]) == ("efficientnet_lite0", "blocks.4")


def test_plot_says_what_the_pen_cannot_draw(folder):
    d = Drawing.random(10, size=(100, 100), width=0.25, colors=False, seed=1)  # 0.45 mm
    d.fill[:3] = torch.tensor([1.0, 0.0, 0.0, 1.0])  # 3 filled
    d.widths[3:5] = 20.0  # 2 wide: 20 units of 100 on A4 are ~36 mm
    d.stroke[5:9, 3] = 0.5  # 4 semi-transparent
    d.save_svg(folder / "mixed.svg")
    result = invoke("plot", "mixed.svg", "--fill", "none")  # normal verbosity
    assert result.exit_code == 0, result.output
    out = result.output
    assert "warning: 3 filled path(s): fills dropped (--fill none)" in out
    assert "warning: 2 stroke(s) wider than the 0.5 mm pen" in out
    assert "warning: 4 semi-transparent stroke(s) or fill(s)" in out
    hatched = invoke("plot", "mixed.svg")  # default --fill hatch: fills and wide strokes drawn
    assert hatched.exit_code == 0, hatched.output
    assert "fills dropped" not in hatched.output and "wider than" not in hatched.output
    Drawing.random(6, size=(100, 100), width=0.3, seed=1).save_svg(folder / "thin.svg")
    clean = invoke("plot", "thin.svg", "--pen", "0.5mm")  # 0.54 mm strokes, opaque, no fill
    assert clean.exit_code == 0 and "warning" not in clean.output
