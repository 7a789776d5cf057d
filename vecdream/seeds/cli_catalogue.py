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


def preview_reason(path: Path, root: Path, provenance: dict) -> str | None:
    """Why ``path`` is one of vecdream's own sheets, not a seed (None: it is a seed).

    ``seeds augment`` writes Mosaic preview pages as ``*_mosaic.svg`` in a ``previews``
    folder, with ``sheet`` in their provenance (as contact sheets have).
    """
    from vecdream.seeds.folder import is_preview_page

    if is_preview_page(path.relative_to(root) if path != root else Path(path.name)):
        return "a vecdream Mosaic preview page (*_mosaic, or in a previews folder)"
    if "sheet" in provenance:
        return "a vecdream preview/contact sheet (provenance)"
    return None


TRANSFORMS = ("as is", "rotated 90°", "rotated 180°", "rotated 270°", "mirrored left-right",
              "mirrored left-right, rotated 90°", "mirrored top-bottom",
              "mirrored left-right, rotated 270°")
"""How a file relates to the catalogued seed it matched, by orientation index of
:func:`~vecdream.seeds.phash.dihedral_hashes` (rotations clockwise, as
:func:`~vecdream.seeds.variations.rotate`). Structure only: recolouring is not told."""


def matched_transform(cat, match, fp) -> str:
    """The orientation under which the query print ``fp`` is nearest the matched seed."""
    from vecdream.seeds.catalogue_print import fingerprint
    from vecdream.seeds.phash import hamming

    if match.exact:
        return "identical"
    if match.transform is not None:
        return mosaic_transform(match.transform)
    seed_fp, _ = fingerprint(cat.svg(match.seed.id))
    return TRANSFORMS[int(hamming(fp.hashes, seed_fp.hashes[0]).argmin())]


def mosaic_transform(fit) -> str:
    """A :class:`~vecdream.seeds.mosaic_match.Registration` in words: what Mosaic would
    do to the catalogued seed to print the query (a window of its plane)."""
    parts = ["a window of its plane"]
    angle = (fit.angle + 180.0) % 360.0 - 180.0
    if abs(angle) >= 0.5:
        parts.append(f"rotated {angle:.1f}°")
    if abs(fit.scale - 1.0) >= 0.02:
        parts.append(f"scaled ×{fit.zoom:.2f}")
    if fit.mirror:
        parts.append("mirrored")
    return ", ".join(parts) + f" (NCC {fit.score:.2f})"


def describe(match, transform: str | None = None) -> str:
    """One line naming the catalogued seed a match points at."""
    s = match.seed
    how = "exact copy" if match.exact else f"{match.distance} bits"
    how += f", {transform}" if transform and not match.exact else ""
    return f"#{s.id} {s.name!r} (campaign {s.campaign!r}, {how})"


def _report_line(r: dict) -> str:
    """``issue``'s line for one file's result."""
    detail = {"admitted": f"as #{r.get('id')}",
              "refused": f"near-duplicate of {r.get('_line')}"}.get(r["status"], r.get("reason"))
    return f"{r['status']} {r['file']}: {detail}"


def _match_record(match, transform: str) -> dict:
    s = match.seed
    return {"id": s.id, "name": s.name, "campaign": s.campaign, "distance": match.distance,
            "exact": match.exact, "embedding_distance": match.embedding_distance,
            "transform": transform,
            "mosaic": None if match.transform is None else {
                "ncc": match.transform.score, "angle": match.transform.angle,
                "scale": match.transform.zoom, "mirror": match.transform.mirror}}


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
    from vecdream.export import read_metadata
    from vecdream.seeds.catalogue import CatalogueError
    from vecdream.seeds.catalogue_print import fingerprint

    files = _svgs(samples)
    if not files:
        raise click.BadParameter(f"no .svg seeds in {samples}", param_hint="SAMPLES")
    results: list[dict] = []

    def report(**result) -> None:
        results.append(result)
        if not as_json:  # as it happens: a long batch shows its progress
            tqdm.write(_report_line(result))

    with open_catalogue(db, create=True, threshold=threshold) as cat, _db_errors(db):
        for path in tqdm(files, desc="seeds issue", unit="seed", disable=as_json):
            label = path.name if path == samples else str(path.relative_to(samples))
            try:
                provenance = {"file": path.name, **read_metadata(path)}
            except (ValueError, OSError):
                provenance = {"file": path.name}
            why = preview_reason(path, samples, provenance)
            if why is not None:
                report(file=label, status="ignored", reason=why)
                continue
            try:
                svg = path.read_bytes()
                fp, _ = fingerprint(svg)
                result = cat.issue(svg, name=path.stem, campaign=campaign,
                                   provenance=provenance, fp=fp)
            except (ValueError, OSError) as exc:
                report(file=label, status="unreadable", reason=str(exc))
                continue
            except CatalogueError as exc:
                raise click.ClickException(str(exc)) from None
            if result.admitted:
                report(file=label, status="admitted", id=result.seed_id)
            else:
                transform = matched_transform(cat, result.collision, fp)
                report(file=label, status="refused",
                       nearest=_match_record(result.collision, transform),
                       _line=describe(result.collision, transform))
    if as_json:
        click.echo(json.dumps([{k: v for k, v in r.items() if not k.startswith("_")}
                               for r in results], indent=2))
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
