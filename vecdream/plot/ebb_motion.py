"""Motion for an AxiDraw's EiBotBoard: a plot as timed stepper moves and pen commands.

The same planner the time estimate uses (:mod:`vecdream.plot.stats`: trapezoidal speed
profiles, junction speeds from the turn angle, pen-up moves from rest to rest), sampled
into constant-speed slices of at most :data:`SLICE_S` seconds. Each slice is one ``XM``
command (EBB firmware: ``XM,<ms>,<x steps>,<y steps>``, the board mixes them onto the
AxiDraw's two motors); positions are rounded to whole steps from the running total, so
the pen never drifts more than half a step from the planned path.

Convention:
    Page mm, origin at the pen's home (the top-left corner); 80 steps per mm (the
    AxiDraw at 16x microstepping: 2032 steps per inch).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from vecdream.plot.stats import MotionModel, vertex_speeds

__all__ = ["SLICE_S", "STEPS_PER_MM", "Move", "PenServo", "Stepper", "path_moves",
           "travel_moves"]

STEPS_PER_MM = 80.0
SLICE_S = 0.025
"""Longest constant-speed slice: short enough that the stair-stepped speed follows the
planned trapezoid closely (25 ms at 200 mm/s² is 5 mm/s of speed change)."""


@dataclass(frozen=True)
class PenServo:
    """Pen heights (percent of the servo's range, 0 = lowest) and servo positions in the
    EBB's units (83.3 ns pulses; pyaxidraw's range, 9855 to 27831)."""

    up_percent: float = 60.0
    down_percent: float = 30.0
    servo_min: int = 9855
    servo_max: int = 27831

    def position(self, percent: float) -> int:
        """``SC,4`` / ``SC,5`` value of a height."""
        if not 0 <= percent <= 100:
            raise ValueError(f"pen height: expected 0 to 100 percent, got {percent}")
        return round(self.servo_min + (self.servo_max - self.servo_min) * percent / 100)


@dataclass(frozen=True)
class Move:
    """One ``XM`` slice: whole steps and milliseconds (>= 1)."""

    ms: int
    x_steps: int
    y_steps: int


def _profile(length: float, v0: float, v1: float, speed: float, accel: float
             ) -> tuple[float, float, float, float]:
    """``(t_up, t_cruise, t_down, peak)`` of one straight move (stats' trapezoid)."""
    peak = min(speed, math.sqrt(accel * length + (v0 * v0 + v1 * v1) / 2))
    t_up, t_down = max(peak - v0, 0.0) / accel, max(peak - v1, 0.0) / accel
    cruise = length - (peak * peak - v0 * v0) / (2 * accel) - (peak * peak - v1 * v1) / (2 * accel)
    return t_up, max(cruise, 0.0) / peak if peak > 0 else 0.0, t_down, peak


def _distance(t: np.ndarray, v0: float, profile: tuple[float, float, float, float],
              accel: float) -> np.ndarray:
    """Distance covered at times ``t`` along a move of the given profile."""
    t_up, t_cruise, t_down, peak = profile
    a = np.minimum(t, t_up)
    b = np.clip(t - t_up, 0.0, t_cruise)
    c = np.clip(t - t_up - t_cruise, 0.0, t_down)
    return (v0 * a + accel * a * a / 2) + peak * b + (peak * c - accel * c * c / 2)


def _segment_moves(start: np.ndarray, end: np.ndarray, v0: float, v1: float, speed: float,
                   accel: float, stepper: Stepper) -> Iterator[Move]:
    """The slices of one straight move from ``start`` to ``end`` (mm)."""
    length = float(np.linalg.norm(end - start))
    profile = _profile(length, v0, v1, speed, accel)
    total = profile[0] + profile[1] + profile[2]
    n = max(1, math.ceil(total / SLICE_S))
    t = np.linspace(0.0, total, n + 1)[1:]
    s = np.clip(_distance(t, v0, profile, accel), 0.0, length)
    s[-1] = length
    for point in start + (end - start) * (s / length)[:, None]:
        yield stepper.to(point, total / n)


class Stepper:
    """Whole-step positions from mm targets, and milliseconds with their remainder kept."""

    def __init__(self, position_mm: Sequence[float]) -> None:
        self.steps = np.rint(np.asarray(position_mm, dtype=np.float64) * STEPS_PER_MM)
        self.ms_left = 0.0

    def to(self, point_mm: np.ndarray, seconds: float) -> Move:
        target = np.rint(point_mm * STEPS_PER_MM)
        dx, dy = (target - self.steps).astype(np.int64)
        self.steps = target
        exact = seconds * 1000 + self.ms_left
        ms = max(1, round(exact))
        self.ms_left = exact - ms
        return Move(ms, int(dx), int(dy))


def path_moves(line: np.ndarray, stepper: Stepper, model: MotionModel) -> Iterator[Move]:
    """The pen-down slices of one polyline ``(N, 2)`` mm, from rest to rest."""
    line = np.asarray(line, dtype=np.float64)
    keep = np.concatenate([[True], np.linalg.norm(np.diff(line, axis=0), axis=1) > 0])
    line = line[keep]
    if len(line) < 2:
        return
    seg = np.diff(line, axis=0)
    lengths = np.linalg.norm(seg, axis=1)
    joined = np.ones(len(seg) - 1, dtype=bool)
    v = vertex_speeds(seg, lengths, joined, model.down_speed, model.down_accel,
                       model.cornering_mm)
    for k in range(len(seg)):
        yield from _segment_moves(line[k], line[k + 1], v[k], v[k + 1], model.down_speed,
                                  model.down_accel, stepper)


def travel_moves(start: np.ndarray, end: np.ndarray, stepper: Stepper, model: MotionModel
                 ) -> Iterator[Move]:
    """The pen-up slices from ``start`` to ``end`` (mm), from rest to rest."""
    if np.linalg.norm(np.asarray(end) - np.asarray(start)) == 0:
        return
    yield from _segment_moves(np.asarray(start, dtype=np.float64),
                              np.asarray(end, dtype=np.float64), 0.0, 0.0, model.up_speed,
                              model.up_accel, stepper)
