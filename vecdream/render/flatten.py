"""Cubic Bézier contours → short line pieces, differentiably.

Convention:
    Coordinates are render pixels (x right, y down, pixel ``(i, j)`` covers
    ``[i, i+1) x [j, j+1)``). Every contour is cut into line pieces short enough that
    (a) the polyline is within ``tolerance`` pixels of the curve and (b) no piece is
    longer than ``max_length`` pixels, so a piece's bounding box touches few tiles.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import Tensor

__all__ = ["Lines", "bezier_lines", "bernstein", "sample_segments"]


class Lines(NamedTuple):
    """Line pieces of flattened contours.

    Attributes:
        a: start points, ``(L, 2)``.
        b: end points, ``(L, 2)``.
        contour: the contour of every piece, ``(L,)`` long.
        closing: True for the implicit closing line of a contour, ``(L,)`` bool. Fills
            always use it; strokes only when the contour is closed.
        first: True for the first piece of every cubic segment and for closing pieces,
            ``(L,)`` bool: the vertices where SVG draws a stroke join.
        segment: the cubic segment of every piece within its contour, ``(L,)`` long
            (-1 for closing pieces).
    """

    a: Tensor
    b: Tensor
    contour: Tensor
    closing: Tensor
    first: Tensor
    segment: Tensor


def bernstein(t: Tensor) -> Tensor:
    """Cubic Bernstein basis at parameters ``t: (N,)`` → ``(N, 4)``."""
    s = 1 - t
    return torch.stack([s * s * s, 3 * s * s * t, 3 * s * t * t, t * t * t], dim=-1)


def sample_segments(points: Tensor, t: Tensor) -> Tensor:
    """Every cubic segment evaluated at parameters ``t: (T,)``.

    Args:
        points: control points ``(..., 3S+1, 2)`` (contours share their end points).

    Returns:
        ``(..., S, T, 2)``.
    """
    ctrl = points.unfold(-2, 4, 3).transpose(-1, -2)  # (..., S, 4, 2)
    return torch.einsum("tk,...skd->...std", bernstein(t), ctrl)


def _pieces_per_segment(ctrl: Tensor, active: Tensor, tolerance: float, max_length: float,
                        max_pieces: int) -> Tensor:
    """How many equal-parameter pieces each cubic needs, ``(N,)`` long (0 when inactive).

    Uniform subdivision into ``n`` pieces deviates from the curve by at most
    ``(1/8) max|B''| / n^2`` and ``|B''| <= 6 max|P_i - 2 P_{i+1} + P_{i+2}|``.
    """
    with torch.no_grad():
        second = (ctrl[:, :2] - 2 * ctrl[:, 1:3] + ctrl[:, 2:]).norm(dim=-1).amax(dim=1)
        n_flat = torch.sqrt(0.75 * second / tolerance).ceil()
        polygon = (ctrl[:, 1:] - ctrl[:, :-1]).norm(dim=-1).sum(dim=1)
        n_short = (polygon / max_length).ceil()
        n = torch.maximum(n_flat, n_short).clamp(1, max_pieces).to(torch.long)
        return torch.where(active, n, torch.zeros_like(n))


def _refined(k: Tensor, n: Tensor, m: Tensor, refine: Tensor) -> Tensor:
    """Parameter of piece boundary ``k`` of a segment of ``n`` uniform pieces; refined
    segments (``m = n + 2`` pieces) get boundaries at ``eps`` and ``1 - eps`` too."""
    kf = k.to(n.dtype)
    eps = 0.02 / n
    inner = ((kf - 1) / n).clamp(0, 1)
    fine = torch.where(k == 0, 0.0, torch.where(k == 1, eps, torch.where(
        k == m, 1.0, torch.where(k == m - 1, 1 - eps, inner))))
    return torch.where(refine, fine, kf / n)


def bezier_lines(
    points: Tensor,
    n_segments: Tensor,
    *,
    tolerance: float = 0.1,
    max_length: float = 8.0,
    max_pieces: int = 256,
    refine_ends: Tensor | None = None,
) -> Lines:
    """Flatten contours of cubic Béziers into line pieces.

    Args:
        points: control points in pixels, ``(C, 3S+1, 2)``.
        n_segments: segments used per contour, ``(C,)`` long.
        tolerance: largest distance in pixels between curve and polyline.
        max_length: longest line piece in pixels (a hint; capped by ``max_pieces``).
        max_pieces: most pieces per cubic segment.
        refine_ends: ``(C,)`` bool: contours whose segments get one extra short piece at
            each end, so the end pieces follow the end tangents (stroke joins and caps
            are built from piece directions; SVG builds them from the tangents).

    Returns:
        :class:`Lines`; gradients flow from ``a`` and ``b`` to ``points``. Each contour
        with at least one segment also gets a closing piece from its end to its start.
    """
    n_points = points.shape[1]
    n_seg_max = (n_points - 1) // 3
    device = points.device
    # (C, S, 4, 2): segment s of contour c is points[c, 3s : 3s + 4]. A drawing with no
    # segment at all (an empty SVG has points (0, 1, 2)) has nothing to unfold.
    if n_seg_max == 0:
        ctrl = points.new_zeros(0, 4, 2)
    else:
        ctrl = points.unfold(1, 4, 3).permute(0, 1, 3, 2).reshape(-1, 4, 2)
    seg_index = torch.arange(n_seg_max, device=device)
    active = (seg_index[None, :] < n_segments[:, None]).reshape(-1)
    base = _pieces_per_segment(ctrl, active, tolerance, max_length, max_pieces)
    pieces = base
    if refine_ends is not None:
        refine = refine_ends[:, None].expand(-1, n_seg_max).reshape(-1) & active
        pieces = base + 2 * refine.long()

    seg_of_piece = torch.repeat_interleave(torch.arange(ctrl.shape[0], device=device), pieces)
    first_piece = torch.cumsum(pieces, 0) - pieces
    k = torch.arange(seg_of_piece.shape[0], device=device) - first_piece[seg_of_piece]
    n = base[seg_of_piece].to(points.dtype)
    if refine_ends is None:
        t0 = k.to(points.dtype) / n
        t1 = (k + 1).to(points.dtype) / n
    else:
        t0 = _refined(k, n, pieces[seg_of_piece], refine[seg_of_piece])
        t1 = _refined(k + 1, n, pieces[seg_of_piece], refine[seg_of_piece])
    piece_ctrl = ctrl[seg_of_piece]
    a = torch.einsum("lk,lkd->ld", bernstein(t0), piece_ctrl)
    b = torch.einsum("lk,lkd->ld", bernstein(t1), piece_ctrl)
    contour = torch.div(seg_of_piece, max(n_seg_max, 1), rounding_mode="floor")

    has_geometry = torch.nonzero(n_segments > 0).squeeze(1)
    ones = torch.ones(has_geometry.shape[0], dtype=torch.bool, device=device)
    last = points[has_geometry, 3 * n_segments[has_geometry]]
    closing_a, closing_b = last, points[has_geometry, 0]

    return Lines(
        a=torch.cat([a, closing_a]),
        b=torch.cat([b, closing_b]),
        contour=torch.cat([contour, has_geometry]),
        closing=torch.cat([torch.zeros(a.shape[0], dtype=torch.bool, device=device), ones]),
        first=torch.cat([k == 0, ones]),
        segment=torch.cat([seg_of_piece - contour * max(n_seg_max, 1),
                           torch.full_like(has_geometry, -1)]),
    )
