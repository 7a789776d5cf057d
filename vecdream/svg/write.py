""":class:`~vecdream.drawing.Drawing` → SVG text (cubic Béziers kept as ``C``)."""

from __future__ import annotations

import logging
import math
import os

import numpy as np

from vecdream.atomic import atomic_write_bytes
from vecdream.drawing import Drawing
from vecdream.svg.sanitize import SVG_NS

logger = logging.getLogger("vecdream.svg")


def _fmt(value: float, precision: int) -> str:
    """``value`` with ``precision`` decimals, trailing zeros stripped, never ``-0``."""
    text = f"{value:.{precision}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _hex(rgb: list[float]) -> str:
    r, g, b = (round(min(max(c, 0.0), 1.0) * 255) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def _paint_attrs(fill: list[float], stroke: list[float], width: float, evenodd: bool,
                 min_alpha: float, precision: int) -> str | None:
    """The paint attributes of one ``<path>``, or None when it would be invisible."""
    alpha_precision = max(precision, 4)
    fill_on = fill[3] > 0 and fill[3] >= min_alpha
    stroke_on = stroke[3] > 0 and stroke[3] >= min_alpha and width > 0
    if not (fill_on or stroke_on):
        return None
    parts = []
    if fill_on:
        parts.append(f'fill="{_hex(fill[:3])}"')
        if fill[3] < 1:
            parts.append(f'fill-opacity="{_fmt(fill[3], alpha_precision)}"')
    else:
        parts.append('fill="none"')
    if evenodd:
        parts.append('fill-rule="evenodd"')
    if stroke_on:
        parts.append(f'stroke="{_hex(stroke[:3])}"')
        if stroke[3] < 1:
            parts.append(f'stroke-opacity="{_fmt(stroke[3], alpha_precision)}"')
        parts.append(f'stroke-width="{_fmt(width, precision)}"')
        parts.append('stroke-linecap="round" stroke-linejoin="round"')
    return " ".join(parts)


def _contour_d(used: list[list[float]], closed: bool, precision: int) -> str:
    """``M x y C ...`` (and ``Z``) of one contour's used points ``(3n+1, 2)``."""
    head = f"M {_fmt(used[0][0], precision)} {_fmt(used[0][1], precision)}"
    tail = " ".join(f"{_fmt(x, precision)} {_fmt(y, precision)}" for x, y in used[1:])
    text = f"{head} C {tail}" if tail else head
    return f"{text} Z" if closed else text


def drawing_to_svg(d: Drawing, *, min_alpha: float = 0.0, precision: int = 4) -> str:
    """SVG text of a drawing: one ``<path>`` of cubic Béziers per drawing path.

    Args:
        d: the drawing, on any device, with or without gradients.
        min_alpha: a fill or stroke whose alpha is below this is written as none; a
            path with neither fill nor stroke left (or a stroke of width <= 0) is
            dropped, as is a path with non-finite numbers (with a warning).
        precision: decimals of coordinates and widths (alphas get at least 4).

    Returns:
        ``<svg xmlns=... width="W" height="H" viewBox="0 0 W H">`` with the paths, in
        user units of ``d.size``.
    """
    if precision < 0:
        raise ValueError(f"drawing_to_svg: precision must be >= 0, got {precision}")
    t = {name: getattr(d, name).detach().cpu() for name in Drawing._TENSORS}
    points = t["points"].double().numpy()
    n_segments, closed = t["n_segments"].tolist(), t["closed"].tolist()
    by_path: list[list[int]] = [[] for _ in range(len(d))]
    for c, p in enumerate(t["contour_path"].tolist()):
        by_path[p].append(c)
    fills, strokes = t["fill"].double().tolist(), t["stroke"].double().tolist()
    widths, evenodd = t["widths"].double().tolist(), t["evenodd"].tolist()
    w, h = (_fmt(v, precision) for v in d.size)
    lines = [f'<svg xmlns="{SVG_NS}" width="{w}" height="{h}" viewBox="0 0 {w} {h}">']
    bad = 0
    for p, contours in enumerate(by_path):
        used = [points[c, : 3 * max(n_segments[c], 0) + 1] for c in contours]
        finite = all(math.isfinite(v) for v in [*fills[p], *strokes[p], widths[p]])
        if not (finite and all(np.isfinite(u).all() for u in used)):
            bad += 1
            continue
        attrs = _paint_attrs(fills[p], strokes[p], widths[p], evenodd[p], min_alpha, precision)
        if attrs is None or not contours:
            continue
        path_d = " ".join(_contour_d(u.tolist(), closed[c], precision)
                          for u, c in zip(used, contours, strict=True))
        lines.append(f'<path d="{path_d}" {attrs}/>')
    if bad:
        logger.warning("drawing_to_svg: dropped %d path(s) with non-finite values", bad)
    lines.append("</svg>")
    return "\n".join(lines) + "\n"



def save_svg(d: Drawing, path: str | os.PathLike, *, min_alpha: float = 0.0) -> None:
    """Write :func:`drawing_to_svg` of ``d`` to ``path`` with :func:`atomic_write_bytes`.

    Args:
        d: the drawing.
        path: destination ``.svg`` file; parent directories are created.
        min_alpha: see :func:`drawing_to_svg`.
    """
    atomic_write_bytes(path, drawing_to_svg(d, min_alpha=min_alpha).encode("utf-8"))

