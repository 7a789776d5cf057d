"""Starting strokes: the seed project's random walks, or short smooth arcs.

Why arcs: a random walk of 1-3 cubic segments often starts as a loop or a knot ("S"
and "e" shapes); Adam moves the strokes the network cares about and leaves the others
as they started, so those loops survive into the final drawing as clutter. A short arc
starts as a clean mark: whatever the optimizer does not move still reads as hatching.

Convention:
    User units of a canvas ``size = (W, H)``; every stroke has ``S`` cubic segments,
    ``points (P, 3S+1, 2)``, like :meth:`vecdream.drawing.Drawing.random`.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from vecdream.drawing import Drawing

__all__ = ["INITS", "arc_points", "initial_drawing", "smooth_strokes"]

INITS = ("walk", "smooth")
"""Names of the starts :func:`initial_drawing` knows."""


def arc_points(centre: Tensor, angle: Tensor, length: Tensor, turn: Tensor,
               segments: int) -> Tensor:
    """Cubic control points of circular arcs, ``(P, 3 * segments + 1, 2)``.

    Args:
        centre: ``(P, 2)`` midpoint of each arc.
        angle: ``(P,)`` direction (radians) at the midpoint.
        length: ``(P,)`` arc length in user units.
        turn: ``(P,)`` total turning angle (radians); 0 is a straight line.
        segments: cubic segments per arc.
    """
    k = torch.linspace(-0.5, 0.5, segments + 1, dtype=centre.dtype)  # node positions / length
    phi = angle[:, None] + turn[:, None] * k[None]  # (P, S+1) tangent direction at nodes
    # Position along a circle of curvature turn / length, relative to the midpoint:
    # the integral of (cos, sin)(angle + turn * u) du from 0 to k, times length.
    half = turn[:, None] * k[None] / 2
    chord = length[:, None] * k[None] * torch.sinc(half / math.pi)
    mid_dir = angle[:, None] + half
    nodes = centre[:, None] + chord[..., None] * torch.stack([mid_dir.cos(), mid_dir.sin()], -1)
    tangent = torch.stack([phi.cos(), phi.sin()], -1)  # (P, S+1, 2)
    # Handles of a cubic arc: (4/3) tan(dphi/4) * radius ~ segment length / 3.
    seg = (length / segments)[:, None, None]
    dphi = (turn / segments)[:, None, None]
    handle = seg * torch.where(dphi.abs() < 1e-6, torch.full_like(dphi, 1 / 3),
                               4 / 3 * torch.tan(dphi / 4) / dphi.where(dphi.abs() >= 1e-6,
                                                                        torch.ones_like(dphi)))
    p0, p3 = nodes[:, :-1], nodes[:, 1:]
    p1 = p0 + handle * tangent[:, :-1]
    p2 = p3 - handle * tangent[:, 1:]
    ctrl = torch.stack([p0, p1, p2], dim=2).reshape(len(centre), 3 * segments, 2)
    return torch.cat([ctrl, nodes[:, -1:]], dim=1)


def smooth_strokes(n_paths: int, *, size: tuple[float, float] = (224.0, 224.0),
                   segments: int = 3, length: tuple[float, float] = (0.1, 0.3),
                   turn: float = 1.5, width: float = 1.0, colors: bool = False,
                   generator: torch.Generator | None = None) -> Drawing:
    """Short smooth arcs with uniform midpoints and directions.

    Args:
        n_paths: number of strokes.
        size: canvas ``(W, H)`` in user units.
        segments: cubic segments per stroke (3: the random walk's most, same cost).
        length: arc length range as fractions of the canvas's mean side (longer arcs
            than (0.05, 0.2) reached more activation in benchmarks/quality.py).
        turn: the largest total turning angle in radians (uniform in ``[-turn, turn]``).
        width: stroke width in user units.
        colors: random opaque-ish RGBA strokes when True, black when False.
        generator: a ``torch.Generator`` to draw from (default: a fresh one).

    Returns:
        A drawing with ``points (n_paths, 3 * segments + 1, 2)``.
    """
    if n_paths < 0 or segments < 1 or not 0 < length[0] <= length[1]:
        raise ValueError(f"smooth_strokes: expected n_paths >= 0, segments >= 1 and "
                         f"0 < length[0] <= length[1], got {n_paths}, {segments}, {length}")
    g = generator if generator is not None else torch.Generator().manual_seed(0)
    scale = torch.tensor([float(size[0]), float(size[1])])
    centre = torch.rand(n_paths, 2, generator=g) * scale
    angle = torch.rand(n_paths, generator=g) * 2 * math.pi
    side = float(scale.mean())
    lengths = (length[0] + (length[1] - length[0]) * torch.rand(n_paths, generator=g)) * side
    turns = (torch.rand(n_paths, generator=g) * 2 - 1) * turn
    points = arc_points(centre, angle, lengths, turns, segments)
    if colors:
        stroke = torch.rand(n_paths, 4, generator=g)
        stroke[:, 3] = 0.3 + 0.7 * stroke[:, 3]
    else:
        stroke = torch.tensor([0.0, 0.0, 0.0, 1.0]).repeat(n_paths, 1)
    return Drawing(points, torch.full((n_paths,), float(width)), stroke,
                   (float(size[0]), float(size[1])))


def initial_drawing(init: str, n_paths: int, size: tuple[float, float], width: float,
                    colors: bool, generator: torch.Generator) -> Drawing:
    """The start named ``init`` (one of :data:`INITS`); ``ValueError`` lists them."""
    if init == "walk":
        return Drawing.random(n_paths, size=size, width=width, colors=colors,
                              generator=generator)
    if init == "smooth":
        return smooth_strokes(n_paths, size=size, width=width, colors=colors,
                              generator=generator)
    raise ValueError(f"init: expected one of {list(INITS)}, got {init!r}")
