"""Hairlines (strokes at most HAIRLINE_WIDTH px wide): the column-walk route.

Checked against the dense reference (images and gradients), against exact ink for
straight lines and caps, against the tile route (which the route replaces for thin
strokes), and for the machinery: runs of same-paint paths, passes over a small
buffer, batches, far-off geometry, clips and groups.
"""

from __future__ import annotations

import importlib
import math

import pytest
import torch
from test_render_reference import _check
from test_render_vs_svg import psnr, rasterize_cairo

from vecdream import Drawing, render

hairline = importlib.import_module("vecdream.render.hairline")

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 80" width="100" '
       'height="80">{}</svg>')


def _svg(body: str) -> Drawing:
    return Drawing.from_svg(SVG.format(body))


def _thin(n: int = 30, seed: int = 0, colors: bool = True) -> Drawing:
    d = Drawing.random(n, size=(48.0, 40.0), colors=colors, radius=0.3,
                       seed=seed).to(dtype=torch.float64)
    g = torch.Generator().manual_seed(seed + 7)
    d.widths = 0.05 + 0.65 * torch.rand(n, generator=g, dtype=torch.float64)
    return d


def _tile_route(monkeypatch: pytest.MonkeyPatch, d: Drawing, **kw) -> torch.Tensor:
    with monkeypatch.context() as m:
        m.setattr(hairline, "HAIRLINE_WIDTH", -1.0)
        return render(d, **kw)


def _ink(image: torch.Tensor) -> float:
    return float((1 - image.detach()).sum() / 3)


def test_matches_the_dense_reference_images_and_gradients():
    _check(_thin(), "hairlines")
    _check(_thin(seed=3), "hairlines at 2x", width=96)


@pytest.mark.parametrize(("cap", "extra"), [("butt", 0.0), ("square", 0.25 * 0.5),
                                            ("round", math.pi * 0.25 ** 2 / 2)])
def test_straight_line_ink_is_width_times_length_plus_caps(cap: str, extra: float):
    for x2, y2 in ((70.3, 30.3), (60.3, 60.3), (40.7, 75.1)):
        d = _svg(f'<line x1="20.3" y1="30.3" x2="{x2}" y2="{y2}" stroke="black" '
                 f'stroke-width="0.5" stroke-linecap="{cap}"/>')
        length = math.hypot(x2 - 20.3, y2 - 30.3)
        assert _ink(render(d)) == pytest.approx(0.5 * length + 2 * extra, rel=2e-3)


def test_curves_keep_their_ink_at_vertices():
    # A circle of radius 8 px: 2 pi r w of ink, less the inscribed polygon's 0.4 %.
    d = _svg('<circle cx="50" cy="40" r="8" fill="none" stroke="black" stroke-width="0.5"/>')
    assert _ink(render(d)) == pytest.approx(2 * math.pi * 8 * 0.5, rel=6e-3)


def test_close_to_cairo_and_to_the_tile_route(monkeypatch: pytest.MonkeyPatch):
    d = _thin(seed=5).to(dtype=torch.float32)
    ours, tiles = render(d, 192), _tile_route(monkeypatch, d, width=192)
    ref = rasterize_cairo(d.to_svg(), 192, 160)
    assert abs(_ink(ours) / _ink(ref) - 1) < 0.01
    assert psnr(ours, ref) > 35
    assert psnr(ours, tiles) > 33


def test_runs_merge_same_paint_paths_and_agree_with_one_run_per_path():
    d = _thin(60, seed=2, colors=False)
    d.widths = d.widths * 0.4  # all hairlines at 2x
    d.stroke[:] = torch.tensor([0.1, 0.2, 0.6, 0.8], dtype=torch.float64)
    runs = hairline.hairline_runs(d.widths * 2, d.stroke, torch.ones(60, dtype=torch.bool),
                                  torch.zeros(60, dtype=torch.bool),
                                  torch.zeros(60, dtype=torch.bool),
                                  torch.zeros(60, dtype=torch.long), {})
    assert runs.last.tolist() == [59]
    merged = render(d, 96)
    apart = render(d.clone().requires_grad_(), 96).detach()  # one run per path
    assert (merged - apart).abs().max() < 2e-3  # end columns shared by two paths


def test_passes_over_a_small_buffer_give_the_same_image(monkeypatch: pytest.MonkeyPatch):
    d = _thin(40, seed=4)
    whole = render(d, 64)
    monkeypatch.setattr(hairline, "_BUFFER", 3 * 70 * 70)
    assert torch.allclose(render(d, 64), whole, atol=1e-12)


def test_batch_equals_single_renders():
    a, b = _thin(seed=8), _thin(seed=9)
    both = render([a, b], 48)
    assert torch.allclose(both[0], render(a, 48), atol=1e-12)
    assert torch.allclose(both[1], render(b, 48), atol=1e-12)


def test_far_off_and_degenerate_hairlines_are_finite():
    d = _svg('<path d="M -1e6 -1e6 L 1e6 1e6" stroke="black" stroke-width="0.3"/>'
             '<path d="M 50 40 L 50 40" stroke="black" stroke-width="0.6" '
             'stroke-linecap="round"/>'
             '<path d="M 10 10 L 90 10" stroke="black" stroke-width="0.3"/>')
    d.widths[2] = 0.0
    d.points.requires_grad_()
    d.widths.requires_grad_()
    image = render(d)
    image.sum().backward()
    assert torch.isfinite(image).all() and torch.isfinite(d.points.grad).all()
    assert _ink(image) == pytest.approx(0.3 * 80 * math.sqrt(2) + math.pi * 0.3 ** 2,
                                        rel=1e-2)  # the diagonal across, and the dot
    assert d.widths.grad[2] != 0  # a zero-width stroke can still learn to grow


def test_clips_groups_and_fills_follow_the_tile_route(monkeypatch: pytest.MonkeyPatch):
    d = _svg('<clipPath id="c"><rect x="10" y="10" width="60" height="50"/></clipPath>'
             '<g opacity="0.5" clip-path="url(#c)">'
             '<path d="M 0 0 L 100 80 M 0 80 L 100 0" stroke="#a00" stroke-width="0.4"/>'
             '<path d="M 0 40 L 100 40" stroke="#a00" stroke-width="0.4"/></g>'
             '<rect x="30" y="20" width="30" height="30" fill="#0a0" stroke="#00a" '
             'stroke-width="0.5"/>')
    assert psnr(render(d), _tile_route(monkeypatch, d)) > 33


def test_gradcheck_in_float64():
    d = Drawing.random(3, size=(12.0, 10.0), radius=0.3, seed=1,
                       colors=True).to(dtype=torch.float64)
    d.widths = torch.tensor([0.3, 0.5, 0.6], dtype=torch.float64)

    def f(points: torch.Tensor, widths: torch.Tensor) -> torch.Tensor:
        e = d.clone()
        e.points, e.widths = points, widths
        return render(e)

    inputs = (d.points.clone().requires_grad_(), d.widths.clone().requires_grad_())
    assert torch.autograd.gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3)
