"""Objectives read from the drawing itself, not a network: ink length, widths, colours,
bending. Regularizers, added to a network objective with a weight."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.objectives.core import DreamContext, Objective
from vecdream.render.flatten import sample_segments

__all__ = ["bending", "contour_lengths", "folds", "grayscale", "ink_length", "overdraw",
           "palette", "turning", "width_l1", "xing"]


def contour_lengths(d: Drawing, samples: int = 8) -> Tensor:
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
            contour_lengths(d).sum() / (d.size[0] ** 2 + d.size[1] ** 2) ** 0.5
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


def turning(d: Drawing, samples: int = 8) -> tuple[Tensor, Tensor]:
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


def _mean_over_drawings(ctx: DreamContext, term) -> Tensor:
    """``term(drawing)`` averaged over the step's drawings; 0 (with a gradient path) for
    a drawing without a single segment."""
    return torch.stack([
        d.points.sum() * 0 if d.points.shape[1] < 4 or d.points.shape[0] == 0 else term(d)
        for d in ctx.drawings]).mean()


def _bending_energy(d: Drawing) -> Tensor:
    energy, used = turning(d)
    return (energy * used).sum(1).mean()


def bending() -> Objective:
    """Bending energy: mean over strokes of the summed ``1 - cos(turn)`` along each stroke
    (8 samples per segment). Straight strokes score 0, an arc of total turn ``θ`` about
    ``θ² / 48``, a loop or a cusp far more: it unties the knots of a random start."""
    return Objective(lambda ctx: _mean_over_drawings(ctx, _bending_energy), "bending")


def folds(d: Drawing) -> tuple[Tensor, Tensor]:
    """How much each cubic's control polygon turns both ways, ``(C, S)`` in [0, 1], and
    the mask of used segments.

    Per cubic ``p0..p3`` with ``sin θ1`` the turn at ``p1`` and ``sin θ2`` the turn at
    ``p2``: ``relu(-sin θ1 · sin θ2)``, 0 for a C- or J-shaped cubic, up to 1 for an S
    whose two turns are right angles (LIVE's "Xing" condition, made smooth).
    """
    s = (d.points.shape[1] - 1) // 3
    idx = torch.arange(s, device=d.device)
    ctrl = torch.stack([d.points[:, 3 * idx + k] for k in range(4)], dim=2)  # (C, S, 4, 2)
    e = ctrl[:, :, 1:] - ctrl[:, :, :-1]  # (C, S, 3, 2)
    norm = e.norm(dim=-1) + 1e-6
    sin = (e[..., :-1, 0] * e[..., 1:, 1] - e[..., :-1, 1] * e[..., 1:, 0]) / (
        norm[..., :-1] * norm[..., 1:])  # (C, S, 2)
    used = idx[None] < d.n_segments[:, None]
    return torch.relu(-sin[..., 0] * sin[..., 1]), used


def xing() -> Objective:
    """Self-intersection ("Xing") penalty: the mean of :func:`folds` over the used cubics
    of every stroke. A cubic that turns both ways is where a stroke starts a curl or a
    cusp; penalizing it keeps strokes C-shaped, as LIVE does."""
    return Objective(lambda ctx: _mean_over_drawings(ctx, _fold_mean), "xing")


def _fold_mean(d: Drawing) -> Tensor:
    fold, used = folds(d)
    return (fold * used).sum() / used.sum().clamp(min=1)


def overdraw(sigma: float = 2.0) -> Objective:
    """Overdraw penalty on the plain renders (calligraph): darkness blurred over
    ``sigma`` pixels, and whatever is darker than a single pass of the drawing's pen
    blurred the same way, penalized (mean over pixels). Parallel strokes that touch and
    knots of strokes score high; one stroke or a clean crossing close to 0."""
    radius = max(1, round(3 * sigma))
    x = torch.arange(-radius, radius + 1, dtype=torch.float32)
    kernel = torch.exp(-x**2 / (2 * sigma**2))
    kernel = kernel / kernel.sum()

    def fn(ctx: DreamContext) -> Tensor:
        ink = 1 - ctx.renders.mean(1, keepdim=True)  # (B, 1, H, W)
        k = kernel.to(ink)
        blur = torch.nn.functional.conv2d(ink, k.view(1, 1, 1, -1), padding=(0, radius))
        blur = torch.nn.functional.conv2d(blur, k.view(1, 1, -1, 1), padding=(radius, 0))
        terms = []
        for b, d in enumerate(ctx.drawings):
            px = ink.shape[-1] / d.size[0]  # pixels per user unit
            w = float(d.widths.detach().median()) * px if len(d) else 1.0
            one_pass = math.erf(w / (2 * math.sqrt(2) * sigma))  # peak of one blurred line
            terms.append(torch.relu(blur[b] - one_pass).mean())
        return torch.stack(terms).mean()
    return Objective(fn, f"overdraw(sigma={sigma:g})")
