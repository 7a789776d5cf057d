"""The studio's catalogue: issue selected seeds under a campaign, list campaigns, export a
campaign as one ZIP of print-sized vector PDFs and SVGs with its manifest.

The workspace's lock serializes catalogue work in the web process (SQLite allows one writer; a
check registers onto shortlisted seeds and takes up to seconds).
"""

from __future__ import annotations

import io
import tempfile
import time
import zipfile
from pathlib import Path

from vecdream.atomic import atomic_write_bytes
from vecdream.studio.workspace import Workspace, safe_name

__all__ = ["campaigns", "export_zip", "issue_seeds"]


def _open(workspace: Workspace):
    from vecdream.seeds.catalogue import Catalogue

    return Catalogue(workspace.catalogue, create=True)


def issue_seeds(workspace: Workspace, files: list[str], campaign: str) -> list[dict]:
    """Issue the workspace's SVG seeds ``files`` under ``campaign``, in order.

    Returns one record per file (:func:`vecdream.seeds.catalogue_issue.issue_file`:
    admitted with its id, or refused with the nearest seed, its campaign, distance and
    the transform that relates them). Raises ``ValueError`` for a bad name or campaign.
    """
    from vecdream.seeds.catalogue_issue import issue_file

    campaign = campaign.strip()
    if not campaign or len(campaign) > 80:
        raise ValueError("campaign: expected a name of 1-80 characters")
    paths = []
    for name in files:
        path = workspace.resolve(name)
        if path.suffix.lower() != ".svg" or not path.is_file():
            raise ValueError(f"seeds: {name!r} is not an SVG seed of the workspace")
        paths.append(path)
    with workspace.catalogue_lock, _open(workspace) as cat:
        results = []
        for name, path in zip(files, paths, strict=True):
            record = issue_file(cat, path, path.parent, campaign)
            results.append({**record, "file": name})
        return results


def campaigns(workspace: Workspace) -> list[dict]:
    """Every campaign of the catalogue with its seed count, oldest first."""
    if not workspace.catalogue.exists():
        return []
    with workspace.catalogue_lock, _open(workspace) as cat:
        rows = cat.rows()
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.campaign] = counts.get(row.campaign, 0) + 1
    return [{"campaign": c, "seeds": n} for c, n in counts.items()]


def export_zip(workspace: Workspace, campaign: str, page_mm: float = 100.0) -> tuple[str, int]:
    """Export ``campaign`` as ``exports/<campaign>_<time>.zip`` (SVG + vector PDF per seed,
    ``manifest.csv`` and ``manifest.json``). Returns its workspace name and seed count.

    Raises:
        ValueError: no such campaign, or a page size out of range.
    """
    from vecdream.seeds.catalogue_export import export_campaign

    if not 10 <= page_mm <= 2000:
        raise ValueError(f"page_mm: expected 10-2000 mm, got {page_mm}")
    with tempfile.TemporaryDirectory() as tmp, workspace.catalogue_lock, _open(workspace) as cat:
        records = export_campaign(cat, campaign, tmp, ("svg", "pdf"), page_mm=page_mm)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(Path(tmp).iterdir()):
                zf.write(path, path.name)
    name = f"exports/{safe_name(campaign, 'campaign')}_{time.strftime('%Y%m%d-%H%M%S')}.zip"
    atomic_write_bytes(workspace.resolve(name), buffer.getvalue())
    return name, len(records)
