"""read_pdf (pdfium through pypdfium2): round trips, hand-written PDFs, one-line errors."""

from __future__ import annotations

import logging

import pytest
import torch

from vecdream.drawing_fields import CAP_BUTT, CAP_SQUARE, JOIN_BEVEL, JOIN_MITER
from vecdream.export import save_pdf, svg_to_pdf_bytes
from vecdream.seeds import PdfReadError, make_drawing, read_pdf
from vecdream.seeds.pdf_read import render_pdf
from vecdream.svg import read_svg

torch.set_num_threads(1)

PX = 96.0 / 72.0  # CSS px per PDF point


def _pdf(objects: list[str], trailer: str = "") -> bytes:
    """A PDF of ``objects`` (numbered from 1; 1 is the catalog) with a correct xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        if "\nstream\n" in body:  # fill in the stream's /Length
            head, data = body.split("\nstream\n", 1)
            data = data.removesuffix("\nendstream")
            body = f"{head.replace('/Length ?', f'/Length {len(data)}')}\nstream\n" \
                   f"{data}\nendstream"
        out += f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer}>>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def _one_page(content: str, page_extra: str = "", resources: str = "",
              more: list[str] | None = None) -> bytes:
    """A one-page PDF (MediaBox 0 0 90 60 unless ``page_extra`` names boxes)."""
    box = "" if "MediaBox" in page_extra else "/MediaBox [0 0 90 60] "
    return _pdf([
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R {box}{page_extra} /Contents 4 0 R "
        f"/Resources << {resources} >> >>",
        f"<< /Length ? >>\nstream\n{content}\nendstream",
        *(more or []),
    ])


def _assert_round_trip(d, back):
    assert back.size == pytest.approx(d.size) and len(back) == len(d)
    assert torch.equal(back.n_segments, d.n_segments)
    assert torch.equal(back.contour_path, d.contour_path)
    assert (back.points - d.points).abs().max() < 1e-2  # cairo's 1/256 pt grid
    assert torch.equal(back.closed, d.closed) and torch.equal(back.evenodd, d.evenodd)
    assert (back.fill - d.fill).abs().max() < 1e-2  # alpha: 8 bits in pdfium
    assert (back.stroke - d.stroke).abs().max() < 1e-2
    stroked = d.stroke[:, 3] > 0
    assert torch.allclose(back.widths[stroked], d.widths[stroked], atol=1e-2)
    assert torch.equal(back.cap[stroked], d.cap[stroked])
    assert torch.equal(back.join[stroked], d.join[stroked])


@pytest.mark.parametrize("style", ["fill", "both", "stroke"])
def test_families_round_trip_through_save_pdf(tmp_path, style):
    d = make_drawing("smith", size=64.0, seed=1, style=style)
    save_pdf(d, tmp_path / "seed.pdf")
    _assert_round_trip(d, read_pdf(tmp_path / "seed.pdf"))


def test_paint_rules_closed_flags_and_groups_round_trip(tmp_path, caplog):
    svg = b"""<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30" viewBox="0 0 40 30">
    <path d="M 2 2 L 20 2 L 20 20 Z M 5 5 L 15 5 L 15 15 Z" fill="#ff0000"
          fill-opacity="0.5" fill-rule="evenodd"/>
    <path d="M 1 25 C 10 20 20 30 39 25" fill="none" stroke="#00ff00" stroke-width="2"
          stroke-linecap="butt" stroke-linejoin="miter" stroke-opacity="0.25"/>
    <rect x="25" y="3" width="10" height="8" fill="blue" stroke="black"
          stroke-linecap="square" stroke-linejoin="bevel"/>
    <g opacity="0.5"><circle cx="30" cy="20" r="3" fill="red"/>
       <circle cx="33" cy="20" r="3" fill="green"/></g>
    </svg>"""
    d = read_svg(svg)
    assert d.evenodd.tolist() == [True, False, False, False, False]
    assert d.closed.tolist() == [True, True, False, True, True, True]
    assert d.group_opacity.tolist() == [0.5]
    save_pdf(d, tmp_path / "d.pdf")
    with caplog.at_level(logging.WARNING, logger="vecdream.seeds"):
        back = read_pdf(tmp_path / "d.pdf")
    assert not caplog.records  # nothing skipped
    _assert_round_trip(d, back)
    assert back.cap.tolist()[1:3] == [CAP_BUTT, CAP_SQUARE]
    assert back.join.tolist()[1:3] == [JOIN_MITER, JOIN_BEVEL]
    assert back.group.tolist() == [-1, -1, -1, 0, 0]
    assert back.group_opacity.tolist() == pytest.approx([0.5], abs=1e-2)
    assert back.group_parent.tolist() == [-1]


def test_filled_and_stroked_path_in_a_hand_written_pdf(tmp_path, caplog):
    """One ``B*`` path: even-odd fill and stroke; lines become cubics at 1/3, 2/3; y down."""
    content = ("0 0 1 rg 1 0 0 RG 3 w 2 J 0 j 10 10 m 70 10 l 70 40 l h B*\n"
               "0 g 5 5 10 10 re f\n"
               "0.5 g 0 G 0 w 80 50 m 85 55 l S\n"
               "20 20 m 30 20 l 30 30 l 20 20 l W n\n"  # a clip path: paints nothing
               "BT /F1 12 Tf 5 50 Td (Hi) Tj ET")
    (tmp_path / "h.pdf").write_bytes(_one_page(
        content, resources="/Font << /F1 << /Type /Font /Subtype /Type1 "
                           "/BaseFont /Helvetica >> >>"))
    with caplog.at_level(logging.WARNING, logger="vecdream.seeds"):
        d = read_pdf(tmp_path / "h.pdf")
    assert [r.getMessage().count("\n") for r in caplog.records] == [0]
    assert "skipped 1 text" in caplog.records[0].getMessage()
    assert d.size == pytest.approx((90 * PX, 60 * PX)) and len(d) == 3
    assert d.fill[0].tolist() == [0, 0, 1, 1] and d.stroke[0].tolist() == [1, 0, 0, 1]
    assert d.evenodd.tolist() == [True, False, False]
    assert d.widths[0].item() == pytest.approx(3 * PX) and d.cap[0].item() == CAP_SQUARE
    assert d.join[0].item() == JOIN_MITER
    assert d.n_segments.tolist() == [2, 3, 1] and d.closed.tolist() == [True, True, False]
    first = torch.tensor([[10, 50], [30, 50], [50, 50], [70, 50], [70, 40], [70, 30],
                          [70, 20]], dtype=torch.float32) * PX
    assert torch.allclose(d.points[0, :7], first, atol=1e-4)
    assert d.fill[1].tolist() == [0, 0, 0, 1] and d.stroke[1, 3] == 0  # `re f`: fill only
    assert torch.allclose(d.points[1, 0], torch.tensor([5.0, 55.0]) * PX, atol=1e-4)
    assert d.fill[2, 3] == 0 and d.widths[2].item() == pytest.approx(1.0)  # 0 w: 1 px


def test_forms_crop_box_and_rotation(tmp_path):
    """Nested form matrices compose; the crop box origin and /Rotate map to the canvas."""
    form = ("<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] /Matrix [2 0 0 2 0 0] "
            "/Resources << /XObject << /Inner 6 0 R >> >> /Length ? >>\n"
            "stream\n/Inner Do\nendstream")
    inner = ("<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] /Length ? >>\n"
             "stream\n0 0 1 RG 0 0 m 5 0 l S\nendstream")
    page = "/MediaBox [0 0 200 200] /CropBox [10 20 110 70]"
    content = "1 0 0 1 15 25 cm /Outer Do"
    resources = "/XObject << /Outer 5 0 R >>"
    (tmp_path / "f.pdf").write_bytes(_one_page(content, page, resources, [form, inner]))
    d = read_pdf(tmp_path / "f.pdf")
    assert d.size == pytest.approx((100 * PX, 50 * PX)) and len(d) == 1
    # (0, 0) → 2x in the outer form → +(15, 25) → crop origin (10, 20), top 70
    ends = d.points[0, [0, 3]]
    assert torch.allclose(ends, torch.tensor([[5.0, 45.0], [15.0, 45.0]]) * PX, atol=1e-4)
    assert d.widths[0].item() == pytest.approx(2 * PX)  # width 1 in the 2x form

    (tmp_path / "r.pdf").write_bytes(_one_page(
        "0 0 1 RG 10 10 m 20 10 l S", "/MediaBox [0 0 90 60] /Rotate 90"))
    r = read_pdf(tmp_path / "r.pdf")
    assert r.size == pytest.approx((60 * PX, 90 * PX))
    # unrotated y-down (10, 50) turns clockwise to (60 - 50, 10)
    assert torch.allclose(r.points[0, [0, 3]],
                          torch.tensor([[10.0, 10.0], [10.0, 20.0]]) * PX, atol=1e-4)

    (tmp_path / "s.pdf").write_bytes(_one_page("0 G 2 0 0 1 0 0 cm 3 w 0 0 m 5 5 l S"))
    s = read_pdf(tmp_path / "s.pdf")  # non-uniform: the width stays local to the matrix
    assert s.widths[0].item() == pytest.approx(3.0)
    assert torch.allclose(s.stroke_transform[0], torch.tensor([[2.0, 0.0], [0.0, -1.0]]) * PX)


def test_deeply_nested_forms_terminate(tmp_path):
    """60 forms, each drawing a line and calling the next (objects 5, 6, ...)."""
    n = 60

    def form(i: int) -> str:
        inner = f"/X {6 + i} 0 R" if i + 1 < n else ""
        return (f"<< /Type /XObject /Subtype /Form /BBox [0 0 90 60] /Resources << /XObject "
                f"<< {inner} >> >> /Length ? >>\nstream\n0 0 m 9 9 l S /X Do\nendstream")

    (tmp_path / "deep.pdf").write_bytes(_one_page("/X Do", "", "/XObject << /X 5 0 R >>",
                                                  [form(i) for i in range(n)]))
    d = read_pdf(tmp_path / "deep.pdf")
    assert 1 <= len(d) <= n  # pdfium stops parsing at its own nesting limit (40)


def test_errors_are_one_clear_line(tmp_path):
    (tmp_path / "corrupt.pdf").write_bytes(b"%PDF-1.4\n garbage \n%%EOF\n")
    save_pdf(make_drawing("maze", size=32.0, seed=0), tmp_path / "good.pdf")
    encrypt = ("<< /Filter /Standard /V 1 /R 2 /P -4 /O <" + "ab" * 32 + "> /U <"
               + "cd" * 32 + "> >>")
    (tmp_path / "locked.pdf").write_bytes(_pdf(
        ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>",
         encrypt], "/Encrypt 3 0 R /ID [<00112233445566778899aabbccddeeff> "
                   "<00112233445566778899aabbccddeeff>] "))
    cases = {"corrupt.pdf": (1, "not a readable PDF"), "good.pdf": (2, "no readable page 2"),
             "missing.pdf": (1, "no such file"), "locked.pdf": (1, "encrypted PDF")}
    for name, (page, expected) in cases.items():
        with pytest.raises(PdfReadError) as info:
            read_pdf(tmp_path / name, page=page)
        assert expected in str(info.value) and "\n" not in str(info.value), str(info.value)
    with pytest.raises(PdfReadError, match="no readable page 0"):
        read_pdf(tmp_path / "good.pdf", page=0)


def test_render_pdf_draws_the_page_and_reports_images(tmp_path, caplog):
    d = make_drawing("circles", size=32.0, seed=1, style="both")
    save_pdf(d, tmp_path / "c.pdf")
    image, has_images = render_pdf(tmp_path / "c.pdf", 48)
    assert image.size == (48, 48) and image.mode == "RGB" and not has_images
    assert len(image.getcolors(48 * 48)) > 3

    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
           "RU5ErkJggg==")
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
        width="40" height="20"><rect width="10" height="10" fill="red"/>
        <image x="20" y="5" width="8" height="8" xlink:href="data:image/png;base64,{png}"/>
        </svg>"""
    (tmp_path / "i.pdf").write_bytes(svg_to_pdf_bytes(svg))
    image, has_images = render_pdf(tmp_path / "i.pdf", 40)
    assert image.size == (40, 20) and has_images
    with caplog.at_level(logging.WARNING, logger="vecdream.seeds"):
        back = read_pdf(tmp_path / "i.pdf")
    assert len(back) == 1 and back.fill[0].tolist() == [1, 0, 0, 1]
    assert [r.getMessage().endswith("skipped 1 image") for r in caplog.records] == [True]
