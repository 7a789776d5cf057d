"""Plot statistics and the time model, against cases worked out by hand.

Numbers (saxi's AxiDraw planner): pen down v = 50 mm/s, a = 200 mm/s²; pen up
v = 200 mm/s, a = 400 mm/s²; lift and drop 0.12 s each. From rest to rest a move of
length L takes L/v + v/a when L >= v²/a (12.5 mm down, 100 mm up), else 2 sqrt(L/a).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import vecdream.plot as vp
from vecdream import Drawing
from vecdream.plot.stats import move_time, polyline_time


def one_layer(lines, page=(300.0, 300.0)) -> vp.PenPlot:
    pen = vp.Pen("black", (0.0, 0.0, 0.0))
    return vp.PenPlot(page, 0.5, 0.0, [vp.Layer(1, pen, [np.array(x, float) for x in lines])])


def test_long_line_is_a_trapezoid():
    # 200 mm >= 12.5 mm: t = L/v + v/a = 200/50 + 50/200 = 4.25 s
    assert polyline_time(np.array([[0.0, 0.0], [200.0, 0.0]])) == pytest.approx(4.25)
    stats = vp.plot_stats(one_layer([[(0, 0), (200, 0)]]))
    # pen up: home->start 0 mm (0 s); end->home 200 mm >= 100 mm: 200/200 + 200/400 = 1.5 s
    assert stats.ink_mm == pytest.approx(200) and stats.travel_mm == pytest.approx(200)
    assert stats.est_seconds == pytest.approx(4.25 + 1.5 + 0.24)  # 5.99 s
    assert stats.pen_lifts == stats.n_paths == 1


def test_short_line_is_a_triangle():
    # 4 mm < 12.5 mm never reaches 50 mm/s: t = 2 sqrt(4/200) = 0.28284 s
    assert polyline_time(np.array([[10.0, 10.0], [10.0, 14.0]])) == pytest.approx(0.2828427)
    assert float(move_time(4.0, 50.0, 200.0)) == pytest.approx(2 * math.sqrt(4 / 200))


def test_dotted_line():
    # 10 dashes of 2 mm on y = 0, starting at x = 10, period 5 mm (gaps of 3 mm).
    dashes = [[(10 + 5 * k, 0), (12 + 5 * k, 0)] for k in range(10)]
    stats = vp.plot_stats(one_layer(dashes))
    dash = 2 * math.sqrt(2 / 200)          # 0.2 s, triangle pen down
    first = 2 * math.sqrt(10 / 400)        # home -> (10, 0): 0.31623 s
    gap = 2 * math.sqrt(3 / 400)           # 0.17321 s each, 9 of them
    back = 2 * math.sqrt(57 / 400)         # (57, 0) -> home: 0.75498 s
    expected = 10 * (dash + 0.12 + 0.12) + first + 9 * gap + back  # = 7.03006 s
    assert expected == pytest.approx(7.03006, abs=1e-5)
    assert stats.est_seconds == pytest.approx(expected)
    assert stats.travel_mm == pytest.approx(10 + 9 * 3 + 57)
    assert stats.ink_mm == pytest.approx(20) and stats.pen_lifts == 10


def test_junctions_straight_keeps_speed_reversal_stops_corner_slows():
    straight = np.array([[0.0, 0.0], [100.0, 0.0], [200.0, 0.0]])
    assert polyline_time(straight) == pytest.approx(4.25)  # as one 200 mm line
    reverse = np.array([[0.0, 0.0], [100.0, 0.0], [0.0, 0.0]])
    assert polyline_time(reverse) == pytest.approx(2 * (100 / 50 + 50 / 200))  # 4.5 s
    corner = np.array([[0.0, 0.0], [100.0, 0.0], [100.0, 100.0]])
    vj = math.sqrt(200 * 0.127 * (math.sqrt(2) + 1))  # 7.83 mm/s at a right angle
    leg = (2 * 50 - vj) / 200 + (100 - (2 * 50**2 - vj**2) / 400) / 50
    assert polyline_time(corner) == pytest.approx(2 * leg)
    assert polyline_time(np.array([[1.0, 1.0], [1.0, 1.0]])) == 0.0


def test_layers_each_start_and_end_at_home():
    pen2 = vp.Pen("red", (1.0, 0.0, 0.0))
    plot = one_layer([[(30, 40), (60, 40)]])
    plot.layers.append(vp.Layer(2, pen2, [np.array([[30.0, 40.0], [60.0, 40.0]])]))
    stats = vp.plot_stats(plot)
    assert [s.travel_mm for s in stats.layers] == pytest.approx([50 + 20 * math.sqrt(13)] * 2)
    assert stats.est_seconds == pytest.approx(2 * stats.layers[0].est_seconds)
    assert "total" in vp.format_stats(stats) and vp.format_duration(59.6) == "0:01:00"


def test_stats_of_svg_file_match_the_plot(tmp_path):
    # Strokes under the pen width: one line each (wider ones become passes, curves whose
    # tiny offset segments the SVG's rounding moves the time estimate of by ~0.3 %).
    d = vp.drawing_to_plot(Drawing.random(60, size=(100, 80), seed=2, width=0.3), "A5")
    path = tmp_path / "p.svg"
    path.write_text(vp.plot_to_svg(d))
    a, b = vp.plot_stats(d), vp.plot_stats(path)
    assert b.n_paths == a.n_paths and b.pen_lifts == a.pen_lifts
    assert b.ink_mm == pytest.approx(a.ink_mm, rel=1e-4)
    assert b.travel_mm == pytest.approx(a.travel_mm, rel=1e-4)
    assert b.est_seconds == pytest.approx(a.est_seconds, rel=1e-3)
    assert vp.plot_stats(path.read_text()).n_paths == a.n_paths


def reference_time(line: np.ndarray, v=50.0, a=200.0, delta=0.127) -> float:
    """The planner written as plain loops: junction caps, forward pass, backward pass."""
    seg = np.diff(line, axis=0)
    length = np.linalg.norm(seg, axis=1)
    seg, length = seg[length > 0], length[length > 0]
    u = seg / length[:, None]
    speeds = [0.0]
    for k in range(len(seg) - 1):
        s = math.sqrt(max(0.0, (1 + float(u[k] @ u[k + 1])) / 2))
        speeds.append(v if s >= 1 else min(v, math.sqrt(a * delta * s / (1 - s))))
    speeds.append(0.0)
    for i in range(1, len(speeds)):
        speeds[i] = min(speeds[i], math.sqrt(speeds[i - 1] ** 2 + 2 * a * length[i - 1]))
    for i in range(len(speeds) - 2, -1, -1):
        speeds[i] = min(speeds[i], math.sqrt(speeds[i + 1] ** 2 + 2 * a * length[i]))
    return sum(float(move_time(length[i], v, a, speeds[i], speeds[i + 1]))
               for i in range(len(length)))


def test_vectorized_planner_matches_loops():
    rng = np.random.default_rng(0)
    lines = [np.cumsum(rng.normal(scale=rng.choice([0.3, 3.0, 30.0]), size=(n, 2)), axis=0)
             for n in (2, 3, 7, 40, 200)]
    lines.append(np.array([[0.0, 0.0], [5.0, 0.0], [5.0, 0.0], [5.0, 5.0]]))  # repeated point
    for line in lines:
        assert polyline_time(line) == pytest.approx(reference_time(line), rel=1e-9)
    total = vp.plot_stats(one_layer(lines)).est_seconds
    travel = vp.plot_stats(one_layer(lines)).travel_mm
    assert total > sum(reference_time(x) for x in lines) + len(lines) * 0.24
    assert travel > 0
