"""Gradient paint: the colour of linear and radial gradients at pixel centres.

SVG semantics: a gradient maps every point to a parameter ``t`` (linear: the
projection onto ``(x1, y1) → (x2, y2)``; radial: the circle through the point in the
family interpolating the focal circle ``(fx, fy, fr)`` and the circle ``(cx, cy, r)``),
then ``spreadMethod`` folds ``t`` into ``[0, 1]`` (pad clamps,
repeat wraps, reflect mirrors) and the stops are interpolated linearly in
non-premultiplied sRGB. Everything is differentiable w.r.t. stops, geometry and the
gradient transform, so an optimizer can learn gradient fills.

Convention: pixel coordinates; ``transform`` maps gradient space to pixels.
"""

from __future__ import annotations

import torch
from torch import Tensor

from vecdream.drawing_fields import GRAD_RADIAL, SPREAD_PAD, SPREAD_REFLECT

__all__ = ["gradient_rgba"]


def _affine_inverse(m: Tensor) -> Tensor:
    """Inverse of affine maps ``(G, 2, 3)``."""
    lin = m[:, :, :2]
    inv = torch.linalg.inv(lin)
    return torch.cat([inv, -(inv @ m[:, :, 2:])], 2)


def _parameter(kind: Tensor, geom: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Gradient parameter ``t`` at gradient-space points ``x, y (U, K)``; geom ``(U, 6)``."""
    g = geom[:, :, None].unbind(1)
    # Linear: projection on the gradient vector.
    vx, vy = g[2] - g[0], g[3] - g[1]
    lin = ((x - g[0]) * vx + (y - g[1]) * vy) / (vx * vx + vy * vy).clamp_min(1e-12)
    # Radial: the larger t with |p - f - t (c - f)| = fr + t (r - fr), the circle through
    # p of the family from the focal circle (f, fr) to (c, r), written in the stable form
    # qc / (qb + sqrt(qb^2 - qa qc)). The focal point is pulled just inside the circle,
    # as SVG 1.1 asks for one outside.
    cx, cy, r = g[0], g[1], g[2].clamp_min(1e-12)
    fr = g[5].clamp(min=0) * 1.0
    ox, oy = g[3] - cx, g[4] - cy
    dist = (ox * ox + oy * oy + 1e-24).sqrt()
    pull = torch.where(dist > 0.999 * r, 0.999 * r / dist, 1.0)
    fx, fy = cx + ox * pull, cy + oy * pull
    cdx, cdy, dr = cx - fx, cy - fy, r - fr
    px, py = x - fx, y - fy
    qa = cdx * cdx + cdy * cdy - dr * dr
    qb = px * cdx + py * cdy + fr * dr
    qc = px * px + py * py - fr * fr
    rad = qc / (qb + (qb * qb - qa * qc).clamp_min(0).add(1e-20).sqrt() + 1e-20)
    return torch.where(kind[:, None] == GRAD_RADIAL, rad, lin)


def _spread(t: Tensor, spread: Tensor) -> Tensor:
    pad = t.clamp(0, 1)
    repeat = t - torch.floor(t)
    two = t - 2 * torch.floor(t / 2)
    reflect = 1 - (two - 1).abs()
    s = spread[:, None]
    return torch.where(s == SPREAD_PAD, pad, torch.where(s == SPREAD_REFLECT, reflect, repeat))


def _stops(t: Tensor, stops: Tensor, n_stops: Tensor) -> Tensor:
    """RGBA ``(U, K, 4)`` at ``t (U, K)`` from stops ``(U, S, 5)`` (offset, r, g, b, a)."""
    n = stops.shape[1]
    k = torch.arange(n, device=t.device)
    last = (n_stops - 1).clamp_min(0)
    # Rows past the used stops repeat the last used one (no effect on the ramp).
    stops = torch.gather(stops, 1, torch.minimum(k[None], last[:, None])[..., None]
                         .expand(-1, -1, 5))
    # SVG: each offset is at least the previous one.
    offsets = torch.cummax(stops[..., 0], 1).values
    colour = stops[:, 0, None, 1:].expand(-1, t.shape[1], -1)
    for i in range(n - 1):
        o0, o1 = offsets[:, i, None], offsets[:, i + 1, None]
        width = o1 - o0
        step = (t >= o1).to(t.dtype)
        w = torch.where(width > 1e-9, ((t - o0) / width.clamp_min(1e-9)).clamp(0, 1), step)
        colour = colour + w[..., None] * (stops[:, i + 1, None, 1:] - stops[:, i, None, 1:])
    return colour


def gradient_rgba(index: Tensor, px: Tensor, py: Tensor, kind: Tensor, geom: Tensor,
                  transform: Tensor, spread: Tensor, stops: Tensor, n_stops: Tensor
                  ) -> Tensor:
    """RGBA of gradients at pixel centres.

    Args:
        index: ``(U,)`` gradient of each entry.
        px, py: ``(U, K)`` pixel centres.
        kind, spread, n_stops: ``(G,)`` long; geom ``(G, 6)``; transform ``(G, 2, 3)``
            gradient space → pixels; stops ``(G, S, 5)``.

    Returns:
        ``(U, K, 4)`` non-premultiplied RGBA.
    """
    inv = _affine_inverse(transform)[index]
    x = inv[:, 0, 0, None] * px + inv[:, 0, 1, None] * py + inv[:, 0, 2, None]
    y = inv[:, 1, 0, None] * px + inv[:, 1, 1, None] * py + inv[:, 1, 2, None]
    t = _spread(_parameter(kind[index], geom[index], x, y), spread[index])
    return _stops(t, stops[index], n_stops[index])
