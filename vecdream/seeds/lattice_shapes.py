"""Start shapes of the lattice generator's codebook: the primitives of tile patterns.

Curves are closed paths of ``segments`` cubics in cell coordinates (``[0, 1]^2``), as
:class:`~vecdream.seeds.lattice.LatticeGenerator` stores its motifs.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

__all__ = ["polygon", "rectangle", "ring", "start_motifs"]


def ring(centre: tuple[float, float], radius: float, segments: int) -> Tensor:
    """A circle of ``segments`` cubic arcs, ``(3S+1, 2)``, closed on its first point."""
    k = 4 / 3 * math.tan(math.pi / (2 * segments))
    pts = []
    for j in range(segments):
        a0, a1 = 2 * math.pi * j / segments, 2 * math.pi * (j + 1) / segments
        c0, s0, c1, s1 = math.cos(a0), math.sin(a0), math.cos(a1), math.sin(a1)
        pts += [(c0, s0), (c0 - k * s0, s0 + k * c0), (c1 + k * s1, s1 - k * c1)]
    pts.append(pts[0])
    return torch.tensor(centre) + radius * torch.tensor(pts)


def polygon(vertices: list[tuple[float, float]], segments: int) -> Tensor:
    """A closed polygon as ``segments`` straight cubics (its first edge split as needed)."""
    n = len(vertices)
    if segments < n:
        raise ValueError(f"a {n}-gon needs at least {n} segments, got {segments}")
    a, b = torch.tensor(vertices[0]), torch.tensor(vertices[1])
    split = [tuple((a + (b - a) * i / (segments - n + 1)).tolist())
             for i in range(segments - n + 1)]
    corners = split + list(vertices[1:]) + [vertices[0]]
    pts = []
    for start, end in zip(corners[:-1], corners[1:], strict=True):
        pa, pb = torch.tensor(start), torch.tensor(end)
        pts += [pa, pa + (pb - pa) / 3, pa + 2 * (pb - pa) / 3]
    pts.append(torch.tensor(corners[-1]))
    return torch.stack(pts)


def rectangle(size: float, segments: int) -> Tensor:
    """The canvas outline as ``segments`` straight cubics, closed."""
    return polygon([(0.0, 0.0), (size, 0.0), (size, size), (0.0, size)], segments)


def start_motifs(motifs: int, shapes: int, segments: int) -> Tensor:
    """The codebook's start ``(K, M, 3S+1, 2)``.

    Discs around the places where tile motifs meet their neighbours (corners, edge
    midpoints; clamped to the cell they are quarter and half discs) or the middle, and
    corner triangles (Truchet's half cells); quarter discs, half discs and bands are then
    a short move away. The first shape of each motif is the cell's ground, a large disc
    reaching past the cell (clamped to it: a square).
    """
    gen = torch.Generator().manual_seed(0)
    anchors = torch.tensor([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.5, 0.0],
                            [1.0, 0.5], [0.5, 1.0], [0.0, 0.5], [0.5, 0.5]])
    corners = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    rings = []
    for k in range(motifs):
        picks = torch.randperm(len(anchors), generator=gen)
        for m in range(shapes):
            if m == 0:
                rings.append(ring((0.5, 0.5), 0.75, segments))
            elif m == 1 and k % 2 == 1:
                c = int(picks[0]) % 4
                rings.append(polygon([corners[c], corners[(c + 1) % 4], corners[(c + 3) % 4]],
                                     segments))
            else:
                radius = 0.3 + 0.2 * float(torch.rand(1, generator=gen))
                rings.append(ring(tuple(anchors[picks[m - 1]].tolist()), radius, segments))
    return torch.stack(rings).reshape(motifs, shapes, 3 * segments + 1, 2)
