"""A microscope for pen art: dream many channels of a layer at once, lay them out on a sheet.

:func:`dream_channels` optimizes one small drawing per channel in a single batch (one
forward pass of the network per step for all of them), and :func:`contact_sheet` lays
their renders out in a grid, each tile labelled with its channel, so a user can pick
what to dream large and plot.

Example:
    >>> from vecdream.nets import load_net
    >>> net = load_net("efficientnet_lite0", weights=None)
    >>> drawings = dream_channels(net, "blocks.2", [0, 1], size=32, steps=1, n_paths=4,
    ...                           views=1, seed=0, device="cpu")
    >>> len(drawings), drawings[0].size
    (2, (32.0, 32.0))
    >>> contact_sheet(torch.ones(2, 3, 32, 32), ["ch 0", "ch 1"]).shape[0]
    3
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.objectives import DreamContext, Objective

__all__ = ["channel_batch", "contact_sheet", "dream_channels", "layer_shapes"]


def layer_shapes(net, layers: Sequence[str] | None = None, size: int = 224,
                 device: str | torch.device = "cpu") -> dict[str, tuple[int, ...]]:
    """Activation shape (without batch) of each layer for one ``size`` px image.

    Args:
        net: a :class:`~vecdream.nets.FeatureNet`.
        layers: names to measure; default ``net.dream_layers``.

    Returns:
        ``{layer: (C, H, W)}`` (or ``(C,)`` for vectors such as logits), in order.
    """
    names = list(layers if layers is not None else net.dream_layers)
    with torch.no_grad():
        feats = net.features(torch.zeros(1, 3, size, size, device=device), names)
    return {name: tuple(feats[name].shape[1:]) for name in names}


def channel_batch(net, layer: str, channels: Sequence[int]) -> Objective:
    """Drawing ``i`` of a batch excites channel ``channels[i]`` of ``layer``.

    One optimization then dreams many channels; views are grouped by drawing
    (:func:`vecdream.dream.augment.sample_views`), so each drawing's views score its own
    channel only.
    """
    net.resolve_layer(layer)  # an unknown layer fails now, listing valid names
    index = torch.as_tensor(list(channels), dtype=torch.long)

    def fn(ctx: DreamContext) -> Tensor:
        act = ctx.features(net, layer)  # (B * V, C, ...)
        b = len(index)
        grouped = act.reshape(b, act.shape[0] // b, *act.shape[1:])
        picked = grouped[torch.arange(b), :, index.to(act.device)]  # (B, V, ...)
        return -picked.reshape(b, -1).mean(dim=1).mean()

    return Objective(fn, f"channels({getattr(net, 'name', 'net')}:{layer}, {len(index)})",
                     [(net, layer, "views")])


def dream_channels(net, layer: str, channels: Sequence[int], *, size: int = 64,
                   steps: int = 50, n_paths: int = 30, views: int = 2, width: float = 1.0,
                   seed: int | None = None, device: str | torch.device = "auto",
                   progress: bool = False,
                   callback: Callable | None = None) -> list[Drawing]:
    """One small dream per channel, all optimized in one batch.

    Args:
        net: a :class:`~vecdream.nets.FeatureNet`.
        layer, channels: what each drawing excites (drawing ``i``: ``channels[i]``).
        size: canvas side in user units = pixels (small: this is a preview).
        steps, n_paths, views, width, seed, device, progress, callback: as in
            :func:`~vecdream.dream.optimize.optimize_strokes`.

    Returns:
        The drawings, in the order of ``channels``.
    """
    from vecdream.dream.optimize import optimize_strokes

    if not channels:
        raise ValueError("dream_channels: expected at least one channel, got none")
    result = optimize_strokes(objective=channel_batch(net, layer, channels), layer=None,
                              batch=len(channels), n_paths=n_paths, size=size, steps=steps,
                              views=views, width=width, seed=seed, device=device,
                              progress=progress, callback=callback)
    return result.drawings


def contact_sheet(images: Tensor, labels: Sequence[str], *, columns: int | None = None,
                  gap: int = 4) -> Tensor:
    """Tiles in a grid, each with its label in a strip below it (PIL's default font).

    Args:
        images: ``(N, 3, H, W)`` in [0, 1].
        labels: one per image.
        columns: tiles per row (default: a near-square grid).
        gap: pixels between tiles.

    Returns:
        The sheet ``(3, rows * (H + label + gap) + gap, columns * (W + gap) + gap)``,
        white background.
    """
    from PIL import Image, ImageDraw, ImageFont

    n, _, h, w = images.shape
    if len(labels) != n:
        raise ValueError(f"contact_sheet: expected {n} labels, got {len(labels)}")
    columns = columns or max(1, math.ceil(math.sqrt(n)))
    rows = math.ceil(n / columns)
    font = ImageFont.load_default()
    strip = 14
    sheet = Image.new("RGB", (columns * (w + gap) + gap, rows * (h + strip + gap) + gap),
                      "white")
    draw = ImageDraw.Draw(sheet)
    tiles = (images.detach().clamp(0, 1).permute(0, 2, 3, 1).cpu().numpy() * 255).round()
    for i, (tile, label) in enumerate(zip(tiles.astype(np.uint8), labels, strict=True)):
        x = gap + (i % columns) * (w + gap)
        y = gap + (i // columns) * (h + strip + gap)
        sheet.paste(Image.fromarray(tile, "RGB"), (x, y))
        draw.text((x + 1, y + h + 1), label, fill=(0, 0, 0), font=font)
    return torch.from_numpy(np.asarray(sheet).copy()).permute(2, 0, 1).float() / 255
