"""Carlson's multi-scale ("winged") Truchet tiles, two scales.

After C. Carlson, *Multi-Scale Truchet Patterns* (Bridges 2018): a tile is a square of
background colour with two thick quarter-ring bands (radii ``s/3``..``2s/3``) around
opposite corners, and *wings*: full discs of radius ``s/6`` centred on its four
corners, drawn beyond the tile. A tile may be replaced by four half-size tiles with
the colours swapped, drawn after the large ones. Along a shared edge the large
tile's colours and the small tiles' swapped colours then agree everywhere except
within ``s/12`` of the small tiles' corners, which is exactly where the small tiles'
wings cover both sides of the edge: the scales meet without a seam.
"""

from __future__ import annotations

import math

import numpy as np

from vecdream.seeds.families.base import Params, Shape, annular_sector, circle, polygon

__all__ = ["carlson"]


def _tile(x: float, y: float, s: float, fg, bg, orientation: int) -> list[Shape]:
    shapes = [Shape([polygon([(x, y), (x + s, y), (x + s, y + s), (x, y + s)])], [True],
                    fill=bg)]
    centres = [((x, y), 0.0), ((x + s, y + s), math.pi)] if orientation == 0 else \
        [((x + s, y), math.pi / 2), ((x, y + s), -math.pi / 2)]
    shapes += [Shape([annular_sector(c, s / 3, 2 * s / 3, a, a + math.pi / 2)], [True],
                     fill=fg, tags={"band": True}) for c, a in centres]
    shapes += [Shape([circle(c, s / 6)], [True], fill=fg)
               for c in [(x, y), (x + s, y), (x + s, y + s), (x, y + s)]]
    return shapes


def carlson(params: Params, rng: np.random.Generator) -> list[Shape]:
    """Two-scale winged Truchet: each grid tile splits into four with probability ``p``.

    Colours ``palette[0]``/``palette[1]`` (swapped on the small scale). Fill style only
    (the motif is regions); ``stroke``/``both`` add the band outlines in ``palette[2]``.
    """
    s = params.tile
    a, b = params.colour(0), params.colour(1)
    large, small = [], []
    for j in range(params.grid):
        for i in range(params.grid):
            x, y = i * s, j * s
            if rng.random() < params.p:
                for dj in (0, 1):
                    for di in (0, 1):
                        small += _tile(x + di * s / 2, y + dj * s / 2, s / 2, b, a,
                                       int(rng.integers(0, 2)))
            else:
                large += _tile(x, y, s, a, b, int(rng.integers(0, 2)))
    shapes = large + small
    if params.style != "fill":
        outline = params.colour(2 if len(params.palette) > 2 else 1)
        shapes += [Shape(sh.contours, sh.closed, stroke=outline, width=params.line_width)
                   for sh in shapes if sh.tags.get("band")]
    return shapes
