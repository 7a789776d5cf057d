"""Terms on the rendered image itself, no network: how far the picture is from a target.

``pixels(photo)`` is the blurred mean squared error between the plain render and the
photo: with the strokes' own width of blur it scores the tones a painter matches, not
the stroke edges. Beside :func:`~vecdream.objectives.network.content` it keeps a painted
photo's light and colour where the photo has them, so the picture reads.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from vecdream.objectives.core import DreamContext, Objective

__all__ = ["pixels"]


def _blur(image: Tensor, sigma: float) -> Tensor:
    """``(N, 3, H, W)`` under a separable Gaussian of ``sigma`` px (reflected edges)."""
    if sigma <= 0:
        return image
    radius = max(1, int(3 * sigma))
    x = torch.arange(-radius, radius + 1, dtype=image.dtype, device=image.device)
    k = torch.exp(-0.5 * (x / sigma) ** 2)
    k = k / k.sum()
    c = image.shape[1]
    out = F.pad(image, (radius, radius, 0, 0), mode="reflect")
    out = F.conv2d(out, k.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
    out = F.pad(out, (0, 0, radius, radius), mode="reflect")
    return F.conv2d(out, k.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c)


def pixels(target: Tensor, blur: float = 1.5) -> Objective:
    """Mean squared error between the blurred plain render and the blurred ``target``.

    Args:
        target: ``(3, H, W)`` in [0, 1]; resized to the render when sizes differ.
        blur: Gaussian sigma in render pixels applied to both (0: none).
    """
    cache: dict[tuple, Tensor] = {}

    def fn(ctx: DreamContext) -> Tensor:
        renders = ctx.renders
        key = (tuple(renders.shape[-2:]), renders.device, renders.dtype)
        if key not in cache:
            t = target.to(device=renders.device, dtype=renders.dtype)[None]
            if t.shape[-2:] != renders.shape[-2:]:
                t = F.interpolate(t, size=renders.shape[-2:], mode="bilinear",
                                  antialias=True, align_corners=False)
            cache[key] = _blur(t, blur)
        return F.mse_loss(_blur(renders, blur), cache[key].expand_as(renders))

    return Objective(fn, f"pixels(blur={blur:g})", [])
