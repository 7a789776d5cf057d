"""Refine any drawing toward "looks like my seeds", per seed, against a discriminator.

The objective is :func:`vecdream.objectives.discriminator` (``softplus(-D(render))``
for a :class:`SeedDiscriminator` or a seed-GAN checkpoint), so it combines with channel
objectives: ``channel(net, "blocks.4", 7) + discriminator("model.pt")``.
"""

from __future__ import annotations

import os

import torch
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.dream.optimize import optimize_strokes
from vecdream.objectives import Objective, discriminator
from vecdream.render import render
from vecdream.seeds.discriminator import SeedDiscriminator, as_discriminator

__all__ = ["refine_seed", "score_drawings"]


def refine_seed(drawing: Drawing, model: SeedDiscriminator | str | os.PathLike, *,
                steps: int = 100, size: int | None = None, lr_points: float | None = None,
                colors: bool = True, seed: int | None = 0, objective: Objective | None = None,
                progress: bool = False, callback=None) -> tuple[Drawing, dict[str, list[float]]]:
    """Refine one drawing against a seed discriminator with :func:`optimize_strokes`.

    Points, stroke colours and widths move (fills keep their colour: the optimizer
    updates stroke paint); the canvas is rendered at D's resolution by default.

    Args:
        drawing: the start (a generated sample, a designer's seed, random strokes).
        model: discriminator or checkpoint file.
        steps: Adam steps; size: render size in pixels (default D's size).
        lr_points: learning rate of points in pixels (default 1 % of the canvas).
        colors: let stroke colours move too.
        seed: reproducibility on CPU.
        objective: extra objective added to the discriminator's (e.g. a channel).
        progress, callback: as in :func:`optimize_strokes`.

    Returns:
        The refined drawing (in the original canvas units) and the loss history.
    """
    d = as_discriminator(model)
    px = size or d.size
    scale = px / max(drawing.size)
    start = drawing.detach().clone().scaled(scale)
    total = discriminator(d)
    if objective is not None:
        total = total + objective
    widths = start.widths
    width_range = ("free", 0.0, float(widths.max()) * 2 + 1.0) if len(widths) else 1.0
    result = optimize_strokes(
        objective=total, drawing=start, size=(round(start.size[0]), round(start.size[1])),
        steps=steps, views=1, augment=None, colors="free" if colors else False,
        width=width_range, lr_points=lr_points if lr_points is not None else 0.01 * px,
        seed=seed, device="cpu", prune_alpha=0.0, progress=progress, callback=callback)
    return result.drawing.scaled(1 / scale), result.history


def score_drawings(model: SeedDiscriminator | str | os.PathLike, drawings: list[Drawing]
                   ) -> Tensor:
    """D's logits ``(B,)`` of drawings rendered at D's resolution."""
    d = as_discriminator(model)
    with torch.no_grad():
        return d(render(drawings, d.size, d.size))
