"""Plot and estimate through the AxiDraw Python API (``pyaxidraw``), when installed.

``pyaxidraw`` is not on PyPI: download the AxiDraw Python API zip from Evil Mad
Scientist (https://axidraw.com/doc/py_api/) and ``pip install`` it. Without it every
function here raises :class:`AxiDrawUnavailable`, an ``ImportError``; nothing is
imported until a function is called.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

__all__ = ["AxiDrawError", "AxiDrawUnavailable", "axidraw_estimate", "plot_with_axidraw"]

logger = logging.getLogger("vecdream.plot")

INSTALL_HINT = (
    "neither plotink nor pyaxidraw is installed: `pip install plotink` (vecdream's own "
    "driver), or download the AxiDraw Python API zip from Evil Mad Scientist "
    "(https://axidraw.com/doc/py_api/) and run `pip install <downloaded zip>`"
)


class AxiDrawUnavailable(ImportError):
    """``pyaxidraw`` cannot be imported; the message says how to install it."""


class AxiDrawError(RuntimeError):
    """The plotter reported an error or none answers (no plotter connected, ...)."""


def _new_axidraw() -> Any:
    try:
        from pyaxidraw import axidraw
    except ImportError as exc:
        raise AxiDrawUnavailable(INSTALL_HINT) from exc
    return axidraw.AxiDraw()


def _setup(svg_path: str | os.PathLike, layer: int | None, model: int | None) -> Any:
    if not os.path.isfile(svg_path):
        raise FileNotFoundError(f"expected a plotter SVG file, got {os.fspath(svg_path)!r}; "
                                "write one with vecdream.plot.save_plotter_svg")
    if layer is not None and (not isinstance(layer, int) or layer < 1):
        raise ValueError(f"layer: expected a layer number >= 1, got {layer!r}")
    ad = _new_axidraw()
    ad.plot_setup(os.fspath(svg_path))
    if layer is not None:
        ad.options.mode = "layers"
        ad.options.layer = layer
    if model is not None:
        ad.options.model = model
    return ad


def _check_errors(ad: Any, what: str) -> None:
    """Raise when pyaxidraw (v3.8+) reports a non-zero error code after ``plot_run``."""
    code = getattr(getattr(ad, "errors", None), "code", 0) or 0
    if code:
        raise AxiDrawError(f"{what}: pyaxidraw reported error code {code}; check the USB "
                           "connection and power, and see https://axidraw.com/doc/py_api/#errors")


def plot_with_axidraw(svg_path: str | os.PathLike, *, layer: int | None = None,
                      model: int | None = None,
                      progress: Callable[[str], None] | None = None) -> None:
    """Plot a plotter SVG on a connected AxiDraw.

    Args:
        svg_path: file written by :func:`~vecdream.plot.save_plotter_svg`.
        layer: plot only the layer with this number (pyaxidraw ``mode="layers"``);
            default: all layers, one after the other.
        model: pyaxidraw ``options.model`` (1 = V2/V3/SE-A4, 2 = V3/A3 or SE/A3,
            3 = V3 XLX, ...); default pyaxidraw's.
        progress: called with a one-line status before and after plotting.

    Raises:
        AxiDrawUnavailable: pyaxidraw is not installed.
        AxiDrawError: pyaxidraw reported an error.
    """
    ad = _setup(svg_path, layer, model)
    what = f"layer {layer}" if layer is not None else "all layers"
    if progress:
        progress(f"plotting {what} of {os.fspath(svg_path)}")
    logger.info("pyaxidraw: plotting %s of %s", what, os.fspath(svg_path))
    ad.plot_run()
    _check_errors(ad, "plot")
    if progress:
        progress(f"done plotting {what}")


def axidraw_estimate(svg_path: str | os.PathLike, *, layer: int | None = None,
                     model: int | None = None) -> float:
    """pyaxidraw's own time estimate in seconds (``preview`` + ``report_time``; offline).

    Raises:
        AxiDrawUnavailable: pyaxidraw is not installed.
    """
    ad = _setup(svg_path, layer, model)
    ad.options.preview = True
    ad.options.report_time = True
    ad.plot_run()
    _check_errors(ad, "estimate")
    return float(ad.time_estimate)
