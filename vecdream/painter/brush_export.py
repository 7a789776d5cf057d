"""Files out of a brush canvas: the painter's PNG, the actions, their replay and an SVG.

:func:`save_brush` writes, from one stem ``x``:

- ``x.png``: what the neural painter painted (the image that was optimized);
- ``x.json``: the actions (:func:`vecdream.painter.actions.actions_json`) with each
  stroke's absolute Bézier points, in stroke order;
- ``x_replay.png``: the same actions painted by real libmypaint — the "transfer back to
  the real program" — when libmypaint is installed (else one warning line saying what to
  install), and its PSNR against ``x.png``;
- ``x.svg`` (and ``x.pdf`` when asked): a vector approximation for pen plotters, each
  stroke its quadratic Bézier centre line (as an exact cubic), its width from radius and
  mean pressure (:data:`WIDTH_FIT`), in the stroke's colour. It is an approximation: the
  brush's texture, pressure taper and the painter's clipping to its cell are not in it.

Every file is written atomically and carries the provenance record ``metadata``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor

from vecdream.atomic import atomic_write_bytes
from vecdream.drawing import Drawing
from vecdream.export import image_to_png_bytes, save_drawing
from vecdream.painter.actions import CELL, actions_json, radius_px, stroke_cells
from vecdream.painter.canvas import BrushCanvas

__all__ = ["BrushFiles", "brush_drawing", "psnr", "replay_image", "save_brush"]

log = logging.getLogger(__name__)

INSTALL_HINT = "apt-get install libmypaint-1.5-1 mypaint-brushes"

WIDTH_FIT = (0.67, 0.46)
"""Ink width = ``2 * radius * (a + b * mean pressure)``: least squares on the alpha-integrated
width of straight classic/pen strokes replayed by libmypaint (7 sizes x 7 pressures, mean
relative error 5 %; a plain ``2 * radius * pressure`` is off by 48 %: the preset paints
at two thirds of its radius even at zero pressure)."""


@dataclass
class BrushFiles:
    """What :func:`save_brush` wrote; ``replay`` and ``psnr`` are None without libmypaint."""

    png: Path
    json: Path
    svg: Path
    pdf: Path | None = None
    replay: Path | None = None
    psnr: float | None = None

    @property
    def paths(self) -> list[Path]:
        return [p for p in (self.png, self.json, self.svg, self.pdf, self.replay) if p]


def brush_drawing(actions: Tensor, origins: Tensor, cell: float | Tensor,
                  size: tuple[float, float]) -> Drawing:
    """The SVG approximation of brush strokes as a :class:`~vecdream.drawing.Drawing`.

    Args:
        actions: ``(N, 12)`` in [0, 1].
        origins: each stroke's cell corner in canvas units, ``(N, 2)``.
        cell: cell side in canvas units, or each stroke's ``(N,)``.
        size: canvas ``(W, H)``.

    Returns:
        A drawing of ``N`` one-segment paths in stroke order: the quadratic Bézier
        ``(p0, p1, p2)`` as the cubic ``(p0, p0 + 2/3 (p1 - p0), p2 + 2/3 (p1 - p2), p2)``,
        width ``2 * radius_px(size) * cell / 64 * (a + b * mean pressure)`` with
        :data:`WIDTH_FIT`, opaque action colour.
    """
    a = actions.detach().float().cpu()
    o = origins.detach().float().cpu()[:, None]
    c = stroke_cells(cell, len(a)).float()
    p0, p1, p2 = (o + a[:, None, k:k + 2] * c[:, None, None] for k in (6, 8, 10))
    points = torch.cat([p0, p0 + 2 / 3 * (p1 - p0), p2 + 2 / 3 * (p1 - p2), p2], dim=1)
    fit_a, fit_b = WIDTH_FIT
    widths = 2 * radius_px(a[:, 2]) * (c / CELL) * (fit_a + fit_b * (a[:, 0] + a[:, 1]) / 2)
    stroke = torch.cat([a[:, 3:6], torch.ones(len(a), 1)], dim=1)
    return Drawing(points, widths, stroke, (float(size[0]), float(size[1])))


def replay_image(actions: Tensor, origins: Tensor, cell: float | Tensor, size: tuple[int, int],
                 *,
                 brush: str | None = None,
                 background: Sequence[float] | Tensor = (1.0, 1.0, 1.0)) -> Tensor:
    """The actions painted by real libmypaint, over ``background``: ``(3, H, W)``.

    Raises:
        vecdream.painter.mypaint.MyPaintMissing: libmypaint is not installed.
    """
    from vecdream.painter import mypaint

    rgba = mypaint.render_actions(actions.detach().cpu(), size=(int(size[0]), int(size[1])),
                                  origins=origins.detach().cpu(), cell=cell,
                                  brush=brush or mypaint.DEFAULT_BRUSH)
    bg = torch.as_tensor(background, dtype=rgba.dtype)
    bg = bg[:, None, None] if bg.dim() == 1 else bg
    return rgba[:3] * rgba[3:] + bg * (1 - rgba[3:])


def psnr(a: Tensor, b: Tensor) -> float:
    """Peak signal-to-noise ratio in dB of two images in [0, 1] (inf when identical)."""
    mse = float((a.detach().cpu().float() - b.detach().cpu().float()).pow(2).mean())
    return math.inf if mse == 0 else 10 * math.log10(1 / mse)


def save_brush(canvas: BrushCanvas | Sequence[BrushCanvas], stem: str | Path, *,
               image: Tensor | None = None, metadata: Mapping[str, object] | None = None,
               brush: str | None = None, pdf: bool = False, replay: bool = True) -> BrushFiles:
    """Write the canvas's files (the first of a batch) from ``stem`` (suffix ignored).

    Args:
        canvas: the optimized canvas, or the layers of a painting in order
            (:func:`~vecdream.painter.optimize.coarse_to_fine`), each painted over the last:
            their strokes are written in that order, each with its own cell.
        stem: ``x`` or ``x.anything``: writes ``x.png``, ``x.json``, ``x.svg`` ...
        image: the painter's render ``(3, H, W)`` (default: render the last canvas again).
        metadata: provenance embedded in every file (and the JSON header).
        brush: MyPaint preset of the replay (default: the one the shipped painter imitates,
            :data:`vecdream.painter.mypaint.DEFAULT_BRUSH`).
        pdf: also write ``x.pdf`` of the SVG approximation.
        replay: replay through libmypaint when it is installed.
    """
    from vecdream.painter.mypaint import DEFAULT_BRUSH  # ctypes loads nothing until used

    layers = [canvas] if isinstance(canvas, BrushCanvas) else list(canvas)
    brush = brush or DEFAULT_BRUSH  # recorded in the JSON: the preset a replay should use
    stem = Path(stem).with_suffix("")
    files = BrushFiles(stem.with_suffix(".png"), stem.with_suffix(".json"),
                       stem.with_suffix(".svg"), stem.with_suffix(".pdf") if pdf else None)
    actions = torch.cat([c.actions[0].detach().cpu() for c in layers])
    origins = torch.cat([c.layout.origins for c in layers])
    cells = torch.cat([torch.full((c.layout.n_strokes,), float(c.layout.cell)) for c in layers])
    if image is None:
        with torch.no_grad():
            image = layers[-1].render()[0]
    meta = dict(metadata or {})
    atomic_write_bytes(files.png, image_to_png_bytes(image, metadata=meta or None))
    lay = layers[0].layout
    header = {"size": list(lay.size), "cell_px": lay.cell, "grids": lay.grids,
              "strokes_per_cell": lay.strokes, "brush": brush, "metadata": meta}
    if len(layers) > 1:  # each record's "cell" says where it goes; this says how it was made
        header["layers"] = [{"cell_px": c.layout.cell, "grids": c.layout.grids,
                             "strokes_per_cell": c.layout.strokes,
                             "count": c.layout.n_strokes} for c in layers]
    atomic_write_bytes(files.json, actions_json(actions, origins, cells, **header))
    drawing = brush_drawing(actions, origins, cells, lay.size)
    for path in (files.svg, files.pdf):
        if path is not None:
            save_drawing(drawing, path, metadata=meta or None)
    if replay:
        _replay(files, (actions, origins, cells), layers[0], image, brush, meta)
    return files


def _replay(files: BrushFiles, strokes: tuple[Tensor, Tensor, Tensor], first: BrushCanvas,
            image: Tensor, brush: str | None, meta: dict) -> None:
    from vecdream.painter import mypaint

    if not mypaint.mypaint_available():
        log.warning("replay skipped: libmypaint is not installed (%s)", INSTALL_HINT)
        return
    actions, origins, cells = strokes
    replayed = replay_image(actions, origins, cells, first.layout.size, brush=brush,
                            background=first.background.cpu())
    files.replay = files.png.with_name(files.png.stem + "_replay.png")
    atomic_write_bytes(files.replay, image_to_png_bytes(replayed, metadata=meta or None))
    files.psnr = psnr(replayed, image)
