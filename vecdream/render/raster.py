"""Tile-culled, anti-aliased, differentiable rasterizer of strokes and fills.

How it works, and why:

* Contours are flattened to short line pieces (:mod:`vecdream.render.flatten`).
* The image is cut into ``tile x tile`` pixel tiles (:mod:`vecdream.render.grid`). Work
  is paired only with the tiles it can reach, so it grows with the covered area, never
  with ``paths x pixels``. Every path has two layers in SVG paint order: its fill, then
  its stroke.
* Round strokes (the optimizer's): per (piece, tile) pair the distance of each pixel
  centre to the piece; a scatter-min gives the distance to the stroke's centre line,
  and coverage is the pixel's box filter across the edge (:mod:`~.stroke`). Round caps
  and joins come for free from the distance field; butt/square caps and miter/bevel
  joins are cut into it (built in :mod:`~.caps`, applied per pair in :mod:`~.cuts`).
* Strokes thinner than a pixel (:data:`~.hairline.HAIRLINE_WIDTH`) skip the tiles:
  their ink is walked column by column and runs of same-paint paths come back as one
  layer per tile (:mod:`~.hairline`), the way plotter files are drawn at preview size.
* Fills, and strokes with other caps/joins (as outline polygons, :mod:`~.stroke`), are
  covered by exact area (:mod:`vecdream.render.fill`, per tile in :mod:`~.area`):
  slivers get their true ink, zero-area contours none.
* Paint is a solid colour or a gradient evaluated per pixel (:mod:`~.paint`).
* Clip paths are exact-area masks multiplied into the clipped layers; layers are
  alpha-composited "over", in path order, per pixel, opacity groups first collapsed
  into one faded layer each (:mod:`~.compose`).
"""

from __future__ import annotations

import torch
from torch import Tensor

from vecdream.render.area import area_entries, clip_mask
from vecdream.render.caps import distance_styles
from vecdream.render.compose import collapse_groups, composite
from vecdream.render.cuts import cut_sides, join_tiles, styled_distance
from vecdream.render.flatten import bezier_lines
from vecdream.render.grad import PointSegmentDistance, keep_graph
from vecdream.render.grid import (
    AA_REACH,
    Grid,
    bin_pieces,
    drop_covered,
    pixel_offsets,
    tile_origin,
    tile_pixels,
)
from vecdream.render.hairline import hairline_entries, hairline_runs
from vecdream.render.paint import gradient_rgba
from vecdream.render.stroke import coverage_stroke, stroke_outlines

__all__ = ["render_paths"]

_FAR = 1.0e6
_EPS = 1.0e-12


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
    tile: int = 4,
    tolerance: float = 0.1,
    style: dict[str, Tensor] | None = None,
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
        style: optional SVG-fidelity fields, as in :class:`~vecdream.drawing.Drawing`
            but in pixels: per path ``cap``, ``join``, ``miter_limit``,
            ``stroke_transform``, ``fill_paint``, ``stroke_paint``, ``group``, ``clip``;
            the tables ``grad_*`` (``grad_transform`` maps gradient space to pixels),
            ``group_opacity``/``group_parent`` and ``clip_*`` (``clip_points`` in
            pixels, plus ``clip_shape_image (Ks,)``, the image of every clip shape).
            None: round caps and joins, solid paint, no groups or clips.

    Returns:
        ``(B, 3, height, width)`` images.
    """
    device, dtype = points.device, points.dtype
    style = style or {}
    n_images, n_paths = background.shape[0], widths.shape[0]
    tiles_x, tiles_y = -(-width // tile), -(-height // tile)
    grid = Grid(height, width, tile, tiles_x, tiles_y)
    n_layers = 2 * n_paths
    with torch.no_grad():
        stroke_on = (stroke[:, 3] > 0) & (widths >= 0)
        fill_on = fill[:, 3] > 0
        outlined = candidates = torch.zeros_like(stroke_on)
        if "cap" in style:
            eye = torch.eye(2, dtype=dtype, device=device)
            outlined = stroke_on & (style["stroke_transform"] != eye).flatten(1).any(1)
    runs = hairline_runs(widths, stroke, stroke_on, fill_on, outlined, path_image, style)
    with torch.no_grad():
        hair = runs.run >= 0
        if "cap" in style:
            candidates = (stroke_on & ~outlined & ~hair
                          & ((style["cap"] != 1) | (style["join"] != 1)))
        # Contours of hairline strokes without a fill go the hairline route only.
        main = (torch.nonzero(~(hair & ~fill_on)[contour_path]).squeeze(1)
                if bool(hair.any()) else None)

    def flatten(refine_paths: Tensor | None):
        # Styled strokes take the distance route where caps and joins allow
        # (:mod:`~.caps`); the outline route needs end pieces along the tangents.
        refine = refine_paths[contour_path] if refine_paths is not None else None
        if main is None:
            return bezier_lines(points, n_segments, tolerance=tolerance,
                                max_length=float(tile), refine_ends=refine)
        sub = bezier_lines(points[main], n_segments[main], tolerance=tolerance,
                           max_length=float(tile),
                           refine_ends=refine[main] if refine is not None else None)
        return sub._replace(contour=main[sub.contour])

    caps = None
    lines = flatten(outlined if bool(outlined.any()) else None)
    stroke_a, stroke_b = lines.a, lines.b
    if bool(candidates.any()):
        caps = distance_styles(lines, points, contour_path, closed, n_segments, candidates,
                               widths / 2, style["cap"], style["join"], style["miter_limit"],
                               tolerance)
        if not bool(caps.eligible[candidates].all()):  # some go the outline route after all
            outlined = outlined | (candidates & ~caps.eligible)
            lines = flatten(outlined)
            caps = distance_styles(lines, points, contour_path, closed, n_segments,
                                   candidates & caps.eligible, widths / 2, style["cap"],
                                   style["join"], style["miter_limit"], tolerance)
        stroke_a, stroke_b = caps.a, caps.b
    line_path = contour_path[lines.contour]
    line_image = path_image[line_path]
    with torch.no_grad():
        # Distance strokes: one layer per path, id 2p + 1 (over the fill, id 2p).
        s_idx = torch.nonzero((stroke_on & ~outlined & ~hair)[line_path]
                              & (~lines.closing | closed[lines.contour])).squeeze(1)
        f_idx = torch.nonzero(fill_on[line_path]).squeeze(1)
    reach = widths.detach()[line_path[s_idx]] / 2 + AA_REACH
    s_piece, s_tile = bin_pieces(stroke_a[s_idx], stroke_b[s_idx], reach, line_image[s_idx],
                                 grid)
    s_piece = s_idx[s_piece]
    n_uncut = s_piece.shape[0]
    if caps is not None:
        with torch.no_grad():  # pairs with an end cut go last (they take extra work)
            sides = cut_sides(caps, s_piece, tile_origin(s_tile, grid, dtype), tile,
                              widths.detach()[line_path[s_piece]] / 2)
            cut = sides.any(0)
            order = torch.cat([torch.nonzero(~cut).squeeze(1), torch.nonzero(cut).squeeze(1)])
            s_piece, s_tile, sides = s_piece[order], s_tile[order], sides[:, order]
            n_uncut -= int(cut.sum())
    if s_piece.shape[0] and float(widths.detach().max()) / 2 - 0.5 > tile:
        with torch.no_grad():  # strokes wide enough to cover whole tiles
            uncut = torch.arange(s_piece.shape[0], device=device) < n_uncut
            keep = drop_covered(stroke_a.detach()[s_piece], stroke_b.detach()[s_piece],
                                widths.detach()[line_path[s_piece]] / 2,
                                tile_origin(s_tile, grid, dtype),
                                s_tile * n_layers + line_path[s_piece], uncut, tile)
            if keep is not None:
                n_uncut = int(keep[:n_uncut].sum())
                s_piece, s_tile = s_piece[keep], s_tile[keep]
                if caps is not None:
                    sides = sides[:, keep]
    j_idx, j_tile = join_tiles(caps, path_image, grid)

    # Area layers: fills (every piece, closing ones included) and outlined strokes.
    area_a, area_b = [lines.a[f_idx]], [lines.b[f_idx]]
    area_layer = [2 * line_path[f_idx]]
    if bool(outlined.any()):
        out = stroke_outlines(lines, contour_path, closed, n_segments, points, outlined,
                              widths / 2, style["cap"], style["join"], style["miter_limit"],
                              style["stroke_transform"], tolerance)
        area_a.append(out.a)
        area_b.append(out.b)
        area_layer.append(2 * out.path + 1)
    layer_rule = torch.stack([evenodd, torch.zeros_like(evenodd)], 1).reshape(-1)
    layer_image = path_image.repeat_interleave(2)
    if sum(x.shape[0] for x in area_a):
        e_layer, e_tile, e_cov = area_entries(torch.cat(area_a), torch.cat(area_b),
                                              torch.cat(area_layer), layer_rule, layer_image,
                                              grid)
    else:  # stroke-only scenes (the optimizer's) skip the area machinery entirely
        e_layer = e_tile = torch.zeros(0, dtype=torch.long, device=device)
        e_cov = torch.zeros(0, tile * tile, dtype=dtype, device=device)
    if bool(hair.any()):  # strokes thinner than a pixel, run by run (:mod:`~.hairline`)
        h_layer, h_tile, h_cov = hairline_entries(
            points, n_segments, contour_path, closed, runs, widths, stroke, path_image, grid,
            tolerance, style.get("cap"))
        e_layer, e_tile = torch.cat([e_layer, h_layer]), torch.cat([e_tile, h_tile])
        e_cov = torch.cat([e_cov, h_cov])

    with torch.no_grad():
        join_layer = 2 * caps.join_path[j_idx] + 1 if caps is not None else j_idx
        keys = torch.cat([e_tile * n_layers + e_layer,
                          s_tile * n_layers + 2 * line_path[s_piece] + 1,
                          j_tile * n_layers + join_layer])
        entries, inverse = torch.unique(keys, return_inverse=True)
        n_e = e_tile.shape[0]
        inv_area, inv_spair = inverse[:n_e], inverse[n_e:]  # pieces, then miter quads
        entry_tile = torch.div(entries, n_layers, rounding_mode="floor")
        entry_layer = entries % n_layers
        entry_path = torch.div(entry_layer, 2, rounding_mode="floor")
        is_stroke_entry = entry_layer % 2 == 1

    k = tile * tile
    if s_piece.shape[0]:
        origin = tile_origin(s_tile, grid, dtype)
        offsets = pixel_offsets(grid, dtype, device)
        dist2 = PointSegmentDistance.apply(stroke_a[s_piece], stroke_b[s_piece], origin,
                                           offsets)
        if caps is not None:
            dist2 = styled_distance(dist2, caps, s_piece, sides, n_uncut, origin, offsets,
                                    widths[line_path[s_piece]] / 2, j_idx, j_tile, grid)
        nearest2 = dist2.new_full((entries.shape[0], k), _FAR * _FAR).scatter_reduce(
            0, inv_spair[:, None].expand(-1, k), dist2, "amin")
        round_cov = coverage_stroke(torch.sqrt(nearest2 + _EPS), widths[entry_path] / 2)
        if n_e == 0:  # round strokes only (the optimizer's drawings): nothing to merge
            coverage = round_cov
        else:
            with torch.no_grad():
                is_round = torch.zeros(entries.shape[0], dtype=torch.bool, device=device)
                is_round[inv_spair] = True
            coverage = torch.where(is_round[:, None], round_cov, 0.0).index_put(
                (inv_area,), e_cov)
    else:
        coverage = e_cov.new_zeros(entries.shape[0], k).index_put((inv_area,), e_cov)

    rgba = torch.where(is_stroke_entry[:, None], stroke[entry_path], fill[entry_path])
    alpha, rgb = coverage * rgba[:, 3:4], rgba[:, :3]
    if style.get("grad_kind") is not None and style["grad_kind"].shape[0]:
        paint = torch.where(is_stroke_entry, style["stroke_paint"][entry_path],
                            style["fill_paint"][entry_path])
        with torch.no_grad():
            graded = torch.nonzero(paint >= 0).squeeze(1)
        if graded.shape[0]:
            px, py = tile_pixels(entry_tile[graded], grid, dtype)
            g = gradient_rgba(paint[graded], px, py, style["grad_kind"], style["grad_geom"],
                              style["grad_transform"], style["grad_spread"],
                              style["grad_stops"], style["grad_n_stops"])
            rgb = rgb[:, None, :].expand(-1, k, -1).index_put((graded,), g[..., :3])
            alpha = alpha.index_put((graded,), alpha[graded] * g[..., 3])
    n_tiles = n_images * grid.tiles_per_image
    if style.get("clip_parent") is not None and style["clip_parent"].shape[0]:
        alpha = alpha * clip_mask(style, entry_path, entry_tile, grid, tolerance)
    premultiplied = False
    if style.get("group_opacity") is not None and style["group_opacity"].shape[0]:
        rgb = alpha[..., None] * (rgb if rgb.dim() == 3 else rgb[:, None, :])
        alpha, rgb, entry_tile = collapse_groups(
            alpha, rgb, entry_tile, style["group"][entry_path], style["group_opacity"],
            style["group_parent"])
        premultiplied = True
    tiles = composite(alpha, rgb, entry_tile,
                      background.to(dtype).repeat_interleave(grid.tiles_per_image, 0), n_tiles,
                      premultiplied)
    image = tiles.reshape(n_images, tiles_y, tiles_x, tile, tile, 3)
    image = image.permute(0, 5, 1, 3, 2, 4).reshape(n_images, 3, tiles_y * tile, tiles_x * tile)
    extra = [t for t in style.values() if t.is_floating_point()]
    return keep_graph(image[:, :, :height, :width], points, widths, stroke, fill, *extra)
