"""`vecdream seeds train` under torchrun: 2 CPU processes (gloo) train like 1 process
with the same global batch, rank 0 writes the checkpoint, and resume works."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import torch
from click.testing import CliRunner

from vecdream.cli import main
from vecdream.seeds.families import make_drawings

torch.set_num_threads(1)
# The paths generator: the lattice's hard straight-through choices can flip on the float
# rounding by which 1 and 2 processes differ, so the exact comparison is made on paths.
TRAIN = ["--size", "16", "--paths", "4", "--batch", "4", "--checkpoint-every", "0",
         "--generator", "paths"]


def _state(path):
    return torch.load(path, weights_only=True)


def _torchrun(*args) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node",
           "2", "-m", "vecdream", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seeds")
    for i, d in enumerate(make_drawings("truchet", 8, seed=0, size=16, grid=4)):
        d.save_svg(folder / f"t{i}.svg")
    return folder


def _close(a: dict, b: dict) -> None:
    """Weights within one Adam step (lr 1e-3): Adam divides by the gradient's own scale,
    so a gradient that is ~0 and differs in sign by rounding (the ranks' all-reduce sums
    in another order than one process) moves its weight by up to lr either way. The
    losses of later steps inherit those moves: equal to 1e-3 relative, not to float
    rounding (the 4 px render tile's rounding gave 4e-4 on the polygon loss at step 5)."""
    for key in ("d_loss", "g_loss", "r1", "diversity", "polygon"):
        assert torch.allclose(torch.tensor(a["history"][key]), torch.tensor(b["history"][key]),
                              rtol=1e-3, atol=1e-6), key
    for name, value in a["generator"].items():
        if value.is_floating_point():
            assert torch.allclose(value, b["generator"][name], atol=1e-3), name


def test_two_processes_match_one_with_the_same_global_batch(seeds, tmp_path):
    single, ddp = tmp_path / "single.pt", tmp_path / "ddp.pt"
    r = CliRunner().invoke(main, ["seeds", "train", str(seeds), "--steps", "3", "--out",
                                  str(single), *TRAIN])
    assert r.exit_code == 0, r.output
    proc = _torchrun("seeds", "train", seeds, "--steps", "3", "--out", ddp, *TRAIN)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.count("done at step 3") == 1  # rank 0 alone reports (and writes)
    assert "2 processes" in proc.stdout
    a, b = _state(single), _state(ddp)
    assert len(b["history"]["d_loss"]) == 3
    _close(a, b)

    # resume both to step 5: still the same run
    r = CliRunner().invoke(main, ["seeds", "train", str(seeds), "--steps", "5", "--out",
                                  str(single), "--resume", *TRAIN])
    assert r.exit_code == 0, r.output
    proc = _torchrun("seeds", "train", seeds, "--steps", "5", "--out", ddp, "--resume", *TRAIN)
    assert proc.returncode == 0, proc.stderr[-3000:]
    a, b = _state(single), _state(ddp)
    assert b["step"] == 5 and len(b["history"]["g_loss"]) == 5
    _close(a, b)


def test_a_batch_that_does_not_split_is_refused(seeds, tmp_path):
    proc = _torchrun("seeds", "train", seeds, "--steps", "1", "--out", tmp_path / "x.pt",
                     "--size", "16", "--paths", "4", "--batch", "6")
    assert proc.returncode != 0
    # each rank's one-line usage error (torchrun then adds its own failure summary)
    assert proc.stderr.count("Error: Invalid value for --batch: batch 6 must be a multiple "
                             "of 2 x 2 processes") == 2
