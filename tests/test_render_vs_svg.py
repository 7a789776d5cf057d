"""The renderer against independent SVG rasterizers (cairosvg, resvg) on our own SVG text.

Acceptance: PSNR >= 35 dB on varied scenes and on the shared real-world samples.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import cairosvg
import numpy as np
import pytest
import resvg_py
import torch
from PIL import Image

from vecdream import Drawing, render

SHARED_SVG = Path(__file__).resolve().parents[2] / "shared" / "data" / "svg"
MIN_PSNR = 35.0


def _png_over_white(png: bytes) -> torch.Tensor:
    rgba = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(np.float64) / 255
    rgb, alpha = rgba[..., :3], rgba[..., 3:]
    return torch.from_numpy(rgb * alpha + (1 - alpha)).permute(2, 0, 1)


def rasterize_cairo(svg: str, width: int, height: int) -> torch.Tensor:
    return _png_over_white(cairosvg.svg2png(bytestring=svg.encode(), output_width=width,
                                            output_height=height))


def rasterize_resvg(svg: str, width: int, height: int) -> torch.Tensor:
    return _png_over_white(bytes(resvg_py.svg_to_bytes(svg_string=svg, width=width,
                                                       height=height)))


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    mse = ((a.double() - b.double()) ** 2).mean().item()
    return 10 * math.log10(1.0 / max(mse, 1e-12))


def _quantized(d: Drawing) -> Drawing:
    """Colours as the SVG stores them (8 bits), so only geometry is compared."""
    d = d.clone()
    d.stroke = (d.stroke * 255).round() / 255
    d.fill = (d.fill * 255).round() / 255
    return d


def _strokes(width: float, size=(200, 150), n=60, seed=1) -> Drawing:
    return Drawing.random(n, size=size, seed=seed, colors=True, width=width)


def _fills(evenodd: bool, size=(160, 200), seed=2) -> Drawing:
    d = Drawing.random(12, size=size, segments=(3, 5), radius=0.4, seed=seed, colors=True,
                       width=3.0)
    d.fill = torch.rand(12, 4, generator=torch.Generator().manual_seed(seed))
    d.fill[:, 3] = 0.5 + 0.5 * d.fill[:, 3]
    d.closed[:] = True
    d.evenodd[:] = evenodd
    return d


def _compound() -> Drawing:
    """A donut (two contours of one path) and a filled square without stroke."""
    ring = torch.tensor([[10.0, 10], [90, 10], [90, 90], [10, 90]])
    hole = torch.tensor([[30.0, 30], [30, 70], [70, 70], [70, 30]])

    def polygon(corners: torch.Tensor) -> torch.Tensor:
        nxt = corners.roll(-1, 0)
        pts = [corners[0]]
        for a, b in zip(corners, nxt, strict=True):
            pts += [a + (b - a) / 3, a + 2 * (b - a) / 3, b]
        return torch.stack(pts)

    points = torch.stack([polygon(ring), polygon(hole), polygon(hole * 0.5 + 45)])
    return Drawing(points, torch.tensor([2.0, 0.0]), torch.tensor([[0, 0, 0.5, 1], [0, 0, 0, 0]]),
                   (120, 100), fill=torch.tensor([[1.0, 0.5, 0, 1], [0, 0.6, 0.3, 0.7]]),
                   evenodd=torch.tensor([True, False]), closed=torch.ones(3, dtype=torch.bool),
                   contour_path=torch.tensor([0, 0, 1]))


SCENES = {
    "width0.5": lambda: _strokes(0.5),
    "width1": lambda: _strokes(1.0),
    "width2": lambda: _strokes(2.0),
    "width5": lambda: _strokes(5.0, n=30),
    "width20": lambda: _strokes(20.0, n=12),
    "nonsquare_wide": lambda: _strokes(2.0, size=(300, 90), seed=3),
    "fill_nonzero": lambda: _fills(False),
    "fill_evenodd": lambda: _fills(True),
    "compound_evenodd": _compound,
}


# resvg (tiny-skia) draws strokes of width <= 1 px as hairlines with ~13% less ink than
# their area; cairo and vecdream agree within 0.2% there (test_thin_stroke_ink below), and
# resvg vs cairo is itself only ~34 dB on those scenes. They are compared with cairo only.
RESVG_HAIRLINE_SCENES = {"width0.5", "width1"}


@pytest.mark.parametrize(("name", "reference"), [
    (name, ref) for name in sorted(SCENES) for ref in ("cairo", "resvg")
    if not (ref == "resvg" and name in RESVG_HAIRLINE_SCENES)
])
def test_generated_scene_psnr(name: str, reference: str):
    d = _quantized(SCENES[name]())
    w, h = int(d.size[0]), int(d.size[1])
    rasterize = rasterize_cairo if reference == "cairo" else rasterize_resvg
    value = psnr(render(d), rasterize(d.to_svg(), w, h))
    assert value >= MIN_PSNR, f"{name} vs {reference}: {value:.1f} dB"


@pytest.mark.parametrize("width", [0.5, 1.0, 3.0])
def test_thin_stroke_ink_matches_cairo(width: float):
    """Total ink (sum of darkness) within 1% of cairo's exact-area rasterization."""
    d = _quantized(_strokes(width))
    ours, ref = render(d), rasterize_cairo(d.to_svg(), 200, 150)
    assert abs((1 - ours).sum() / (1 - ref).sum() - 1) < 0.01


def test_upscaled_render_psnr():
    """Resolution-free: the same drawing rendered 3x larger matches cairo at 3x."""
    d = _quantized(_strokes(1.5, size=(100, 80), n=30))
    value = psnr(render(d, 300, 240), rasterize_cairo(d.to_svg(), 300, 240))
    assert value >= MIN_PSNR, value


@pytest.mark.skipif(not SHARED_SVG.is_dir(), reason="shared/data/svg is not beside the repo")
@pytest.mark.parametrize("name", ["circle", "johnny_automatic_flower_pot", "note_small",
                                  "shared_edge"])
@pytest.mark.parametrize("w", [256, 512])
def test_shared_samples_psnr(name: str, w: int):
    """Real-world files: our import + render vs cairosvg rendering our exported SVG.

    The flower pot is made of hundreds of sub-pixel slivers: with distance-based
    anti-aliasing it scored 34.0 dB at 256 px; exact-area fill coverage (as cairo
    computes) gives 39.8 dB at 256 px and 38.2 dB at 512 px. The others score 50–57 dB.
    """
    d = Drawing.from_svg(SHARED_SVG / f"{name}.svg")
    assert len(d) > 0
    h = max(1, round(w * d.size[1] / d.size[0]))
    ours = render(d, w, h)
    value = psnr(ours, rasterize_cairo(d.to_svg(), w, h))
    assert value >= MIN_PSNR, f"{name}: {value:.1f} dB"


@pytest.mark.skipif(not SHARED_SVG.is_dir(), reason="shared/data/svg is not beside the repo")
@pytest.mark.parametrize("name", ["circle", "johnny_automatic_flower_pot", "note_small",
                                  "shared_edge"])
def test_shared_samples_import_matches_original(name: str):
    """Import fidelity: our render of the imported file vs cairosvg on the original file."""
    original = (SHARED_SVG / f"{name}.svg").read_text()
    d = Drawing.from_svg(original)
    w = 256
    h = max(1, round(w * d.size[1] / d.size[0]))
    value = psnr(render(d, w, h), rasterize_cairo(original, w, h))
    assert value >= 30.0, f"{name}: {value:.1f} dB"
