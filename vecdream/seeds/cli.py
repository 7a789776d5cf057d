"""``vecdream seeds make | augment | stats``: thin commands over the seeds library.

The group also lists the vector-GAN commands (:mod:`vecdream.seeds.cli_gan`,
:mod:`vecdream.seeds.cli_refine`) and the catalogue's (:mod:`vecdream.seeds.cli_catalogue`),
each imported when it runs (:class:`vecdream.cli.lazy.LazyGroup`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from vecdream.cli.lazy import LazyGroup

__all__ = ["COMMANDS", "FAMILIES", "PREVIEWS", "PREVIEW_SHEET", "seeds_group"]

FAMILIES = ("truchet", "smith", "carlson", "maze", "flow", "circles")
"""``seeds make``'s families, in vecdream.seeds.families.FAMILIES' order (a test checks)."""

PREVIEWS = "previews"
"""The sub-folder of ``seeds augment``'s OUT holding the ``*_mosaic.svg/png`` preview pages."""
PREVIEW_SHEET = {"sheet": "mosaic preview"}
"""Provenance of a preview page: ``seeds issue`` skips files whose record has ``sheet``."""

COMMANDS: dict[str, tuple[str, str]] = {
    # name: ("module:attribute", the first sentence of its docstring, listed by --help)
    "eval": ("vecdream.seeds.cli_gan:eval_command",
             "Evaluate generated SAMPLES against REAL seeds, offline (own features)."),
    "export": ("vecdream.seeds.cli_catalogue:export_command",
               "Write a campaign's seeds into OUT as SVG/PDF plus manifest.csv and "
               "manifest.json."),
    "issue": ("vecdream.seeds.cli_catalogue:issue_command",
              "Admit the SVG seeds in SAMPLES unless a catalogued seed (any campaign) is a "
              "near-duplicate: rotated, flipped, recoloured or slightly moved copies are "
              "refused."),
    "refine": ("vecdream.seeds.cli_refine:refine_command",
               "Refine SEED_SVG so the discriminator finds it more like the training seeds."),
    "sample": ("vecdream.seeds.cli_gan:sample_command",
               "Write COUNT new seeds from MODEL into OUT as SVG (+ PDF/PNG) and a contact "
               "sheet."),
    "similar": ("vecdream.seeds.cli_catalogue:similar_command",
                "List the K catalogued seeds nearest to SVG: hash bits (of 256, min over the "
                "8 rotations/flips) and own-feature embedding distance."),
    "train": ("vecdream.seeds.cli_gan:train_command",
              "Train a vector GAN on the seeds in FOLDER (SVG, PDF, PNG): samples are SVG."),
}
"""The seeds commands defined in other modules (make, augment and stats are here)."""


def _palette(_ctx: click.Context, _param: click.Parameter, value: str | None):
    from vecdream.seeds.palette import load_palette

    if value is None:
        return None
    try:
        return load_palette(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _write(drawing, stem: Path, png: bool, pdf: bool, size: int) -> None:
    from vecdream.export import save_pdf, save_png

    drawing.save_svg(stem.with_suffix(".svg"))
    if png:
        save_png(drawing, stem.with_suffix(".png"), size)
    if pdf:
        save_pdf(drawing, stem.with_suffix(".pdf"))


@click.group("seeds", cls=LazyGroup, lazy=COMMANDS)
def seeds_group() -> None:
    """Seeds for variable-data printing (HP Mosaic): make, augment, stats."""


@seeds_group.command("make", help=(
    "Write COUNT seeds of FAMILY as SVG (+ PNG/PDF) into OUT, plus a contact sheet.\n\n"
    f"FAMILY is one of: {', '.join(FAMILIES)}."))
@click.argument("family", metavar="FAMILY", type=click.Choice(FAMILIES))
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("-n", "count", type=click.IntRange(min=1), default=16, show_default=True,
              help="Number of seeds.")
@click.option("--size", type=click.IntRange(min=8), default=64, show_default=True,
              help="Canvas side (user units = PNG pixels).")
@click.option("--grid", type=click.IntRange(min=1), default=None, help="Tiles per side.")
@click.option("--palette", callback=_palette, default=None,
              help="Built-in name, .gpl/.ase file or hex list '#112233,#445566'.")
@click.option("--p", "prob", type=click.FloatRange(0, 1), default=None,
              help="The family's probability (orientation, split, curl...).")
@click.option("--style", type=click.Choice(["fill", "stroke", "both"]), default="fill",
              show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--png", is_flag=True, help="Also write PNGs.")
@click.option("--pdf", is_flag=True, help="Also write vector PDFs.")
@click.option("--sheet/--no-sheet", default=True, show_default=True, help="Contact sheet PNG.")
def make_command(family: str, out: Path, count: int, size: int, grid: int | None, palette,
                 prob: float | None, style: str, seed: int, png: bool, pdf: bool,
                 sheet: bool) -> None:
    import torch
    from tqdm.auto import tqdm

    from vecdream.seeds.families import make_drawing
    from vecdream.seeds.folder import rasterize_svg
    from vecdream.seeds.sheet import save_contact_sheet

    generator = torch.Generator()
    generator.manual_seed(seed)
    images, labels = [], []
    for i in tqdm(range(count), desc=f"seeds make {family}", unit="seed"):
        try:
            d = make_drawing(family, size=float(size), grid=grid, palette=palette, p=prob,
                             style=style, generator=generator)
        except ValueError as exc:  # e.g. "grid: smith's two-colouring needs an even grid"
            option = str(exc).split(":")[0]
            hint = f"--{option}" if option in ("grid", "p", "palette", "size") else None
            raise click.BadParameter(str(exc), param_hint=hint) from None
        stem = out / f"{family}_{i:05d}"
        _write(d, stem, png, pdf, size)
        if sheet:
            images.append(rasterize_svg(d.to_svg(), min(size, 128), d.size))
            labels.append(stem.name)
    if sheet:
        save_contact_sheet(out / "contact_sheet.png", images, labels)
    click.echo(f"wrote {count} {family} seeds to {out}" + (" and contact_sheet.png" if sheet
                                                           else ""))


@seeds_group.command("augment")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--per-seed", type=click.IntRange(min=1), default=10, show_default=True,
              help="Variations per vector seed.")
@click.option("--palette", callback=_palette, default=None,
              help="Recolour onto this palette (name, .gpl/.ase file or hex list).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--preview/--no-preview", default=True, show_default=True,
              help=f"A Mosaic preview page (SVG + PNG) per seed, in OUT/{PREVIEWS}/.")
@click.option("--png", is_flag=True, help="Also write PNGs.")
@click.option("--pdf", is_flag=True, help="Also write vector PDFs.")
@click.option("--size", type=click.IntRange(min=8), default=128, show_default=True,
              help="Pixel size of PNGs and contact sheet tiles.")
@click.option("--tiling", type=click.Choice(["auto", "yes", "no"]), default="auto",
              show_default=True,
              help="Vary seeds as seamless tilings (variations tile too): measured per seed "
                   "(auto), or say so when a tile's own edges fool the measure.")
def augment_command(source: Path, out: Path, per_seed: int, palette, seed: int, preview: bool,
                    png: bool, pdf: bool, size: int, tiling: str) -> None:
    """Mosaic-style vector variations of every SVG/PDF seed in SOURCE, written to OUT."""
    import torch
    from tqdm.auto import tqdm

    from vecdream.export import save_png
    from vecdream.seeds.folder import SeedFolder, rasterize_svg
    from vecdream.seeds.seamless import is_seamless
    from vecdream.seeds.sheet import save_contact_sheet
    from vecdream.seeds.variations import mosaic_preview, random_variation

    folder = SeedFolder(source, size=size)
    vectors = folder.vector_indices()
    if not vectors:  # unreadable files were already reported, one warning line each
        raise click.BadParameter(f"no SVG or PDF seed to vary in {source} ({folder.summary})",
                                 param_hint="'SOURCE'")
    generator = torch.Generator()
    generator.manual_seed(seed)
    images, labels, tiled = [], [], 0
    stems = Counter(folder.paths[i].stem for i in vectors)
    for i in tqdm(vectors, desc="seeds augment", unit="seed"):
        path = folder.paths[i]  # a.svg and a.pdf both seed: a_svg_v000, a_pdf_v000
        drawing = folder.drawings[i]
        name = path.stem if stems[path.stem] == 1 else f"{path.stem}_{path.suffix[1:].lower()}"
        tiles = is_seamless(drawing) if tiling == "auto" else tiling == "yes"
        tiled += tiles
        for k in range(per_seed):
            v = random_variation(drawing, generator, palette=palette, seamless=tiles)
            stem = out / f"{name}_v{k:03d}"
            _write(v, stem, png, pdf, size)
            images.append(rasterize_svg(v.to_svg(), size, v.size))
            labels.append(stem.name)
        if preview:
            page = mosaic_preview(drawing, palette=palette, seed=seed + i, seamless=tiles)
            page.save_svg(out / PREVIEWS / f"{name}_mosaic.svg", metadata=PREVIEW_SHEET)
            save_png(page, out / PREVIEWS / f"{name}_mosaic.png", 4 * size,
                     metadata=PREVIEW_SHEET)
    if images:
        save_contact_sheet(out / "contact_sheet.png", images, labels)
    raster = len(folder) - len(vectors)
    click.echo(f"{folder.summary}; wrote {len(images)} variations of {len(vectors)} vector "
               f"seeds to {out} ({tiled} varied as seamless tilings)"
               + (f" ({raster} raster seeds have no vector variations)" if raster else ""))


@seeds_group.command("stats")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--size", type=click.IntRange(min=8), default=128, show_default=True,
              help="Pixel size used to measure ink coverage.")
def stats_command(source: Path, size: int) -> None:
    """Per seed: paths, contours, nodes, colours, ink coverage, fill ratio and a Mosaic note
    (what to change when the seed does not suit Mosaic)."""
    from vecdream.seeds.folder import SeedFolder
    from vecdream.seeds.stats import folder_stats, format_stats

    folder = SeedFolder(source, size=size)
    if not len(folder):  # unreadable files were already reported, one warning line each
        raise click.BadParameter(f"no readable seed in {source} ({folder.summary})",
                                 param_hint="'SOURCE'")
    click.echo(format_stats(folder_stats(folder)))
    click.echo(str(folder.summary))

