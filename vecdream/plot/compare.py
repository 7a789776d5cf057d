"""How close a plot comes to the drawing it was made from, before anything is plotted.

The preview (the plot's lines at the real pen width, in the pens' colours) and the
drawing's own render are both made by vecdream's renderer over the canvas's rectangle
on the page at one resolution (fine enough for the pen, then averaged down and blurred
by one pixel, as the page looks from arm's length), and compared by SSIM (kornia's,
11-pixel Gaussian window, on RGB). 1 means the paper will look like the screen; what
lowers it is what a pen cannot do: partial opacity, colours without a matching pen,
strokes wider than the pen drawn as one line, fills left out.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from vecdream.drawing import Drawing
from vecdream.plot.model import PenPlot
from vecdream.plot.preview import plot_to_drawing
from vecdream.render import render

__all__ = ["plot_similarity"]


def plot_similarity(drawing: Drawing, plot: PenPlot, *, dpi: float = 50.0) -> float:
    """SSIM between the plot's preview and the drawing's render, over the canvas.

    Args:
        drawing: the drawing the plot was made from.
        plot: its plot, from :func:`~vecdream.plot.build.drawing_to_plot` (which records
            where the canvas lies on the page).
        dpi: resolution of both images (the pen must span a pixel or more to show).

    Returns:
        Mean SSIM in [-1, 1] (1: identical).

    Raises:
        ValueError: the plot does not know its layout (read from a file).
    """
    import kornia

    if plot.transform is None:
        raise ValueError("plot: no layout recorded (made by drawing_to_plot, not read back)")
    s, ox, oy = plot.transform
    # Both are rendered with the pen five pixels wide or more, then averaged down to
    # ``dpi``: thinner, overlapping hatch lines leave anti-aliasing seams (grey stripes
    # in what the pen inks solid).
    k = max(1, math.ceil(5 * 25.4 / (plot.pen_width_mm * dpi)))
    px = dpi / 25.4  # pixels per mm
    width = max(16, round(drawing.size[0] * s * px))
    height = max(16, round(drawing.size[1] * s * px))
    ink = plot_to_drawing(plot, line_mm=25.4 / dpi)
    region = (ox, oy, drawing.size[0] * s, drawing.size[1] * s)
    with torch.no_grad():
        screen = render(drawing.detach().to("cpu", torch.float32), k * width, k * height)
        paper = render(_without_margin(ink, plot), k * width, k * height, region=region)
        # As seen from arm's length: hatching that reads solid on paper is solid here.
        screen, paper = (kornia.filters.gaussian_blur2d(F.avg_pool2d(image[None], k), (5, 5),
                                                        (1.0, 1.0)) for image in (screen, paper))
        score = kornia.metrics.ssim(screen, paper, window_size=11)
    return float(score.mean())


def _without_margin(ink: Drawing, plot: PenPlot) -> Drawing:
    """The preview drawing minus its grey margin frame (the first path, when present)."""
    if plot.margin_mm <= 0 or len(ink) == 0:
        return ink
    keep = torch.ones(len(ink), dtype=torch.bool)
    keep[0] = False
    return ink.select(keep)
