"""The studio's workspace: one folder holding everything it made, every path confined to it.

Layout (all relative to the root):

* ``jobs/<id>/`` -- one folder per job: ``job.json`` (its state) and its outputs;
* ``uploads/<folder>/`` -- files a designer uploaded, one folder per upload batch;
* ``catalogue.sqlite`` -- the exclusivity catalogue seeds are issued into;
* ``exports/`` -- ZIPs of exported campaigns.

Names coming from a request go through :meth:`Workspace.resolve` (a ``..``, an absolute
path, or a link out of the root is refused) and :func:`safe_name` (uploaded file names).
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path, PurePosixPath

from vecdream.atomic import atomic_write_bytes

__all__ = ["OutsideWorkspace", "Workspace", "safe_name"]

_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class OutsideWorkspace(ValueError):
    """A requested path is not inside the workspace (``..``, absolute, or a link out)."""


def safe_name(name: str, default: str = "file") -> str:
    """``name`` reduced to a plain file name: its last component, characters outside
    ``[A-Za-z0-9._-]`` replaced by ``_``, no leading dots (``"../../a b.svg"`` ->
    ``"a_b.svg"``)."""
    last = PurePosixPath(name.replace("\\", "/")).name
    cleaned = _NAME.sub("_", last).lstrip(".")
    return cleaned[:120] or default


class Workspace:
    """A folder that owns the studio's files.

    Args:
        root: the folder (created when missing).
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()
        self.catalogue_lock = threading.Lock()  # SQLite takes one writer at a time
        for sub in ("jobs", "uploads", "exports"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    @property
    def catalogue(self) -> Path:
        """The exclusivity catalogue's SQLite file."""
        return self.root / "catalogue.sqlite"

    def resolve(self, relative: str) -> Path:
        """The absolute path of ``relative`` (POSIX, as in a URL) inside the workspace.

        Raises:
            OutsideWorkspace: ``relative`` is absolute, has a ``..`` part, or resolves
                (through links) outside the root.
        """
        parts = PurePosixPath(relative.replace("\\", "/")).parts
        if relative.startswith(("/", "\\")) or any(p == ".." for p in parts) or (
                parts and ":" in parts[0]):
            raise OutsideWorkspace(f"{relative!r} is outside the workspace")
        path = (self.root / Path(*parts)).resolve() if parts else self.root
        if path != self.root and not path.is_relative_to(self.root):
            raise OutsideWorkspace(f"{relative!r} is outside the workspace")
        return path

    def relative(self, path: Path) -> str:
        """``path`` (inside the workspace) as the POSIX name requests use."""
        return path.resolve().relative_to(self.root).as_posix()

    def job_dir(self, job_id: str) -> Path:
        """The folder of job ``job_id`` (refused when the id is not a plain name)."""
        if safe_name(job_id) != job_id:
            raise OutsideWorkspace(f"{job_id!r} is not a job id")
        return self.root / "jobs" / job_id

    def write_json(self, relative: str, data: object) -> Path:
        """Write ``data`` as JSON at ``relative``, atomically (a reader never sees half)."""
        path = self.resolve(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, json.dumps(data, indent=1).encode())
        return path

    def read_json(self, relative: str) -> object:
        """The JSON at ``relative``."""
        return json.loads(self.resolve(relative).read_text())
