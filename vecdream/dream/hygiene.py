"""Stroke hygiene: the options that keep a dream's strokes clean, in one typed object.

A :class:`Hygiene` says how strokes start, which line-work penalties join the network
objective and how the run treats strokes along the way. :func:`~vecdream.dream.optimize.
optimize_strokes` takes one (``hygiene=Hygiene(xing=20.0)``) or a style's name
(``hygiene="clean"``); the ``dream`` command has one option per field.

Every field's default is "off": ``Hygiene()`` is the plain optimization that ``paint``
and custom objectives run. What ``vecdream dream`` does is :data:`vecdream.dream.styles.DREAM`.

Example:
    >>> h = Hygiene(bend=0.05, xing=20.0)
    >>> h.regularizer() is not None, Hygiene().regularizer() is None
    (True, True)
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import torch

from vecdream.dream.loop import Result
from vecdream.objectives import Objective, bending, ink_length
from vecdream.objectives.geometry import contour_lengths, overdraw, xing

__all__ = ["Hygiene", "drop_short"]

log = logging.getLogger(__name__)

INITS = ("smooth", "walk")


@dataclass(frozen=True)
class Hygiene:
    """Stroke-hygiene options of one dream.

    Attributes:
        init: random start, ``"smooth"`` (short arcs) or ``"walk"`` (random walks).
        bend: weight of the bending energy (:func:`vecdream.objectives.bending`).
        xing: weight of the fold penalty (:func:`vecdream.objectives.geometry.xing`):
            cubics whose control polygon turns both ways, where curls and cusps start.
        overdraw: weight of the overdraw penalty
            (:func:`vecdream.objectives.geometry.overdraw`): ink darker than one pen pass.
        ink: weight of the ink-length penalty (:func:`vecdream.objectives.ink_length`).
        untangle: cut self-loops shorter than this fraction of the canvas's mean side
            every 20 steps (:func:`vecdream.dream.loops.untangling`); 0: never.
        prune_every: re-seed strokes that do not help every this many steps
            (:class:`vecdream.dream.reseed.Reseed`); 0: never.
        min_length: strokes shorter than this fraction of the canvas's mean side are
            re-seeded (with ``prune_every``) and dropped from the result; 0: none.
        anneal: learning-rate factors once each milestone of the run is passed (Adam
            moves a point about ``lr`` units per step: a late rate of 0.1 leaves no
            jitter curls); the default halves at each.
    """

    init: str = "smooth"
    bend: float = 0.0
    xing: float = 0.0
    overdraw: float = 0.0
    ink: float = 0.0
    untangle: float = 0.0
    prune_every: int = 0
    min_length: float = 0.0
    anneal: tuple[float, ...] = field(default=(0.5, 0.25))

    def __post_init__(self) -> None:
        if self.init not in INITS:
            raise ValueError(f"init: expected one of {list(INITS)}, got {self.init!r}")
        for name in ("bend", "xing", "overdraw", "ink", "untangle", "min_length"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{name}: expected a number >= 0, got {value!r}")
        if self.min_length > 1:
            raise ValueError(f"min_length: expected a fraction of the canvas side (<= 1), "
                             f"got {self.min_length!r}")
        if not (isinstance(self.prune_every, int) and self.prune_every >= 0):
            raise ValueError(f"prune_every: expected an integer >= 0, got {self.prune_every!r}")
        anneal = tuple(float(f) for f in self.anneal)
        if not all(0 < f <= 1 for f in anneal):
            raise ValueError(f"anneal: expected factors in (0, 1], got {self.anneal!r}")
        object.__setattr__(self, "anneal", anneal)

    def lr_factors(self, milestones: Sequence[float]) -> tuple[float, ...]:
        """``anneal``, checked against the run's learning-rate ``milestones``.

        Raises:
            ValueError: not one factor per milestone (the message names ``anneal``).
        """
        if len(self.anneal) != len(milestones):
            raise ValueError(f"hygiene.anneal: expected one factor per milestone "
                             f"({len(milestones)}), got {self.anneal!r}")
        return self.anneal

    def regularizer(self) -> Objective | None:
        """The weighted line-work penalties to add to a network objective (None: none)."""
        terms = [w * make() for w, make in ((self.bend, bending), (self.xing, xing),
                                             (self.overdraw, overdraw),
                                             (self.ink, ink_length)) if w]
        return sum(terms) if terms else None


@torch.no_grad()
def drop_short(result: Result, min_length: float) -> Result:
    """``result`` without the strokes shorter than ``min_length`` user units (fills and
    compound paths are kept): a stub too short to read as a line only costs pen-downs."""
    if min_length <= 0:
        return result
    kept = []
    for d in result.drawings:
        short = (contour_lengths(d) < min_length) & (d.fill[:, 3] <= 0)
        if d.n_contours != len(d) or not bool(short.any()):
            kept.append(d)
            continue
        log.info("dropped %d strokes shorter than %.3g units", int(short.sum()), min_length)
        kept.append(d.select(~short))
    return replace(result, drawing=kept[0], drawings=kept)
