"""Prune and re-seed: strokes that do not help the objective do not survive.

Every ``every`` steps (in the first ``until`` of the run), :class:`Reseed` estimates what
each stroke is worth and moves the worthless ones to where ink is wanted, as LIVE and
the CLIPDraw successors do:

* worth: removing stroke ``i`` (alpha ``a_i -> 0``) changes the loss by about
  ``-a_i * dL/da_i`` (first order). The gradient comes with the step's own backward
  pass, so the estimate costs nothing extra; strokes whose removal would not raise
  the loss (worth <= ``tol`` x the mean positive worth), and strokes shorter than
  ``min_length`` user units, are pruned, at most ``max_frac`` of them per event.
* re-seed: a pruned stroke restarts as a short smooth arc centred where the loss's
  gradient on the rendered pixels says darkening lowers the loss most (a pixel drawn
  with probability proportional to the squared positive gradient, blurred), with its
  Adam moments reset.

Determinism: the draws come from a generator seeded from ``(seed, step)``, and the
state lives in the drawings and the Adam moments (both in a checkpoint), so a resumed
run prunes and re-seeds exactly as the uninterrupted one. Shapes never change: a
pruned stroke is replaced in place.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.dream.init import arc_points
from vecdream.objectives.geometry import contour_lengths

__all__ = ["Reseed", "stroke_worth"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reseed:
    """Prune-and-reseed settings (see the module docstring).

    Attributes:
        every: steps between two events (0 disables).
        until: fraction of the run after which nothing is re-seeded (late strokes
            would not have time to converge).
        max_frac: at most this fraction of the strokes is re-seeded per event.
        tol: prune strokes whose worth is at most ``tol`` x the mean positive worth.
        min_length: also prune strokes shorter than this (user units; 0: no minimum).
        length: length of a re-seeded arc as a fraction of the canvas's mean side.
    """

    every: int = 0
    until: float = 0.5
    max_frac: float = 0.05
    tol: float = 0.05
    min_length: float = 0.0
    length: float = 0.1

    def due(self, step: int, steps: int) -> bool:
        """Whether step ``step`` of ``steps`` ends with an event."""
        return self.every > 0 and step % self.every == 0 and step <= self.until * steps

    @torch.no_grad()
    def apply(self, drawings: list[Drawing], renders_grad: Tensor | None,
              optimizer: torch.optim.Optimizer, generator: torch.Generator) -> int:
        """Prune and re-seed in place after a step whose backward filled ``d.stroke.grad``.

        ``renders_grad`` is ``(B, 3, H, W)``, the loss gradient on the renders.
        Returns the number of re-seeded strokes.
        """
        total = 0
        for b, d in enumerate(drawings):
            if d.stroke.grad is None or renders_grad is None or d.n_contours != len(d):
                continue  # compound paths (a photo start) or no pixel gradient: skip
            worth = stroke_worth(d)
            pos = worth.clamp(min=0)
            bar = self.tol * float(pos.sum()) / max(int((pos > 0).sum()), 1)
            bad = worth <= bar
            if self.min_length > 0:
                bad |= contour_lengths(d) < self.min_length
            idx = torch.nonzero(bad).flatten()
            cap = max(1, int(self.max_frac * len(d)))
            if len(idx) > cap:  # the worst first
                idx = idx[worth[idx].argsort()[:cap]]
            if len(idx) == 0:
                continue
            _reseed(d, idx, renders_grad[b], generator, self.length)
            _reset_moments(optimizer, d, idx)
            total += len(idx)
        if total:
            log.info("re-seeded %d strokes", total)
        return total


def stroke_worth(drawing: Drawing) -> Tensor:
    """First-order loss increase if each stroke were removed, ``(P,)``: ``-a * dL/da``
    from ``drawing.stroke.grad`` (positive: the stroke helps)."""
    alpha = drawing.stroke[:, 3]
    return -(alpha * drawing.stroke.grad[:, 3])


def _reseed(d: Drawing, idx: Tensor, grad: Tensor, generator: torch.Generator,
            length: float) -> None:
    """Replace strokes ``idx`` by arcs where darkening the render lowers the loss most."""
    h, w = grad.shape[-2:]
    want = grad.sum(0).clamp(min=0).float()  # dL/dpixel > 0: ink there lowers the loss
    want = F.avg_pool2d(want[None, None], 5, stride=1, padding=2)[0, 0].cpu()
    weights = want.flatten() ** 2
    if not bool(weights.sum() > 0):
        weights = torch.ones_like(weights)
    n = len(idx)
    pix = torch.multinomial(weights, n, replacement=True, generator=generator)
    jitter = torch.rand(n, 2, generator=generator)
    sx, sy = d.size[0] / w, d.size[1] / h
    centre = torch.stack([((pix % w).float() + jitter[:, 0]) * sx,
                          ((pix // w).float() + jitter[:, 1]) * sy], dim=1)
    angle = torch.rand(n, generator=generator) * 2 * math.pi
    turn = (torch.rand(n, generator=generator) * 2 - 1) * 1.0
    side = (d.size[0] + d.size[1]) / 2
    segments = (d.points.shape[1] - 1) // 3
    pts = arc_points(centre.double(), angle.double(), torch.full((n,), length * side,
                     dtype=torch.float64), turn.double(), segments)
    dev_idx = idx.to(d.device)
    d.points[dev_idx] = pts.to(d.points)
    d.n_segments[dev_idx] = segments
    d.stroke[dev_idx, 3] = 1.0


def _reset_moments(optimizer: torch.optim.Optimizer, d: Drawing, idx: Tensor) -> None:
    """A re-seeded stroke starts with fresh Adam moments (no momentum from its past)."""
    for t in (d.points, d.stroke, d.widths):
        state = optimizer.state.get(t)
        if not state:
            continue
        for key in ("exp_avg", "exp_avg_sq"):
            if key in state:
                state[key][idx.to(t.device)] = 0
