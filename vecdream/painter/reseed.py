"""Re-seeding brush strokes: move the strokes that paint (almost) nothing to where the
painting is worst (issue 22, item 3; LIVE adds paths where the error is largest).

Where a painting is worst is read from the objective itself: the magnitude of the loss's
gradient with respect to the rendered canvas, blurred. With a pixel match that is the
colour error; with a channel or class objective it is where the network wants change.
So one rule serves ``paint`` and ``dream`` alike.

A stroke lives in its cell (:mod:`~vecdream.painter.canvas`), so it can only move within
it: each idle stroke goes to the worst spot of its own cell, and the spot is then
suppressed so the next idle stroke of an overlapping cell goes elsewhere.
"""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn import functional as F

from .canvas import BrushLayout

__all__ = ["idle_strokes", "error_map", "reseed_actions", "reseed_canvas"]

SEED_LENGTH = 0.12  # a re-seeded stroke's half-length, as a fraction of its cell
SEED_SIZE = 0.5  # its brush size (a mid radius: small enough to land on the error)


def idle_strokes(strokes: Tensor, share: float) -> Tensor:
    """The ``share`` of strokes with the least paint (summed alpha), ``(K,)`` indices.

    Args:
        strokes: straight RGBA ``(1, N, 4, 64, 64)``.
        share: fraction of the strokes to return, in [0, 1].
    """
    mass = strokes[0, :, 3].sum((1, 2))
    k = int(round(share * mass.numel()))
    return mass.argsort()[:k]


def error_map(grad: Tensor, blur: float) -> Tensor:
    """Where the painting is worst: ``|grad|`` summed over colour, Gaussian-blurred by
    ``blur`` px, ``(H, W)``, from the loss's gradient w.r.t. the render ``(1, 3, H, W)``."""
    import kornia

    k = 2 * max(1, int(3 * blur)) + 1
    err = grad[0].abs().sum(0)[None, None]
    return kornia.filters.gaussian_blur2d(err, (k, k), (blur, blur),
                                          border_type="replicate")[0, 0]


@torch.no_grad()
def reseed_actions(actions: Tensor, idle: Tensor, layout: BrushLayout, error: Tensor,
                   generator: torch.Generator | None = None) -> Tensor:
    """Move each ``idle`` stroke to the worst spot of its cell.

    Args:
        actions: ``(1, N, 12)`` in [0, 1] (not modified).
        idle: indices of the strokes to move, most idle first.
        layout: the canvas's grids (each stroke's cell).
        error: ``(H, W)`` the canvas's error map (:func:`error_map`).
        generator: the new strokes' directions.

    Returns:
        New actions ``(1, N, 12)``: a moved stroke is a short straight stroke of mid size
        and full pressure centred on the spot, in any direction; the others are unchanged.
    """
    out = actions.clone()
    c = layout.cell
    err = F.pad(error.clone(), (c, c, c, c))  # cells start up to a cell before the canvas
    span = torch.arange(c, device=error.device)
    yy, xx = torch.meshgrid(span, span, indexing="ij")
    angles = torch.rand(len(idle), generator=generator) * torch.pi
    for i, n in enumerate(idle.tolist()):
        x0, y0 = (int(v) + c for v in layout.origins[n].tolist())
        patch = err[y0:y0 + c, x0:x0 + c]
        if patch.max() <= 0:
            continue
        at = int(patch.argmax())
        py, px = divmod(at, c)
        centre = torch.tensor([(px + 0.5) / c, (py + 0.5) / c])
        step = SEED_LENGTH * torch.stack([angles[i].cos(), angles[i].sin()])
        out[0, n, 0:3] = torch.tensor([1.0, 1.0, SEED_SIZE])
        out[0, n, 6:12] = torch.cat([centre - step, centre, centre + step]).clamp(0, 1)
        # the spot is taken: a stroke a quarter cell across paints it
        near = ((yy - py) ** 2 + (xx - px) ** 2) < (c / 4) ** 2
        patch[near] = 0
    return out


def reseed_canvas(actions: Tensor, optimizer: torch.optim.Optimizer, strokes: Tensor,
                  layout: BrushLayout, render_grad: Tensor, share: float,
                  generator: torch.Generator | None = None) -> int:
    """One re-seeding of an optimization in progress, in place: the ``share`` most idle
    strokes move to their cells' worst spots and forget their Adam moments (a moved
    stroke starts over). Returns how many strokes moved.

    Args:
        actions: the optimized parameter ``(1, N, 12)``.
        optimizer: its Adam.
        strokes: this step's painter strokes ``(1, N, 4, 64, 64)``.
        layout: the canvas's grids.
        render_grad: the loss's gradient w.r.t. this step's render ``(1, 3, H, W)``.
        share: fraction of the strokes to move.
    """
    if actions.shape[0] != 1:
        raise ValueError(f"re-seeding paints one canvas: expected batch 1, got {actions.shape[0]}")
    idle = idle_strokes(strokes.detach(), share)
    if not len(idle):
        return 0
    moved = reseed_actions(actions.detach(), idle, layout,
                           error_map(render_grad, blur=layout.cell / 16), generator)
    with torch.no_grad():
        actions.copy_(moved)
    state = optimizer.state.get(actions, {})
    for key in ("exp_avg", "exp_avg_sq"):
        if key in state:
            state[key][:, idle] = 0
    return len(idle)
