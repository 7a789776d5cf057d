"""Plot statistics and a time estimate from an acceleration-limited motion model.

Time model (saxi's planner, itself from fogleman/axi, with saxi's AxiDraw numbers):

* Every straight move of length ``L`` follows a trapezoidal velocity profile with
  acceleration ``a``, cruise speed ``v`` and entry/exit speeds ``v0``/``v1``. It
  peaks at ``vp = sqrt(a L + (v0² + v1²) / 2)``. If ``vp <= v`` (triangle) the move
  takes ``(2 vp - v0 - v1) / a``, otherwise ``(2v - v0 - v1) / a + (L - (2v² - v0² -
  v1²) / (2a)) / v``. From rest to rest: ``L/v + v/a`` (trapezoid, when
  ``L >= v²/a``) or ``2 sqrt(L/a)`` (triangle).
* Pen down: ``v = 50 mm/s``, ``a = 200 mm/s²``; pen up: ``v = 200 mm/s``,
  ``a = 400 mm/s²``. Each polyline costs one pen drop and one lift, 0.12 s each.
* Pen-up moves start and stop at rest. Inside a polyline the speed at a vertex is at
  most the junction speed (grbl's "junction deviation")
  ``vj = min(v, sqrt(a δ s / (1 - s)))`` with ``s = sin(θ/2) = sqrt((1 + d1·d2) / 2)``,
  ``d1``, ``d2`` the unit directions in and out and ``δ = 0.127 mm`` the cornering
  factor: a straight continuation (``s = 1``) keeps full speed, a reversal (``s = 0``)
  stops, a right angle allows ``sqrt(a δ (√2 + 1))`` ≈ 7.8 mm/s. A forward and a
  backward pass then cap every vertex speed to what ``v² ± 2 a L`` can reach, and
  polylines start and end at rest.
* Each layer is a separate pass: pen-up travel starts at home ``(0, 0)``, visits the
  polylines in order and returns home (where the pen is changed).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vecdream.plot.model import Layer, PenPlot
from vecdream.plot.plotter_svg import read_plotter_svg

__all__ = [
    "LayerStats",
    "MotionModel",
    "PlotStats",
    "format_duration",
    "format_stats",
    "move_time",
    "plot_stats",
    "polyline_time",
    "vertex_speeds",
]


@dataclass(frozen=True)
class MotionModel:
    """Plotter kinematics (mm, s). Defaults: saxi's AxiDraw planner numbers."""

    down_speed: float = 50.0
    down_accel: float = 200.0
    up_speed: float = 200.0
    up_accel: float = 400.0
    cornering_mm: float = 0.127
    lift_s: float = 0.12
    drop_s: float = 0.12
    home: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class LayerStats:
    """Totals of one layer: lengths in mm, time in seconds."""

    number: int
    name: str
    ink_mm: float
    travel_mm: float
    pen_lifts: int
    n_paths: int
    est_seconds: float


@dataclass(frozen=True)
class PlotStats:
    """Totals of a plot (lengths mm, time s) and the per-layer breakdown."""

    ink_mm: float
    travel_mm: float
    pen_lifts: int
    n_paths: int
    est_seconds: float
    layers: tuple[LayerStats, ...] = ()


def move_time(length: np.ndarray | float, speed: float, accel: float,
              v_in: np.ndarray | float = 0.0, v_out: np.ndarray | float = 0.0) -> np.ndarray:
    """Seconds of straight moves under a trapezoidal velocity profile (see module doc).

    Args:
        length: move lengths (mm), any shape.
        speed: cruise speed (mm/s).
        accel: acceleration and deceleration (mm/s²).
        v_in, v_out: entry/exit speeds, reachable within the move (broadcast).

    Example:
        >>> float(move_time(100.0, 50.0, 200.0))  # 100/50 + 50/200
        2.25
    """
    length = np.asarray(length, dtype=np.float64)
    v0, v1 = np.asarray(v_in, dtype=np.float64), np.asarray(v_out, dtype=np.float64)
    peak = np.sqrt(accel * length + (v0 * v0 + v1 * v1) / 2)
    triangle = (2 * peak - v0 - v1) / accel
    cruise = length - (2 * speed * speed - v0 * v0 - v1 * v1) / (2 * accel)
    trapezoid = (2 * speed - v0 - v1) / accel + cruise / speed
    return np.where(peak <= speed, triangle, trapezoid)


def vertex_speeds(seg: np.ndarray, lengths: np.ndarray, joined: np.ndarray, speed: float,
                   accel: float, delta: float) -> np.ndarray:
    """Planned speed at the ``K + 1`` vertices of ``K`` consecutive moves ``seg (K, 2)``.

    ``joined[k]`` tells whether moves ``k`` and ``k + 1`` belong to one polyline (a
    junction) or not (a stop). Both planner passes are closed forms on squared speeds
    ``w``: forward ``w[i] = min(J[i], w[i-1] + r[i-1])`` with ``r = 2 a L`` unrolls to
    ``S[i] + min_{k<=i}(J[k] - S[k])`` (``S`` the prefix sum of ``r``), a cumulative
    minimum; the backward pass likewise, reversed.
    """
    u = seg / lengths[:, None]
    s = np.sqrt(np.clip((1 + (u[:-1] * u[1:]).sum(axis=1)) / 2, 0.0, 1.0))
    with np.errstate(divide="ignore"):
        junction = np.sqrt(accel * delta * s / np.maximum(1 - s, 0.0))
    inner = np.where(joined, np.minimum(junction, speed), 0.0)
    cap = np.concatenate([[0.0], inner, [0.0]]) ** 2
    prefix = np.concatenate([[0.0], np.cumsum(2 * accel * lengths)])
    forward = prefix + np.minimum.accumulate(cap - prefix)
    backward = np.minimum.accumulate((forward + prefix)[::-1])[::-1] - prefix
    return np.sqrt(np.clip(np.minimum(forward, backward), 0.0, None))


def _pen_down_seconds(lines: Sequence[np.ndarray], m: MotionModel) -> float:
    """Seconds drawing ``lines`` (each from rest to rest), vectorized over all of them."""
    lines = [line for line in lines if len(line) >= 2]
    if not lines:
        return 0.0
    pts = np.concatenate(lines).astype(np.float64, copy=False)
    owner = np.repeat(np.arange(len(lines)), [len(line) for line in lines])
    seg = np.diff(pts, axis=0)
    lengths = np.linalg.norm(seg, axis=1)
    real = (owner[1:] == owner[:-1]) & (lengths > 0)  # skip repeats and line-to-line hops
    seg, lengths, seg_owner = seg[real], lengths[real], owner[1:][real]
    if not len(lengths):
        return 0.0
    joined = seg_owner[1:] == seg_owner[:-1]
    v = vertex_speeds(seg, lengths, joined, m.down_speed, m.down_accel, m.cornering_mm)
    return float(move_time(lengths, m.down_speed, m.down_accel, v[:-1], v[1:]).sum())


def polyline_time(line: np.ndarray, model: MotionModel | None = None) -> float:
    """Pen-down seconds to draw a polyline ``(N, 2)`` (mm), from rest to rest.

    Repeated points are skipped; lift and drop are not included.

    Example:
        >>> polyline_time(np.array([[0.0, 0.0], [100.0, 0.0], [200.0, 0.0]]))  # straight
        4.25
    """
    return _pen_down_seconds([np.asarray(line, dtype=np.float64)], model or MotionModel())


def _hops(lines: Sequence[np.ndarray], home: np.ndarray) -> np.ndarray:
    """Pen-up distances home → line 1 → ... → line n → home, ``(n + 1,)``."""
    starts = np.array([line[0] for line in lines]).reshape(-1, 2)
    ends = np.array([line[-1] for line in lines]).reshape(-1, 2)
    return np.linalg.norm(np.concatenate([starts, home[None]]) -
                          np.concatenate([home[None], ends]), axis=1)


def _layer_stats(layer: Layer, m: MotionModel) -> LayerStats:
    lines = [np.asarray(line, dtype=np.float64) for line in layer.lines if len(line) >= 2]
    ink = sum(float(np.linalg.norm(np.diff(line, axis=0), axis=1).sum()) for line in lines)
    hops = _hops(lines, np.asarray(m.home, dtype=np.float64)) if lines else np.zeros(0)
    seconds = _pen_down_seconds(lines, m)
    seconds += float(move_time(hops, m.up_speed, m.up_accel).sum())
    seconds += len(lines) * (m.lift_s + m.drop_s)
    return LayerStats(layer.number, layer.pen.name, ink, float(hops.sum()), len(lines),
                      len(lines), seconds)


def plot_stats(svg_or_plot: PenPlot | str | bytes | os.PathLike,
               motion: MotionModel | None = None) -> PlotStats:
    """Ink length, pen-up travel, pen lifts, paths and estimated time of a plot.

    Args:
        svg_or_plot: a :class:`PenPlot`, or a plotter SVG (file path, text or bytes)
            read with :func:`~vecdream.plot.plotter_svg.read_plotter_svg`.
        motion: the kinematics; default ``MotionModel()`` (see the module docstring
            for the time model).

    Returns:
        :class:`PlotStats`; ``pen_lifts == n_paths`` (one drop and lift per path).
    """
    plot = svg_or_plot if isinstance(svg_or_plot, PenPlot) else read_plotter_svg(svg_or_plot)
    m = motion or MotionModel()
    layers = tuple(_layer_stats(layer, m) for layer in plot.layers)
    return PlotStats(
        ink_mm=sum((s.ink_mm for s in layers), 0.0),
        travel_mm=sum((s.travel_mm for s in layers), 0.0),
        pen_lifts=sum(s.pen_lifts for s in layers),
        n_paths=sum(s.n_paths for s in layers),
        est_seconds=sum((s.est_seconds for s in layers), 0.0),
        layers=layers,
    )


def format_duration(seconds: float) -> str:
    """``h:mm:ss`` of a duration, rounded to the second.

    Example:
        >>> format_duration(3725.4)
        '1:02:05'
    """
    total = round(seconds)
    return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"


def format_stats(stats: PlotStats) -> str:
    """A plain-text table of the layers and the total (lengths in metres)."""
    rows = [(f"{s.number} {s.name}", s) for s in stats.layers] + [("total", stats)]
    name_w = max(len(r[0]) for r in rows)
    head = f"{'layer':<{name_w}}  {'ink m':>8}  {'travel m':>8}  {'lifts':>6}  {'paths':>6}  time"
    out = [head]
    for name, s in rows:
        out.append(f"{name:<{name_w}}  {s.ink_mm / 1000:>8.2f}  {s.travel_mm / 1000:>8.2f}  "
                   f"{s.pen_lifts:>6d}  {s.n_paths:>6d}  {format_duration(s.est_seconds)}")
    return "\n".join(out)
