"""SVG units on import: absolute units, em/ex, %, Q, viewport units, % stroke widths.

Table-driven: exact values from :class:`vecdream.svg.units.Lengths`, and scenes rendered
by resvg and by vecdream after ``read_svg`` (PSNR >= 35 dB).
"""

from __future__ import annotations

import math

import pytest
import resvg_py
from test_render_vs_svg import _png_over_white, psnr

from vecdream import render
from vecdream.svg import read_svg
from vecdream.svg.units import Lengths

NS = 'xmlns="http://www.w3.org/2000/svg"'


@pytest.mark.parametrize("text, axis, expected", [
    ("12", "x", 12), ("12px", "x", 12), ("1in", "x", 96), ("72pt", "x", 96), ("6pc", "x", 96),
    ("25.4mm", "x", 96), ("2.54cm", "x", 96), ("101.6Q", "x", 96), ("101.6q", "x", 96),
    ("2em", "x", 40), ("2ex", "x", 20), ("1rem", "x", 16), ("50%", "x", 100), ("50%", "y", 50),
    ("10%", "d", 0.1 * math.sqrt((200**2 + 100**2) / 2)), ("10vw", "x", 30), ("10vh", "x", 15),
    ("10vmin", "x", 15), ("10vmax", "x", 30), (" 1e1 ", "x", 10), ("-3.5", "x", -3.5),
    (".5", "x", 0.5),
])
def test_length_values(text: str, axis: str, expected: float):
    lengths = Lengths(viewport=(200.0, 100.0), canvas=(300.0, 150.0), font_size=20.0)
    assert lengths.resolve(text, axis) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "px", "1 px", "1furlong", "abc", "1..2", "--1"])
def test_invalid_lengths_give_the_default(text: str):
    assert Lengths((1.0, 1.0), (1.0, 1.0)).resolve(text, "x", 7.0) == 7.0


@pytest.mark.parametrize("parent, child, expected", [
    (20.0, "150%", 30.0), (20.0, "2em", 40.0), (20.0, "large", 18.0), (20.0, "12pt", 16.0),
    (20.0, "-4", 20.0), (20.0, None, 20.0),
])
def test_font_size_inherits_relative_to_the_parent(parent, child, expected):
    assert Lengths((1.0, 1.0), (1.0, 1.0), parent).font(child) == pytest.approx(expected)


def rasterize(text: str, width: int, height: int):
    """resvg at 96 dpi (resvg_py's default dpi 0 turns absolute units into 0).

    resvg 0.45 has no ``Q``, ``rem`` or viewport units: those are checked by value above.
    """
    return _png_over_white(bytes(resvg_py.svg_to_bytes(svg_string=text, width=width,
                                                       height=height, dpi=96)))


SCENES = {
    "em_ex": '<g font-size="20"><rect x="5" y="5" width="2em" height="1.5em" fill="#a33"/>'
             '<rect x="50" y="5" width="4ex" height="3ex" fill="#3a3"/></g>',
    "nested_font_size": '<g font-size="10"><g font-size="150%"><rect x="5" y="40" '
                        'width="2em" height="1em" fill="#33a"/></g></g>',
    "percent": '<rect x="10%" y="20%" width="50%" height="25%" fill="#a3a"/>'
               '<circle cx="75%" cy="75%" r="10%" fill="#3aa"/>',
    "absolute": '<rect x="0.1in" y="2mm" width="10mm" height="0.4in" fill="#aa3"/>'
                '<rect x="60pt" y="3pc" width="1cm" height="12pt" fill="#333"/>',
    "percent_stroke_width": '<path d="M10 60 L110 60 M10 80 L110 85" stroke="#246" '
                            'stroke-width="3%" stroke-linecap="round" fill="none"/>',
    "em_stroke_width": '<path d="M10 20 L110 20" stroke="#642" stroke-width="0.5em" '
                       'font-size="12" stroke-linecap="round" fill="none"/>',
}


@pytest.mark.parametrize("name", sorted(SCENES))
def test_units_match_resvg(name: str):
    text = f'<svg {NS} width="120" height="100" viewBox="0 0 120 100">{SCENES[name]}</svg>'
    d = read_svg(text)
    assert len(d) >= 1
    value = psnr(render(d, 120, 100), rasterize(text, 120, 100))
    assert value >= 35.0, f"{name}: {value:.1f} dB"


def test_percent_stroke_width_uses_the_normalized_diagonal():
    d = read_svg(f'<svg {NS} viewBox="0 0 300 400"><path d="M0 0 L1 1" stroke="red" '
                 'stroke-width="10%"/></svg>')
    assert d.widths.tolist() == pytest.approx([0.1 * math.sqrt((300**2 + 400**2) / 2)])
