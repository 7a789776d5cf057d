"""Training the seed discriminator (the network itself:
:mod:`vecdream.nets.seed_discriminator`, re-exported here).

It is trained with the non-saturating GAN loss plus R1 on the reals (gamma from the
StyleGAN2-ADA heuristic ``0.0002 * res**2 / batch``), on DiffAugment-ed images. Spectral
norm bounds each layer's Lipschitz constant, so D's gradients stay usable as a signal
for the generator and for per-seed refinement (:func:`vecdream.objectives.discriminator`).

Checkpoints hold plain tensors and numbers (``torch.load(..., weights_only=True)``).
"""

from __future__ import annotations

import io
import os

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from vecdream.atomic import atomic_write_bytes
from vecdream.nets.seed_discriminator import (
    DISCRIMINATOR_FORMAT,
    SeedDiscriminator,
    as_discriminator,
    discriminator_from_state,
    discriminator_state,
    g_loss,
    load_discriminator,
    read_state,
    seed_loss,
)

__all__ = [
    "SeedDiscriminator", "as_discriminator", "as_images", "d_loss", "discriminator_from_state",
    "discriminator_state", "g_loss", "load_discriminator", "read_state", "r1_gamma",
    "r1_penalty", "save_discriminator", "seed_loss", "train_discriminator",
]


def r1_gamma(resolution: int, batch: int) -> float:
    """StyleGAN2-ADA's R1 weight heuristic, ``0.0002 * res**2 / batch`` (0.0256 at 64/32)."""
    return 0.0002 * resolution**2 / batch


def as_images(data, size: int) -> Tensor:
    """Stack a dataset of images into ``(N, 3, size, size)`` float in [0, 1].

    Args:
        data: a ``(N, 3, S, S)`` tensor, or any sequence / ``torch.utils.data.Dataset``
            whose items are ``(3, S, S)`` tensors (or tuples starting with one), such as
            :class:`vecdream.seeds.SeedFolder`.
        size: output side in pixels (resized with antialiasing when it differs).
    """
    if isinstance(data, Tensor):
        images = data
    else:
        items = [data[i] for i in range(len(data))]
        items = [it[0] if isinstance(it, (tuple, list)) else it for it in items]
        if not items:
            raise ValueError("expected at least one training image, got an empty dataset")
        images = torch.stack([torch.as_tensor(it) for it in items])
    if images.dim() != 4 or images.shape[1] != 3:
        raise ValueError(f"expected images (N, 3, S, S), got shape {tuple(images.shape)}")
    images = images.float()
    if images.shape[-2:] != (size, size):
        images = F.interpolate(images, size=(size, size), mode="bilinear", antialias=True,
                               align_corners=False)
    return images.clamp(0, 1)


def d_loss(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """Non-saturating discriminator loss: ``softplus(-D(real)) + softplus(D(fake))``."""
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def r1_penalty(discriminator: nn.Module, real: Tensor) -> tuple[Tensor, Tensor]:
    """R1: squared gradient norm of D at the reals; returns (penalty, D's logits).

    ``real`` is the (augmented) real batch; multiply the penalty by ``gamma / 2``.
    """
    real = real.detach().requires_grad_(True)
    logits = discriminator(real)
    (grad,) = torch.autograd.grad(logits.sum(), real, create_graph=True)
    return grad.pow(2).sum(dim=(1, 2, 3)).mean(), logits


def save_discriminator(d: SeedDiscriminator, path: str | os.PathLike,
                       history: dict[str, list[float]] | None = None) -> None:
    """Write ``d`` atomically; :func:`load_discriminator` reads it back."""
    buffer = io.BytesIO()
    torch.save({"format": DISCRIMINATOR_FORMAT, **discriminator_state(d),
                "history": history or {}}, buffer)
    atomic_write_bytes(path, buffer.getvalue())


def random_negatives(n: int, size: int, generator: torch.Generator,
                     n_paths: tuple[int, int] = (4, 24)) -> Tensor:
    """Renders ``(n, 3, size, size)`` of random colourful scribbles: what D learns to
    tell apart from the seeds when it is trained alone (and what refinement starts from)."""
    from vecdream.drawing import Drawing
    from vecdream.render import render

    drawings = []
    for _ in range(n):
        k = int(torch.randint(n_paths[0], n_paths[1] + 1, (1,), generator=generator))
        width = float(size) * (0.02 + 0.1 * float(torch.rand(1, generator=generator)))
        drawings.append(Drawing.random(k, size=(size, size), width=width, colors=True,
                                       radius=0.25, generator=generator))
    with torch.no_grad():
        return render(drawings)


def train_discriminator(data, size: int = 64, *, steps: int = 300, batch: int = 16,
                        channels: int = 32, lr: float = 2e-4, policy=None,
                        negatives: Tensor | None = None, seed: int = 0,
                        progress: bool = False) -> tuple[SeedDiscriminator, dict]:
    """Train a seed discriminator alone: the seeds against ``negatives``.

    Args:
        data: the seeds (see :func:`as_images`).
        size: training resolution in pixels.
        steps: Adam steps; batch: images of each kind per step.
        channels: first-layer channels of :class:`SeedDiscriminator`.
        lr: Adam learning rate (betas 0, 0.99 as in StyleGAN2).
        policy: DiffAugment transforms (default all of them).
        negatives: ``(M, 3, S, S)`` images that are *not* seeds; default 256
            :func:`random_negatives` (so refinement from random strokes has a slope).
        seed: makes the run deterministic on CPU.
        progress: show a tqdm bar.

    Returns:
        The frozen discriminator and its history ``{"d_loss": [...], "r1": [...]}``.
    """
    from vecdream.seeds.diffaugment import DEFAULT_POLICY, diff_augment

    policy = DEFAULT_POLICY if policy is None else policy
    real = as_images(data, size)
    g = torch.Generator().manual_seed(seed)
    fake = random_negatives(256, size, g) if negatives is None else as_images(negatives, size)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)  # weights and spectral-norm vectors
        d = SeedDiscriminator(size, channels)
    opt = torch.optim.Adam(d.parameters(), lr=lr, betas=(0.0, 0.99))
    gamma = r1_gamma(size, batch)
    history: dict[str, list[float]] = {"d_loss": [], "r1": []}
    steps_iter = range(steps)
    if progress:
        from tqdm.auto import tqdm

        steps_iter = tqdm(steps_iter, desc="discriminator", unit="step")
    for _ in steps_iter:
        r = real[torch.randint(len(real), (batch,), generator=g)]
        f = fake[torch.randint(len(fake), (batch,), generator=g)]
        penalty, real_logits = r1_penalty(d, diff_augment(r, policy, generator=g))
        loss = d_loss(real_logits, d(diff_augment(f, policy, generator=g))) + gamma / 2 * penalty
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        history["d_loss"].append(loss.item())
        history["r1"].append(penalty.item())
    return d.eval().requires_grad_(False), history
