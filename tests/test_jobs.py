"""Batch jobs: ordered single writer, retries, resume; Ray and the local pool agree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from vecdream.cli import main
from vecdream.jobs import Item, Journal, run_jobs
from vecdream.seeds.families import make_drawings

torch.set_num_threads(1)
os.environ.setdefault("OMP_NUM_THREADS", "1")  # spawned pool workers inherit it


def square(x: int) -> int:
    return x * x


def flaky(x: int, marker: str) -> int:
    """Fails the first time it is called for ``x`` (a file remembers, across processes)."""
    path = Path(marker) / f"{x}.seen"
    if x % 2 and not path.exists():
        path.touch()
        raise RuntimeError(f"transient failure of {x}\nsecond line")
    return x


def broken(x: int) -> int:
    if x == 3:
        raise ValueError("bad input 3")
    return x


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_results_reach_the_writer_in_order_with_retries(tmp_path):
    got = []
    items = [Item(f"k{i}", {"x": i, "marker": str(tmp_path)}) for i in range(6)]
    report = run_jobs(flaky, items, lambda it, r: got.append((it.key, r)), workers=2,
                      retries=1)
    assert got == [(f"k{i}", i) for i in range(6)] and report.ok
    assert report.backend == "local pool"
    report = run_jobs(broken, [Item(f"k{i}", {"x": i}) for i in range(5)],
                      lambda it, r: got.append(r), workers=1, retries=2)
    assert report.failed == {"k3": "ValueError: bad input 3"}
    assert report.written == ["k0", "k1", "k2", "k4"]


def test_journal_makes_a_rerun_skip_finished_items(tmp_path):
    journal = Journal(tmp_path / "j")
    items = [Item(f"k{i}", {"x": i}) for i in range(4)]
    first = run_jobs(broken, items, lambda it, r: None, journal=journal, retries=0)
    journal.close()
    assert first.failed == {"k3": "ValueError: bad input 3"}
    again = Journal(tmp_path / "j")
    seen = []
    second = run_jobs(square, items, lambda it, r: seen.append(r), journal=again)
    assert second.skipped == ["k0", "k1", "k2"] and seen == [9]  # only the failed one reruns
    assert len(again) == 4


@pytest.fixture(scope="module")
def ray_session():
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seeds")
    for i, d in enumerate(make_drawings("truchet", 8, seed=0, size=16, grid=4)):
        d.save_svg(folder / f"t{i}.svg")
    path = tmp_path_factory.mktemp("model") / "model.pt"
    r = _run("seeds", "train", folder, "--steps", "2", "--out", path, "--size", "16",
             "--paths", "4", "--batch", "4")
    assert r.exit_code == 0, r.output
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.suffix == ".svg" or p.name == "sweep.json"}


def _rows(db: Path) -> list[tuple]:
    from vecdream.seeds.catalogue import Catalogue

    with Catalogue(db, create=False) as cat:
        return [(r.id, r.name, r.campaign, r.sha256, r.provenance) for r in cat.rows()]


def test_seeds_sample_on_ray_matches_the_local_pool(ray_session, model, tmp_path):
    runs = {}
    for name, extra in (("ray", ["--ray"]), ("pool", ["--workers", "2"])):
        out, db = tmp_path / name, tmp_path / f"{name}.db"
        r = _run("seeds", "sample", model, out, "-n", "10", "--chunk", "3", *extra,
                 "--catalogue", db, "--campaign", "c1")
        assert r.exit_code == 0, r.output
        runs[name] = (_files(out), _rows(db))
    assert runs["ray"] == runs["pool"]
    files, rows = runs["ray"]
    assert len(files) == len(rows) and 0 < len(rows) <= 10  # written = admitted
    assert rows[0][4]["z"].startswith("SeedSequence([0, ")
    # resume: a rerun does nothing new; a bigger -n only runs the new chunks
    r = _run("seeds", "sample", model, tmp_path / "pool", "-n", "12", "--chunk", "3",
             "--workers", "2", "--catalogue", tmp_path / "pool.db", "--campaign", "c1")
    assert r.exit_code == 0 and "3 chunks already done" in r.output, r.output  # 9-10 -> 9-12
    assert "rejected seed_0009" not in r.output  # its own earlier issue is not a collision
    assert (tmp_path / "pool" / "seed_0011.svg").is_file() or "rejected seed_0011" in r.output


def test_channels_and_sweep_on_ray_match_the_local_pool(ray_session, tmp_path):
    tiny = ["--size", "32", "--steps", "1", "--paths", "4", "--views", "1", "--seed", "3"]
    spec = tmp_path / "spec.yaml"
    spec.write_text("options: {layer: 'efficientnet_lite0:blocks.1', size: 32, steps: 1, "
                    "paths: 4, views: 1}\ngrid: {channel: [0, 1], seed: [5]}\n")
    outputs = {}
    for name, extra in (("ray", ["--ray"]), ("pool", ["--workers", "2"])):
        sheet = tmp_path / name / "sheet.png"
        r = _run("channels", "efficientnet_lite0", "blocks.0", "--all", "--chunk", "8",
                 "--out", sheet, *tiny, *extra)
        assert r.exit_code == 0, r.output
        local = ["--workers", "1"] if name == "pool" else extra  # this process: one spawn less
        r2 = _run("sweep", spec, tmp_path / name / "sweep", *local)
        assert r2.exit_code == 0, r2.output
        outputs[name] = (_files(tmp_path / name / "sheet_tiles"),
                         _files(tmp_path / name / "sweep"))
    assert outputs["ray"] == outputs["pool"]
    tiles, sweep = outputs["ray"]
    assert len(tiles) == 16 and "channel_015.svg" in tiles  # blocks.0 has 16 channels
    assert sorted(sweep) == ["point_0000.svg", "point_0001.svg", "sweep.json"]


def test_bad_sweep_spec_is_one_line(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("options: {layer: 'vgg16:conv3_3', colour: red}\n")
    r = CliRunner().invoke(main, ["sweep", str(spec), str(tmp_path / "o")])
    assert r.exit_code == 2 and "unknown option 'colour'" in r.output


def test_batch_jobs_example_script(tmp_path):
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "examples" / "batch_jobs.py"
    proc = subprocess.run([sys.executable, str(script), "--n", "8", "--steps", "1",
                           "--workers", "1", "--out", str(tmp_path)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "rerun (inline): 0 chunks run, 1 skipped" in proc.stdout
