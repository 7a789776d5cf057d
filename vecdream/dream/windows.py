"""Scoring a large canvas in windows at the network's resolution.

Why windows: a network sees 224 px. Scoring a 4096 px canvas by rendering it whole
and shrinking it would hide every stroke; rendering it whole and cropping would cost
memory that grows with the canvas. So each step draws ``views`` random *windows* of
the large canvas at the network's native resolution (as the seed project scored its
672 x 896 drawing with 18 crops of 224 px) and renders only those: every window is
its own small drawing (:func:`~vecdream.dream.tiles.crop_drawing`: the paths that reach it,
shifted), all windows render in one batch, and memory stays flat as the canvas grows.

What objectives see (:class:`~vecdream.objectives.DreamContext`):
    ``views``: the augmented windows ``(B * V, 3, s, s)``, ``s = view_size``;
    ``renders``: an *overview*, the whole canvas rendered small (long side
    ``view_size`` px), ``(B, 3, h, w)``. It is cheap and keeps ``diversity`` and
    ``content`` working: at large scale ``content`` matches the photo to the whole
    composition seen at the network's resolution, while detail inside the windows is
    driven by the view-based terms only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.dream.augment import make_views
from vecdream.dream.loop import ViewFn, resolve_objective
from vecdream.dream.tiles import crop_drawing
from vecdream.objectives import DreamContext, Objective
from vecdream.render import render

__all__ = ["pixel_size", "window_loss", "window_views"]

_WINDOW_MARGIN = 1.25
"""Windows are this much larger than a view, so rotation and perspective find ink, not
paper, at the view's corners; the view preset then crops ``view_size`` out of them."""


def pixel_size(canvas: tuple[float, float], size: int | Sequence[int]) -> tuple[int, int]:
    """Render size of the canvas: an int is the long side; ``(W, H)`` must keep the
    canvas aspect ratio (within 1%)."""
    cw, ch = canvas
    if isinstance(size, int):
        s = size / max(cw, ch)
        px = (max(1, round(cw * s)), max(1, round(ch * s)))
    else:
        px = (int(size[0]), int(size[1]))
        if min(px) < 1 or abs(px[0] / px[1] / (cw / ch) - 1) > 0.01:
            raise ValueError(
                f"size: expected an int (long side) or (W, H) with the canvas aspect ratio "
                f"{cw:g}:{ch:g}, got {tuple(size)}; pass an int or matching tiles")
    return px



def _sample_corners(size_px: tuple[int, int], window: int, n: int,
                    seams: tuple[Sequence[float], Sequence[float]] = ((), ()),
                    seam_frac: float = 0.0) -> Tensor:
    """``n`` window corners ``(n, 2)`` in whole pixels (torch's global RNG); a window may
    stick out of the canvas by a quarter of its side so the borders are scored too.

    ``seams`` are the tile borders ``(xs, ys)`` in pixels; ``round(seam_frac * n)`` of
    the windows are centred on one (a random seam, a random point along it, within a
    quarter window across it), so the finetune works where copies meet.
    """
    out = []
    for extent in size_px:
        lo, hi = -(window // 4), extent - window + window // 4
        if hi < lo:  # canvas smaller than a window: centre it
            lo = hi = (extent - window) // 2
        out.append(torch.randint(lo, hi + 1, (n,)))
    corners = torch.stack(out, dim=1)
    lines = [(axis, v) for axis in (0, 1) for v in seams[axis]]
    k = min(n, round(seam_frac * n)) if lines else 0
    if k:
        pick = torch.randint(0, len(lines), (k,))
        across = torch.randint(-(window // 4), window // 4 + 1, (k,))
        for j, (i, a) in enumerate(zip(range(n - k, n), pick.tolist(), strict=True)):
            axis, v = lines[a]
            corners[i, axis] = round(v) - window // 2 + int(across[j])
    return corners


def _paper_outside(images: Tensor, corners: Tensor, size_px: tuple[int, int]) -> Tensor:
    """White where a window ``(N, 3, s, s)`` sticks out of the canvas: strokes beyond the
    viewBox are clipped in every export, so the network must not see them either."""
    s = images.shape[-1]
    r = torch.arange(s)
    xs, ys = corners[:, :1] + r, corners[:, 1:] + r  # (N, s)
    inside = (((ys >= 0) & (ys < size_px[1]))[:, :, None]
              & ((xs >= 0) & (xs < size_px[0]))[:, None, :])
    return torch.where(inside[:, None].to(images.device), images, 1.0)


def _cut_windows(renders: Tensor, corners: Tensor, window: int, views: int) -> Tensor:
    """Windows ``(B * V, 3, s, s)`` cut from full renders ``(B, 3, H, W)``, paper outside."""
    padded = F.pad(renders, [window] * 4, value=1.0)
    return torch.stack([padded[i // views, :, y + window:y + 2 * window, x + window:x + 2 * window]
                        for i, (x, y) in enumerate(corners.tolist())])


def window_views(size_px: tuple[int, int], view_maker: Callable[[Tensor], Tensor], views: int,
                 view_size: int, seams: tuple[Sequence[float], Sequence[float]] = ((), ()),
                 seam_frac: float = 0.0) -> ViewFn:
    """Score random windows of a large canvas rendered at ``size_px``.

    Each call samples ``views`` windows per drawing, renders them in one batch
    (:func:`crop_drawing`), whitens what lies off the canvas and applies
    ``view_maker``. When the windows would cover more pixels than the canvas has (a
    small canvas), the canvas is rendered once and the windows cut from it instead:
    the same pixels (to float rounding), less work. ``seams`` (tile borders in
    pixels) and ``seam_frac`` bias the windows toward the borders
    (:func:`_sample_corners`). Returns
    ``(views (B * V, 3, s, s), overview (B, 3, h, w))``.
    """
    window = math.ceil(view_size * _WINDOW_MARGIN)
    whole = views * window**2 >= size_px[0] * size_px[1]

    def view_fn(drawings: list[Drawing]) -> tuple[Tensor, Tensor]:
        cw, ch = drawings[0].size
        sx, sy = size_px[0] / cw, size_px[1] / ch
        if seam_frac:  # every drawing gets its share of seam windows
            corners = torch.cat([_sample_corners(size_px, window, views, seams, seam_frac)
                                 for _ in drawings])
        else:
            corners = _sample_corners(size_px, window, views * len(drawings))
        if whole:
            windows = _cut_windows(render(drawings, *size_px), corners, window, views)
        else:
            crops = [crop_drawing(d, (x / sx, y / sy, window / sx, window / sy),
                                  reach=1.5 / min(sx, sy))
                     for i, d in enumerate(drawings)
                     for x, y in corners[i * views:(i + 1) * views].tolist()]
            windows = _paper_outside(render(crops, window, window), corners, size_px)
        long_w = cw >= ch
        overview = render(drawings, view_size if long_w else None,
                          None if long_w else view_size)
        return view_maker(windows), overview
    return view_fn



@torch.no_grad()
def window_loss(drawing: Drawing, objective: Objective, size: int | Sequence[int], *,
                views: int = 16, view_size: int | None = None,
                augment: str | Callable[[Tensor], Tensor] | None = "seed", seed: int = 0
                ) -> float:
    """The objective of a large drawing as :func:`~vecdream.dream.large.upscale` scores it,
    with windows and augmentations fixed by ``seed``: the same seed gives the same views,
    so the number compares drawings of one canvas (e.g. before and after a finetune)."""
    view_size = view_size or resolve_objective(None, None, objective)[1]
    size_px = pixel_size(drawing.size, size)
    view_fn = window_views(size_px, make_views(augment, view_size), views, view_size)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        crops, overview = view_fn([drawing])
        return float(objective(DreamContext(crops, overview, [drawing], objective.needs)))

