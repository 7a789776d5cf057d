"""Grid Truchet families: diagonal triangles, Smith quarter-circle arcs, 10 PRINT mazes.

Every motif meets its tile's edges at the same places whatever its orientation (a
full edge, edge midpoints, corners), so neighbouring tiles always connect, and the
grid repeats across the canvas border (see :func:`~.base.periodize` for strokes).
"""

from __future__ import annotations

import math

import numpy as np

from vecdream.seeds.families.base import Params, Shape, arc, line, pie, polygon

__all__ = ["maze", "smith", "triangles"]

_HALF_PI = math.pi / 2


def _corners(x: float, y: float, s: float) -> list[tuple[float, float]]:
    """Tile corners in order TL, TR, BR, BL."""
    return [(x, y), (x + s, y), (x + s, y + s), (x, y + s)]


def triangles(params: Params, rng: np.random.Generator) -> list[Shape]:
    """Truchet's 1704 tile: a square cut on a diagonal, one half coloured, 4 orientations.

    ``p``: probability of the ``\\`` diagonal (corners TR/BL coloured) against ``/``
    (TL/BR); each tile then picks one of its two corners evenly. ``fill``: coloured
    triangles on ``palette[0]``; ``stroke``: triangle outlines; ``both``: both.
    """
    s = params.tile
    shapes = params.background()
    for j in range(params.grid):
        for i in range(params.grid):
            corners = _corners(i * s, j * s, s)
            pair = (1, 3) if rng.random() < params.p else (0, 2)
            c = pair[int(rng.integers(0, 2))]
            tri = polygon([corners[c], corners[(c + 1) % 4], corners[(c + 3) % 4]])
            colour = params.pick(rng)
            fill = colour if params.style in ("fill", "both") else None
            stroke = (params.colour(-1) if params.style == "both" else colour) \
                if params.style != "fill" else None
            shapes.append(Shape([tri], [True], fill=fill, stroke=stroke,
                                width=params.line_width if stroke else 0.0))
    return shapes


# Which piece (0: first corner disc, 1: second corner disc, 2: band) holds each half
# edge, by orientation; half edges: top-left/right, right-top/bottom, bottom-left/right,
# left-top/bottom. Orientation 0 has discs at TL and BR, orientation 1 at TR and BL.
_HALVES = ("T0", "T1", "R0", "R1", "B0", "B1", "L0", "L1")
_PIECE = (
    dict(zip(_HALVES, (0, 2, 2, 1, 2, 1, 0, 2), strict=True)),
    dict(zip(_HALVES, (2, 0, 0, 2, 1, 2, 2, 1), strict=True)),
)


def _regions(orient: np.ndarray) -> np.ndarray:
    """Connected region id of every tile piece ``(n, n, 3)``, across edges and the wrap."""
    n = orient.shape[0]
    parent = list(range(n * n * 3))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def piece(j: int, i: int, half: str) -> int:
        return (j * n + i) * 3 + _PIECE[orient[j, i]][half]

    for j in range(n):
        for i in range(n):
            for mine, theirs, nj, ni in (("R0", "L0", j, i + 1), ("R1", "L1", j, i + 1),
                                         ("B0", "T0", j + 1, i), ("B1", "T1", j + 1, i)):
                a, b = find(piece(j, i, mine)), find(piece(nj % n, ni % n, theirs))
                parent[a] = b
    return np.array([find(k) for k in range(n * n * 3)]).reshape(n, n, 3)


def smith(params: Params, rng: np.random.Generator) -> list[Shape]:
    """Smith's tile: two quarter-circle arcs joining edge midpoints, two orientations.

    The arcs cut the plane into regions of two classes that alternate (a tile's corner
    discs are class ``(i + j + orientation) % 2``, its band the other class; the grid
    must be even so the parity wraps around the canvas). Class-0 regions are
    ``palette[0]``; each class-1 region, followed across tiles and around the canvas
    border, gets one random colour of ``palette[1:]``, so neighbouring regions always
    differ. ``p``: probability of orientation 1 (arcs around TR/BL). ``stroke``/``both``
    draw the arcs in ``palette[2]`` (or ``palette[1]``).
    """
    n = params.grid
    if n % 2:
        raise ValueError(f"grid: smith's two-colouring needs an even grid, got {n}")
    s, r = params.tile, params.tile / 2
    orient = (rng.random((n, n)) < params.p).astype(int)
    region = _regions(orient)
    region_colour = {int(k): params.pick(rng) for k in dict.fromkeys(region.ravel().tolist())}
    line_colour = params.colour(2 if len(params.palette) > 2 else 1)
    fills, strokes = [], []
    for j in range(n):
        for i in range(n):
            x, y, o = i * s, j * s, orient[j, i]
            # arc centres and start angles: TL/BR for o = 0, TR/BL for o = 1
            arcs = [((x, y), 0.0), ((x + s, y + s), math.pi)] if o == 0 else \
                [((x + s, y), _HALF_PI), ((x, y + s), -_HALF_PI)]
            disc_class = (i + j + o) % 2
            colours = [params.colour(0) if (disc_class if k < 2 else 1 - disc_class) == 0
                       else region_colour[int(region[j, i, k])] for k in range(3)]
            if params.style != "stroke":
                fills.append(Shape([polygon(_corners(x, y, s))], [True], fill=colours[2]))
                fills += [Shape([pie(c, r, a, a + _HALF_PI)], [True], fill=colours[k])
                          for k, (c, a) in enumerate(arcs)]
            if params.style != "fill":
                strokes += [Shape([arc(c, r, a, a + _HALF_PI)], [False], stroke=line_colour,
                                  width=params.line_width) for c, a in arcs]
    return fills + strokes


def maze(params: Params, rng: np.random.Generator) -> list[Shape]:
    """10 PRINT CHR$(205.5+RND(1)): one diagonal line per tile, ``\\`` with probability ``p``.

    Lines run corner to corner, so they join their neighbours' at the corners.
    ``fill``/``both``: lines on a ``palette[0]`` background; ``stroke``: lines only.
    Colours: ``palette[1]`` when ``K == 2``, else a random non-background colour per line.
    """
    s = params.tile
    shapes = params.background()
    for j in range(params.grid):
        for i in range(params.grid):
            tl, tr, br, bl = _corners(i * s, j * s, s)
            seg = line(tl, br) if rng.random() < params.p else line(tr, bl)
            shapes.append(Shape([seg], [False], stroke=params.pick(rng),
                                width=params.line_width))
    return shapes
