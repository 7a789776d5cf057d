"""Butt and square caps, miter and bevel joins on the distance field (the fast route).

Why: the distance to a polyline gives round caps and joins for free; SVG's default
stroke (butt caps, miter joins: every imported file) used to take the exact-area
outline route of :mod:`vecdream.render.stroke`, 3-7x slower. Such a stroke is the round
one except at its ends and sharp corners, so those are cut into the distance field:

* **Cut points** are the open ends with butt or square caps and the sharp corners with
  miter or bevel joins. Pieces within ``r + 1`` of one (along the curve) take the
  distance ``max(d, r - s)``, ``s`` the pixel's signed distance past the cut plane into
  the stroke: the round end beyond the plane is gone, and the box filter runs across
  the plane's edge as across the sides. A square cap is the butt cap ``r`` further out.
* At a sharp corner the two cut bodies meet along the planes through the vertex; the
  join polygon on the outer side is added, the miter quad ``(v, p0, tip, p1)`` or the
  bevel triangle past the miter limit, reaching a pixel back into both bodies so the
  planes leave no seam, with distance ``r + sdf`` (``sdf`` negative inside): the min
  over pieces and polygons is the union.
* Smooth vertices (turns whose join differs from round by under a quarter of the
  tolerance) and round joins are left to the field.

Dots (zero-length contours), ends without a direction and non-uniform stroke
transforms stay on the outline route; a path takes one route as a whole. This module
builds the cuts and polygons; :mod:`~.cuts` applies them to the rasterizer's pairs.
Convention: pixels; ``r`` is the half width.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import Tensor

from vecdream.drawing_fields import CAP_ROUND, CAP_SQUARE, JOIN_MITER, JOIN_ROUND
from vecdream.render.flatten import Lines

__all__ = ["DistanceStyle", "distance_styles", "segment_tangents"]

_MIN_PIECE = 1e-5


class DistanceStyle(NamedTuple):
    """What the distance route needs for caps and joins.

    Attributes:
        eligible: ``(P,)`` bool, paths drawn on the distance route.
        a, b: ``(L, 2)`` piece ends with square caps' end pieces extended.
        cut_of: ``(2, L)`` long, for every piece its cut plane behind it (row 0) and
            ahead of it (row 1), as a row of ``cut_point``; -1 for none.
        cut_point, cut_dir: ``(K, 2)`` the cut planes' points and unit normals
            unit normal pointing into the stroke.
        join_polys: ``(J, 6, 2)`` convex join polygons; join_path: ``(J,)`` their paths;
            join_half_width: ``(J,)`` their paths' half widths.
    """

    eligible: Tensor
    a: Tensor
    b: Tensor
    cut_of: Tensor
    cut_point: Tensor
    cut_dir: Tensor
    join_polys: Tensor
    join_path: Tensor
    join_half_width: Tensor


def _unit(v: Tensor) -> Tensor:
    return v / v.norm(dim=-1, keepdim=True).clamp_min(1e-12)


def _perp(d: Tensor) -> Tensor:
    return torch.stack([-d[..., 1], d[..., 0]], -1)


def segment_tangents(points: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Tangent directions at both ends of every cubic, as SVG takes them.

    Args:
        points: ``(C, 3S+1, 2)`` control points.

    Returns:
        start, end: ``(C, S, 2)`` (not normalized: the first of ``P1 - P0``, ``P2 - P0``,
        ``P3 - P0`` longer than float rounding, and ``P3 - P2``, ``P3 - P1``, ``P3 - P0``);
        ok: ``(C, S)`` bool, False for a segment of coincident points (no direction).
    """
    if points.shape[1] < 4:  # no segment at all (an empty SVG)
        empty = points.new_zeros(points.shape[0], 0, 2)
        return empty, empty, empty[..., 0].bool()
    ctrl = points.unfold(1, 4, 3).permute(0, 1, 3, 2)  # (C, S, 4, 2)
    p0, p1, p2, p3 = ctrl.unbind(2)
    with torch.no_grad():
        floor = _MIN_PIECE + 1e-6 * ctrl.abs().amax((2, 3))

    def first_long(options: list[Tensor]) -> Tensor:
        out = options[-1]
        for option in reversed(options[:-1]):
            out = torch.where((option.detach().norm(dim=-1) > floor)[..., None], option, out)
        return out

    start = first_long([p1 - p0, p2 - p0, p3 - p0])
    end = first_long([p3 - p2, p3 - p1, p3 - p0])
    return start, end, start.detach().norm(dim=-1) > floor


def _search(cut_contour: Tensor, cut_arc: Tensor, contour: Tensor, arc: Tensor,
            stride: float, before: bool) -> tuple[Tensor, Tensor]:
    """For every piece, the cut point of its contour at or before ``arc`` (``before``)
    or at or after it: (index into the cuts, found)."""
    n = cut_arc.shape[0]
    if n == 0:
        none = torch.zeros_like(contour)
        return none, none.bool()
    key = cut_contour.double() * stride + cut_arc
    order = torch.argsort(key)
    query = contour.double() * stride + arc
    if before:
        at = torch.searchsorted(key[order], query + 1e-9, right=True) - 1
    else:
        at = torch.searchsorted(key[order], query - 1e-9)
    found = (at >= 0) & (at < n)
    hit = order[at.clamp(0, n - 1)]
    return hit, found & (cut_contour[hit] == contour)


def distance_styles(lines: Lines, points: Tensor, contour_path: Tensor, closed: Tensor,
                    n_segments: Tensor, candidates: Tensor, half_width: Tensor, cap: Tensor,
                    join: Tensor, miter_limit: Tensor, tolerance: float) -> DistanceStyle:
    """Build the cuts and join polygons of styled strokes on the distance route.

    Cut points are the open ends with butt/square caps and the sharp corners with
    miter/bevel joins, with the exact end tangents of the cubics. Every piece within
    ``r + 1`` (arc length) after a cut point is cut by its plane, every piece within
    ``r + 1`` before one likewise; each sharp corner adds its join polygon (the miter
    quad, or the bevel triangle past the miter limit).

    Args:
        lines: flattened contours (pixels), :func:`~vecdream.render.flatten.bezier_lines`
            of ``points``.
        points: ``(C, 3S+1, 2)`` control points (pixels).
        contour_path, closed, n_segments: ``(C,)``.
        candidates: ``(P,)`` bool, stroked paths with a non-round cap or join and a
            uniform stroke transform.
        half_width, miter_limit: ``(P,)``; cap, join: ``(P,)`` long codes.
        tolerance: flattening tolerance in pixels.
    """
    device, dtype = points.device, points.dtype
    n_lines, n_contours = lines.a.shape[0], closed.shape[0]
    n_seg_max = (points.shape[1] - 1) // 3
    cand_c = candidates[contour_path] & (n_segments > 0)
    seg = torch.arange(n_seg_max, device=device)
    active = seg[None, :] < n_segments[:, None]
    start_t, end_t, seg_ok = segment_tangents(points)
    with torch.no_grad():
        # Segments without a direction (dots, repeated points) go to the outline route.
        bad = cand_c & (active & ~seg_ok).any(1)
        use = cand_c[lines.contour] & (~lines.closing | closed[lines.contour])
        idx = torch.nonzero(use).squeeze(1)
        if bool((cand_c & closed).any()):  # closing pieces come last in bezier_lines
            key = lines.contour[idx] * (2 * n_lines) + lines.closing[idx].long() * n_lines + idx
            idx = idx[torch.argsort(key)]
        contour = lines.contour[idx]
        length = (lines.b[idx] - lines.a[idx]).detach().norm(dim=1).double()
        csum = torch.cumsum(length, 0)
        first = torch.ones_like(contour, dtype=torch.bool)
        first[1:] = contour[1:] != contour[:-1]
        base = (csum - length)[torch.cummax(torch.where(
            first, torch.arange(idx.shape[0], device=device), 0), 0).values]
        arc0 = csum - length - base
        arc1 = arc0 + length
        total = torch.zeros(n_contours, dtype=torch.float64, device=device).index_add(
            0, contour, length)
        stride = float(total.max()) + 1 if n_contours else 1.0
        piece_seg = lines.segment[idx]
        on_seg = piece_seg >= 0
        seg_end = torch.zeros(n_contours * max(n_seg_max, 1), dtype=torch.float64,
                              device=device).scatter_reduce(
            0, (contour * n_seg_max + piece_seg)[on_seg], arc1[on_seg], "amax")
        last = (n_segments - 1).clamp_min(0)
        # Vertices: between segments, and (closed contours) around the closing line.
        inner_c, inner_s = torch.nonzero(cand_c[:, None] & (seg[None, :] < n_segments[
            :, None] - 1)).unbind(1)
        loop_c = torch.nonzero(cand_c & closed).squeeze(1)
        rows = torch.arange(n_contours, device=device)
    p_start, p_end = points[:, 0], points[rows, 3 * n_segments]
    close_line = p_start - p_end
    with torch.no_grad():
        floor = _MIN_PIECE + 1e-6 * points.detach().abs().amax((1, 2))
        has_line = close_line.detach().norm(dim=1) > floor
        line_c = loop_c[has_line[loop_c]]
    v = torch.cat([points[inner_c, 3 * inner_s + 3], p_end[line_c], p_start[loop_c]])
    t_in = torch.cat([end_t[inner_c, inner_s], end_t[line_c, last[line_c]],
                      torch.where(has_line[loop_c, None], close_line[loop_c],
                                  end_t[loop_c, last[loop_c]])])
    t_out = torch.cat([start_t[inner_c, inner_s + 1], close_line[line_c], start_t[loop_c, 0]])
    v_contour = torch.cat([inner_c, line_c, loop_c])
    with torch.no_grad():
        arc_in = torch.cat([seg_end[inner_c * n_seg_max + inner_s],
                            seg_end[line_c * n_seg_max + last[line_c]], total[loop_c]])
        arc_out = torch.cat([arc_in[:inner_c.shape[0] + line_c.shape[0]],
                             torch.zeros_like(total[loop_c])])
    g0, g1 = _unit(t_in), _unit(t_out)
    path_v = contour_path[v_contour]
    with torch.no_grad():
        dot = (g0 * g1).sum(1).clamp(-1, 1)
        cos_half = ((1 + dot) / 2).clamp_min(0).sqrt()
        sharp = (half_width.detach()[path_v] * (1 - cos_half) > 0.25 * tolerance) & (
            join[path_v] != JOIN_ROUND)
        miter = (join[path_v] == JOIN_MITER) & (cos_half * miter_limit[path_v] >= 1)
        capped = cand_c & ~closed & (cap[contour_path] != CAP_ROUND)
        head_c = torch.nonzero(capped).squeeze(1)
    eligible = candidates.clone()
    eligible[contour_path[bad]] = False

    # Caps: the end planes, square caps pushed out by r along the tangent.
    square = (cap[contour_path] == CAP_SQUARE)[head_c, None]
    ext = torch.where(square, half_width[contour_path[head_c]][:, None], 0.0)
    u_start, u_end = _unit(start_t[head_c, 0]), _unit(end_t[head_c, last[head_c]])
    cap_start = p_start[head_c] - ext * u_start
    cap_end = p_end[head_c] + ext * u_end
    with torch.no_grad():
        head = torch.nonzero(first & capped[contour]).squeeze(1)
        tail = torch.nonzero(torch.cat([first[1:], first.new_ones(1)]) & capped[contour]
                             ).squeeze(1)
        slot = torch.full((n_contours,), -1, dtype=torch.long, device=device)
        slot[head_c] = torch.arange(head_c.shape[0], device=device)
    a_all, b_all = lines.a, lines.b
    if bool(square.any()):  # butt caps start and end where the pieces do
        a_all = a_all.index_put((idx[head],), cap_start[slot[contour[head]]])
        b_all = b_all.index_put((idx[tail],), cap_end[slot[contour[tail]]])

    # Cut planes: for the pieces after a cut point (start caps, corners), then for the
    # pieces before one (end caps, corners); cut_of points each piece at its row.
    cut_contour = (torch.cat([head_c, v_contour[sharp]]),) * 2
    cut_arc = (torch.cat([total.new_zeros(head_c.shape[0]), arc_out[sharp]]),
               torch.cat([total[head_c], arc_in[sharp]]))
    cut_point = torch.cat([cap_start, v[sharp], cap_end, v[sharp]])
    cut_dir = torch.cat([u_start, g1[sharp], -u_end, -g0[sharp]])
    n_after = cut_arc[0].shape[0]
    cut_of = torch.full((2, n_lines), -1, dtype=torch.long, device=device)
    with torch.no_grad():
        reach = half_width[contour_path[contour]].double() + 1
        keep = eligible[contour_path[contour]]
        for side in (0, 1):
            if n_after == 0:
                break
            arc = arc0 if side == 0 else arc1
            hit, found = _search(cut_contour[side], cut_arc[side], contour, arc, stride,
                                 before=side == 0)
            gap = (arc - cut_arc[side][hit]) if side == 0 else (cut_arc[side][hit] - arc)
            inside = found & (gap < reach) & keep
            cut_of[side, idx[inside]] = hit[inside] + side * n_after

    # Join polygons on the outer side: the miter quad, or the bevel triangle.
    g0, g1, vs, path_j, miter = g0[sharp], g1[sharp], v[sharp], path_v[sharp], miter[sharp]
    rq = half_width[path_j][:, None]
    cross = g0[:, 0] * g1[:, 1] - g0[:, 1] * g1[:, 0]
    s = torch.where(cross < 0, -1.0, 1.0).to(dtype)[:, None]
    p0, p1 = vs - s * rq * _perp(g0), vs - s * rq * _perp(g1)
    tip = vs - s * rq * (_perp(g0) + _perp(g1)) / torch.where(
        miter, 1 + (g0 * g1).sum(1), 1.0)[:, None]
    tip = torch.where(miter[:, None], tip, (p0 + p1) / 2)
    # Reaching up to a pixel back into both cut bodies, the polygon covers the cut
    # planes (two abutting half-covered edges would leave a seam under a min). Its edges
    # there slant into the bodies: on a body's own edge, a straight polyline's min would
    # tie along a whole line, and min has no derivative at a tie.
    back = rq.clamp(max=1.0)
    inner = vs + back * _unit(g1 - g0)
    a_back = p0 - back * g0 + 0.5 * back * s * _perp(g0)
    b_back = p1 + back * g1 + 0.5 * back * s * _perp(g1)
    polys = torch.stack([a_back, p0, tip, p1, b_back, inner], 1)
    keep_join = eligible[path_j]
    join_path = path_j[keep_join]
    return DistanceStyle(eligible, a_all, b_all, cut_of, cut_point, cut_dir, polys[keep_join],
                         join_path, half_width[join_path])
