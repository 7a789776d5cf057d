"""The catalogue's file format: recognising, creating and migrating the SQLite file.

Files are recognised by ``PRAGMA application_id``; ``PRAGMA user_version`` holds the
schema version and :data:`MIGRATIONS` upgrades older files in place (one transaction
per step), so a catalogue written now opens in later versions. Every failure to use a
file is a :class:`CatalogueError` with one line naming the file. Kept apart from
:mod:`~.catalogue` (issuing and queries), which re-exports the public names.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from vecdream.seeds import hash_index
from vecdream.seeds.catalogue_print import fingerprint

__all__ = ["APPLICATION_ID", "DEFAULT_THRESHOLD", "MIGRATIONS", "SCHEMA_VERSION",
           "CatalogueError", "open_file", "transaction"]

APPLICATION_ID = 0x56454344  # "VECD"
SCHEMA_VERSION = 4
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


def _mosaic_v2_to_v3(c: sqlite3.Connection) -> None:
    """Schema 3 adds each seed's Mosaic plane and shortlist key (:mod:`.mosaic_view`)."""
    from vecdream.drawing import Drawing
    from vecdream.seeds.catalogue_print import mosaic_views
    from vecdream.seeds.mosaic_view import mosaic_key

    columns = {row[1] for row in c.execute("PRAGMA table_info(seeds)")}
    for column in ("mosaic", "mosaic_key"):
        if column not in columns:
            c.execute(f"ALTER TABLE seeds ADD COLUMN {column} BLOB")
    for seed_id, svg in c.execute("SELECT id, svg FROM seeds WHERE mosaic IS NULL "
                                  "OR mosaic_key IS NULL").fetchall():
        plane, _ = mosaic_views(Drawing.from_svg(svg.encode("utf-8")))
        c.execute("UPDATE seeds SET mosaic = ?, mosaic_key = ? WHERE id = ?",
                  (plane.to_bytes(), mosaic_key(plane).tobytes(), seed_id))


def _mosaic_v3_to_v4(c: sqlite3.Connection) -> None:
    """Schema 4 finds a plane's boundaries on a finer render, across the period's
    wrap-around too (:func:`~.mosaic_view.mosaic_view`): every stored plane and key is
    recomputed from the stored SVG."""
    c.execute("UPDATE seeds SET mosaic = NULL, mosaic_key = NULL")
    _mosaic_v2_to_v3(c)


# MIGRATIONS[v] upgrades a version-v file to v + 1 inside one transaction (a failure
# rolls it back and leaves the file as it was).
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _rehash_v1_to_v2,
                                                              2: _mosaic_v2_to_v3,
                                                              3: _mosaic_v3_to_v4}


class CatalogueError(Exception):
    """A catalogue file that cannot be used: one line naming the file and why."""


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One ``BEGIN IMMEDIATE`` transaction: the write lock is taken before the first
    read, so a check and the insert that depends on it cannot interleave."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def open_file(c: sqlite3.Connection, path: Path) -> int:
    """Ready the catalogue file behind ``c``: the schema created in an empty file, an
    older one migrated to :data:`SCHEMA_VERSION`. Returns the file's schema version.

    Raises:
        CatalogueError: another application's database, a newer schema, or no
            migration from the file's.
    """
    app = c.execute("PRAGMA application_id").fetchone()[0]
    tables = c.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app != APPLICATION_ID and tables:
        raise CatalogueError(f"{path}: not a vecdream catalogue (a SQLite database "
                             f"of another application)")
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a killed process loses nothing
    c.execute("PRAGMA foreign_keys=ON")
    with transaction(c):
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
            raise CatalogueError(f"{path}: written by a newer vecdream (schema "
                                 f"{version}, this one reads up to {SCHEMA_VERSION})")
        while version < SCHEMA_VERSION:
            if version not in MIGRATIONS:
                raise CatalogueError(f"{path}: no migration from schema {version}")
            MIGRATIONS[version](c)
            version += 1
        c.execute(f"PRAGMA user_version={version:d}")
    return version
