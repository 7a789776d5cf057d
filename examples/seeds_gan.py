"""Train a vector GAN on procedural Truchet seeds; its samples are SVG files.

The generator emits Bézier paths, vecdream's renderer draws them and a small
spectral-norm discriminator trained with DiffAugment judges them against the seeds.
``--generator lattice`` (what ``auto`` picks for seeds that tile) draws a grid of cells
from a learned codebook of motifs, periodic by construction; ``paths`` emits free-form
paths (set-based queries → control points, colours, an existence gate). CPU, a few
minutes::

    python examples/seeds_gan.py                          # 300 steps at 32 px
    python examples/seeds_gan.py --family smith --steps 600 --size 64
    python examples/seeds_gan.py --generator paths        # free-form paths

Writes into ``--out``: ``seeds_gan.pt`` (checkpoint, resumable with ``vecdream seeds
train --resume``), ``seeds_gan_000.svg`` ... (new seeds, vector) with PNG renders, and
prints the offline evaluation (own-feature KID against unseen seeds of the family, its
real-vs-real floor, and memorized samples). The same with the CLI::

    vecdream seeds make truchet -n 200 --size 32 seeds/
    vecdream seeds train seeds/ --size 32 --steps 300 --out model.pt
    vecdream seeds sample model.pt -n 16 samples/ --size 512 --pdf
    vecdream seeds eval samples/ seeds/
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from vecdream import render
from vecdream.export import save_png
from vecdream.seeds.evaluate import evaluate
from vecdream.seeds.families import make_drawings
from vecdream.seeds.gan import train_seed_gan


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--family", default="truchet", help="a Seeds I family (truchet, smith...)")
    p.add_argument("--seeds", type=int, default=128, help="training seeds")
    p.add_argument("--steps", type=int, default=300, help="GAN steps")
    p.add_argument("--size", type=int, default=32, help="canvas and training size (2^k)")
    p.add_argument("--generator", default="auto", choices=["auto", "paths", "lattice"])
    p.add_argument("--paths", type=int, default=16, help="paths per seed (--generator paths)")
    p.add_argument("--samples", type=int, default=8, help="SVG seeds to write")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("out/examples"), help="output folder")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    family = dict(size=args.size, grid=4)
    real = render(make_drawings(args.family, args.seeds, seed=args.seed, **family),
                  args.size, args.size)
    unseen = render(make_drawings(args.family, args.seeds, seed=args.seed + 1, **family),
                    args.size, args.size)

    result = train_seed_gan(real, n_paths=args.paths, n_closed=args.paths, size=args.size,
                            steps=args.steps, seed=args.seed, progress=True,
                            generator=args.generator,
                            checkpoint=args.out / "seeds_gan.pt")

    drawings = result.generator.sample(max(args.samples, 16),
                                       generator=torch.Generator().manual_seed(args.seed))
    for i, d in enumerate(drawings[:args.samples]):
        svg = args.out / f"seeds_gan_{i:03d}.svg"
        big = d.scaled(256 / args.size)  # vector: any output size
        big.save_svg(svg)
        save_png(big, svg.with_suffix(".png"))
    e = evaluate(render(drawings, args.size, args.size), unseen, train=real, size=args.size,
                 subsets=20)
    print(f"KID {e.kid:.4f} (real-vs-real floor {e.kid_floor:.4f}), precision "
          f"{e.precision:.2f}, recall {e.recall:.2f}, memorized {len(e.memorized)}")
    print(f"wrote {args.samples} seeds and {args.out / 'seeds_gan.pt'} to {args.out}")


if __name__ == "__main__":
    main()
