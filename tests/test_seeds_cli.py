"""CLI smoke tests: seeds make | augment | stats, contact sheets, bad values."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from PIL import Image

from vecdream import Drawing
from vecdream.cli import main
from vecdream.export import read_metadata
from vecdream.seeds.sheet import sheet_layout

torch.set_num_threads(1)


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _check_sheet(path, labels):
    layout = sheet_layout(path)
    assert layout["labels"] == labels
    tile, cols, pad, lh = layout["tile"], layout["columns"], layout["pad"], layout["label_height"]
    rows = -(-len(labels) // cols)
    with Image.open(path) as im:
        assert im.size == (pad + cols * (tile + pad), pad + rows * (tile + lh + pad))
        sheet = torch.from_numpy(np.asarray(im.convert("L"), dtype=np.float32))
    for i in range(len(labels)):  # every tile has a picture and dark label text under it
        x, y = pad + (i % cols) * (tile + pad), pad + (i // cols) * (tile + lh + pad)
        assert sheet[y + tile:y + tile + lh, x:x + tile].min() < 100
        assert sheet[y:y + tile, x:x + tile].std() > 1


def test_make_augment_stats(tmp_path):
    out = tmp_path / "made"
    r = _run("seeds", "make", "smith", "-n", "3", "--size", "32", "--palette", "ocean",
             "--png", "--pdf", str(out))
    assert r.exit_code == 0, r.output
    names = [f"smith_{i:05d}" for i in range(3)]
    for name in names:
        assert Drawing.from_svg(out / f"{name}.svg").size == (32.0, 32.0)
        assert (out / f"{name}.png").is_file() and (out / f"{name}.pdf").is_file()
    _check_sheet(out / "contact_sheet.png", names)

    aug = tmp_path / "aug"
    r = _run("seeds", "augment", str(out), str(aug), "--per-seed", "2", "--palette",
             "#222222,#eeeeee,#cc3300", "--size", "32", "--no-preview")
    assert r.exit_code == 0, r.output
    # 3 svg + 3 pdf are vector, 3 png raster; the contact sheet is no seed
    assert "6 vector seeds" in r.output and "3 raster seeds" in r.output
    assert "skipped 1 (1 not a seed file)" in r.output
    variations = sorted(p.stem for p in aug.glob("*.svg"))
    assert len(variations) == 12 and "smith_00000_pdf_v001" in variations
    labels = sheet_layout(aug / "contact_sheet.png")["labels"]
    assert sorted(labels) == variations
    _check_sheet(aug / "contact_sheet.png", labels)

    r = _run("seeds", "stats", str(out))
    assert r.exit_code == 0, r.output
    assert "smith_00000.svg" in r.output and "raster content" in r.output
    assert "read 9 seeds (3 pdf, 3 raster, 3 svg), skipped 1" in r.output


def test_augment_writes_a_mosaic_preview(tmp_path):
    _run("seeds", "make", "truchet", "-n", "1", "--size", "24", "--no-sheet", str(tmp_path / "s"))
    r = _run("seeds", "augment", str(tmp_path / "s"), str(tmp_path / "a"), "--per-seed", "1",
             "--size", "24")
    assert r.exit_code == 0, r.output
    previews = tmp_path / "a" / "previews"  # their own folder: no seed sits among them
    page = Drawing.from_svg(previews / "truchet_00000_mosaic.svg")
    assert page.size[0] > 4 * 24 and (previews / "truchet_00000_mosaic.png").is_file()
    assert not list((tmp_path / "a").glob("*_mosaic.*"))
    assert read_metadata(previews / "truchet_00000_mosaic.svg")["sheet"] == "mosaic preview"
    assert read_metadata(previews / "truchet_00000_mosaic.png")["sheet"] == "mosaic preview"


@pytest.mark.parametrize(("args", "option"), [
    (["make", "smith", "--grid", "5"], "--grid"),
    (["make", "maze", "--palette", "#zz"], "--palette"),
    (["make", "nope"], "is not one of"),
    (["make", "maze", "-n", "0"], "-n"),
    (["augment", "--per-seed", "0"], "--per-seed"),
])
def test_bad_values_exit_2_naming_the_option(tmp_path, args, option):
    tail = [str(tmp_path), str(tmp_path / "o")] if args[0] == "augment" else [str(tmp_path / "o")]
    r = CliRunner().invoke(main, ["seeds", *args, *tail])
    assert r.exit_code == 2, r.output
    assert option in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("command", ["stats", "augment"])
def test_an_empty_folder_exits_2_naming_source(tmp_path, command):
    (tmp_path / "empty").mkdir()
    tail = [str(tmp_path / "o")] if command == "augment" else []
    r = CliRunner().invoke(main, ["seeds", command, str(tmp_path / "empty"), *tail])
    assert r.exit_code == 2, r.output
    assert "'SOURCE'" in r.output and "read 0 seeds" in r.output
    assert "Traceback" not in r.output

