"""A designer's seed folder (SVG, vector PDF, PNG/JPG) as a cached torch dataset.

Vector seeds stay :class:`Drawing`\\ s (``SeedFolder.drawings``) for the vector tools,
and are rasterized for training by full renderers, cairosvg for SVG and pdfium for PDF
(gradients, clips, masks and text look right even where our differentiable renderer
skips them). Raster seeds are images only. Every unreadable file gives one ``logging``
warning naming the file and why, and the folder's :class:`FolderSummary` counts what
was read and skipped; nothing raises for a bad file.

Images are decoded once into a uint8 tensor ``(N, 3, S, S)`` (and optionally a cache
file), so training epochs never re-parse files.
"""

from __future__ import annotations

import io
import logging
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError
from torch import Tensor
from torch.utils.data import Dataset

from vecdream.drawing import Drawing
from vecdream.seeds.pdf_read import PdfReadError, read_pdf, render_pdf
from vecdream.svg import SVGError, drawing_to_svg, read_svg

__all__ = ["FolderSummary", "Seed", "SeedFolder", "family_dataset", "is_preview_page",
           "rasterize_svg", "read_seed"]

log = logging.getLogger(__name__)

VECTOR = {".svg": "svg", ".svgz": "svg", ".pdf": "pdf"}
RASTER = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}


@dataclass
class Seed:
    """One read seed: its file, kind (``svg``/``pdf``/``raster``), drawing and image.

    ``image`` is ``(3, S, S)`` uint8, composited on white, the long side fitted to
    ``S`` and centred (letterboxed in white).
    """

    path: Path
    kind: str
    drawing: Drawing | None
    image: Tensor
    raster_content: bool = False


@dataclass
class FolderSummary:
    """What a folder held: ``read`` by kind, ``skipped`` as ``(path, reason)``."""

    read: Counter = field(default_factory=Counter)
    skipped: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def n_read(self) -> int:
        return sum(self.read.values())

    @property
    def n_skipped(self) -> int:
        return len(self.skipped)

    @property
    def reasons(self) -> Counter:
        """Skip counts by reason category (the text before the first colon)."""
        return Counter(reason.split(":")[0] for _, reason in self.skipped)

    def __str__(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.read.items())) or "none"
        text = f"read {self.n_read} seeds ({kinds}), skipped {self.n_skipped}"
        if self.skipped:
            text += " (" + ", ".join(f"{n} {r}" for r, n in sorted(self.reasons.items())) + ")"
        return text


def _letterbox(rgba: Image.Image, size: int) -> Tensor:
    """RGBA image → ``(3, size, size)`` uint8 on white, long side fitted, centred."""
    rgba = rgba.convert("RGBA")
    scale = size / max(rgba.size)
    w, h = max(1, round(rgba.width * scale)), max(1, round(rgba.height * scale))
    rgba = rgba.resize((w, h), Image.LANCZOS) if (w, h) != rgba.size else rgba
    page = Image.new("RGBA", (size, size), (255, 255, 255, 255))
    page.alpha_composite(rgba, ((size - w) // 2, (size - h) // 2))
    return torch.from_numpy(np.asarray(page.convert("RGB")).copy()).permute(2, 0, 1)


def rasterize_svg(svg: str | bytes, size: int, aspect: tuple[float, float] = (1.0, 1.0)
                  ) -> Tensor:
    """Render SVG text with cairosvg to ``(3, size, size)`` uint8 on white.

    cairosvg runs with ``unsafe=False`` (its default): XML entities are refused and
    nothing the SVG points at is fetched except ``data:`` URLs.
    ``aspect`` ``(w, h)`` sets the render's aspect ratio (long side = ``size``).
    """
    import cairosvg

    w, h = aspect
    scale = size / max(w, h)
    png = cairosvg.svg2png(bytestring=svg.encode("utf-8") if isinstance(svg, str) else svg,
                           output_width=max(1, round(w * scale)),
                           output_height=max(1, round(h * scale)), unsafe=False)
    return _letterbox(Image.open(io.BytesIO(png)), size)


def read_seed(path: str | os.PathLike, size: int = 64) -> Seed:
    """Read one seed file. Raises ``ValueError`` (or ``OSError``) with a one-line reason."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in RASTER:
        try:
            with Image.open(path) as im:
                im.load()
                is_sheet = "vecdream:sheet" in getattr(im, "text", {})
                image = None if is_sheet else _letterbox(im, size)
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
                ValueError) as exc:
            raise ValueError(f"unreadable image: {exc}") from None
        if is_sheet:  # `seeds make` writes one next to the seeds
            raise ValueError("not a seed file: a vecdream contact sheet")
        return Seed(path, "raster", None, image, True)
    if suffix not in VECTOR:
        raise ValueError(f"not a seed file: {suffix or 'no extension'} is not SVG, PDF or image")
    try:
        if VECTOR[suffix] == "pdf":  # pdfium renders the page: text and images too
            drawing = read_pdf(path)
            page, has_images = render_pdf(path, size)
            return Seed(path, "pdf", drawing, _letterbox(page, size), has_images)
        text = path.read_bytes()
        drawing = read_svg(path)
        image = rasterize_svg(text, size, drawing.size)
    except PdfReadError as exc:
        raise ValueError(f"unreadable PDF: {exc}") from None
    except SVGError as exc:
        raise ValueError(f"unreadable SVG: {exc}") from None
    except Exception as exc:  # cairosvg has no error hierarchy; a bad file must not crash
        raise ValueError(f"unreadable vector file: {type(exc).__name__}: {exc}") from None
    return Seed(path, VECTOR[suffix], drawing, image, b"<image" in text)


def is_preview_page(relative: Path) -> bool:
    """Whether a file (relative to the seed folder) is one of ``seeds augment``'s Mosaic
    preview pages, not a seed: ``*_mosaic.*`` or anything inside a ``previews`` folder."""
    return relative.stem.lower().endswith("_mosaic") or any(
        part.lower() == "previews" for part in relative.parts[:-1])


class SeedFolder(Dataset):
    """Every seed under ``root`` as a dataset of ``(3, size, size)`` floats in [0, 1].

    Args:
        root: a folder (searched recursively unless ``recursive=False``) or one file.
        size: image side in pixels (64, 128, 256...).
        recursive: walk sub-folders. Hidden files and folders are ignored.
        cache: optional ``.pt`` file: images and drawings are loaded from it when the
            files (names, sizes, mtimes) and ``size`` are unchanged, else rebuilt and saved.

    Attributes:
        images: ``(N, 3, size, size)`` uint8, composited on white.
        drawings: ``N`` entries, a :class:`Drawing` for vector seeds, ``None`` for raster.
        paths, kinds: file and kind (``svg``/``pdf``/``raster``) of every seed.
        raster_content: whether a seed is or embeds a raster image.
        summary: the :class:`FolderSummary`.

    Example:
        >>> folder = SeedFolder("my_seeds/", size=64)      # doctest: +SKIP
        >>> folder[0].shape, str(folder.summary)            # doctest: +SKIP
        (torch.Size([3, 64, 64]), 'read 12 seeds (10 svg, 2 pdf), skipped 1 (...)')
    """

    def __init__(self, root: str | os.PathLike, size: int = 64, *, recursive: bool = True,
                 cache: str | os.PathLike | None = None) -> None:
        if size < 8:
            raise ValueError(f"SeedFolder: size must be >= 8 pixels, got {size}")
        self.root, self.size = Path(root), int(size)
        files = self._files(recursive)
        key = [[str(p), p.stat().st_size, p.stat().st_mtime_ns] for p in files]
        if cache is not None and self._load_cache(Path(cache), key):
            return
        seeds, self.summary = [], FolderSummary()
        for p in files:
            try:
                seeds.append(read_seed(p, self.size))
                self.summary.read[seeds[-1].kind] += 1
            except (ValueError, OSError) as exc:
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                log.warning("skipped %s: %s", p, reason)
                self.summary.skipped.append((p, reason))
        self._set(seeds)
        if cache is not None:
            self._save_cache(Path(cache), key)

    # ------------------------------------------------------------------ building
    def _files(self, recursive: bool) -> list[Path]:
        if self.root.is_file():
            return [self.root]
        if not self.root.is_dir():
            raise ValueError(f"SeedFolder: {self.root} is not a folder or file")
        walk = self.root.rglob("*") if recursive else self.root.glob("*")
        return sorted(p for p in walk if p.is_file() and not any(
            part.startswith(".") for part in p.relative_to(self.root).parts)
            and not is_preview_page(p.relative_to(self.root)))

    def _set(self, seeds: Sequence[Seed]) -> None:
        self.paths = [s.path for s in seeds]
        self.kinds = [s.kind for s in seeds]
        self.raster_content = [s.raster_content for s in seeds]
        self.drawings: list[Drawing | None] = [s.drawing for s in seeds]
        self.images = torch.stack([s.image for s in seeds]) if seeds else \
            torch.zeros(0, 3, self.size, self.size, dtype=torch.uint8)

    @classmethod
    def from_drawings(cls, drawings: Sequence[Drawing], size: int = 64,
                      names: Sequence[str] | None = None) -> SeedFolder:
        """A dataset of drawings (no files): rasterized with cairosvg like file seeds."""
        self = cls.__new__(cls)
        self.root, self.size, self.summary = Path("."), int(size), FolderSummary()
        names = names or [f"seed_{i:05d}" for i in range(len(drawings))]
        seeds = [Seed(Path(n), "svg", d, rasterize_svg(drawing_to_svg(d), size, d.size))
                 for n, d in zip(names, drawings, strict=True)]
        self.summary.read["svg"] = len(seeds)
        self._set(seeds)
        return self

    # ------------------------------------------------------------------ cache
    def _load_cache(self, path: Path, key: list) -> bool:
        try:
            state = torch.load(path, weights_only=True)
        except (OSError, RuntimeError, EOFError, ValueError):
            return False
        if state.get("key") != key or state.get("size") != self.size:
            return False
        self.paths = [Path(p) for p in state["paths"]]
        self.kinds = list(state["kinds"])
        self.raster_content = list(state["raster"])
        self.drawings = [None if s is None else Drawing.from_state_dict(s)
                         for s in state["drawings"]]
        self.images = state["images"]
        self.summary = FolderSummary(Counter(self.kinds),
                                     [(Path(p), r) for p, r in state["skipped"]])
        return True

    def _save_cache(self, path: Path, key: list) -> None:
        from vecdream.atomic import atomic_write_bytes

        buffer = io.BytesIO()
        torch.save({"key": key, "size": self.size, "paths": [str(p) for p in self.paths],
                    "kinds": self.kinds, "images": self.images, "raster": self.raster_content,
                    "drawings": [None if d is None else d.state_dict() for d in self.drawings],
                    "skipped": [[str(p), r] for p, r in self.summary.skipped]}, buffer)
        atomic_write_bytes(path, buffer.getvalue())

    # ------------------------------------------------------------------ dataset
    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> Tensor:
        """``(3, size, size)`` float in [0, 1]."""
        return self.images[index].float() / 255.0

    def vector_indices(self) -> list[int]:
        """Indices of the seeds that have a drawing (SVG and PDF)."""
        return [i for i, d in enumerate(self.drawings) if d is not None]

    def __repr__(self) -> str:
        return f"SeedFolder({self.root}, size={self.size}: {self.summary})"


def family_dataset(family: str, n: int, size: int = 64, seed: int = 0, **kwargs) -> SeedFolder:
    """``n`` seeds of a procedural family as a :class:`SeedFolder` (same images, same API).

    ``kwargs`` go to :func:`~vecdream.seeds.families.make_drawing` (grid, palette, p,
    style...); the canvas is ``size`` user units so one unit is one pixel.
    """
    from vecdream.seeds.families import make_drawings

    drawings = make_drawings(family, n, seed=seed, size=float(size), **kwargs)
    return SeedFolder.from_drawings(drawings, size, [f"{family}_{i:05d}" for i in range(n)])
