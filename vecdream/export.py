"""Raster export: PNG of a drawing, written atomically."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence

import numpy as np
import torch
from PIL import Image

from vecdream.atomic import atomic_write_bytes
from vecdream.drawing import Drawing
from vecdream.render import render

__all__ = ["image_to_png_bytes", "save_png"]


def image_to_png_bytes(image: torch.Tensor) -> bytes:
    """Encode an RGB image ``(3, H, W)`` in [0, 1] as PNG bytes."""
    if image.dim() != 3 or image.shape[0] != 3:
        raise ValueError(f"image_to_png_bytes: expected shape (3, H, W), got {tuple(image.shape)}")
    array = (image.detach().clamp(0, 1).permute(1, 2, 0).cpu().numpy() * 255).round()
    buffer = io.BytesIO()
    Image.fromarray(array.astype(np.uint8), "RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def save_png(
    drawing: Drawing,
    path: str | os.PathLike,
    width: int | None = None,
    height: int | None = None,
    *,
    background: Sequence[float] = (1.0, 1.0, 1.0),
    samples: int = 1,
) -> None:
    """Render ``drawing`` with :func:`vecdream.render` and write a PNG atomically.

    Args:
        drawing: the drawing.
        path: output file; parent folders are created.
        width, height: pixel size (default: the canvas size in user units).
        background: RGB in [0, 1].
        samples: supersampling factor per axis.
    """
    with torch.no_grad():
        image = render(drawing.detach(), width, height, background=background, samples=samples)
    atomic_write_bytes(path, image_to_png_bytes(image))
