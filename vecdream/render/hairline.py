"""Hairlines: strokes thinner than a pixel, covered column by column, run by run.

A stroke at most ``HAIRLINE_WIDTH`` pixels wide covers a pixel by its width times the
length of centre line that the pixel's box filter sees, so it needs no distance field:
:mod:`~.columns` walks each line piece one pixel column at a time. Work grows with the
ink's length in pixels, not with (piece, tile) pairs times a tile's pixels, so plotter
files (thousands of thin lines at preview size) render many times faster than on the
tile route.

Consecutive hairline paths that share image, solid paint, clip and group form a *run*:
their layers composite "over" as a sum of ``log(1 - alpha)`` in one buffer, and the
run becomes one layer entry per tile for :mod:`~.compose`, at its last path's stroke
layer. Where stroke colours take gradients every path is its own run, so each colour
gets its own share. (The end columns of pieces add up linearly within a run, see
:func:`~.columns.accumulate`: two same-coloured paths ending in one pixel are a union
there, not "over", a difference of the product of two sub-pixel inks.)

Left out, being a fraction of a pixel's ink: joins (a round join's wedge, a miter's
tip). Caps lengthen the end pieces by the cap's area over the width.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch import Tensor

from vecdream.drawing_fields import CAP_ROUND, CAP_SQUARE
from vecdream.render.columns import COLUMNS, MARGIN, OPAQUE, accumulate, column_walk
from vecdream.render.flatten import bezier_lines
from vecdream.render.grid import Grid

__all__ = ["HAIRLINE_WIDTH", "Pieces", "Runs", "hairline_entries", "hairline_pieces",
           "hairline_runs"]

# The widest stroke whose ink per column, w * sqrt(1 + m^2), never exceeds one pixel.
HAIRLINE_WIDTH = math.sqrt(0.5)
_BUFFER = 1 << 24  # most buffer pixels per pass (exact pixel indices in float32)


class Runs(NamedTuple):
    """Hairline runs: ``run (P,)`` long (-1: not a hairline), ``last (R,)`` last path."""

    run: Tensor
    last: Tensor


def hairline_runs(widths: Tensor, stroke: Tensor, stroke_on: Tensor, fill_on: Tensor,
                  outlined: Tensor, path_image: Tensor, style: dict[str, Tensor]) -> Runs:
    """Which paths' strokes are hairlines, grouped into runs (see the module's notes).

    Args:
        widths: ``(P,)`` pixels; stroke: ``(P, 4)``; stroke_on, fill_on, outlined,
            path_image: ``(P,)``; style: the renderer's optional fields (paint, clip,
            group decide what may share a run).
    """
    with torch.no_grad():
        hair = stroke_on & ~outlined & (widths <= HAIRLINE_WIDTH)
        if "stroke_paint" in style:
            hair = hair & (style["stroke_paint"] < 0)
        n = hair.shape[0]
        if not bool(hair.any()):
            return Runs(torch.full_like(path_image, -1), path_image.new_zeros(0))
        new = torch.ones_like(hair)
        if not stroke.requires_grad and n > 1:
            same = (stroke[1:] == stroke[:-1]).all(1) & (path_image[1:] == path_image[:-1])
            for name in ("clip", "group"):
                if name in style:
                    same = same & (style[name][1:] == style[name][:-1])
            new[1:] = ~(same & hair[:-1] & ~fill_on[1:])
        start = hair & new
        run = torch.cumsum(start.long(), 0) - 1
        run = torch.where(hair, run, -1)
        n_runs = int(start.sum())
        last = torch.zeros(n_runs, dtype=torch.long, device=hair.device).scatter_reduce(
            0, run[hair], torch.arange(n, device=hair.device)[hair], "amax")
    return Runs(run, last)


def _clip_to_canvas(a: Tensor, b: Tensor, width: float, height: float
                    ) -> tuple[Tensor, Tensor, Tensor]:
    """Liang–Barsky: the part of each piece inside ``[-1, width + 1] x [-1, height + 1]``.

    A pixel beyond the image keeps the cut end columns out of it (an end column adds up
    differently from a whole one). Returns the clipped ends and the pieces kept.
    """
    d = b - a
    hi = a.new_tensor([width + 1.0, height + 1.0])
    with torch.no_grad():
        t0, t1 = torch.zeros_like(d[:, 0]), torch.ones_like(d[:, 0])
        for axis in range(2):
            p, q = d[:, axis], a[:, axis]
            inv = 1 / torch.where(p == 0, 1.0, p)
            lo_t, hi_t = (-1 - q) * inv, (hi[axis] - q) * inv
            enter, leave = torch.minimum(lo_t, hi_t), torch.maximum(lo_t, hi_t)
            inside = (q >= -1) & (q <= hi[axis])
            t0 = torch.where(p == 0, torch.where(inside, t0, 2.0), torch.maximum(t0, enter))
            t1 = torch.where(p == 0, torch.where(inside, t1, -1.0), torch.minimum(t1, leave))
        keep = torch.nonzero(t1 > t0).squeeze(1)
    return a[keep] + t0[keep, None] * d[keep], a[keep] + t1[keep, None] * d[keep], keep


def _cap_extension(cap: Tensor | None, half_width: Tensor) -> Tensor:
    """Length added at each open end: the cap's area over the stroke's width."""
    if cap is None:
        cap = torch.full_like(half_width, CAP_ROUND, dtype=torch.long)
    return torch.where(cap == CAP_ROUND, math.pi / 4 * half_width,
                       torch.where(cap == CAP_SQUARE, half_width, 0.0))


class Pieces(NamedTuple):
    """Hairline pieces in drawing order: ``a, b (N, 2)`` px, ``path (N,)`` and ``after
    (N,)``, the piece drawn next in the same contour (the vertex they share), -1 at an
    open end."""

    a: Tensor
    b: Tensor
    path: Tensor
    after: Tensor


def _following(contour: Tensor, closed: Tensor) -> Tensor:
    """For pieces sorted by contour, the next piece of each contour (cyclic if closed)."""
    n = contour.shape[0]
    pos = torch.arange(n, device=contour.device)
    start = torch.ones(n, dtype=torch.bool, device=contour.device)
    start[1:] = contour[1:] != contour[:-1]
    first_of = torch.cummax(torch.where(start, pos, 0), 0).values
    end = torch.ones_like(start)
    end[:-1] = start[1:]
    return torch.where(~end, pos + 1, torch.where(closed[contour], first_of, -1))


def hairline_pieces(points: Tensor, n_segments: Tensor, contour_path: Tensor,
                    closed: Tensor, contours: Tensor, half_width: Tensor,
                    cap: Tensor | None, tolerance: float) -> Pieces:
    """The pieces of ``contours`` (sorted by path), open ends lengthened by their caps.

    Zero-length pieces are dropped (a dot is its two caps, along x).
    """
    lines = bezier_lines(points[contours], n_segments[contours], tolerance=tolerance,
                         max_length=float("inf"))
    with torch.no_grad():
        contour = contours[lines.contour]
        drawn = torch.nonzero(~lines.closing | closed[contour]).squeeze(1)
        # Drawing order: by path, contour, the segments' pieces, then the closing one.
        drawn = drawn[torch.argsort(contour[drawn] * 2 + lines.closing[drawn].long(),
                                    stable=True)]
        drawn = drawn[torch.argsort(contour_path[contour[drawn]], stable=True)]
        c = contour[drawn]
        open_end = ~closed[c]
        first, last = open_end.clone(), open_end.clone()
        first[1:] &= c[1:] != c[:-1]
        last[:-1] &= c[:-1] != c[1:]
    a, b = lines.a[drawn], lines.b[drawn]
    path = contour_path[c]
    if bool(first.any()):
        d = b - a
        norm = d.norm(dim=1, keepdim=True)
        unit = torch.where(norm > 1e-9, d / norm.clamp_min(1e-9), d.new_tensor([1.0, 0.0]))
        ext = _cap_extension(cap[path] if cap is not None else None, half_width[path])
        a = a - (first * ext)[:, None] * unit
        b = b + (last * ext)[:, None] * unit
    with torch.no_grad():
        kept = torch.nonzero((b - a).abs().amax(1) > 0).squeeze(1)
    return Pieces(a[kept], b[kept], path[kept], _following(c[kept], closed))


def _clip(pieces: Pieces, width: float, height: float) -> Pieces:
    """The pieces cut to the canvas and a pixel around it; ``after`` follows."""
    a, b, keep = _clip_to_canvas(pieces.a, pieces.b, width, height)
    with torch.no_grad():
        new = torch.full_like(pieces.after, -1)
        new[keep] = torch.arange(keep.shape[0], device=keep.device)
        after = pieces.after[keep]
        after = torch.where(after >= 0, new[after.clamp_min(0)], -1)
    return Pieces(a, b, pieces.path[keep], after)


def hairline_entries(points: Tensor, n_segments: Tensor, contour_path: Tensor,
                     closed: Tensor, runs: Runs, widths: Tensor, stroke: Tensor,
                     path_image: Tensor, grid: Grid, tolerance: float,
                     cap: Tensor | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """One layer entry per (run, tile) that the runs' hairlines reach.

    Args:
        points: ``(C, 3S+1, 2)`` pixels; n_segments, contour_path, closed: ``(C,)``.
        runs: from :func:`hairline_runs`; widths ``(P,)`` px; stroke ``(P, 4)``.
        path_image: ``(P,)``; cap: ``(P,)`` cap codes (None: round).

    Returns:
        (layer ``(E,)``, global tile ``(E,)``, coverage ``(E, tile*tile)``): the run's
        alpha over its last path's stroke alpha, at that path's stroke layer.
    """
    dtype = points.dtype
    k2 = grid.tile * grid.tile
    contours = torch.nonzero(runs.run[contour_path] >= 0).squeeze(1)
    pieces = _clip(hairline_pieces(points, n_segments, contour_path, closed, contours,
                                   widths / 2, cap, tolerance), grid.width, grid.height)
    empty = (pieces.path.new_zeros(0), pieces.path.new_zeros(0), points.new_zeros(0, k2))
    if pieces.path.shape[0] == 0:
        return empty
    walk = column_walk(pieces.a, pieces.b, pieces.path, widths, stroke[:, 3], runs.run, grid)
    hp, wp = grid.tiles_y * grid.tile, grid.tiles_x * grid.tile
    plane = (hp + 2 * MARGIN) * (wp + 2 * MARGIN)
    slack = (COLUMNS + 2 * MARGIN) * (max(hp, wp) + 2 * MARGIN)
    per_pass = max(1, (_BUFFER - slack) // plane)
    n_runs = runs.last.shape[0]
    layers, tiles, covers = [], [], []
    for lo in range(0, n_runs, per_pass):
        hi = min(n_runs, lo + per_pass)
        sums = accumulate(walk, pieces.after, lo, hi, plane, slack, hp, wp)
        entries = _run_tiles(sums, grid)
        if entries is None:
            continue
        slot, tile, alpha = entries
        last = runs.last[lo + slot]
        layers.append(2 * last + 1)
        tiles.append(path_image[last] * grid.tiles_per_image + tile)
        covers.append(alpha / stroke[last, 3:4])
    if not layers:
        return empty
    return torch.cat(layers), torch.cat(tiles), torch.cat(covers).to(dtype)


def _run_tiles(sums: Tensor, grid: Grid) -> tuple[Tensor, Tensor, Tensor] | None:
    """(slot, tile within the image, alpha ``(E, tile*tile)``) of the tiles with ink."""
    n, t = sums.shape[0], grid.tile
    tiled = sums.reshape(n, grid.tiles_y, t, grid.tiles_x, t).permute(0, 1, 3, 2, 4)
    tiled = tiled.reshape(n, grid.tiles_per_image, t * t)
    with torch.no_grad():
        slot, tile = torch.nonzero((tiled < 0).any(2), as_tuple=True)
    if slot.shape[0] == 0:
        return None
    # Past 1 - 1e-6 the run is opaque (compose would take log(0)); its gradient is < 1e-6.
    return slot, tile, -torch.expm1(tiled[slot, tile].clamp(min=math.log(1 - OPAQUE)))
