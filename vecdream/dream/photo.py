"""Photos for painting: loading, and a stroke start coloured by the photo."""

from __future__ import annotations

import io
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, UnidentifiedImageError

from vecdream.drawing import Drawing

__all__ = ["load_photo", "photo_start"]


def load_photo(path: str | os.PathLike, long_side: int) -> torch.Tensor:
    """An RGB photo ``(3, H, W)`` in [0, 1], resized so its long side is ``long_side`` px.

    Raises:
        ValueError: the file is not an image Pillow can open.
    """
    try:
        with Image.open(io.BytesIO(open(path, "rb").read())) as im:
            array = np.asarray(im.convert("RGB"), dtype=np.float32) / 255
    except (UnidentifiedImageError, OSError):
        raise ValueError(f"cannot read image {os.fspath(path)!r}: not an image format Pillow "
                         "can open") from None
    photo = torch.from_numpy(array).permute(2, 0, 1)
    h, w = photo.shape[1:]
    scale = long_side / max(h, w)
    size = (max(8, round(h * scale)), max(8, round(w * scale)))
    return F.interpolate(photo[None], size=size, mode="bilinear", antialias=True)[0]


def photo_start(photo: torch.Tensor, n_paths: int, *, width: float, seed: int | None = None
                ) -> Drawing:
    """Random-walk strokes on the photo's canvas, each coloured by the photo under its
    first point (alpha 0.8): painting starts near the right colours instead of noise.

    Args:
        photo: ``(3, H, W)`` in [0, 1]; the canvas is ``(W, H)``.
        n_paths: number of strokes.
        width: stroke width in user units (pixels of ``photo``).
        seed: random seed.
    """
    h, w = photo.shape[1:]
    d = Drawing.random(n_paths, size=(w, h), width=width, colors=True, seed=seed)
    x = d.points[:, 0, 0].clamp(0, w - 1).long()
    y = d.points[:, 0, 1].clamp(0, h - 1).long()
    d.stroke[:, :3] = photo[:, y, x].T
    d.stroke[:, 3] = 0.8
    return d
