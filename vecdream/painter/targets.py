"""Offline target images for the painting agent: glyphs, photo crops, vecdream seeds.

Every source returns RGB targets ``(N, 3, 64, 64)`` float32 in [0, 1] on a white page
(the agent paints on white), drawn from an explicit ``torch.Generator`` so a split is
reproducible. Nothing is downloaded:

- ``glyphs``: letters and digits rendered from the system's TrueType fonts (found under
  ``/usr/share/fonts``, e.g. DejaVu) with a random affine jitter: an MNIST-like set of
  dark strokes on white. Fonts are split (every fourth one held out) so a benchmark can
  measure the agent on typefaces it never saw.
- ``crops``: random crops of ``skimage.data`` photographs (scikit-image, optional).
- ``seeds``: vecdream's procedural seed families, rendered with vecdream's own renderer.
"""

from __future__ import annotations

import math
import string
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont
from torch import Tensor

__all__ = ["TARGET_KINDS", "GLYPH_CHARS", "HELD_OUT_PHOTOS", "find_fonts", "glyph_targets",
           "crop_targets", "seed_targets", "make_targets", "text_image"]

TARGET_KINDS = ("glyphs", "crops", "seeds", "mixed")
GLYPH_CHARS = string.ascii_letters + string.digits
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")
# Photographs of skimage.data that ship inside the wheel (no pooch download).
SKIMAGE_IMAGES = ("astronaut", "coffee", "chelsea", "rocket", "camera", "coins", "moon",
                  "page", "text", "immunohistochemistry", "hubble_deep_field", "retina")
HELD_OUT_PHOTOS = ("coffee", "chelsea")  # the paint benchmarks' photos: never trained on
SIDE = 64


def _rng(generator: torch.Generator | None) -> np.random.Generator:
    if generator is None:
        generator = torch.Generator().manual_seed(0)
    return np.random.default_rng(int(torch.randint(0, 2**62, (1,), generator=generator)))


def find_fonts(split: str = "all", dirs: Sequence[str] = FONT_DIRS) -> list[Path]:
    """TrueType/OpenType fonts on this system, sorted; ``split`` is ``"train"`` (three in
    four), ``"test"`` (the held-out fourth) or ``"all"``.

    Raises:
        ValueError: no font found (the message names the folders searched and a fix).
    """
    fonts = sorted({p for d in dirs for ext in ("ttf", "otf")
                    for p in Path(d).expanduser().glob(f"**/*.{ext}")})
    fonts = [p for p in fonts if "Math" not in p.name]  # symbol fonts lack plain letters
    if not fonts:
        raise ValueError(f"no .ttf/.otf font under {', '.join(dirs)}: install one "
                         "(apt-get install fonts-dejavu-core)")
    if split == "all" or len(fonts) < 2:
        return fonts
    if split not in ("train", "test"):
        raise ValueError(f"split: expected 'train', 'test' or 'all', got {split!r}")
    held = [p for i, p in enumerate(fonts) if i % 4 == 3]
    return held if split == "test" else [p for p in fonts if p not in held]


def _glyph(char: str, font: Path, rng: np.random.Generator, colour: bool) -> np.ndarray:
    """One jittered glyph ``(64, 64, 3)`` uint8: drawn large at 2x, transformed, shrunk."""
    big = SIDE * 2
    face = ImageFont.truetype(str(font), size=int(rng.uniform(0.55, 0.8) * big))
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    left, top, right, bottom = draw.textbbox((0, 0), char, font=face)
    draw.text(((big - (right - left)) / 2 - left, (big - (bottom - top)) / 2 - top), char,
              fill=255, font=face)
    # Random affine (rotation, scale, shear, shift) as the inverse map PIL expects.
    angle = math.radians(rng.uniform(-15, 15))
    scale = rng.uniform(0.85, 1.15)
    shear = rng.uniform(-0.25, 0.25)
    shift = rng.uniform(-0.08, 0.08, size=2) * big
    cos, sin = math.cos(angle) / scale, math.sin(angle) / scale
    a, b = cos, sin + shear * cos
    d, e = -sin, cos - shear * sin
    c = big / 2 - a * (big / 2 + shift[0]) - b * (big / 2 + shift[1])
    f = big / 2 - d * (big / 2 + shift[0]) - e * (big / 2 + shift[1])
    mask = mask.transform((big, big), Image.Transform.AFFINE, (a, b, c, d, e, f),
                          resample=Image.Resampling.BILINEAR)
    alpha = np.asarray(mask.resize((SIDE, SIDE), Image.Resampling.BOX), np.float32) / 255
    ink = rng.uniform(0.0, 0.85, size=3) if colour else np.zeros(3)
    rgb = 1.0 - alpha[..., None] * (1.0 - ink)
    return (rgb * 255).round().astype(np.uint8)


def glyph_targets(n: int, *, generator: torch.Generator | None = None, split: str = "train",
                  chars: str = GLYPH_CHARS, colour: bool = False) -> Tensor:
    """``n`` jittered glyphs ``(n, 3, 64, 64)``: dark ink (black, or a random colour with
    ``colour``) on white, fonts from :func:`find_fonts` ``(split)``."""
    fonts = find_fonts(split)
    rng = _rng(generator)
    out = [_glyph(chars[rng.integers(len(chars))], fonts[rng.integers(len(fonts))], rng,
                  colour) for _ in range(n)]
    return _stack(out, n)


def _stack(images: list[np.ndarray], n: int) -> Tensor:
    if not images:
        return torch.ones(0, 3, SIDE, SIDE)
    return torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float().div(255).reshape(
        n, 3, SIDE, SIDE)


def _skimage_photos(split: str = "all") -> list[np.ndarray]:
    if split not in ("train", "test", "all"):
        raise ValueError(f"split: expected 'train', 'test' or 'all', got {split!r}")
    try:
        from skimage import data
    except ImportError as exc:
        raise ImportError("photo crops need scikit-image: pip install scikit-image") from exc
    names = {"all": SKIMAGE_IMAGES, "test": HELD_OUT_PHOTOS,
             "train": tuple(n for n in SKIMAGE_IMAGES if n not in HELD_OUT_PHOTOS)}[split]
    photos = []
    for name in names:
        try:
            img = np.asarray(getattr(data, name)())
        except Exception:  # noqa: BLE001 - an image needing a download is skipped
            continue
        if img.ndim == 2:
            img = np.repeat(img[..., None], 3, axis=2)
        img = img[..., :3]
        if img.dtype != np.uint8:
            img = (255 * (img - img.min()) / max(float(np.ptp(img)), 1e-8)).astype(np.uint8)
        photos.append(img)
    return photos


def crop_targets(n: int, *, generator: torch.Generator | None = None,
                 split: str = "all") -> Tensor:
    """``n`` random square crops of ``skimage.data`` photographs, 64–256 px resized to 64;
    ``split`` ``"train"`` leaves out :data:`HELD_OUT_PHOTOS`, ``"test"`` crops only them.

    Raises:
        ImportError: scikit-image is not installed (one line saying how to install it).
    """
    photos = _skimage_photos(split)
    rng = _rng(generator)
    out = []
    for _ in range(n):
        img = photos[rng.integers(len(photos))]
        h, w = img.shape[:2]
        side = int(rng.integers(SIDE, min(256, h, w) + 1))
        y, x = int(rng.integers(h - side + 1)), int(rng.integers(w - side + 1))
        crop = Image.fromarray(img[y:y + side, x:x + side]).resize((SIDE, SIDE),
                                                                   Image.Resampling.BOX)
        out.append(np.asarray(crop))
    return _stack(out, n)


def seed_targets(n: int, *, generator: torch.Generator | None = None,
                 families: Sequence[str] | None = None) -> Tensor:
    """``n`` vecdream seeds (:func:`vecdream.seeds.make_drawing`) rendered at 64 px."""
    from vecdream.render import render
    from vecdream.seeds.families import family_names, make_drawing

    names = list(families) if families else family_names()
    if generator is None:
        generator = torch.Generator().manual_seed(0)
    out = []
    with torch.no_grad():
        for _ in range(n):
            fam = names[int(torch.randint(len(names), (1,), generator=generator))]
            grid = 2 * int(torch.randint(1, 3, (1,), generator=generator))  # smith needs even
            out.append(render(make_drawing(fam, size=SIDE, grid=grid, generator=generator),
                              SIDE, SIDE))
    return torch.stack(out).clamp(0, 1) if out else torch.ones(0, 3, SIDE, SIDE)


def make_targets(kind: str, n: int, *, generator: torch.Generator | None = None,
                 split: str = "train") -> Tensor:
    """``n`` targets ``(n, 3, 64, 64)`` of ``kind`` (one of :data:`TARGET_KINDS`;
    ``mixed`` draws glyphs, crops and seeds in equal parts)."""
    if kind == "glyphs":
        return glyph_targets(n, generator=generator, split=split)
    if kind == "crops":
        return crop_targets(n, generator=generator, split=split)
    if kind == "seeds":
        return seed_targets(n, generator=generator)
    if kind == "mixed":
        k = n // 3
        parts = [glyph_targets(n - 2 * k, generator=generator, split=split, colour=True),
                 crop_targets(k, generator=generator, split=split),
                 seed_targets(k, generator=generator)]
        mixed = torch.cat(parts)
        return mixed[torch.randperm(n, generator=generator)]
    raise ValueError(f"targets: expected one of {', '.join(TARGET_KINDS)}, got {kind!r}")


def text_image(text: str, *, font: str | Path | None = None, cell: int = SIDE) -> Tensor:
    """``text`` as a row of glyph cells, black on white: ``(3, cell, cell * len(text))``.

    Each character is centred in its own cell at the scale of the training glyphs, which
    is how the glyph agent sees a line of text (no jitter). ``font`` defaults to the
    first font of :func:`find_fonts` whose name starts with ``DejaVuSans``, else the first.
    """
    if not text:
        raise ValueError("text_image: expected at least one character")
    fonts = find_fonts()
    path = Path(font) if font else next(
        (p for p in fonts if p.name == "DejaVuSans.ttf"), fonts[0])
    face = ImageFont.truetype(str(path), size=int(cell * 0.68))
    page = Image.new("L", (cell * len(text), cell), 255)
    draw = ImageDraw.Draw(page)
    for i, char in enumerate(text):
        left, top, right, bottom = draw.textbbox((0, 0), char, font=face)
        draw.text((i * cell + (cell - (right - left)) / 2 - left,
                   (cell - (bottom - top)) / 2 - top), char, fill=0, font=face)
    gray = torch.from_numpy(np.asarray(page, np.float32) / 255)
    return gray.expand(3, -1, -1).clone()
