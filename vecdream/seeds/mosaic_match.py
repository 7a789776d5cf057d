"""Is a query seed a piece of a catalogued seed's plane, up to what Mosaic does anyway?

:func:`register` looks for the rotation (any angle), uniform scale, mirror and shift
that lay the query's boundary map (:mod:`.mosaic_view`) onto the catalogued seed's
plane, and scores the fit by normalised cross-correlation (NCC, 1 = identical
structure, recolouring ignored):

1. Fourier-Mellin: phase correlation of the two log-polar spectra proposes angles (its
   strongest rows); its strongest peaks propose scales too, but a window smaller than a
   period has a different spectrum, so scales are also swept (:data:`SCALES`).
2. Every hypothesis (angle, angle + 180°, mirrored or not, each scale) is scored at half
   resolution in one batch. The query's pixels are carried into the catalogued plane
   and *folded* onto one period (periodic planes) or onto a blank-padded canvas, so the
   NCC for every shift comes out of three FFTs, whatever the window's size.
3. The best hypotheses are refined at full resolution on a shrinking local grid
   (skipped when the sweep found nothing near, :data:`_EARLY_EXIT`).

Shapes: maps ``(H, W)``; ``B`` hypotheses as ``(B, 3)`` rows ``(angle rad, scale,
mirror)``; scale = catalogued-plane pixels per query pixel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from scipy.ndimage import gaussian_filter

from vecdream.seeds.mosaic_fold import block_agreement, fold_ncc
from vecdream.seeds.mosaic_view import (
    ANGLES,
    BLUR,
    RADII,
    RHO_STEP,
    SIDE,
    MosaicView,
    log_polar_spectrum,
    orientations,
)

__all__ = ["MIN_SCALE", "SCALES", "Registration", "register", "spectral_peak"]

MIN_SCALE = 0.45
"""The smallest scale a fit may have: the query's long side covers at least this share
of the catalogued view's. Mosaic enlarges a seed at most 2x, so what it prints shows at
least half of it; a smaller piece of a rich plane can look like a plain seed (a stripe
pattern is a few lines of any plane with parallel lines) without being a copy of it."""
SCALES = tuple(float(s) for s in np.geomspace(MIN_SCALE, 2.6, 33))
"""Scales swept at half resolution: a query 2.2x smaller to 2.6x larger than the
catalogued plane (Mosaic's 0.5-2x, a zoom on top, vecdream's lattice variations)."""

_ANGLE_CANDIDATES = 3  # per mirror, from the phase correlation
_TOP = 4  # hypotheses refined at full resolution
_COARSE_POINTS = 4096  # query pixels sampled for the half-resolution sweep
_FINE_POINTS = 16384  # and for the refinement
_LEVELS = (1.0, 1.41, 2.0, 2.83, 4.0)  # query blurs, in multiples of its own
_EARLY_EXIT = 0.4
"""Half-resolution score under which no refinement is tried. On 37 sampled hero copy
pairs, true matches scored 0.49 or more there, except two that ended under the
catalogue's threshold anyway (0.35 -> 0.53, 0.21 -> 0.25)."""


@dataclass(frozen=True)
class Registration:
    """The best fit found: ``score`` (NCC in [-1, 1]), ``angle`` (degrees), ``scale``
    (catalogued units per query unit, view to view), ``mirror``, and ``agreement``: the
    10th percentile of the NCC over the window's parts (:func:`~.mosaic_fold.
    block_agreement`; 0 when no fit was refined)."""

    score: float
    angle: float
    scale: float
    mirror: bool
    agreement: float = 0.0

    @property
    def zoom(self) -> float:
        """How much Mosaic enlarged the catalogued seed to print the query (1 / scale)."""
        return 1.0 / self.scale


def _phase_surface(lq: np.ndarray, lp: np.ndarray) -> np.ndarray:
    """``(A, 2R)`` phase correlation of two log-polar spectra (angle circular)."""
    fa = np.fft.fft2(lq, s=(ANGLES, 2 * RADII))
    fb = np.fft.fft2(lp, s=(ANGLES, 2 * RADII))
    cross = fb * np.conj(fa)
    return np.real(np.fft.ifft2(cross / (np.abs(cross) + 1e-9)))


def spectral_peak(lq: np.ndarray, lp: np.ndarray) -> float:
    """Fourier-Mellin similarity of two log-polar spectra ``(A, R)``: the highest phase
    correlation over every rotation, scale and mirror (medians on the hero patterns:
    0.17 for a Mosaic copy against its source, 0.04 against another pattern). A few
    milliseconds: cheap enough to re-rank a
    shortlist, where :func:`register` takes about a second per seed."""
    return max(float(_phase_surface(np.roll(lq[::-1], 1, axis=0) if mirror else lq,
                                     lp).max()) for mirror in (False, True))


def _top(scores: np.ndarray, k: int) -> list[int]:
    """Indices of the ``k`` strongest circular peaks (3 bins kept apart)."""
    scores, out = scores.astype(np.float64).copy(), []
    for _ in range(k):
        i = int(np.argmax(scores))
        out.append(i)
        scores[np.arange(i - 3, i + 4) % len(scores)] = -np.inf
    return out


def _proposals(lq: np.ndarray, lp: np.ndarray, oq: np.ndarray, op: np.ndarray
               ) -> tuple[list[float], list[float]]:
    """Angles (rad, mod 180°) from the spectra and the boundary directions, and the
    scales the spectra's strongest peaks put with them."""
    surface = _phase_surface(lq, lp)
    lim = int(math.log(SCALES[-1]) / RHO_STEP)
    cols = np.r_[0:lim + 1, 2 * RADII - lim:2 * RADII]
    sub = surface[:, cols]
    spectral = _top(sub.max(axis=1), _ANGLE_CANDIDATES)
    scales = []
    for i in spectral:
        j = int(np.argmax(sub[i]))
        rho = cols[j] if cols[j] < RADII else cols[j] - 2 * RADII
        scales.append(max(math.exp(-rho * RHO_STEP), MIN_SCALE))
    directional = np.real(np.fft.ifft(np.fft.fft(op) * np.conj(np.fft.fft(oq))))
    rows = sorted(set(spectral) | set(_top(directional, _ANGLE_CANDIDATES)))
    return [i * math.pi / ANGLES for i in rows], scales


def _blur_levels(edges: np.ndarray, base: float) -> list[np.ndarray]:
    """The query map blurred to each of :data:`_LEVELS` (multiples of its own ``base``
    blur, in query pixels): a boundary ridge must be as wide as the plane's once carried
    into the plane's pixels, whatever the scale."""
    out = []
    for level in _LEVELS:
        extra = base * math.sqrt(level * level - 1.0)
        out.append(gaussian_filter(edges, extra, mode="nearest") if extra > 0 else edges)
    return out


def _sample(levels: list[np.ndarray], n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` query pixels (a fixed random subset): positions about the centre ``(n, 2)``
    and the values of every blur level there, zero mean ``(L, n)``."""
    h, w = levels[0].shape
    pick = np.random.default_rng(0).permutation(h * w)[:n]
    ys, xs = np.divmod(pick, w)
    points = np.stack([xs - w / 2 + 0.5, ys - h / 2 + 0.5], axis=1)
    values = np.stack([m.reshape(-1)[pick] - m.mean() for m in levels])
    return (torch.from_numpy(points.astype(np.float32)),
            torch.from_numpy(values.astype(np.float32)))


def _level_values(values: torch.Tensor, hyps: torch.Tensor, px: float, base: float
                  ) -> torch.Tensor:
    """``(B, n)``: per hypothesis, the blur level that makes the query's ridge (``base``
    query px at level 1) as wide as the plane's (:data:`BLUR` plane px) once carried
    into the plane (``hyps[:, 1] * px`` full-resolution plane px per query px)."""
    wanted = (BLUR / (hyps[:, 1] * px) / base).clamp_min(1.0)  # in multiples of base
    gap = torch.log(wanted)[:, None] - torch.log(torch.tensor(_LEVELS))[None, :]
    return values[gap.abs().argmin(1)]


def _half(m: np.ndarray) -> torch.Tensor:
    h, w = m.shape
    t = torch.from_numpy(m[: h - h % 2, : w - w % 2])[None, None]
    return F.avg_pool2d(t, 2)[0, 0]


def register(query: MosaicView, entry: MosaicView) -> Registration:
    """The transform that best lays ``query`` onto ``entry``'s plane, and its NCC."""
    lq, lp = log_polar_spectrum(query.edges), log_polar_spectrum(entry.edges)
    oq, op = orientations(query.edges), orientations(entry.edges)
    # spectra are taken at SIDE px: a view scale s is s * px plane pixels per query pixel
    px = max(entry.edges.shape) / max(query.edges.shape)
    rows = []
    for mirror in (0.0, 1.0):
        # mirroring the query mirrors its spectrum's angle axis
        spec = np.roll(lq[::-1], 1, axis=0) if mirror else lq
        hist = np.roll(oq[::-1], 1) if mirror else oq
        angles, hinted = _proposals(spec, lp, hist, op)
        for a in angles:
            for turn in (0.0, math.pi):
                rows += [(a + turn, s, mirror) for s in SCALES + tuple(hinted)]
    per_angle = len(SCALES) + _ANGLE_CANDIDATES  # one hinted scale per spectral angle
    hyps = torch.tensor(rows, dtype=torch.float32)
    # the query's own ridge is BLUR * its side / SIDE query px; the plane's BLUR plane px
    base = BLUR * max(query.edges.shape) / SIDE
    levels = _blur_levels(query.edges, base)
    with torch.no_grad():
        points, values = _sample(levels, _COARSE_POINTS)
        coarse = fold_ncc(points, _level_values(values, hyps, px, base),
                           _half(entry.edges), entry.periodic, hyps, px / 2, exact=False)
        # the best scale of each (angle, turn, mirror), then the best _TOP of those: a
        # symmetric pattern's near-miss orientations must not crowd out the true one
        group = coarse.reshape(-1, per_angle)
        winners = group.argmax(1) + torch.arange(len(group)) * per_angle
        best = hyps[winners[group.amax(1).topk(min(_TOP, len(group))).indices]]
        if float(group.max()) < _EARLY_EXIT:  # nothing near: refining would not get there
            a, s, m = (float(x) for x in best[0])
            return Registration(float(group.max()), math.degrees(a) % 360.0, s, bool(m), 0.0)
        points, values = _sample(levels, _FINE_POINTS)
        plane = torch.from_numpy(entry.edges)
        step_angle, step_scale = math.radians(1.0), 0.03
        for _ in range(3):
            grid = [(da, math.exp(ds)) for da in (-step_angle, 0.0, step_angle)
                    for ds in (-step_scale, 0.0, step_scale)]
            near = torch.tensor([(float(b[0]) + da, max(float(b[1]) * fs, MIN_SCALE),
                                  float(b[2])) for b in best for da, fs in grid],
                                dtype=torch.float32)
            scores = fold_ncc(points, _level_values(values, near, px, base), plane,
                               entry.periodic, near, px)
            order = scores.argsort(descending=True)[: max(1, len(best) // 2)]
            best = near[order]
            step_angle, step_scale = step_angle / 2, step_scale / 2
        chosen = _level_values(values, best[:1], px, base)
        top, shift = fold_ncc(points, chosen, plane, entry.periodic, best[:1], px,
                              return_shift=True)
        agree = block_agreement(points, chosen[0], plane, entry.periodic, best[0], px, shift[0])
    a, s, m = (float(x) for x in best[0])
    return Registration(float(top[0]), math.degrees(a) % 360.0, s, bool(m), agree)
