"""The tile grid of the rasterizer: tile ranges of boxes, pairing pieces with tiles.

Work is culled to ``tile x tile`` pixel tiles: each line piece (or filled region) is
paired only with the tiles it can reach, so cost grows with the covered area.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch import Tensor

__all__ = ["AA_REACH", "Grid", "bin_pieces", "drop_covered", "expand_tiles", "pixel_offsets",
           "segment_distance", "tile_origin", "tile_pixels", "tile_ranges"]

# Half of the pixel diagonal: farther than this (beyond the stroke's half width) a
# pixel's box filter cannot touch the edge.
AA_REACH = math.sqrt(2.0) / 2
_EPS = 1.0e-12


class Grid(NamedTuple):
    """Output size and the tiling of a batch of images (all the same size)."""

    height: int
    width: int
    tile: int
    tiles_x: int
    tiles_y: int

    @property
    def tiles_per_image(self) -> int:
        return self.tiles_x * self.tiles_y


def tile_ranges(lo: Tensor, hi: Tensor, grid: Grid) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Tiles whose pixel centres fall in boxes ``[lo, hi]`` (pixels, ``(N, 2)``).

    Returns first tile x/y and tile counts x/y, each ``(N,)`` long (counts may be 0).
    """
    limit = torch.tensor([grid.width - 1, grid.height - 1], device=lo.device)
    first = torch.ceil(lo - 0.5).clamp(-1, 1 << 40).long().minimum(limit + 1).clamp_min(0)
    last = torch.floor(hi - 0.5).clamp(-1, 1 << 40).long().minimum(limit)
    t0 = torch.div(first, grid.tile, rounding_mode="floor")
    t1 = torch.div(last, grid.tile, rounding_mode="floor")
    count = torch.where(last >= first, t1 - t0 + 1, torch.zeros_like(t0))
    return t0[:, 0], t0[:, 1], count[:, 0], count[:, 1]


def expand_tiles(tx0: Tensor, ty0: Tensor, nx: Tensor, ny: Tensor
                  ) -> tuple[Tensor, Tensor, Tensor]:
    """All tiles of each box: returns (box index, tile x, tile y), each ``(M,)``."""
    count = nx * ny
    box = torch.repeat_interleave(torch.arange(count.shape[0], device=count.device), count)
    k = torch.arange(box.shape[0], device=count.device) - (torch.cumsum(count, 0) - count)[box]
    nxb = nx[box]
    return box, tx0[box] + k % nxb, ty0[box] + torch.div(k, nxb, rounding_mode="floor")


def segment_distance(p: Tensor, a: Tensor, b: Tensor) -> Tensor:
    """Distance of points ``p`` to segments ``a b``, all ``(N, 2)``: ``(N,)``."""
    pa, ba = p - a, b - a
    h = ((pa * ba).sum(1) / (ba * ba).sum(1).clamp_min(_EPS)).clamp(0, 1)
    return (pa - h[:, None] * ba).norm(dim=1)


def bin_pieces(a: Tensor, b: Tensor, reach: Tensor, image: Tensor, grid: Grid
                ) -> tuple[Tensor, Tensor]:
    """Pair line pieces with the tiles they can reach (``reach`` pixels around them).

    Returns (piece index, global tile index), each ``(M,)`` long.
    """
    with torch.no_grad():
        r = reach[:, None]
        tx0, ty0, nx, ny = tile_ranges(torch.minimum(a, b) - r, torch.maximum(a, b) + r, grid)
        piece, tx, ty = expand_tiles(tx0, ty0, nx, ny)
        # Drop tiles of the bounding box that the piece's capsule misses.
        half = grid.tile / 2
        centre = torch.stack([tx, ty], 1).to(a.dtype) * grid.tile + half
        dist = segment_distance(centre, a[piece], b[piece])
        keep = dist <= reach[piece] + half * math.sqrt(2.0) + 1e-3
        tile = image[piece] * grid.tiles_per_image + ty * grid.tiles_x + tx
        return piece[keep], tile[keep]


def tile_pixels(tile: Tensor, grid: Grid, dtype: torch.dtype) -> tuple[Tensor, Tensor]:
    """Pixel-centre coordinates of the given global tiles, each ``(M, tile*tile)``."""
    centres = tile_origin(tile, grid, dtype)[:, None, :] + pixel_offsets(grid, dtype, tile.device)
    return centres[..., 0], centres[..., 1]


def tile_origin(tile: Tensor, grid: Grid, dtype: torch.dtype) -> Tensor:
    """Centre of the first pixel of the given global tiles, ``(M, 2)``."""
    local = tile % grid.tiles_per_image
    ox = (local % grid.tiles_x) * grid.tile
    oy = torch.div(local, grid.tiles_x, rounding_mode="floor") * grid.tile
    return torch.stack([ox, oy], 1).to(dtype) + 0.5


def pixel_offsets(grid: Grid, dtype: torch.dtype, device: torch.device) -> Tensor:
    """Pixel centres of a tile relative to its first one, ``(tile*tile, 2)``, in the
    order of :func:`tile_pixels` (row by row)."""
    r = torch.arange(grid.tile, device=device, dtype=dtype)
    return torch.stack([r.repeat(grid.tile), r.repeat_interleave(grid.tile)], 1)


def drop_covered(a: Tensor, b: Tensor, half_width: Tensor, origin: Tensor, key: Tensor,
                 eligible: Tensor, tile: int) -> Tensor | None:
    """Pairs to keep where one piece already covers a whole tile of its layer.

    A tile whose every pixel centre lies within ``r - 1/2`` of a piece is fully inked by
    that piece (the box filter gives 1, with zero gradient), whatever the layer's other
    pieces do there: one such pair stands for the (layer, tile) and the others go. For
    strokes wider than the canvas this turns millions of pairs into one per tile.

    Args:
        a, b: ``(N, 2)`` each pair's piece; half_width: ``(N,)``; origin: ``(N, 2)`` the
            tile's first pixel centre; key: ``(N,)`` (layer, tile) of each pair;
            eligible: ``(N,)`` pairs that may stand for their tile (no cut applies).

    Returns:
        ``(N,)`` bool mask of the pairs to keep, or None when no tile is covered.
    """
    span = float(tile - 1)
    # Distance to a segment is convex: the tile's corner pixel centres bound it.
    far = torch.stack([segment_distance(origin + origin.new_tensor([dx, dy]), a, b)
                       for dx in (0.0, span) for dy in (0.0, span)]).amax(0)
    full = eligible & (far + 0.5 <= half_width)
    if not bool(full.any()):
        return None
    covered, first = torch.unique(key[full], return_inverse=True)
    where = torch.nonzero(full).squeeze(1)
    stand = torch.full((covered.shape[0],), key.shape[0], dtype=torch.long,
                       device=key.device).scatter_reduce(0, first, where, "amin")
    keep = ~torch.isin(key, covered)
    keep[stand] = True
    return keep
