"""Perceptual hashes of seeds that survive rotation, flipping and recolouring.

A seed's *structure image* is where its colours change, in a ``HASH_SIZE`` px render
made without anti-aliasing (``shape-rendering="crispEdges"``). Anti-aliased renders
were the weak point: where two tiles abut, coverage blending leaves a faint seam whose
presence depends on where the shared edge falls inside a pixel, so a 0.1-unit nudge
flipped a third of the bits. Without anti-aliasing every pixel takes one shape's
colour and a nudge moves a boundary by at most one pixel. A 3 x 3 median then closes
hairline cracks a nudge can open between abutting shapes (one pixel of background
showing through is not a different seed). A pixel is an edge when any RGB channel
differs from its right or lower neighbour by more than ``EDGE_STEP``: binarizing the
colour step (instead of hashing luminance) makes the hash blind to recolouring, a
palette swap or hue turn moves no boundary. A frame of ``BORDER`` 64ths of the side is
dropped (a shifted background rectangle reveals a white sliver at the canvas edge that
no one would call a different seed), the map is blurred and averaged down to a
``16 x 16`` edge-density grid, centred and normalised. Measured in BENCHMARKS.md
("Seeds III").

Hash: SimHash of that grid, ``BITS = 256`` signs of fixed Gaussian projections.
Unlike pHash's median-thresholded DCT block (most of a texture's coefficients are near
zero, so their bits flip at the slightest change), every SimHash bit flips with the
same probability ``angle / pi``, so Hamming distance tracks the angle between grids.

Rotations and flips: :func:`dihedral_hashes` hashes the 8 orientations of the grid.
A catalogue stores orientation 0 and queries all 8, so a turned or mirrored copy meets
its original at (near) distance 0.

Convention: hashes are ``(..., 32)`` uint8 arrays (``np.packbits`` bit order).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter, median_filter

__all__ = ["BITS", "EDGE_STEP", "HASH_SIZE", "boundary_map", "chunks", "dihedral_hashes",
           "edge_grid", "hamming"]

HASH_SIZE = 256  # structure render side in pixels (crisp edges)
GRID = 16  # edge-density grid side
BITS = 256
EDGE_STEP = 4  # colour step (0-255, any channel) that counts as a boundary
BORDER = 3  # canvas frame ignored, in 64ths of the side
_BLUR = 1.0  # in 64ths of the side: absorbs what a nudge moves
_MEDIAN = 3  # pixels: closes one-pixel cracks between abutting shapes
_PROJECTION = np.random.default_rng(20261129).standard_normal((BITS, GRID * GRID))


def boundary_map(image: np.ndarray) -> np.ndarray:
    """Where a render's colour changes: ``(H, W)`` bool, both sides of each step.

    Args:
        image: ``(3, H, W)`` or ``(H, W, 3)`` uint8 render made without anti-aliasing.
    """
    rgb = np.asarray(image)
    if rgb.shape[0] == 3 and rgb.shape[-1] != 3:
        rgb = np.moveaxis(rgb, 0, -1)
    rgb = median_filter(rgb, size=(_MEDIAN, _MEDIAN, 1), mode="nearest").astype(np.int16)
    edge = np.zeros(rgb.shape[:2], dtype=bool)
    dx = np.abs(np.diff(rgb, axis=1)).max(-1) > EDGE_STEP  # (H, W-1)
    dy = np.abs(np.diff(rgb, axis=0)).max(-1) > EDGE_STEP  # (H-1, W)
    edge[:, 1:] |= dx
    edge[:, :-1] |= dx
    edge[1:] |= dy
    edge[:-1] |= dy
    return edge


def edge_grid(image: np.ndarray) -> np.ndarray:
    """Colour-boundary density of an RGB render on a ``GRID x GRID`` grid.

    Args:
        image: ``(3, S, S)`` or ``(S, S, 3)`` uint8 render on white, ``S`` a multiple
            of ``GRID`` (``HASH_SIZE`` without anti-aliasing, as the catalogue renders).

    Returns:
        ``(GRID, GRID)`` float64, zero mean, unit norm (all zeros for a blank seed).
        Each boundary is marked on both of its sides, so rotating or mirroring the
        image rotates or mirrors the grid.
    """
    edge = boundary_map(image)
    side = edge.shape[0]
    b = max(1, BORDER * side // 64)
    edge[:b], edge[-b:], edge[:, :b], edge[:, -b:] = False, False, False, False
    s = side // GRID
    grid = gaussian_filter(edge.astype(np.float64), _BLUR * side / 64, mode="nearest")
    grid = grid.reshape(GRID, s, GRID, s).mean(axis=(1, 3))
    grid -= grid.mean()
    return grid / max(float(np.linalg.norm(grid)), 1e-12)


def dihedral_hashes(image: np.ndarray) -> np.ndarray:
    """Hashes of the 8 rotations/flips of a square RGB render, orientation 0 first.

    Args:
        image: ``(3, S, S)`` or ``(S, S, 3)`` uint8 render.

    Returns:
        ``(8, BITS // 8)`` uint8: quarter turns 0-3, then the same turns mirrored.
    """
    grid = edge_grid(image)
    turns = [np.rot90(grid, k) for k in range(4)]
    views = np.stack([t.ravel() for t in turns + [t[:, ::-1] for t in turns]])  # (8, G*G)
    return np.packbits(views @ _PROJECTION.T > 0, axis=-1)


_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint16)


def hamming(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Bit distance between packed hashes, broadcast: ``(..., 32)`` x ``(..., 32)`` → ``(...)``."""
    return _POPCOUNT[np.bitwise_xor(a, b)].sum(-1)


def chunks(hashes: np.ndarray, m: int) -> np.ndarray:
    """Split packed hashes into ``m`` equal chunks as integers (multi-index hashing keys).

    Args:
        hashes: ``(N, BITS // 8)`` uint8; ``m`` must divide ``BITS // 8``.

    Returns:
        ``(N, m)`` int64, chunk ``j`` tagged ``j << 32 | value`` so one SQL column (or one
        dict) holds every chunk without mixing chunk positions.
    """
    h = np.ascontiguousarray(hashes, dtype=np.uint8)
    n_bytes = h.shape[-1]
    if n_bytes % m:
        raise ValueError(f"chunks: m must divide {n_bytes} bytes, got m={m}")
    step = n_bytes // m
    parts = h.reshape(len(h), m, step).astype(np.int64)
    value = np.zeros(parts.shape[:2], dtype=np.int64)
    for k in range(step):
        value = (value << 8) | parts[..., k]
    return (np.arange(m, dtype=np.int64) << 32) | value
