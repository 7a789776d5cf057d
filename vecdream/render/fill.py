"""Exact-area coverage of filled regions (fills, and stroke outlines), differentiably.

Why: the coverage of a pixel by a filled region is the area of the region inside the
pixel's square. Sampling inside/outside at the centre and blurring the edge (the old
method) over-covers slivers thinner than a pixel and paints a 50 % line along
zero-area contours (an open path with a fill, a degenerate polygon). Integrating the
winding number over the pixel gets both right, as font rasterizers do.

How: the winding number is a sum over edges, ``w = sum_e w_e`` with ``w_e(x, y) = s_e``
(+1 for a downward edge, -1 upward) where the edge spans ``y`` and lies left of ``x``.
Its integral over pixel ``(i, j)`` is therefore a sum of per-edge integrals, each in
closed form (:func:`edge_pixel_area`): over the part of the edge inside row ``j``,
``∫ clamp(i + 1 - x_e(y), 0, 1) dy``. Pixels right of the edge's x-range in that row
get the whole signed height ``dy`` ("cover"), pixels left of it nothing. So each
(edge, row) deposits its exact area in the few pixels it crosses and its cover once,
just right of them; a prefix sum along the row carries the cover to every pixel on
the right. Coverage is then ``min(|acc|, 1)`` (nonzero) or the distance of ``acc`` to
the nearest even number, capped at 1 (evenodd): exact wherever edges do not overlap
inside one pixel. All of it is piecewise polynomial in the vertices, so gradients are
smooth; only the integer bookkeeping runs without gradient.
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["edge_pixel_area", "region_coverage", "rule_coverage"]

_EPS = 1.0e-9


def _ramp_integral(u: Tensor) -> Tensor:
    """``G(u) = ∫_0^u clamp(t, 0, 1) dt``."""
    return torch.where(u <= 0, 0.0, torch.where(u >= 1, u - 0.5, 0.5 * u * u))


def edge_pixel_area(xa: Tensor, ya: Tensor, xb: Tensor, yb: Tensor, col: Tensor, row: Tensor
                    ) -> Tensor:
    """Signed integral of one edge's winding over pixel ``(col, row)``, broadcasting.

    The edge runs from ``(xa, ya)`` to ``(xb, yb)``; the pixel covers
    ``[col, col+1) x [row, row+1)``. Returns ``∫ s_e * clamp(col + 1 - x_e(y), 0, 1) dy``
    over the edge's part inside the row: the edge's exact share of the pixel's area.
    """
    dy = yb - ya
    safe = torch.where(dy.abs() < _EPS, 1.0, dy)
    y0 = torch.minimum(torch.maximum(ya, row), row + 1)  # the row's part, in edge order
    y1 = torch.minimum(torch.maximum(yb, row), row + 1)
    slope = (xb - xa) / safe
    x0 = xa + (y0 - ya) * slope
    x1 = xa + (y1 - ya) * slope
    u0, u1 = col + 1 - x0, col + 1 - x1
    du = u1 - u0
    small = du.abs() < 1e-6
    mean = torch.where(
        small, ((u0 + u1) / 2).clamp(0, 1),
        (_ramp_integral(u1) - _ramp_integral(u0)) / torch.where(small, 1.0, du))
    return (y1 - y0) * mean


def _near(v: Tensor, lo: Tensor, hi: Tensor) -> Tensor:
    """``v`` clamped to ``[lo - 2, hi + 2]`` (bookkeeping only: indices stay in range)."""
    return torch.minimum(torch.maximum(v, (lo - 2).to(v.dtype)), (hi + 2).to(v.dtype))


def rule_coverage(acc: Tensor, evenodd: Tensor) -> Tensor:
    """Coverage from the integrated winding ``acc`` under the fill rule (bool, broadcast)."""
    magnitude = acc.abs()
    folded = magnitude - 2 * torch.floor(magnitude / 2)
    odd = torch.minimum(folded, 2 - folded)
    return torch.where(evenodd, odd, magnitude).clamp(max=1.0)


def region_coverage(a: Tensor, b: Tensor, region: Tensor, box: Tensor, entry_region: Tensor,
                    entry_px: Tensor, entry_py: Tensor) -> Tensor:
    """Integrated winding of regions, read at the pixels of entries.

    Args:
        a, b: edges in pixels, ``(L, 2)`` (differentiable).
        region: region of every edge, ``(L,)`` long.
        box: ``(R, 4)`` long pixel box ``x0, y0, x1, y1`` of every region (``x1, y1``
            exclusive); every pixel an entry reads must be inside its region's box.
        entry_region: ``(E,)`` region of each entry.
        entry_px, entry_py: ``(E, K)`` integer pixel columns/rows (as float or long).

    Returns:
        ``acc``, ``(E, K)``: for every entry pixel, the integral of the region's winding
        number over the pixel (feed it to :func:`rule_coverage`).
    """
    device, dtype = a.device, a.dtype
    x0, y0, x1, y1 = box.unbind(1)
    stride = x1 - x0 + 1  # one spare column collects cover right of the box
    rows = (y1 - y0).clamp_min(0)
    offset = torch.cumsum(stride * rows, 0) - stride * rows
    total = int((stride * rows).sum())
    with torch.no_grad():
        ry0, ry1 = y0[region], y1[region]
        # Far-off vertices are clamped just outside the box before the integer
        # bookkeeping, so no float ever overflows a row or column index.
        ylo = _near(torch.minimum(a[:, 1], b[:, 1]), ry0, ry1)
        yhi = _near(torch.maximum(a[:, 1], b[:, 1]), ry0, ry1)
        # Rows the edge crosses; an end exactly on a row boundary also visits the row
        # beyond it (zero height there, but half of that vertex's one-sided gradients).
        j0 = torch.maximum(torch.ceil(ylo).long() - 1, ry0)
        j1 = torch.minimum(torch.floor(yhi).long() + 1, ry1)  # exclusive
        n_rows = (j1 - j0).clamp_min(0)
        edge = torch.repeat_interleave(torch.arange(a.shape[0], device=device), n_rows)
        row = j0[edge] + torch.arange(edge.shape[0], device=device) - (
            torch.cumsum(n_rows, 0) - n_rows)[edge]
    ea, eb = a[edge], b[edge]
    rowf = row.to(dtype)
    reg = region[edge]
    with torch.no_grad():
        # The edge's part inside the row, for the bookkeeping only: the differentiable
        # values clip it once, inside edge_pixel_area, so that a vertex exactly on a row
        # boundary gets the same (averaged) one-sided gradient as the dense reference.
        dy = eb[:, 1] - ea[:, 1]
        safe = torch.where(dy.abs() < _EPS, 1.0, dy)
        ys0 = torch.minimum(torch.maximum(ea[:, 1], rowf), rowf + 1)
        ys1 = torch.minimum(torch.maximum(eb[:, 1], rowf), rowf + 1)
        xs0 = ea[:, 0] + (ys0 - ea[:, 1]) * (eb[:, 0] - ea[:, 0]) / safe
        xs1 = ea[:, 0] + (ys1 - ea[:, 1]) * (eb[:, 0] - ea[:, 0]) / safe
        rx0, rx1 = x0[reg], x1[reg]
        c_first = torch.floor(_near(torch.minimum(xs0, xs1), rx0, rx1)).long()
        c_last = torch.floor(_near(torch.maximum(xs0, xs1), rx0, rx1)).long()
        # Cover lands right of the crossed pixels, or on the box's first/spare column.
        cover_col = torch.minimum(torch.maximum(c_last + 1, x0[reg]), x1[reg])
        lo = torch.maximum(c_first, x0[reg])
        hi = torch.minimum(c_last, x1[reg] - 1)
        n_cells = (hi - lo + 1).clamp_min(0)
        row_start = offset[reg] + (row - y0[reg]) * stride[reg]
        cell_of = torch.repeat_interleave(torch.arange(edge.shape[0], device=device), n_cells)
        col = lo[cell_of] + torch.arange(cell_of.shape[0], device=device) - (
            torch.cumsum(n_cells, 0) - n_cells)[cell_of]
    ca, cb = ea[cell_of], eb[cell_of]
    area = edge_pixel_area(ca[:, 0], ca[:, 1], cb[:, 0], cb[:, 1], col.to(dtype), rowf[cell_of])
    height = (torch.minimum(torch.maximum(eb[:, 1], rowf), rowf + 1)
              - torch.minimum(torch.maximum(ea[:, 1], rowf), rowf + 1))
    # float64 keeps the long prefix sums exact enough (covers cancel along each row).
    cover = torch.zeros(total + 1, dtype=torch.float64, device=device)
    cover = cover.index_add(0, row_start + (cover_col - x0[reg]) + 1, height.double())
    prefix = torch.cumsum(cover, 0)
    cells = torch.zeros(total, dtype=dtype, device=device).index_add(
        0, row_start[cell_of] + (col - x0[reg][cell_of]), area)

    er = entry_region[:, None]
    erow = entry_py.long() - y0[er]
    estart = offset[er] + erow * stride[er]
    ecol = entry_px.long() - x0[er]
    carried = (prefix[estart + ecol + 1] - prefix[estart]).to(dtype)
    return carried + cells[estart + ecol]
