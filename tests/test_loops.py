"""Self-loops cut out of strokes (vecdream.dream.loops) and the optimizer option that uses it."""

from __future__ import annotations

import torch

from vecdream import Drawing, optimize_strokes, render
from vecdream.dream.hygiene import Hygiene
from vecdream.dream.loops import cut_loops, self_crossings, untangling


def _stroke(*segments: list[list[float]], size: float = 100.0) -> Drawing:
    """One black stroke of cubic segments ``[[x0, y0], [x1, y1], [x2, y2], [x3, y3]]``."""
    pts = [segments[0][0]] + [p for seg in segments for p in seg[1:]]
    return Drawing(torch.tensor([pts], dtype=torch.float32), torch.tensor([1.0]),
                   torch.tensor([[0.0, 0.0, 0.0, 1.0]]), (size, size))


# A line in, a small loop (a cubic whose handles cross), a line out: an "e" knot.
KNOT = ([[10, 50], [20, 50], [30, 50], [40, 50]],
        [[40, 50], [60, 50], [40, 30], [45, 60]],
        [[45, 60], [47, 70], [60, 60], [90, 60]])


def test_a_small_loop_is_cut_and_the_stroke_ends_stay():
    d = _stroke(*KNOT)
    assert int(self_crossings(d)[0]) == 1
    ends = d.points[0, [0, -1]].clone()
    assert cut_loops(d, max_loop=60) == 1
    assert int(self_crossings(d)[0]) == 0
    assert torch.equal(d.points[0, [0, -1]], ends)
    assert d.points.shape == (1, 10, 2)  # shapes kept: an optimizer's state still fits
    ink_before = render(_stroke(*KNOT), 100, 100).mean()
    assert render(d, 100, 100).mean() > ink_before  # less ink (white is 1)


def test_loops_longer_than_the_limit_and_plain_strokes_are_kept():
    d = _stroke(*KNOT)
    before = d.points.clone()
    assert cut_loops(d, max_loop=5) == 0
    assert torch.equal(d.points, before)
    plain = _stroke([[10, 10], [30, 20], [60, 20], [90, 10]])
    kept = plain.points.clone()
    assert cut_loops(plain, max_loop=1000) == 0 and torch.equal(plain.points, kept)


def test_untangling_cuts_on_its_steps_only_and_calls_on():
    seen = []

    class Info:  # what run_loop hands a callback
        def __init__(self, step: int) -> None:
            self.step, self.steps, self.drawings = step, 100, [_stroke(*KNOT)]

    step = untangling(0.6, lambda info: seen.append(info.step))
    off, on, late = Info(19), Info(20), Info(100)
    for info in (off, on, late):
        step(info)
    assert seen == [19, 20, 100]
    assert [int(self_crossings(i.drawings[0])[0]) for i in (off, on, late)] == [1, 0, 1]


def test_optimize_strokes_untangle_leaves_fewer_self_crossings(one_thread):
    """A pixel-darkness objective keeps the random walks' knots; untangling every 20 steps
    cuts them (the walks are long on this tiny canvas: loops up to 2.5 sides are cut)."""
    from vecdream.objectives import Objective

    dark = Objective(lambda ctx: ctx.renders.mean(), "darkness")
    counts = {}
    for untangle in (0.0, 2.5):
        r = optimize_strokes(objective=dark, n_paths=12, size=48, steps=45, views=1,
                             augment=None, seed=0, device="cpu",
                             hygiene=Hygiene(init="walk", untangle=untangle))
        counts[untangle] = int(self_crossings(r.drawing).sum())
    assert counts[2.5] < counts[0.0]
