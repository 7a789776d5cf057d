"""Hairline coverage for :mod:`~.reference`, densely: every piece against every pixel.

The same model as :mod:`~.hairline` and :mod:`~.columns`, without their machinery (no
blocks, buffers, runs or tiles): for each piece and each pixel, the pixel's column
along the piece's major axis holds a chord ``[ua, ub]`` of the centre line; a one-pixel
box centred on the chord's midpoint shares the column's ink between two pixels across
it. Whole columns composite "over"; the last column of a piece and the first of the
next add up linearly first (they share a vertex).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

__all__ = ["hairline_alpha"]

_OPAQUE = 1 - 1e-6


def hairline_alpha(a: Tensor, b: Tensor, after: Tensor, width: Tensor, alpha: Tensor,
                   xs: Tensor, ys: Tensor, block: int) -> Tensor:
    """Alpha ``(H, W)`` of one hairline path.

    Args:
        a, b: ``(L, 2)`` its pieces in pixels, caps included (in the graph), in drawing
            order; after: ``(L,)`` the piece drawn next (sharing a vertex), -1 for none.
        width: stroke width in pixels, alpha: paint alpha (0-d tensors).
        xs: ``(W,)`` pixel left edges; ys: ``(H,)`` pixel top edges.
        block: most (pieces x pixels) elements per temporary tensor.
    """
    logs = a.new_zeros(ys.shape[0], xs.shape[0])
    heads, tails = [], []
    step = max(1, block // max(1, logs.numel()))
    for start in range(0, a.shape[0], step):
        pa, pb = a[start:start + step], b[start:start + step]
        steep = ((pb - pa)[:, 1].abs() > (pb - pa)[:, 0].abs())[:, None, None]
        flip = torch.where(steep[:, 0, 0], pb[:, 1] < pa[:, 1], pb[:, 0] < pa[:, 0])
        p0 = torch.where(flip[:, None], pb, pa)[:, :, None, None]
        p1 = torch.where(flip[:, None], pa, pb)[:, :, None, None]
        u0 = torch.where(steep, p0[:, 1], p0[:, 0])
        u1 = torch.where(steep, p1[:, 1], p1[:, 0])
        v0 = torch.where(steep, p0[:, 0], p0[:, 1])
        v1 = torch.where(steep, p1[:, 0], p1[:, 1])
        du = u1 - u0
        slope = (v1 - v0) / torch.where(du > 0, du, 1.0)
        ink = ((width * torch.sqrt(1 + slope * slope)).clamp(max=1.0) * alpha * _OPAQUE
               + 1e-30) * (du > 0)
        column = torch.where(steep, ys[None, :, None], xs[None, None, :])  # (l, H, W)
        across = torch.where(steep, xs[None, None, :], ys[None, :, None])
        ua, ub = column.clamp(u0, u1), (column + 1).clamp(u0, u1)
        top = v0 + slope * ((ua + ub) / 2 - u0) - 0.5
        row = torch.floor(top).detach()
        share = torch.where(across == row, 1 - (top - row),
                            torch.where(across == row + 1, top - row, 0.0))
        px = (ub - ua) * ink * share
        with torch.no_grad():  # the first and last columns in drawing order
            low, high = column == torch.floor(u0), column == torch.ceil(u1) - 1
            back = flip[:, None, None]
            head = torch.where(back, high, low)
            tail = torch.where(back, low, high) & ~head
        logs = logs + torch.where(head | tail, 0.0, torch.log1p(-px)).sum(0)
        heads.append(torch.where(head, px, 0.0))
        tails.append(torch.where(tail, px, 0.0))
    if heads:  # a vertex's two end columns add up before they composite
        head, tail = torch.cat(heads), torch.cat(tails)
        linked = after >= 0
        group = tail + torch.where(linked[:, None, None], head[after.clamp_min(0)], 0.0)
        starts = torch.ones_like(linked)
        starts[after[linked]] = False
        logs = (logs + torch.log1p(-group.clamp(max=_OPAQUE)).sum(0)
                + torch.log1p(-head[starts]).sum(0))
    return -torch.expm1(logs.clamp(min=math.log(1 - _OPAQUE)))
