"""Path order for a plotter, by vpype: join touching lines, then sort them to cut travel.

vpype is what plotter artists already trust for this: :func:`merge_lines` is its
``linemerge`` (``LineCollection.merge``) and :func:`sort_lines` its ``linesort``, greedy
then ``--two-opt``, run through :func:`vpype_cli.execute` on a one-layer document.
Both may reverse a line, since a pen draws a line equally well in either direction.

Convention:
    Polylines are float64 ``(N, 2)`` arrays in page mm; vpype sees them as complex
    numbers in the same unit (its operations used here have no unit of their own).
    Home is the plotter's park position, ``(0, 0)`` (the top-left page corner).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["from_collection", "merge_lines", "sort_lines", "to_collection", "travel_length"]


def to_collection(lines: Sequence[np.ndarray]):
    """A ``vpype.LineCollection`` of the polylines ``(N, 2)`` (x + iy per point)."""
    import vpype as vp

    collection = vp.LineCollection()
    for line in lines:
        line = np.asarray(line, dtype=np.float64)
        collection.append(line[:, 0] + 1j * line[:, 1])
    return collection


def from_collection(collection) -> list[np.ndarray]:
    """The polylines ``(N, 2)`` float64 of a ``vpype.LineCollection``; a point repeated
    where two merged lines met is kept once."""
    out = []
    for line in collection:
        keep = np.concatenate([[True], line[1:] != line[:-1]])
        out.append(np.stack([line[keep].real, line[keep].imag], axis=1).astype(np.float64))
    return out


def merge_lines(lines: Sequence[np.ndarray], tolerance: float) -> list[np.ndarray]:
    """Join lines whose end points lie within ``tolerance`` (vpype's ``linemerge``).

    A gap up to ``tolerance`` becomes a short drawn segment (choose ``tolerance`` below
    the pen width so it does not show); lines may be reversed to join.

    Args:
        lines: polylines ``(N_i, 2)``.
        tolerance: largest gap bridged, in the lines' unit (>= 0).

    Returns:
        The merged polylines.

    Example:
        >>> a = np.array([[0.0, 0.0], [1.0, 0.0]]); b = np.array([[2.0, 0.0], [1.0, 0.0]])
        >>> merged = merge_lines([a, b], 0.01)
        >>> len(merged), merged[0][[0, -1]].tolist()
        (1, [[0.0, 0.0], [2.0, 0.0]])
    """
    if len(lines) < 2:
        return [np.asarray(line, dtype=np.float64) for line in lines]
    collection = to_collection(lines)
    collection.merge(tolerance=float(tolerance), flip=True)
    return from_collection(collection)


def _nearest_first(lines: Sequence[np.ndarray], start: np.ndarray) -> list[np.ndarray]:
    """The lines with the one whose end lies nearest ``start`` first (entered there)."""
    ends = np.array([[line[0], line[-1]] for line in lines])  # (L, 2, 2)
    flat = int(np.argmin(np.linalg.norm(ends - start, axis=-1)))
    k, reverse = divmod(flat, 2)
    first = lines[k][::-1] if reverse else lines[k]
    return [first, *lines[:k], *lines[k + 1:]]


def sort_lines(lines: Sequence[np.ndarray], start: Sequence[float] = (0.0, 0.0), *,
               two_opt: bool = True) -> list[np.ndarray]:
    """Order lines to cut pen-up travel, with vpype's ``linesort`` (reversal allowed).

    The line with the end nearest ``start`` goes first; vpype then sorts greedily
    (nearest end next) and, with ``two_opt``, improves the order by 2-opt moves.

    Args:
        lines: polylines ``(N_i, 2)``.
        start: pen position before the first line (home).
        two_opt: also run vpype's 2-opt passes (``linesort --two-opt``).

    Returns:
        The same lines (some reversed) in plotting order.
    """
    if len(lines) < 2:
        return [np.asarray(line, dtype=np.float64) for line in lines]
    import vpype as vp
    import vpype_cli

    ordered = _nearest_first([np.asarray(line, dtype=np.float64) for line in lines],
                             np.asarray(start, dtype=np.float64))
    pipeline = "linesort" + (" --two-opt" if two_opt else "")
    best, best_travel = ordered, float("inf")
    # 2-opt ends in a local optimum that depends on the greedy order it starts from, so
    # sorting the result again (what an artist's own ``vpype ... linesort --two-opt``
    # would do) can still gain a little: repeat until it no longer does.
    for _ in range(_RESORTS):
        document = vpype_cli.execute(pipeline, vp.Document(to_collection(best)))
        again = from_collection(document.layers[1])
        travel = _between(again)
        if travel >= best_travel * (1 - 1e-9):
            break
        best, best_travel = again, travel
    return best


def _between(lines: Sequence[np.ndarray]) -> float:
    """Pen-up distance between consecutive lines (vpype's ``pen_up_length``)."""
    ends = np.array([line[-1] for line in lines[:-1]]).reshape(-1, 2)
    starts = np.array([line[0] for line in lines[1:]]).reshape(-1, 2)
    return float(np.linalg.norm(starts - ends, axis=1).sum())


_RESORTS = 4
"""Sorting passes at most (the first included); two are usually enough."""


def travel_length(lines: Sequence[np.ndarray], home: Sequence[float] = (0.0, 0.0)) -> float:
    """Pen-up distance from ``home`` through the lines in order and back to ``home``."""
    if not lines:
        return 0.0
    home_pt = np.asarray(home, dtype=np.float64)
    starts = np.array([line[0] for line in lines])
    ends = np.array([line[-1] for line in lines])
    hops = np.concatenate([home_pt[None], ends]), np.concatenate([starts, home_pt[None]])
    return float(np.linalg.norm(hops[1] - hops[0], axis=1).sum())
