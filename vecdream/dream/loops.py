"""Small self-loops cut out of strokes: the "e" knots a dream ties into its strokes.

An optimized stroke often crosses itself in a small loop: the network likes the dark
blob a knot makes, but a plotter draws it as a tangle of ink and the picture reads as
scribble. :func:`cut_loops` finds where a stroke crosses itself (its Bézier segments
flattened to ``samples`` chords each) and, when the part between the two crossing
points is shorter than ``max_loop`` user units, removes that part: the stroke runs
straight through the crossing point instead. :func:`self_crossings` counts what is left.

Shapes never change (``points: (P, 3S+1, 2)`` stays as it is, so an optimizer's state
still fits): the segments inside a loop collapse to the crossing point (zero length,
invisible), the two segments that hold the crossing are cut there exactly (de
Casteljau), and a loop inside one segment keeps the segment's end points with its
handles pulled in.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.render.flatten import sample_segments

__all__ = ["UNTANGLE_EVERY", "cut_loops", "self_crossings", "untangling"]

UNTANGLE_EVERY = 20  # steps between two cuts: the optimizer re-converges in between
UNTANGLE_UNTIL = 0.75  # no cut after the last halving of the rates: time to re-converge


def _split(ctrl: Tensor, t: float) -> tuple[Tensor, Tensor]:
    """de Casteljau: a cubic ``(4, 2)`` split at ``t`` into its ``[0, t]`` and ``[t, 1]``."""
    a = torch.lerp(ctrl[:-1], ctrl[1:], t)
    b = torch.lerp(a[:-1], a[1:], t)
    c = torch.lerp(b[:-1], b[1:], t)
    return (torch.stack([ctrl[0], a[0], b[0], c[0]]),
            torch.stack([c[0], b[1], a[2], ctrl[3]]))


def _polyline(points: Tensor, n_segments: int, samples: int) -> Tensor:
    """One stroke's used segments sampled ``samples`` times each: ``(n * samples + 1, 2)``."""
    t = torch.linspace(0, 1, samples + 1, dtype=points.dtype, device=points.device)[:-1]
    curve = sample_segments(points[: 3 * n_segments + 1], t).reshape(-1, 2)
    return torch.cat([curve, points[3 * n_segments: 3 * n_segments + 1]])


def _crossings(line: Tensor) -> list[tuple[int, int, float, float]]:
    """Every crossing of non-adjacent chords of a polyline ``(M+1, 2)``: ``(a, b, u, v)``
    with chord ``a < b - 1`` crossed at ``a + u`` and ``b + v`` (``u, v`` in [0, 1])."""
    p, d = line[:-1], line[1:] - line[:-1]  # chord starts and directions, (M, 2)
    if len(d) < 3:
        return []
    cross = d[:, None, 0] * d[None, :, 1] - d[:, None, 1] * d[None, :, 0]  # (M, M)
    w = p[None] - p[:, None]  # w[a, b] = p_b - p_a
    safe = torch.where(cross.abs() > 1e-12, cross, torch.ones_like(cross))
    u = (w[..., 0] * d[None, :, 1] - w[..., 1] * d[None, :, 0]) / safe
    v = (w[..., 0] * d[:, None, 1] - w[..., 1] * d[:, None, 0]) / safe
    idx = torch.arange(len(d), device=line.device)
    hit = ((cross.abs() > 1e-12) & (u >= 0) & (u <= 1) & (v >= 0) & (v <= 1)
           & (idx[None] - idx[:, None] > 1))
    return [(int(a), int(b), float(u[a, b]), float(v[a, b])) for a, b in hit.nonzero()]


def self_crossings(drawing: Drawing, samples: int = 8) -> Tensor:
    """How many times each stroke crosses itself, ``(P,)`` int64 (chords of ``samples``
    per segment; touching end to end does not count)."""
    counts = [len(_crossings(_polyline(pts, int(n), samples)))
              for pts, n in zip(drawing.points.detach(), drawing.n_segments, strict=True)]
    return torch.tensor(counts, dtype=torch.int64)


def _cut_one(pts: Tensor, n: int, max_loop: float, samples: int) -> bool:
    """Cut the smallest loop of one stroke ``pts (3S+1, 2)`` in place; False if none."""
    line = _polyline(pts, n, samples)
    chord = (line[1:] - line[:-1]).norm(dim=-1)
    start = torch.cat([chord.new_zeros(1), chord.cumsum(0)])  # arc length at each sample
    best = None
    for a, b, u, v in _crossings(line):
        length = float(start[b] + v * chord[b] - start[a] - u * chord[a])
        if length < max_loop and (best is None or length < best[0]):
            best = (length, a, b, u, v)
    if best is None:
        return False
    _, a, b, u, v = best
    x = line[a] + u * (line[a + 1] - line[a])  # the crossing point
    sa, ta = divmod(a + u, samples)
    sb, tb = divmod(b + v, samples)
    sa, sb, ta, tb = int(sa), int(sb), ta / samples, tb / samples
    if sa == sb:  # a loop inside one cubic: keep its ends, pull its handles in
        left, _ = _split(pts[3 * sa: 3 * sa + 4].clone(), ta)
        _, right = _split(pts[3 * sa: 3 * sa + 4].clone(), tb)
        pts[3 * sa + 1], pts[3 * sa + 2] = left[1], right[2]
        return True
    left, _ = _split(pts[3 * sa: 3 * sa + 4].clone(), ta)
    _, right = _split(pts[3 * sb: 3 * sb + 4].clone(), tb)
    pts[3 * sa: 3 * sa + 3] = left[:3]
    pts[3 * sa + 3: 3 * sb + 1] = x  # the loop's segments collapse onto the crossing
    pts[3 * sb + 1: 3 * sb + 4] = right[1:]
    return True


@torch.no_grad()
def cut_loops(drawing: Drawing, max_loop: float, *, samples: int = 8,
              max_cuts: int = 8) -> int:
    """Cut, in place, every self-loop shorter than ``max_loop`` user units out of the
    drawing's strokes (smallest first, at most ``max_cuts`` per stroke). Fills are left
    alone (their outline may cross itself on purpose). Returns how many were cut."""
    cuts = 0
    for i in torch.nonzero((drawing.stroke[:, 3] > 0) & (drawing.fill[:, 3] <= 0)
                           ).flatten().tolist():
        n = int(drawing.n_segments[i])
        for _ in range(max_cuts):
            if not _cut_one(drawing.points[i], n, max_loop, samples):
                break
            cuts += 1
    return cuts


def untangling(max_loop_frac: float, callback: Callable | None = None
               ) -> Callable:
    """A step callback for :func:`~vecdream.dream.loop.run_loop` that cuts loops shorter than
    ``max_loop_frac`` of the canvas's mean side out of every drawing, every
    :data:`UNTANGLE_EVERY` steps until :data:`UNTANGLE_UNTIL` of the run, then calls
    ``callback`` (so a checkpoint it writes holds the cut strokes and a resumed run does
    what the uninterrupted one did)."""
    def step(info) -> bool | None:
        if info.step % UNTANGLE_EVERY == 0 and info.step <= UNTANGLE_UNTIL * info.steps:
            for d in info.drawings:
                cut_loops(d, max_loop_frac * (d.size[0] + d.size[1]) / 2)
        return None if callback is None else callback(info)
    return step
