"""Physical pen widths in canvas units, so what the optimizer renders is what the pen plots.

A drawing has no millimetres until it is laid out on a page. The layout is the
plotter's own (:mod:`vecdream.plot.geometry`: orientation, printable box inside the
margins, fit), so a width computed here agrees with :func:`vecdream.plot.drawing_to_plot`
given the same options. This module is used by the optimizers (``pen=`` of
:func:`~vecdream.dream.optimize.optimize_strokes` and :func:`~vecdream.dream.large.upscale`) and
imports only the plot stage's geometry, never the optimizers. :func:`resolve_width` reads
a width given as a share of the canvas (``"0.9%"``), the dream's default.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import torch

from vecdream.drawing import Drawing
from vecdream.plot.geometry import fit_canvas, orient_page, printable_rect
from vecdream.plot.units import page_size, parse_length

__all__ = ["pen_width_units", "resolve_width", "set_pen_width"]

log = logging.getLogger(__name__)


def pen_width_units(canvas: tuple[float, float], pen: str | float,
                    page: str | tuple[float, float] = "A4", *, margin_mm: float = 15.0,
                    orientation: str = "auto", fit: str = "contain") -> float:
    """Stroke width in canvas user units that ``pen`` draws once the canvas is plotted.

    Args:
        canvas: drawing ``(W, H)`` in user units.
        pen: nib width: ``"0.5mm"``, ``"0.02in"`` or a number of mm.
        page: ``"A4"``, ``"A3"``, ... or ``(w_mm, h_mm)``.
        margin_mm, orientation, fit: as in :func:`~vecdream.plot.drawing_to_plot`.

    Returns:
        The width in user units.

    Example:
        >>> round(pen_width_units((224, 224), "0.5mm", "A4"), 4)  # 180 mm for 224 units
        0.6222
    """
    pen_mm = parse_length(pen)
    if not pen_mm > 0:
        raise ValueError(f"pen: expected a positive width such as '0.5mm', got {pen!r}")
    page_mm = orient_page(page_size(page), canvas, margin_mm, orientation)
    return pen_mm / fit_canvas(canvas, printable_rect(page_mm, margin_mm), fit)[0]


@torch.no_grad()
def set_pen_width(drawings: Sequence[Drawing], pen: str | float,
                  page: str | tuple[float, float] = "A4") -> float:
    """Give every stroke of ``drawings`` the width ``pen`` draws on ``page``, in place.

    The first drawing's canvas sets the layout (a batch shares one canvas).

    Returns:
        The width in user units.
    """
    width = pen_width_units(drawings[0].size, pen, page)
    for d in drawings:
        d.widths.fill_(width)
    log.info("pen %s on %s: stroke width %.4g user units", pen, page, width)
    return width


def resolve_width(width: float | str | tuple[str, float, float], size: tuple[float, float]
                  ) -> float | tuple[str, float, float]:
    """``width`` in user units: ``"0.9%"`` is 0.9 % of the mean side of a ``size`` canvas.

    Raises:
        ValueError: a text that is not a percentage (the message names ``width``).
    """
    if not isinstance(width, str):
        return width
    try:
        share = float(width.removesuffix("%")) / 100 if width.endswith("%") else math.nan
    except ValueError:
        share = math.nan
    if not (share > 0 and math.isfinite(share)):
        raise ValueError(f"width: expected a number of units or a share like '0.9%', got "
                         f"{width!r}")
    return share * (size[0] + size[1]) / 2
