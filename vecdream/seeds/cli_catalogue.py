"""``vecdream seeds issue | similar | export``: the exclusivity catalogue on the command line."""

from __future__ import annotations

import contextlib
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


def describe(match) -> str:
    """One line naming the catalogued seed a match points at."""
    s = match.seed
    how = "exact copy" if match.exact else f"{match.distance} bits"
    return f"#{s.id} {s.name!r} (campaign {s.campaign!r}, {how})"


@click.command("issue")
@click.argument("samples", type=click.Path(exists=True, path_type=Path))
@_CATALOGUE
@click.option("--campaign", required=True, help="Client/campaign tag of the new seeds.")
@click.option("--threshold", type=click.IntRange(0, 15), default=None,
              help="Near-duplicate radius in bits of 256 (default: the catalogue's, 15).")
def issue_command(samples: Path, db: Path, campaign: str, threshold: int | None) -> None:
    """Admit the SVG seeds in SAMPLES unless a catalogued seed (any campaign) is a
    near-duplicate: rotated, flipped, recoloured or slightly moved copies are refused."""
    from vecdream.export import read_metadata
    from vecdream.seeds.catalogue import CatalogueError

    files = _svgs(samples)
    if not files:
        raise click.BadParameter(f"no .svg seeds in {samples}", param_hint="SAMPLES")
    admitted = rejected = unreadable = 0
    with open_catalogue(db, create=True, threshold=threshold) as cat, _db_errors(db):
        for path in tqdm(files, desc="seeds issue", unit="seed"):
            try:
                provenance = {"file": path.name, **read_metadata(path)}
            except (ValueError, OSError):
                provenance = {"file": path.name}
            try:
                result = cat.issue(path.read_bytes(), name=path.stem, campaign=campaign,
                                   provenance=provenance)
            except ValueError as exc:
                click.echo(f"warning: skipped {path.name}: {exc}", err=True)
                unreadable += 1
                continue
            except CatalogueError as exc:
                raise click.ClickException(str(exc)) from None
            if result.admitted:
                admitted += 1
            else:
                rejected += 1
                click.echo(f"rejected {path.name}: near-duplicate of "
                           f"{describe(result.collision)}")
    click.echo(f"admitted {admitted} of {len(files)} seeds into {db} (campaign {campaign!r}); "
               f"{rejected} rejected" + (f", {unreadable} unreadable" if unreadable else ""))


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


@click.command("export")
@_CATALOGUE
@click.option("--campaign", required=True)
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "formats", default="svg,pdf", show_default=True,
              help="Comma-separated: svg, pdf, png.")
def export_command(db: Path, campaign: str, out: Path, formats: str) -> None:
    """Write a campaign's seeds into OUT as SVG/PDF plus manifest.csv and manifest.json."""
    from vecdream.seeds.catalogue_export import FORMATS, export_campaign

    fmts = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    if not fmts or any(f not in FORMATS for f in fmts):
        raise click.BadParameter(f"expected a comma-separated list of {', '.join(FORMATS)}, "
                                 f"got {formats!r}", param_hint="--format")
    with open_catalogue(db, create=False) as cat, _db_errors(db):
        try:
            records = export_campaign(cat, campaign, out, fmts)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--campaign") from None
    click.echo(f"wrote {len(records)} seeds of campaign {campaign!r} to {out} "
               f"({', '.join(fmts)}) and manifest.csv/json")


COMMANDS = [issue_command, similar_command, export_command]
