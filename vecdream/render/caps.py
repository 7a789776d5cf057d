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
transforms stay on the outline route; a path takes one route as a whole.
Convention: pixels; ``r`` is the half width.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import Tensor

from vecdream.drawing_fields import CAP_BUTT, CAP_ROUND, CAP_SQUARE, JOIN_MITER, JOIN_ROUND
from vecdream.render.flatten import Lines

__all__ = ["DistanceStyle", "distance_styles", "polygon_distance"]

_MIN_PIECE = 1e-5


class DistanceStyle(NamedTuple):
    """What the distance route needs for caps and joins.

    Attributes:
        eligible: ``(P,)`` bool, paths drawn on the distance route.
        a, b: ``(L, 2)`` piece ends with square caps' end pieces extended.
        cut_zone: ``(2, L)`` bool, pieces near a contour's start / end cap.
        cut_point, cut_dir: ``(2, C, 2)`` per contour the start / end plane's point and
            unit normal pointing into the stroke.
        join_polys: ``(J, 6, 2)`` convex join polygons; join_path: ``(J,)`` their paths;
            join_half_width: ``(J,)`` their paths' half widths.
    """

    eligible: Tensor
    a: Tensor
    b: Tensor
    cut_zone: Tensor
    cut_point: Tensor
    cut_dir: Tensor
    join_polys: Tensor
    join_path: Tensor
    join_half_width: Tensor


def _unit(v: Tensor) -> Tensor:
    return v / v.norm(dim=-1, keepdim=True).clamp_min(1e-12)


def _perp(d: Tensor) -> Tensor:
    return torch.stack([-d[..., 1], d[..., 0]], -1)


def _segment_distance(p: Tensor, a: Tensor, b: Tensor) -> Tensor:
    ab, ap = b - a, p - a
    h = ((ap * ab).sum(-1) / (ab * ab).sum(-1).clamp_min(1e-12)).clamp(0, 1)
    return (ap - h[..., None] * ab).norm(dim=-1)


def polygon_distance(polys: Tensor, px: Tensor, py: Tensor) -> Tensor:
    """Signed distance (negative inside) of pixels to convex polygons.

    Args:
        polys: ``(N, V, 2)`` convex polygons, either orientation.
        px, py: ``(N, K)`` pixel centres.

    Returns:
        ``(N, K)``: the largest signed distance to the edge lines (exact inside and
        along the edges, a slight under-estimate off the corners).
    """
    nxt = polys.roll(-1, 1)
    with torch.no_grad():
        area = (polys[..., 0] * nxt[..., 1] - nxt[..., 0] * polys[..., 1]).sum(1)
        sign = torch.where(area < 0, -1.0, 1.0).to(polys.dtype)[:, None]
    edge = nxt - polys
    length = edge.norm(dim=-1).clamp_min(1e-12)
    # Outward normal of a counter-clockwise (positive area, y down: clockwise) polygon.
    nx, ny = sign * edge[..., 1] / length, -sign * edge[..., 0] / length
    off = nx * polys[..., 0] + ny * polys[..., 1]
    dist = px[:, None, :] * nx[..., None] + py[:, None, :] * ny[..., None] - off[..., None]
    return dist.amax(1)


def distance_styles(lines: Lines, contour_path: Tensor, closed: Tensor, n_segments: Tensor,
                    candidates: Tensor, half_width: Tensor, cap: Tensor, join: Tensor,
                    miter_limit: Tensor, tolerance: float) -> DistanceStyle:
    """Build the cuts and join polygons of styled strokes on the distance route.

    Cut points are the open ends with butt/square caps and the sharp corners with
    miter/bevel joins. Every piece within ``r + 1`` (arc length) after a cut point is cut
    by its plane, every piece within ``r + 1`` before one likewise; each sharp corner
    adds its join polygon (the miter quad, or the bevel triangle past the miter limit).

    Args:
        lines: flattened contours (pixels); contour_path, closed, n_segments: ``(C,)``.
        candidates: ``(P,)`` bool, stroked paths with a non-round cap or join and a
            uniform stroke transform.
        half_width, miter_limit: ``(P,)``; cap, join: ``(P,)`` long codes.
        tolerance: flattening tolerance in pixels.
    """
    device, dtype = lines.a.device, lines.a.dtype
    n_lines, n_contours = lines.a.shape[0], closed.shape[0]
    bad = torch.zeros(n_contours, dtype=torch.bool, device=device)
    true = torch.tensor(True, device=device)
    with torch.no_grad():
        use = candidates[contour_path[lines.contour]] & (~lines.closing | closed[lines.contour])
        idx = torch.nonzero(use).squeeze(1)
        key = lines.contour[idx] * (2 * n_lines) + lines.closing[idx].long() * n_lines + idx
        idx = idx[torch.argsort(key)]
        contour = lines.contour[idx]
        m = idx.shape[0]
        pos = torch.arange(m, device=device)
        starts = torch.ones(m, dtype=torch.bool, device=device)
        starts[1:] = contour[1:] != contour[:-1]
        ends = torch.ones(m, dtype=torch.bool, device=device)
        ends[:-1] = starts[1:]
        first_of = torch.cummax(torch.where(starts, pos, 0), 0).values
        a, b = lines.a[idx].detach(), lines.b[idx].detach()
        length = (b - a).norm(dim=1)
        csum = torch.cumsum(length.double(), 0)
        arc0 = csum - length - (csum - length)[first_of]  # arc length at each piece start
        arc1 = arc0 + length
        total = torch.zeros(n_contours, dtype=torch.float64, device=device).index_add(
            0, contour, length.double())
        r = half_width.detach()[contour_path[contour]]
        # Dots, and ends without a direction, are left to the outline route.
        has_piece = torch.zeros(n_contours, dtype=torch.bool, device=device)
        has_piece[contour] = True
        bad |= candidates[contour_path] & ~has_piece & (n_segments > 0) & (
            cap[contour_path] != CAP_BUTT)
        tiny = length <= _MIN_PIECE + 1e-6 * a.abs().amax(1)  # below Bernstein rounding
        bad.index_put_((contour[(starts | ends) & tiny],), true)
        bad |= candidates[contour_path] & has_piece & (total < 1e-3)

        # Sharp corners with a miter or bevel join: vertex i0 -> i1.
        nxt = torch.where(ends, first_of, pos + 1)
        i0 = torch.nonzero(~ends | closed[contour]).squeeze(1)
        i1 = nxt[i0]
        corner = lines.first[idx[i1]] | lines.closing[idx[i0]] | ends[i0]
        i0, i1 = i0[corner], i1[corner]
        dot = (_unit(b[i0] - a[i0]) * _unit(b[i1] - a[i1])).sum(1).clamp(-1, 1)
        path_j = contour_path[contour[i0]]
        cos_half = ((1 + dot) / 2).clamp_min(0).sqrt()
        sharp = (r[i0] * (1 - cos_half) > 0.25 * tolerance) & (join[path_j] != JOIN_ROUND)
        i0, i1, path_j, cos_half = i0[sharp], i1[sharp], path_j[sharp], cos_half[sharp]
        miter = (join[path_j] == JOIN_MITER) & (cos_half * miter_limit[path_j] >= 1)
        capped = ~closed & (cap[contour_path] != CAP_ROUND) & candidates[contour_path]
        head = torch.nonzero(starts & capped[contour]).squeeze(1)
        tail = torch.nonzero(ends & capped[contour]).squeeze(1)

    # Cut points: (contour, arc, point, normal for the pieces before, normal after).
    la, lb = lines.a[idx], lines.b[idx]
    d = _unit(lb - la)
    square = (cap[contour_path] == CAP_SQUARE)[contour]
    ext = half_width[contour_path[contour]][:, None]
    start_pt = la[head] - torch.where(square[head, None], ext[head], 0.0) * d[head]
    end_pt = lb[tail] + torch.where(square[tail, None], ext[tail], 0.0) * d[tail]
    # A closed contour's closing vertex is a cut point at arc 0 (for the pieces after it)
    # and again at the contour's length (for the pieces before it).
    wrap = i1 == first_of[i1]
    cut_contour = torch.cat([contour[head], contour[tail], contour[i1], contour[i1[wrap]]])
    cut_arc = torch.cat([arc0[head], arc1[tail], arc0[i1], total[contour[i1[wrap]]]])
    cut_pt = torch.cat([start_pt, end_pt, lb[i0], lb[i0[wrap]]])
    n_before = torch.cat([torch.zeros_like(start_pt), -d[tail], -d[i0], -d[i0[wrap]]])
    n_after = torch.cat([d[head], torch.zeros_like(end_pt), d[i1], torch.zeros_like(d[i1[wrap]])])
    with torch.no_grad():
        stride = float(total.max()) + 1 if n_contours else 1.0
        order = torch.argsort(cut_contour.double() * stride + cut_arc)
        ckey = (cut_contour.double() * stride + cut_arc)[order]
        base = contour.double() * stride
        reach = r.double() + 1
        # The last cut point at or before each piece start, the first at or after its end.
        prev = torch.searchsorted(ckey, base + arc0 + 1e-9, right=True) - 1
        nxt_c = torch.searchsorted(ckey, base + arc1 - 1e-9)
        n_cut = ckey.shape[0]
        prev_ok = (prev >= 0) & (prev < n_cut)
        prev_c = prev.clamp(0, max(n_cut - 1, 0))
        next_ok = nxt_c < n_cut
        next_c = nxt_c.clamp(0, max(n_cut - 1, 0))
        if n_cut:
            o_prev, o_next = order[prev_c], order[next_c]
            prev_ok &= (cut_contour[o_prev] == contour) & (arc0 - cut_arc[o_prev] < reach) & (
                n_after[o_prev].detach().abs().sum(1) > 0)
            next_ok &= (cut_contour[o_next] == contour) & (cut_arc[o_next] - arc1 < reach) & (
                n_before[o_next].detach().abs().sum(1) > 0)
        else:
            o_prev = o_next = prev_c
            prev_ok &= False
            next_ok &= False
    eligible = candidates.clone()
    eligible[contour_path[bad]] = False
    keep = eligible[contour_path[contour]]
    zone = torch.zeros(2, n_lines, dtype=torch.bool, device=device)
    zone[0, idx[prev_ok & keep]] = True
    zone[1, idx[next_ok & keep]] = True
    cut_point = lines.a.new_zeros(2, n_lines, 2)
    cut_dir = torch.zeros_like(cut_point)
    if n_cut:
        cut_point = cut_point.index_put((torch.zeros_like(idx), idx), cut_pt[o_prev])
        cut_point = cut_point.index_put((torch.ones_like(idx), idx), cut_pt[o_next])
        cut_dir = cut_dir.index_put((torch.zeros_like(idx), idx), n_after[o_prev])
        cut_dir = cut_dir.index_put((torch.ones_like(idx), idx), n_before[o_next])
    a_all = lines.a.index_put((idx[head],), start_pt)
    b_all = lines.b.index_put((idx[tail],), end_pt)

    # Join polygons on the outer side: the miter quad, or the bevel triangle.
    g0, g1 = d[i0], d[i1]
    v, rq = lb[i0], half_width[path_j][:, None]
    cross = g0[:, 0] * g1[:, 1] - g0[:, 1] * g1[:, 0]
    s = torch.where(cross < 0, -1.0, 1.0).to(dtype)[:, None]
    p0, p1 = v - s * rq * _perp(g0), v - s * rq * _perp(g1)
    tip = v - s * rq * (_perp(g0) + _perp(g1)) / torch.where(
        miter, 1 + (g0 * g1).sum(1), 1.0)[:, None]
    tip = torch.where(miter[:, None], tip, (p0 + p1) / 2)
    # Reaching up to a pixel back into both cut bodies, the polygon covers the cut
    # planes (two abutting half-covered edges would leave a seam under a min).
    back = rq.clamp(max=1.0)
    inner = v + back * _unit(g1 - g0)
    polys = torch.stack([p0 - back * g0, p0, tip, p1, p1 + back * g1, inner], 1)
    keep_join = eligible[path_j]
    join_path = path_j[keep_join]
    return DistanceStyle(eligible, a_all, b_all, zone, cut_point, cut_dir, polys[keep_join],
                         join_path, half_width[join_path])
