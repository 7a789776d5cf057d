"""Applying the distance route's caps and joins to (piece, tile) pairs.

:mod:`~.caps` builds the cut planes and join polygons of a styled stroke once per
render (:class:`~.caps.DistanceStyle`); this module is what the rasterizer does with
them per pair: which pairs need a cut (:func:`cut_sides`), the join polygons' tiles
(:func:`join_tiles`), and the cut distances ``max(d, r - s)`` plus the polygons'
``(r + sdf)^2`` (:func:`styled_distance`, :func:`polygon_distance`). Kept apart from
:mod:`~.caps`: this is per-pixel work on the tile grid, that is geometry on the
contours. Convention: pixels; ``r`` is the half width.
"""

from __future__ import annotations

import torch
from torch import Tensor

from vecdream.render.caps import DistanceStyle
from vecdream.render.grid import AA_REACH, Grid, expand_tiles, tile_pixels, tile_ranges

__all__ = ["cut_sides", "join_tiles", "polygon_distance", "styled_distance"]


def polygon_distance(polys: Tensor, px: Tensor, py: Tensor) -> Tensor:
    """Signed distance (negative inside) of pixels to convex polygons.

    Args:
        polys: ``(N, V, 2)`` convex polygons, either orientation.
        px, py: ``(N, K)`` pixel centres.

    Returns:
        ``(N, K)``: inside, the largest signed distance to the edge lines (exact for a
        convex polygon); outside, the distance to the nearest edge. The edge lines alone
        under-estimate it badly past a sharp corner (a miter tip of a few degrees reads
        as ink pixels away, and how far depends on which tiles were paired with it).
    """
    nxt = polys.roll(-1, 1)
    with torch.no_grad():
        area = (polys[..., 0] * nxt[..., 1] - nxt[..., 0] * polys[..., 1]).sum(1)
        sign = torch.where(area < 0, -1.0, 1.0).to(polys.dtype)[:, None]
    edge = nxt - polys
    length2 = (edge * edge).sum(-1).clamp_min(1e-24)
    length = length2.sqrt()
    # Outward normal of a counter-clockwise (positive area, y down: clockwise) polygon.
    nx, ny = sign * edge[..., 1] / length, -sign * edge[..., 0] / length
    off = nx * polys[..., 0] + ny * polys[..., 1]
    line = (px[:, None, :] * nx[..., None] + py[:, None, :] * ny[..., None]
            - off[..., None]).amax(1)
    # (N, V, K): pixel relative to each edge's start, projected onto the edge.
    rx = px[:, None, :] - polys[..., 0, None]
    ry = py[:, None, :] - polys[..., 1, None]
    h = ((rx * edge[..., 0, None] + ry * edge[..., 1, None]) / length2[..., None]).clamp(0, 1)
    ex, ey = rx - h * edge[..., 0, None], ry - h * edge[..., 1, None]
    nearest = (ex * ex + ey * ey).amin(1)
    outside = line > 0
    return torch.where(outside, torch.sqrt(torch.where(outside, nearest, 1.0) + 1e-24), line)


def cut_sides(style: DistanceStyle, piece: Tensor, origin: Tensor, tile: int,
              half_width: Tensor) -> Tensor:
    """Which cuts can change a (piece, tile) pair's pixels, ``(2, N)`` bool.

    A pair needs its piece's cut only when some pixel centre of the tile lies less than
    ``r`` past the plane into the stroke (``r - s > 0`` there); tiles wholly farther in
    skip the work.

    Args:
        piece: ``(N,)`` piece of every pair; origin: ``(N, 2)`` centre of the tile's
            first pixel; half_width: ``(N,)`` the pair's path's half width.
    """
    if style.cut_point.shape[0] == 0:
        return torch.zeros(2, piece.shape[0], dtype=torch.bool, device=piece.device)
    needed = []
    for side in (0, 1):
        row = style.cut_of[side][piece]
        point, normal = style.cut_point[row.clamp_min(0)], style.cut_dir[row.clamp_min(0)]
        past = ((origin - point) * normal).sum(1) + (tile - 1) * (
            normal.clamp(max=0).sum(1))  # the tile's least advanced pixel centre
        needed.append((row >= 0) & (past < half_width))
    return torch.stack(needed)


def join_tiles(caps: DistanceStyle | None, path_image: Tensor, grid: Grid
               ) -> tuple[Tensor, Tensor]:
    """(miter quad, global tile) pairs of the distance route's joins."""
    if caps is None or caps.join_polys.shape[0] == 0:
        empty = torch.zeros(0, dtype=torch.long, device=path_image.device)
        return empty, empty
    with torch.no_grad():
        polys = caps.join_polys.detach()
        tx0, ty0, nx, ny = tile_ranges(polys.amin(1) - AA_REACH, polys.amax(1) + AA_REACH,
                                       grid)
        j_idx, tx, ty = expand_tiles(tx0, ty0, nx, ny)
        tile = path_image[caps.join_path[j_idx]] * grid.tiles_per_image + ty * grid.tiles_x + tx
    return j_idx, tile


def _cut(dist2: Tensor, caps: DistanceStyle, side: Tensor, piece: Tensor, origin: Tensor,
         offsets: Tensor, half_width: Tensor) -> Tensor:
    """``max(d, r - s)^2`` for pairs ``(M, K)``, each cut by the plane of its ``side``."""
    row = torch.where(side, caps.cut_of[1][piece], caps.cut_of[0][piece])
    point, normal = caps.cut_point[row], caps.cut_dir[row]
    past = (((origin - point) * normal).sum(1, keepdim=True)
            + offsets[:, 0] * normal[:, 0:1] + offsets[:, 1] * normal[:, 1:2])
    return torch.maximum(dist2, (half_width[:, None] - past).clamp_min(0) ** 2)


def styled_distance(dist2: Tensor, caps: DistanceStyle, piece: Tensor, sides: Tensor,
                    n_uncut: int, origin: Tensor, offsets: Tensor, half_width: Tensor,
                    j_idx: Tensor, j_tile: Tensor, grid: Grid) -> Tensor:
    """Squared piece distances ``(N, K)`` (the pairs from ``n_uncut`` on need a cut,
    ``sides (2, N)`` says which) with the cuts of caps and sharp joins
    (``max(d, r - s)``), followed by the join polygons' ``(r + sdf)^2`` ``(Nj, K)``,
    ready for the scatter-min."""
    parts = [dist2[:n_uncut]]
    if n_uncut < dist2.shape[0]:
        rest = slice(n_uncut, None)
        need = sides[:, rest]
        # One plane per pair (the end one where the start one is not needed), then the
        # few pairs near both planes (short pieces between close cut points) again.
        tail = _cut(dist2[rest], caps, ~need[0], piece[rest], origin[rest], offsets,
                    half_width[rest])
        both = torch.nonzero(need[0] & need[1]).squeeze(1)
        if both.shape[0]:
            again = _cut(tail[both], caps, torch.ones_like(both, dtype=torch.bool),
                         piece[rest][both], origin[rest][both], offsets, half_width[rest][both])
            tail = tail.index_put((both,), again)
        parts.append(tail)
    if j_idx.shape[0]:
        jx, jy = tile_pixels(j_tile, grid, dist2.dtype)
        r = caps.join_half_width[j_idx][:, None]
        sdf = polygon_distance(caps.join_polys[j_idx], jx, jy)
        parts.append((sdf + r).clamp_min(0) ** 2)
    return torch.cat(parts) if len(parts) > 1 else dist2
