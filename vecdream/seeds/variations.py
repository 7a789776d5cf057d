"""Mosaic-style variations of a seed, in the vector domain (Drawing in, Drawing out).

HP SmartStream Mosaic makes each print from a seed by scaling, rotating, transposing,
cropping and recolouring it; these are the same operations on a :class:`Drawing`, so
SVG/PDF in gives SVG/PDF out. :func:`random_variation` chains them the way Mosaic does
(a window of the seed tiled, rotated and scaled, then recoloured) and
:func:`mosaic_preview` lays many such variations on one page for the designer.

Convention:
    User units, origin top-left, y down. Angles in degrees, positive clockwise on
    screen (SVG's ``rotate``). Multiples of 90° are exact coordinate permutations.
"""

from __future__ import annotations

import colorsys

import torch
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.seeds.palette import load_palette
from vecdream.seeds.seamless import is_seamless, lattice_variation
from vecdream.seeds.transforms import concat, crop, flip, rotate, scale, tile, transpose

__all__ = ["concat", "crop", "flip", "mosaic_preview", "random_variation", "recolour", "rotate",
           "scale", "tile", "transpose"]


def _luminance(rgb: Tensor) -> Tensor:
    return rgb @ rgb.new_tensor([0.2126, 0.7152, 0.0722])


def _unique_colours(d: Drawing) -> Tensor:
    """Distinct visible RGB colours (8-bit quantized) of fills and strokes, ``(U, 3)``."""
    paint = torch.cat([d.fill[d.fill[:, 3] > 0, :3], d.stroke[d.stroke[:, 3] > 0, :3]])
    return torch.unique((paint.detach() * 255).round(), dim=0) / 255


def _remap(d: Drawing, source: Tensor, target: Tensor) -> Drawing:
    """Replace each colour of ``source (U, 3)`` by the row of ``target (U, 3)``; alpha kept."""
    out = d.detach().clone()
    for paint in (out.fill, out.stroke):
        q = (paint[:, :3] * 255).round() / 255
        match = ((q[:, None] - source[None]).abs().amax(-1) < 1e-6)  # (P, U)
        hit = match.any(1)
        paint[hit, :3] = target[match[hit].float().argmax(1)]
    return out


def recolour(d: Drawing, palette: object = None, *, mode: str = "map", hue: float | None = None,
             generator: torch.Generator | None = None) -> Drawing:
    """Recolour every fill and stroke; geometry and alphas unchanged.

    Modes:
        ``"map"``: the drawing's colours, ranked by luminance, onto the palette ranked
        by luminance, spread evenly (light stays light, contrast is kept); every
        colour ends up in the palette.
        ``"shuffle"``: a random one-to-one assignment onto the palette's colours (or a
        permutation of the drawing's own colours when ``palette`` is None).
        ``"hue"``: rotate hues by ``hue`` degrees (random when None).

    Args:
        palette: anything :func:`~vecdream.seeds.palette.load_palette` takes.
    """
    colours = _unique_colours(d)
    if len(colours) == 0:
        return d.detach().clone()
    if mode == "hue":
        turn = (float(torch.rand((), generator=generator)) * 360 if hue is None else hue) / 360
        target = torch.tensor([colorsys.hsv_to_rgb((h + turn) % 1.0, s, v) for h, s, v in
                               (colorsys.rgb_to_hsv(*c) for c in colours.tolist())])
        return _remap(d, colours, target.float())
    if mode not in ("map", "shuffle"):
        raise ValueError(f"recolour: mode must be 'map', 'shuffle' or 'hue', got {mode!r}")
    pal = colours if palette is None else load_palette(palette)
    if mode == "shuffle":
        perm = torch.randperm(len(colours), generator=generator)
        picks = torch.randperm(len(pal), generator=generator)
        target = pal[picks[perm % len(pal)]]
    else:
        by_lum = pal[_luminance(pal).argsort()]
        rank = _luminance(colours).argsort().argsort().float()
        spread = rank * (len(pal) - 1) / max(len(colours) - 1, 1)
        target = by_lum[spread.round().long()]
    return _remap(d, colours, target)


def random_variation(d: Drawing, generator: torch.Generator | None = None, *,
                     palette: object = None, max_angle: float = 45.0,
                     zoom: tuple[float, float] = (1.0, 2.0), seamless: bool | None = None
                     ) -> Drawing:
    """One Mosaic-like variation on the seed's own canvas size.

    A seamless seed (``seamless``; None: measured, :func:`~vecdream.seeds.seamless.
    is_seamless`) is varied as a tiling: its plane shifted, mirrored and rotated by an
    angle that keeps a period, and a new period cell cut
    (:func:`~vecdream.seeds.seamless.lattice_variation`), so the variation tiles too.
    Any other seed is tiled 3×3, rotated by a random angle in ``±max_angle`` about the
    centre, and a window ``zoom`` times smaller than the canvas is cut at a random
    place near the centre and scaled back to the canvas; a random quarter turn /
    transpose follows. Then colours: mapped onto ``palette`` (random assignment) when
    given, else a random hue rotation.
    """
    g = generator
    if seamless if seamless is not None else is_seamless(d):
        out = lattice_variation(d, g)
    else:
        out = _window_variation(d, g, max_angle, zoom)
    if palette is not None:
        return recolour(out, palette, mode="shuffle", generator=g)
    return recolour(out, mode="hue", generator=g)


def _window_variation(d: Drawing, g: torch.Generator | None, max_angle: float,
                      zoom: tuple[float, float]) -> Drawing:
    w, h = d.size

    def u(lo: float, hi: float) -> float:
        return lo + (hi - lo) * float(torch.rand((), generator=g))

    big = rotate(tile(d, 3), u(-max_angle, max_angle), expand=False)
    z = u(*zoom)
    ww, wh = w / z, h / z
    x0, y0 = 1.5 * w - ww / 2 + u(-0.5, 0.5) * w, 1.5 * h - wh / 2 + u(-0.5, 0.5) * h
    out = scale(crop(big, (x0, y0, ww, wh)), z)
    out.size = (w, h)  # undo float drift of w / z * z
    out = rotate(out, 90 * int(torch.randint(0, 4, (), generator=g)))
    if bool(torch.rand((), generator=g) < 0.5):
        out = transpose(out)
    return out


def mosaic_preview(d: Drawing, rows: int = 3, cols: int = 4, *, palette: object = None,
                   gap: float | None = None, seed: int = 0, seamless: bool | None = None
                   ) -> Drawing:
    """A page of ``rows × cols`` :func:`random_variation` prints of one seed.

    Shows a designer what Mosaic will make of the seed: each cell is one print. Cells
    are the seed's canvas size, separated by ``gap`` (default 5% of the width).
    """
    if rows < 1 or cols < 1:
        raise ValueError(f"mosaic_preview: rows and cols must be >= 1, got {rows}, {cols}")
    g = torch.Generator()
    g.manual_seed(seed)
    w, h = d.size
    gap = 0.05 * w if gap is None else gap
    if seamless is None:
        seamless = is_seamless(d)
    parts = [(random_variation(d, g, palette=palette, seamless=seamless),
              (gap + c * (w + gap), gap + r * (h + gap))) for r in range(rows) for c in range(cols)]
    size = (gap + cols * (w + gap), gap + rows * (h + gap))
    return concat([(v, off) for v, off in parts if len(v)] or [(d, (gap, gap))], size)
