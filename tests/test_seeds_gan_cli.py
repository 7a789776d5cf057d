"""CLI smoke tests: seeds train | sample | refine | eval, resume, Ctrl-C, bad values."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import torch
from click.testing import CliRunner

from vecdream import Drawing
from vecdream.cli import main
from vecdream.seeds.families import make_drawings
from vecdream.seeds.gan import load_seed_gan
from vecdream.seeds.sheet import sheet_layout
from vecdream.seeds.variations import flip, rotate

torch.set_num_threads(1)

TRAIN = ["--size", "16", "--paths", "4", "--batch", "4"]


def _run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seeds")
    for i, d in enumerate(make_drawings("truchet", 12, seed=0, size=16, grid=4)):
        d.save_svg(folder / f"truchet_{i:02d}.svg")
    return folder


@pytest.fixture(scope="module")
def model(seeds, tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "model.pt"
    r = _run("seeds", "train", seeds, "--steps", "3", "--out", path, *TRAIN)
    assert r.exit_code == 0, r.output
    assert "done at step 3" in r.output and "(12 seeds, lattice generator)" in r.output
    return path


def test_generator_auto_picks_the_lattice_for_tiles_and_obeys_the_option(seeds, model,
                                                                         tmp_path):
    from vecdream.seeds.lattice import LatticeGenerator

    assert isinstance(load_seed_gan(model)[0], LatticeGenerator)  # truchet tiles: auto
    out = tmp_path / "paths.pt"
    r = _run("seeds", "train", seeds, "--steps", "1", "--out", out, "--generator", "paths",
             *TRAIN)
    assert r.exit_code == 0 and "paths generator" in r.output, r.output
    assert not isinstance(load_seed_gan(out)[0], LatticeGenerator)
    r = CliRunner().invoke(main, ["seeds", "train", "--help"])
    assert "auto|paths|lattice" in r.output


def test_train_resumes_to_more_steps(seeds, model, tmp_path):
    copy = tmp_path / "again.pt"
    copy.write_bytes(model.read_bytes())
    r = _run("seeds", "train", seeds, "--steps", "5", "--out", copy, "--resume", *TRAIN)
    assert r.exit_code == 0, r.output
    assert load_seed_gan(copy)[2]["step"] == 5


def test_train_with_auto_palette_samples_only_its_colours(seeds, tmp_path):
    out = tmp_path / "auto.pt"
    r = _run("seeds", "train", seeds, "--steps", "1", "--out", out, "--palette", "auto",
             *TRAIN)
    assert r.exit_code == 0, r.output
    generator, _, _ = load_seed_gan(out)
    palette = torch.tensor(generator.config.palette)
    assert 2 <= len(palette) <= 8
    for d in generator.sample(4, generator=torch.Generator().manual_seed(0)):
        paint = torch.cat([d.fill[d.fill[:, 3] > 0, :3], d.stroke[d.stroke[:, 3] > 0, :3]])
        assert (paint[:, None] - palette).norm(dim=-1).min(dim=1).values.max() < 1e-5


@pytest.mark.parametrize(("args", "option"), [
    (["--size", "48"], "--size"),
    (["--paths", "4", "--closed", "9"], "--closed"),
    (["--palette", "#12"], "--palette"),
    (["--resume", "--out", "missing.pt"], "--resume"),
])
def test_train_bad_values_exit_2_naming_the_option(seeds, args, option):
    r = CliRunner().invoke(main, ["seeds", "train", str(seeds), "--steps", "1", *args])
    assert r.exit_code == 2 and option in r.output and "Traceback" not in r.output


def test_sample_writes_vector_seeds_at_any_size_and_a_sheet(model, tmp_path):
    out = tmp_path / "samples"
    r = _run("seeds", "sample", model, "-n", "3", out, "--size", "128", "--pdf")
    assert r.exit_code == 0, r.output
    svgs = sorted(out.glob("*.svg"))
    assert len(svgs) == 3 and len(list(out.glob("*.pdf"))) == 3
    assert all(Drawing.from_svg(p).size == (128.0, 128.0) for p in svgs)
    assert sheet_layout(out / "sheet.png")["labels"] == [p.stem for p in svgs]
    r = CliRunner().invoke(main, ["seeds", "sample", str(svgs[0]), "-n", "1", str(out)])
    assert r.exit_code == 2 and "MODEL" in r.output


def test_refine_writes_an_svg_and_reports_scores(model, seeds, tmp_path):
    start = tmp_path / "start.svg"
    Drawing.random(6, size=(16, 16), width=1.5, colors=True, seed=1).save_svg(start)
    r = _run("seeds", "refine", start, "--seeds", model, "--steps", "3")
    assert r.exit_code == 0, r.output
    assert "discriminator score" in r.output
    assert len(Drawing.from_svg(tmp_path / "start.refined.svg")) == 6


def test_eval_flags_copied_seeds_not_new_ones(seeds, model, tmp_path):
    samples = tmp_path / "samples"
    samples.mkdir()
    train = [Drawing.from_svg(p) for p in sorted(seeds.glob("*.svg"))]
    flip(rotate(train[2], 90), "vertical").save_svg(samples / "copy_rotated.svg")
    flip(train[5]).save_svg(samples / "copy_flipped.svg")
    for i, d in enumerate(make_drawings("truchet", 6, seed=9, size=16, grid=4)):
        d.save_svg(samples / f"new_{i}.svg")
    r = _run("seeds", "eval", samples, seeds, "--size", "16", "--json", tmp_path / "m.json")
    assert r.exit_code == 0, r.output
    flagged = [line for line in r.output.splitlines() if line.startswith("memorized:")]
    assert len(flagged) == 2, r.output
    assert "copy_rotated.svg ~" in flagged[1] and "truchet_02.svg" in flagged[1]
    assert "copy_flipped.svg ~" in flagged[0] and "truchet_05.svg" in flagged[0]
    assert "kid_floor" in r.output and "paths" in r.output
    assert '"memorized": 2' in (tmp_path / "m.json").read_text()


def test_ctrl_c_during_train_leaves_a_loadable_checkpoint(seeds, tmp_path):
    out = tmp_path / "interrupted.pt"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "vecdream", "seeds", "train", str(seeds), "--steps", "100000",
         "--checkpoint-every", "0", "--out", str(out), *TRAIN],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        seen = ""
        while "step/s" not in seen and time.monotonic() < deadline:  # the bar is running
            seen += os.read(proc.stderr.fileno(), 4096).decode(errors="replace")
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        stdout, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, stdout
    assert "stopped at step" in stdout
    step = load_seed_gan(out)[2]["step"]
    assert 0 < step < 100000


def test_example_script_trains_and_writes_svgs(tmp_path):
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "examples" / "seeds_gan.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--steps", "2", "--seeds", "8", "--samples", "2",
         "--size", "16", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "KID" in proc.stdout and "wrote 2 seeds" in proc.stdout
    for i in range(2):
        svg = tmp_path / f"seeds_gan_{i:03d}.svg"
        assert Drawing.from_svg(svg).size == (256.0, 256.0)
        assert svg.with_suffix(".png").is_file()
    assert load_seed_gan(tmp_path / "seeds_gan.pt")[2]["step"] == 2


def test_dream_with_seeds_adds_the_discriminator(model, seeds, tmp_path):
    out = tmp_path / "dream.svg"
    r = CliRunner().invoke(main, ["dream", "--channel", "3", "--paths", "8", "--size", "32",
                                  "--views", "1", "--steps", "2", "--seed", "0", "--seeds",
                                  str(model), "--seeds-weight", "0.5", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert len(Drawing.from_svg(out)) > 0
    r = CliRunner().invoke(main, ["dream", "--steps", "1", "--size", "32", "--seeds",
                                  str(next(seeds.glob("*.svg"))), "--out", str(out)])
    assert r.exit_code == 2 and "--seeds" in r.output and "Traceback" not in r.output
