"""Strokes: distance coverage (round caps and joins) and outlines (every other style).

Round caps and joins are what the distance field gives for free, so the optimizer's
strokes (all round) keep the fast distance path of :mod:`vecdream.render.raster`.
Any other cap, join or a non-uniform stroke transform turns the stroke into its
outline: a set of convex polygons (one quad per flattened piece, a join polygon on the
outer side of each vertex, caps at open ends, dots for zero-length contours), all
oriented positively, whose union :mod:`vecdream.render.fill` covers with the nonzero
rule. Polygons are built in the path's local space (``stroke_transform⁻¹``), where the
pen is round, and mapped back, so a skewed stroke is the skewed outline.

Convention: pixels, x right, y down; ``r`` is the half width.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch import Tensor

from vecdream.drawing_fields import CAP_ROUND, CAP_SQUARE, JOIN_MITER, JOIN_ROUND
from vecdream.render.flatten import Lines

__all__ = ["Outline", "coverage_stroke", "stroke_outlines"]


def coverage_stroke(dist: Tensor, half_width: Tensor) -> Tensor:
    """Box-filtered coverage of a stroke: overlap of ``[d-1/2, d+1/2]`` and ``[-r, r]``."""
    r = half_width[:, None]
    overlap = torch.minimum(dist + 0.5, r) - torch.maximum(dist - 0.5, -r)
    # The overlap of two intervals, one of length 1, is at most 1 but float rounding can
    # exceed it (then log(1 - alpha) is NaN). At exactly 0 the gradient must flow
    # (torch.clamp would stop it) so zero-width strokes can grow.
    return torch.where(overlap < 0, 0.0, overlap.clamp(max=1.0))


class Outline(NamedTuple):
    """Edges of stroke outline polygons: ``a, b (E, 2)`` pixels, ``path (E,)`` long."""

    a: Tensor
    b: Tensor
    path: Tensor


def _perp(d: Tensor) -> Tensor:
    return torch.stack([-d[..., 1], d[..., 0]], -1)


def _fan(centre: Tensor, start: Tensor, sweep: Tensor, r: Tensor, n: int) -> Tensor:
    """Polygons ``(F, n+2, 2)``: the centre, then ``n+1`` points on the arc of radius
    ``r`` from angle ``start`` over ``sweep`` radians."""
    t = torch.linspace(0, 1, n + 1, dtype=centre.dtype, device=centre.device)
    angle = start[:, None] + sweep[:, None] * t
    arc = centre[:, None] + r[:, None, None] * torch.stack([angle.cos(), angle.sin()], -1)
    return torch.cat([centre[:, None], arc], 1)


def _angle(v: Tensor) -> Tensor:
    return torch.atan2(v[..., 1], v[..., 0])


def _edges(polys: Tensor, path: Tensor) -> Outline:
    """Edges of polygons ``(N, V, 2)``, each reoriented to positive signed area."""
    nxt = polys.roll(-1, 1)
    with torch.no_grad():
        area = (polys[..., 0] * nxt[..., 1] - nxt[..., 0] * polys[..., 1]).sum(1)
        flip = (area < 0)[:, None, None]
    a, b = torch.where(flip, nxt, polys), torch.where(flip, polys, nxt)
    v = polys.shape[1]
    return Outline(a.reshape(-1, 2), b.reshape(-1, 2), path.repeat_interleave(v))


def stroke_outlines(lines: Lines, contour_path: Tensor, closed: Tensor, n_segments: Tensor,
                    points: Tensor, paths: Tensor, half_width: Tensor, cap: Tensor,
                    join: Tensor, miter_limit: Tensor, transform: Tensor, tolerance: float
                    ) -> Outline:
    """Outline polygons of the strokes of ``paths`` (``(P,)`` bool mask).

    Args:
        lines: flattened contours (pixels); contour_path, closed, n_segments: ``(C,)``.
        points: ``(C, 3S+1, 2)`` control points (pixels), for zero-length contours.
        half_width, miter_limit: ``(P,)``; cap, join: ``(P,)`` long codes.
        transform: ``(P, 2, 2)`` stroke transform (local → pixel linear map).
        tolerance: flattening tolerance in pixels (sets the arc resolution).
    """
    device, dtype = points.device, points.dtype
    inv = torch.linalg.inv(transform)
    with torch.no_grad():
        piece_path = contour_path[lines.contour]
        use = paths[piece_path] & (~lines.closing | closed[lines.contour])
        idx = torch.nonzero(use).squeeze(1)
        length = (lines.b[idx] - lines.a[idx]).norm(dim=1)
        # Shorter than float rounding of the Bernstein sums: no direction, dropped.
        idx = idx[length > 1e-5 + 1e-6 * lines.a[idx].abs().amax(1)]
        # Contour order: segment pieces, then the closing piece.
        n = lines.a.shape[0]
        key = lines.contour[idx] * (2 * n) + lines.closing[idx].long() * n + idx
        idx = idx[torch.argsort(key)]
        contour = lines.contour[idx]
        path = contour_path[contour]
        m = idx.shape[0]
        pos = torch.arange(m, device=device)
        starts = torch.ones(m, dtype=torch.bool, device=device)
        starts[1:] = contour[1:] != contour[:-1]
        ends = torch.ones(m, dtype=torch.bool, device=device)
        ends[:-1] = starts[1:]
        first_of = torch.cummax(torch.where(starts, pos, 0), 0).values
        last_pos = torch.nonzero(ends).squeeze(1)
        last_of = last_pos[torch.cumsum(starts.long(), 0) - 1]
    r = half_width[path]
    loc = inv[path]
    a = torch.einsum("nij,nj->ni", loc, lines.a[idx])
    b = torch.einsum("nij,nj->ni", loc, lines.b[idx])
    d = (b - a) / (b - a).norm(dim=1, keepdim=True)
    nrm = _perp(d)
    # Vertices between consecutive pieces (and around closed contours).
    with torch.no_grad():
        nxt = torch.where(ends, first_of, pos + 1)
        has_next = ~ends | closed[contour]
        i0 = torch.nonzero(has_next).squeeze(1)
        i1 = nxt[i0]
        boundary = lines.first[idx[i1]] | lines.closing[idx[i0]] | ends[i0]
    d0, d1 = d[i0], d[i1]
    v, rj = b[i0], r[i0]
    cross = d0[:, 0] * d1[:, 1] - d0[:, 1] * d1[:, 0]
    dot = (d0 * d1).sum(1)
    with torch.no_grad():
        # Where the turn is so small that every join is within a fraction of the
        # tolerance of the miter (gap r (1 - cos(turn / 2))), the two quads share their
        # miter edge: no gap, no overlap, and smooth in the vertices through a zero
        # turn (a separate join polygon would flip sides there). Larger turns inside a
        # curve get round joins: the stroke of a curve is the round pen's sweep.
        gap = rj * (1 - ((1 + dot) / 2).clamp_min(0).sqrt())
        # A hairline's gap is tiny at any turn; the shared miter needs 1 + dot well
        # away from 0 (a reversal would divide by zero).
        ribbon = (gap <= 0.25 * tolerance) & (dot > 0.5)
        kind = torch.where(boundary, join[path[i0]], JOIN_ROUND)
    miter_dir = (nrm[i0] + nrm[i1]) / torch.where(ribbon, 1 + dot, 1.0)[:, None]
    start_off = nrm.index_put((i1[ribbon],), miter_dir[ribbon])
    end_off = nrm.index_put((i0[ribbon],), miter_dir[ribbon])
    rr = r[:, None]
    quads = [torch.stack([a + rr * start_off, b + rr * end_off, b - rr * end_off,
                          a - rr * start_off], 1)]
    quad_path = [path]
    fans: list[tuple[Tensor, Tensor, Tensor, Tensor, Tensor]] = []

    joint = ~ribbon
    s = torch.where(cross < 0, -1.0, 1.0).to(dtype)[:, None]
    p0 = v - s * rj[:, None] * _perp(d0)
    p1 = v - s * rj[:, None] * _perp(d1)
    cos_half = ((1 + dot) / 2).clamp_min(0).sqrt()
    miter_ok = (kind == JOIN_MITER) & (cos_half * miter_limit[path[i0]] >= 1)
    tip = v - s * rj[:, None] * (_perp(d0) + _perp(d1)) / torch.where(
        miter_ok, 1 + dot, 1.0)[:, None]
    tip = torch.where(miter_ok[:, None], tip, (p0 + p1) / 2)
    flat = joint & (kind != JOIN_ROUND)
    quads.append(torch.stack([v, p0, tip, p1], 1)[flat])
    quad_path.append(path[i0][flat])
    rnd = joint & (kind == JOIN_ROUND)
    fans.append((v[rnd], _angle(p0 - v)[rnd], torch.atan2(cross, dot)[rnd], rj[rnd],
                 path[i0][rnd]))

    # Caps at the ends of open contours.
    with torch.no_grad():
        open_c = ~closed[contour]
        head = torch.nonzero(starts & open_c).squeeze(1)
        tail = last_of[head]
        cap_kind = cap[path[head]]
    pi = torch.full_like(r[head], math.pi)
    ha, hd, hn, hr = a[head], d[head], nrm[head], r[head][:, None]
    tb, td, tn, tr = b[tail], d[tail], nrm[tail], r[tail][:, None]
    sq = cap_kind == CAP_SQUARE
    quads.append(torch.stack([ha + hr * hn, ha - hr * hn, ha - hr * hn - hr * hd,
                              ha + hr * hn - hr * hd], 1)[sq])
    quads.append(torch.stack([tb + tr * tn, tb + tr * tn + tr * td, tb - tr * tn + tr * td,
                              tb - tr * tn], 1)[sq])
    quad_path += [path[head][sq], path[head][sq]]
    rc = cap_kind == CAP_ROUND
    fans.append((ha[rc], _angle(hn)[rc], pi[rc], r[head][rc], path[head][rc]))
    fans.append((tb[rc], _angle(-tn)[rc], pi[rc], r[tail][rc], path[head][rc]))

    # Zero-length contours: a dot for round and square caps (SVG), nothing for butt.
    with torch.no_grad():
        has_piece = torch.zeros(closed.shape[0], dtype=torch.bool, device=device)
        has_piece[contour] = True
        dots = torch.nonzero(paths[contour_path] & ~has_piece & (n_segments > 0)).squeeze(1)
        dot_path = contour_path[dots]
        dot_cap = cap[dot_path]
    centre = torch.einsum("nij,nj->ni", inv[dot_path], points[dots, 0])
    rd = half_width[dot_path]
    sqd = dot_cap == CAP_SQUARE
    c, h = centre[sqd], rd[sqd][:, None]
    ex, ey = c.new_tensor([1.0, 0.0]), c.new_tensor([0.0, 1.0])
    quads.append(torch.stack([c - h * ex - h * ey, c + h * ex - h * ey, c + h * ex + h * ey,
                              c - h * ex + h * ey], 1))
    quad_path.append(dot_path[sqd])
    rdot = dot_cap == CAP_ROUND
    for start in (0.0, math.pi):  # two half discs
        fans.append((centre[rdot], torch.full_like(rd[rdot], start),
                     torch.full_like(rd[rdot], math.pi), rd[rdot], dot_path[rdot]))

    # Map back to pixels; arcs get enough points for ``tolerance`` at the largest radius.
    fwd = transform
    polys_q = torch.cat(quads)
    qpath = torch.cat(quad_path)
    out = [_edges(torch.einsum("nij,nvj->nvi", fwd[qpath], polys_q), qpath)]
    fan_parts = [torch.cat(parts) for parts in zip(*fans, strict=True)]
    if fan_parts[0].shape[0]:
        scale = float(torch.linalg.matrix_norm(fwd, ord=2).max()) if fwd.shape[0] else 1.0
        r_max = float(fan_parts[3].detach().max()) * scale
        step = 2 * math.acos(max(-1.0, 1 - tolerance / max(r_max, tolerance)))
        n_arc = int(min(64, max(4, math.ceil(math.pi / max(step, 1e-3)))))
        polys_f = _fan(*fan_parts[:4], n_arc)
        fpath = fan_parts[4]
        out.append(_edges(torch.einsum("nij,nvj->nvi", fwd[fpath], polys_f), fpath))
    return Outline(torch.cat([o.a for o in out]), torch.cat([o.b for o in out]),
                   torch.cat([o.path for o in out]))

