"""Procedural seed families: each makes a periodic, palette-true :class:`Drawing`.

Families (``FAMILIES``): ``truchet`` (diagonal triangles), ``smith`` (quarter-circle
arcs, two-coloured regions), ``carlson`` (two-scale winged Truchet), ``maze`` (10
PRINT), ``flow`` (flow-field strokes) and ``circles`` (packed concentric rings).

Every drawing tiles the plane: repeated 2×2 it shows at the seams what one render
shows wrapped around (``tests/test_seeds_families.py`` checks the pixels).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.seeds.families.base import (
    Params,
    Shape,
    assemble,
    clip_shapes,
    periodize,
    wrap_shift,
)
from vecdream.seeds.families.carlson import carlson
from vecdream.seeds.families.organic import circles, flow
from vecdream.seeds.families.truchet import maze, smith, triangles
from vecdream.seeds.palette import load_palette

__all__ = ["FAMILIES", "Family", "Params", "family_names", "make_drawing", "make_drawings"]

STYLES = ("fill", "stroke", "both")


@dataclass(frozen=True)
class Family:
    """A family: its generator and defaults (grid, probability ``p``, line width / tile)."""

    name: str
    build: Callable[[Params, np.random.Generator], list[Shape]]
    grid: int
    p: float
    line: float
    palette: str
    summary: str


FAMILIES: dict[str, Family] = {f.name: f for f in [
    Family("truchet", triangles, 8, 0.5, 0.06, "bauhaus", "diagonal triangles, 4 orientations"),
    Family("smith", smith, 8, 0.5, 0.08, "ocean", "quarter-circle arcs, two-coloured"),
    Family("carlson", carlson, 4, 0.4, 0.03, "sunset", "two-scale winged Truchet"),
    Family("maze", maze, 10, 0.5, 0.15, "mono", "10 PRINT diagonal maze"),
    Family("flow", flow, 8, 0.5, 0.1, "forest", "strokes along a periodic flow field"),
    Family("circles", circles, 4, 0.6, 0.02, "bauhaus", "packed concentric rings"),
]}


def family_names() -> list[str]:
    return list(FAMILIES)


def _generator(seed: int | None, generator: torch.Generator | None) -> np.random.Generator:
    """A NumPy generator drawn from a torch one, so one ``torch.Generator`` drives a batch."""
    if generator is None:
        generator = torch.Generator()
        generator.manual_seed(0 if seed is None else int(seed))
    return np.random.default_rng(int(torch.randint(0, 2**62, (1,), generator=generator)))


def make_drawing(
    family: str,
    *,
    size: float = 64.0,
    grid: int | None = None,
    palette: str | Sequence[str] | Tensor | None = None,
    p: float | None = None,
    style: str = "fill",
    line_width: float | None = None,
    seed: int | None = None,
    generator: torch.Generator | None = None,
    offset: tuple[float, float] = (0.0, 0.0),
) -> Drawing:
    """One seed of ``family`` on a ``(size, size)`` canvas.

    Args:
        family: a name in :data:`FAMILIES`.
        size: canvas side in user units.
        grid: tiles (or seed points) per side; default per family.
        palette: anything :func:`~vecdream.seeds.palette.load_palette` takes, ``K >= 2``;
            ``palette[0]`` is the background. Default per family.
        p: the family's probability (see each family's docstring); default per family.
        style: ``"fill"``, ``"stroke"`` (lines only, no background) or ``"both"``.
        line_width: stroke width in user units; default a fraction of the tile.
        seed: seed of a private generator (0 when neither it nor ``generator`` is given).
        generator: a ``torch.Generator`` to draw from (advanced by one draw).
        offset: move the pattern by ``(dx, dy)`` user units, wrapping around: the same
            seed seen through a shifted window (a periodic pattern has no edge).

    Returns:
        A float32 drawing whose colours all come from the palette and that tiles the plane.

    Example:
        >>> make_drawing("maze", size=32, grid=4, seed=1)
        Drawing(17 paths, 17 contours, 4 segments max, size=(32.0, 32.0))
    """
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}: expected one of {', '.join(FAMILIES)}")
    fam = FAMILIES[family]
    if style not in STYLES:
        raise ValueError(f"style: expected one of {', '.join(STYLES)}, got {style!r}")
    grid = fam.grid if grid is None else int(grid)
    if grid < 1:
        raise ValueError(f"grid: expected >= 1, got {grid}")
    if not size > 0:
        raise ValueError(f"size: expected > 0, got {size}")
    pal = load_palette(fam.palette if palette is None else palette)
    if len(pal) < 2:
        raise ValueError(f"palette: expected at least 2 colours (background + ink), got {len(pal)}")
    p = fam.p if p is None else float(p)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p: expected a probability in [0, 1], got {p}")
    width = fam.line * size / grid if line_width is None else float(line_width)
    params = Params(float(size), grid, pal, p, style, width)
    shapes = fam.build(params, _generator(seed, generator))
    canvas = (params.size, params.size)
    if offset != (0.0, 0.0):
        shapes = wrap_shift(shapes, canvas, offset)
    return assemble(clip_shapes(periodize(shapes, canvas), canvas), canvas)


def make_drawings(family: str, n: int, *, seed: int = 0, **kwargs) -> list[Drawing]:
    """``n`` seeds of a family from one generator seeded with ``seed`` (reproducible)."""
    generator = torch.Generator()
    generator.manual_seed(seed)
    return [make_drawing(family, generator=generator, **kwargs) for _ in range(n)]
