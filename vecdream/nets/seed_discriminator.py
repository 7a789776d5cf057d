"""The seed discriminator network: a small spectral-norm CNN that scores "looks like my
seeds", and the loss that turns it into an objective.

It lives with the networks (a lower stage) so that :func:`vecdream.objectives.discriminator`
can load and use a trained one without importing the seeds stage, which trains it
(:mod:`vecdream.seeds.discriminator`). Files hold plain tensors and numbers
(``torch.load(..., weights_only=True)``).
"""

from __future__ import annotations

import math
import os
import pickle
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.utils.parametrizations import spectral_norm

__all__ = [
    "DISCRIMINATOR_FORMAT", "SeedDiscriminator", "as_discriminator", "discriminator_from_state",
    "discriminator_state", "g_loss", "load_discriminator", "read_state", "seed_loss",
]

DISCRIMINATOR_FORMAT = "vecdream-seed-discriminator-1"
"""The ``format`` entry of a discriminator file."""


class SeedDiscriminator(nn.Module):
    """Spectral-norm CNN: ``(B, 3, size, size)`` in [0, 1] → logits ``(B,)``.

    Args:
        size: input side in pixels (a power of two >= 8); other sizes are resized.
        channels: channels of the first layer, doubled at each halving (max 256).
        minibatch_std: append, at 4 x 4, the standard deviation of the features across
            groups of up to 4 images (StyleGAN's minibatch statistics): a generator whose
            samples all look alike is then easy to tell from the reals, which differ.

    The layers halve the image down to 4 x 4; :meth:`features` returns the flattened
    penultimate activations ``(B, F)``.
    """

    def __init__(self, size: int = 64, channels: int = 32, minibatch_std: bool = False
                 ) -> None:
        super().__init__()
        if size < 8 or size & (size - 1):
            raise ValueError(f"SeedDiscriminator: size must be a power of two >= 8, got {size}")
        self.size, self.channels, self.minibatch_std = size, channels, bool(minibatch_std)
        layers: list[nn.Module] = [spectral_norm(nn.Conv2d(3, channels, 3, padding=1)),
                                   nn.LeakyReLU(0.2)]
        c = channels
        for _ in range(int(math.log2(size // 4))):
            c_out = min(c * 2, 256)
            layers += [spectral_norm(nn.Conv2d(c, c_out, 4, stride=2, padding=1)),
                       nn.LeakyReLU(0.2)]
            c = c_out
        self.body = nn.Sequential(*layers)
        self.head = spectral_norm(nn.Linear((c + self.minibatch_std) * 16, 1))

    def config(self) -> dict[str, int | bool]:
        config: dict[str, int | bool] = {"size": self.size, "channels": self.channels}
        if self.minibatch_std:  # files from before the option load unchanged
            config["minibatch_std"] = True
        return config

    def features(self, x: Tensor) -> Tensor:
        """Penultimate activations ``(B, F)`` of images ``(B, 3, H, W)`` in [0, 1]."""
        if x.shape[-2:] != (self.size, self.size):
            x = F.interpolate(x, size=(self.size, self.size), mode="bilinear", antialias=True,
                              align_corners=False)
        h = self.body(x * 2 - 1)
        if self.minibatch_std:
            h = torch.cat([h, _group_std(h)], 1)
        return h.flatten(1)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x)).squeeze(1)


def _group_std(h: Tensor, group: int = 4) -> Tensor:
    """``(B, 1, H, W)``: per group of ``group`` images (fewer when ``B`` does not divide),
    the mean over features of their standard deviation across the group."""
    b = h.shape[0]
    g = next(k for k in range(min(group, b), 0, -1) if b % k == 0)
    grouped = h.reshape(g, b // g, *h.shape[1:])           # image i is in group i % (b/g)
    std = (grouped.var(0, unbiased=False) + 1e-8).sqrt().mean((1, 2, 3))   # (B/g,)
    return std.repeat(g)[:, None, None, None].expand(b, 1, *h.shape[2:])


def g_loss(fake_logits: Tensor) -> Tensor:
    """Non-saturating generator loss ``softplus(-D(fake))`` (also the refinement loss)."""
    return F.softplus(-fake_logits).mean()


def discriminator_state(d: SeedDiscriminator) -> dict[str, object]:
    """Config and weights of ``d`` as plain tensors and numbers."""
    return {"config": d.config(), "state_dict": d.state_dict()}


def discriminator_from_state(state: dict) -> SeedDiscriminator:
    d = SeedDiscriminator(**state["config"])
    d.load_state_dict(state["state_dict"])
    return d.eval().requires_grad_(False)


def read_state(path: str | os.PathLike, what: str) -> dict:
    """``torch.load(path, weights_only=True)`` with one clear error for a bad file."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError, ValueError) as exc:
        raise ValueError(f"cannot read {what} {os.fspath(path)!r} "
                         f"({type(exc).__name__})") from None
    if not isinstance(state, dict):
        raise ValueError(f"{os.fspath(path)!r} is not a {what}")
    return state


def load_discriminator(path: str | os.PathLike) -> SeedDiscriminator:
    """Read a discriminator file, or the discriminator of a seed-GAN checkpoint.

    Returns the network frozen in eval mode. Raises ``ValueError`` for any other file.
    """
    state = read_state(path, "seed discriminator")
    if state.get("format") == DISCRIMINATOR_FORMAT:
        return discriminator_from_state(state)
    if isinstance(state.get("discriminator"), dict):  # a train_seed_gan checkpoint
        return discriminator_from_state(state["discriminator"])
    raise ValueError(f"{os.fspath(path)!r} is not a seed discriminator or seed-GAN checkpoint")


def as_discriminator(model: SeedDiscriminator | str | os.PathLike) -> SeedDiscriminator:
    """``model`` itself (frozen, eval mode) or the discriminator in that file."""
    if isinstance(model, SeedDiscriminator):
        return model.eval().requires_grad_(False)
    return load_discriminator(model)


def seed_loss(model: SeedDiscriminator | str | os.PathLike
              ) -> tuple[Callable[[Tensor], Tensor], str]:
    """``images (B, 3, H, W) -> softplus(-D(images)).mean()`` and a name for it.

    The loss behind ``vecdream.objectives.discriminator``: images are resized to D's
    resolution (what it saw in training); lower = more like the seeds.
    """
    d = as_discriminator(model)
    name = "model" if isinstance(model, SeedDiscriminator) else os.fspath(model)

    def loss(images: Tensor) -> Tensor:
        net = d.to(images.device)
        return g_loss(net(images))  # D.features resizes to its own size
    return loss, name
