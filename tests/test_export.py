"""Export by extension (SVG, vector PDF, PNG) and provenance read back from each format.

PDF acceptance (issue 7): the page objects are vector paths (no image), the page size is
the canvas (1 user unit = 0.75 pt), and rasterizing the PDF matches :func:`render`.
"""

from __future__ import annotations

import math

import numpy as np
import pypdfium2
import pytest
import torch
from PIL import Image

from vecdream import Drawing, render
from vecdream.export import (
    OUTPUT_FORMATS,
    read_metadata,
    save_drawing,
    save_pdf,
    svg_to_pdf_bytes,
)
from vecdream.provenance import vecdream_version

PATH_OBJECT = 2  # FPDF_PAGEOBJ_PATH
IMAGE_OBJECT = 3  # FPDF_PAGEOBJ_IMAGE


def _drawing() -> Drawing:
    d = Drawing.random(40, size=(200, 120), colors=True, width=3.0, seed=4)
    d.stroke = (d.stroke * 255).round() / 255  # as the file stores colours
    return d


def _pdf_pages(path) -> list[tuple[tuple[float, float], list[int], np.ndarray]]:
    """Per page: size in pt, page object types, RGB raster at one pixel per user unit."""
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        pages = []
        for page in pdf:
            types = [obj.type for obj in page.get_objects()]
            # 1 user unit = 0.75 pt, so scale 4/3 renders one pixel per user unit.
            bitmap = page.render(scale=4 / 3, fill_color=(255, 255, 255, 255))
            pages.append((page.get_size(), types, np.asarray(bitmap.to_pil().convert("RGB"))))
            page.close()
        return pages
    finally:
        pdf.close()


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float((((a.astype(np.float64) - b.astype(np.float64)) / 255) ** 2).mean())
    return 10 * math.log10(1.0 / max(mse, 1e-12))


def test_pdf_is_vector_of_the_canvas_size_and_matches_render(tmp_path):
    d = _drawing()
    save_pdf(d, tmp_path / "d.pdf")
    [(size, types, raster)] = _pdf_pages(tmp_path / "d.pdf")
    assert size == pytest.approx((150.0, 90.0))
    assert types and all(t == PATH_OBJECT for t in types), types
    assert IMAGE_OBJECT not in types
    assert len(types) == len(d)
    ours = (render(d, 200, 120).permute(1, 2, 0).numpy() * 255).round()
    assert raster.shape == ours.shape
    assert _psnr(raster, ours) >= 35.0


def test_drawing_save_pdf_method(tmp_path):
    _drawing().save_pdf(tmp_path / "m.pdf", metadata={"steps": 3})
    assert read_metadata(tmp_path / "m.pdf")["steps"] == "3"


def test_plotter_page_in_mm_keeps_its_size():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" '
           'viewBox="0 0 210 297"><path d="M 10 10 L 200 287" stroke="black" '
           'fill="none"/></svg>')
    pdf = pypdfium2.PdfDocument(svg_to_pdf_bytes(svg))
    try:
        width_pt, height_pt = pdf[0].get_size()
    finally:
        pdf.close()
    assert width_pt / 72 * 25.4 == pytest.approx(210, abs=0.2)
    assert height_pt / 72 * 25.4 == pytest.approx(297, abs=0.2)


@pytest.mark.parametrize("suffix", OUTPUT_FORMATS)
def test_save_drawing_writes_the_format_its_extension_names(tmp_path, suffix):
    path = tmp_path / f"out{suffix}"
    save_drawing(_drawing(), path, metadata={"net": "efficientnet_lite0", "seed": 7})
    head = path.read_bytes()[:8]
    expected = {".svg": b"<svg", ".pdf": b"%PDF", ".png": b"\x89PNG"}[suffix]
    assert head.startswith(expected)
    record = read_metadata(path)
    assert record == {"vecdream": vecdream_version(), "net": "efficientnet_lite0", "seed": "7"}


def test_svg_with_metadata_reads_back_the_same_drawing(tmp_path):
    d = _drawing()
    save_drawing(d, tmp_path / "m.svg", metadata={"layer": "blocks.4 <&> \"q\""})
    again = Drawing.from_svg(tmp_path / "m.svg")
    assert len(again) == len(d)
    assert torch.equal(again.n_segments, d.n_segments)
    for c, n in enumerate(d.n_segments.tolist()):  # used points; the padding may differ
        torch.testing.assert_close(again.points[c, :3 * n + 1], d.points[c, :3 * n + 1],
                                   atol=1e-3, rtol=0)
    assert read_metadata(tmp_path / "m.svg")["layer"] == "blocks.4 <&> \"q\""


@pytest.mark.parametrize("name", ["out.jpg", "out", "out.svgz"])
def test_unknown_extension_is_refused_before_writing(tmp_path, name):
    with pytest.raises(ValueError, match=r"use \.svg, \.pdf or \.png"):
        save_drawing(_drawing(), tmp_path / name)
    assert not (tmp_path / name).exists()


def test_files_without_provenance_give_empty_records(tmp_path):
    d = _drawing()
    d.save_svg(tmp_path / "plain.svg")
    save_pdf(d, tmp_path / "plain.pdf")
    Image.new("RGB", (4, 4)).save(tmp_path / "plain.png")
    for name in ("plain.svg", "plain.pdf", "plain.png"):
        assert read_metadata(tmp_path / name) == {}


def test_unreadable_files_give_one_line(tmp_path):
    (tmp_path / "bad.pdf").write_bytes(b"not a pdf")
    with pytest.raises(ValueError, match="cannot read provenance of .*bad.pdf") as info:
        read_metadata(tmp_path / "bad.pdf")
    assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match=r"use an \.svg, \.png or \.pdf"):
        read_metadata(tmp_path / "x.txt")
