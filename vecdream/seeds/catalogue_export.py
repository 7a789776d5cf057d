"""Write a campaign's catalogued seeds as SVG/PDF files with a manifest (CSV and JSON)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

from vecdream.atomic import atomic_write_bytes
from vecdream.drawing import Drawing
from vecdream.seeds.catalogue import Catalogue

__all__ = ["FORMATS", "PAGE_MM", "export_campaign", "iso_time", "sized_svg"]

FORMATS = ("svg", "pdf", "png")
PAGE_MM = 100.0
"""Default printed size of an exported seed's longer side, in mm."""
_FIELDS = ["id", "name", "campaign", "sha256", "issued_at", "files", "provenance"]


def _safe(name: str) -> str:
    """A file-name-safe version of a seed's label (the id prefix keeps names unique)."""
    keep = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip("._")
    return keep[:60] or "seed"


def iso_time(epoch: float) -> str:
    """ISO-8601 UTC time of a Unix time, to the second: ``2026-12-06T19:30:00+00:00``."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat(timespec="seconds")


def sized_svg(drawing: Drawing, page_mm: float, metadata: dict | None = None) -> str:
    """The drawing's SVG with ``width``/``height`` in mm, the longer side ``page_mm``
    (the viewBox, so the geometry, is unchanged)."""
    from vecdream.svg import drawing_to_svg

    w, h = drawing.size
    scale = page_mm / max(w, h)
    text = drawing_to_svg(drawing.detach(), metadata=metadata)
    size = f'width="{w * scale:.4g}mm" height="{h * scale:.4g}mm"'
    return re.sub(r'width="[^"]*" height="[^"]*"', size, text, count=1)


def export_campaign(catalogue: Catalogue, campaign: str, out: str | os.PathLike,
                    formats: tuple[str, ...] = ("svg", "pdf"), *, page_mm: float = PAGE_MM,
                    overwrite: bool = False) -> list[dict]:
    """Write every seed of ``campaign`` into ``out`` and a manifest of them.

    Files are ``<id>_<name>.<format>``, written atomically with the catalogue record
    embedded as provenance metadata; SVG and PDF are print-sized (the longer side
    ``page_mm`` mm), PNG is one pixel per canvas unit. ``manifest.csv`` and
    ``manifest.json`` list id, name, campaign, sha256, issue time (ISO-8601, UTC), files
    and provenance.

    Returns:
        The manifest records, in issue order.

    Raises:
        ValueError: an unknown format, a page size <= 0, or a campaign with no seeds.
        FileExistsError: a file to write exists and ``overwrite`` is False (nothing is
            written; ``filename`` is the first such file).
    """
    from vecdream.export import save_drawing, svg_to_pdf_bytes

    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"export: formats must be among {', '.join(FORMATS)}, got "
                         f"{','.join(formats) or 'none'}")
    if not page_mm > 0:
        raise ValueError(f"export: page size must be > 0 mm, got {page_mm}")
    rows = catalogue.rows(campaign)
    if not rows:
        raise ValueError(f"export: campaign {campaign!r} has no seeds in {catalogue.path}")
    out = Path(out)
    names = [[f"{row.id:06d}_{_safe(row.name)}.{fmt}" for fmt in formats] for row in rows]
    existing = [out / n for n in [*sum(names, []), "manifest.csv", "manifest.json"]
                if (out / n).exists()]
    if existing and not overwrite:
        raise FileExistsError(17, "file exists", str(existing[0]))
    records = []
    for row, files in zip(rows, names, strict=True):
        drawing = Drawing.from_svg(catalogue.svg(row.id).encode("utf-8"))
        meta = {"catalogue_id": row.id, "campaign": row.campaign, "sha256": row.sha256,
                **{f"source_{k}": v for k, v in row.provenance.items()}}
        for name in files:
            path = out / name
            if path.suffix == ".svg":
                atomic_write_bytes(path, sized_svg(drawing, page_mm, meta).encode("utf-8"))
            elif path.suffix == ".pdf":
                atomic_write_bytes(path, svg_to_pdf_bytes(sized_svg(drawing, page_mm),
                                                          metadata=meta))
            else:
                save_drawing(drawing, path, metadata=meta)
        records.append({"id": row.id, "name": row.name, "campaign": row.campaign,
                        "sha256": row.sha256, "issued_at": iso_time(row.issued_at),
                        "files": files, "provenance": row.provenance})
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
