"""A seed as Mosaic sees it: the colour-boundary map of its plane, and its spectrum.

Mosaic rotates, scales, shifts the crop window and recolours a seed, so the catalogue
compares *structure* (where colours change, :func:`~.phash.boundary_map`, blind to
recolouring) of the *plane* a seed prints: a seamless seed is its infinite tiling
(:attr:`MosaicView.periodic`, the map is one period of it), any other seed is its
canvas on blank paper.

:func:`log_polar_spectrum` is the Fourier-Mellin representation: the magnitude of the
map's Fourier transform is blind to translation, and sampled on a log-polar grid a
rotation of the seed becomes a shift along the angle axis and a scale a shift along the
log-radius axis. :func:`descriptor` drops what those shifts change (the phase of a
second Fourier transform), leaving a short vector blind to shift, rotation, flip and
(nearly) scale, which the catalogue searches to shortlist candidates;
:mod:`.mosaic_match` then finds the transform itself.

Shapes: maps are ``(H, W)`` float32, long side :data:`SIDE` (catalogued seeds) or
:data:`QUERY_SIDE` (queries); spectra ``(A, R)``.
"""

from __future__ import annotations

import io
import math
import re
import zlib
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter, map_coordinates

from vecdream.drawing import Drawing
from vecdream.seeds.phash import boundary_map

__all__ = ["ANGLES", "BLUR", "DESCRIPTOR_SIZE", "KEY_SIZE", "QUERY_SIDE", "RADII", "SIDE",
           "MosaicView", "crisp_svg", "descriptor", "log_polar_spectrum", "mosaic_key",
           "mosaic_view", "orientations"]

SIDE = 128  # long side of a catalogued seed's map in pixels
QUERY_SIDE = 256  # a query's: a window shrunk 2.5x still shows its detail
ANGLES = 180  # log-polar angle bins over 180° (a real image's spectrum is symmetric)
RADII = 96  # log-polar radius bins from _R0 to _R1 cycles per SIDE
_R0, _R1 = 2.0, 56.0
RHO_STEP = math.log(_R1 / _R0) / (RADII - 1)  # log-radius per bin
BLUR = 1.0  # px at SIDE (scaled with the side): boundaries become a smooth ridge
RENDER_SIDE = 512  # long side of the render the boundaries are found on
_WRAP_PAD = 4  # render px of the neighbouring tiles around a period (the median's reach)
_DESC = 8  # harmonics kept per axis of the descriptor
DESCRIPTOR_SIZE = _DESC * _DESC
_ORIENT_HARMONICS = 24
KEY_SIZE = DESCRIPTOR_SIZE + _ORIENT_HARMONICS


@dataclass
class MosaicView:
    """The structure of the plane a seed prints.

    Attributes:
        edges: ``(H, W)`` float32 in [0, 1], blurred colour-boundary map; one period
            of the plane when ``periodic``.
        periodic: the plane is the tiling of ``edges`` (a seamless seed), else the
            canvas alone on blank paper.
    """

    edges: np.ndarray
    periodic: bool

    def to_bytes(self) -> bytes:
        """Compact storage: shape, flag and the map as zlib-compressed uint8."""
        h, w = self.edges.shape
        body = np.round(self.edges * 255).astype(np.uint8).tobytes()
        return bytes([self.periodic]) + h.to_bytes(2, "big") + w.to_bytes(2, "big") + \
            zlib.compress(body, 6)

    @classmethod
    def from_bytes(cls, blob: bytes) -> MosaicView:
        h, w = int.from_bytes(blob[1:3], "big"), int.from_bytes(blob[3:5], "big")
        body = np.frombuffer(zlib.decompress(blob[5:]), np.uint8).reshape(h, w)
        return cls(body.astype(np.float32) / 255, bool(blob[0]))


def crisp_svg(svg: str) -> str:
    """``svg`` rendered without anti-aliasing: ``shape-rendering="crispEdges"`` on its root
    (inherited by every shape), the structure hash's render (:mod:`~vecdream.seeds.phash`)."""
    return re.sub(r"<svg\b", '<svg shape-rendering="crispEdges"', svg, count=1)


def _render(svg: str, width: int, height: int) -> np.ndarray:
    """``(H, W, 3)`` uint8 on white, without anti-aliasing (see :mod:`.phash`). The canvas
    fills the raster exactly (``preserveAspectRatio="none"``): a letterboxed row would
    read as a boundary along the frame."""
    import cairosvg
    from PIL import Image

    svg = re.sub(r"<svg\b", '<svg preserveAspectRatio="none"', crisp_svg(svg), count=1)
    png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=width,
                           output_height=height, unsafe=False)
    rgba = Image.open(io.BytesIO(png)).convert("RGBA")
    page = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    page.alpha_composite(rgba)
    return np.asarray(page.convert("RGB"))


def _boundaries(rgb: np.ndarray, periodic: bool) -> np.ndarray:
    """``(H, W)`` bool :func:`~.phash.boundary_map` of a render; of a period, with the
    steps across its wrap-around (where one tile meets the next) marked too."""
    if not periodic:
        return boundary_map(rgb)
    pad = _WRAP_PAD
    edges = boundary_map(np.pad(rgb, ((pad, pad), (pad, pad), (0, 0)), mode="wrap"))
    return edges[pad:-pad, pad:-pad]


def mosaic_view(drawing: Drawing, periodic: bool, side: int = SIDE) -> MosaicView:
    """The view of a seed, long side ``side`` px: a periodic one is tiled until the
    repeat is near square, so a thin cell keeps its detail.

    The boundaries are found on a render of at least :data:`RENDER_SIDE` px and averaged
    down: a line thinner than a view pixel still counts, and the map is the same
    low-pass of the seed's boundaries whatever ``side`` is (a query at twice a
    catalogued seed's resolution must show what the seed's map shows, scaled)."""
    from vecdream.seeds.transforms import tile

    d = drawing.detach()
    w, h = d.size
    if periodic:
        kx = max(1, round(max(w, h) / w)) if w < h else 1
        ky = max(1, round(max(w, h) / h)) if h < w else 1
        d = tile(d, kx, ky)
        w, h = d.size
    scale = side / max(w, h)
    width, height = max(1, round(w * scale)), max(1, round(h * scale))
    k = max(1, -(-RENDER_SIDE // side))  # render pixels per view pixel
    fine = _boundaries(_render(d.to_svg(), width * k, height * k), periodic)
    # a boundary is marked on both sides, 2 render px: k / 2 makes it one view px of ink
    edges = fine.reshape(height, k, width, k).mean(axis=(1, 3), dtype=np.float32) * (k / 2)
    edges = gaussian_filter(edges, BLUR * side / SIDE, mode="wrap" if periodic else "constant")
    return MosaicView(np.clip(edges, 0, 1).astype(np.float32), periodic)


_THETA = np.arange(ANGLES) * np.pi / ANGLES
_RADIUS = _R0 * (_R1 / _R0) ** (np.arange(RADII) / (RADII - 1))


def log_polar_spectrum(edges: np.ndarray) -> np.ndarray:
    """``(A, R)`` log-magnitude spectrum of a map on the log-polar grid (a map larger
    than :data:`SIDE` is averaged down to it first).

    The map is Hann-windowed (its frame edges are not structure) and zero-padded to a
    square of :data:`SIDE`, so cycles per ``SIDE`` mean the same for every view. Each
    radius is centred over the angles: the fixed width of a boundary ridge multiplies
    every radius alike and must not read as a scale.
    """
    k = max(1, -(-max(edges.shape) // SIDE))
    if k > 1:
        h, w = (n - n % k for n in edges.shape)
        edges = edges[:h, :w].reshape(h // k, k, w // k, k).mean(axis=(1, 3))
    h, w = edges.shape
    x = (edges - edges.mean()) * np.outer(np.hanning(h), np.hanning(w))
    page = np.zeros((SIDE, SIDE), np.float64)
    page[(SIDE - h) // 2:(SIDE - h) // 2 + h, (SIDE - w) // 2:(SIDE - w) // 2 + w] = x
    mag = np.abs(np.fft.fftshift(np.fft.fft2(page)))
    mag = np.log1p(mag / (mag.mean() + 1e-12))
    ys = SIDE // 2 + _RADIUS[None, :] * np.sin(_THETA[:, None])
    xs = SIDE // 2 + _RADIUS[None, :] * np.cos(_THETA[:, None])
    lp = map_coordinates(mag, [ys, xs], order=1)
    return (lp - lp.mean(axis=0, keepdims=True)).astype(np.float32)


def orientations(edges: np.ndarray) -> np.ndarray:
    """``(A,)`` centred histogram of boundary directions (mod 180°, gradient-weighted, on the
    log-polar angle bins): unlike the spectrum, blind to where the window is cut."""
    gy, gx = np.gradient(edges.astype(np.float64))
    angle = np.arctan2(gy, gx) % math.pi
    bins = np.minimum((angle * ANGLES / math.pi).astype(int), ANGLES - 1)
    hist = np.bincount(bins.ravel(), np.hypot(gx, gy).ravel(), ANGLES)
    hist = np.convolve(np.r_[hist[-3:], hist, hist[:3]], np.hanning(7), "valid")
    return hist - hist.mean()


def descriptor(spectrum: np.ndarray) -> np.ndarray:
    """``(DESCRIPTOR_SIZE,)`` float32 unit vector: low harmonics of the spectrum's own
    Fourier magnitude (a rotation or flip shifts or mirrors the angle axis, a scale
    shifts the tapered radius axis; neither changes a magnitude)."""
    taper = np.hanning(RADII)[None, :]
    f = np.abs(np.fft.fft2(spectrum * taper))[:_DESC, :_DESC].ravel()
    f[0] = 0.0
    return (f / max(float(np.linalg.norm(f)), 1e-12)).astype(np.float32)


def mosaic_key(view: MosaicView) -> np.ndarray:
    """``(KEY_SIZE,)`` float32 unit vector the catalogue shortlists by (cosine): the
    spectrum's :func:`descriptor` and the harmonics of :func:`orientations`, half each.
    Blind to shift, rotation and mirror; to scale and the window's cut only nearly, so
    it shortlists candidates for :func:`~.mosaic_match.register` and decides nothing."""
    hist = np.abs(np.fft.rfft(orientations(view.edges)))[1:_ORIENT_HARMONICS + 1]
    hist = hist / max(float(np.linalg.norm(hist)), 1e-12)
    e = view.edges
    if view.periodic:  # the window's taper weighs its middle: average over 4 half-shifts
        h, w = e.shape
        spectrum = np.mean([log_polar_spectrum(np.roll(e, (dy, dx), (0, 1)))
                            for dy in (0, h // 2) for dx in (0, w // 2)], axis=0)
    else:
        spectrum = log_polar_spectrum(e)
    key = np.r_[descriptor(spectrum), hist] / math.sqrt(2.0)
    return key.astype(np.float32)
