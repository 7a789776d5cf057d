"""Terms on the rendered image itself, no network: how far the picture is from a target.

``pixels(photo)`` is the blurred mean squared error between the plain render and the
photo: with the strokes' own width of blur it scores the tones a painter matches, not
the stroke edges. Beside :func:`~vecdream.objectives.network.content` it keeps a painted
photo's light and colour where the photo has them, so the picture reads.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from vecdream.objectives.core import DreamContext, Objective

__all__ = ["pixels"]


def _blur(image: Tensor, sigma: float) -> Tensor:
    """``(N, 3, H, W)`` under a Gaussian of ``sigma`` px (reflected edges), or as is."""
    if sigma <= 0:
        return image
    import kornia

    k = 2 * max(1, int(3 * sigma)) + 1
    return kornia.filters.gaussian_blur2d(image, (k, k), (sigma, sigma), border_type="reflect")


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
