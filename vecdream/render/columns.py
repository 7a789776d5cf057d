"""The column walk of hairlines (:mod:`~.hairline`): ink per pixel, summed per run.

A line piece is walked along its major axis (x for shallow pieces, y for steep ones,
so ``|slope| <= 1``) one pixel column at a time. A column holds a chord ``[ua, ub]`` of
the centre line and ink ``w * (ub - ua) * sqrt(1 + slope^2)`` times the paint's alpha,
shared by the two pixels that a one-pixel box centred on the chord's midpoint overlaps
(the box filter the distance route applies across a thin line). Pieces are cut into
blocks of ``COLUMNS`` columns so the work is a padded ``(blocks, COLUMNS)`` grid of
plain tensor ops: no per-pixel distance, no tiles.

Runs accumulate in one padded buffer each (``MARGIN`` pixels around the image, where
pieces clipped a pixel beyond it and boxes past an edge land without clamping); pixel
indices are computed in the points' dtype and stay exact below 2**24 in float32
(:mod:`~.hairline` sizes the passes so).
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import Tensor

from vecdream.render.grid import Grid

__all__ = ["COLUMNS", "MARGIN", "OPAQUE", "Columns", "accumulate", "column_walk"]

COLUMNS = 16  # columns per block of a piece (the padded width of the work layout)
MARGIN = 2  # buffer pixels around the image
OPAQUE = 1 - 1e-6  # keeps log(1 - alpha) finite, as compose does


class Columns(NamedTuple):
    """Pieces walked column by column along their major axis, sorted by run.

    Per piece ``(N,)``: run; first column ``k0`` and column ``count``; the major-axis
    span ``u0, u1``; ``c0, half_slope`` so that the one-pixel box's top is
    ``c0 + half_slope * (ua + ub)`` over a column's chord ``[ua, ub]``; ``ink`` (minus
    the alpha per unit of chord); ``base`` (the buffer index of column 0, row 0, less
    the run's offset); the buffer strides along and across the major axis; ``reverse``:
    the piece is drawn towards smaller ``u`` (its first column is the last walked).
    """

    run: Tensor
    k0: Tensor
    count: Tensor
    u0: Tensor
    u1: Tensor
    c0: Tensor
    half_slope: Tensor
    ink: Tensor
    base: Tensor
    along: Tensor
    across: Tensor
    reverse: Tensor

    def take(self, index: Tensor | slice) -> Columns:
        return Columns(*(t[index] for t in self))


def column_walk(a: Tensor, b: Tensor, path: Tensor, widths: Tensor, alpha: Tensor,
                run_of_path: Tensor, grid: Grid) -> Columns:
    """The walk of pieces ``a, b (N, 2)`` (px, sorted by run) of paths ``path (N,)``."""
    d = b - a
    with torch.no_grad():
        steep = d[:, 1].abs() > d[:, 0].abs()
    major = steep.long()[:, None]
    u_a, u_b = a.gather(1, major)[:, 0], b.gather(1, major)[:, 0]
    v_a, v_b = a.gather(1, 1 - major)[:, 0], b.gather(1, 1 - major)[:, 0]
    with torch.no_grad():
        flip = u_b < u_a
    u0, u1 = torch.where(flip, u_b, u_a), torch.where(flip, u_a, u_b)
    v0, v1 = torch.where(flip, v_b, v_a), torch.where(flip, v_a, v_b)
    du = u1 - u0
    slope = (v1 - v0) / torch.where(du > 0, du, 1.0)
    # The tiny floor keeps zero-width strokes in the graph: they can learn to grow.
    ink = -(widths[path] * torch.sqrt(1 + slope * slope)).clamp(max=1.0) * alpha[path] * OPAQUE
    ink = ink - 1e-30
    with torch.no_grad():
        k0 = torch.floor(u0)
        count = torch.where(du > 0, torch.ceil(u1) - k0, 0.0).long()
        stride = float(grid.tiles_x * grid.tile + 2 * MARGIN)  # a buffer row
        along = torch.where(steep, stride, 1.0).to(a.dtype)
        across = torch.where(steep, 1.0, stride).to(a.dtype)
        base = MARGIN * (stride + 1) + k0 * along
    return Columns(run_of_path[path], k0, count, u0, u1, v0 - slope * u0 - 0.5, slope / 2,
                   ink, base, along, across, flip)


def _end_columns(walk: Columns, offsets: Tensor, lo: Tensor, hi: Tensor, slot: Tensor,
                 plane: int, wide: bool) -> tuple[Tensor, Tensor]:
    """Ink of columns ``k0 + offsets`` with chords clamped to ``[lo, hi]``.

    Returns buffer indices and inks ``(N, 2M)`` for ``offsets (N or 1, M)``: the upper
    pixels of the columns, then the lower ones (``+ across``).
    """
    k = walk.k0[:, None] + offsets
    ua = torch.minimum(torch.maximum(k, lo), hi)
    ub = torch.maximum(torch.minimum(k + 1, hi), ua)  # empty outside [lo, hi]
    top = torch.addcmul(walk.c0[:, None], walk.half_slope[:, None], ua + ub)
    with torch.no_grad():
        row = torch.floor(top)
        itype = torch.float64 if wide else k.dtype  # exact integers either way
        start = walk.base.to(itype) + slot.to(itype) * plane
        across = walk.across[:, None].to(itype)
        index = torch.addcmul(start[:, None] + offsets.to(itype) * walk.along[:, None].to(itype),
                              row.to(itype), across)
    ink = (ub - ua) * walk.ink[:, None]
    lower = ink * (top - row)  # the box's share in the second pixel
    return (torch.cat([index, index + across], 1).long(),
            torch.cat([ink - lower, lower], 1))


def _vertex_logs(index: Tensor, ink: Tensor) -> Tensor:
    """``log(1 - alpha)`` of groups of deposits ``(V, M)`` that add up linearly.

    Deposits on one pixel within a group are summed; the sum's log goes to the group's
    first deposit on that pixel, the others get 0.
    """
    same = index[:, :, None] == index[:, None, :]
    total = (ink[:, None, :] * same).sum(2)
    earlier = torch.ones(index.shape[1], index.shape[1], dtype=torch.bool,
                         device=index.device).tril(-1)
    first = ~(same & earlier).any(2)
    return torch.where(first, torch.log1p(total.clamp(min=-OPAQUE)), 0.0)


def _whole_columns(walk: Columns, piece: Tensor, block: Tensor, lo: int, plane: int,
                   wide: bool) -> list[tuple[Tensor, Tensor]]:
    """(buffer index, ``log(1 - alpha)``) of the columns strictly inside pieces: the
    upper pixels, then the lower ones.

    Block ``i`` holds columns ``k0 + COLUMNS * block[i] + (0..COLUMNS-1)`` of piece
    ``piece[i]``; those inside hold a whole column of chord (``ua + ub = 2k + 1``), so
    the walk needs no clamping, just a mask.
    """
    dtype = walk.u0.dtype
    itype = torch.float64 if wide else dtype
    with torch.no_grad():
        k0, count = walk.k0[piece], walk.count[piece]
        offset = (block * COLUMNS).to(dtype)[:, None] + torch.arange(
            COLUMNS, device=piece.device, dtype=dtype)
        last = (count - 1).to(dtype)[:, None]
        inside = (offset >= 1) & (offset < last)
        offset = torch.minimum(offset, last)  # padding repeats the last column, inkless
        start = walk.base[piece].to(itype) + (walk.run[piece] - lo).to(itype) * plane
        along, across = walk.along[piece].to(itype), walk.across[piece].to(itype)
    slope = 2 * walk.half_slope[piece]
    top = torch.addcmul((walk.c0[piece] + slope * (k0 + 0.5))[:, None], slope[:, None], offset)
    with torch.no_grad():
        row = torch.floor(top)
        index = torch.addcmul(torch.addcmul(start[:, None], offset.to(itype), along[:, None]),
                              row.to(itype), across[:, None])
        index_lower = (index + across[:, None]).view(-1).int()
        index = index.view(-1).int()
    ink = torch.where(inside, walk.ink[piece][:, None], 0.0)
    lower = ink * (top - row)  # the box's share in the second pixel
    return [(index, torch.log1p(ink - lower).view(-1)),
            (index_lower, torch.log1p(lower).view(-1))]


def accumulate(walk: Columns, after: Tensor, lo: int, hi: int, plane: int, slack: int,
               hp: int, wp: int) -> Tensor:
    """Sum of ``log(1 - alpha)`` per pixel of runs ``lo..hi-1``: ``(hi - lo, hp, wp)``.

    Whole columns inside a piece composite "over" (a sum of logs). The last column of
    a piece and the first of the piece drawn ``after`` it share their vertex and do not
    overlap, so they add up linearly first ("over" would lose ink at every vertex).
    """
    n = hi - lo
    dtype = walk.u0.dtype
    wide = n * plane + slack >= (1 << 24) and dtype != torch.float64
    with torch.no_grad():
        first, end = torch.searchsorted(walk.run, torch.tensor([lo, hi],
                                        device=walk.run.device)).tolist()
        blocks = torch.div(walk.count[first:end] + COLUMNS - 1, COLUMNS,
                           rounding_mode="floor")
        piece = torch.repeat_interleave(torch.arange(first, end, device=blocks.device),
                                        blocks)
        within = torch.arange(piece.shape[0], device=blocks.device) - torch.repeat_interleave(
            torch.cumsum(blocks, 0) - blocks, blocks)
    sums = walk.u0.new_zeros(n * plane + slack)
    for index, logs in _whole_columns(walk, piece, within, lo, plane, wide):
        sums = sums.index_add(0, index, logs)
    # End columns in drawing order, grouped by vertex: (last column of a piece, first of
    # the next) and the first columns of starts. A one-column piece has no last column.
    ends = walk.take(slice(first, end))
    span = (ends.u0[:, None], ends.u1[:, None])
    count = ends.count.to(dtype)
    head = torch.where(ends.reverse, count - 1, 0.0)[:, None]
    tail = torch.where(ends.reverse, torch.clamp(count - 2, max=0.0),
                       torch.clamp(count - 1, min=1.0))[:, None]
    head_index, head_ink = _end_columns(ends, head, *span, ends.run - lo, plane, wide)
    tail_index, tail_ink = _end_columns(ends, tail, *span, ends.run - lo, plane, wide)
    with torch.no_grad():
        nxt = after[first:end] - first
        linked = nxt >= 0
        nxt = nxt.clamp_min(0)
        start = torch.ones_like(linked)
        start[nxt[linked]] = False
    index = torch.cat([tail_index, head_index[nxt]], 1)
    ink = torch.cat([tail_ink, torch.where(linked[:, None], head_ink[nxt], 0.0)], 1)
    sums = sums.index_add(0, index.reshape(-1), _vertex_logs(index, ink).reshape(-1))
    sums = sums.index_add(0, head_index[start].reshape(-1),
                          torch.log1p(head_ink[start]).reshape(-1))
    m = MARGIN
    return sums[:n * plane].view(n, hp + 2 * m, wp + 2 * m)[:, m:hp + m, m:wp + m]
