"""Sample many seeds as a batch job into a catalogue: resumable, on a pool or on Ray.

Trains a small vector GAN on Truchet seeds, then samples ``--n`` seeds in chunks on a
local process pool (``--workers``) or a Ray cluster (``--ray``, ``pip install
'vecdream[ray]'``); each seed is issued into a catalogue and written only when no
catalogued seed is a near-duplicate. Running it again skips the finished chunks::

    python examples/batch_jobs.py --n 256 --workers 2 --out out/batch
    python examples/batch_jobs.py --n 256 --ray --out out/batch      # same files

The same with the CLI::

    vecdream seeds sample model.pt out/ -n 100000 --ray --catalogue brand.db --campaign c
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from vecdream.seeds.catalogue import Catalogue
from vecdream.seeds.families import make_drawings
from vecdream.seeds.folder import SeedFolder
from vecdream.seeds.gan import train_seed_gan
from vecdream.seeds.sample_job import sample_to_folder


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=64, help="seeds to sample")
    p.add_argument("--steps", type=int, default=100, help="GAN training steps")
    p.add_argument("--workers", type=int, default=2, help="local processes (1: this one)")
    p.add_argument("--ray", nargs="?", const="local", default=None, help="Ray address")
    p.add_argument("--out", type=Path, default=Path("out/batch"))
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    model = args.out / "model.pt"
    if not model.is_file():
        seeds = SeedFolder.from_drawings(make_drawings("truchet", 32, seed=0, size=16, grid=4),
                                         size=16)
        train_seed_gan(seeds, 6, 16, steps=args.steps, batch=8, checkpoint=model)
    with Catalogue(args.out / "brand.db") as cat:
        for attempt in ("first run", "rerun"):
            report, stats = sample_to_folder(model, args.out / "seeds", args.n, chunk=16,
                                             ray=args.ray, workers=args.workers,
                                             catalogue=cat, campaign="demo")
            print(f"{attempt} ({report.backend}): {len(report.written)} chunks run, "
                  f"{len(report.skipped)} skipped, {len(stats.written)} seeds written, "
                  f"{len(stats.rejected)} refused as near-duplicates, "
                  f"{len(report.failed)} failed")
        print(f"catalogue: {len(cat)} seeds")


if __name__ == "__main__":
    main()
