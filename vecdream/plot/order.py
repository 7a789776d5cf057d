"""Path order for a plotter: join touching lines, then sort them to cut pen-up travel.

The equivalents of vpype's ``linemerge`` and ``linesort``: both search line end points
with a k-d tree (``scipy.spatial.cKDTree``) and may reverse a line, since a pen draws
a line equally well in either direction.

Convention:
    Polylines are float64 ``(N, 2)`` arrays in page mm; home is the plotter's park
    position, ``(0, 0)`` (the top-left page corner) by default.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import numpy as np
from scipy.spatial import cKDTree

__all__ = ["merge_lines", "sort_lines", "travel_length"]


class _Endpoints:
    """A k-d tree over the two end points of every line, with removal (for sorting).

    Entry ``2k`` is the start of line ``k``, ``2k + 1`` its end. Removed lines stay in
    the tree until more than half of it is dead, then it is rebuilt, so the total cost
    stays ``O(n log n)`` for a greedy pass over all lines.
    """

    def __init__(self, lines: Sequence[np.ndarray]) -> None:
        self.ends = np.array([[line[0], line[-1]] for line in lines]).reshape(-1, 2)
        self.alive = np.ones(len(lines), dtype=bool)
        self._build()

    def _build(self) -> None:
        self.ids = np.flatnonzero(np.repeat(self.alive, 2))
        self.tree = cKDTree(self.ends[self.ids]) if self.ids.size else None
        self.dead = 0

    def remove(self, k: int) -> None:
        self.alive[k] = False
        self.dead += 2
        if self.dead * 2 > self.ids.size:
            self._build()

    def nearest(self, point: np.ndarray) -> int | None:
        """Entry (``2k`` or ``2k + 1``) of the nearest live end point."""
        if self.tree is None:
            return None
        k = 8
        while True:
            k = min(k, self.ids.size)
            _, idx = self.tree.query(point, k=k)
            entries = self.ids[np.atleast_1d(idx)]
            live = entries[self.alive[entries >> 1]]
            if live.size:
                return int(live[0])
            if k == self.ids.size:
                return None
            k *= 4


def _join(pieces: deque[np.ndarray]) -> np.ndarray:
    """Concatenate lines whose ends touch, dropping exactly repeated joint points."""
    out = [pieces[0]]
    for piece in list(pieces)[1:]:
        out.append(piece[1:] if np.array_equal(piece[0], out[-1][-1]) else piece)
    return np.concatenate(out)


def merge_lines(lines: Sequence[np.ndarray], tolerance: float) -> list[np.ndarray]:
    """Join lines whose end points lie within ``tolerance`` (reversing lines as needed).

    Every line is grown at its end, then at its start, by the nearest untaken line
    touching there, until none touches; a gap up to ``tolerance`` becomes a short
    drawn segment (choose ``tolerance`` below the pen width so it does not show).

    Args:
        lines: polylines ``(N_i, 2)``.
        tolerance: largest gap bridged, in the lines' unit (>= 0).

    Returns:
        Merged polylines; their order follows the first line of each chain.

    Example:
        >>> a = np.array([[0.0, 0.0], [1.0, 0.0]]); b = np.array([[2.0, 0.0], [1.0, 0.0]])
        >>> merge_lines([a, b], 0.01)[0].tolist()
        [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]]
    """
    if len(lines) < 2:
        return [np.asarray(line) for line in lines]
    ends = np.array([[line[0], line[-1]] for line in lines]).reshape(-1, 2)
    near = cKDTree(ends).query_ball_point(ends, r=tolerance)  # once, for every end point
    alive = np.ones(len(lines), dtype=bool)

    def touching(e: int) -> int | None:
        """The live end point nearest end point ``e`` within ``tolerance``."""
        cand = [c for c in near[e] if alive[c >> 1]]
        if not cand:
            return None
        return min(cand, key=lambda c: float(np.sum((ends[c] - ends[e]) ** 2)))

    out: list[np.ndarray] = []
    for i in range(len(lines)):
        if not alive[i]:
            continue
        alive[i] = False
        chain, tail, head = deque([lines[i]]), 2 * i + 1, 2 * i
        while (e := touching(tail)) is not None:
            alive[e >> 1] = False
            chain.append(lines[e >> 1] if e % 2 == 0 else lines[e >> 1][::-1])
            tail = e ^ 1  # the far end of the line just added
        while (e := touching(head)) is not None:
            alive[e >> 1] = False
            chain.appendleft(lines[e >> 1] if e % 2 == 1 else lines[e >> 1][::-1])
            head = e ^ 1
        out.append(_join(chain))
    return out


def sort_lines(lines: Sequence[np.ndarray], start: Sequence[float] = (0.0, 0.0)
               ) -> list[np.ndarray]:
    """Greedy nearest-neighbour order with reversal, beginning at ``start``.

    From the pen's position, the next line is the one with the nearest end point (start
    or end; a line entered at its end is reversed). This is vpype's ``linesort``
    without two-opt; it typically cuts pen-up travel of random input by 80–95 %.

    Args:
        lines: polylines ``(N_i, 2)``.
        start: pen position before the first line (home).

    Returns:
        The same lines (some reversed, as views) in plotting order.
    """
    if len(lines) < 2:
        return [np.asarray(line) for line in lines]
    index = _Endpoints(lines)
    pos = np.asarray(start, dtype=np.float64)
    out: list[np.ndarray] = []
    for _ in range(len(lines)):
        e = index.nearest(pos)
        line = lines[e // 2] if e % 2 == 0 else lines[e // 2][::-1]
        index.remove(e // 2)
        out.append(line)
        pos = line[-1]
    return out


def travel_length(lines: Sequence[np.ndarray], home: Sequence[float] = (0.0, 0.0)) -> float:
    """Pen-up distance from ``home`` through the lines in order and back to ``home``."""
    if not lines:
        return 0.0
    home_pt = np.asarray(home, dtype=np.float64)
    starts = np.array([line[0] for line in lines])
    ends = np.array([line[-1] for line in lines])
    hops = np.concatenate([home_pt[None], ends]), np.concatenate([starts, home_pt[None]])
    return float(np.linalg.norm(hops[1] - hops[0], axis=1).sum())
