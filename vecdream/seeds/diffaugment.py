"""Differentiable augmentation (DiffAugment) for training on a few hundred seeds.

Why: a discriminator trained on ~100-500 images memorizes them within a few hundred
steps and its gradients stop teaching the generator. DiffAugment (Zhao et al. 2020)
applies the *same* random, differentiable transforms to real and fake images, in the
discriminator's and the generator's steps, so D never sees an un-augmented image and G
still receives gradients through the transforms. Flips and 90° rotations are added
because a Mosaic seed is rotated and transposed anyway: the 8 orientations of a seed are
all on-distribution, so letting them "leak" into the samples is harmless.

Convention:
    Images are ``(B, 3, H, W)`` RGB in [0, 1] on white paper. Translation pads with
    paper (1), cutout paints a mid-grey (0.5) square that no seed contains. Every random
    number comes from an explicit ``torch.Generator`` (CPU), so a run is reproducible.

Example:
    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.rand(4, 3, 32, 32)
    >>> diff_augment(x, generator=g).shape
    torch.Size([4, 3, 32, 32])
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

__all__ = ["DEFAULT_POLICY", "POLICIES", "AdaptiveAugment", "blur", "diff_augment"]

POLICIES = ("color", "translation", "cutout", "flip", "rot90")
DEFAULT_POLICY: tuple[str, ...] = POLICIES


def _uniform(n: int, lo: float, hi: float, g: torch.Generator | None, like: Tensor) -> Tensor:
    u = torch.rand(n, generator=g)
    return (lo + (hi - lo) * u).to(device=like.device, dtype=like.dtype)


def _gate(n: int, p: float, g: torch.Generator | None, like: Tensor) -> Tensor:
    """``(n,)`` bool: which images get the transform (ADA's per-image probability)."""
    return (torch.rand(n, generator=g) < p).to(like.device)


def _color(x: Tensor, p: float, g: torch.Generator | None) -> Tensor:
    # DiffAugment's ranges: brightness ±0.5, saturation ×[0, 2], contrast ×[0.5, 1.5].
    n = x.shape[0]
    on = _gate(n, p, g, x)[:, None, None, None]
    bright = _uniform(n, -0.5, 0.5, g, x)[:, None, None, None]
    y = x + bright
    sat = _uniform(n, 0.0, 2.0, g, x)[:, None, None, None]
    mean_c = y.mean(dim=1, keepdim=True)
    y = mean_c + (y - mean_c) * sat
    con = _uniform(n, 0.5, 1.5, g, x)[:, None, None, None]
    mean_all = y.mean(dim=(1, 2, 3), keepdim=True)
    y = mean_all + (y - mean_all) * con
    return torch.where(on, y, x)


def _translation(x: Tensor, p: float, g: torch.Generator | None, ratio: float = 0.125
                 ) -> Tensor:
    n, _, h, w = x.shape
    pad = max(1, round(max(h, w) * ratio))
    on = _gate(n, p, g, x).long()
    ty = (torch.randint(-pad, pad + 1, (n,), generator=g).to(x.device)) * on
    tx = (torch.randint(-pad, pad + 1, (n,), generator=g).to(x.device)) * on
    padded = torch.nn.functional.pad(x, [pad] * 4, value=1.0)  # paper comes in
    rows = torch.arange(h, device=x.device)[None] + pad - ty[:, None]  # (n, h)
    cols = torch.arange(w, device=x.device)[None] + pad - tx[:, None]  # (n, w)
    batch = torch.arange(n, device=x.device)[:, None, None]
    out = padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]]
    return out.permute(0, 3, 1, 2)


def _cutout(x: Tensor, p: float, g: torch.Generator | None, ratio: float = 0.5) -> Tensor:
    n, _, h, w = x.shape
    ch, cw = max(1, round(h * ratio)), max(1, round(w * ratio))
    on = _gate(n, p, g, x)
    cy = torch.randint(0, h, (n,), generator=g).to(x.device)
    cx = torch.randint(0, w, (n,), generator=g).to(x.device)
    ys = torch.arange(h, device=x.device)[None]
    xs = torch.arange(w, device=x.device)[None]
    in_y = (ys >= (cy - ch // 2)[:, None]) & (ys < (cy - ch // 2 + ch)[:, None])  # (n, h)
    in_x = (xs >= (cx - cw // 2)[:, None]) & (xs < (cx - cw // 2 + cw)[:, None])  # (n, w)
    hole = (in_y[:, :, None] & in_x[:, None, :] & on[:, None, None])[:, None]
    return torch.where(hole, torch.full_like(x, 0.5), x)


def _flip(x: Tensor, p: float, g: torch.Generator | None) -> Tensor:
    on = _gate(x.shape[0], p, g, x) & _gate(x.shape[0], 0.5, g, x)
    return torch.where(on[:, None, None, None], x.flip(-1), x)


def _rot90(x: Tensor, p: float, g: torch.Generator | None) -> Tensor:
    if x.shape[-1] != x.shape[-2]:
        raise ValueError(f"diff_augment: rot90 needs square images, got {tuple(x.shape[-2:])}")
    n = x.shape[0]
    k = torch.randint(0, 4, (n,), generator=g) * _gate(n, p, g, x).cpu().long()
    turns = torch.stack([torch.rot90(x, i, dims=(-2, -1)) for i in range(4)])  # (4, n, ...)
    return turns[k.to(x.device), torch.arange(n, device=x.device)]


_OPS = {"color": _color, "translation": _translation, "cutout": _cutout, "flip": _flip,
        "rot90": _rot90}


def diff_augment(x: Tensor, policy: Sequence[str] = DEFAULT_POLICY, *, p: float = 1.0,
                 generator: torch.Generator | None = None) -> Tensor:
    """Apply the ``policy`` transforms to a batch, differentiably.

    Args:
        x: images ``(B, 3, H, W)`` in [0, 1] on white.
        policy: names from :data:`POLICIES`, applied in this order.
        p: probability that each image gets each transform (1 = DiffAugment, always on;
            :class:`AdaptiveAugment` tunes it like ADA).
        generator: CPU generator for every random choice (None: torch's global RNG).

    Returns:
        ``(B, 3, H, W)``, differentiable w.r.t. ``x``; colour may leave [0, 1].
    """
    if x.dim() != 4 or x.shape[1] != 3:
        raise ValueError(f"diff_augment: expected (B, 3, H, W), got {tuple(x.shape)}")
    unknown = [name for name in policy if name not in _OPS]
    if unknown:
        raise ValueError(f"diff_augment: unknown transform(s) {unknown}; valid: {list(POLICIES)}")
    if p <= 0:
        return x
    for name in policy:
        x = _OPS[name](x, p, generator)
    return x


class AdaptiveAugment:
    """ADA's controller of the augmentation probability ``p``.

    Every ``interval`` updates, ``p`` moves by ``sign(r_t - target) * batch * interval /
    (kimg * 1000)`` where ``r_t = E[sign(D(real))]`` measures how much D overfits. ADA's
    ``kimg=500`` is far too slow for CPU runs of a few thousand images, hence the small
    default; fixed DiffAugment (``p=1``) remains the default of the trainers.
    """

    def __init__(self, target: float = 0.6, kimg: float = 2.0, interval: int = 4,
                 p: float = 0.0) -> None:
        self.target, self.kimg, self.interval, self.p = target, kimg, interval, p
        self._signs: list[float] = []

    def update(self, real_logits: Tensor) -> float:
        """Record D's logits on (augmented) reals; returns the current ``p``."""
        self._signs.append(float(torch.sign(real_logits.detach()).mean()))
        if len(self._signs) >= self.interval:
            r_t = sum(self._signs) / len(self._signs)
            step = real_logits.shape[0] * self.interval / (self.kimg * 1000)
            self.p = min(1.0, max(0.0, self.p + (step if r_t > self.target else -step)))
            self._signs.clear()
        return self.p

    def state_dict(self) -> dict[str, object]:
        return {"p": self.p, "signs": list(self._signs)}

    def load_state_dict(self, state: dict[str, object]) -> None:
        self.p = float(state["p"])
        self._signs = [float(s) for s in state["signs"]]


def blur(images: Tensor, sigma: float) -> Tensor:
    """Gaussian blur of ``(B, 3, S, S)`` by ``sigma`` px (circular: seeds tile), or as is.

    What the discriminator sees early in training: a rendered edge moves only the few
    pixels around it, so a blurred view lets its gradient reach shapes far from where
    they should be (Im2Vec, StyleGAN3); the blur fades out over ``blur_steps``.
    """
    if sigma <= 0.05:
        return images
    import kornia

    k = 2 * max(1, int(3 * sigma)) + 1
    return kornia.filters.gaussian_blur2d(images, (k, k), (sigma, sigma),
                                          border_type="circular")
