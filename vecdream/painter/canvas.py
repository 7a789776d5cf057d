"""The brush as an image parameterization: strokes of the neural painter on overlapping grids.

A canvas of ``W x H`` pixels is covered by ``grids`` grids of cells ``cell`` pixels wide;
grid ``g`` is shifted by ``g / grids`` of a cell along both axes, so the seams of one
grid fall in the middle of another's cells and vanish (Nakano's "several overlapping
grids of 64x64 painter canvases, stitched"). Every cell holds ``strokes`` brush strokes,
each one action of the painter (:mod:`vecdream.painter.actions`) drawn on that cell.

Convention:
    Canvas pixels, origin at the top-left corner, x right, y down (as SVG user units).
    Stroke ``n`` lives in the cell whose corner is ``origins[n]``; its action coordinates
    are fractions of that cell. Painter strokes are 64 px; a cell of ``cell`` canvas
    pixels scales them by ``cell / 64``.

Stroke order: strokes are composited in *layers*. Layer ``l = k * grids + g`` holds stroke
``k`` of every cell of grid ``g``; the cells of one grid never overlap, so one layer is
one tiled image and compositing costs ``strokes * grids`` blends, not one per stroke.
Within a layer the (disjoint) strokes follow the cells in row-major order; ``actions``
and ``origins`` are stored in exactly this order, which is the order of replay.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from vecdream.painter.actions import ACTION_DIM, CELL, random_actions

__all__ = ["BrushCanvas", "BrushLayout", "brush_layout", "composite_layers", "init_actions",
           "target_colours"]

Painter = Callable[[Tensor], Tensor]
"""``actions (N, 12) -> strokes (N, 4, 64, 64)`` straight RGBA in [0, 1]."""


@dataclass(frozen=True)
class BrushLayout:
    """Where every stroke of a brush canvas goes.

    Attributes:
        size: canvas ``(W, H)`` in pixels.
        cell: cell side in canvas pixels.
        grids: number of overlapping grids.
        strokes: strokes per cell (``K``).
        grid_cells: per grid, ``(x0, y0, nx, ny)``: the first cell's corner (<= 0) and
            the number of cells across and down.
        origins: every stroke's cell corner in canvas pixels, ``(N, 2)``, in stroke order.
    """

    size: tuple[int, int]
    cell: int
    grids: int
    strokes: int
    grid_cells: tuple[tuple[int, int, int, int], ...]
    origins: Tensor

    @property
    def n_strokes(self) -> int:
        return self.origins.shape[0]


def brush_layout(size: int | tuple[int, int], *, cell: int = CELL, grids: int = 2,
                 strokes: int = 4) -> BrushLayout:
    """The grids of a ``size`` canvas: ``grids`` grids of ``cell``-pixel cells, ``strokes``
    per cell.

    Raises:
        ValueError: a size, cell, grid or stroke count below 1 (the message names it).
    """
    w, h = (size, size) if isinstance(size, int) else (int(size[0]), int(size[1]))
    for name, value in (("width", w), ("height", h), ("cell", cell), ("grids", grids),
                        ("strokes", strokes)):
        if int(value) < 1:
            raise ValueError(f"brush canvas: expected {name} >= 1, got {value}")
    cells = []
    for g in range(grids):
        off = round(g * cell / grids)
        start = off - cell if off > 0 else 0  # a shifted grid starts one cell earlier
        cells.append((start, start, math.ceil((w - start) / cell), math.ceil((h - start) / cell)))
    origins = []
    for _ in range(strokes):
        for x0, y0, nx, ny in cells:
            ys, xs = torch.meshgrid(torch.arange(ny), torch.arange(nx), indexing="ij")
            origins.append(torch.stack([x0 + xs.flatten() * cell, y0 + ys.flatten() * cell], 1))
    return BrushLayout((w, h), int(cell), int(grids), int(strokes), tuple(cells),
                       torch.cat(origins).float())


def _scaled(strokes: Tensor, cell: int) -> Tensor:
    """Premultiplied RGBA strokes ``(B, M, 4, cell, cell)`` of straight painter strokes
    ``(B, M, 4, 64, 64)``. Premultiplied before resampling, so a stroke's edge does not
    bleed the colour of its transparent surroundings (black, white, whatever the net says)."""
    premult = torch.cat([strokes[:, :, :3] * strokes[:, :, 3:], strokes[:, :, 3:]], dim=2)
    if cell == strokes.shape[-1]:
        return premult
    b, m = premult.shape[:2]
    flat = F.interpolate(premult.flatten(0, 1), size=(cell, cell), mode="bilinear",
                         align_corners=False, antialias=cell < strokes.shape[-1])
    return flat.reshape(b, m, 4, cell, cell)


def composite_layers(strokes: Tensor, layout: BrushLayout, background: Tensor) -> Tensor:
    """Composite painter strokes onto the background in stroke order ("over").

    Args:
        strokes: straight RGBA ``(B, N, 4, 64, 64)`` in [0, 1], in ``layout``'s order.
        layout: the grids.
        background: RGB ``(3,)`` or ``(3, H, W)`` in [0, 1].

    Returns:
        ``(B, 3, H, W)`` RGB in [0, 1].
    """
    w, h = layout.size
    c = layout.cell
    b = strokes.shape[0]
    bg = background.to(strokes)
    canvas = (bg[:, None, None].expand(3, h, w) if bg.dim() == 1 else bg).expand(b, 3, h, w)
    first = 0
    for _ in range(layout.strokes):
        for x0, y0, nx, ny in layout.grid_cells:
            layer = _scaled(strokes[:, first:first + nx * ny], c)
            first += nx * ny
            # (B, ny*nx, 4, c, c) -> one tiled image (B, 4, ny*c, nx*c), cropped to the canvas
            tiled = layer.reshape(b, ny, nx, 4, c, c).permute(0, 3, 1, 4, 2, 5)
            tiled = tiled.reshape(b, 4, ny * c, nx * c)[:, :, -y0:-y0 + h, -x0:-x0 + w]
            canvas = canvas * (1 - tiled[:, 3:]) + tiled[:, :3]
    return canvas


def target_colours(strokes: Tensor, layout: BrushLayout, target: Tensor, current: Tensor
                   ) -> Tensor:
    """The colour a painter would mix for each stroke: the mean of ``target`` under it,
    weighted by the stroke's alpha (in closed form: the colour that best matches the
    target where the stroke lays paint, if the stroke were alone).

    Args:
        strokes: straight RGBA ``(B, N, 4, 64, 64)`` in ``layout``'s order.
        target: RGB ``(3, H, W)`` the canvas's size.
        current: ``(B, N, 3)`` kept for strokes with (almost) no paint on the canvas.

    Returns:
        ``(B, N, 3)``.
    """
    c = layout.cell
    alpha = strokes[:, :, 3]
    if c != alpha.shape[-1]:
        b, n = alpha.shape[:2]
        alpha = F.interpolate(alpha.flatten(0, 1)[:, None], size=(c, c), mode="bilinear",
                              align_corners=False, antialias=c < strokes.shape[-1])
        alpha = alpha.reshape(b, n, c, c)
    # Cells start up to one cell before the canvas: pad by a cell, paint counts inside.
    inside = F.pad(torch.ones_like(target[:1]), (c, c, c, c))
    padded = torch.cat([F.pad(target.to(alpha), (c, c, c, c)), inside.to(alpha)])
    corner = layout.origins.to(alpha.device).long() + c
    span = torch.arange(c, device=alpha.device)
    rows, cols = corner[:, 1:] + span, corner[:, :1] + span  # (N, c) each
    patch = padded[:, rows[:, :, None], cols[:, None, :]]  # (4, N, c, c)
    weight = alpha * patch[3]
    total = weight.sum((2, 3))
    mean = torch.einsum("bnij,knij->bnk", weight, patch[:3]) / total.clamp_min(1e-6)[..., None]
    return torch.where(total[..., None] > 1e-3, mean, current)


def init_actions(layout: BrushLayout, batch: int = 1, *,
                 generator: torch.Generator | None = None,
                 image: Tensor | None = None) -> Tensor:
    """Random starting actions ``(batch, N, 12)``; with ``image`` ``(3, H, W)`` every
    stroke takes the image's colour under its midpoint, so painting a photo starts from
    its colours rather than noise (as :func:`vecdream.dream.photo.photo_start` does for pens)."""
    acts = random_actions(batch * layout.n_strokes, generator).reshape(batch, -1, ACTION_DIM)
    if image is not None:
        w, h = layout.size
        mid = (acts[..., 6:8] + acts[..., 10:12]) / 2 * layout.cell + layout.origins
        x = mid[..., 0].clamp(0, image.shape[2] - 1).long()
        y = mid[..., 1].clamp(0, image.shape[1] - 1).long()
        acts[..., 3:6] = image.to(acts)[:, y, x].permute(1, 2, 0)
    return acts


class BrushCanvas:
    """Brush strokes on overlapping grids, rendered by a neural painter.

    Args:
        painter: ``actions (N, 12) -> (N, 4, 64, 64)`` straight RGBA, e.g.
            :func:`vecdream.painter.model.load_painter`'s network.
        size: canvas ``(W, H)`` (or a side) in pixels.
        cell: canvas pixels per painter cell (64: the painter's own scale).
        grids: overlapping grids (2: the second shifted by half a cell).
        strokes: strokes per cell of every grid.
        actions: ``(B, N, 12)`` or ``(N, 12)`` in [0, 1]; default random
            (:func:`init_actions` with ``generator`` and ``image``).
        background: RGB ``(3,)`` or ``(3, H, W)`` in [0, 1]; default white paper.

    ``actions`` is the parameter an optimizer updates (it is projected back into [0, 1]
    by :meth:`clamp_`: the action space is a box, and clamping keeps the painter's input
    where it was trained without a sigmoid's vanishing gradients near the walls).

    Example:
        >>> from vecdream.painter.model import NeuralPainter
        >>> canvas = BrushCanvas(NeuralPainter(), (96, 80), cell=32)
        >>> canvas.render().shape
        torch.Size([1, 3, 80, 96])
    """

    def __init__(self, painter: Painter, size: int | tuple[int, int], *, cell: int = CELL,
                 grids: int = 2, strokes: int = 4, actions: Tensor | None = None,
                 background: Sequence[float] | Tensor = (1.0, 1.0, 1.0),
                 generator: torch.Generator | None = None, image: Tensor | None = None,
                 batch: int = 1) -> None:
        self.painter = painter
        self.layout = brush_layout(size, cell=cell, grids=grids, strokes=strokes)
        if actions is None:
            actions = init_actions(self.layout, batch, generator=generator, image=image)
        actions = actions[None] if actions.dim() == 2 else actions
        expected = (self.layout.n_strokes, ACTION_DIM)
        if actions.dim() != 3 or tuple(actions.shape[1:]) != expected:
            raise ValueError(f"BrushCanvas.actions: expected shape (B, {expected[0]}, "
                             f"{ACTION_DIM}) for this layout, got {tuple(actions.shape)}")
        self.actions = actions.detach().clone().clamp_(0, 1)
        self.background = torch.as_tensor(background, dtype=torch.float32)
        # A painter with noise inputs paints each stroke with its own grain, drawn once:
        # the texture stays put while the optimizer moves the stroke.
        self.noise = (painter.sample_noise(self.actions.shape[0] * expected[0], generator)
                      if getattr(painter, "noise", 0) else None)

    @property
    def size(self) -> tuple[int, int]:
        return self.layout.size

    @property
    def origins(self) -> Tensor:
        """Every stroke's cell corner in canvas pixels, ``(N, 2)``."""
        return self.layout.origins

    def to(self, device: torch.device | str) -> BrushCanvas:
        """Move actions, background and the painter (a module) to ``device``, in place."""
        if isinstance(self.painter, torch.nn.Module):
            self.painter.to(device)
        self.actions = self.actions.to(device)
        self.background = self.background.to(device)
        if self.noise is not None:
            self.noise = self.noise.to(device)
        return self

    def strokes(self) -> Tensor:
        """The painter's strokes ``(B, N, 4, 64, 64)``, differentiable w.r.t. actions."""
        b, n, _ = self.actions.shape
        flat = self.actions.reshape(b * n, ACTION_DIM)
        strokes = self.painter(flat) if self.noise is None else self.painter(flat, self.noise)
        return strokes.reshape(b, n, 4, CELL, CELL)

    def render(self) -> Tensor:
        """The canvas ``(B, 3, H, W)`` RGB in [0, 1]: strokes over the background."""
        return composite_layers(self.strokes(), self.layout, self.background)

    @torch.no_grad()
    def clamp_(self) -> None:
        """Project the actions back into [0, 1] (after an optimizer step)."""
        self.actions.clamp_(0, 1)

    def __repr__(self) -> str:
        lay = self.layout
        return (f"BrushCanvas({self.actions.shape[0]} x {lay.n_strokes} strokes, "
                f"{lay.grids} grids of {lay.cell} px cells, size={lay.size})")
