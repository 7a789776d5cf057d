"""Plot preview, the pyaxidraw bridge (with a fake module) and the `vecdream plot` CLI."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from PIL import Image

import vecdream.plot as vp
from vecdream import Drawing
from vecdream.cli import main
from vecdream.plot.axidraw import INSTALL_HINT


def line_plot() -> vp.PenPlot:
    """A4 portrait, 15 mm margin, one 1 mm red line across y = 100 mm from x = 50 to 150."""
    pen = vp.Pen("red", (1.0, 0.0, 0.0))
    return vp.PenPlot((210.0, 297.0), 1.0, 15.0,
                      [vp.Layer(1, pen, [np.array([[50.0, 100.0], [150.0, 100.0]])])])


def test_preview_size_ink_margin_and_travel(tmp_path):
    path = tmp_path / "preview.png"
    vp.preview_png(line_plot(), path, dpi=50)
    image = np.asarray(Image.open(path).convert("RGB")).astype(int)
    assert image.shape == (round(297 / 25.4 * 50), round(210 / 25.4 * 50), 3)  # (585, 413)
    px = 50 / 25.4
    y, x = int(100 * px), round(100 * px)  # pixel row 196 lies inside the 2 px wide line
    assert image[y, x, 0] > 245 and image[y, x, 1:].max() < 10
    assert image[y + 20, x].tolist() == [255, 255, 255]  # paper
    margin_px = image[round(150 * px), int(15 * px)]
    assert 150 < margin_px.min() < 255 and margin_px.max() - margin_px.min() < 10  # light grey
    with_travel = vp.preview_image(line_plot(), dpi=50, show_travel=True)
    travel = with_travel[:, round(50 * px), round(25 * px)]  # on home -> (50, 100)
    assert travel[0] > 0.9 and travel[1] < 0.97


def test_preview_reads_the_svg_file(tmp_path):
    svg = tmp_path / "p.svg"
    svg.write_text(vp.plot_to_svg(line_plot()))
    a = vp.preview_image(svg, dpi=20)
    b = vp.preview_image(line_plot(), dpi=20)
    assert torch.allclose(a, b, atol=1e-4)


class FakeAxiDraw:
    calls: list[tuple] = []

    def __init__(self):
        self.options = types.SimpleNamespace()
        self.errors = types.SimpleNamespace(code=0)
        self.time_estimate = 0.0

    def plot_setup(self, path):
        FakeAxiDraw.calls.append(("plot_setup", path))

    def plot_run(self):
        FakeAxiDraw.calls.append(("plot_run", dict(vars(self.options))))
        self.time_estimate = 123.5


@pytest.fixture
def fake_pyaxidraw(monkeypatch):
    FakeAxiDraw.calls = []
    package = types.ModuleType("pyaxidraw")
    module = types.ModuleType("pyaxidraw.axidraw")
    module.AxiDraw = FakeAxiDraw
    package.axidraw = module
    monkeypatch.setitem(sys.modules, "pyaxidraw", package)
    monkeypatch.setitem(sys.modules, "pyaxidraw.axidraw", module)
    return FakeAxiDraw.calls


def test_axidraw_calls(tmp_path, fake_pyaxidraw):
    svg = tmp_path / "p.svg"
    svg.write_text(vp.plot_to_svg(line_plot()))
    messages = []
    vp.plot_with_axidraw(svg, layer=2, model=2, progress=messages.append)
    assert fake_pyaxidraw[0] == ("plot_setup", str(svg))
    assert fake_pyaxidraw[1] == ("plot_run", {"mode": "layers", "layer": 2, "model": 2})
    assert len(messages) == 2
    assert vp.axidraw_estimate(svg) == 123.5
    assert fake_pyaxidraw[-1] == ("plot_run", {"preview": True, "report_time": True})


def test_missing_pyaxidraw_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyaxidraw", None)  # import fails
    svg = tmp_path / "p.svg"
    svg.write_text(vp.plot_to_svg(line_plot()))
    with pytest.raises(vp.AxiDrawUnavailable, match=r"axidraw\.com/doc/py_api.*pip install"):
        vp.axidraw_estimate(svg)
    with pytest.raises(ImportError):
        vp.plot_with_axidraw(svg)
    assert "\n" not in INSTALL_HINT


@pytest.fixture
def drawing_svg(tmp_path):
    path = tmp_path / "drawing.svg"
    Drawing.random(40, size=(200, 100), colors=True, seed=0).save_svg(path)
    return path


def test_cli_plot_writes_svg_preview_and_estimate(drawing_svg, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyaxidraw", None)
    out = drawing_svg.with_name("drawing.plot.svg")
    preview = drawing_svg.with_name("preview.png")
    result = CliRunner().invoke(main, [
        "plot", str(drawing_svg), "--page", "A5", "--pen", "0.02in", "--margin", "1cm",
        "--pens", "black,red,blue", "--preview", str(preview), "--dpi", "30", "--estimate"])
    assert result.exit_code == 0, result.output
    plot = vp.read_plotter_svg(out)
    assert plot.page_mm == (210.0, 148.0) and plot.pen_width_mm == pytest.approx(0.508)
    assert plot.margin_mm == 10 and 1 <= len(plot.layers) <= 3
    assert Image.open(preview).size == (round(210 / 25.4 * 30), round(148 / 25.4 * 30))
    assert "total" in result.output and "pyaxidraw estimate" not in result.output


def test_cli_plot_with_fake_axidraw(drawing_svg, fake_pyaxidraw, monkeypatch):
    monkeypatch.setitem(sys.modules, "plotink", None)  # pyaxidraw stands in for plotink
    result = CliRunner().invoke(main, ["plot", str(drawing_svg), "--out",
                                       str(drawing_svg.with_name("o.svg")), "--estimate",
                                       "--axidraw", "--layer", "1", "--model", "2"])
    assert result.exit_code == 0, result.output
    assert "pyaxidraw estimate: 0:02:04" in result.output
    assert fake_pyaxidraw[-1] == ("plot_run", {"mode": "layers", "layer": 1, "model": 2})


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--pen", "0.5parsec"], 2, "unknown length unit"),
        (["--page", "B9"], 2, "expected a page name"),
        (["--pens", "black,octarine"], 2, "expected a CSS colour"),
        (["--margin", "200mm"], 2, "expected less than half"),
        (["--out", "x.png"], 2, "ending in .svg or .pdf"),
        (["--preview", "x.gif"], 2, "ending in .png or .jpg or .jpeg"),
        (["--layer", "2"], 2, "--layer needs --axidraw"),
        (["--axidraw"], 1, "pip install"),
    ],
)
def test_cli_plot_errors_are_one_line(drawing_svg, monkeypatch, args, code, message):
    monkeypatch.setitem(sys.modules, "pyaxidraw", None)
    monkeypatch.setitem(sys.modules, "plotink", None)
    result = CliRunner().invoke(main, ["plot", str(drawing_svg), *args])
    assert result.exit_code == code
    assert message in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_cli_plot_bad_svg(tmp_path):
    bad = tmp_path / "bad.svg"
    bad.write_text("<svg")
    result = CliRunner().invoke(main, ["plot", str(bad)])
    assert result.exit_code == 2 and "bad.svg: malformed XML" in result.output  # bad input
