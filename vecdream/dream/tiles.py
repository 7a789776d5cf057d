"""Drawing geometry of the large format: repeat a drawing k x k, cut a window out of one.

Convention:
    User units of the drawing's canvas (see :mod:`vecdream.drawing`); tiles are laid
    out row by row from the top-left corner.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from vecdream.drawing import Drawing

__all__ = ["crop_drawing", "parse_tiles", "tile_drawing"]


def parse_tiles(tiles: int | str | Sequence[int]) -> tuple[int, int]:
    """``(kx, ky)`` from an int, a pair or text such as ``\"4x3\"``; ``ValueError`` if not >= 1."""
    pair = ((tiles, tiles) if isinstance(tiles, int) else
            tiles.lower().replace("×", "x").split("x") if isinstance(tiles, str) else tiles)
    try:
        kx, ky = (int(v) for v in pair)
    except (TypeError, ValueError):
        kx = ky = 0
    if kx < 1 or ky < 1:
        raise ValueError(f"tiles: expected (kx, ky) >= 1 such as (4, 4) or '4x3', got {tiles!r}")
    return kx, ky


def tile_drawing(drawing: Drawing, tiles: int | str | Sequence[int] = (4, 4)) -> Drawing:
    """Repeat a drawing ``kx x ky`` times on a canvas ``(kx * W, ky * H)``.

    Copies are laid out row by row (copy ``j * kx + i`` in cell ``(i, j)``) and painted
    in that order; colours, widths, fills, fill rules and compound contours are kept.

    Shape:
        ``points (C, N, 2) -> (kx * ky * C, N, 2)``; per-path tensors ``(P, ...) ->
        (kx * ky * P, ...)``.

    Example:
        >>> tile_drawing(Drawing.random(10, size=(64, 48), seed=0), "3x2")
        Drawing(60 paths, 60 contours, 3 segments max, size=(192.0, 96.0))
    """
    kx, ky = parse_tiles(tiles)
    w, h = drawing.size
    n = kx * ky
    cell = torch.stack(torch.meshgrid(torch.arange(ky), torch.arange(kx), indexing="ij")[::-1],
                       dim=-1).reshape(n, 1, 1, 2)
    offsets = cell.to(drawing.points) * drawing.points.new_tensor([w, h])
    points = (drawing.points[None] + offsets).reshape(-1, *drawing.points.shape[1:])
    copy = torch.arange(n, device=drawing.device).repeat_interleave(drawing.n_contours)

    def rep(t: Tensor) -> Tensor:
        return t.repeat(n, *([1] * (t.dim() - 1)))

    return Drawing(points, rep(drawing.widths), rep(drawing.stroke), (kx * w, ky * h),
                   fill=rep(drawing.fill), evenodd=rep(drawing.evenodd),
                   closed=rep(drawing.closed), n_segments=rep(drawing.n_segments),
                   contour_path=rep(drawing.contour_path) + copy * len(drawing))


def crop_drawing(drawing: Drawing, region: tuple[float, float, float, float], *,
                 reach: float = 0.0) -> Drawing:
    """The window ``(x, y, w, h)`` of a drawing as a drawing of its own.

    Keeps every path with a contour whose control-point box, grown by half the stroke
    width plus ``reach``, meets the window (a Bézier lies inside its control points'
    hull, so nothing visible is lost), shifted so the window's corner is the origin,
    on a ``(w, h)`` canvas. Differentiable w.r.t. the kept paths' parameters.

    Example:
        >>> d = Drawing.random(50, size=(200, 200), seed=0)
        >>> len(crop_drawing(d, (0, 0, 50, 50))) < len(d)
        True
    """
    x, y, w, h = (float(v) for v in region)
    with torch.no_grad():
        pts = drawing.points.detach()
        grow = drawing.widths.detach().clamp(min=0)[drawing.contour_path] / 2 + reach
        lo, hi = pts.amin(dim=1), pts.amax(dim=1)  # (C, 2)
        hit = ((hi[:, 0] + grow >= x) & (lo[:, 0] - grow <= x + w)
               & (hi[:, 1] + grow >= y) & (lo[:, 1] - grow <= y + h))
        keep = torch.zeros(len(drawing), dtype=torch.bool, device=drawing.device)
        keep[drawing.contour_path[hit]] = True
    cropped = drawing.select(keep)
    cropped.points = cropped.points - drawing.points.new_tensor([x, y])
    cropped.size = (w, h)
    return cropped

