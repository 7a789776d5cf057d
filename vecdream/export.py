"""Files out of a drawing: SVG, vector PDF and PNG, chosen by extension, written atomically.

The PDF goes through cairosvg's PDF surface drawing our own SVG text, so paths stay
vector paths (no embedded raster) and the page is the canvas (1 user unit = 1 CSS px =
0.75 pt), or the plotter page in mm for a plotter SVG. Every writer can embed a
provenance record (:mod:`vecdream.provenance`) that :func:`read_metadata` reads back.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image, PngImagePlugin

from vecdream.atomic import atomic_write_bytes
from vecdream.drawing import Drawing, register_file_io
from vecdream.provenance import (
    PROVENANCE_NS,
    pdf_subject,
    png_text_chunks,
    provenance_record,
    record_from_pdf_subject,
    record_from_png_text,
)
from vecdream.render import render
from vecdream.svg import drawing_to_svg, save_svg
from vecdream.svg.sanitize import load_source, parse_xml

__all__ = [
    "OUTPUT_FORMATS",
    "image_to_png_bytes",
    "read_metadata",
    "save_drawing",
    "save_pdf",
    "save_png",
    "svg_to_pdf_bytes",
]

OUTPUT_FORMATS = (".svg", ".pdf", ".png")
"""Extensions :func:`save_drawing` writes: two vector formats and one raster."""

Metadata = Mapping[str, object]


def image_to_png_bytes(image: torch.Tensor, *, metadata: Metadata | None = None) -> bytes:
    """Encode an RGB image ``(3, H, W)`` in [0, 1] as PNG bytes (provenance in tEXt)."""
    if image.dim() != 3 or image.shape[0] != 3:
        raise ValueError(f"image_to_png_bytes: expected shape (3, H, W), got {tuple(image.shape)}")
    array = (image.detach().clamp(0, 1).permute(1, 2, 0).cpu().numpy() * 255).round()
    info = None
    if metadata is not None:
        info = PngImagePlugin.PngInfo()
        for key, value in png_text_chunks(provenance_record(metadata)).items():
            info.add_text(key, value)
    buffer = io.BytesIO()
    Image.fromarray(array.astype(np.uint8), "RGB").save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def save_png(
    drawing: Drawing,
    path: str | os.PathLike,
    width: int | None = None,
    height: int | None = None,
    *,
    background: Sequence[float] = (1.0, 1.0, 1.0),
    samples: int = 1,
    metadata: Metadata | None = None,
) -> None:
    """Render ``drawing`` with :func:`vecdream.render` and write a PNG atomically.

    Args:
        drawing: the drawing.
        path: output file; parent folders are created.
        width, height: pixel size (default: the canvas size in user units).
        background: RGB in [0, 1].
        samples: supersampling factor per axis.
        metadata: provenance written as PNG text chunks (None: none).
    """
    with torch.no_grad():
        image = render(drawing.detach(), width, height, background=background, samples=samples)
    atomic_write_bytes(path, image_to_png_bytes(image, metadata=metadata))


def svg_to_pdf_bytes(svg_text: str, *, metadata: Metadata | None = None) -> bytes:
    """A vector PDF of SVG text (ours: a drawing or a plotter page) via cairosvg.

    The page size is the SVG's ``width``/``height`` (px at 96 dpi, or mm/in as given).
    """
    import cairocffi
    import cairosvg.surface

    record = provenance_record(metadata) if metadata is not None else None

    class _Surface(cairosvg.surface.PDFSurface):
        def _create_surface(self, width, height):
            surface, w, h = super()._create_surface(width, height)
            surface.set_metadata(cairocffi.PDF_METADATA_CREATOR, "vecdream")
            if record is not None:
                surface.set_metadata(cairocffi.PDF_METADATA_SUBJECT, pdf_subject(record))
            return surface, w, h

    output = io.BytesIO()
    # unsafe=False (the default): cairosvg refuses entities and external files.
    _Surface.convert(bytestring=svg_text.encode("utf-8"), write_to=output)
    return output.getvalue()


def save_pdf(drawing: Drawing, path: str | os.PathLike, *, metadata: Metadata | None = None
             ) -> None:
    """Write ``drawing`` as a vector PDF (page = canvas, 1 user unit = 0.75 pt) atomically."""
    svg_text = drawing_to_svg(drawing.detach())
    atomic_write_bytes(path, svg_to_pdf_bytes(svg_text, metadata=metadata))


def save_drawing(drawing: Drawing, path: str | os.PathLike, *, width: int | None = None,
                 metadata: Metadata | None = None) -> None:
    """Write ``drawing`` in the format its extension names: ``.svg``, ``.pdf`` or ``.png``.

    Args:
        drawing: the drawing.
        path: output file; parent folders are created; written atomically.
        width: pixel width of a PNG (default: canvas width); ignored for vector formats.
        metadata: provenance record embedded in the file (None: none).

    Raises:
        ValueError: any other extension (the message lists the supported ones).
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".svg":
        save_svg(drawing.detach(), path, metadata=metadata)
    elif suffix == ".pdf":
        save_pdf(drawing, path, metadata=metadata)
    elif suffix == ".png":
        save_png(drawing, path, width, metadata=metadata)
    else:
        raise ValueError(f"unsupported output format {suffix or '(none)'!r} for "
                         f"{os.fspath(path)}: use .svg, .pdf or .png")


def _svg_record(path: Path) -> dict[str, str]:
    root = parse_xml(load_source(path))
    return {el.get("key", ""): el.text or ""
            for el in root.iter(f"{{{PROVENANCE_NS}}}entry") if el.get("key")}


def _png_record(path: Path) -> dict[str, str]:
    with Image.open(path) as image:
        return record_from_png_text(dict(getattr(image, "text", {}) or {}))


def _pdf_record(path: Path) -> dict[str, str]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return record_from_pdf_subject(pdf.get_metadata_dict().get("Subject", ""))
    finally:
        pdf.close()


def read_metadata(path: str | os.PathLike) -> dict[str, str]:
    """The provenance record of an SVG, PNG or PDF written by vecdream (``{}`` if none).

    Raises:
        ValueError: unsupported extension or unreadable file (one line naming the file).
    """
    path = Path(path)
    readers = {".svg": _svg_record, ".png": _png_record, ".pdf": _pdf_record}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise ValueError(f"cannot read provenance of {path}: use an .svg, .png or .pdf file")
    try:
        return reader(path)
    except (OSError, ValueError, SyntaxError, RuntimeError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"cannot read provenance of {path}: {message}") from None


register_file_io(save_pdf=save_pdf)  # behind Drawing.save_pdf (see vecdream.drawing)
