""":class:`~vecdream.drawing.Drawing` → SVG text (cubic Béziers kept as ``C``)."""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from vecdream.atomic import atomic_write_bytes
from vecdream.drawing import Drawing
from vecdream.provenance import PROVENANCE_NS, provenance_record
from vecdream.svg.sanitize import SVG_NS
from vecdream.svg.write_style import (
    GroupWriter,
    clip_defs,
    fmt_number,
    gradient_defs,
    hex_rgb,
    stroke_style,
)

logger = logging.getLogger("vecdream.svg")


def _paint_attrs(fill: list[float], stroke: list[float], width: float, evenodd: bool,
                 min_alpha: float, precision: int, fill_paint: int = -1,
                 stroke_paint: int = -1) -> str | None:
    """The paint attributes of one ``<path>``, or None when it would be invisible."""
    alpha_precision = max(precision, 4)
    fill_on = fill[3] > 0 and fill[3] >= min_alpha
    stroke_on = stroke[3] > 0 and stroke[3] >= min_alpha and width > 0
    if not (fill_on or stroke_on):
        return None
    parts = []
    if fill_on:
        colour = f"url(#g{fill_paint})" if fill_paint >= 0 else hex_rgb(fill[:3])
        parts.append(f'fill="{colour}"')
        if fill[3] < 1:
            parts.append(f'fill-opacity="{fmt_number(fill[3], alpha_precision)}"')
    else:
        parts.append('fill="none"')
    if evenodd:
        parts.append('fill-rule="evenodd"')
    if stroke_on:
        colour = f"url(#g{stroke_paint})" if stroke_paint >= 0 else hex_rgb(stroke[:3])
        parts.append(f'stroke="{colour}"')
        if stroke[3] < 1:
            parts.append(f'stroke-opacity="{fmt_number(stroke[3], alpha_precision)}"')
        parts.append(f'stroke-width="{fmt_number(width, precision)}"')
    return " ".join(parts)


def _contour_d(used: list[list[float]], closed: bool, precision: int) -> str:
    """``M x y C ...`` (and ``Z``) of one contour's used points ``(3n+1, 2)``."""
    head = f"M {fmt_number(used[0][0], precision)} {fmt_number(used[0][1], precision)}"
    tail = " ".join(f"{fmt_number(x, precision)} {fmt_number(y, precision)}" for x, y in used[1:])
    text = f"{head} C {tail}" if tail else head
    return f"{text} Z" if closed else text


def _metadata_element(metadata: Mapping[str, object]) -> str:
    """``<metadata>`` holding the provenance record (see :mod:`vecdream.provenance`)."""
    entries = "".join(
        f'<vecdream:entry key={quoteattr(key)}>{escape(value)}</vecdream:entry>'
        for key, value in provenance_record(metadata).items())
    return (f'<metadata><vecdream:provenance xmlns:vecdream="{PROVENANCE_NS}">{entries}'
            "</vecdream:provenance></metadata>")


def drawing_to_svg(d: Drawing, *, min_alpha: float = 0.0, precision: int = 4,
                   metadata: Mapping[str, object] | None = None) -> str:
    """SVG text of a drawing: one ``<path>`` of cubic Béziers per drawing path.

    Args:
        d: the drawing, on any device, with or without gradients.
        min_alpha: a fill or stroke whose alpha is below this is written as none; a
            path with neither fill nor stroke left (or a stroke of width <= 0) is
            dropped, as is a path with non-finite numbers (with a warning).
        precision: decimals of coordinates and widths (alphas get at least 4).
        metadata: provenance written into ``<metadata>`` (with the vecdream version);
            None writes no metadata.

    Returns:
        ``<svg xmlns=... width="W" height="H" viewBox="0 0 W H">`` with the paths, in
        user units of ``d.size``.
    """
    if precision < 0:
        raise ValueError(f"drawing_to_svg: precision must be >= 0, got {precision}")
    t = {name: getattr(d, name).detach().cpu() for name in Drawing._ALL}
    points = t["points"].double().numpy()
    n_segments, closed = t["n_segments"].tolist(), t["closed"].tolist()
    by_path: list[list[int]] = [[] for _ in range(len(d))]
    for c, p in enumerate(t["contour_path"].tolist()):
        by_path[p].append(c)
    fills, strokes = t["fill"].double().tolist(), t["stroke"].double().tolist()
    widths, evenodd = t["widths"].double().tolist(), t["evenodd"].tolist()
    w, h = (fmt_number(v, precision) for v in d.size)
    lines = [f'<svg xmlns="{SVG_NS}" width="{w}" height="{h}" viewBox="0 0 {w} {h}">']
    if metadata is not None:
        lines.append(_metadata_element(metadata))
    defs = gradient_defs(t, precision) + clip_defs(t, precision)
    if defs:
        lines.append(f"<defs>{defs}</defs>")
    groups = GroupWriter(t, lines)
    bad = 0
    for p, contours in enumerate(by_path):
        used = [points[c, : 3 * max(n_segments[c], 0) + 1] for c in contours]
        finite = all(math.isfinite(v) for v in [*fills[p], *strokes[p], widths[p]])
        if not (finite and all(np.isfinite(u).all() for u in used)):
            bad += 1
            continue
        attrs = _paint_attrs(fills[p], strokes[p], widths[p], evenodd[p], min_alpha, precision,
                             int(t["fill_paint"][p]), int(t["stroke_paint"][p]))
        if attrs is None or not contours:
            continue
        attrs += stroke_style(p, t, "stroke-width" in attrs)
        m = t["stroke_transform"][p].double().numpy()
        if "stroke-width" in attrs and not np.array_equal(m, np.eye(2)):
            # A stroke under a non-uniform transform: local geometry plus the transform,
            # so the pen is transformed too (gradients on such paths are not remapped).
            used = [u @ np.linalg.inv(m).T for u in used]
            linear = (m[0, 0], m[1, 0], m[0, 1], m[1, 1], 0, 0)
            attrs += (' transform="matrix('
                      + " ".join(fmt_number(v, max(precision, 6)) for v in linear) + ')"')
        path_d = " ".join(_contour_d(u.tolist(), closed[c], precision)
                          for u, c in zip(used, contours, strict=True))
        groups.enter(p)
        lines.append(groups.clipped(p, f'<path d="{path_d}" {attrs}/>'))
    groups.close()
    if bad:
        logger.warning("drawing_to_svg: dropped %d path(s) with non-finite values", bad)
    lines.append("</svg>")
    return "\n".join(lines) + "\n"



def save_svg(d: Drawing, path: str | os.PathLike, *, min_alpha: float = 0.0,
             metadata: Mapping[str, object] | None = None) -> None:
    """Write :func:`drawing_to_svg` of ``d`` to ``path`` with :func:`atomic_write_bytes`.

    Args:
        d: the drawing.
        path: destination ``.svg`` file; parent directories are created.
        min_alpha: see :func:`drawing_to_svg`.
        metadata: provenance, see :func:`drawing_to_svg`.
    """
    text = drawing_to_svg(d, min_alpha=min_alpha, metadata=metadata)
    atomic_write_bytes(path, text.encode("utf-8"))

