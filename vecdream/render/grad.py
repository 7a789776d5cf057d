"""The renderer's autograd pieces: gradient-passing clamp, kept graph, point-segment distance.

Shared by :mod:`vecdream.render.raster` and :mod:`vecdream.render.reference`, so both
renderers differentiate the same way.
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["PointSegmentDistance", "clamp_passing", "keep_graph"]

_EPS = 1.0e-12


def clamp_passing(x: Tensor, lo: float, hi: float) -> Tensor:
    """Clamp whose gradient still flows at the bounds (``torch.clamp`` gives 0 there),
    so black (0) strokes can learn a colour and zero-width strokes can grow."""
    return torch.where(x < lo, lo, torch.where(x > hi, hi, x))


class _KeepGraph(torch.autograd.Function):
    """Identity on the image that also takes the scene's tensors, with zero gradients."""

    @staticmethod
    def forward(ctx, image: Tensor, *tensors: Tensor) -> Tensor:
        ctx.shapes = [(t.shape, t.dtype, t.device) for t in tensors]
        return image.clone()  # a view would forbid in-place edits of the result

    @staticmethod
    def backward(ctx, grad: Tensor):
        return grad, *(torch.zeros(s, dtype=d, device=v) for s, d, v in ctx.shapes)


def keep_graph(image: Tensor, *tensors: Tensor) -> Tensor:
    """``image``, connected to ``tensors`` when they need gradients and it does not.

    When nothing is visible (no paths, every path off the canvas or transparent) the
    image is the bare background and autograd would see no path back to the drawing:
    ``loss.backward()`` in a user's loop would raise. Through this the image stays in
    the graph and those tensors get zero gradients instead.
    """
    if image.requires_grad or not torch.is_grad_enabled():
        return image
    needed = [t for t in tensors if t.requires_grad]
    return _KeepGraph.apply(image, *needed) if needed else image


class PointSegmentDistance(torch.autograd.Function):
    """Squared distance from pixel centres to line pieces, with a hand-written backward.

    Squared, because the scatter-min over a path's pieces needs only the order: the
    square root is taken once per (tile, layer) entry, not once per (piece, tile) pair.
    Autograd on the plain formula would store a dozen ``(pairs, pixels)`` tensors;
    the closed-form gradient needs only the nearest-point parameter and the offset, and
    the forward works in place (about ten passes over ``(N, K)``).
    """

    @staticmethod
    def forward(ctx, a: Tensor, b: Tensor, origin: Tensor, offsets: Tensor) -> Tensor:
        # a, b: (N, 2) piece ends; origin: (N, 2) a pair's reference pixel centre;
        # offsets: (K, 2) the other pixel centres relative to it. Returns (N, K).
        ba = b - a
        bax, bay = ba[:, 0:1], ba[:, 1:2]
        inv = 1.0 / (ba * ba).sum(1, keepdim=True).clamp_min(_EPS)
        dx = (origin[:, 0:1] - a[:, 0:1]) + offsets[:, 0]  # pixel minus a, then minus q
        dy = (origin[:, 1:2] - a[:, 1:2]) + offsets[:, 1]
        h = (dx * bax).addcmul_(dy, bay).mul_(inv).clamp_(0, 1)
        dx.addcmul_(h, bax, value=-1.0)
        dy.addcmul_(h, bay, value=-1.0)
        dist2 = (dx * dx).addcmul_(dy, dy)
        ctx.save_for_backward(h, dx, dy)
        return dist2

    @staticmethod
    def backward(ctx, grad: Tensor):
        h, dx, dy = ctx.saved_tensors
        # d dist2 / d nearest = -2 (p - q); the nearest point q = a + h (b - a) and, h
        # being optimal (or clamped), only its explicit dependence on a and b counts.
        g = grad * -2.0
        gx, gy = g * dx, g * dy
        grad_b = torch.stack([(gx * h).sum(1), (gy * h).sum(1)], dim=1)
        grad_a = torch.stack([gx.sum(1), gy.sum(1)], dim=1) - grad_b
        return grad_a, grad_b, None, None
