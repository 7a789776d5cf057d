"""``vecdream seeds refine``: a seed nudged toward the training seeds by a discriminator."""

from __future__ import annotations

from pathlib import Path

import click

from vecdream.cli.inputs import SvgFile, read_drawing

__all__ = ["refine_command"]


@click.command("refine")
@click.argument("seed_svg", type=SvgFile())
@click.option("--seeds", "model", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True,
              help="Seed discriminator or seed-GAN checkpoint (vecdream seeds train).")
@click.option("--steps", type=click.IntRange(min=0), default=100, show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output SVG (default <name>.refined.svg).")
@click.option("--seed", type=int, default=0, show_default=True)
def refine_command(seed_svg: Path, model: Path, steps: int, out: Path | None, seed: int
                   ) -> None:
    """Refine SEED_SVG so the discriminator finds it more like the training seeds."""
    from vecdream.seeds.discriminator import load_discriminator
    from vecdream.seeds.refine import refine_seed, score_drawings

    try:
        d = load_discriminator(model)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--seeds") from None
    drawing = read_drawing(seed_svg, "SEED_SVG")
    refined, _ = refine_seed(drawing, d, steps=steps, seed=seed, progress=True)
    out = out or seed_svg.with_suffix(".refined.svg")
    refined.save_svg(out)
    before, after = score_drawings(d, [drawing, refined]).tolist()
    click.echo(f"wrote {out}: discriminator score {before:.3f} -> {after:.3f}")
