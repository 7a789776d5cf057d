"""Issue one seed file into a catalogue and say what happened, in words and as a record.

Shared by ``vecdream seeds issue`` and the studio: a file is ``admitted`` (its new id),
``refused`` (the nearest catalogued seed, its campaign, distance and the transform that
relates them), ``unreadable`` (why) or ``ignored`` (vecdream's own preview pages and
contact sheets are no seeds).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["TRANSFORMS", "describe", "issue_file", "match_record", "matched_transform",
           "mosaic_transform", "preview_reason", "report_line"]

TRANSFORMS = ("as is", "rotated 90°", "rotated 180°", "rotated 270°", "mirrored left-right",
              "mirrored left-right, rotated 90°", "mirrored top-bottom",
              "mirrored left-right, rotated 270°")
"""How a file relates to the catalogued seed it matched, by orientation index of
:func:`~vecdream.seeds.phash.dihedral_hashes` (rotations clockwise, as
:func:`~vecdream.seeds.variations.rotate`). Structure only: recolouring is not told."""


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


def match_record(match, transform: str) -> dict:
    """A refusal's nearest seed as plain data (JSON output, the studio)."""
    s = match.seed
    return {"id": s.id, "name": s.name, "campaign": s.campaign, "distance": match.distance,
            "exact": match.exact, "embedding_distance": match.embedding_distance,
            "transform": transform,
            "mosaic": None if match.transform is None else {
                "ncc": match.transform.score, "angle": match.transform.angle,
                "scale": match.transform.zoom, "mirror": match.transform.mirror}}


def report_line(r: dict) -> str:
    """One file's result as ``issue`` prints it."""
    detail = {"admitted": f"as #{r.get('id')}",
              "refused": f"near-duplicate of {r.get('line')}"}.get(r["status"], r.get("reason"))
    return f"{r['status']} {r['file']}: {detail}"


def issue_file(cat, path: Path, root: Path, campaign: str) -> dict:
    """Issue the SVG seed ``path`` (found under ``root``) into ``cat`` under ``campaign``.

    Returns a record: ``file`` (relative to ``root``), ``status`` (``admitted``,
    ``refused``, ``unreadable``, ``ignored``) and, by status, ``id``; ``nearest`` (see
    :func:`match_record`) and ``line`` (:func:`describe`); or ``reason``. A damaged
    catalogue raises :class:`~vecdream.seeds.catalogue.CatalogueError` or
    ``sqlite3.DatabaseError``: that is no property of the file.
    """
    from vecdream.export import read_metadata
    from vecdream.seeds.catalogue_print import fingerprint

    label = path.name if path == root else str(path.relative_to(root))
    try:
        provenance = {"file": path.name, **read_metadata(path)}
    except (ValueError, OSError):
        provenance = {"file": path.name}
    why = preview_reason(path, root, provenance)
    if why is not None:
        return {"file": label, "status": "ignored", "reason": why}
    try:
        svg = path.read_bytes()
        fp, _ = fingerprint(svg)
        result = cat.issue(svg, name=path.stem, campaign=campaign, provenance=provenance,
                           fp=fp)
    except (ValueError, OSError) as exc:
        return {"file": label, "status": "unreadable", "reason": str(exc)}
    if result.admitted:
        return {"file": label, "status": "admitted", "id": result.seed_id}
    transform = matched_transform(cat, result.collision, fp)
    return {"file": label, "status": "refused",
            "nearest": match_record(result.collision, transform),
            "line": describe(result.collision, transform)}
