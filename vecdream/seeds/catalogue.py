"""The exclusivity catalogue: every issued seed, checkable for near-duplicates.

One SQLite file in WAL mode (readers never block the writer). A seed is *admitted*
only when no catalogued seed, of any campaign, has the same canonical SVG (sha256), a
structure hash within ``threshold`` bits under any of the 8 rotations/flips
(:mod:`vecdream.seeds.phash`; lookup by multi-index hashing, :mod:`.hash_index`), or
is the same seed *modulo Mosaic*: the query's structure lies on a catalogued seed's
plane (its tiling when seamless) under some rotation, scale, mirror and shift with an
NCC of at least :data:`MOSAIC_THRESHOLD` holding across the window
(:data:`MOSAIC_AGREEMENT`; :mod:`.mosaic_match`). That search runs on
shortlisted catalogued seeds: of the :data:`SHORTLIST_POOL` nearest the query by a
shift/rotation-blind key (:func:`~.mosaic_view.mosaic_key`, kept in memory), the
:data:`SHORTLIST` nearest at cosine :data:`MOSAIC_GATE` or more and the
:data:`SHORTLIST_SPECTRUM` whose spectra correlate best.
The check and the insert run in one ``BEGIN IMMEDIATE`` transaction, so concurrent
issuers (threads or processes) are serialized on that short step: nothing is lost and
no near-duplicate pair gets in. (The Mosaic registrations, seconds each, run before
the lock against every committed seed; under it only against seeds issued since.)
A killed process leaves its transaction uncommitted: the seed and its index rows are
in together or not at all.

Files are recognised by ``PRAGMA application_id``; ``PRAGMA user_version`` holds the
schema version and :data:`MIGRATIONS` upgrades older files in place (one transaction
per step), so a catalogue written now opens in later versions
(:mod:`.catalogue_schema`). Every failure to read a file is a :class:`CatalogueError`
with one line naming the file.

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
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from vecdream.seeds import hash_index
from vecdream.seeds.catalogue_print import SeedPrint, fingerprint
from vecdream.seeds.catalogue_schema import (
    APPLICATION_ID,
    DEFAULT_THRESHOLD,
    MIGRATIONS,
    SCHEMA_VERSION,
    CatalogueError,
    open_file,
    transaction,
)
from vecdream.seeds.mosaic_index import ShortlistIndex
from vecdream.seeds.mosaic_match import Registration, register
from vecdream.seeds.phash import hamming

# The file-format names live in catalogue_schema; they stay importable from here.
__all__ = ["APPLICATION_ID", "DEFAULT_THRESHOLD", "MIGRATIONS", "MOSAIC_AGREEMENT", "MOSAIC_GATE",
           "MOSAIC_THRESHOLD", "SCHEMA_VERSION", "SHORTLIST", "SHORTLIST_POOL",
           "SHORTLIST_SPECTRUM", "Catalogue", "CatalogueError", "IssueResult", "Match", "SeedRow"]

MOSAIC_THRESHOLD = 0.7
"""NCC at which a registered query is the same seed as a catalogued one (BENCHMARKS.md,
"Exclusivity modulo Mosaic": transformed copies against distinct patterns)."""
MOSAIC_AGREEMENT = 0.57
"""And the 10th percentile of the NCC over the window's 8 x 8 parts must reach this:
random arrangements of the same two Smith tiles reach an NCC of 0.8 overall but fail in
some parts (10th percentile 0.50-0.54); copies hold almost everywhere (BENCHMARKS.md)."""
MOSAIC_GATE = 0.6
"""Shortlist key cosine below which a catalogued seed is not registered at all."""
SHORTLIST = 12
"""Catalogued seeds registered per check because their keys are nearest (BENCHMARKS.md,
"Exclusivity modulo Mosaic, third pass": where copies' sources rank)."""
SHORTLIST_SPECTRUM = 4
"""And those whose spectra correlate best with the query's (Fourier-Mellin), if not yet."""
SHORTLIST_POOL = 64  # the seeds nearest by key whose spectra are compared


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
    orientations), the embedding's relative L2 distance, and for a match modulo Mosaic
    the ``transform`` that lays the query on the seed's plane."""

    seed: SeedRow
    distance: int
    embedding_distance: float | None = None
    exact: bool = False
    transform: Registration | None = None


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
            self.schema_version = open_file(self._conn, self.path)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise CatalogueError(f"{self.path}: not a usable vecdream catalogue ({exc})"
                                 ) from None
        except CatalogueError:
            self._conn.close()
            raise
        self._shortlist = ShortlistIndex()  # the Mosaic keys, in memory
        stored = int(self._meta("threshold", str(DEFAULT_THRESHOLD)))
        self.threshold = stored if threshold is None else threshold
        if not 0 <= self.threshold < hash_index.CHUNKS:
            raise ValueError(f"threshold must be in 0..{hash_index.CHUNKS - 1} bits, "
                             f"got {self.threshold}")

    # -- transactions and metadata -----------------------------------------------
    def _write(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction (:func:`~.catalogue_schema.transaction`)."""
        return transaction(self._conn)

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
        return self._hash_match(fp) or self._mosaic_match(fp)

    def _hash_match(self, fp: SeedPrint) -> Match | None:
        """Same canonical SVG, or a dihedral structure hash within the threshold."""
        row = self._conn.execute("SELECT id FROM seeds WHERE sha256 = ?",
                                 (fp.sha256,)).fetchone()
        if row is not None:
            return self._match(hash_index.Hit(row[0], 0), None, exact=True)
        hits = hash_index.near(self._conn, fp.hashes, self.threshold)
        return self._match(hits[0], fp.embedding) if hits else None

    def _mosaic_match(self, fp: SeedPrint, after: int = 0) -> Match | None:
        """The first shortlisted seed with id > ``after`` the query registers onto, or None."""
        if fp.window is None or fp.query_key is None:
            return None
        # keyed by the window as printed and by the query's own plane, whichever is nearer
        keys = np.stack([k for k in (fp.query_key, fp.key) if k is not None])
        for seed_id, plane in self._shortlist.candidates(
                self._conn, keys, fp.window, SHORTLIST, SHORTLIST_SPECTRUM, MOSAIC_GATE,
                SHORTLIST_POOL, after):
            fit = register(fp.window, plane)
            row = self._conn.execute("SELECT phash FROM seeds WHERE id = ?",
                                     (seed_id,)).fetchone()  # None: removed since it was read
            if row is not None and fit.score >= MOSAIC_THRESHOLD and \
                    fit.agreement >= MOSAIC_AGREEMENT:
                bits = int(hamming(fp.hashes, np.frombuffer(row[0], np.uint8)).min())
                return replace(self._match(hash_index.Hit(seed_id, bits), fp.embedding),
                               transform=fit)
        return None

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
            # Registering takes seconds: do it before the write lock, against every seed
            # committed so far; under the lock only seeds issued since then are left.
            hit = self.check(fp)
            if hit is not None:
                return IssueResult(False, collision=hit)
            seen = self._shortlist.last_id
            with self._write() as c:
                hit = self._hash_match(fp) or self._mosaic_match(fp, after=seen)
                if hit is not None:
                    return IssueResult(False, collision=hit)
                cur = c.execute(
                    "INSERT INTO seeds (name, campaign, svg, sha256, phash, embedding, "
                    "provenance, issued_at, mosaic, mosaic_key) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (name, campaign, text, fp.sha256, fp.hashes[0].tobytes(),
                     fp.embedding.tobytes(), record, time.time(),
                     None if fp.plane is None else fp.plane.to_bytes(),
                     None if fp.key is None else fp.key.tobytes()))
                hash_index.add_hashes(c, cur.lastrowid, fp.hashes[0])
        except sqlite3.DatabaseError as exc:
            raise CatalogueError(f"{self.path}: {exc}") from None
        return IssueResult(True, seed_id=cur.lastrowid)
