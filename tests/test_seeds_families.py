"""Pattern families: seamless 2×2 tiling, palette respected, seeds reproduce."""

from __future__ import annotations

import pytest
import torch

import vecdream.seeds.families as families
from vecdream import render, tile_drawing
from vecdream.seeds import FAMILIES, load_palette, make_drawing

torch.set_num_threads(1)

SIZE, PPU = 32.0, 2  # canvas in user units, pixels per unit


def _seam_diff(family: str, **kwargs) -> torch.Tensor:
    """|window over the 2×2 tiling's seams - the same pattern shifted|, ``(H, W)``.

    The window ``(W/2, H/2, W, H)`` of the tiled drawing is centred on the point where
    four copies meet. A drawing that tiles seamlessly is one period of a periodic
    pattern, so that window must show what the family draws when its pattern is moved
    by ``(-W/2, -H/2)`` with wrap-around (``offset``): same motifs, no cut, no gap.
    """
    n = round(SIZE * PPU)
    drawing = make_drawing(family, size=SIZE, **kwargs)
    window = render(tile_drawing(drawing, 2), n, region=(SIZE / 2, SIZE / 2, SIZE, SIZE))
    shifted = render(make_drawing(family, size=SIZE, offset=(-SIZE / 2, -SIZE / 2), **kwargs), n)
    return (window - shifted).abs().amax(0)


@pytest.mark.parametrize("family", ["truchet", "smith", "carlson", "circles"])
def test_filled_families_tile_seamlessly(family):
    """Fills meet exactly; what differs is the renderer flattening a circle cut in two
    pieces slightly differently from the whole one (tolerance 0.1 px)."""
    for seed in (0, 1):
        diff = _seam_diff(family, seed=seed)
        assert diff.max() < 0.1 and diff.mean() < 2e-3, (family, seed, diff.max())


@pytest.mark.parametrize(("family", "style"), [
    ("maze", "fill"), ("flow", "fill"), ("smith", "both"), ("truchet", "stroke"),
    ("carlson", "both"), ("circles", "stroke"),
])
def test_stroked_families_tile_up_to_round_caps(family, style):
    """A stroke cut at a seam gets round caps there, which overlap the other half:
    only anti-aliased edge pixels near the seams may differ, slightly."""
    diff = _seam_diff(family, seed=2, style=style)
    assert diff.mean() < 0.02 and (diff > 0.1).float().mean() < 0.08, diff.mean()


@pytest.mark.parametrize("family", ["circles", "carlson"])
def test_seam_check_catches_a_non_periodic_drawing(monkeypatch, family):
    """Without the wrapped copies, discs cut by the border leave a visible seam."""
    monkeypatch.setattr(families, "periodize", lambda shapes, size: shapes)
    diff = _seam_diff(family, seed=0)
    assert diff.max() > 0.5


@pytest.mark.parametrize("family", list(FAMILIES))
@pytest.mark.parametrize("style", ["fill", "stroke", "both"])
def test_palette_respected_and_seed_reproduces(family, style):
    palette = load_palette("#101010,#f0e0d0,#c03020,#2040a0")
    a = make_drawing(family, size=SIZE, palette=palette, seed=5, style=style)
    b = make_drawing(family, size=SIZE, palette=palette, seed=5, style=style)
    c = make_drawing(family, size=SIZE, palette=palette, seed=6, style=style)
    assert len(a) > 0 and torch.equal(a.points, b.points) and torch.equal(a.fill, b.fill)
    assert not (a.points.shape == c.points.shape and torch.equal(a.points, c.points))
    for paint in (a.fill, a.stroke):
        used = paint[paint[:, 3] > 0, :3]
        if not len(used):
            continue
        dist = (used[:, None] - palette[None]).abs().amax(-1).amin(-1)
        assert dist.max() < 1e-6
    if style == "stroke" and family != "carlson":  # carlson's motif is regions
        assert (a.fill[:, 3] == 0).all()


def test_bad_parameters_name_the_option():
    with pytest.raises(ValueError, match="unknown family 'nope'"):
        make_drawing("nope")
    with pytest.raises(ValueError, match="even grid"):
        make_drawing("smith", grid=5)
    with pytest.raises(ValueError, match="p: expected"):
        make_drawing("maze", p=1.5)
    with pytest.raises(ValueError, match="at least 2 colours"):
        make_drawing("maze", palette="#000000")
