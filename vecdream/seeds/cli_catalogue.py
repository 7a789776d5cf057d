"""``vecdream seeds issue | similar | export``: the exclusivity catalogue on the command line.

``issue`` prints one line per file (admitted, refused with the nearest catalogued seed,
unreadable, or ignored: vecdream's own preview pages and contact sheets are no seeds),
or a JSON list with ``--json``. ``export`` writes print-sized files (``--page-size``) and
never overwrites a file without ``--force``.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import click
from tqdm.auto import tqdm

from vecdream.cli.inputs import SvgFile

__all__ = ["COMMANDS", "export_command", "issue_command", "open_catalogue", "similar_command"]

_CATALOGUE = click.option("--catalogue", "db", required=True,
                          type=click.Path(dir_okay=False, path_type=Path),
                          help="The catalogue file (SQLite; created by `issue` when missing).")


def open_catalogue(db: Path, *, create: bool, threshold: int | None = None):
    """Open a catalogue; any failure is a one-line ``--catalogue`` error (exit 2)."""
    from vecdream.seeds.catalogue import Catalogue, CatalogueError

    try:
        return Catalogue(db, create=create, threshold=threshold)
    except CatalogueError as exc:
        raise click.BadParameter(str(exc), param_hint="--catalogue") from None


@contextlib.contextmanager
def _db_errors(db: Path) -> Iterator[None]:
    """A page found damaged after opening: one line, not a traceback."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{db}: damaged catalogue ({exc})") from None


def _svgs(source: Path) -> list[Path]:
    if source.is_file():
        return [source]
    return sorted(p for p in source.rglob("*") if p.suffix.lower() in (".svg", ".svgz"))


@click.command("issue")
@click.argument("samples", type=click.Path(exists=True, path_type=Path))
@_CATALOGUE
@click.option("--campaign", required=True, help="Client/campaign tag of the new seeds.")
@click.option("--threshold", type=click.IntRange(0, 15), default=None,
              help="Near-duplicate radius in bits of 256 (default: the catalogue's, 15).")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON list, one object per file, instead of lines.")
def issue_command(samples: Path, db: Path, campaign: str, threshold: int | None,
                  as_json: bool) -> None:
    """Admit the SVG seeds in SAMPLES unless a catalogued seed (any campaign) is a
    near-duplicate: rotated, flipped, recoloured or slightly moved copies are refused.

    So are windows of its plane (its tiling, for a seamless seed) turned by any angle,
    scaled or shifted, as Mosaic prints them. Each refusal names the seed and transform."""
    from vecdream.seeds.catalogue import CatalogueError
    from vecdream.seeds.catalogue_issue import issue_file, report_line

    files = _svgs(samples)
    if not files:
        raise click.BadParameter(f"no .svg seeds in {samples}", param_hint="SAMPLES")
    results: list[dict] = []
    with open_catalogue(db, create=True, threshold=threshold) as cat, _db_errors(db):
        for path in tqdm(files, desc="seeds issue", unit="seed", disable=as_json):
            try:
                result = issue_file(cat, path, samples, campaign)
            except CatalogueError as exc:
                raise click.ClickException(str(exc)) from None
            results.append(result)
            if not as_json:  # as it happens: a long batch shows its progress
                tqdm.write(report_line(result))
    if as_json:
        click.echo(json.dumps([{k: v for k, v in r.items() if k != "line"} for r in results],
                              indent=2))
        return
    count = {k: sum(r["status"] == k for r in results)
             for k in ("admitted", "refused", "unreadable", "ignored")}
    seeds = len(results) - count["ignored"]
    click.echo(f"admitted {count['admitted']} of {seeds} seeds into {db} (campaign "
               f"{campaign!r}); {count['refused']} refused"
               + (f", {count['unreadable']} unreadable" if count["unreadable"] else "")
               + (f"; ignored {count['ignored']} preview sheets" if count["ignored"] else ""))


@click.command("similar")
@click.argument("svg", type=SvgFile())
@_CATALOGUE
@click.option("-k", "k", type=click.IntRange(min=1), default=5, show_default=True)
def similar_command(svg: Path, db: Path, k: int) -> None:
    """List the K catalogued seeds nearest to SVG: hash bits (of 256, min over the 8
    rotations/flips) and own-feature embedding distance."""
    with open_catalogue(db, create=False) as cat, _db_errors(db):
        try:
            matches = cat.similar(svg.read_bytes(), k)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="SVG") from None
        threshold = cat.threshold
    if not matches:
        click.echo(f"{db} is empty")
    for m in matches:
        emb = "" if m.embedding_distance is None else f"  embedding {m.embedding_distance:.3f}"
        flag = "  near-duplicate" if m.distance <= threshold else ""
        click.echo(f"#{m.seed.id:<6} {m.seed.name:<24} {m.seed.campaign:<16} "
                   f"{m.distance:>3} bits{emb}{flag}")


def _page_size(_ctx: click.Context, _param: click.Parameter, value: str) -> float:
    from vecdream.plot.units import parse_length

    try:
        mm = parse_length(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if not mm > 0:
        raise click.BadParameter(f"expected a positive length, got {value!r}")
    return mm


@click.command("export")
@_CATALOGUE
@click.option("--campaign", required=True)
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "formats", default="svg,pdf", show_default=True,
              help="Comma-separated: svg, pdf, png.")
@click.option("--page-size", "page_mm", default="100mm", show_default=True,
              callback=_page_size,
              help="Printed size of the longer side of each SVG/PDF (mm, cm, in, pt...).")
@click.option("--force", is_flag=True, help="Overwrite files already in OUT.")
def export_command(db: Path, campaign: str, out: Path, formats: str, page_mm: float,
                   force: bool) -> None:
    """Write a campaign's seeds into OUT as SVG/PDF plus manifest.csv and manifest.json."""
    from vecdream.seeds.catalogue_export import FORMATS, export_campaign

    fmts = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    if not fmts or any(f not in FORMATS for f in fmts):
        raise click.BadParameter(f"expected a comma-separated list of {', '.join(FORMATS)}, "
                                 f"got {formats!r}", param_hint="--format")
    with open_catalogue(db, create=False) as cat, _db_errors(db):
        try:
            records = export_campaign(cat, campaign, out, fmts, page_mm=page_mm,
                                      overwrite=force)
        except FileExistsError as exc:
            raise click.BadParameter(f"{exc.filename} exists: give --force to overwrite",
                                     param_hint="OUT") from None
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--campaign") from None
    click.echo(f"wrote {len(records)} seeds of campaign {campaign!r} to {out} "
               f"({', '.join(fmts)}, {page_mm:g} mm) and manifest.csv/json")


COMMANDS = [issue_command, similar_command, export_command]
