"""Geometry of the plotter stage in numpy: page layout, Bézier flattening, clipping.

Convention:
    Page millimetres, origin top-left, x right, y down. Polylines are float64
    ``(N, 2)`` arrays. Nothing here needs gradients, so it is plain numpy.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "Rect",
    "clip_polyline",
    "clip_polylines",
    "fit_canvas",
    "flatten_contours",
    "orient_page",
    "polyline_length",
    "printable_rect",
    "scale_note",
]

Rect = tuple[float, float, float, float]
"""``(x0, y0, x1, y1)`` with ``x0 <= x1`` and ``y0 <= y1``."""

_MAX_PIECES = 1024


def orient_page(page: tuple[float, float], canvas: tuple[float, float], margin: float,
                orientation: str) -> tuple[float, float]:
    """The page in the requested orientation.

    Args:
        page: ``(w, h)`` mm as given.
        canvas: drawing ``(W, H)`` in user units.
        margin: blank border in mm.
        orientation: ``"portrait"`` (h >= w), ``"landscape"`` (w >= h) or ``"auto"``,
            the one where the canvas fits larger (ties keep ``page`` as given).

    Returns:
        ``(w, h)`` in mm.
    """
    w, h = page
    if orientation == "portrait":
        return (min(w, h), max(w, h))
    if orientation == "landscape":
        return (max(w, h), min(w, h))
    if orientation != "auto":
        raise ValueError(
            f"orientation: expected 'auto', 'portrait' or 'landscape', got {orientation!r}"
        )

    def scale(pw: float, ph: float) -> float:
        return min((pw - 2 * margin) / canvas[0], (ph - 2 * margin) / canvas[1])

    return (h, w) if scale(h, w) > scale(w, h) * (1 + 1e-9) else (w, h)


def printable_rect(page: tuple[float, float], margin: float) -> Rect:
    """The part of a ``(w, h)`` mm page inside a ``margin`` mm border, as a :data:`Rect`.

    Raises:
        ValueError: when the margins leave nothing (twice the margin >= the short side).
    """
    w, h = page
    if 2 * margin >= min(w, h):
        raise ValueError(
            f"margin_mm: expected less than half the page's short side ({min(w, h) / 2:g} mm), "
            f"got {margin:g}; use a smaller margin or a larger page"
        )
    return (margin, margin, w - margin, h - margin)


def fit_canvas(canvas: tuple[float, float], box: Rect, fit: str) -> tuple[float, float, float]:
    """Uniform scale and offset placing the canvas in ``box``, centred.

    Args:
        canvas: drawing ``(W, H)`` in user units.
        box: the printable rectangle in mm.
        fit: ``"contain"`` (the whole canvas inside the box) or ``"cover"`` (the box
            filled; what overflows is clipped away).

    Returns:
        ``(s, ox, oy)``: a user-unit point ``p`` lands at ``s * p + (ox, oy)`` mm.
    """
    bw, bh = box[2] - box[0], box[3] - box[1]
    if fit == "contain":
        s = min(bw / canvas[0], bh / canvas[1])
    elif fit == "cover":
        s = max(bw / canvas[0], bh / canvas[1])
    else:
        raise ValueError(f"fit: expected 'contain' or 'cover', got {fit!r}")
    return s, box[0] + (bw - s * canvas[0]) / 2, box[1] + (bh - s * canvas[1]) / 2


def flatten_contours(points: np.ndarray, n_segments: np.ndarray, closed: np.ndarray,
                     tolerance: float) -> list[np.ndarray]:
    """Cubic Bézier contours to polylines within ``tolerance`` of the curves.

    A segment is cut into ``n`` equal-parameter pieces with
    ``n = ceil(sqrt(0.75 * max_i |P_i - 2 P_{i+1} + P_{i+2}| / tolerance))``, since
    uniform subdivision strays at most ``max|B''| / (8 n^2)`` and
    ``|B''| <= 6 max|P_i - 2 P_{i+1} + P_{i+2}|`` (capped at 1024 pieces).

    Args:
        points: control points ``(C, 3S+1, 2)`` (already in mm).
        n_segments: segments used per contour, ``(C,)``.
        closed: whether a contour returns to its start, ``(C,)`` bool.
        tolerance: largest curve-to-polyline distance, same unit as ``points``.

    Returns:
        ``C`` polylines; a contour with no segment gives its single start point
        ``(1, 2)`` (a dot, which later filters drop).
    """
    n_seg = np.asarray(n_segments, dtype=np.int64)
    if len(n_seg) == 0:
        return []
    s_max = (points.shape[1] - 1) // 3
    seg_idx = np.arange(s_max)
    active = seg_idx[None, :] < n_seg[:, None]  # (C, S)
    ctrl = np.stack([points[:, 3 * seg_idx + k] for k in range(4)], axis=2)  # (C, S, 4, 2)
    ctrl = ctrl[active]  # (N, 4, 2), contours in order
    second = np.linalg.norm(ctrl[:, :2] - 2 * ctrl[:, 1:3] + ctrl[:, 2:], axis=-1).max(axis=1)
    pieces = np.clip(np.ceil(np.sqrt(0.75 * second / tolerance)), 1, _MAX_PIECES).astype(np.int64)
    owner = np.repeat(np.arange(len(ctrl)), pieces)
    t = (np.arange(len(owner)) - np.repeat(np.cumsum(pieces) - pieces, pieces) + 1) / pieces[owner]
    s = 1 - t
    basis = np.stack([s**3, 3 * s * s * t, 3 * s * t * t, t**3], axis=1)  # (M, 4)
    samples = np.einsum("mk,mkd->md", basis, ctrl[owner])
    per_contour = np.bincount(np.nonzero(active)[0], weights=pieces, minlength=len(n_seg))
    out: list[np.ndarray] = []
    start = 0
    for c in range(len(n_seg)):
        first = points[c, :1]
        if n_seg[c] == 0:
            out.append(first.copy())
            continue
        count = int(per_contour[c])
        line = np.concatenate([first, samples[start:start + count]])
        start += count
        if closed[c] and np.any(line[-1] != line[0]):
            line = np.concatenate([line, first])
        out.append(line)
    return out


def polyline_length(line: np.ndarray) -> float:
    """Length of a polyline ``(N, 2)``."""
    return float(np.linalg.norm(np.diff(line, axis=0), axis=1).sum()) if len(line) > 1 else 0.0


def _clip_params(a: np.ndarray, d: np.ndarray, rect: Rect) -> tuple[np.ndarray, np.ndarray]:
    """Liang–Barsky: parameters ``[t0, t1]`` of each segment ``a + t d`` inside ``rect``;
    ``t0 > t1`` means the segment misses the rectangle."""
    t0, t1 = np.zeros(len(a)), np.ones(len(a))
    x0, y0, x1, y1 = rect
    for p, q in ((-d[:, 0], a[:, 0] - x0), (d[:, 0], x1 - a[:, 0]),
                 (-d[:, 1], a[:, 1] - y0), (d[:, 1], y1 - a[:, 1])):
        with np.errstate(divide="ignore", invalid="ignore"):
            r = q / p
        t0 = np.where(p < 0, np.maximum(t0, r), t0)
        t1 = np.where(p > 0, np.minimum(t1, r), t1)
        t1 = np.where((p == 0) & (q < 0), -1.0, t1)  # parallel and outside
    return t0, t1


def clip_polylines(lines: list[np.ndarray], rect: Rect) -> list[np.ndarray]:
    """The parts of polylines inside a rectangle (boundary included), all at once.

    A polyline that leaves and re-enters comes back as several pieces, in order;
    cut points lie on the boundary. The work is vectorized over every segment of every
    line (Liang–Barsky), so thousands of lines cost a few numpy calls.

    Args:
        lines: polylines ``(N_i, 2)``.
        rect: ``(x0, y0, x1, y1)``.

    Returns:
        Polylines ``(M, 2)`` with ``M >= 2``, in input order; lines entirely outside
        vanish.
    """
    lines = [line for line in lines if len(line) >= 2]
    if not lines:
        return []
    pts = np.concatenate(lines)
    a, d = pts[:-1], np.diff(pts, axis=0)
    t0, t1 = _clip_params(a, d, rect)
    visible = t0 <= t1
    visible[np.cumsum([len(line) for line in lines])[:-1] - 1] = False  # between two lines
    vis = np.flatnonzero(visible)
    if vis.size == 0:
        return []
    cont = np.zeros(len(a), dtype=bool)
    cont[1:] = visible[:-1] & visible[1:] & (t1[:-1] == 1.0) & (t0[1:] == 0.0)
    starts = ~cont[vis]
    lo, hi = (rect[0], rect[1]), (rect[2], rect[3])
    seg_start = np.clip(a[vis] + t0[vis, None] * d[vis], lo, hi)
    seg_end = np.clip(a[vis] + t1[vis, None] * d[vis], lo, hi)
    pos_end = np.arange(vis.size) + np.cumsum(starts)
    pos_start = pos_end[starts] - 1
    out = np.empty((vis.size + int(starts.sum()), 2))
    out[pos_end] = seg_end
    out[pos_start] = seg_start[starts]
    return np.split(out, pos_start[1:])


def clip_polyline(line: np.ndarray, rect: Rect) -> list[np.ndarray]:
    """:func:`clip_polylines` of one line.

    Example:
        >>> line = np.array([[0.0, 5.0], [20.0, 5.0], [20.0, 6.0], [0.0, 6.0]])
        >>> [p[:, 0].tolist() for p in clip_polyline(line, (5.0, 0.0, 15.0, 10.0))]
        [[5.0, 15.0], [15.0, 5.0]]
    """
    return clip_polylines([line], rect)


def scale_note(widths: np.ndarray, s: float, pen_width: float) -> str | None:
    """A log line when the drawing's median stroke width on paper is far from the pen's."""
    if widths.size == 0 or not math.isfinite(s):
        return None
    on_paper = float(np.median(widths)) * s
    if on_paper <= 0 or 0.5 <= on_paper / pen_width <= 2.0:
        return None
    look = "lighter" if on_paper > pen_width else "bolder"
    return (f"the drawing's median stroke width is {on_paper:.3g} mm on this page but the pen "
            f"is {pen_width:g} mm; the plot will look {look} than the screen")
