"""The paths of a :class:`~vecdream.Drawing` as skia-python paths and paints.

Used by ``benchmarks/render.py`` for its skia column: a CPU rasterizer that draws the
same scene, forward only, as a speed yardstick and a check of vecdream's image.

The mapping follows :func:`vecdream.render`: the canvas ``(0, 0)–(W, H)`` in user
units fills the image, so points scale by ``sx = W_px / W_units`` and ``sy``, stroke
widths by ``sqrt(sx * sy)``; colours are straight RGBA clamped to [0, 1], composited
"over" in sRGB values (no colour management, as vecdream does); each path is filled,
then stroked, in path order; each contour is ``moveTo`` + ``cubicTo`` per segment, plus
``close`` when it is closed. Caps, joins and the miter limit come from the drawing's
``cap``/``join``/``miter_limit`` fields (codes in :mod:`vecdream.drawing_fields`).
Gradients, clips, opacity groups and stroke transforms are not mapped (the benchmark
scenes have none): such a drawing raises ``ValueError``.
"""

from __future__ import annotations

import numpy as np
import skia
import torch

from vecdream import Drawing

__all__ = ["SkiaScene", "build_scene"]

_CAPS = (skia.Paint.kButt_Cap, skia.Paint.kRound_Cap, skia.Paint.kSquare_Cap)
_JOINS = (skia.Paint.kMiter_Join, skia.Paint.kRound_Join, skia.Paint.kBevel_Join)


class SkiaScene:
    """Prepared skia paths and paints; :meth:`draw` rasterizes them (the timed part)."""

    def __init__(self, items: list[tuple[skia.Path, skia.Paint]], width: int,
                 height: int) -> None:
        self.items = items
        self.width, self.height = width, height
        info = skia.ImageInfo.Make(width, height, skia.kRGBA_8888_ColorType,
                                   skia.kPremul_AlphaType)
        self.surface = skia.Surface.MakeRaster(info)

    def draw(self) -> None:
        """Clear to white and draw every path (a raster canvas draws synchronously)."""
        canvas = self.surface.getCanvas()
        canvas.clear(skia.ColorWHITE)
        for path, paint in self.items:
            canvas.drawPath(path, paint)

    def image(self) -> np.ndarray:
        """The last drawn image, ``(H, W, 3)`` float in [0, 1], RGB order (read as RGBA
        explicitly: skia's native N32 order is BGRA on little-endian machines)."""
        rgba = self.surface.makeImageSnapshot().toarray(
            colorType=skia.kRGBA_8888_ColorType, alphaType=skia.kUnpremul_AlphaType)
        return rgba[..., :3].astype(np.float64) / 255.0


def _paint(rgba: list[float]) -> skia.Paint:
    paint = skia.Paint(AntiAlias=True)
    paint.setColor4f(skia.Color4f(*rgba))
    return paint


def build_scene(drawing: Drawing, width: int, height: int) -> SkiaScene:
    """Skia paths and paints of ``drawing`` rendered at ``width x height`` pixels."""
    if (drawing.grad_kind.numel() or drawing.group_opacity.numel()
            or drawing.clip_parent.numel()
            or not (drawing.stroke_transform == torch.eye(2)).all()):
        raise ValueError("skia_paths: gradients, groups, clips and stroke transforms "
                         "are not mapped")
    d = drawing.detach().to("cpu", torch.float64)
    sx, sy = width / d.size[0], height / d.size[1]
    points = (d.points * d.points.new_tensor([sx, sy])).tolist()
    widths = (d.widths.clamp(min=0) * (sx * sy) ** 0.5).tolist()
    stroke, fill = d.stroke.clamp(0, 1).tolist(), d.fill.clamp(0, 1).tolist()
    n_segments, closed = d.n_segments.tolist(), d.closed.tolist()
    contour_path, evenodd = d.contour_path.tolist(), d.evenodd.tolist()
    cap, join, miter = d.cap.tolist(), d.join.tolist(), d.miter_limit.tolist()

    paths = [skia.Path() for _ in range(len(d))]
    for c, pts in enumerate(points):
        path = paths[contour_path[c]]
        path.moveTo(*pts[0])
        for s in range(n_segments[c]):
            path.cubicTo(*pts[3 * s + 1], *pts[3 * s + 2], *pts[3 * s + 3])
        if closed[c]:
            path.close()

    items = []
    for i, path in enumerate(paths):
        if fill[i][3] > 0:
            path.setFillType(skia.PathFillType.kEvenOdd if evenodd[i]
                             else skia.PathFillType.kWinding)
            items.append((path, _paint(fill[i])))
        if stroke[i][3] > 0 and widths[i] > 0:
            paint = _paint(stroke[i])
            paint.setStyle(skia.Paint.kStroke_Style)
            paint.setStrokeWidth(widths[i])
            paint.setStrokeCap(_CAPS[cap[i]])
            paint.setStrokeJoin(_JOINS[join[i]])
            paint.setStrokeMiter(miter[i])
            items.append((path, paint))
    return SkiaScene(items, width, height)
