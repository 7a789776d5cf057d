"""Mosaic variations in the vector domain, palettes, and SVG → PDF → SVG."""

from __future__ import annotations

import pytest
import torch

from vecdream import Drawing, render
from vecdream.export import save_pdf
from vecdream.seeds import (
    crop,
    flip,
    load_palette,
    make_drawing,
    mosaic_preview,
    random_variation,
    read_pdf,
    recolour,
    rotate,
    transpose,
    write_ase,
)
from vecdream.seeds.palette import parse_gpl

torch.set_num_threads(1)


@pytest.fixture
def seed() -> Drawing:
    return make_drawing("carlson", size=48.0, seed=3, style="both")


def _same(a: Drawing, b: Drawing, atol: float = 1e-4) -> bool:
    return a.size == b.size and torch.allclose(a.points, b.points, atol=atol)


def test_rotate_90_four_times_and_flip_twice_are_identity(seed):
    wide = Drawing.random(12, size=(60, 40), seed=1)
    for d in (seed, wide):
        r = d
        for _ in range(4):
            r = rotate(r, 90)
        assert _same(r, d)
        assert rotate(d, 90).size == (d.size[1], d.size[0])
        for axis in ("horizontal", "vertical"):
            assert _same(flip(flip(d, axis), axis), d) and not _same(flip(d, axis), d)
        assert _same(transpose(transpose(d)), d)
    back = rotate(rotate(wide, 30, expand=False), -30, expand=False)
    assert _same(back, wide)  # arbitrary angles about the centre compose


def test_rotate_90_matches_the_rendered_image(seed):
    img, rot = render(seed, 48), render(rotate(seed, 90), 48)
    assert (rot - torch.rot90(img, -1, dims=(1, 2))).abs().mean() < 1e-3


def test_crop_keeps_only_geometry_inside_the_window(seed, tmp_path):
    vpype = pytest.importorskip("vpype")
    window = (7.0, 11.0, 20.0, 15.0)
    cropped = crop(seed, window)
    assert cropped.size == (20.0, 15.0) and 0 < len(cropped) < len(seed)
    path = tmp_path / "crop.svg"
    cropped.save_svg(path)
    lines, width, height = vpype.read_svg(str(path), quantization=0.05)
    coords = torch.tensor([[p.real, p.imag] for line in lines for p in line])
    assert len(coords) > 100
    assert coords.min() > -1e-3 and (coords[:, 0] <= 20 + 1e-3).all() \
        and (coords[:, 1] <= 15 + 1e-3).all()
    # nothing inside the window was lost: same pixels as the window of the original
    a, b = render(cropped, 80), render(seed, 80, region=window)
    assert (a - b).abs().mean() < 0.01


def test_recolour_maps_every_colour_into_the_palette(seed, tmp_path):
    ase = tmp_path / "brand.ase"
    ase.write_bytes(write_ase(torch.tensor([[0.9, 0.1, 0.1], [0.1, 0.2, 0.8], [1.0, 1.0, 0.9]])))
    gpl = tmp_path / "brand.gpl"
    gpl.write_text("GIMP Palette\nName: brand\n#\n230 25 25 red\n25 51 204 blue\n")
    for spec in (ase, gpl, "#123456,#abcdef,#ff8800", "ocean"):
        palette = load_palette(spec)
        for mode in ("map", "shuffle"):
            out = recolour(seed, spec, mode=mode, generator=torch.Generator().manual_seed(0))
            for paint in (out.fill, out.stroke):
                used = paint[paint[:, 3] > 0, :3]
                assert (used[:, None] - palette[None]).abs().amax(-1).amin(-1).max() < 1e-6
            assert torch.equal(out.points, seed.points)
    assert torch.allclose(load_palette(gpl)[0], torch.tensor([230, 25, 25]) / 255)
    hue = recolour(seed, mode="hue", hue=120)
    assert not torch.allclose(hue.fill, seed.fill) and torch.equal(hue.fill[:, 3], seed.fill[:, 3])
    with pytest.raises(ValueError, match="GIMP Palette"):
        parse_gpl("nope")


def test_random_variation_and_mosaic_preview(seed):
    g = torch.Generator().manual_seed(1)
    v = random_variation(seed, g, palette="sunset")
    assert v.size == seed.size and len(v) > 0
    page = mosaic_preview(seed, 2, 3, palette="sunset")
    assert page.size[0] > 3 * seed.size[0] and page.size[1] > 2 * seed.size[1]
    assert len(page) > 6


def test_svg_pdf_svg_keeps_path_count_and_geometry(tmp_path):
    pytest.importorskip("cairosvg")
    for style in ("fill", "both", "stroke"):
        d = make_drawing("smith", size=64.0, seed=1, style=style)
        save_pdf(d, tmp_path / "seed.pdf")
        back = read_pdf(tmp_path / "seed.pdf")
        assert back.size == pytest.approx(d.size) and len(back) == len(d)
        assert torch.equal(back.n_segments, d.n_segments)
        assert (back.points - d.points).abs().max() < 0.01  # cairo's 1/256 pt grid
        assert (back.fill - d.fill).abs().max() < 1e-2
        stroked = d.stroke[:, 3] > 0
        assert (back.stroke - d.stroke).abs().max() < 1e-2
        if stroked.any():
            assert (back.widths[stroked] - d.widths[stroked]).abs().max() < 0.01
