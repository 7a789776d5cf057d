"""Exact-area layers on the tile grid: fills, outlined strokes and clip masks.

Everything covered by exact area (:mod:`vecdream.render.fill`) rather than by the
distance field goes through :func:`area_entries`: a region's edges are paired with the
tiles of its bounding box and each (layer, tile) entry gets its pixels' ink.
:func:`clip_mask` runs clip paths through the same machinery and turns their coverage
into per-entry masks (:func:`~vecdream.render.compose.clip_masks`). Kept apart from
:mod:`~.raster`, which only routes layers here and merges the result with the strokes.
"""

from __future__ import annotations

import torch
from torch import Tensor

from vecdream.render.compose import clip_masks, lookup
from vecdream.render.fill import region_coverage, rule_coverage
from vecdream.render.flatten import bezier_lines
from vecdream.render.grid import Grid, expand_tiles, tile_pixels, tile_ranges

__all__ = ["area_entries", "clip_mask"]


def area_entries(a: Tensor, b: Tensor, layer: Tensor, evenodd_layer: Tensor,
                 layer_image: Tensor, grid: Grid) -> tuple[Tensor, Tensor, Tensor]:
    """Exact-area coverage of the tiles of regions (one per distinct layer).

    Args:
        a, b: ``(L, 2)`` region edges in pixels; layer: ``(L,)`` layer id of each edge.
        evenodd_layer, layer_image: per layer id, the fill rule and the image.

    Returns:
        (layer, global tile, coverage ``(E, tile*tile)``) of every entry.
    """
    device, dtype = a.device, a.dtype
    with torch.no_grad():
        layers, region = torch.unique(layer, return_inverse=True)
        n = layers.shape[0]
        big = torch.full((n, 2), float("inf"), device=device, dtype=dtype)
        idx = region[:, None].expand(-1, 2)
        lo = big.scatter_reduce(0, idx, torch.minimum(a, b).detach(), "amin")
        hi = (-big).scatter_reduce(0, idx, torch.maximum(a, b).detach(), "amax")
        tx0, ty0, nx, ny = tile_ranges(lo - 0.5, hi + 0.5, grid)
        e_region, etx, ety = expand_tiles(tx0, ty0, nx, ny)
        t = grid.tile
        box = torch.stack([tx0 * t, ty0 * t, (tx0 + nx) * t, (ty0 + ny) * t], 1)
        e_layer = layers[e_region]
        e_tile = layer_image[e_layer] * grid.tiles_per_image + ety * grid.tiles_x + etx
        px, py = tile_pixels(e_tile, grid, dtype)
    acc = region_coverage(a, b, region, box, e_region, px - 0.5, py - 0.5)
    return e_layer, e_tile, rule_coverage(acc, evenodd_layer[e_layer][:, None])


def clip_mask(style: dict[str, Tensor], entry_path: Tensor, entry_tile: Tensor, grid: Grid,
              tolerance: float) -> Tensor:
    """``(U, K)`` clip mask of every entry (1 for paths without a clip)."""
    lines = bezier_lines(style["clip_points"], style["clip_n_segments"], tolerance=tolerance,
                         max_length=float(grid.tile))
    shape = style["clip_contour_shape"][lines.contour]
    n_tiles = grid.tiles_per_image * (int(style["clip_shape_image"].max()) + 1
                                      if style["clip_shape_image"].shape[0] else 1)
    n_tiles = max(n_tiles, int(entry_tile.max()) + 1 if entry_tile.shape[0] else 1)
    k = grid.tile * grid.tile
    if shape.shape[0]:
        e_shape, e_tile, e_cov = area_entries(lines.a, lines.b, shape,
                                              style["clip_shape_evenodd"],
                                              style["clip_shape_image"], grid)
        keys, masks = clip_masks(style["clip_shape_clip"], e_shape, e_tile, e_cov,
                                 style["clip_parent"], n_tiles)
    else:
        keys = entry_tile.new_zeros(0)
        masks = style["clip_points"].new_zeros(0, k)
    clip = style["clip"][entry_path]
    mask = lookup(keys, masks, clip.clamp_min(0) * n_tiles + entry_tile)
    return torch.where((clip >= 0)[:, None], mask, 1.0)
