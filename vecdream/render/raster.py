"""Tile-culled, anti-aliased, differentiable rasterizer of strokes and fills.

How it works, and why:

* Contours are flattened to short line pieces (:mod:`vecdream.render.flatten`).
* The image is cut into ``tile x tile`` pixel tiles. Each piece is paired only with the
  tiles its stroke can reach, so work grows with the covered area, never with
  ``paths x pixels``.
* Per (piece, tile) pair the distance of each pixel centre to the piece is computed;
  a scatter-min gives, per (tile, layer), the distance to the layer's outline.
  Every path has two layers in SVG paint order: its fill, then its stroke.
* Coverage is the pixel's box filter applied across the edge: for a stroke of
  half-width ``r`` at distance ``d`` it is the overlap of ``[d - 1/2, d + 1/2]`` with
  ``[-r, r]``; for a fill the signed distance ``s`` gives ``clamp(s + 1/2, 0, 1)``.
  Round caps and joins come for free from the distance field. Gradients are smooth.
* Inside/outside for fills comes from an exact integer winding number per pixel
  (nonzero or evenodd), computed by scan-line crossings and a prefix sum restricted
  to the path's bounding box.
* Layers are alpha-composited "over", in path order, per pixel, with a segmented
  product of ``(1 - alpha)`` done as a cumulative sum of logs in float64.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch import Tensor

from vecdream.render.flatten import bezier_lines

__all__ = ["render_paths"]

# Half of the pixel diagonal: farther than this (beyond the stroke's half width) a
# pixel's box filter cannot touch the edge.
_AA_REACH = math.sqrt(2.0) / 2
_FAR = 1.0e6
_EPS = 1.0e-12


def clamp_passing(x: Tensor, lo: float, hi: float) -> Tensor:
    """Clamp whose gradient still flows at the bounds (``torch.clamp`` gives 0 there),
    so black (0) strokes can learn a colour and zero-width strokes can grow."""
    return torch.where(x < lo, lo, torch.where(x > hi, hi, x))


class _PointSegmentDistance(torch.autograd.Function):
    """Distance from pixel centres to line pieces, with a hand-written backward.

    Autograd on the plain formula would store a dozen ``(pairs, pixels)`` tensors;
    the closed-form gradient needs only the nearest-point parameter and the offset.
    """

    @staticmethod
    def forward(ctx, a: Tensor, b: Tensor, px: Tensor, py: Tensor) -> Tensor:
        # a, b: (N, 2); px, py: (N, K) pixel centres. Returns (N, K).
        bax = (b[:, 0] - a[:, 0])[:, None]
        bay = (b[:, 1] - a[:, 1])[:, None]
        pax = px - a[:, 0:1]
        pay = py - a[:, 1:2]
        h = ((pax * bax + pay * bay) / (bax * bax + bay * bay).clamp_min(_EPS)).clamp_(0, 1)
        dx = pax.sub_(h * bax)  # pixel minus nearest point
        dy = pay.sub_(h * bay)
        dist = torch.sqrt(dx * dx + dy * dy + _EPS)
        ctx.save_for_backward(h, dx, dy, dist)
        return dist

    @staticmethod
    def backward(ctx, grad: Tensor):
        h, dx, dy, dist = ctx.saved_tensors
        # d dist / d nearest = -(p - q) / dist; the nearest point q = a + h (b - a) and,
        # h being optimal (or clamped), only its explicit dependence on a and b counts.
        g = grad / dist
        gx, gy = g * dx, g * dy
        grad_b = torch.stack([-(gx * h).sum(1), -(gy * h).sum(1)], dim=1)
        grad_a = torch.stack([-gx.sum(1), -gy.sum(1)], dim=1) - grad_b
        return grad_a, grad_b, None, None


class _Grid(NamedTuple):
    height: int
    width: int
    tile: int
    tiles_x: int
    tiles_y: int

    @property
    def tiles_per_image(self) -> int:
        return self.tiles_x * self.tiles_y


def _tile_ranges(lo: Tensor, hi: Tensor, grid: _Grid) -> tuple[Tensor, Tensor, Tensor, Tensor]:
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


def _expand_tiles(tx0: Tensor, ty0: Tensor, nx: Tensor, ny: Tensor
                  ) -> tuple[Tensor, Tensor, Tensor]:
    """All tiles of each box: returns (box index, tile x, tile y), each ``(M,)``."""
    count = nx * ny
    box = torch.repeat_interleave(torch.arange(count.shape[0], device=count.device), count)
    k = torch.arange(box.shape[0], device=count.device) - (torch.cumsum(count, 0) - count)[box]
    nxb = nx[box]
    return box, tx0[box] + k % nxb, ty0[box] + torch.div(k, nxb, rounding_mode="floor")


def _bin_pieces(a: Tensor, b: Tensor, reach: Tensor, image: Tensor, grid: _Grid
                ) -> tuple[Tensor, Tensor]:
    """Pair line pieces with the tiles they can reach (``reach`` pixels around them).

    Returns (piece index, global tile index), each ``(M,)`` long.
    """
    with torch.no_grad():
        r = reach[:, None]
        tx0, ty0, nx, ny = _tile_ranges(torch.minimum(a, b) - r, torch.maximum(a, b) + r, grid)
        piece, tx, ty = _expand_tiles(tx0, ty0, nx, ny)
        # Drop tiles of the bounding box that the piece's capsule misses.
        half = grid.tile / 2
        centre = torch.stack([tx, ty], 1).to(a.dtype) * grid.tile + half
        pa, ba = centre - a[piece], b[piece] - a[piece]
        h = ((pa * ba).sum(1) / (ba * ba).sum(1).clamp_min(_EPS)).clamp(0, 1)
        dist = (pa - h[:, None] * ba).norm(dim=1)
        keep = dist <= reach[piece] + half * math.sqrt(2.0) + 1e-3
        tile = image[piece] * grid.tiles_per_image + ty * grid.tiles_x + tx
        return piece[keep], tile[keep]


def _tile_pixels(tile: Tensor, grid: _Grid, dtype: torch.dtype) -> tuple[Tensor, Tensor]:
    """Pixel-centre coordinates of the given global tiles, each ``(M, tile*tile)``."""
    local = tile % grid.tiles_per_image
    ox = (local % grid.tiles_x) * grid.tile
    oy = torch.div(local, grid.tiles_x, rounding_mode="floor") * grid.tile
    r = torch.arange(grid.tile, device=tile.device, dtype=dtype) + 0.5
    dx = r.repeat(grid.tile)
    dy = r.repeat_interleave(grid.tile)
    return ox[:, None].to(dtype) + dx, oy[:, None].to(dtype) + dy


def _fill_windings(a: Tensor, b: Tensor, region: Tensor, n_regions: int, entry_region: Tensor,
                   entry_tile: Tensor, grid: _Grid) -> Tensor:
    """Winding numbers of the pixels of fill entries.

    Args:
        a, b: outline pieces of the filled paths in pixels, ``(L, 2)`` (no grad needed).
        region: for every piece, the index of its path's region, ``(L,)``.
        n_regions: number of regions (filled paths).
        entry_region: region of every fill entry, ``(E,)``; regions are the tile-aligned
            bounding boxes given by ``entry_tile``'s min/max per region.
        entry_tile: global tile of every fill entry, ``(E,)``.

    Returns:
        ``(E, tile*tile)`` long winding numbers (ray towards -x, + for downward edges).
    """
    with torch.no_grad():
        device, t = a.device, grid.tile
        local = entry_tile % grid.tiles_per_image
        etx, ety = local % grid.tiles_x, torch.div(local, grid.tiles_x, rounding_mode="floor")
        big = torch.full((n_regions,), 1 << 40, device=device, dtype=torch.long)
        x0 = big.scatter_reduce(0, entry_region, etx, "amin") * t
        y0 = big.scatter_reduce(0, entry_region, ety, "amin") * t
        x1 = (-big).scatter_reduce(0, entry_region, etx, "amax") * t + t
        y1 = (-big).scatter_reduce(0, entry_region, ety, "amax") * t + t
        # Paths with no tile on the canvas get an empty box.
        present = torch.zeros(n_regions, dtype=torch.bool, device=device)
        present[entry_region] = True
        x0, y0, x1, y1 = (torch.where(present, v, 0) for v in (x0, y0, x1, y1))
        stride = x1 - x0 + 1  # one spare column collects crossings right of the box
        offset = torch.cumsum(stride * (y1 - y0), 0) - stride * (y1 - y0)

        # Scan-line crossings: piece i crosses row j when its y-span holds the centre.
        ylo, yhi = torch.minimum(a[:, 1], b[:, 1]), torch.maximum(a[:, 1], b[:, 1])
        ry0 = y0[region].to(a.dtype)
        j0 = torch.ceil(ylo - 0.5 - ry0).clamp(0, 1 << 40).long()
        j1 = (torch.ceil(yhi - 0.5 - ry0) - 1).clamp(-1, 1 << 40).long()
        j1 = torch.minimum(j1, (y1 - y0)[region] - 1)
        count = (j1 - j0 + 1).clamp_min(0)
        piece = torch.repeat_interleave(torch.arange(a.shape[0], device=device), count)
        j = j0[piece] + torch.arange(piece.shape[0], device=device) - (
            torch.cumsum(count, 0) - count)[piece]
        reg = region[piece]
        yc = y0[reg].to(a.dtype) + j.to(a.dtype) + 0.5
        pa, pb = a[piece], b[piece]
        xc = pa[:, 0] + (yc - pa[:, 1]) * (pb[:, 0] - pa[:, 0]) / (pb[:, 1] - pa[:, 1])
        col = (torch.floor(xc - 0.5 - x0[reg].to(a.dtype)) + 1).clamp(0, 1 << 40).long()
        col = torch.minimum(col, stride[reg] - 1)
        direction = torch.where(pb[:, 1] > pa[:, 1], 1, -1)
        total = int((stride * (y1 - y0)).sum())
        delta = torch.zeros(total + 1, dtype=torch.long, device=device)
        delta.index_add_(0, offset[reg] + j * stride[reg] + col + 1, direction)
        prefix = torch.cumsum(delta, 0)

        px, py = _tile_pixels(entry_tile, grid, torch.float64)
        er = entry_region[:, None]
        row = py.long() - y0[er]
        row_start = offset[er] + row * stride[er]
        return prefix[row_start + (px.long() - x0[er]) + 1] - prefix[row_start]


def _coverage_stroke(dist: Tensor, half_width: Tensor) -> Tensor:
    """Box-filtered coverage of a stroke: overlap of ``[d-1/2, d+1/2]`` and ``[-r, r]``."""
    r = half_width[:, None]
    overlap = torch.minimum(dist + 0.5, r) - torch.maximum(dist - 0.5, -r)
    # The overlap of two intervals, one of length 1, is at most 1 but float rounding can
    # exceed it (then log(1 - alpha) is NaN). At exactly 0 the gradient must flow
    # (torch.clamp would stop it) so zero-width strokes can grow.
    return torch.where(overlap < 0, 0.0, overlap.clamp(max=1.0))


def _composite(alpha: Tensor, rgb: Tensor, tile: Tensor, background: Tensor, n_tiles: int,
               ) -> Tensor:
    """Alpha-composite entries sorted by (tile, layer) over the background.

    Args:
        alpha: ``(U, K)`` per-pixel alpha of each entry, in paint order within a tile.
        rgb: ``(U, 3)`` colour of each entry.
        tile: ``(U,)`` global tile of each entry (sorted).
        background: ``(n_tiles, 3)``.

    Returns:
        ``(n_tiles, K, 3)`` composited tiles.
    """
    k = alpha.shape[1]
    out = background[:, None, :].expand(n_tiles, k, 3)
    if alpha.shape[0] == 0:
        return out
    tiles, counts = torch.unique_consecutive(tile, return_counts=True)
    end = torch.cumsum(counts, 0) - 1
    group = torch.repeat_interleave(torch.arange(tiles.shape[0], device=tile.device), counts)
    # Scaling keeps log(1 - alpha) finite for opaque paint without a zero-gradient clamp.
    log_clear = torch.log1p(-alpha * (1 - 1e-6)).double()
    csum = torch.cumsum(log_clear, 0)
    before_group = torch.cat([csum.new_zeros(1, k), csum])[end - counts + 1]
    after = torch.exp(csum[end][group] - csum).to(alpha.dtype)  # transmittance above entry
    clear = torch.exp(csum[end] - before_group).to(alpha.dtype)  # whole tile stack
    paint = (alpha * after)[..., None] * rgb[:, None, :]
    grouped = paint.new_zeros(tiles.shape[0], k, 3).index_add_(0, group, paint)
    grouped = grouped + clear[..., None] * background[tiles][:, None, :]
    return out.index_put((tiles,), grouped)


def render_paths(
    points: Tensor,
    widths: Tensor,
    stroke: Tensor,
    fill: Tensor,
    *,
    height: int,
    width: int,
    n_segments: Tensor,
    closed: Tensor,
    contour_path: Tensor,
    evenodd: Tensor,
    path_image: Tensor,
    background: Tensor,
    tile: int = 8,
    tolerance: float = 0.1,
) -> Tensor:
    """Render paths given in pixel coordinates; the functional core of :func:`render`.

    Args:
        points: ``(C, 3S+1, 2)`` control points in pixels.
        widths: ``(P,)`` stroke widths in pixels.
        stroke: ``(P, 4)`` stroke RGBA; fill: ``(P, 4)`` fill RGBA.
        height, width: output size in pixels.
        n_segments: ``(C,)`` segments used per contour; closed: ``(C,)`` bool.
        contour_path: ``(C,)`` path of every contour; evenodd: ``(P,)`` bool.
        path_image: ``(P,)`` image of every path (for batches), in ``[0, B)``.
        background: ``(B, 3)`` background colour of every image.
        tile: tile side in pixels.
        tolerance: flattening tolerance in pixels.

    Returns:
        ``(B, 3, height, width)`` images.
    """
    device, dtype = points.device, points.dtype
    n_images, n_paths = background.shape[0], widths.shape[0]
    tiles_x, tiles_y = -(-width // tile), -(-height // tile)
    grid = _Grid(height, width, tile, tiles_x, tiles_y)
    lines = bezier_lines(points, n_segments, tolerance=tolerance, max_length=float(tile))
    line_path = contour_path[lines.contour]
    line_image = path_image[line_path]

    # Strokes: one layer per path, id 2p + 1 (drawn over the fill, id 2p).
    with torch.no_grad():
        stroke_on = (stroke[:, 3] > 0) & (widths >= 0)
        fill_on = fill[:, 3] > 0
        s_idx = torch.nonzero(stroke_on[line_path] & (~lines.closing | closed[lines.contour]))
        s_idx = s_idx.squeeze(1)
        f_idx = torch.nonzero(fill_on[line_path]).squeeze(1)
    reach = widths.detach()[line_path[s_idx]] / 2 + _AA_REACH
    s_piece, s_tile = _bin_pieces(lines.a[s_idx], lines.b[s_idx], reach, line_image[s_idx], grid)
    s_piece = s_idx[s_piece]
    f_reach = torch.full((f_idx.shape[0],), _AA_REACH, device=device, dtype=dtype)
    f_piece, f_tile = _bin_pieces(lines.a[f_idx], lines.b[f_idx], f_reach, line_image[f_idx],
                                  grid)
    f_piece = f_idx[f_piece]

    # Fill entries cover every tile of the filled path's bounding box: interior tiles
    # have no outline piece nearby but are painted all the same.
    with torch.no_grad():
        fill_paths = torch.nonzero(fill_on).squeeze(1)
        region_of_path = torch.full((n_paths,), -1, dtype=torch.long, device=device)
        region_of_path[fill_paths] = torch.arange(fill_paths.shape[0], device=device)
        fa, fb = lines.a.detach()[f_idx], lines.b.detach()[f_idx]
        region = region_of_path[line_path[f_idx]]
        big = torch.full((fill_paths.shape[0], 2), float("inf"), device=device, dtype=dtype)
        lo = big.scatter_reduce(0, region[:, None].expand(-1, 2), torch.minimum(fa, fb), "amin")
        hi = (-big).scatter_reduce(0, region[:, None].expand(-1, 2), torch.maximum(fa, fb),
                                   "amax")
        tx0, ty0, nx, ny = _tile_ranges(lo - _AA_REACH, hi + _AA_REACH, grid)
        e_region, etx, ety = _expand_tiles(tx0, ty0, nx, ny)
        e_path = fill_paths[e_region]
        e_tile = path_image[e_path] * grid.tiles_per_image + ety * tiles_x + etx

        n_layers = 2 * n_paths
        keys = torch.cat([
            e_tile * n_layers + 2 * e_path,
            s_tile * n_layers + 2 * line_path[s_piece] + 1,
            f_tile * n_layers + 2 * line_path[f_piece],
        ])
        entries, inverse = torch.unique(keys, return_inverse=True)
        n_e, n_s = e_tile.shape[0], s_tile.shape[0]
        inv_fill, inv_spair, inv_fpair = inverse[:n_e], inverse[n_e:n_e + n_s], inverse[n_e + n_s:]
        entry_tile = torch.div(entries, n_layers, rounding_mode="floor")
        entry_layer = entries % n_layers
        entry_path = torch.div(entry_layer, 2, rounding_mode="floor")

    pair_piece = torch.cat([s_piece, f_piece])
    pair_tile = torch.cat([s_tile, f_tile])
    px, py = _tile_pixels(pair_tile, grid, dtype)
    dist = _PointSegmentDistance.apply(lines.a[pair_piece], lines.b[pair_piece], px, py)
    k = tile * tile
    outline = dist.new_full((entries.shape[0], k), _FAR).scatter_reduce(
        0, torch.cat([inv_spair, inv_fpair])[:, None].expand(-1, k), dist, "amin")

    coverage = outline.new_zeros(outline.shape)
    is_stroke = torch.zeros(entries.shape[0], dtype=torch.bool, device=device)
    is_stroke[inv_spair] = True
    s_entries = torch.nonzero(is_stroke).squeeze(1)
    coverage[s_entries] = _coverage_stroke(outline[s_entries], widths[entry_path[s_entries]] / 2)
    if n_e:
        winding = _fill_windings(fa, fb, region, fill_paths.shape[0], e_region, e_tile, grid)
        inside = torch.where(evenodd[e_path][:, None], winding % 2 != 0, winding != 0)
        signed = torch.where(inside, outline[inv_fill], -outline[inv_fill])
        coverage[inv_fill] = (signed + 0.5).clamp(0, 1)

    rgba = torch.where((entry_layer % 2 == 1)[:, None], stroke[entry_path], fill[entry_path])
    n_tiles = n_images * grid.tiles_per_image
    tiles = _composite(coverage * rgba[:, 3:4], rgba[:, :3], entry_tile,
                       background.to(dtype).repeat_interleave(grid.tiles_per_image, 0), n_tiles)
    image = tiles.reshape(n_images, tiles_y, tiles_x, tile, tile, 3)
    image = image.permute(0, 5, 1, 3, 2, 4).reshape(n_images, 3, tiles_y * tile, tiles_x * tile)
    return image[:, :, :height, :width]
