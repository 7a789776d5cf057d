"""CLI: vecdream seeds issue | similar | export over a catalogue file."""

from __future__ import annotations

import csv
import json

import torch
from click.testing import CliRunner

from vecdream import Drawing
from vecdream.cli import main
from vecdream.export import read_metadata
from vecdream.seeds.families import make_drawing
from vecdream.seeds.variations import flip, rotate

torch.set_num_threads(1)


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_issue_similar_export_round_trip(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    seeds = [make_drawing("carlson", seed=s) for s in range(3)]
    for i, d in enumerate(seeds):
        d.save_svg(first / f"seed_{i}.svg", metadata={"model": "families", "seed": i})
    rotate(seeds[1], 270).save_svg(second / "copy.svg")
    make_drawing("circles", seed=9).save_svg(second / "fresh.svg")
    db = tmp_path / "brand.db"

    r = _run("seeds", "issue", first, "--catalogue", db, "--campaign", "spring")
    assert r.exit_code == 0, r.output
    assert "admitted 3 of 3" in r.output
    r = _run("seeds", "issue", second, "--catalogue", db, "--campaign", "summer")
    assert r.exit_code == 0, r.output
    assert "refused copy.svg: near-duplicate of #2 'seed_1' (campaign 'spring'" in r.output
    assert "rotated 270°)" in r.output and "admitted fresh.svg: as #4" in r.output
    assert "admitted 1 of 2" in r.output and "1 refused" in r.output

    flip(seeds[2]).save_svg(tmp_path / "query.svg")
    r = _run("seeds", "similar", tmp_path / "query.svg", "--catalogue", db, "-k", "2")
    assert r.exit_code == 0, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 2 and "seed_2" in lines[0] and "near-duplicate" in lines[0]

    out = tmp_path / "export"
    r = _run("seeds", "export", "--catalogue", db, "--campaign", "spring", out)
    assert r.exit_code == 0, r.output
    with open(out / "manifest.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert [row["name"] for row in rows] == ["seed_0", "seed_1", "seed_2"]
    records = json.loads((out / "manifest.json").read_text())
    assert records[1]["provenance"]["seed"] == "1" and records[1]["campaign"] == "spring"
    for record in records:
        svg, pdf = (out / f for f in record["files"])
        assert svg.suffix == ".svg" and pdf.suffix == ".pdf" and pdf.stat().st_size > 0
        assert read_metadata(svg)["campaign"] == "spring"
    again = Drawing.from_svg(out / records[0]["files"][0])
    assert torch.allclose(again.points, seeds[0].points, atol=1e-3)


def test_bad_catalogue_files_are_one_line_errors(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    make_drawing("flow", seed=0).save_svg(tmp_path / "s" / "a.svg")
    r = _run("seeds", "issue", tmp_path / "s", "--catalogue", junk, "--campaign", "x")
    assert r.exit_code == 2
    assert "--catalogue" in r.output and "not a usable vecdream catalogue" in r.output
    assert "Traceback" not in r.output
    r = _run("seeds", "similar", tmp_path / "s" / "a.svg", "--catalogue", tmp_path / "no.db")
    assert r.exit_code == 2 and "no such catalogue" in r.output
    r = _run("seeds", "issue", tmp_path / "s", "--catalogue", tmp_path / "ok.db",
             "--campaign", "x")
    assert r.exit_code == 0
    r = _run("seeds", "export", "--catalogue", tmp_path / "ok.db", "--campaign", "nope",
             tmp_path / "o")
    assert r.exit_code == 2 and "has no seeds" in r.output
    r = _run("seeds", "export", "--catalogue", tmp_path / "ok.db", "--campaign", "x",
             "--format", "svg,gif", tmp_path / "o")
    assert r.exit_code == 2 and "--format" in r.output


def test_catalogue_example_script(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "examples" / "seeds_catalogue.py"
    proc = subprocess.run([sys.executable, str(script), "--n", "6", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.count("refused") == 4 and "8 seeds catalogued (2 for summer)" in proc.stdout
    assert "a window of its plane turned" in proc.stdout  # the Mosaic copy, registered
    assert (tmp_path / "spring" / "manifest.csv").is_file()
