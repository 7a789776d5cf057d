"""The pen's painting defaults: strokes laid along a photo's edges in its colours, and the
blurred pixel match beside the content loss."""

from __future__ import annotations

import torch

from vecdream import render
from vecdream.dream.photo import edge_start, paint_setup
from vecdream.objectives import DreamContext, pixels


def two_halves(h: int = 64, w: int = 96) -> torch.Tensor:
    """Red left of x = 40, blue right of it: one vertical edge."""
    photo = torch.zeros(3, h, w)
    photo[0, :, :40] = 0.9
    photo[2, :, 40:] = 0.8
    return photo


def test_edge_start_lays_fine_strokes_along_the_edges_in_the_photos_colours():
    photo = two_halves()
    d = edge_start(photo, 200, broad=0.25, seed=0)
    assert len(d) == 200 and d.points.shape == (200, 4, 2) and d.size == (96.0, 64.0)
    fine = d.points[50:]
    centre = fine.mean(1)
    assert (centre[:, 0] - 40).abs().median() < 4  # placed on the edge
    chord = fine[:, 3] - fine[:, 0]
    assert (chord[:, 1].abs() > chord[:, 0].abs()).float().mean() > 0.9  # along it
    assert (d.widths[:50] > d.widths[50:].max()).all()  # broad ones first, under
    broad = d.points[:50].mean(1)
    left = broad[:, 0] < 30
    assert left.any() and (~left).any()  # the canvas is covered, not only the edge
    assert (d.stroke[:50][left, 0] > 0.8).all() and (d.stroke[:50][left, 2] < 0.1).all()
    assert torch.equal(edge_start(photo, 200, broad=0.25, seed=0).points, d.points)


def test_pixels_is_zero_on_the_photo_and_pulls_towards_it():
    photo = two_halves()
    term = pixels(photo, blur=1.5)
    exact = DreamContext(photo[None], photo[None], [])
    assert float(term(exact)) < 1e-10
    grey = torch.full((1, 3, 64, 96), 0.5, requires_grad=True)
    loss = term(DreamContext(grey, grey, []))
    loss.backward()
    assert float(loss.detach()) > 0.05
    assert grey.grad[0, 0, :, :30].mean() < 0 < grey.grad[0, 0, :, 60:].mean()  # red up, left


def test_paint_setup_starts_near_the_photo():
    photo = two_halves()
    setup = paint_setup(photo, 300, seed=0)
    assert setup.size == (96, 64) and setup.width[0] == "free"
    lo, hi = setup.width[1:]
    assert lo < float(setup.start.widths.min()) <= float(setup.start.widths.max()) < hi
    with torch.no_grad():
        start = render(setup.start, 96, 64)
    blank = float(((1 - photo) ** 2).mean())
    assert float(((start - photo) ** 2).mean()) < 0.7 * blank  # nearer than paper
