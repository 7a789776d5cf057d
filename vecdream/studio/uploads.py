"""Uploads: files a designer sends, size-limited, checked by the library's own readers,
kept in ``uploads/<folder>/`` of the workspace under cleaned names.

Kinds: ``seeds`` (SVG, PDF, PNG, JPEG: read as a seed, the SVG reader being the hardened
one: no entities, no external files), ``photo`` (one image to paint) and ``palette``
(one ``.gpl`` or ``.ase``). A file that does not read is listed with its reason and not
kept; a file over the limit refuses the whole upload (413).
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from fastapi import UploadFile

from vecdream.atomic import atomic_write_bytes
from vecdream.studio.workspace import Workspace, safe_name

__all__ = ["KINDS", "UploadError", "import_folder", "save_uploads", "seed_folders"]

KINDS = {"seeds": (".svg", ".pdf", ".png", ".jpg", ".jpeg"),
         "photo": (".png", ".jpg", ".jpeg", ".webp"),
         "palette": (".gpl", ".ase")}
"""What each upload kind accepts."""

_CHUNK = 1 << 16


class UploadError(ValueError):
    """An upload refused as a whole; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


async def _read_limited(upload: UploadFile, max_bytes: int) -> bytes:
    data = bytearray()
    while chunk := await upload.read(_CHUNK):
        data += chunk
        if len(data) > max_bytes:
            raise UploadError(f"{upload.filename}: larger than the upload limit of "
                              f"{max_bytes / 2**20:g} MB", status=413)
    return bytes(data)


def _check(kind: str, path) -> None:
    """Raise ``ValueError`` (or ``OSError``) when the saved file is not what it claims."""
    if kind == "seeds":
        from vecdream.seeds.folder import read_seed

        read_seed(path, 32)
    elif kind == "photo":
        from vecdream.dream.photo import load_photo

        load_photo(path, 32)
    else:
        from vecdream.seeds.palette import load_palette

        load_palette(str(path))


def _keep(ws: Workspace, kind: str, path, data: bytes, original: str, kept: list,
          skipped: list) -> None:
    """Write ``data`` at ``path`` and keep it if it reads as ``kind``; else remove it and
    list ``original`` in ``skipped`` with the reader's one-line reason."""
    atomic_write_bytes(path, data)
    try:
        _check(kind, path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one line
        path.unlink()
        skipped.append({"file": original, "reason": str(exc).splitlines()[0] if str(exc)
                        else type(exc).__name__})
        return
    kept.append(ws.relative(path))


async def save_uploads(ws: Workspace, kind: str, files: list[UploadFile], *,
                       max_bytes: int) -> dict:
    """Keep the readable ``files`` in a new ``uploads/<folder>/``.

    Returns:
        ``{"folder": "uploads/...", "files": [workspace names], "skipped": [{"file",
        "reason"}]}``.

    Raises:
        UploadError: an unknown kind, no files, a file over ``max_bytes`` (413), or no
            readable file at all.
    """
    if kind not in KINDS:
        raise UploadError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    if not files:
        raise UploadError("no files in the upload")
    if kind != "seeds" and len(files) != 1:
        raise UploadError(f"a {kind} upload holds one file, got {len(files)}")
    contents = [(f.filename or "file", await _read_limited(f, max_bytes)) for f in files]
    folder = f"uploads/{time.strftime('%Y%m%d-%H%M%S')}-{kind}-{uuid.uuid4().hex[:6]}"
    root = ws.resolve(folder)
    root.mkdir(parents=True)
    kept, skipped = [], []
    for original, data in contents:
        name = safe_name(original)
        suffix = "." + name.rpartition(".")[2].lower() if "." in name else ""
        if suffix not in KINDS[kind]:
            skipped.append({"file": original, "reason": f"not one of {', '.join(KINDS[kind])}"})
            continue
        stem, n = name[: -len(suffix)], 1
        while (root / name).exists():  # two uploads of a.svg: a.svg, a_2.svg
            n += 1
            name = f"{stem}_{n}{suffix}"
        _keep(ws, kind, root / name, data, original, kept, skipped)
    if not kept:
        root.rmdir()
        reasons = "; ".join(f"{s['file']}: {s['reason']}" for s in skipped[:3])
        raise UploadError(f"nothing readable in the upload ({reasons})")
    return {"folder": folder, "files": kept, "skipped": skipped}


def import_folder(ws: Workspace, source: Path) -> dict:
    """Copy the readable seed files of a local folder (named by whoever started the studio,
    never by a request) into ``uploads/<name>/``; same result as :func:`save_uploads`."""
    source = Path(source).expanduser()
    if not source.is_dir():
        raise UploadError(f"{source}: not a folder")
    folder = f"uploads/{safe_name(source.resolve().name, 'seeds')}"
    root = ws.resolve(folder)
    root.mkdir(parents=True, exist_ok=True)
    kept, skipped = [], []
    for path in sorted(p for p in source.iterdir() if p.is_file()):
        if path.suffix.lower() not in KINDS["seeds"]:
            continue
        _keep(ws, "seeds", root / safe_name(path.name), path.read_bytes(), path.name, kept,
              skipped)
    return {"folder": folder, "files": kept, "skipped": skipped}


def seed_folders(ws: Workspace) -> list[dict]:
    """Upload folders holding seed files, newest first, with their file counts."""
    folders = []
    for root in sorted((ws.root / "uploads").iterdir(), key=lambda p: p.stat().st_mtime,
                       reverse=True):
        count = sum(1 for p in root.iterdir() if p.suffix.lower() in KINDS["seeds"]) \
            if root.is_dir() else 0
        if count and "-photo-" not in root.name and "-palette-" not in root.name:
            folders.append({"folder": ws.relative(root), "files": count})
    return folders
