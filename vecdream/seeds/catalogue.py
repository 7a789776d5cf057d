"""The exclusivity catalogue: every issued seed, checkable for near-duplicates.

One SQLite file in WAL mode (readers never block the writer). A seed is *admitted*
only when no catalogued seed, of any campaign, has the same canonical SVG (sha256) or
a structure hash within ``threshold`` bits under any of the 8 rotations/flips
(:mod:`vecdream.seeds.phash`; lookup by multi-index hashing, :mod:`.hash_index`).
The check and the insert run in one ``BEGIN IMMEDIATE`` transaction, so concurrent
issuers (threads or processes) are serialized on that short step: nothing is lost and
no near-duplicate pair gets in. A killed process leaves its transaction uncommitted:
the seed and its index rows are in together or not at all.

Files are recognised by ``PRAGMA application_id``; ``PRAGMA user_version`` holds the
schema version and :data:`MIGRATIONS` upgrades older files in place (one transaction
per step), so a catalogue written now opens in later versions. Every failure to read
a file is a :class:`CatalogueError` with one line naming the file.

Example:
    >>> from vecdream.seeds.families import make_drawing
    >>> import tempfile, pathlib
    >>> db = pathlib.Path(tempfile.mkdtemp()) / "brand.db"
    >>> with Catalogue(db) as cat:
    ...     first = cat.issue(make_drawing("truchet", seed=1).to_svg(), name="a", campaign="x")
    ...     again = cat.issue(make_drawing("truchet", seed=1).to_svg(), name="b", campaign="y")
    >>> first.admitted, again.admitted, again.collision.seed.name
    (True, False, 'a')
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vecdream.seeds import hash_index
from vecdream.seeds.catalogue_print import SeedPrint, fingerprint

__all__ = ["APPLICATION_ID", "DEFAULT_THRESHOLD", "MIGRATIONS", "SCHEMA_VERSION", "Catalogue",
           "CatalogueError", "IssueResult", "Match", "SeedRow"]

APPLICATION_ID = 0x56454344  # "VECD"
SCHEMA_VERSION = 2
DEFAULT_THRESHOLD = 15  # bits of 256 (the most the 16-chunk index answers exactly); BENCHMARKS.md

_SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE seeds (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    campaign TEXT NOT NULL,
    svg TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    phash BLOB NOT NULL,
    embedding BLOB,
    provenance TEXT NOT NULL,
    issued_at REAL NOT NULL
);
CREATE INDEX seeds_campaign ON seeds (campaign);
""" + hash_index.SCHEMA



def _rehash_v1_to_v2(c: sqlite3.Connection) -> None:
    """Schema 2 changed the structure hash (crisp-edge render, see :mod:`.phash`):
    re-fingerprint every stored SVG and rebuild the chunk index."""
    c.execute("DELETE FROM hash_chunks")
    for seed_id, svg in c.execute("SELECT id, svg FROM seeds").fetchall():
        fp, _ = fingerprint(svg)
        c.execute("UPDATE seeds SET phash = ?, embedding = ? WHERE id = ?",
                  (fp.hashes[0].tobytes(), fp.embedding.tobytes(), seed_id))
        hash_index.add_hashes(c, seed_id, fp.hashes[0])
    c.execute("UPDATE meta SET value = 'edge-simhash-256/v2' WHERE key = 'hash'")


# MIGRATIONS[v] upgrades a version-v file to v + 1 inside one transaction (a failure
# rolls it back and leaves the file as it was).
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _rehash_v1_to_v2}


class CatalogueError(Exception):
    """A catalogue file that cannot be used: one line naming the file and why."""


@dataclass(frozen=True)
class SeedRow:
    """A catalogued seed (``provenance`` decoded from its JSON)."""

    id: int
    name: str
    campaign: str
    sha256: str
    provenance: dict
    issued_at: float


@dataclass(frozen=True)
class Match:
    """A catalogued seed near a query: bit ``distance`` (0-256, min over the 8
    orientations) and the embedding's relative L2 distance."""

    seed: SeedRow
    distance: int
    embedding_distance: float | None = None
    exact: bool = False


@dataclass(frozen=True)
class IssueResult:
    """The outcome of :meth:`Catalogue.issue`: the new id, or the seed it collides with."""

    admitted: bool
    seed_id: int | None = None
    collision: Match | None = None


_COLUMNS = "id, name, campaign, sha256, provenance, issued_at"


def _row(r: tuple) -> SeedRow:
    return SeedRow(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5])


class Catalogue:
    """An open catalogue file (created when missing). Use as a context manager.

    Args:
        path: the ``.db`` file.
        threshold: bits (0-15) within which two seeds are near-duplicates; default the
            file's own (set at creation, :data:`DEFAULT_THRESHOLD`).
        create: create a missing file (False: :class:`CatalogueError`).
        timeout: seconds to wait for another writer's lock.
    """

    def __init__(self, path: str | os.PathLike, *, threshold: int | None = None,
                 create: bool = True, timeout: float = 60.0) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise CatalogueError(f"{self.path}: no such catalogue")
        try:
            self._conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise CatalogueError(f"{self.path}: cannot open ({exc})") from None
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise CatalogueError(f"{self.path}: not a usable vecdream catalogue ({exc})"
                                 ) from None
        except CatalogueError:
            self._conn.close()
            raise
        stored = int(self._meta("threshold", str(DEFAULT_THRESHOLD)))
        self.threshold = stored if threshold is None else threshold
        if not 0 <= self.threshold < hash_index.CHUNKS:
            raise ValueError(f"threshold must be in 0..{hash_index.CHUNKS - 1} bits, "
                             f"got {self.threshold}")

    # -- opening, schema and migrations ---------------------------------------------
    def _open(self) -> None:
        c = self._conn
        app = c.execute("PRAGMA application_id").fetchone()[0]
        tables = c.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app != APPLICATION_ID and tables:
            raise CatalogueError(f"{self.path}: not a vecdream catalogue (a SQLite database "
                                 f"of another application)")
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a killed process loses nothing
        c.execute("PRAGMA foreign_keys=ON")
        with self._write():
            version = c.execute("PRAGMA user_version").fetchone()[0]
            if c.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                for statement in _SCHEMA_V1.split(";"):
                    if statement.strip():
                        c.execute(statement)
                c.execute("INSERT INTO meta (key, value) VALUES ('threshold', ?)",
                          (str(DEFAULT_THRESHOLD),))
                c.execute("INSERT INTO meta (key, value) VALUES ('hash', ?)",
                          ("edge-simhash-256/v1",))
                c.execute(f"PRAGMA application_id={APPLICATION_ID:d}")
                version = 1
            if version > SCHEMA_VERSION:
                raise CatalogueError(f"{self.path}: written by a newer vecdream (schema "
                                     f"{version}, this one reads up to {SCHEMA_VERSION})")
            while version < SCHEMA_VERSION:
                if version not in MIGRATIONS:
                    raise CatalogueError(f"{self.path}: no migration from schema {version}")
                MIGRATIONS[version](c)
                version += 1
            c.execute(f"PRAGMA user_version={version:d}")
            self.schema_version = version

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: the write lock is taken before the first
        read, so a check and the insert that depends on it cannot interleave."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _meta(self, key: str, default: str) -> str:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else row[0]

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by the last one to close)."""
        self._conn.close()

    def __enter__(self) -> Catalogue:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self._conn.execute("SELECT count(*) FROM seeds").fetchone()[0]

    # -- queries ------------------------------------------------------------------
    def get(self, seed_id: int) -> SeedRow:
        """The row of ``seed_id`` (``KeyError`` when absent)."""
        r = self._conn.execute(f"SELECT {_COLUMNS} FROM seeds WHERE id = ?",
                               (seed_id,)).fetchone()
        if r is None:
            raise KeyError(seed_id)
        return _row(r)

    def svg(self, seed_id: int) -> str:
        """The SVG text issued for ``seed_id``."""
        return self._conn.execute("SELECT svg FROM seeds WHERE id = ?", (seed_id,)).fetchone()[0]

    def rows(self, campaign: str | None = None) -> list[SeedRow]:
        """Every seed (of ``campaign`` when given), in issue order."""
        if campaign is None:
            cur = self._conn.execute(f"SELECT {_COLUMNS} FROM seeds ORDER BY id")
        else:
            cur = self._conn.execute(f"SELECT {_COLUMNS} FROM seeds WHERE campaign = ? "
                                     f"ORDER BY id", (campaign,))
        return [_row(r) for r in cur]

    def _match(self, hit: hash_index.Hit, emb: np.ndarray | None, exact: bool = False
               ) -> Match:
        dist = None
        if emb is not None:
            blob = self._conn.execute("SELECT embedding FROM seeds WHERE id = ?",
                                      (hit.seed_id,)).fetchone()[0]
            if blob is not None:
                other = np.frombuffer(blob, np.float16).astype(np.float64)
                q = emb.astype(np.float64)
                dist = float(np.linalg.norm(q - other) / max(np.linalg.norm(q), 1e-12))
        return Match(self.get(hit.seed_id), hit.distance, dist, exact)

    def check(self, fp: SeedPrint) -> Match | None:
        """The catalogued seed this print collides with (None: admissible)."""
        row = self._conn.execute("SELECT id FROM seeds WHERE sha256 = ?",
                                 (fp.sha256,)).fetchone()
        if row is not None:
            return self._match(hash_index.Hit(row[0], 0), None, exact=True)
        hits = hash_index.near(self._conn, fp.hashes, self.threshold)
        return self._match(hits[0], fp.embedding) if hits else None

    def similar(self, svg: str | bytes, k: int = 5) -> list[Match]:
        """The ``k`` catalogued seeds nearest to an SVG (hash distance, then id)."""
        fp, _ = fingerprint(svg)
        hits = hash_index.nearest_scan(self._conn, fp.hashes, k)
        return [self._match(h, fp.embedding) for h in hits]

    # -- issuing ------------------------------------------------------------------
    def issue(self, svg: str | bytes, *, name: str, campaign: str,
              provenance: dict | None = None, fp: SeedPrint | None = None) -> IssueResult:
        """Admit a seed unless it near-duplicates a catalogued one (any campaign).

        Args:
            svg: the seed's SVG text (stored as given).
            name: a label (e.g. the file stem); need not be unique.
            campaign: the client/campaign tag.
            provenance: JSON-able record (model, seed/z, step, options...).
            fp: a precomputed :func:`fingerprint` of ``svg`` (skips rendering).

        Raises:
            ValueError: unreadable SVG.
        """
        if fp is None:
            fp, _ = fingerprint(svg)
        text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
        record = json.dumps(provenance or {}, sort_keys=True, default=str)
        try:
            with self._write() as c:
                hit = self.check(fp)
                if hit is not None:
                    return IssueResult(False, collision=hit)
                cur = c.execute(
                    "INSERT INTO seeds (name, campaign, svg, sha256, phash, embedding, "
                    "provenance, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (name, campaign, text, fp.sha256, fp.hashes[0].tobytes(),
                     fp.embedding.tobytes(), record, time.time()))
                hash_index.add_hashes(c, cur.lastrowid, fp.hashes[0])
        except sqlite3.DatabaseError as exc:
            raise CatalogueError(f"{self.path}: {exc}") from None
        return IssueResult(True, seed_id=cur.lastrowid)
