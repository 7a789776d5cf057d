"""The finished-items journal of a job: what a rerun skips.

One key per line, appended and fsynced after the item's outputs were written, so a
key in the journal means its outputs are complete (outputs are written atomically
first); a crash between the two only makes the rerun redo that one item.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["Journal"]


class Journal:
    """Finished keys of a job, kept in a text file (created on first :meth:`add`).

    A context manager: ``with Journal(path) as journal: run_jobs(..., journal=journal)``
    closes the file however the job ends.

    Args:
        path: the journal file, e.g. ``OUT/.vecdream-job``.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._done: set[str] = set()
        if self.path.is_file():
            lines = self.path.read_text(encoding="utf-8").splitlines()
            self._done = {line for line in lines if line}  # a torn last line is ignored
        self._fh = None

    def __contains__(self, key: str) -> bool:
        return key in self._done

    def __len__(self) -> int:
        return len(self._done)

    def add(self, key: str) -> None:
        """Record ``key`` as finished (durable when this returns)."""
        if "\n" in key:
            raise ValueError(f"journal keys are single lines, got {key!r}")
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (kept open)
        self._fh.write(key + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._done.add(key)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
