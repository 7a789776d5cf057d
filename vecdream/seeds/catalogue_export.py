"""Write a campaign's catalogued seeds as SVG/PDF files with a manifest (CSV and JSON)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from vecdream.atomic import atomic_write_bytes
from vecdream.drawing import Drawing
from vecdream.seeds.catalogue import Catalogue

__all__ = ["FORMATS", "export_campaign"]

FORMATS = ("svg", "pdf", "png")
_FIELDS = ["id", "name", "campaign", "sha256", "issued_at", "files", "provenance"]


def _safe(name: str) -> str:
    """A file-name-safe version of a seed's label (the id prefix keeps names unique)."""
    keep = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip("._")
    return keep[:60] or "seed"


def export_campaign(catalogue: Catalogue, campaign: str, out: str | os.PathLike,
                    formats: tuple[str, ...] = ("svg", "pdf")) -> list[dict]:
    """Write every seed of ``campaign`` into ``out`` and a manifest of them.

    Files are ``<id>_<name>.<format>``, written with
    :func:`vecdream.export.save_drawing` (atomically) and the catalogue record embedded
    as provenance metadata; ``manifest.csv`` and ``manifest.json`` list id, name,
    campaign, sha256, issue time, files and provenance.

    Returns:
        The manifest records, in issue order.

    Raises:
        ValueError: an unknown format, or a campaign with no seeds.
    """
    from vecdream.export import save_drawing

    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"export: formats must be among {', '.join(FORMATS)}, got "
                         f"{','.join(formats) or 'none'}")
    rows = catalogue.rows(campaign)
    if not rows:
        raise ValueError(f"export: campaign {campaign!r} has no seeds in {catalogue.path}")
    out = Path(out)
    records = []
    for row in rows:
        drawing = Drawing.from_svg(catalogue.svg(row.id).encode("utf-8"))
        meta = {"catalogue_id": row.id, "campaign": row.campaign, "sha256": row.sha256,
                **{f"source_{k}": v for k, v in row.provenance.items()}}
        files = []
        for fmt in formats:
            path = out / f"{row.id:06d}_{_safe(row.name)}.{fmt}"
            save_drawing(drawing, path, metadata=meta)
            files.append(path.name)
        records.append({"id": row.id, "name": row.name, "campaign": row.campaign,
                        "sha256": row.sha256, "issued_at": row.issued_at, "files": files,
                        "provenance": row.provenance})
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=_FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow({**r, "files": ";".join(r["files"]),
                         "provenance": json.dumps(r["provenance"], sort_keys=True)})
    atomic_write_bytes(out / "manifest.csv", text.getvalue().encode("utf-8"))
    atomic_write_bytes(out / "manifest.json",
                       json.dumps(records, indent=2, sort_keys=True).encode("utf-8"))
    return records
