"""Preview PNG of a plot: the whole page, ink at the real pen width, drawn by vecdream's
own renderer (the same one the optimizer sees), so the preview is what the pen makes.

Convention:
    The page becomes a :class:`~vecdream.drawing.Drawing` in mm (``size = page_mm``),
    each polyline segment a cubic with control points at 1/3 and 2/3, rendered at
    ``page_mm / 25.4 * dpi`` pixels on white paper.
"""

from __future__ import annotations

import os

import numpy as np
import torch

from vecdream.atomic import atomic_write_bytes
from vecdream.drawing import Drawing
from vecdream.export import image_to_png_bytes
from vecdream.plot.model import PenPlot
from vecdream.plot.plotter_svg import read_plotter_svg
from vecdream.render import render

__all__ = ["plot_to_drawing", "preview_image", "preview_png"]

MARGIN_RGB = (0.8, 0.8, 0.8)
TRAVEL_RGB = (1.0, 0.6, 0.6)
_CHUNK = 32  # cubic segments per contour; long polylines become several contours


def _cubic_contours(lines: list[np.ndarray]) -> list[tuple[np.ndarray, int]]:
    """Each polyline as cubic contours of straight segments: ``(points (3k+1, 2), k)``."""
    out = []
    for line in lines:
        if len(line) < 2:
            continue
        a, d = line[:-1], np.diff(line, axis=0)
        ctrl = np.stack([a, a + d / 3, a + 2 * d / 3], axis=1).reshape(-1, 2)
        full = np.concatenate([ctrl, line[-1:]])
        n_seg = len(line) - 1
        for s0 in range(0, n_seg, _CHUNK):
            s1 = min(s0 + _CHUNK, n_seg)
            out.append((full[3 * s0: 3 * s1 + 1], s1 - s0))
    return out


def _travel_moves(plot: PenPlot, home: tuple[float, float]) -> list[np.ndarray]:
    moves = []
    for layer in plot.layers:
        stops = [np.asarray(home, dtype=np.float64)]
        for line in layer.lines:
            stops += [line[0], line[-1]]
        stops.append(stops[0])
        moves += [np.stack([stops[i], stops[i + 1]]) for i in range(0, len(stops), 2)]
    return [m for m in moves if np.any(m[0] != m[1])]


def plot_to_drawing(plot: PenPlot, *, line_mm: float, show_travel: bool = False,
                    home: tuple[float, float] = (0.0, 0.0)) -> Drawing:
    """The plot as a drawing in page mm: margin, optional travel, then one path per layer.

    Args:
        plot: the plot.
        line_mm: width of the thin margin and travel lines (one pixel, say).
        show_travel: add the pen-up moves (home → paths → home per layer).
        home: where pen-up travel starts and ends.

    Returns:
        A :class:`Drawing` with ``size = plot.page_mm``; ink paths use the pen colour
        and ``plot.pen_width_mm``.
    """
    w, h = plot.page_mm
    m = plot.margin_mm
    groups: list[tuple[list[np.ndarray], tuple[float, float, float], float]] = []
    if m > 0:
        rect = np.array([[m, m], [w - m, m], [w - m, h - m], [m, h - m], [m, m]])
        groups.append(([rect], MARGIN_RGB, line_mm))
    if show_travel:
        groups.append((_travel_moves(plot, home), TRAVEL_RGB, line_mm))
    groups += [(layer.lines, layer.pen.rgb, plot.pen_width_mm) for layer in plot.layers]
    points, n_segments, owner, widths, colours = [], [], [], [], []
    for lines, rgb, width in groups:
        contours = _cubic_contours(lines)
        if not contours:
            continue
        for pts, k in contours:
            padded = np.concatenate([pts, np.repeat(pts[-1:], 3 * _CHUNK + 1 - len(pts), 0)])
            points.append(padded)
            n_segments.append(k)
            owner.append(len(widths))
        widths.append(width)
        colours.append([*rgb, 1.0])
    shape = (len(points), 3 * _CHUNK + 1, 2)
    return Drawing(
        torch.tensor(np.array(points).reshape(shape), dtype=torch.float32),
        torch.tensor(widths, dtype=torch.float32),
        torch.tensor(colours, dtype=torch.float32).reshape(-1, 4),
        (w, h),
        n_segments=torch.tensor(n_segments, dtype=torch.long),
        contour_path=torch.tensor(owner, dtype=torch.long),
    )


def _as_plot(plot_or_svg: PenPlot | str | bytes | os.PathLike) -> PenPlot:
    return plot_or_svg if isinstance(plot_or_svg, PenPlot) else read_plotter_svg(plot_or_svg)


def preview_image(plot_or_svg: PenPlot | str | bytes | os.PathLike, *, dpi: float = 100,
                  show_travel: bool = False) -> torch.Tensor:
    """Render the page: ``(3, H, W)`` in [0, 1], ``W = round(page_w / 25.4 * dpi)``.

    Args:
        plot_or_svg: a :class:`PenPlot` or a plotter SVG (path, text or bytes).
        dpi: pixels per inch.
        show_travel: draw pen-up moves as thin light-red lines under the ink.
    """
    if not dpi > 0:
        raise ValueError(f"preview: expected dpi > 0, got {dpi}")
    plot = _as_plot(plot_or_svg)
    width, height = (max(1, round(v / 25.4 * dpi)) for v in plot.page_mm)
    drawing = plot_to_drawing(plot, line_mm=25.4 / dpi, show_travel=show_travel)
    with torch.no_grad():
        return render(drawing, width, height, background=(1.0, 1.0, 1.0))


def preview_png(plot_or_svg: PenPlot | str | bytes | os.PathLike, path: str | os.PathLike,
                *, dpi: float = 100, show_travel: bool = False) -> None:
    """Write :func:`preview_image` as a PNG, atomically (same arguments, plus ``path``).

    Example:
        >>> from vecdream.plot import drawing_to_plot
        >>> plot = drawing_to_plot(Drawing.random(20, size=(100, 100), seed=0), "A5")
        >>> preview_image(plot, dpi=50).shape
        torch.Size([3, 413, 291])
    """
    atomic_write_bytes(path, image_to_png_bytes(preview_image(plot_or_svg, dpi=dpi,
                                                              show_travel=show_travel)))
