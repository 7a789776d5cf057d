"""Photos for painting: loading, and a stroke start coloured by the photo."""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, UnidentifiedImageError

from vecdream.drawing import Drawing
from vecdream.objectives import Objective, pixels

__all__ = ["BRUSH_PIXEL_WEIGHT", "PaintSetup", "edge_start", "load_photo", "paint_pixels",
           "paint_setup",
           "photo_start"]


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


def _edges(photo: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Sobel gradient ``(gx, gy)`` of the lightly blurred luminance, ``(H, W)`` each."""
    grey = (photo * torch.tensor([0.299, 0.587, 0.114])[:, None, None]).sum(0)[None, None]
    grey = F.avg_pool2d(F.pad(grey, (1, 1, 1, 1), mode="replicate"), 3, stride=1)
    sobel = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    padded = F.pad(grey, (1, 1, 1, 1), mode="replicate")
    gx = F.conv2d(padded, sobel[None, None])[0, 0]
    gy = F.conv2d(padded, sobel.T[None, None])[0, 0]
    return gx, gy


def _sample(photo: torch.Tensor, xy: torch.Tensor) -> torch.Tensor:
    """The photo's colour at points ``xy`` ``(..., 2)`` (canvas units), ``(..., 3)``."""
    h, w = photo.shape[1:]
    grid = torch.stack([xy[..., 0] / w * 2 - 1, xy[..., 1] / h * 2 - 1], -1)
    out = F.grid_sample(photo[None], grid.reshape(1, -1, 1, 2), mode="bilinear",
                        padding_mode="border", align_corners=False)
    return out[0, :, :, 0].T.reshape(*xy.shape[:-1], 3)


def edge_start(photo: torch.Tensor, n_paths: int, *, broad: float = 0.35,
               widths: tuple[float, float] = (0.035, 0.012),
               lengths: tuple[float, float] = (0.1, 0.05), seed: int | None = None
               ) -> Drawing:
    """One-cubic strokes where a painter would put them: a ``broad`` share of wide, long
    strokes spread over the canvas (blocking in the tones), then thin, short ones placed
    where the photo has edges, each laid along the edge (the isophote), not across it.
    Every stroke takes the photo's mean colour along it (alpha 0.9); broad strokes come
    first, so the fine ones lie on top.

    Args:
        photo: ``(3, H, W)`` in [0, 1]; the canvas is ``(W, H)``.
        n_paths: strokes in all.
        broad: share of broad strokes.
        widths, lengths: broad and fine strokes' width and length, as shares of the
            canvas's mean side.
        seed: random seed.

    Returns:
        A drawing of ``n_paths`` open one-segment strokes ``(P, 4, 2)``.
    """
    g = torch.Generator().manual_seed(0 if seed is None else seed)
    h, w = photo.shape[1:]
    side = (w + h) / 2
    n_broad = round(n_paths * broad)
    gx, gy = _edges(photo)
    magnitude = (gx**2 + gy**2).sqrt().flatten()
    # broad: stratified over a grid (the whole canvas covered); fine: by edge strength
    cols = max(1, round(math.sqrt(n_broad * w / h)))
    rows = max(1, math.ceil(n_broad / cols))
    cell = torch.arange(n_broad)
    broad_xy = torch.stack([(cell % cols + torch.rand(n_broad, generator=g)) * w / cols,
                            (cell // cols + torch.rand(n_broad, generator=g)) * h / rows], -1)
    weights = magnitude + 0.1 * magnitude.mean() + 1e-8
    index = torch.multinomial(weights, n_paths - n_broad, replacement=True, generator=g)
    fine_xy = torch.stack([(index % w).float(), (index // w).float()], -1)
    fine_xy = fine_xy + torch.rand(fine_xy.shape, generator=g)
    start = torch.cat([broad_xy, fine_xy])
    # along the isophote: perpendicular to the gradient; random where the photo is flat
    xi, yi = start[:, 0].long().clamp(0, w - 1), start[:, 1].long().clamp(0, h - 1)
    tangent = torch.stack([-gy[yi, xi], gx[yi, xi]], -1)
    angle = torch.rand(n_paths, generator=g) * 2 * math.pi
    random_dir = torch.stack([angle.cos(), angle.sin()], -1)
    strong = tangent.norm(dim=-1, keepdim=True) > 1e-3
    direction = torch.where(strong, tangent / tangent.norm(dim=-1, keepdim=True).clamp_min(1e-8),
                            random_dir)
    length = torch.cat([torch.full((n_broad,), lengths[0]),
                        torch.full((n_paths - n_broad,), lengths[1])]) * side
    length = length * (0.6 + 0.8 * torch.rand(n_paths, generator=g))
    bend = (torch.rand(n_paths, 1, generator=g) - 0.5) * 0.3 * length[:, None]
    normal = torch.stack([-direction[:, 1], direction[:, 0]], -1)
    t = torch.tensor([-0.5, -1 / 6, 1 / 6, 0.5])[None, :, None]
    points = start[:, None] + t * length[:, None, None] * direction[:, None] \
        + torch.tensor([0.0, 1.0, 1.0, 0.0])[None, :, None] * bend[:, None] * normal[:, None]
    colour = _sample(photo, points.clamp_min(0)).mean(1)
    stroke = torch.cat([colour, torch.full((n_paths, 1), 0.9)], -1)
    width = torch.cat([torch.full((n_broad,), widths[0]),
                       torch.full((n_paths - n_broad,), widths[1])]) * side
    return Drawing(points, width, stroke, (float(w), float(h)))


@dataclass
class PaintSetup:
    """How ``vecdream paint`` paints a photo with the pen.

    Attributes:
        start: the strokes to optimize (:func:`edge_start`).
        width: the width mode: free within ``[lo, hi]`` units.
        size: the canvas ``(W, H)``.
        extra: the term added to the content loss (:func:`~vecdream.objectives.pixels`).
    """

    start: Drawing
    width: tuple[str, float, float]
    size: tuple[int, int]
    extra: Objective


def paint_setup(photo: torch.Tensor, n_paths: int = 500, *, pixel_weight: float = 200.0,
                seed: int | None = None) -> PaintSetup:
    """The pen's defaults for painting ``photo`` ``(3, H, W)``: :func:`edge_start`
    strokes, widths free between 0.4 % and 5 % of the canvas's mean side, and the blurred
    pixel match weighted ``pixel_weight`` beside the content loss."""
    h, w = photo.shape[1:]
    side = (w + h) / 2
    return PaintSetup(edge_start(photo, n_paths, seed=seed),
                      ("free", 0.004 * side, 0.05 * side), (w, h),
                      paint_pixels(photo, pixel_weight))


BRUSH_PIXEL_WEIGHT = 1000.0
"""The weight of :func:`paint_pixels` when ``paint`` uses the brush (the pen's is 200). At
200 the content loss pulls the brush's colours off the photo's (a flat orange face came
out lemon); at 1000 both the colours and the feature distance are closer
(BENCHMARKS.md, "The third painter and coarse to fine")."""


def paint_pixels(photo: torch.Tensor, weight: float = 200.0) -> Objective:
    """The term ``paint`` adds to the content loss, pen or brush: ``weight`` times the
    blurred pixel match (:func:`~vecdream.objectives.pixels`, sigma 0.6 % of the mean
    side, at least 1 px). It keeps the photo's tones, so the painting reads."""
    h, w = photo.shape[1:]
    return weight * pixels(photo, blur=max(1.0, 0.006 * (w + h) / 2))
