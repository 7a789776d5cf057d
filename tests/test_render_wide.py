"""Strokes wider than their tiles: pairs of tiles a piece already covers are dropped
(``grid.drop_covered``); the image and the gradients must not change."""

from __future__ import annotations

import importlib

import pytest
import torch
from fuzz_scenes import random_scene

from vecdream import Drawing, render

raster = importlib.import_module("vecdream.render.raster")

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 48" width="64" height="48">'
       '<path d="M -40 10 C 20 -30 50 90 110 20" fill="none" stroke="#c33" stroke-width="40" '
       'stroke-linecap="butt" stroke-linejoin="miter" stroke-opacity="0.7"/>'
       '<path d="M 10 40 L 30 5 L 55 40" fill="none" stroke="#36c" stroke-width="24" '
       'stroke-linecap="square"/>'
       '<path d="M 5 5 L 60 44" fill="#3a3" stroke="#222" stroke-width="30" '
       'stroke-opacity="0.5"/></svg>')


def _scenes() -> list[Drawing]:
    wide = Drawing.random(6, size=(64.0, 48.0), colors=True, radius=0.6, seed=3)
    wide.widths = torch.linspace(12.0, 70.0, 6)
    return [Drawing.from_svg(SVG), wide]


def _render_and_grads(d: Drawing) -> tuple[torch.Tensor, list[torch.Tensor]]:
    d = d.clone().to(dtype=torch.float64).requires_grad_()
    image = render(d)
    weight = torch.rand(image.shape, generator=torch.Generator().manual_seed(0),
                        dtype=image.dtype)
    (image * weight).sum().backward()
    return image.detach(), [d.points.grad, d.widths.grad, d.stroke.grad]


@pytest.mark.parametrize("scene", range(2))
def test_dropping_covered_tiles_changes_nothing(scene: int, monkeypatch: pytest.MonkeyPatch):
    d = _scenes()[scene]
    calls = []

    def counting(*args, **kwargs):
        keep = original(*args, **kwargs)
        calls.append(None if keep is None else int((~keep).sum()))
        return keep

    original = raster.drop_covered
    monkeypatch.setattr(raster, "drop_covered", counting)
    image, grads = _render_and_grads(d)
    assert calls and calls[0], "the scene must have covered tiles to drop"
    monkeypatch.setattr(raster, "drop_covered", lambda *args, **kwargs: None)
    plain, plain_grads = _render_and_grads(d)
    assert torch.allclose(image, plain, atol=1e-9)
    for g, p in zip(grads, plain_grads, strict=True):
        assert torch.allclose(g, p, atol=1e-9)


def test_fuzz_seed_30235_renders_in_bounded_memory():
    # A batch with strokes 45 000-90 000 px wide around a 64 x 1829 px image, control
    # points ~1e8 px out: every piece paired with every tile, 6.8 M pairs, and the
    # renderer took all 24 GB of the machine. With covered tiles dropped: ~1.5 GB.
    scene = random_scene(30235)
    drawings = [d.clone().requires_grad_() for d in scene.drawings]
    image = render(drawings, 64)
    image.sum().backward()
    assert torch.isfinite(image).all()
    assert all(torch.isfinite(d.points.grad).all() for d in drawings)
