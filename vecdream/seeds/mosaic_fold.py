"""Folded normalised cross-correlation: how well a query window lies on a plane.

The query's pixels (a random sample of them) are carried into the plane's pixels by a
hypothesis (rotation, scale, mirror) and *folded* onto one period of the plane (or onto
a blank-padded canvas when the plane is not periodic). The correlation for every shift
then comes out of FFTs, whatever the window's size against the period.
:func:`block_agreement` then asks whether the fit holds everywhere in the window or only
on average: a random arrangement of a family's tiles fits half its tiles exactly.

Shapes: ``points (n, 2)`` query pixels about its centre; ``values (B, n)``; ``hyps (B, 3)``
rows ``(angle rad, scale, mirror)``; planes ``(H, W)``.
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["block_agreement", "carry", "fold_ncc"]

BLOCKS = 8  # the window is cut into BLOCKS x BLOCKS parts for the agreement
NUDGE = 0.016  # of the plane's long side: how far one part may move on its own
_BLANK = 0.02  # standard deviation of a part's map under which it shows no boundary
_STRUCTURE = 0.08  # and over which a part of the plane clearly shows one


def carry(points: torch.Tensor, hyps: torch.Tensor, px: float
          ) -> tuple[torch.Tensor, torch.Tensor]:
    """Plane pixel positions ``(B, n)`` x and y of the query points under each
    hypothesis (``px``: plane pixels per query pixel at scale 1), before the shift."""
    cx, cy = points[:, 0].reshape(1, -1), points[:, 1].reshape(1, -1)
    angle, scale, mirror = hyps[:, :1], hyps[:, 1:2] * px, hyps[:, 2:3]
    cx = torch.where(mirror > 0.5, -cx, cx)
    c, s = torch.cos(angle), torch.sin(angle)
    return scale * (c * cx - s * cy), scale * (s * cx + c * cy)


def fold_ncc(points: torch.Tensor, values: torch.Tensor, plane: torch.Tensor,
             periodic: bool, hyps: torch.Tensor, px: float, exact: bool = True,
             return_shift: bool = False) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """Best NCC over shifts for each hypothesis: ``(B,)``. ``exact=False`` divides by
    the plane's global variance instead of the variance under the query (two FFTs per
    hypothesis instead of five: the half-resolution sweep only ranks). ``return_shift``:
    also the best shift ``(B, 2)`` in plane pixels ``(x, y)`` (exact only).

    Args:
        points: ``(n, 2)`` query pixel positions ``(x, y)`` about its centre;
        values: ``(B, n)`` the query map there for each hypothesis (the caller blurs
            it to the hypothesis' scale), zero mean;
        plane: ``(H, W)`` map; hyps: ``(B, 3)``;
        px: plane pixels per query pixel at view scale 1.
    """
    size = plane.shape if periodic else (2 * plane.shape[0], 2 * plane.shape[1])
    my, mx = size
    energy = (values * values).sum(1).clamp_min(1e-9).reshape(-1, 1, 1)  # (B, 1, 1)
    x, y = carry(points, hyps, px)
    x0, y0 = torch.floor(x), torch.floor(y)
    fx, fy = x - x0, y - y0
    x0, y0 = x0.long(), y0.long()
    base = (torch.arange(len(hyps)) * (my * mx)).reshape(-1, 1)
    folded = torch.zeros(len(hyps) * my * mx)
    weight = torch.zeros(len(hyps) * my * mx) if exact else None
    for dx, dy, wt in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)),
                       (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        idx = (base + ((y0 + dy) % my) * mx + (x0 + dx) % mx).reshape(-1)
        folded.index_add_(0, idx, (wt * values).reshape(-1))
        if weight is not None:
            weight.index_add_(0, idx, wt.reshape(-1))
    page = torch.zeros(size)
    page[: plane.shape[0], : plane.shape[1]] = plane
    fp = torch.fft.rfft2(page)
    folded = folded.reshape(-1, my, mx)
    num = torch.fft.irfft2(torch.conj(torch.fft.rfft2(folded)) * fp, s=size)
    n = values.shape[-1]
    if weight is None:
        spread = n * float(plane.var()) + 1e-9
        return (num / torch.sqrt(spread * energy)).reshape(len(hyps), -1).amax(1)
    fp2 = torch.fft.rfft2(page * page)
    fw = torch.fft.rfft2(weight.reshape(-1, my, mx))
    first = torch.fft.irfft2(torch.conj(fw) * fp, s=size)
    second = torch.fft.irfft2(torch.conj(fw) * fp2, s=size)
    var = second - first * first / n
    # shifts that put the query over (nearly) blank plane have no variance to compare
    floor = 0.05 * n * float(plane.var()) + 1e-9
    ncc = torch.where(var > floor, num / torch.sqrt(var.clamp_min(floor) * energy),
                      torch.zeros(()))
    best = ncc.reshape(len(hyps), -1).max(1)
    if not return_shift:
        return best.values
    ty, tx = torch.div(best.indices, mx, rounding_mode="floor"), best.indices % mx
    return best.values, torch.stack([tx, ty], 1)


def block_agreement(points: torch.Tensor, values: torch.Tensor, plane: torch.Tensor,
                    periodic: bool, hyp: torch.Tensor, px: float, shift: torch.Tensor,
                    blocks: int = BLOCKS
                    ) -> float:
    """The 10th percentile of the NCC inside each of the window's parts, ``BLOCKS``
    along its long side and as many across as keep them near square (blank parts left
    out), under one fitted hypothesis ``hyp (3,)`` and ``shift (2,)``. Each part may
    move by up to :data:`NUDGE` of the plane's side on its own: a contour nudged a
    little is a small shape change, the same seed.

    A copy agrees in every part; a different arrangement of the same tiles agrees in
    most parts and not in others, however high its overall NCC.
    """
    x, y = carry(points, hyp[None], px)
    h, w = plane.shape
    size = (h, w) if periodic else (2 * h, 2 * w)
    page = torch.zeros(size)
    page[:h, :w] = plane
    reach = max(1, round(NUDGE * max(h, w)))
    moves = torch.arange(-reach, reach + 1, dtype=torch.float32)
    dx, dy = (m.reshape(-1, 1) for m in torch.meshgrid(moves, moves, indexing="xy"))
    x, y = x + shift[0] + dx, y + shift[1] + dy  # (M, n): every part's every move
    x0, y0 = torch.floor(x), torch.floor(y)
    fx, fy = x - x0, y - y0
    x0, y0 = x0.long(), y0.long()

    def at(ox: int, oy: int) -> torch.Tensor:
        return page[(y0 + oy) % size[0], (x0 + ox) % size[1]]

    sampled = ((1 - fx) * (1 - fy) * at(0, 0) + fx * (1 - fy) * at(1, 0)
               + (1 - fx) * fy * at(0, 1) + fx * fy * at(1, 1))
    span = points.abs().amax(0) * 2 + 1e-6  # the window's (w, h)
    # near-square parts: a thin window is cut into fewer parts across than along
    grid = torch.clamp(torch.round(blocks * span / span.max()), min=2).long()
    cell = torch.minimum((points / span + 0.5).mul(grid).long().clamp_min(0), grid - 1)
    block = (cell[:, 1] * grid[0] + cell[:, 0]).numpy()
    q, p = values.numpy().astype(np.float64), sampled.numpy().astype(np.float64)
    scores = []
    for b in range(int(grid[0] * grid[1])):
        sel = block == b
        if sel.sum() < 16:
            continue
        qb = q[sel] - q[sel].mean()
        pb = p[:, sel] - p[:, sel].mean(axis=1, keepdims=True)  # (M, m)
        if qb.std() < _BLANK:
            # a blank part of the query agrees with a blank part of the plane (it says
            # nothing) and disagrees with a boundary the query does not show
            if pb.std(axis=1).min() >= _STRUCTURE:
                scores.append(0.0)
            continue
        ncc = pb @ qb / np.sqrt(np.maximum(float(qb @ qb) * (pb * pb).sum(1), 1e-12))
        scores.append(float(ncc.max()))
    return float(np.percentile(scores, 10)) if scores else 0.0
