"""Seamless seeds: whether a seed tiles, and variations that keep it tiling.

Mosaic crops the repeated plane of a seed anywhere, so a seed that tiles must stay
seamless through every variation. :func:`seam_score` renders the seed and counts the
pixel rows and columns that jump across its wrap-around edges (last column to first,
last row to first) more than they jump just beside them: in a seamless seed the wrap
looks like any other pixel boundary.

:func:`lattice_variation` varies the *infinite tiling*, not the cell: it rotates the
plane by an angle whose rotated lattice still has an axis-aligned period
(:data:`EXACT_ANGLES`: ``tan θ = a / b`` with integers ``a``, ``b``, for square cells;
the new period is ``sqrt(a² + b²)`` cells wide), shifts it by any offset, mirrors it,
and cuts one new period cell, scaled back to the seed's canvas. The cut pieces carry a
small bleed past the canvas edge, so tiled copies overlap instead of abutting (no
hairline where a filled shape crosses the seam). The cell holds at least one whole
period of the source: every motif, at the same ink coverage.

Convention:
    User units, origin top-left, y down; angles in degrees, clockwise on screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.render import render
from vecdream.seeds.transforms import crop, flip, rotate, tile, with_points

__all__ = ["DEFAULT_ANGLES", "EXACT_ANGLES", "SeamScore", "image_seam_score", "is_seamless",
           "lattice_variation", "seam_score"]

EXACT_ANGLES: dict[float, tuple[int, int]] = {
    math.degrees(math.atan2(a, b)): (a, b)
    for a, b in ((0, 1), (1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (3, 4), (4, 3))
}
"""Rotations of a square lattice that keep an axis-aligned period: angle -> ``(a, b)``
with ``tan θ = a / b``; the new cell is ``sqrt(a² + b²)`` source cells wide (45°: √2,
26.57° and 63.43°: √5, 18.43° and 71.57°: √10, 36.87° and 53.13°: 5). Multiples of 90°
and mirrors are the lattice's own symmetries. Other angles have no period and are not
offered."""

DEFAULT_ANGLES = tuple(a for a, (p, q) in EXACT_ANGLES.items() if p * p + q * q <= 5)
"""What a random variation picks from: cells up to √5 source cells wide (0°, 45°, 26.57°,
63.43°), so scaled back onto the canvas the motif keeps at least 45 % of its size."""

SEAM_MARGIN = 1.5
"""A seed tiles when its wrap edge jumps at most this many times as much as its
strongest interior pixel column (or row), plus 0.01: a cut shape makes the wrap the
strongest straight edge in the picture, a pattern edge lying on the wrap does not.
Measured on the procedural families (every style; ratios 0.02 to 1.35, one family's
stroke style really broken at 1.57) and random blobs cut by the canvas (1.4 to 4.4)."""

BLEED = 0.004
"""Bleed of a cut cell past its canvas, as a fraction of the cell side."""

@dataclass(frozen=True)
class SeamScore:
    """The wrap-around seam of a render: ``seam``, the mean jump (RGB in [0, 1]) across
    the wrap, and ``interior``, the same for the strongest column or row inside."""

    seam: float
    interior: float

    @property
    def seamless(self) -> bool:
        return self.seam <= SEAM_MARGIN * self.interior + 0.01


def _jumps(image, axis: int) -> tuple[float, float]:
    """Mean two-pixel jump across the wrap and at the strongest interior position."""
    # Two-pixel differences on the wrapped image: an edge between two pixels and one
    # through the middle of a pixel count alike, wherever the render's grid falls.
    jump = (image.roll(-1, axis) - image.roll(1, axis)).abs().amax(0)
    profile = jump.mean(dim=1 - (axis - 1))  # one value per column (axis 2) or row (1)
    return float(torch.maximum(profile[0], profile[-1])), float(profile[2:-2].max())


def seam_score(drawing: Drawing, px: int = 256) -> SeamScore:
    """How the seed's canvas edges meet when it is tiled, in a ``px`` render.

    The jump across the left/right wrap (and the top/bottom one) against the strongest
    pixel column (row) inside: a shape cut at the canvas edge makes the wrap the
    strongest straight edge of the picture, a pattern edge lying on the wrap (tile
    borders of a Truchet seed) is as strong as its twins inside.
    """
    w, h = drawing.size
    width = min(4096, max(px, round(64 * w / h)))  # a thin cell still gets 64 px across
    with torch.no_grad():
        image = render(drawing.detach().to("cpu", torch.float32), width)
    return image_seam_score(image)


def image_seam_score(image: Tensor) -> SeamScore:
    """:func:`seam_score` of a render ``(3, H, W)`` (a seed folder's PNGs, say)."""
    x, y = _jumps(image, 2), _jumps(image, 1)
    worse = max(x, y, key=lambda sj: sj[0] - SEAM_MARGIN * sj[1])
    return SeamScore(*worse)


def is_seamless(drawing: Drawing, px: int = 256) -> bool:
    """Whether the seed's canvas is a period of its pattern (see :func:`seam_score`)."""
    return seam_score(drawing, px).seamless


def lattice_variation(d: Drawing, generator: torch.Generator | None = None, *,
                      angle: float | None = None, mirror: bool | None = None) -> Drawing:
    """One variation of a seamless seed that tiles exactly, on the seed's canvas size.

    Args:
        d: a seed whose canvas is its period (:func:`is_seamless`).
        generator: draws the choices left as None and the offset.
        angle: one of :data:`EXACT_ANGLES` plus a multiple of 90° (square cells; a
            rectangular cell takes multiples of 180° only); None: random, from
            :data:`DEFAULT_ANGLES`.
        mirror: mirror the plane left-right first; None: random.

    Returns:
        The new period cell scaled onto ``d.size``, with a bleed past its edges.
    """
    g = generator
    w, h = d.size
    square = abs(w - h) <= 1e-9 * max(w, h)
    if angle is None:
        turns = int(torch.randint(0, 4 if square else 2, (), generator=g))
        base = DEFAULT_ANGLES[int(torch.randint(0, len(DEFAULT_ANGLES), (), generator=g))]
        angle = (base if square else 0.0) + turns * (90.0 if square else 180.0)
    quarter, rest = divmod(angle, 90.0)
    key = min(EXACT_ANGLES, key=lambda a: abs(a - rest))
    if abs(key - rest) > 0.01 or (not square and (rest != 0 or int(quarter) % 2)):
        raise ValueError(f"angle: {angle}° has no exact period on a {w:g}x{h:g} cell; "
                         f"square cells take {sorted(round(a, 2) for a in EXACT_ANGLES)} "
                         "plus multiples of 90°, others multiples of 180°")
    a, b = EXACT_ANGLES[key]
    if mirror is None:
        mirror = bool(torch.rand((), generator=g) < 0.5)
    source = flip(d) if mirror else d
    side = math.hypot(a, b)  # the new cell, in source cells
    cell = (side * w, side * h) if square else (w, h)
    reach = math.hypot(*cell) + max(w, h)
    n = 2 * math.ceil(reach / min(w, h)) + 1
    angle = 90.0 * quarter + key  # snapped: 26.57 means atan(1/2) exactly
    plane = rotate(tile(source, n), angle, expand=False)  # about the plane's centre
    cx, cy = n * w / 2, n * h / 2
    ox = float(torch.rand((), generator=g)) * w - w / 2
    oy = float(torch.rand((), generator=g)) * h - h / 2
    bleed = BLEED * max(cell)
    x0, y0 = cx - cell[0] / 2 + ox - bleed, cy - cell[1] / 2 + oy - bleed
    cut = crop(plane, (x0, y0, cell[0] + 2 * bleed, cell[1] + 2 * bleed))
    cut = with_points(cut, cut.points - bleed, cell)  # the bleed hangs past the canvas
    out = cut.scaled(w / cell[0])
    out.size = (w, h)
    return out
