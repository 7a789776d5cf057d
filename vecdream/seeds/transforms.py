"""The geometric operations of Mosaic on a seed, in the vector domain (Drawing in, out).

Rotate, mirror, transpose, scale, crop, tile and place side by side: what
:mod:`vecdream.seeds.variations` chains into variations and
:mod:`vecdream.seeds.seamless` applies to a seed's infinite tiling. Geometry stays
Bézier curves; crops clip the curves (:mod:`vecdream.seeds.clip`).

Convention:
    User units, origin top-left, y down. Angles in degrees, positive clockwise on
    screen (SVG's ``rotate``). Multiples of 90° are exact coordinate permutations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.dream.tiles import tile_drawing
from vecdream.seeds.clip import clip_drawing

__all__ = ["concat", "crop", "flip", "rotate", "scale", "tile", "transpose", "with_points"]


def with_points(d: Drawing, points: Tensor, size: tuple[float, float]) -> Drawing:
    """``d`` with new control points ``(C, 3S+1, 2)`` on a canvas of ``size`` (paint kept)."""
    out = d.clone()
    out.points, out.size = points, (float(size[0]), float(size[1]))
    return out


def rotate(d: Drawing, angle: float, *, expand: bool = True) -> Drawing:
    """Rotate by ``angle`` degrees (clockwise on screen).

    Multiples of 90° permute coordinates exactly (the canvas turns with the drawing).
    Other angles rotate about the canvas centre; ``expand`` grows the canvas to hold the
    whole rotated canvas, else the size is kept and corners leave it (see :func:`crop`).
    """
    w, h = d.size
    x, y = d.points[..., 0], d.points[..., 1]
    quarter = angle / 90.0
    if abs(quarter - round(quarter)) < 1e-12:
        k = round(quarter) % 4
        if k == 0:
            return d.clone()
        pts = [None, (h - y, x), (w - x, h - y), (y, w - x)][k]
        return with_points(d, torch.stack(pts, -1), (h, w) if k % 2 else (w, h))
    a = math.radians(angle)
    cos, sin = math.cos(a), math.sin(a)
    new = (abs(w * cos) + abs(h * sin), abs(w * sin) + abs(h * cos)) if expand else (w, h)
    dx, dy = x - w / 2, y - h / 2
    pts = torch.stack([cos * dx - sin * dy + new[0] / 2, sin * dx + cos * dy + new[1] / 2], -1)
    return with_points(d, pts, new)


def flip(d: Drawing, axis: str = "horizontal") -> Drawing:
    """Mirror left-right (``"horizontal"``: ``x -> W - x``) or top-bottom (``"vertical"``)."""
    if axis not in ("horizontal", "vertical"):
        raise ValueError(f"flip: axis must be 'horizontal' or 'vertical', got {axis!r}")
    i = 0 if axis == "horizontal" else 1
    pts = d.points.clone()
    pts[..., i] = d.size[i] - d.points[..., i]
    return with_points(d, pts, d.size)


def transpose(d: Drawing) -> Drawing:
    """Swap x and y (mirror on the main diagonal); the canvas becomes ``(H, W)``."""
    return with_points(d, d.points.flip(-1), (d.size[1], d.size[0]))


def scale(d: Drawing, factor: float | Sequence[float]) -> Drawing:
    """Scale geometry, widths and canvas by ``factor`` (see :meth:`Drawing.scaled`)."""
    return d.scaled(factor)


def crop(d: Drawing, window: tuple[float, float, float, float]) -> Drawing:
    """The window ``(x, y, w, h)`` as a drawing, geometry clipped (curves kept as curves)."""
    return clip_drawing(d, window)


def tile(d: Drawing, kx: int, ky: int | None = None) -> Drawing:
    """``kx × ky`` copies on a ``(kx W, ky H)`` canvas (seamless for family seeds)."""
    return tile_drawing(d, (kx, kx if ky is None else ky))


def concat(parts: Sequence[tuple[Drawing, tuple[float, float]]], size: tuple[float, float]
           ) -> Drawing:
    """Drawings placed at offsets on one canvas, painted in order."""
    if not parts:
        raise ValueError("concat: expected at least one drawing")
    n_points = max(d.points.shape[1] for d, _ in parts)
    pts, cpath, base = [], [], 0
    for d, (ox, oy) in parts:
        p = d.points.detach() + d.points.new_tensor([ox, oy])
        pts.append(torch.cat([p, p[:, -1:].expand(-1, n_points - p.shape[1], -1)], 1))
        cpath.append(d.contour_path + base)
        base += len(d)
    cat = lambda name: torch.cat([getattr(d, name).detach() for d, _ in parts])  # noqa: E731
    return Drawing(torch.cat(pts), cat("widths"), cat("stroke"), size, fill=cat("fill"),
                   evenodd=cat("evenodd"), closed=cat("closed"), n_segments=cat("n_segments"),
                   contour_path=torch.cat(cpath))
