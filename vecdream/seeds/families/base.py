"""Geometry shared by the pattern families: shapes as cubic contours, and periodic closure.

Convention:
    User units of a canvas ``(W, H)``, origin top-left, y down; angles in radians
    measured from +x towards +y (clockwise on screen). Contours are NumPy float64
    arrays ``(3S+1, 2)`` of cubic Bézier control points sharing end points.

Why :func:`periodize`: a family's drawing must tile the plane. Geometry that crosses
the canvas edge (a round cap, a wing, a circle near the border) is clipped by the
canvas, so its missing part must come back in from the opposite side: every shape
that pokes out is also drawn shifted by ``±W``/``±H``, right after itself (so paint
order is kept). The drawing's 2×2 tiling then shows at each seam exactly what one
render shows wrapped around.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import torch
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.seeds.clip import clip_outline

__all__ = ["Shape", "annular_sector", "arc", "assemble", "circle", "clip_shapes", "line",
           "periodize", "pie", "polygon", "rgba", "smooth_polyline"]

RGBA = tuple[float, float, float, float]


@dataclass
class Shape:
    """One drawing path: contours (``(3S+1, 2)`` arrays), closed flags and paint."""

    contours: list[np.ndarray]
    closed: list[bool]
    fill: RGBA | None = None
    stroke: RGBA | None = None
    width: float = 0.0
    evenodd: bool = False
    tags: dict = field(default_factory=dict)

    def shifted(self, dx: float, dy: float) -> Shape:
        return replace(self, contours=[c + np.array([dx, dy]) for c in self.contours])


def rgba(colour: Tensor | np.ndarray | tuple, alpha: float = 1.0) -> RGBA:
    """An RGB triple (tensor, array or tuple in [0, 1]) as an RGBA tuple."""
    r, g, b = (float(v) for v in (colour.tolist() if hasattr(colour, "tolist") else colour))
    return (r, g, b, float(alpha))


def line(p0: tuple[float, float], p1: tuple[float, float]) -> np.ndarray:
    """A straight segment as one cubic ``(4, 2)`` (control points at thirds)."""
    a, b = np.asarray(p0, float), np.asarray(p1, float)
    return np.stack([a, a + (b - a) / 3, a + 2 * (b - a) / 3, b])


def polygon(vertices: list[tuple[float, float]]) -> np.ndarray:
    """A closed polygon as a chain of straight cubics back to its first vertex."""
    pts = [np.asarray(v, float) for v in vertices]
    chain = [line(pts[i], pts[(i + 1) % len(pts)]) for i in range(len(pts))]
    return np.concatenate([chain[0]] + [c[1:] for c in chain[1:]])


def arc(center: tuple[float, float], r: float, a0: float, a1: float) -> np.ndarray:
    """A circle arc from angle ``a0`` to ``a1`` as cubics of at most 90° each.

    Each piece of sweep ``θ`` uses the standard handle length ``k = 4/3 tan(θ/4) r``
    (for a quarter circle ``k ≈ 0.5523 r``; radial error below 2.7e-4 r).
    """
    n = max(1, math.ceil(abs(a1 - a0) / (math.pi / 2) - 1e-9))
    cx, cy = center
    out = []
    for i in range(n):
        t0, t1 = a0 + (a1 - a0) * i / n, a0 + (a1 - a0) * (i + 1) / n
        k = 4.0 / 3.0 * math.tan((t1 - t0) / 4) * r
        p0 = (cx + r * math.cos(t0), cy + r * math.sin(t0))
        p3 = (cx + r * math.cos(t1), cy + r * math.sin(t1))
        c1 = (p0[0] - k * math.sin(t0), p0[1] + k * math.cos(t0))
        c2 = (p3[0] + k * math.sin(t1), p3[1] - k * math.cos(t1))
        out.append(np.array([p0, c1, c2, p3]) if i == 0 else np.array([c1, c2, p3]))
    return np.concatenate(out)


def _join(*pieces: np.ndarray) -> np.ndarray:
    """Chain contour pieces, joining consecutive ones with a straight cubic."""
    out = [pieces[0]]
    for piece in pieces[1:]:
        out.append(line(out[-1][-1], piece[0])[1:])
        out.append(piece[1:])
    return np.concatenate(out)


def pie(center: tuple[float, float], r: float, a0: float, a1: float) -> np.ndarray:
    """A closed circle sector: centre → arc → back to the centre."""
    c = np.asarray(center, float)[None]
    return _join(c, arc(center, r, a0, a1), c)


def annular_sector(center: tuple[float, float], r0: float, r1: float, a0: float,
                   a1: float) -> np.ndarray:
    """A closed band between radii ``r0 < r1`` from angle ``a0`` to ``a1``."""
    outer, inner = arc(center, r1, a0, a1), arc(center, r0, a1, a0)
    return _join(outer, inner, outer[:1])


def circle(center: tuple[float, float], r: float) -> np.ndarray:
    """A full circle (4 quarter cubics), closed."""
    return arc(center, r, 0.0, 2 * math.pi)


def smooth_polyline(points: np.ndarray) -> np.ndarray:
    """A Catmull-Rom spline through ``(M, 2)`` points as ``M - 1`` cubics ``(3M-2, 2)``."""
    p = np.asarray(points, float)
    padded = np.concatenate([p[:1], p, p[-1:]])
    out = [p[:1]]
    for i in range(len(p) - 1):
        a, b, c, d = padded[i], padded[i + 1], padded[i + 2], padded[i + 3]
        out.append(np.stack([b + (c - a) / 6, c - (d - b) / 6, c]))
    return np.concatenate(out)


def periodize(shapes: list[Shape], size: tuple[float, float]) -> list[Shape]:
    """Add each shape's copies shifted by ``±W``/``±H`` that reach into the canvas.

    A copy follows its original in paint order. The extent tested is the control
    points' box grown by half the stroke width (a Bézier lies in its control hull).
    Shapes must extend less than one canvas beyond the border.
    """
    w, h = size
    out: list[Shape] = []
    for shape in shapes:
        out.append(shape)
        pts = np.concatenate(shape.contours)
        grow = shape.width / 2 if shape.stroke is not None else 0.0
        lo, hi = pts.min(axis=0) - grow, pts.max(axis=0) + grow
        for dy in (-h, 0.0, h):
            for dx in (-w, 0.0, w):
                if (dx, dy) == (0.0, 0.0):
                    continue
                if hi[0] + dx > 1e-9 and lo[0] + dx < w - 1e-9 and \
                        hi[1] + dy > 1e-9 and lo[1] + dy < h - 1e-9:
                    out.append(shape.shifted(dx, dy))
    return out


def wrap_shift(shapes: list[Shape], size: tuple[float, float], offset: tuple[float, float]
               ) -> list[Shape]:
    """Shapes moved by ``offset``, each then brought back by whole canvases so that its
    control-box centre lies on the canvas (what :func:`periodize` expects)."""
    w, h = size
    out = []
    for shape in shapes:
        pts = np.concatenate(shape.contours)
        cx, cy = (pts.min(axis=0) + pts.max(axis=0)) / 2 + np.asarray(offset)
        out.append(shape.shifted(offset[0] - math.floor(cx / w) * w,
                                 offset[1] - math.floor(cy / h) * h))
    return out


def clip_shapes(shapes: list[Shape], size: tuple[float, float]) -> list[Shape]:
    """Every shape's geometry clipped to the canvas (see :mod:`vecdream.seeds.clip`).

    After :func:`periodize`, clipping makes fills meet exactly at the seams of a tiling
    (nothing is painted twice across a seam); a stroke keeps its round caps, which
    reach ``width / 2`` past the cut.
    """
    out = []
    for shape in shapes:
        parts = [part for c, closed in zip(shape.contours, shape.closed, strict=True)
                 for part in clip_outline(c, closed, (0.0, 0.0, *size), shape.fill is not None)]
        if parts:
            out.append(replace(shape, contours=[p for p, _ in parts],
                               closed=[c for _, c in parts]))
    return out


def assemble(shapes: list[Shape], size: tuple[float, float]) -> Drawing:
    """Pack shapes into a float32 :class:`Drawing` (contours padded with their last point)."""
    contours = [c for s in shapes for c in s.contours]
    n_seg = [(len(c) - 1) // 3 for c in contours]
    max_seg = max(n_seg, default=1)
    points = np.zeros((len(contours), 3 * max_seg + 1, 2))
    for i, c in enumerate(contours):
        points[i, :len(c)] = c
        points[i, len(c):] = c[-1]
    none = (0.0, 0.0, 0.0, 0.0)
    f32 = torch.float32
    return Drawing(
        torch.tensor(points, dtype=f32),
        torch.tensor([s.width if s.stroke is not None else 0.0 for s in shapes], dtype=f32),
        torch.tensor([s.stroke or none for s in shapes], dtype=f32).reshape(-1, 4),
        (float(size[0]), float(size[1])),
        fill=torch.tensor([s.fill or none for s in shapes], dtype=f32).reshape(-1, 4),
        evenodd=torch.tensor([s.evenodd for s in shapes], dtype=torch.bool),
        closed=torch.tensor([c for s in shapes for c in s.closed], dtype=torch.bool),
        n_segments=torch.tensor(n_seg, dtype=torch.long),
        contour_path=torch.tensor([i for i, s in enumerate(shapes) for _ in s.contours],
                                  dtype=torch.long),
    )


@dataclass
class Params:
    """What every family reads. See :func:`vecdream.seeds.families.make_drawing`.

    ``palette`` is ``(K, 3)`` with ``K >= 2``; ``palette[0]`` is the paper/background.
    ``style`` is ``"fill"`` (filled motifs on a background), ``"stroke"`` (lines only,
    no background: plotter-ready) or ``"both"``. ``p`` is the family's probability
    (documented per family); ``line_width`` is in user units.
    """

    size: float
    grid: int
    palette: Tensor
    p: float
    style: str
    line_width: float

    def colour(self, i: int, alpha: float = 1.0) -> RGBA:
        return rgba(self.palette[i % len(self.palette)], alpha)

    def pick(self, rng: np.random.Generator, start: int = 1) -> RGBA:
        """A random palette colour from index ``start`` on (the background excluded)."""
        k = len(self.palette)
        return self.colour(int(rng.integers(start, k)) if k > start else 0)

    @property
    def tile(self) -> float:
        return self.size / self.grid

    def background(self) -> list[Shape]:
        """The canvas filled with ``palette[0]``, unless the style is strokes only."""
        if self.style == "stroke":
            return []
        s = self.size
        return [Shape([polygon([(0, 0), (s, 0), (s, s), (0, s)])], [True], fill=self.colour(0))]
