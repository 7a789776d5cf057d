"""Random views of rendered drawings (kornia), so strokes excite a network robustly.

Why views: optimizing a single fixed image finds adversarial pixel patterns; scoring
many slightly moved, rotated and warped copies makes the strokes form structures the
network sees from every angle (the seed project's 8 views, lucent's transforms).

Convention:
    Images are ``(B, 3, H, W)`` RGB in [0, 1] on white paper. Every preset pads with
    white, never black: transforms run on the *negative* image (ink = 1, paper = 0) so
    kornia's zero padding is paper, and the result is turned back.
"""

from __future__ import annotations

from collections.abc import Callable

import kornia.augmentation as K
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["PRESETS", "make_views", "seed_views", "lucent_views", "sample_views"]


class _WhitePad(nn.Module):
    """Pad by ``pixels`` on each side with paper (0 in negative space)."""

    def __init__(self, pixels: int) -> None:
        super().__init__()
        self.pixels = pixels

    def forward(self, x: Tensor) -> Tensor:
        return F.pad(x, [self.pixels] * 4)


class _Jitter(nn.Module):
    """Random crop ``jitter`` pixels smaller: a shift of up to ``jitter`` pixels."""

    def __init__(self, jitter: int) -> None:
        super().__init__()
        self.jitter = jitter

    def forward(self, x: Tensor) -> Tensor:
        h, w = x.shape[-2:]
        return K.RandomCrop((h - self.jitter, w - self.jitter), p=1.0)(x)


class _FitCrop(nn.Module):
    """Random crop of ``size`` pixels (padding with paper when the image is smaller)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def forward(self, x: Tensor) -> Tensor:
        return K.RandomCrop((self.size, self.size), pad_if_needed=True, p=1.0)(x)


class _Negative(nn.Module):
    """Run ``inner`` on the negative image so zero padding becomes white paper."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, x: Tensor) -> Tensor:
        return 1 - self.inner(1 - x)


def seed_views(size: int) -> nn.Module:
    """The seed project's views: RandomAffine(±5°, translate 5%) → RandomPerspective(0.3)
    → RandomCrop(``size``). ``(B, 3, H, W) -> (B, 3, size, size)``."""
    return _Negative(nn.Sequential(
        K.RandomAffine(degrees=5.0, translate=(0.05, 0.05), p=1.0),
        K.RandomPerspective(distortion_scale=0.3, p=1.0),
        _FitCrop(size),
    ))


def lucent_views(size: int) -> nn.Module:
    """lucent's default transforms: pad 12, jitter 8, scale 0.9–1.1, rotate ±10°,
    jitter 4, then a crop of ``size``. ``(B, 3, H, W) -> (B, 3, size, size)``."""
    return _Negative(nn.Sequential(
        _WhitePad(12),
        _Jitter(8),
        K.RandomAffine(degrees=10.0, scale=(0.9, 1.1), p=1.0),
        _Jitter(4),
        _FitCrop(size),
    ))


PRESETS: dict[str, Callable[[int], nn.Module]] = {"seed": seed_views, "lucent": lucent_views}


def make_views(augment: str | nn.Module | Callable[[Tensor], Tensor] | None, size: int
               ) -> Callable[[Tensor], Tensor]:
    """Resolve a preset name, a module, a callable or None (crop only) to a view maker.

    Raises:
        ValueError: for an unknown preset name (the message lists the presets).
    """
    if augment is None:
        return _Negative(_FitCrop(size))
    if isinstance(augment, str):
        if augment not in PRESETS:
            raise ValueError(
                f"unknown augmentation preset {augment!r}; expected one of {sorted(PRESETS)} "
                "or a kornia module / callable"
            )
        return PRESETS[augment](size)
    if callable(augment):
        return augment
    raise ValueError(f"augment: expected a preset name, module or callable, got {augment!r}")


def sample_views(images: Tensor, views: Callable[[Tensor], Tensor], k: int) -> Tensor:
    """``k`` random views of every image, grouped by image.

    Args:
        images: ``(B, 3, H, W)``.
        views: a view maker from :func:`make_views`.
        k: views per image.

    Returns:
        ``(B * k, 3, h, w)``; rows ``i*k … i*k + k - 1`` are views of image ``i``.
    """
    if k < 1:
        raise ValueError(f"views: expected at least 1 view per image, got {k}")
    return views(images.repeat_interleave(k, dim=0))
