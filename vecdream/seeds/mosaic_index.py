"""The catalogue's Mosaic shortlist: every seed's key in memory, searched by cosine.

Keys (:func:`~vecdream.seeds.mosaic_view.mosaic_key`, ``KEY_SIZE`` float32 each) are
read from the catalogue file once per connection and then only the rows issued since
(other processes issue too), into buffers that grow by doubling, so a check costs one
matrix-vector product and a partial sort: 41 ms at a million seeds on a quiet machine
here (BENCHMARKS.md, "Exclusivity modulo Mosaic").

The key alone misses sources: it keeps only a few harmonics of each spectrum, and a
window cut from a seed's plane keys differently from the plane. :meth:`ShortlistIndex.
candidates` therefore re-ranks the nearest seeds by key with the full Fourier-Mellin
similarity of their spectra (:func:`~vecdream.seeds.mosaic_match.spectral_peak`) and
registers the best of both orders.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from vecdream.seeds.mosaic_match import spectral_peak
from vecdream.seeds.mosaic_view import KEY_SIZE, MosaicView, log_polar_spectrum

__all__ = ["ShortlistIndex"]


class ShortlistIndex:
    """Seed ids ``(N,)`` and keys ``(N, KEY_SIZE)`` of one catalogue file."""

    def __init__(self) -> None:
        self._ids = np.zeros(0, np.int64)
        self._keys = np.zeros((0, KEY_SIZE), np.float32)
        self._count = 0

    @property
    def last_id(self) -> int:
        """The newest seed id read so far (0: none); ids only grow."""
        return int(self._ids[self._count - 1]) if self._count else 0

    def update(self, conn: sqlite3.Connection) -> tuple[np.ndarray, np.ndarray]:
        """Read the rows issued since the last call; every id and key so far."""
        n = self._count
        rows = conn.execute("SELECT id, mosaic_key FROM seeds WHERE id > ? AND "
                            "mosaic_key IS NOT NULL ORDER BY id", (self.last_id,)).fetchall()
        if rows:
            need = n + len(rows)
            if need > len(self._ids):
                size = max(need, 2 * len(self._ids), 1024)
                ids, keys = np.zeros(size, np.int64), np.zeros((size, KEY_SIZE), np.float32)
                ids[:n], keys[:n] = self._ids[:n], self._keys[:n]
                self._ids, self._keys = ids, keys
            self._ids[n:need] = [r[0] for r in rows]
            self._keys[n:need] = np.frombuffer(b"".join(r[1] for r in rows),
                                               np.float32).reshape(-1, KEY_SIZE)
            self._count = need
        return self._ids[: self._count], self._keys[: self._count]

    def nearest(self, conn: sqlite3.Connection, key: np.ndarray, k: int, gate: float,
                after: int = 0) -> list[tuple[int, float]]:
        """Up to ``k`` ``(seed id, cosine)``, nearest first, cosine at least ``gate``,
        among the seeds with id > ``after``. ``key``: ``(KEY_SIZE,)``, or ``(Q,
        KEY_SIZE)`` for several views of one query (a seed's cosine is its best)."""
        ids, keys = self.update(conn)
        if after:
            start = int(np.searchsorted(ids, after, side="right"))  # ids are read in order
            ids, keys = ids[start:], keys[start:]
        if not len(ids):
            return []
        per_key = keys @ np.atleast_2d(key).astype(np.float32).T  # (N, Q)
        cosine = per_key[:, 0]
        for j in range(1, per_key.shape[1]):  # column by column: .max(1) over a short
            cosine = np.maximum(cosine, per_key[:, j])  # axis is ~3x slower at 10^6 rows
        top = np.argpartition(-cosine, k)[:k] if len(ids) > k else np.arange(len(ids))
        top = top[np.argsort(-cosine[top], kind="stable")]
        return [(int(ids[i]), float(cosine[i])) for i in top if cosine[i] >= gate]

    def candidates(self, conn: sqlite3.Connection, key: np.ndarray, window: MosaicView,
                   by_key: int, by_spectrum: int, gate: float, pool: int, after: int = 0
                   ) -> list[tuple[int, MosaicView]]:
        """``(seed id, stored plane)`` to register ``window`` onto, likeliest first.

        Of the ``pool`` seeds nearest by ``key`` (see :meth:`nearest`): the ``by_key``
        nearest at cosine ``gate`` or more, and the ``by_spectrum`` whose planes' spectra
        phase-correlate best with the window's; the two orders alternate, each seed once.
        """
        near = self.nearest(conn, key, pool, -1.0, after)
        planes = {}
        for seed_id, _cosine in near:
            row = conn.execute("SELECT mosaic FROM seeds WHERE id = ?", (seed_id,)).fetchone()
            if row is not None and row[0] is not None:  # None: removed since it was read
                planes[seed_id] = MosaicView.from_bytes(row[0])
        nearest = [i for i, cosine in near if cosine >= gate and i in planes][:by_key]
        spectrum = log_polar_spectrum(window.edges)
        peak = {i: spectral_peak(spectrum, log_polar_spectrum(v.edges)) for i, v in planes.items()}
        correlated = sorted(peak, key=lambda i: -peak[i])[:by_spectrum]
        order: list[int] = []
        for j in range(max(len(nearest), len(correlated))):
            order += [i for i in (nearest[j:j + 1] + correlated[j:j + 1]) if i not in order]
        return [(i, planes[i]) for i in order]
