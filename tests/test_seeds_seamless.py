"""Seamless seeds stay seamless: tiling detection and lattice variations (issue 25)."""

from __future__ import annotations

import pytest
import torch

from vecdream import Drawing
from vecdream.render import render
from vecdream.seeds.families import make_drawing
from vecdream.seeds.seamless import (
    DEFAULT_ANGLES,
    EXACT_ANGLES,
    is_seamless,
    lattice_variation,
    seam_score,
)
from vecdream.seeds.variations import random_variation


def coverage(d: Drawing) -> float:
    image = render(d, 128)
    return float(((1 - image).amax(0) > 0.05).float().mean())


@pytest.fixture(scope="module")
def lines_seed() -> Drawing:
    return make_drawing("truchet", size=64, style="stroke", seed=3)  # ink on white


def test_family_seeds_tile_and_random_strokes_do_not(lines_seed):
    assert is_seamless(make_drawing("smith", size=64, seed=1))
    assert is_seamless(lines_seed)
    for seed in (1, 2, 3):  # wide strokes cut by the canvas edge
        blob = Drawing.random(6, size=(64, 64), seed=seed, width=6.0, radius=0.3)
        score = seam_score(blob)
        assert not score.seamless and score.seam > 1.5 * score.interior, score
    half_disc = Drawing.from_svg('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
                                 '<circle cx="0" cy="32" r="16" fill="#124"/></svg>')
    assert not is_seamless(half_disc)  # cut at the left edge, nothing at the right


@pytest.mark.parametrize("angle", sorted(EXACT_ANGLES)[:5] + [90.0, 180 + 45.0])
def test_lattice_variations_tile_and_keep_the_ink(lines_seed, angle):
    g = torch.Generator().manual_seed(7)
    variation = lattice_variation(lines_seed, g, angle=angle)
    assert variation.size == lines_seed.size
    score = seam_score(variation)
    assert score.seamless, (angle, score)
    assert coverage(variation) >= 0.5 * coverage(lines_seed), angle


def test_arbitrary_angles_and_rectangles_are_refused_with_the_choices(lines_seed):
    with pytest.raises(ValueError, match="no exact period"):
        lattice_variation(lines_seed, angle=30.0)
    rectangle = make_drawing("smith", size=64, seed=1).scaled((1.0, 0.5))
    with pytest.raises(ValueError, match="multiples of 180"):
        lattice_variation(rectangle, angle=90.0)
    assert lattice_variation(rectangle, angle=180.0).size == rectangle.size
    assert all(abs(a - 45.0) < 1e-9 or a in EXACT_ANGLES for a in DEFAULT_ANGLES)


def test_random_variation_of_a_seamless_seed_is_seamless(lines_seed):
    g = torch.Generator().manual_seed(0)
    for _ in range(4):
        assert seam_score(random_variation(lines_seed, g)).seamless


def test_random_variation_of_other_seeds_keeps_the_window_crop():
    blob = Drawing.random(20, size=(64, 48), seed=2, width=3.0)
    out = random_variation(blob, torch.Generator().manual_seed(1), seamless=False)
    assert out.size in ((64.0, 48.0), (48.0, 64.0))


def test_stats_say_whether_a_seed_tiles(lines_seed):
    from vecdream.seeds.stats import format_stats, seed_stats

    blob = Drawing.random(6, size=(64, 64), seed=2, width=6.0, radius=0.3)
    tiles, cut = (seed_stats(d, render(d, 64), name=n) for d, n in ((lines_seed, "t"),
                                                                    (blob, "b")))
    assert tiles.seamless is True and cut.seamless is False
    table = format_stats([tiles, cut]).splitlines()
    assert "tiles" in table[0] and " yes " in table[1] and " no " in table[2]


def test_seed_folders_skip_augments_preview_pages(tmp_path, lines_seed):
    from vecdream.seeds.folder import SeedFolder

    lines_seed.save_svg(tmp_path / "a.svg")
    (tmp_path / "previews").mkdir()
    lines_seed.save_svg(tmp_path / "previews" / "a_mosaic.svg")
    lines_seed.save_svg(tmp_path / "b_mosaic.svg")
    assert [p.name for p in SeedFolder(tmp_path, size=32).paths] == ["a.svg"]


def test_stroked_rings_cut_at_the_edge_stay_arcs():
    ring = Drawing.from_svg('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
                            '<circle cx="0" cy="32" r="12" fill="none" stroke="#000" '
                            'stroke-width="2"/></svg>')
    from vecdream.seeds.clip import clip_drawing

    cut = clip_drawing(ring, (0, 0, 64, 64))
    assert not bool(cut.closed.any())  # an open arc, not a closed D shape
    edge = render(cut, 64)[:, 12:52, 1]  # pixel column just inside the left edge
    assert float((1 - edge).amax(0).gt(0.5).float().mean()) < 0.25  # no line along it
    assert is_seamless(make_drawing("circles", size=64, style="stroke", seed=3))
