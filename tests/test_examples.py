"""The tutorial notebook and the example scripts run end to end (tiny step counts).

The notebook's first code cell holds its settings (``STEPS = 100`` ...); it is replaced
by a tiny one before executing with nbclient on the ``python3`` kernel, which
jupyter_client starts with this interpreter (the venv's ipykernel). Each example script
runs in a subprocess with ``--steps 2`` and a small canvas. OMP_NUM_THREADS=1: these
jobs are too small to gain from threads, and a busy machine makes idle threads spin.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from vecdream import Drawing

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TINY = ["--steps", "2", "--size", "48", "--paths", "12"]


def _single_thread_env() -> dict[str, str]:
    return {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _check_outputs(svg: Path, size: tuple[float, float]) -> Drawing:
    assert svg.is_file() and svg.with_suffix(".png").is_file()
    drawing = Drawing.from_svg(svg)
    assert drawing.size == size and len(drawing) > 0
    with Image.open(svg.with_suffix(".png")) as im:
        assert im.size == tuple(round(v) for v in size)
    return drawing


def test_notebook_runs_with_tiny_settings(tmp_path, run_notebook):
    run = run_notebook("dream.ipynb", "STEPS = 100",
                       f'STEPS = 2\nSIZE = 48\nPATHS = 12\nVIEWS = 1\nOUT = r"{tmp_path / "nb"}"',
                       append="import sys\nprint(sys.executable)", timeout=60)
    assert {"image/png", "image/svg+xml"} <= run.kinds  # renders, SVG and plot preview shown
    executable = run.outputs[-1]["text"].strip()
    assert Path(executable).resolve() == Path(sys.executable).resolve()


@pytest.mark.parametrize(("script", "args", "svg_name"), [
    ("dream_channel.py", ["--views", "1"], "dream_channel.svg"),
    ("paint_photo.py", [], "paint_photo.svg"),
    ("class_ensemble.py", ["--views", "1"], "class_130.svg"),
])
def test_example_script_writes_svg_and_png(tmp_path, script, args, svg_name):
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *TINY, *args, "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, env=_single_thread_env(), cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "wrote" in proc.stdout
    _check_outputs(tmp_path / svg_name, (48.0, 48.0))


def test_paint_photo_reads_a_photo_file(tmp_path, capsys):
    """In-process (the subprocess path is covered above): a real file, aspect ratio kept."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("paint_photo", EXAMPLES / "paint_photo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    photo = tmp_path / "photo.png"
    Image.new("RGB", (60, 40), (200, 30, 30)).save(photo)
    module.main([str(photo), *TINY, "--out", str(tmp_path)])
    assert "synthetic" not in capsys.readouterr().out
    _check_outputs(tmp_path / "paint_photo.svg", (48.0, 32.0))  # long side 48, aspect kept


def test_seeds_notebook_and_example_run(tmp_path, run_notebook):
    """notebooks/seeds.ipynb (tiny settings) and examples/seeds_families.py, end to end."""
    text = run_notebook("seeds.ipynb", "SIZE = 128",
                        f'SIZE = 32\nN = 2\nOUT = r"{tmp_path / "nb"}"').text
    assert "read 2 seeds (1 pdf, 1 svg), skipped 1" in text
    assert (tmp_path / "nb" / "mosaic_preview.svg").is_file()
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "seeds_families.py"), "--size", "32", "--out",
         str(tmp_path / "ex")], capture_output=True, text=True, timeout=120,
        env=_single_thread_env(), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    _check_outputs(tmp_path / "ex" / "seed_carlson.svg", (32.0, 32.0))
    assert (tmp_path / "ex" / "contact_sheet.png").is_file()


def test_svg_notebook_and_gradient_example_run(tmp_path, run_notebook):
    """notebooks/svg.ipynb (styled SVG vs cairosvg, round trip, learned gradient) and
    examples/gradient_fill.py, end to end at tiny settings."""
    text = run_notebook("svg.ipynb", "SIZE = 192",
                        f'SIZE = 96\nSTEPS = 10\nOUT = r"{tmp_path / "nb"}"').text
    psnr = float(text.split("vs cairosvg at 96 px: ")[1].split(" dB")[0])
    assert psnr >= 35.0
    first, last = (float(v) for v in text.split("loss ")[1].split("\n")[0].split(" -> "))
    assert last < first
    assert (tmp_path / "nb" / "design.pdf").read_bytes().startswith(b"%PDF")
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "gradient_fill.py"), "--steps", "20", "--size", "48",
         "--out", str(tmp_path / "ex")], capture_output=True, text=True, timeout=120,
        env=_single_thread_env(), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    losses = [float(line.split("loss ")[1]) for line in proc.stdout.splitlines()
              if line.startswith("step")]
    assert losses[-1] < losses[0]
    assert "<linearGradient" in (tmp_path / "ex" / "gradient_fill.svg").read_text()


def test_plot_fills_example_hatches_a_seed(tmp_path):
    proc = subprocess.run([sys.executable, str(EXAMPLES / "plot_fills.py"), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120, env=_single_thread_env())
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "plot vs render SSIM" in proc.stdout
    assert (tmp_path / "seed.hpgl").read_text().startswith("IN;")
    with Image.open(tmp_path / "seed.plot.png") as im:
        assert im.size == (827, 1169)  # A4 at 100 dpi
