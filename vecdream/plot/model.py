"""Plain data of a pen plot: pens, layers of polylines in mm, the page.

Convention:
    Millimetres on the page, origin at the top-left corner, x to the right, y down
    (SVG's convention). A polyline is a float64 numpy array ``(N, 2)`` with ``N >= 2``;
    the pen goes down at ``line[0]``, draws through every point and lifts at
    ``line[-1]``. Layers are plotted in list order, polylines in list order.

Like vpype's ``Document``/``LineCollection``, these are plain containers: the SVG
writer and reader, the statistics and the preview all consume them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import svgelements as se

__all__ = ["Layer", "Pen", "PenPlot", "PenSpec", "delta_e2000", "nearest_pen", "parse_pens",
           "srgb_to_lab"]

PenSpec = str | tuple[str, str | Sequence[float]]
"""A pen given by a colour name or hex (``"black"``, ``"#ff0000"``) or a ``(name, colour)``
pair, the colour a name, a hex string or an RGB triple in [0, 1]."""

_CSS_FUNCTION = re.compile(r"^\s*(#|rgb|hsl)", re.IGNORECASE)


@dataclass(frozen=True)
class Pen:
    """A pen: a name for the layer label and the RGB it stands for.

    Attributes:
        name: label text (``"black"``, ``"#ff0000"``, ``"fineliner red"``).
        rgb: colour in [0, 1], used to quantize stroke colours and to draw previews.
    """

    name: str
    rgb: tuple[float, float, float]

    @property
    def hex(self) -> str:
        """``#rrggbb`` of :attr:`rgb`."""
        return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in self.rgb)


@dataclass
class Layer:
    """The polylines one pen draws.

    Attributes:
        number: the layer number in the SVG label (``"1 black"``), 1-based.
        pen: the pen of the layer.
        lines: polylines in mm, each ``(N, 2)`` float64, in plotting order.
    """

    number: int
    pen: Pen
    lines: list[np.ndarray] = field(default_factory=list)

    @property
    def label(self) -> str:
        """Inkscape/AxiDraw layer label ``"N name"``."""
        return f"{self.number} {self.pen.name}"


@dataclass
class PenPlot:
    """A page of layers, ready to write, measure or preview.

    Attributes:
        page_mm: page ``(width, height)`` in mm, in the chosen orientation.
        pen_width_mm: nib width in mm (the SVG stroke width).
        margin_mm: blank border in mm; all geometry lies inside it.
        layers: one per used pen, in pen-list order.
        transform: ``(s, ox, oy)``, how the drawing's user units map to the page
            (``mm = s * unit + offset``); None for a plot read from a file.
    """

    page_mm: tuple[float, float]
    pen_width_mm: float
    margin_mm: float = 0.0
    layers: list[Layer] = field(default_factory=list)
    transform: tuple[float, float, float] | None = None

    @property
    def n_paths(self) -> int:
        """Polylines over all layers (each is one pen-down stroke)."""
        return sum(len(layer.lines) for layer in self.layers)

    def __repr__(self) -> str:
        w, h = self.page_mm
        return (f"PenPlot({len(self.layers)} layers, {self.n_paths} paths, page {w:g}x{h:g} mm, "
                f"pen {self.pen_width_mm:g} mm)")


def _parse_colour(colour: str | Sequence[float], spec: object) -> tuple[float, float, float]:
    """RGB in [0, 1] of a colour name, hex/rgb() text or RGB triple."""
    if isinstance(colour, str):
        text = colour.strip()
        value = se.Color.parse(text) if text else None
        unknown = not _CSS_FUNCTION.match(text) and text.lower() != "black" and value == 255
        if value is None or unknown or text.isdigit():
            raise ValueError(
                f"pens: expected a CSS colour name or hex such as 'black' or '#ff0000', "
                f"got {colour!r} in {spec!r}"
            )
        c = se.Color(text)
        return c.red / 255.0, c.green / 255.0, c.blue / 255.0
    try:
        rgb = tuple(float(v) for v in colour)
    except (TypeError, ValueError):
        rgb = ()
    if len(rgb) != 3 or not all(0.0 <= v <= 1.0 for v in rgb):
        raise ValueError(
            f"pens: expected an RGB triple in [0, 1] such as (1.0, 0.0, 0.0), got {colour!r} "
            f"in {spec!r}"
        )
    return rgb  # type: ignore[return-value]


def parse_pens(pens: Sequence[PenSpec] | None) -> list[Pen]:
    """Pens from names, hex colours or ``(name, colour)`` pairs; ``None`` is black only.

    Args:
        pens: e.g. ``["black", "red"]``, ``["#1f77b4"]`` or
            ``[("fineliner", (0.1, 0.1, 0.4))]``.

    Returns:
        The pens, in the given order (layer numbers follow it).

    Example:
        >>> [p.hex for p in parse_pens(["black", "red"])]
        ['#000000', '#ff0000']
    """
    if pens is None:
        return [Pen("black", (0.0, 0.0, 0.0))]
    if isinstance(pens, str):
        pens = [p for p in pens.split(",") if p.strip()]
    out: list[Pen] = []
    for spec in pens:
        if isinstance(spec, str):
            out.append(Pen(spec.strip(), _parse_colour(spec, spec)))
        elif isinstance(spec, (tuple, list)) and len(spec) == 2 and isinstance(spec[0], str):
            out.append(Pen(spec[0].strip(), _parse_colour(spec[1], spec)))
        else:
            raise ValueError(
                f"pens: expected a colour name, a hex or a (name, colour) pair, got {spec!r}"
            )
    if not out:
        raise ValueError("pens: expected at least one pen, got an empty list; pass None for black")
    names = [p.name for p in out]
    if len(set(names)) != len(names):
        raise ValueError(f"pens: expected distinct pen names, got {names}")
    return out


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of sRGB colours in [0, 1], ``(..., 3) -> (..., 3)``."""
    rgb = np.clip(np.asarray(rgb, dtype=np.float64), 0.0, 1.0)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ np.array([[0.4124564, 0.2126729, 0.0193339],
                             [0.3575761, 0.7151522, 0.1191920],
                             [0.1804375, 0.0721750, 0.9503041]])
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


def delta_e2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference of CIELAB colours, broadcast over ``(..., 3)``.

    Plain Euclidean Lab distance (CIE76) overweights chroma differences between
    saturated colours; CIEDE2000 weighs lightness, chroma and hue as people judge them
    (Sharma, Wu and Dalal 2005, whose test pairs the example reproduces).

    Example:
        >>> round(float(delta_e2000(np.array([50, 2.6772, -79.7751]),
        ...                         np.array([50, 0.0, -82.7485]))), 4)
        2.0425
    """
    l1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=np.float64), -1, 0)
    l2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=np.float64), -1, 0)
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1 = np.degrees(np.arctan2(b1, a1)) % 360
    h2 = np.degrees(np.arctan2(b2, a2)) % 360
    both = c1 * c2 > 0
    dh = h2 - h1
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(both, dh, 0.0)
    d_hue = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh) / 2)
    l_bar, c_bar2 = (l1 + l2) / 2, (c1 + c2) / 2
    h_sum = h1 + h2
    h_bar = np.where(np.abs(h1 - h2) <= 180, h_sum / 2,
                     np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2))
    h_bar = np.where(both, h_bar, h_sum)
    t = (1 - 0.17 * np.cos(np.radians(h_bar - 30)) + 0.24 * np.cos(np.radians(2 * h_bar))
         + 0.32 * np.cos(np.radians(3 * h_bar + 6)) - 0.20 * np.cos(np.radians(4 * h_bar - 63)))
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(c_bar2**7 / (c_bar2**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_bar2, 1 + 0.015 * c_bar2 * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    dl, dc = (l2 - l1) / s_l, (c2 - c1) / s_c
    dhh = d_hue / s_h
    return np.sqrt(dl**2 + dc**2 + dhh**2 + r_t * dc * dhh)


def nearest_pen(rgb: np.ndarray, pens: Sequence[Pen], alpha: np.ndarray | None = None
                ) -> np.ndarray:
    """Index of the pen nearest every colour (CIEDE2000), as the colour shows over white.

    Args:
        rgb: colours in [0, 1], ``(P, 3)``.
        pens: the pen set, ``K`` pens.
        alpha: opacity of each colour, ``(P,)``; a faint colour is matched as it looks
            over white paper (``alpha * rgb + 1 - alpha``). Default opaque.

    Returns:
        ``(P,)`` int indices into ``pens``; ties go to the earlier pen.
    """
    rgb = np.asarray(rgb, dtype=np.float64).reshape(-1, 3)
    if not len(rgb):
        return np.zeros(0, dtype=np.int64)
    if alpha is not None:
        a = np.clip(np.asarray(alpha, dtype=np.float64).reshape(-1, 1), 0.0, 1.0)
        rgb = a * rgb + (1.0 - a)
    palette = srgb_to_lab(np.asarray([p.rgb for p in pens], dtype=np.float64))
    return delta_e2000(srgb_to_lab(rgb)[:, None, :], palette[None]).argmin(axis=1)
