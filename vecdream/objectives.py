"""Objectives: what the strokes should do, as a small composable language (lucent style).

An :class:`Objective` is a named function of a :class:`DreamContext` returning a scalar
*to minimize*; excitation objectives therefore return negative activations. They combine
with ``+``, ``-``, unary ``-``, ``*`` and ``/`` by numbers::

    objective = channel(net, "blocks.4", 7) - 0.5 * diversity(net, "blocks.4") \\
        + 1e-3 * ink_length()

Each objective declares the features it needs, so every network runs once per step
with exactly the layers the whole expression uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.render.flatten import sample_segments

__all__ = [
    "DreamContext", "Objective", "channel", "neuron", "layer_norm", "class_logit", "ensemble",
    "content", "style", "diversity", "ink_length", "width_l1", "palette", "grayscale",
    "bending", "discriminator",
]

# (net, layer, source): source "views" = augmented views, "render" = the plain renders.
Need = tuple[object, str, str]


@dataclass
class DreamContext:
    """What objectives see at one optimization step.

    Attributes:
        views: augmented views ``(B * V, 3, h, w)``, grouped by drawing.
        renders: the plain renders ``(B, 3, H, W)``.
        drawings: the ``B`` drawings being optimized.
        needs: every (net, layer, source) the objective will ask for.
    """

    views: Tensor
    renders: Tensor
    drawings: Sequence[Drawing]
    needs: frozenset[Need] = frozenset()
    _cache: dict[tuple[int, str], dict[str, Tensor]] = field(default_factory=dict, repr=False)

    def features(self, net, layer: str, source: str = "views") -> Tensor:
        """Activation of ``layer`` in ``net`` on the views (or renders), ``(N, C, h, w)``.

        The first request for a net runs it once for all layers it is needed for.
        """
        key = (id(net), source)
        if key not in self._cache:
            layers = sorted({lay for n, lay, s in self.needs if n is net and s == source} | {layer})
            images = self.views if source == "views" else self.renders
            self._cache[key] = net.features(images, layers)
        feats = self._cache[key]
        if layer not in feats:
            feats.update(net.features(self.views if source == "views" else self.renders, [layer]))
        return feats[layer]

    @property
    def n_drawings(self) -> int:
        return self.renders.shape[0]


class Objective:
    """A named scalar function of a :class:`DreamContext`, to minimize.

    Args:
        fn: ``ctx -> scalar Tensor``.
        name: readable name, e.g. ``"channel(vgg16:conv3_3, 37)"``.
        needs: the (net, layer, source) triples ``fn`` reads.
    """

    def __init__(self, fn: Callable[[DreamContext], Tensor], name: str,
                 needs: Iterable[Need] = ()) -> None:
        self.fn = fn
        self.name = name
        self.needs = frozenset(needs)

    def __call__(self, ctx: DreamContext) -> Tensor:
        return self.fn(ctx)

    def __repr__(self) -> str:
        return f"Objective({self.name})"

    def __add__(self, other: Objective | float) -> Objective:
        if isinstance(other, (int, float)):
            return Objective(lambda c: self(c) + other, f"{self.name} + {other}", self.needs)
        return Objective(lambda c: self(c) + other(c), f"{self.name} + {other.name}",
                         self.needs | other.needs)

    def __radd__(self, other: float) -> Objective:  # lets sum([...]) start from 0
        return self if other == 0 else self + other

    def __neg__(self) -> Objective:
        return Objective(lambda c: -self(c), f"-({self.name})", self.needs)

    def __sub__(self, other: Objective | float) -> Objective:
        return self + (-other)

    def __mul__(self, factor: float) -> Objective:
        if not isinstance(factor, (int, float)):
            raise TypeError(f"Objective * expects a number, got {type(factor).__name__}")
        return Objective(lambda c: factor * self(c), f"{factor} * {self.name}", self.needs)

    __rmul__ = __mul__

    def __truediv__(self, divisor: float) -> Objective:
        return self * (1.0 / divisor)


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


def _contour_lengths(d: Drawing, samples: int = 8) -> Tensor:
    """Approximate length of every contour's used segments, ``(C,)``."""
    if d.points.shape[1] < 4:  # no segment at all (an empty SVG: points (0, 1, 2))
        return d.points.sum(dim=(1, 2)) * 0
    t = torch.linspace(0, 1, samples + 1, device=d.device, dtype=d.points.dtype)
    curve = sample_segments(d.points, t)  # (C, S, T, 2)
    seg_len = (curve[:, :, 1:] - curve[:, :, :-1]).norm(dim=-1).sum(-1)  # (C, S)
    used = torch.arange(curve.shape[1], device=d.device)[None] < d.n_segments[:, None]
    return (seg_len * used).sum(1)


def ink_length() -> Objective:
    """Total stroke length in canvas diagonals per drawing: fewer, shorter strokes."""
    def fn(ctx: DreamContext) -> Tensor:
        return torch.stack([
            _contour_lengths(d).sum() / (d.size[0] ** 2 + d.size[1] ** 2) ** 0.5
            for d in ctx.drawings
        ]).mean()
    return Objective(fn, "ink_length")


def width_l1() -> Objective:
    """Mean stroke width in user units: thin lines unless width pays off."""
    def fn(ctx: DreamContext) -> Tensor:
        widths = torch.cat([d.widths for d in ctx.drawings])
        return widths.abs().sum() / max(widths.numel(), 1)  # 0, not NaN, with no strokes
    return Objective(fn, "width_l1")


def palette(colors: Sequence[Sequence[float]] | Tensor) -> Objective:
    """Pull every stroke colour to its nearest palette colour (RGB in [0, 1])."""
    pal = torch.as_tensor(colors, dtype=torch.float32)
    if pal.dim() != 2 or pal.shape[1] != 3:
        raise ValueError(f"palette: expected (K, 3) RGB colours, got shape {tuple(pal.shape)}")

    def fn(ctx: DreamContext) -> Tensor:
        rgb = torch.cat([d.stroke[:, :3] for d in ctx.drawings])
        dist = torch.cdist(rgb, pal.to(rgb))
        return dist.min(dim=1).values.pow(2).mean()
    return Objective(fn, f"palette({len(pal)} colours)")


def grayscale() -> Objective:
    """Drain colour: variance of each stroke's RGB channels around their mean."""
    def fn(ctx: DreamContext) -> Tensor:
        rgb = torch.cat([d.stroke[:, :3] for d in ctx.drawings])
        return (rgb - rgb.mean(dim=1, keepdim=True)).pow(2).mean()
    return Objective(fn, "grayscale")


def _turning(d: Drawing, samples: int = 8) -> tuple[Tensor, Tensor]:
    """``1 - cos`` of the turning angle between successive chords of every contour's
    sampled curve ``(C, S * samples - 1)``, and the mask of those inside used segments."""
    t = torch.linspace(0, 1, samples + 1, device=d.device, dtype=d.points.dtype)[:-1]
    curve = sample_segments(d.points, t).flatten(1, 2)  # (C, S*T, 2)
    curve = torch.cat([curve, d.points[:, -1:]], dim=1)
    chords = curve[:, 1:] - curve[:, :-1]  # (C, S*T, 2)
    a, b = chords[:, :-1], chords[:, 1:]
    # eps keeps the gradient finite where a chord has zero length (a collapsed stroke)
    cos = (a * b).sum(-1) / (a.norm(dim=-1) * b.norm(dim=-1) + 1e-6)
    seg = torch.arange(1, chords.shape[1], device=d.device) // samples  # segment of b
    used = seg[None] < d.n_segments[:, None]
    return 1 - cos, used


def bending() -> Objective:
    """Bending energy: mean over strokes of the summed ``1 - cos(turn)`` along each stroke
    (8 samples per segment). Straight strokes score 0, an arc of total turn ``θ`` about
    ``θ² / 48``, a loop or a cusp far more: it unties the knots of a random start."""
    def fn(ctx: DreamContext) -> Tensor:
        terms = []
        for d in ctx.drawings:
            if d.points.shape[1] < 4 or d.points.shape[0] == 0:
                terms.append(d.points.sum() * 0)
                continue
            energy, used = _turning(d)
            terms.append((energy * used).sum(1).mean())
        return torch.stack(terms).mean()
    return Objective(fn, "bending")


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
