"""Non-Truchet families: flow-field strokes and packed concentric rings, both periodic.

Periodic by construction: the flow field is a sum of sinusoids with whole periods
across the canvas, and circles are packed with wrapped (toroidal) distances, so
nothing overlaps across the border; :func:`~.base.periodize` then brings back what
crosses it.
"""

from __future__ import annotations

import math

import numpy as np

from vecdream.seeds.families.base import Params, Shape, circle, smooth_polyline

__all__ = ["circles", "flow"]


def _field(rng: np.random.Generator, size: float, strength: float):
    """A periodic angle field ``θ(x, y)``: 4 sinusoids of whole frequencies 1..3."""
    freq = rng.integers(1, 4, size=(4, 2)) * rng.choice([-1, 1], size=(4, 2))
    phase = rng.uniform(0, 2 * math.pi, 4)
    amp = rng.uniform(0.5, 1.0, 4) * strength * math.pi
    base = rng.uniform(0, 2 * math.pi)

    def theta(p: np.ndarray) -> np.ndarray:
        arg = 2 * math.pi * (p @ freq.T) / size + phase  # (N, 4)
        return base + (np.sin(arg) * amp).sum(axis=-1)
    return theta


def flow(params: Params, rng: np.random.Generator) -> list[Shape]:
    """Strokes following a periodic flow field from ``grid × grid`` jittered seeds.

    ``p`` in [0, 1]: curl of the field (0 = parallel strokes). Each stroke is 16 steps,
    ``0.35 W`` long, smoothed through its points (Catmull-Rom → cubics), coloured from
    ``palette[1:]``; ``fill``/``both`` put them on ``palette[0]``.
    """
    n, size = params.grid, params.size
    theta = _field(rng, size, params.p)
    cells = (np.stack(np.meshgrid(np.arange(n), np.arange(n)), -1).reshape(-1, 2)
             + rng.uniform(0.1, 0.9, (n * n, 2))) * (size / n)
    steps, step = 16, 0.35 * size / 16
    pts = [cells]
    for _ in range(steps):
        a = theta(pts[-1])
        pts.append(pts[-1] + step * np.stack([np.cos(a), np.sin(a)], -1))
    lines = np.stack(pts, 1)  # (n*n, steps+1, 2)
    shapes = params.background()
    for polyline in lines:
        shapes.append(Shape([smooth_polyline(polyline[::2])], [False], stroke=params.pick(rng),
                            width=params.line_width))
    return shapes


def _wrapped_distance(a: np.ndarray, b: np.ndarray, size: float) -> np.ndarray:
    d = np.abs(a - b)
    d = np.minimum(d, size - d)
    return np.hypot(d[..., 0], d[..., 1])


def circles(params: Params, rng: np.random.Generator) -> list[Shape]:
    """Concentric rings packed without overlap on the torus (largest first).

    Radii are uniform in ``[0.15, 0.5] * W / grid``; ``30 * grid²`` candidates are tried.
    ``p``: probability that a disc gets rings (else it is a plain disc). ``fill``: rings
    as stacked discs of palette colours; ``stroke``: rings as circles; ``both``: discs
    outlined.
    """
    n, size = params.grid, params.size
    unit = size / n
    radii = np.sort(rng.uniform(0.15, 0.5, 30 * n * n) * unit)[::-1]
    centres = rng.uniform(0, size, (len(radii), 2))
    placed: list[tuple[np.ndarray, float]] = []
    gap = 0.04 * unit + params.line_width
    for c, r in zip(centres, radii, strict=True):
        if placed:
            pc = np.stack([q for q, _ in placed])
            pr = np.array([q for _, q in placed])
            if (_wrapped_distance(pc, c, size) < pr + r + gap).any():
                continue
        placed.append((c, float(r)))
    shapes = params.background()
    for c, r in placed:
        rings = int(rng.integers(2, 5)) if rng.random() < params.p else 1
        for k in range(rings):
            radius = r * (rings - k) / rings
            colour = params.pick(rng)
            fill = colour if params.style != "stroke" else None
            stroke = None if params.style == "fill" else (
                params.colour(-1) if params.style == "both" else colour)
            shapes.append(Shape([circle(tuple(c), radius)], [True], fill=fill, stroke=stroke,
                                width=params.line_width if stroke else 0.0))
    return shapes
