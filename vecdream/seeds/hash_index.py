"""Multi-index hashing in SQLite: near-duplicate lookup without scanning the catalogue.

Pigeonhole: split a ``BITS``-bit hash into ``m`` chunks. Two hashes within Hamming
distance ``r < m`` differ in at most ``r`` chunks, so at least one chunk is *equal*.
Each stored hash puts its ``m`` chunks (tagged with their position,
:func:`vecdream.seeds.phash.chunks`) in the indexed table ``hash_chunks``; a query
looks up the chunks of its 8 dihedral hashes (``8 m`` B-tree probes), and only the
seeds found there have their full hash compared. With 16-bit chunks a random hash
shares a given chunk with ``N / 65536`` seeds, so a check at N = 1 000 000 compares
about ``8 m N / 65536 ~ 2000`` hashes instead of a million: exact (no near-duplicate
within ``r`` is ever missed) and fast.

All SQL takes parameters (``?``); nothing is formatted into a statement except the
count of ``?`` placeholders.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np

from vecdream.seeds.phash import chunks, hamming

__all__ = ["CHUNKS", "Hit", "SCHEMA", "add_hashes", "near", "nearest_scan"]

CHUNKS = 16  # 256-bit hash → 16 chunks of 16 bits: thresholds up to 15 bits are exact

SCHEMA = """
CREATE TABLE hash_chunks (
    key INTEGER NOT NULL,      -- chunk position << 32 | chunk value
    seed_id INTEGER NOT NULL REFERENCES seeds(id) ON DELETE CASCADE,
    PRIMARY KEY (key, seed_id)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Hit:
    """A catalogued seed and its bit distance to a query (minimum over the 8 orientations)."""

    seed_id: int
    distance: int


def add_hashes(conn: sqlite3.Connection, seed_id: int, phash: np.ndarray) -> None:
    """Index one stored hash ``(BITS // 8,)`` uint8 under ``seed_id`` (inside the caller's
    transaction, so a seed and its chunks are committed together or not at all)."""
    keys = chunks(phash[None], CHUNKS)[0]
    conn.executemany("INSERT INTO hash_chunks (key, seed_id) VALUES (?, ?)",
                     [(int(k), seed_id) for k in keys])


def near(conn: sqlite3.Connection, hashes: np.ndarray, radius: int) -> list[Hit]:
    """Every catalogued seed within ``radius`` bits of any of the query's hashes.

    Args:
        conn: an open catalogue connection.
        hashes: ``(8, BITS // 8)`` uint8, the query's dihedral hashes.
        radius: at most ``CHUNKS - 1`` (the pigeonhole bound that makes the lookup exact).

    Returns:
        Hits sorted by distance, then seed id.
    """
    if not 0 <= radius < CHUNKS:
        raise ValueError(f"near: radius must be in 0..{CHUNKS - 1} for {CHUNKS} chunks, "
                         f"got {radius}")
    keys = sorted({int(k) for k in chunks(hashes, CHUNKS).ravel()})
    marks = ",".join("?" * len(keys))
    rows = conn.execute(
        f"SELECT id, phash FROM seeds WHERE id IN "  # noqa: S608 (placeholders only)
        f"(SELECT seed_id FROM hash_chunks WHERE key IN ({marks}))", keys).fetchall()
    if not rows:
        return []
    ids = np.array([r[0] for r in rows])
    stored = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.uint8).reshape(len(rows), -1)
    dist = hamming(stored[:, None], hashes[None]).min(1)  # (C,)
    keep = np.flatnonzero(dist <= radius)
    order = keep[np.lexsort((ids[keep], dist[keep]))]
    return [Hit(int(ids[i]), int(dist[i])) for i in order]


def nearest_scan(conn: sqlite3.Connection, hashes: np.ndarray, k: int,
                 batch: int = 65536) -> list[Hit]:
    """The ``k`` nearest seeds at any distance: a streamed scan (for ``similar``, where
    the answer may be far; :func:`near` is the fast check)."""
    best_ids, best_dist = np.zeros(0, np.int64), np.zeros(0, np.int64)
    cursor = conn.execute("SELECT id, phash FROM seeds")
    while rows := cursor.fetchmany(batch):
        ids = np.array([r[0] for r in rows])
        stored = np.frombuffer(b"".join(r[1] for r in rows), np.uint8).reshape(len(rows), -1)
        dist = hamming(stored[:, None], hashes[None]).min(1).astype(np.int64)
        best_ids = np.concatenate([best_ids, ids])
        best_dist = np.concatenate([best_dist, dist])
        order = np.lexsort((best_ids, best_dist))[:k]
        best_ids, best_dist = best_ids[order], best_dist[order]
    return [Hit(int(i), int(d)) for i, d in zip(best_ids, best_dist, strict=True)]
