"""Tests of SVG import/export (vecdream.svg)."""

from __future__ import annotations

import builtins
import gzip
import io
import logging
import math
import os
import re
import time
from pathlib import Path

import pytest
import torch

from vecdream.drawing import Drawing
from vecdream.svg import (
    SVGError,
    atomic_write_bytes,
    drawing_to_svg,
    read_svg,
    save_svg,
)

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "svg"
NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def svg(body: str, attrs: str = 'viewBox="0 0 100 100"') -> str:
    return f"<svg {NS} {attrs}>{body}</svg>"


def used(d: Drawing, c: int) -> torch.Tensor:
    """The used control points of contour ``c``, (3n+1, 2)."""
    return d.points[c, : 3 * int(d.n_segments[c]) + 1]


def close(t: torch.Tensor, expected: list, atol: float = 1e-5) -> bool:
    return torch.allclose(t.double(), torch.tensor(expected, dtype=torch.float64), atol=atol,
                          rtol=0)


def samples(d: Drawing, c: int, n: int = 9) -> torch.Tensor:
    """Points along every cubic of contour ``c``, (segments * n, 2)."""
    pts = used(d, c).double()
    t = torch.linspace(0, 1, n, dtype=torch.float64)[:, None]
    out = []
    for k in range(int(d.n_segments[c])):
        p0, p1, p2, p3 = pts[3 * k: 3 * k + 4]
        out.append((1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t**2 * p2
                   + t**3 * p3)
    return torch.cat(out)


# ---------------------------------------------------------------------------- shapes
def test_rect_is_one_closed_contour_with_its_corners():
    d = read_svg(svg('<rect x="10" y="20" width="30" height="40" fill="red"/>'))
    assert len(d) == 1 and d.n_contours == 1
    assert bool(d.closed[0])
    assert d.points.dtype == torch.float32 and d.points.device.type == "cpu"
    corners = {tuple(p) for p in used(d, 0)[::3].tolist()}
    assert {(10, 20), (40, 20), (40, 60), (10, 60)} <= corners
    assert d.fill[0].tolist() == [1, 0, 0, 1]
    assert d.stroke[0, 3] == 0


def test_rounded_rect_keeps_its_bounding_box():
    d = read_svg(svg('<rect x="10" y="20" width="30" height="40" rx="5"/>'))
    pts = samples(d, 0)
    assert bool(d.closed[0]) and int(d.n_segments[0]) > 4
    assert pts.min(0).values.tolist() == pytest.approx([10, 20], abs=1e-4)
    assert pts.max(0).values.tolist() == pytest.approx([40, 60], abs=1e-4)


@pytest.mark.parametrize(
    "element, center, radii",
    [('<circle cx="50" cy="40" r="30"/>', (50, 40), (30, 30)),
     ('<ellipse cx="50" cy="40" rx="30" ry="10"/>', (50, 40), (30, 10))],
)
def test_circle_and_ellipse_are_accurate(element, center, radii):
    d = read_svg(svg(element))
    pts = samples(d, 0)
    u = ((pts[:, 0] - center[0]) / radii[0]) ** 2 + ((pts[:, 1] - center[1]) / radii[1]) ** 2
    assert torch.allclose(u, torch.ones_like(u), atol=1e-4)
    assert bool(d.closed[0])


def test_line_becomes_an_exact_cubic():
    d = read_svg(svg('<line x1="0" y1="0" x2="30" y2="60" stroke="black"/>'))
    assert not bool(d.closed[0]) and int(d.n_segments[0]) == 1
    assert close(used(d, 0), [[0, 0], [10, 20], [20, 40], [30, 60]])


def test_polyline_is_open_and_polygon_closed():
    d = read_svg(svg('<polyline points="0,0 10,0 10,10" stroke="blue" fill="none"/>'
                     '<polygon points="0,0 10,0 10,10"/>'))
    assert len(d) == 2 and d.closed.tolist() == [False, True]
    assert d.n_segments[0] == 2
    assert used(d, 0)[::3].tolist() == [[0, 0], [10, 0], [10, 10]]


def test_quadratic_is_degree_elevated_exactly():
    d = read_svg(svg('<path d="M0 0 Q 10 20 20 0" stroke="black" fill="none"/>'))
    assert close(used(d, 0), [[0, 0], [20 / 3, 40 / 3], [40 / 3, 40 / 3], [20, 0]])
    assert samples(d, 0, 3)[1].tolist() == pytest.approx([10, 10], abs=1e-5)


def test_arc_follows_its_circle():
    d = read_svg(svg('<path d="M 0 50 A 10 10 0 0 1 20 50" stroke="black" fill="none"/>'))
    r = (samples(d, 0) - torch.tensor([10.0, 50.0], dtype=torch.float64)).norm(dim=1)
    assert torch.allclose(r, torch.full_like(r, 10.0), atol=1e-4)
    assert samples(d, 0)[:, 1].max() <= 50 + 1e-4  # sweep-flag 1: through the top


def test_subpaths_become_contours_of_one_path():
    d = read_svg(svg('<path d="M0 0 L10 0 L10 10 Z M20 20 L30 20 L30 30 Z L 5 5" '
                     'fill-rule="evenodd"/>'))
    assert len(d) == 1 and d.n_contours == 3
    assert d.contour_path.tolist() == [0, 0, 0]
    assert d.closed.tolist() == [True, True, False]
    assert used(d, 2)[0].tolist() == [20, 20]  # a segment after Z starts at the start point
    assert d.n_segments.tolist() == [2, 2, 1]
    assert d.points.shape == (3, 7, 2)
    assert (d.points[2, 4:] == used(d, 2)[-1]).all()  # padding repeats the last point
    assert bool(d.evenodd[0])


def test_hidden_and_symbol_content_is_not_drawn(caplog):
    with caplog.at_level(logging.WARNING, logger="vecdream.svg"):
        d = read_svg(svg('<rect width="3" height="3" display="none"/>'
                         '<g style="display:none"><rect width="3" height="3"/></g>'
                         '<symbol id="s"><rect width="3" height="3"/></symbol>'
                         '<marker><rect width="3" height="3"/></marker>'))
    assert len(d) == 0
    assert not caplog.records  # a <symbol> draws only through <use> (test_svg_read_viewport)


def test_use_of_an_internal_element():
    d = read_svg(svg('<defs><path id="p" d="M0 0 L10 0" stroke="red"/></defs>'
                     '<use xlink:href="#p" x="5" y="7"/>'))
    assert len(d) == 1
    assert used(d, 0)[[0, -1]].tolist() == [[5, 7], [15, 7]]


# ---------------------------------------------------------------------------- transforms
def test_group_transforms_apply_to_geometry_and_stroke_width():
    d = read_svg(svg('<g transform="translate(10,20)"><g transform="scale(2)">'
                     '<path d="M0 0 L5 5" stroke="black" stroke-width="1.5"/></g></g>'
                     '<path d="M0 0 L1 0" stroke="black" transform="scale(2, 8)"/>'))
    assert used(d, 0)[[0, -1]].tolist() == [[10, 20], [20, 30]]
    # a similarity scales the width (sqrt|det| = 2); a non-uniform CTM keeps the local
    # width and goes to stroke_transform (issue 10, item 5)
    assert d.widths.tolist() == pytest.approx([3.0, 1.0])
    assert d.stroke_transform[1].tolist() == [[2, 0], [0, 8]]


def test_rotated_rect():
    d = read_svg(svg('<rect width="10" height="20" transform="rotate(90)"/>'))
    corners = sorted(tuple(round(v, 4) + 0.0 for v in p) for p in used(d, 0)[::3].tolist())
    assert set(corners) == {(0, 0), (0, 10), (-20, 0), (-20, 10)}


# ---------------------------------------------------------------------------- styles
def test_inherited_style_and_opacity_products(monkeypatch):
    # opacity multiplied into the alpha (opacity groups: tests/test_svg_read_paint.py)
    monkeypatch.setattr("vecdream.svg.walk.OPACITY_GROUPS", False)
    d = read_svg(svg(
        '<style>.blue { fill: #0000ff }</style>'
        '<g fill="red" stroke="lime" stroke-width="2" opacity="0.5" fill-rule="evenodd">'
        '  <g opacity="0.5"><rect width="5" height="5" fill-opacity="0.5"/></g>'
        '  <rect width="5" height="5" style="fill:none;stroke-opacity:0.25"/>'
        '  <rect class="blue" width="5" height="5" stroke="none"/>'
        '</g>'
    ))
    assert len(d) == 3
    assert d.fill[0].tolist() == pytest.approx([1, 0, 0, 0.125])
    assert d.stroke[0].tolist() == pytest.approx([0, 1, 0, 0.25])
    assert d.fill[1, 3] == 0 and d.stroke[1].tolist() == pytest.approx([0, 1, 0, 0.125])
    assert d.fill[2].tolist() == pytest.approx([0, 0, 1, 0.5]) and d.stroke[2, 3] == 0
    assert d.widths.tolist() == pytest.approx([2, 2, 2])
    assert d.evenodd.tolist() == [True, True, True]


def test_default_paint_is_black_fill_and_no_stroke_and_invisible_paths_drop():
    d = read_svg(svg('<path d="M0 0 L10 0 L10 10"/>'
                     '<path d="M0 0 L10 10" fill="none"/>'
                     '<path d="M0 0 L10 10" fill="none" stroke="red" stroke-width="0"/>'
                     '<path d="M0 0 L10 10" fill="none" stroke="red" visibility="hidden"/>'
                     '<path d="M0 0 L10 10" fill="none" stroke="rgba(0,0,0,0.5)"/>'))
    assert len(d) == 2
    assert d.fill[0].tolist() == [0, 0, 0, 1] and d.stroke[0, 3] == 0
    assert d.stroke[1, 3] == pytest.approx(0.5, abs=1 / 255) and d.fill[1, 3] == 0


# ---------------------------------------------------------------------------- viewBox
def test_viewbox_units_win_over_width_and_height():
    d = read_svg(svg('<path d="M0 0 L400 200" stroke="black" stroke-width="2"/>',
                     'width="200" height="100" viewBox="0 0 400 200"'))
    assert d.size == (400, 200)
    assert used(d, 0)[-1].tolist() == [400, 200]
    assert d.widths.tolist() == [2]


def test_viewbox_min_moves_to_origin():
    d = read_svg(svg('<path d="M10 20 L110 70" stroke="black"/>',
                     'width="10cm" viewBox="10,20 100,50" preserveAspectRatio="xMaxYMax"'))
    assert d.size == (100, 50)
    assert used(d, 0)[[0, -1]].tolist() == [[0, 0], [100, 50]]


def test_without_viewbox_width_and_height_are_px():
    d = read_svg(svg('<path d="M0 0 L10 10" stroke="black"/>', 'width="3in" height="150"'))
    assert d.size == pytest.approx((288, 150))
    assert used(d, 0)[-1].tolist() == [10, 10]


def test_without_any_size_the_content_corner_is_used():
    d = read_svg(svg('<path d="M5 5 L40 30" stroke="black"/>', 'width="100%"'))
    assert d.size == (40, 30)
    assert read_svg(svg("", "")).size == (300, 150)


@pytest.mark.parametrize("viewbox", ["0 0 0 10", "0 0 -5 10", "0 0 1e999 10", "0 0 1e12 1"])
def test_invalid_viewbox_is_an_error(viewbox):
    with pytest.raises(SVGError, match="viewBox"):
        read_svg(svg("", f'viewBox="{viewbox}"'))


# ---------------------------------------------------------------------------- sources
def test_sources_text_bytes_path_and_svgz(tmp_path):
    text = svg('<circle cx="5" cy="5" r="2"/>')
    file = tmp_path / "a.svg"
    file.write_text(text)
    zipped = tmp_path / "a.svgz"
    zipped.write_bytes(gzip.compress(text.encode()))
    for source in (text, "\n  " + text, text.encode(), file, str(file), zipped):
        assert len(read_svg(source)) == 1
    assert len(Drawing.from_svg(text)) == 1


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_svg(tmp_path / "nope.svg")


# ---------------------------------------------------------------------------- roundtrip
def assert_same(a: Drawing, b: Drawing) -> None:
    assert len(a) == len(b) and a.n_contours == b.n_contours
    assert a.size == pytest.approx(b.size, abs=1e-4)
    assert torch.equal(a.n_segments, b.n_segments) and torch.equal(a.closed, b.closed)
    assert torch.equal(a.contour_path, b.contour_path) and torch.equal(a.evenodd, b.evenodd)
    for c in range(a.n_contours):
        assert torch.allclose(used(a, c), used(b, c), atol=1e-4, rtol=0)
    assert torch.allclose(a.widths, b.widths, atol=1e-4)
    for name in ("stroke", "fill"):
        x, y = getattr(a, name), getattr(b, name)
        visible = x[:, 3] > 0
        assert torch.allclose(x[visible], y[visible], atol=1 / 255)
        assert (y[~visible, 3] == 0).all()


def test_roundtrip_random_drawing():
    d = Drawing.random(30, size=(224, 160), segments=(1, 4), colors=True, width=1.7, seed=3)
    assert_same(d, read_svg(drawing_to_svg(d)))


def compound_drawing() -> Drawing:
    square = [[10, 10], [40, 10], [40, 40], [10, 40]]
    hole = [[20, 20], [20, 30], [30, 30], [30, 20]]
    pts = []
    for loop in (square, hole):
        seg = [loop[0]]
        for a, b in zip(loop, loop[1:] + loop[:1], strict=True):
            seg += [[a[0] + (b[0] - a[0]) / 3, a[1] + (b[1] - a[1]) / 3],
                    [a[0] + 2 * (b[0] - a[0]) / 3, a[1] + 2 * (b[1] - a[1]) / 3], b]
        pts.append(seg)
    pts.append([[1.5, 2.25], [3, 4], [5, 6], [7, 8]] + [[7, 8]] * 9)
    return Drawing(
        torch.tensor(pts, dtype=torch.float32),
        torch.tensor([0.5, 2.0]),
        torch.tensor([[0.2, 0.4, 0.6, 0.8], [1, 0, 0, 1]]),
        (50, 60),
        fill=torch.tensor([[0.1, 0.9, 0.3, 0.6], [0, 0, 0, 0]]),
        evenodd=torch.tensor([True, False]),
        closed=torch.tensor([True, True, False]),
        n_segments=torch.tensor([3, 4, 1]),
        contour_path=torch.tensor([0, 0, 1]),
    )


def test_roundtrip_fills_evenodd_closed_and_compound_paths():
    d = compound_drawing()
    back = read_svg(d.to_svg())
    assert_same(d, back)
    assert back.fill[1, 3] == 0


def test_to_svg_format_and_grad_tensors():
    d = compound_drawing().requires_grad_()
    d.points.data[2, 0] = torch.tensor([-0.00001, 2.5])
    text = drawing_to_svg(d, precision=2)
    assert text.startswith('<svg xmlns="http://www.w3.org/2000/svg" width="50" height="60" '
                           'viewBox="0 0 50 60">')
    assert text.count("<path ") == 2
    assert 'd="M 10 10 C 20 10 30 10 40 10' in text and "Z M 20 20" in text
    assert 'fill="#1ae54d" fill-opacity="0.6" fill-rule="evenodd"' in text
    assert 'stroke="#ff0000" stroke-width="2" stroke-linecap="round"' in text
    assert "M 0 2.5 C" in text
    assert not re.search(r"-0(?![.\d])|\.\d*0[ \"]", text)  # no -0, no trailing zeros
    assert len(read_svg(text)) == 2


def test_min_alpha_and_invisible_paths_are_dropped():
    d = compound_drawing()
    assert drawing_to_svg(d, min_alpha=0.7).count("<path ") == 2  # fill 0.6 -> none
    assert 'fill="none" fill-rule="evenodd" stroke="#336699"' in drawing_to_svg(d, min_alpha=0.7)
    assert drawing_to_svg(d, min_alpha=0.9).count("<path ") == 1
    d.widths[1] = 0.0
    assert drawing_to_svg(d).count("<path ") == 1


def test_non_finite_paths_are_not_written(caplog):
    d = compound_drawing()
    d.points[2, 1, 0] = float("nan")
    with caplog.at_level(logging.WARNING, logger="vecdream.svg"):
        text = drawing_to_svg(d)
    assert text.count("<path ") == 1 and "nan" not in text
    assert "non-finite" in caplog.text


# ---------------------------------------------------------------------------- hostile
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol9;</text></svg>"""


@pytest.fixture
def opened(monkeypatch):
    """Every path passed to open()/io.open()/os.open()/PIL.Image.open during the test."""
    seen: list[str] = []

    def spy(real):
        def wrapper(file, *args, **kwargs):
            seen.append(str(file))
            return real(file, *args, **kwargs)
        return wrapper

    monkeypatch.setattr(builtins, "open", spy(builtins.open))
    monkeypatch.setattr(io, "open", spy(io.open))
    monkeypatch.setattr(os, "open", spy(os.open))
    try:
        from PIL import Image
        monkeypatch.setattr(Image, "open", spy(Image.open))
    except ImportError:
        pass
    return seen


def test_billion_laughs_is_refused_fast():
    start = time.perf_counter()
    with pytest.raises(SVGError, match="entit"):
        read_svg(BILLION_LAUGHS)
    assert time.perf_counter() - start < 1.0


def test_external_entity_is_refused_and_never_read(tmp_path, opened):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    opened.clear()
    text = (f'<!DOCTYPE svg [<!ENTITY x SYSTEM "file://{secret}">]>'
            f'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>')
    with pytest.raises(SVGError):
        read_svg(text)
    with pytest.raises(SVGError):
        read_svg('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>')
    assert not [p for p in opened if "secret" in p or "passwd" in p]


def test_plain_doctype_is_accepted():
    text = ('<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
            + svg('<rect width="1" height="1"/>'))
    assert len(read_svg(text)) == 1
    assert issubclass(SVGError, ValueError)


def test_referenced_files_are_never_opened(tmp_path, opened, caplog):
    for name in ("secret.png", "secret.svg", "secret.css", "secret.xml"):
        (tmp_path / name).write_text(svg('<rect id="x" width="1" height="1"/>'))
    text = (f'<?xml-stylesheet href="{tmp_path}/secret.css" type="text/css"?>'
            + svg(f'<image href="{tmp_path}/secret.png" width="10" height="10"/>'
                  f'<image xlink:href="file://{tmp_path}/secret.png" width="10" height="10"/>'
                  f'<use href="{tmp_path}/secret.svg#x"/><use xlink:href="secret.svg#x"/>'
                  f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                  f'href="{tmp_path}/secret.xml"/>'
                  '<rect width="3" height="3"/>'))
    opened.clear()
    with caplog.at_level(logging.WARNING, logger="vecdream.svg"):
        d = read_svg(text)
    assert len(d) == 1
    assert not [p for p in opened if "secret" in p]
    assert "2 <image>" in caplog.text and "2 external <use>" in caplog.text
    assert "xi:include" in caplog.text


@pytest.mark.parametrize("body", [
    '<path d="M 0 0 L 1e308 1e308" stroke="black"/>',
    '<path d="M 0 0 L 1e999 0" stroke="black"/>',
    '<path d="M 0 0 L -2e9 0" stroke="black"/>',
    '<path d="M 0 0 L 1 1" stroke="black" stroke-width="1e999"/>',
    '<circle r="1e400" cx="1" cy="1"/>',
    '<g transform="scale(1e300)"><path d="M 1e10 0 L 1e300 1 A 1e300 1e300 0 0 1 5 5"/></g>',
    '<rect width="1e308" height="1e308" rx="1e308" transform="scale(1e308)"/>',
])
def test_huge_or_non_finite_numbers_skip_the_path(body, caplog):
    with caplog.at_level(logging.WARNING, logger="vecdream.svg"):
        d = read_svg(svg(body + '<rect width="2" height="2"/>'))
    assert len(d) == 1 and torch.isfinite(d.points).all()
    assert used(d, 0).abs().max() <= 2
    assert "non-finite or huge" in caplog.text or "invalid" in caplog.text


# (path data drawn up to an error, e.g. "M 0 0 L 1 1 L": tests/test_svg_read_robust.py)
@pytest.mark.parametrize("path_d", ["M 10 10 L", "zzz", "", "   ", "M 0 0 L nan 0", "M 5 5",
                                    "Q"])
def test_garbage_path_data_is_skipped_with_a_warning(path_d, caplog):
    with caplog.at_level(logging.WARNING, logger="vecdream.svg"):
        d = read_svg(svg(f'<path d="{path_d}" stroke="red"/><rect width="2" height="2"/>'))
    assert len(d) == 1
    assert "path data" in caplog.text or "empty geometry" in caplog.text


@pytest.mark.parametrize("text", ["<svg", "<svg><g></svg>", "<<not xml>>", b"\x00\xff<svg/>",
                                  "<svg xmlns='http://www.w3.org/2000/svg'>&undefined;</svg>"])
def test_malformed_xml_is_an_svg_error(text):
    with pytest.raises(SVGError, match="malformed XML"):
        read_svg(text)


def test_root_must_be_svg():
    with pytest.raises(SVGError, match="not <svg>"):
        read_svg("<html><body/></html>")


def test_no_drawable_paths_gives_an_empty_drawing():
    d = read_svg(svg('<g><path d="M0 0 L 1 1" fill="none"/></g><text>hi</text>'))
    assert len(d) == 0 and d.n_contours == 0 and d.size == (100, 100)
    assert d.points.shape[0] == 0 and d.fill.shape == (0, 4)
    assert read_svg(d.to_svg()).size == (100, 100)


def test_oversized_input_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr("vecdream.svg.sanitize.MAX_SVG_BYTES", 1000)
    text = svg("<!--" + "x" * 2000 + "-->")
    big = tmp_path / "big.svg"
    big.write_text(text)
    for source in (text, text.encode(), big, gzip.compress(text.encode())):
        with pytest.raises(SVGError, match="larger than"):
            read_svg(source)


def test_use_cycles_are_dropped_and_use_bombs_refused_fast(caplog):
    # SVG's error rule: a <use> on a reference cycle is not drawn; the rest is.
    with caplog.at_level(logging.WARNING, logger="vecdream.svg"):
        d = read_svg(svg('<g id="a"><use href="#b"/><rect width="1" height="1"/></g>'
                         '<g id="b"><use href="#a"/></g><g id="c"><use href="#c"/></g>'))
    assert len(d) == 1 and "3 <use> cycle" in caplog.text
    levels = ['<path id="l0" d="M0 0 L1 1" stroke="red"/>']
    for i in range(1, 30):
        levels.append(f'<g id="l{i}">' + f'<use href="#l{i - 1}"/>' * 10 + "</g>")
    start = time.perf_counter()
    with pytest.raises(SVGError, match="expands"):
        read_svg(svg("<defs>" + "".join(levels) + '</defs><use href="#l29"/>'))
    assert time.perf_counter() - start < 2.0


def test_padded_tensor_size_is_limited(monkeypatch):
    monkeypatch.setattr("vecdream.svg.read.MAX_PADDED_POINTS", 100)
    long = "M0 0 " + "L 1 1 " * 40
    with pytest.raises(SVGError, match="MAX_PADDED_POINTS"):
        read_svg(svg(f'<path d="{long}"/><rect width="1" height="1"/>'))


def test_corrupt_gzip_is_an_svg_error():
    with pytest.raises(SVGError, match="gzip"):
        read_svg(gzip.compress(svg("").encode())[:-12] + b"garbage")


def test_invalid_transform_is_ignored_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="vecdream.svg"):
        d = read_svg(svg('<rect width="5" height="5" transform="rotate(abc) x"/>'))
    assert len(d) == 1 and used(d, 0)[::3].max() == 5
    assert "1 invalid transform" in caplog.text


def test_deep_nesting_is_refused():
    with pytest.raises(SVGError, match="nesting"):
        read_svg(svg("<g>" * 5000 + '<rect width="1" height="1"/>' + "</g>" * 5000))
    assert len(read_svg(svg("<g>" * 50 + '<rect width="1" height="1"/>' + "</g>" * 50))) == 1


# ---------------------------------------------------------------------------- warnings
def test_unsupported_content_gives_one_warning_with_counts(caplog):
    text = svg(
        '<defs><pattern id="g" width="1" height="1"><rect width="1" height="1"/></pattern>'
        '<clipPath id="c"><rect width="5" height="5"/></clipPath>'
        '<mask id="m"><rect width="100" height="100" fill="white"/></mask></defs>'
        '<text x="1" y="1">hello</text><text>again</text>'
        '<rect width="5" height="5" fill="url(#g)" stroke="black"/>'
        '<rect width="5" height="5" clip-path="url(#c)" mask="url(#m)"/>'
        '<foreignObject><div/></foreignObject>'
        '<path d="zzz"/>'
    )
    with caplog.at_level(logging.WARNING, logger="vecdream.svg"):
        d = read_svg(text)
    records = [r for r in caplog.records if r.name == "vecdream.svg"]
    assert len(records) == 1
    message = records[0].getMessage()
    for part in ("2 <text>", "1 pattern fill", "1 mask",  # clip paths are read (issue 10)
                 "1 <foreignObject>", "1 empty or invalid path data"):
        assert part in message
    assert len(d) == 2  # the mask's and clip path's rects are not drawn
    assert d.fill[0, 3] == 0 and d.stroke[0, 3] == 1


def test_clean_file_gives_no_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="vecdream.svg"):
        read_svg(svg('<rect width="5" height="5"/>'))
    assert not caplog.records


def test_switch_keeps_the_first_plain_child_and_links_draw(monkeypatch):
    monkeypatch.setattr("vecdream.svg.walk.OPACITY_GROUPS", False)
    d = read_svg(svg(
        '<switch><foreignObject requiredExtensions="http://ns.adobe.com/AI/10.0/"/>'
        '<g><rect width="5" height="5"/></g><rect width="9" height="9"/></switch>'
        '<a href="https://example.com" opacity="0.5"><rect width="1" height="1"/></a>'
    ))
    assert len(d) == 2
    assert d.fill[:, 3].tolist() == [1, 0.5]


# ---------------------------------------------------------------------------- writing
def test_save_svg_is_atomic_and_leaves_no_temp_files(tmp_path):
    d = compound_drawing()
    target = tmp_path / "a" / "b" / "out.svg"
    save_svg(d, target)
    d.save_svg(target, min_alpha=0.9)
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.svg"]
    assert target.read_text() == drawing_to_svg(d, min_alpha=0.9)
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
    assert len(read_svg(target)) == 1


def test_failed_atomic_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.png"
    target.write_bytes(b"old")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]


# ---------------------------------------------------------------------------- samples
SAMPLE_PATHS = {"circle.svg": 1, "shared_edge.svg": 3, "note_small.svg": 1,
                "johnny_automatic_flower_pot.svg": 300}


@pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"{SAMPLES} not present")
@pytest.mark.parametrize("name", sorted(SAMPLE_PATHS))
def test_real_world_samples_load(name, caplog):
    file = SAMPLES / name
    if not file.exists():
        pytest.skip(f"{file} not present")
    with caplog.at_level(logging.WARNING, logger="vecdream.svg"):
        d = read_svg(file)
    n_tags = len(re.findall(r"<(path|rect|circle|ellipse|polygon|polyline|line)\b",
                            file.read_text()))
    assert SAMPLE_PATHS[name] <= len(d) <= n_tags
    assert torch.isfinite(d.points).all() and d.points.dtype == torch.float32
    w, h = d.size
    margin = 0.05 * max(w, h)
    pts = d.points.reshape(-1, 2)  # padding repeats used points: bounds are unchanged
    assert pts.min() >= -margin and pts[:, 0].max() <= w + margin
    assert pts[:, 1].max() <= h + margin
    back = read_svg(d.to_svg())
    assert len(back) == len(d) and math.isclose(back.size[0], w, abs_tol=1e-4)
