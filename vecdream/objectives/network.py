"""Objectives read from a network's features: excite a channel, a unit, a layer or a
class; match a photo's content or style; push a batch apart; look like the seeds."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from vecdream.objectives.core import DreamContext, Objective

__all__ = [
    "channel", "class_logit", "content", "discriminator", "diversity", "ensemble",
    "layer_norm", "neuron", "style",
]


def _label(net) -> str:
    return getattr(net, "name", type(net).__name__)


def _checked(net, layer: str) -> str:
    """Fail at construction, not mid-run, on an unknown layer (the error lists names)."""
    resolve = getattr(net, "resolve_layer", None)
    if resolve is not None:
        resolve(layer)
    return layer


def _channel_of(act: Tensor, c: int, layer: str) -> Tensor:
    if not 0 <= c < act.shape[1]:
        raise ValueError(f"channel {c} out of range: layer {layer!r} has channels "
                         f"0..{act.shape[1] - 1}")
    return act[:, c]


def channel(net, layer: str, c: int) -> Objective:
    """Excite channel ``c`` of ``layer`` everywhere: the strokes grow its pattern."""
    _checked(net, layer)

    def fn(ctx: DreamContext) -> Tensor:
        return -_channel_of(ctx.features(net, layer), c, layer).mean()
    return Objective(fn, f"channel({_label(net)}:{layer}, {c})", [(net, layer, "views")])


def neuron(net, layer: str, c: int, x: int | None = None, y: int | None = None) -> Objective:
    """Excite one unit of channel ``c`` (default: the centre): one object, not a texture."""
    _checked(net, layer)

    def fn(ctx: DreamContext) -> Tensor:
        act = _channel_of(ctx.features(net, layer), c, layer)
        yy = act.shape[1] // 2 if y is None else y
        xx = act.shape[2] // 2 if x is None else x
        return -act[:, yy, xx].mean()
    return Objective(fn, f"neuron({_label(net)}:{layer}, {c})", [(net, layer, "views")])


def layer_norm(net, layer: str) -> Objective:
    """Deep dream: amplify whatever ``layer`` already sees (mean squared activation)."""
    _checked(net, layer)

    def fn(ctx: DreamContext) -> Tensor:
        return -ctx.features(net, layer).pow(2).mean()
    return Objective(fn, f"layer_norm({_label(net)}:{layer})", [(net, layer, "views")])


def class_logit(nets, k: int, layer: str = "logits") -> Objective:
    """Draw ImageNet class ``k``; a list of nets averages their logits (an ensemble is
    less prone to one network's adversarial shortcuts)."""
    nets = list(nets) if isinstance(nets, (list, tuple)) else [nets]
    for n in nets:
        _checked(n, layer)
    return ensemble(*(
        Objective(lambda ctx, n=n: -_channel_of(ctx.features(n, layer), k, layer).mean(),
                  f"class_logit({_label(n)}, {k})", [(n, layer, "views")])
        for n in nets
    ))


def ensemble(*objectives: Objective) -> Objective:
    """The mean of several objectives (e.g. one per network)."""
    if not objectives:
        raise ValueError("ensemble: expected at least one objective")
    total = sum(objectives[1:], objectives[0])
    if len(objectives) == 1:
        return total
    mean = total / len(objectives)
    mean.name = "mean(" + ", ".join(o.name for o in objectives) + ")"
    return mean


def _target_features(net, layer: str, image: Tensor, size: tuple[int, int] | None) -> Tensor:
    image = image[None] if image.dim() == 3 else image
    if size is not None:
        image = F.interpolate(image, size=size, mode="bilinear", align_corners=False,
                              antialias=True)
    with torch.no_grad():
        return net.features(image, [layer])[layer]


def content(net, layer: str, target_image: Tensor) -> Objective:
    """Paint a photo: match ``layer``'s activations of the plain render to the photo's
    (MSE). With strokes as the medium this is "intrinsic style transfer".

    Args:
        target_image: ``(3, H, W)`` or ``(1, 3, H, W)`` in [0, 1]; resized to the render.
    """
    _checked(net, layer)
    cache: dict[tuple, Tensor] = {}

    def fn(ctx: DreamContext) -> Tensor:
        ours = ctx.features(net, layer, "render")
        key = (tuple(ctx.renders.shape[-2:]), ours.device)
        if key not in cache:
            target = target_image.to(device=ctx.renders.device, dtype=ctx.renders.dtype)
            cache[key] = _target_features(net, layer, target, key[0])
        return F.mse_loss(ours, cache[key].expand_as(ours))
    return Objective(fn, f"content({_label(net)}:{layer})", [(net, layer, "render")])


def _gram(act: Tensor) -> Tensor:
    n, c, h, w = act.shape
    flat = act.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (h * w)


def style(net, layers: Sequence[str], image: Tensor) -> Objective:
    """Match the Gram matrices of ``layers`` to those of a style ``image`` ``(3, H, W)``."""
    layers = [_checked(net, lay) for lay in ([layers] if isinstance(layers, str) else layers)]
    cache: dict[tuple, Tensor] = {}

    def fn(ctx: DreamContext) -> Tensor:
        loss = ctx.views.new_zeros(())
        for layer in layers:
            ours = _gram(ctx.features(net, layer))
            key = (layer, ours.device)
            if key not in cache:
                target = image.to(device=ctx.views.device, dtype=ctx.views.dtype)
                cache[key] = _gram(_target_features(net, layer, target, None))
            loss = loss + F.mse_loss(ours, cache[key].expand_as(ours))
        return loss / len(layers)
    return Objective(fn, f"style({_label(net)}:{','.join(layers)})",
                     [(net, layer, "views") for layer in layers])


def diversity(net, layer: str) -> Objective:
    """Push a batch of drawings apart: mean cosine similarity of their Gram matrices
    (lucent's ``diversity``). Needs at least two drawings."""
    _checked(net, layer)

    def fn(ctx: DreamContext) -> Tensor:
        b = ctx.n_drawings
        if b < 2:
            raise ValueError("diversity: expected a batch of at least 2 drawings, got 1")
        # (B * V, C, C) grouped by drawing -> one flattened vector per drawing.
        grams = F.normalize(_gram(ctx.features(net, layer)).reshape(b, -1), dim=1)
        sim = grams @ grams.T
        return (sim.sum() - sim.diagonal().sum()) / (b * (b - 1))
    return Objective(fn, f"diversity({_label(net)}:{layer})", [(net, layer, "views")])


def discriminator(checkpoint, *, source: str = "render") -> Objective:
    """Look like the designer's seeds: ``softplus(-D(x))`` for a trained seed
    discriminator ``D`` (a file from ``vecdream seeds train`` or ``train_discriminator``,
    or the module), on the plain renders (``source="render"``) or the views."""
    from vecdream.nets.seed_discriminator import seed_loss  # lazy: loads only when used

    if source not in ("render", "views"):
        raise ValueError(f"discriminator: source must be 'render' or 'views', got {source!r}")
    loss, name = seed_loss(checkpoint)
    return Objective(lambda ctx: loss(ctx.renders if source == "render" else ctx.views),
                     f"discriminator({name})")
