"""Clip cubic Bézier geometry to a rectangle exactly, keeping curves as curves.

Why not flatten and intersect polygons (shapely): a seed's value is its clean curves;
a crop must not turn every arc into hundreds of line segments. So each cubic is split
exactly (de Casteljau) at its crossings with the window's four edge lines; pieces are
kept when their midpoint is inside. This is Sutherland–Hodgman with curves, one
half-plane at a time:

* an **open** contour (a stroke) becomes one open contour per run of inside pieces;
* a **closed** contour (a fill) becomes one closed contour: each exit point is joined
  to the next entry point by a straight segment along the edge line. Every removed
  excursion plus its replacing segment is a closed loop lying outside the half-plane,
  so winding numbers (nonzero and even-odd fills) inside the window are unchanged.

Stroke ink (half the width, round caps) may still reach past the window by
``width / 2``: the *geometry* is clipped, and the canvas hides the rest.
"""

from __future__ import annotations

import numpy as np
import torch

from vecdream.drawing import Drawing

__all__ = ["clip_contour", "clip_drawing", "clip_outline", "drawing_contours"]

_EPS = 1e-9


def _split(seg: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
    """De Casteljau split of one cubic ``(4, 2)`` at ``t``."""
    p01, p12, p23 = seg[0] + t * (seg[1] - seg[0]), seg[1] + t * (seg[2] - seg[1]), \
        seg[2] + t * (seg[3] - seg[2])
    a, b = p01 + t * (p12 - p01), p12 + t * (p23 - p12)
    m = a + t * (b - a)
    return np.stack([seg[0], p01, a, m]), np.stack([m, b, p23, seg[3]])


def _crossings(seg: np.ndarray, axis: int, value: float) -> list[float]:
    """Parameters ``t`` in (0, 1) where the cubic's coordinate ``axis`` equals ``value``."""
    p0, p1, p2, p3 = coords = seg[:, axis]
    if coords.min() >= value or coords.max() <= value:
        return []  # the control hull (hence the curve) stays on one side
    coeffs = [-p0 + 3 * p1 - 3 * p2 + p3, 3 * p0 - 6 * p1 + 3 * p2, -3 * p0 + 3 * p1, p0 - value]
    scale = max(abs(c) for c in coeffs) or 1.0
    coeffs = [c / scale for c in coeffs]
    while coeffs and abs(coeffs[0]) < 1e-12:
        coeffs.pop(0)
    if len(coeffs) < 2:
        return []
    roots = np.roots(coeffs)
    return sorted(float(r.real) for r in roots
                  if abs(r.imag) < 1e-7 and _EPS < r.real < 1 - _EPS)


def _pieces(segs: list[np.ndarray], axis: int, value: float, sign: float
            ) -> list[tuple[np.ndarray, bool]]:
    """Segments split at the line; each piece flagged inside (``sign * (x - value) >= 0``)."""
    out = []
    for seg in segs:
        rest, done = seg, 0.0
        for t in _crossings(seg, axis, value):
            head, rest = _split(rest, (t - done) / (1 - done))
            head[3, axis] = rest[0, axis] = value  # the cut lies exactly on the edge
            out.append(head)
            done = t
        out.append(rest)
    flags = []
    for piece in out:
        mid = (piece[0] + 3 * piece[1] + 3 * piece[2] + piece[3]) / 8
        flags.append(sign * (mid[axis] - value) >= -_EPS)
    return list(zip(out, flags, strict=True))


def _line(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.stack([a, a + (b - a) / 3, a + 2 * (b - a) / 3, b])


def _half_plane(segs: list[np.ndarray], closed: bool, axis: int, value: float, sign: float
                ) -> list[tuple[list[np.ndarray], bool]]:
    pieces = _pieces(segs, axis, value, sign)
    if all(inside for _, inside in pieces):
        return [(segs, closed)]
    if not any(inside for _, inside in pieces):
        return []
    if closed:  # rotate so the walk starts right after an exit
        start = next(i for i in range(len(pieces)) if not pieces[i - 1][1] and pieces[i][1])
        pieces = pieces[start:] + pieces[:start]
    runs: list[list[np.ndarray]] = []
    for i, (piece, inside) in enumerate(pieces):
        if inside:
            if i == 0 or not pieces[i - 1][1]:
                runs.append([])
            runs[-1].append(piece)
    if not closed:
        return [(run, False) for run in runs]
    joined: list[np.ndarray] = []
    for k, run in enumerate(runs):
        joined += run
        nxt = runs[(k + 1) % len(runs)][0][0]
        if np.abs(run[-1][3] - nxt).max() > _EPS:
            joined.append(_line(run[-1][3], nxt))
    return [(joined, True)]


def clip_contour(points: np.ndarray, closed: bool, window: tuple[float, float, float, float]
                 ) -> list[tuple[np.ndarray, bool]]:
    """Clip one contour ``(3S+1, 2)`` to ``window = (x, y, w, h)``.

    Returns:
        ``[(points (3S'+1, 2), closed), ...]``: none when the contour lies outside, one
        for a closed contour, one per inside run for an open one.
    """
    x, y, w, h = window
    pts = np.asarray(points, dtype=np.float64)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    if lo[0] >= x and lo[1] >= y and hi[0] <= x + w and hi[1] <= y + h:
        return [(pts, closed)]  # wholly inside: nothing to cut
    if hi[0] <= x or hi[1] <= y or lo[0] >= x + w or lo[1] >= y + h:
        return []
    segs = [pts[3 * i:3 * i + 4] for i in range((len(pts) - 1) // 3)]
    if closed and np.abs(pts[-1] - pts[0]).max() > _EPS:
        segs.append(_line(pts[-1], pts[0]))  # make the implicit closing line explicit
    parts = [(segs, closed)]
    for axis, value, sign in ((0, x, 1.0), (0, x + w, -1.0), (1, y, 1.0), (1, y + h, -1.0)):
        parts = [out for s, c in parts for out in _half_plane(s, c, axis, value, sign)]
    return [(np.concatenate([s[0]] + [seg[1:] for seg in s[1:]]), c) for s, c in parts if s]


def drawing_contours(drawing: Drawing) -> list[list[tuple[np.ndarray, bool]]]:
    """Each path's used contours as ``(points (3n+1, 2) float64, closed)`` lists."""
    pts = drawing.points.detach().cpu().double().numpy()
    out: list[list[tuple[np.ndarray, bool]]] = [[] for _ in range(len(drawing))]
    for c, (p, n, closed) in enumerate(zip(drawing.contour_path.tolist(),
                                           drawing.n_segments.tolist(),
                                           drawing.closed.tolist(), strict=True)):
        out[p].append((pts[c, :3 * n + 1], bool(closed)))
    return out


def from_contours(like: Drawing, contours: list[list[tuple[np.ndarray, bool]]],
                  size: tuple[float, float], keep: list[int] | None = None) -> Drawing:
    """A drawing with ``like``'s paint for paths ``keep`` (default all) and new contours."""
    keep = [i for i, cs in enumerate(contours) if cs] if keep is None else keep
    flat = [c for i in keep for c in contours[i]]
    n_seg = [(len(p) - 1) // 3 for p, _ in flat]
    points = np.zeros((len(flat), 3 * max(n_seg, default=1) + 1, 2))
    for i, (p, _) in enumerate(flat):
        points[i, :len(p)], points[i, len(p):] = p, p[-1]
    index = torch.tensor(keep, dtype=torch.long)
    return Drawing(
        torch.tensor(points, dtype=like.points.dtype), like.widths.detach()[index].clone(),
        like.stroke.detach()[index].clone(), size, fill=like.fill.detach()[index].clone(),
        evenodd=like.evenodd[index].clone(),
        closed=torch.tensor([c for _, c in flat], dtype=torch.bool),
        n_segments=torch.tensor(n_seg, dtype=torch.long),
        contour_path=torch.tensor([k for k, i in enumerate(keep) for _ in contours[i]],
                                  dtype=torch.long))


def _closing_segment(points: np.ndarray) -> np.ndarray:
    """A closed contour with its implicit closing line made an explicit straight cubic."""
    first, last = points[0], points[-1]
    if np.abs(last - first).max() <= _EPS:
        return points
    line = np.stack([last + (first - last) * k / 3 for k in (1, 2, 3)])
    return np.concatenate([points, line])


def clip_outline(points: np.ndarray, closed: bool, window: tuple[float, float, float, float],
                 filled: bool) -> list[tuple[np.ndarray, bool]]:
    """:func:`clip_contour`, except that a closed contour of a path with no fill (a stroked
    ring) is cut into open arcs: joining its exits along the window edge, as a fill
    needs, would stroke a straight line there (a seam where the ring crosses it)."""
    if closed and not filled:
        return clip_contour(_closing_segment(points), False, window)
    return clip_contour(points, closed, window)


def clip_drawing(drawing: Drawing, window: tuple[float, float, float, float]) -> Drawing:
    """The part of ``drawing`` inside ``window = (x, y, w, h)``, on a ``(w, h)`` canvas.

    Geometry is clipped (see the module docstring), not hidden; paths left with no
    contour are dropped. Paint is kept; the result is detached.

    Example:
        >>> d = Drawing.random(30, size=(100, 100), seed=0)
        >>> c = clip_drawing(d, (25, 25, 50, 50))
        >>> c.size, len(c) < len(d)
        ((50.0, 50.0), True)
    """
    x, y, w, h = (float(v) for v in window)
    if not (w > 0 and h > 0):
        raise ValueError(f"clip_drawing: window must have positive width and height, got {window}")
    # Cheap first pass on control boxes (a Bézier lies in its control hull): contours
    # wholly inside are kept as they are, wholly outside dropped, the rest clipped.
    shift = np.array([x, y])
    filled = (drawing.fill[:, 3] > 0).tolist()
    clipped: list[list[tuple[np.ndarray, bool]]] = []
    for path, has_fill in zip(drawing_contours(drawing), filled, strict=True):
        kept = []
        for pts, closed in path:
            lo, hi = pts.min(axis=0), pts.max(axis=0)
            if lo[0] >= x and lo[1] >= y and hi[0] <= x + w and hi[1] <= y + h:
                kept.append((pts - shift, closed))
            elif hi[0] > x and hi[1] > y and lo[0] < x + w and lo[1] < y + h:
                kept += [(p - shift, c) for p, c in clip_outline(pts, closed, (x, y, w, h),
                                                                 has_fill)]
        clipped.append(kept)
    return from_contours(drawing.detach(), clipped, (w, h))
