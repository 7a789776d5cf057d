"""The pen-plotter stage: physical pages, pen layers, path order, statistics, preview.

A :class:`~vecdream.drawing.Drawing` is laid out on a page in millimetres; its strokes,
fills and wide strokes become pen lines (fills and wide strokes hatched at the pen
width, :data:`FILL_MODES`), each on the pen nearest its colour, hidden lines removed,
then merged and sorted by vpype (:func:`drawing_to_plot` → :class:`PenPlot`). A plot is
written as a layered plotter SVG (:func:`to_plotter_svg`, :func:`save_plotter_svg`),
HPGL or G-code (:func:`to_hpgl`, :func:`to_gcode`, a vpype ``Document`` in between:
:func:`to_document`), measured (:func:`plot_stats`), compared with the render
(:func:`plot_similarity`), previewed at the real pen width (:func:`preview_png`) and
plotted on an AxiDraw (:func:`open_board`, :func:`plot_on_board` with ``plotink``, or
:func:`~vecdream.plot.axidraw.plot_with_axidraw` with ``pyaxidraw``).

Example:
    >>> from vecdream import Drawing
    >>> plot = drawing_to_plot(Drawing.random(50, size=(256, 256), seed=0), "A4")
    >>> plot.layers[0].label
    '1 black'
    >>> plot_stats(plot).pen_lifts == plot.n_paths
    True

May import: the foundations, :mod:`vecdream.render`, :mod:`vecdream.svg` and
:mod:`vecdream.export` (the preview and the plotter SVG); never the networks or the
dream, which use it for pen widths (stage order: docs/ARCHITECTURE.md, checked by
tests/test_imports.py).
"""

from __future__ import annotations

from vecdream.plot.axidraw import (
    AxiDrawError,
    AxiDrawUnavailable,
    axidraw_estimate,
    plot_with_axidraw,
)
from vecdream.plot.build import drawing_to_plot
from vecdream.plot.compare import plot_similarity
from vecdream.plot.ebb import open_board, plot_on_board
from vecdream.plot.fills import FILL_MODES
from vecdream.plot.model import Layer, Pen, PenPlot, parse_pens
from vecdream.plot.order import merge_lines, sort_lines, travel_length
from vecdream.plot.plotter_svg import (
    plot_to_svg,
    read_plotter_svg,
    save_plotter_svg,
    to_plotter_svg,
)
from vecdream.plot.preview import preview_image, preview_png
from vecdream.plot.stats import (
    LayerStats,
    MotionModel,
    PlotStats,
    format_duration,
    format_stats,
    plot_stats,
)
from vecdream.plot.units import PAGE_SIZES, page_size, parse_length
from vecdream.plot.vpype_io import from_document, to_document, to_gcode, to_hpgl

__all__ = [
    "FILL_MODES",
    "PAGE_SIZES",
    "AxiDrawError",
    "AxiDrawUnavailable",
    "Layer",
    "LayerStats",
    "MotionModel",
    "Pen",
    "PenPlot",
    "PlotStats",
    "axidraw_estimate",
    "drawing_to_plot",
    "format_duration",
    "format_stats",
    "from_document",
    "merge_lines",
    "open_board",
    "page_size",
    "parse_length",
    "parse_pens",
    "plot_on_board",
    "plot_similarity",
    "plot_stats",
    "plot_to_svg",
    "plot_with_axidraw",
    "preview_image",
    "preview_png",
    "read_plotter_svg",
    "save_plotter_svg",
    "sort_lines",
    "to_document",
    "to_gcode",
    "to_hpgl",
    "to_plotter_svg",
    "travel_length",
]
