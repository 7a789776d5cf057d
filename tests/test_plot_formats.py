"""What ``vecdream plot`` writes, read back by vpype; HPGL and G-code; the vpype plug-in;
plot-vs-render similarity (issue 26)."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import vpype
import vpype_cli
from click.testing import CliRunner

import vecdream.plot as vp
from vecdream import Drawing
from vecdream.cli import main as cli
from vecdream.plot.compare import plot_similarity
from vecdream.plot.vpype_io import PX_PER_MM, from_document, hpgl_devices, to_document, to_hpgl


@pytest.fixture
def filled_svg(tmp_path):
    d = Drawing.random(12, size=(100, 100), seed=3, width=0.2)
    d.fill[:4] = torch.tensor([0.1, 0.1, 0.1, 1.0])  # 4 filled, hatched by default
    d.closed[:4] = True
    d.save_svg(tmp_path / "d.svg")
    return tmp_path / "d.svg"


def _invoke(*args):
    result = CliRunner().invoke(cli, list(map(str, args)), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_vpype_reads_the_plotter_svg_with_the_plots_lines(filled_svg, tmp_path):
    _invoke("plot", filled_svg, "--out", tmp_path / "p.svg")
    plot = vp.read_plotter_svg(tmp_path / "p.svg")
    document = vpype.read_multilayer_svg(str(tmp_path / "p.svg"), quantization=0.05)
    assert len(document.layers[1]) == plot.n_paths > 12  # hatching adds lines
    ink = document.length() / PX_PER_MM
    assert ink == pytest.approx(vp.plot_stats(plot).ink_mm, rel=1e-3)


def hpgl_ink_mm(text: str) -> float:
    """Pen-down length of HPGL text (PA/PR, PU/PD; 40 plotter units per mm)."""
    relative, pos, ink = False, np.zeros(2), 0.0
    for command in filter(None, (c.strip() for c in text.split(";"))):
        op, args = command[:2], command[2:]
        if op in ("PA", "PR"):
            relative = op == "PR"
        if op in ("PU", "PD") and args:
            xy = np.array([float(v) for v in args.split(",")]).reshape(-1, 2)
            for point in xy:
                nxt = pos + point if relative else point
                ink += np.linalg.norm(nxt - pos) if op == "PD" else 0.0
                pos = nxt
    return ink / 40


def test_hpgl_draws_the_plots_lines_in_plotter_units(filled_svg, tmp_path):
    _invoke("plot", filled_svg, "--out", tmp_path / "p.hpgl", "--plotter", "hp7475a")
    text = (tmp_path / "p.hpgl").read_text()
    plot = vp.drawing_to_plot(Drawing.from_svg(filled_svg), "A4")
    assert text.startswith("IN;") and "SP1" in text
    assert hpgl_ink_mm(text) == pytest.approx(vp.plot_stats(plot).ink_mm, rel=0.02)


def test_hpgl_refuses_a_page_the_device_does_not_take(filled_svg, tmp_path):
    result = CliRunner().invoke(cli, ["plot", str(filled_svg), "--out", str(tmp_path / "p.hpgl"),
                                      "--page", "300x300mm"])
    assert result.exit_code == 2 and "'--page'" in result.output and "a4" in result.output
    assert "hp7475a" in hpgl_devices() and "designmate" not in hpgl_devices()


def test_gcode_through_vpype_gcode(filled_svg, tmp_path):
    pytest.importorskip("vpype_gcode", reason="needs vpype-gcode: pip install vpype-gcode")
    _invoke("plot", filled_svg, "--out", tmp_path / "p.gcode")
    text = (tmp_path / "p.gcode").read_text()
    assert "G21" in text and text.count("G00") >= 1 and "G01" in text


def test_the_cli_knows_every_fill_mode():
    from vecdream.cli.plot import FILL_CHOICES
    from vecdream.plot.fills import FILL_MODES

    assert FILL_CHOICES == FILL_MODES  # copied so that --help stays light


def test_document_round_trip_keeps_pens_and_lines():
    d = Drawing.random(20, size=(100, 100), seed=1, width=0.2, colors=True)
    plot = vp.drawing_to_plot(d, "A4", pens=["black", "red", "blue"])
    back = from_document(to_document(plot))
    assert [layer.pen.name for layer in back.layers] == [layer.pen.name for layer in plot.layers]
    assert back.pen_width_mm == pytest.approx(plot.pen_width_mm)
    for a, b in zip(plot.layers, back.layers, strict=True):
        assert all(np.allclose(x, y) for x, y in zip(a.lines, b.lines, strict=True))
    assert to_hpgl(plot, "hp7475a").count("SP") >= len(plot.layers)


def test_plugin_commands_run_in_a_vpype_pipeline(filled_svg, tmp_path):
    out = tmp_path / "out.svg"
    document = vpype_cli.execute(
        f"vdread --pens black,red '{filled_svg}' linemerge linesort write '{out}'")
    assert document.layers and out.exists()
    plot = vp.drawing_to_plot(Drawing.from_svg(filled_svg), "A4")
    assert document.length() / PX_PER_MM == pytest.approx(vp.plot_stats(plot).ink_mm, rel=0.01)
    dreamed = vpype_cli.execute("vddream --size 32 --paths 6 --steps 2 --pen 0.3mm")
    assert dreamed.layers and dreamed.length() > 0


def test_estimate_reports_how_close_the_plot_is_to_the_render(filled_svg, tmp_path):
    output = _invoke("plot", filled_svg, "--out", tmp_path / "p.svg", "--estimate")
    score = float(re.search(r"plot vs render: SSIM (-?[\d.]+)", output).group(1))
    assert 0.5 < score <= 1.0


def test_hatching_brings_the_plot_closer_to_a_filled_render():
    d = Drawing.random(6, size=(100, 100), seed=5, width=0.2, radius=0.4, segments=(2, 3))
    d.fill[:] = torch.tensor([0.0, 0.0, 0.0, 1.0])  # large black shapes
    d.closed[:] = True
    hatched = plot_similarity(d, vp.drawing_to_plot(d, "A5"))
    dropped = plot_similarity(d, vp.drawing_to_plot(d, "A5", fill="none"))
    assert hatched > 0.75 and hatched > dropped + 0.2, (hatched, dropped)  # 0.83 vs 0.43
