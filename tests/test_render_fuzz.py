"""The renderer never crashes on finite geometry and keeps pixels and gradients finite.

Scenes come from ``tests/fuzz_scenes.py`` (``benchmarks/fuzz.py`` runs thousands of
them); here a few hundred, the far-off fill of issue 18, and float64 with gradcheck.
"""

from __future__ import annotations

import logging

import pytest
import torch
from fuzz_scenes import random_scene
from test_render_vs_svg import MIN_PSNR, psnr, rasterize_cairo

from vecdream import Drawing, optimize_strokes, render
from vecdream.objectives import Objective

FAR_OFF_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 48">
<path d="M 4 4 C 20 10 30 40 50 40" stroke="black" fill="none" stroke-width="2"/>
<path d="M 10068 -9976 C 68 23 70 25 -9931 10023 Z" fill="#bf7a47" stroke="#c6b698"
      stroke-width="200"/>
<path d="M 5 40 C 20 10 30 4 60 8" stroke="#2040c0" fill="none" stroke-width="3"/>
</svg>"""


@pytest.fixture(autouse=True)
def _quiet_importer():
    logger = logging.getLogger("vecdream")
    level = logger.level
    logger.setLevel(logging.ERROR)  # fuzz SVGs trip the importer's skip warnings
    yield
    logger.setLevel(level)


def _assert_finite_render_and_grad(drawings: list[Drawing], width: int | None, seed: int):
    drawings = [d.clone().requires_grad_() for d in drawings]
    image = render(drawings if len(drawings) > 1 else drawings[0], width)
    assert torch.isfinite(image).all()
    assert image.dtype == drawings[0].points.dtype
    weight = torch.rand(image.shape, generator=torch.Generator().manual_seed(seed),
                        dtype=image.dtype)
    (image * weight).sum().backward()
    for d in drawings:
        for name, t in d.named_parameters().items():
            assert t.grad is None or torch.isfinite(t.grad).all(), name


@pytest.mark.parametrize("block", range(4))
def test_fuzz_scenes_render_and_backprop(block):
    for seed in range(block * 50, block * 50 + 50):
        scene = random_scene(seed)
        width = (None, 16, 33, 64)[seed % 4]
        try:
            _assert_finite_render_and_grad(scene.drawings, width, seed)
        except Exception as exc:
            raise AssertionError(f"fuzz scene {seed} ({scene.kind}): {exc!r}") from exc


def test_fuzz_scenes_optimize():
    mean = Objective(lambda ctx: ctx.views.mean(), "mean pixel")
    for seed in range(1000, 1024):
        drawing = random_scene(seed).drawings[0]
        result = optimize_strokes(objective=mean, drawing=drawing, steps=2, views=1,
                                  augment=None, seed=0, device="cpu", size=24)
        for name, t in result.drawing.named_parameters().items():
            assert torch.isfinite(t).all(), (seed, name)


def test_far_off_fill_renders_like_its_canvas_part():
    drawing = Drawing.from_svg(FAR_OFF_SVG).requires_grad_()
    image = render(drawing)
    assert image.shape == (3, 48, 64) and torch.isfinite(image).all()
    image.sum().backward()
    assert torch.isfinite(drawing.points.grad).all()
    # Its canvas part matches cairo drawing the same SVG (59.6 dB when written).
    reference = rasterize_cairo(FAR_OFF_SVG.decode(), 256, 192)
    assert psnr(render(drawing.detach(), 256), reference) > MIN_PSNR


def test_float64_drawing_renders_in_float64():
    d = Drawing.random(4, size=(16, 12), colors=True, width=2.0, seed=1)
    assert d.to(torch.float64).points.dtype == torch.float64  # positional dtype, as tensors
    mixed = Drawing(d.points.double(), d.widths, d.stroke, d.size, fill=d.fill)
    assert render(mixed).dtype == torch.float64
    assert torch.allclose(render(d.to(torch.float64)).float(), render(d), atol=1e-5)


def test_gradcheck_float64_fill_and_butt_stroke():
    svg = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 12 10">
    <path d="M 2.13 1.27 C 9.71 2.33 8.42 8.61 3.37 7.83 Z" fill="#c04020"
          fill-opacity="0.7" stroke="#2040c0" stroke-width="1.3" stroke-opacity="0.8"/>
    <path d="M 1.41 8.77 C 4.19 5.03 7.33 9.11 10.57 3.29" fill="none" stroke="#000"
          stroke-width="0.9" stroke-linecap="butt" stroke-linejoin="miter"/></svg>"""
    base = Drawing.from_svg(svg).to(torch.float64)
    weight = torch.rand(3, 10, 12, generator=torch.Generator().manual_seed(0),
                        dtype=torch.float64)

    # Paint with alpha exactly 0 is skipped (no layer), so only present paint is checked.
    def f(points, widths, fill0):
        fill = torch.cat([fill0[None], base.fill[1:]])
        d = Drawing(points, widths, base.stroke, base.size, fill=fill, closed=base.closed,
                    n_segments=base.n_segments, contour_path=base.contour_path,
                    cap=base.cap, join=base.join)
        return (render(d) * weight).sum()

    inputs = [t.clone().requires_grad_() for t in (base.points, base.widths, base.fill[0])]
    assert torch.autograd.gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3)
