"""Tracing an image with brush strokes: the painting agent in one pass, then optional
refinement by gradient descent through the neural painter.

An image of any size is cut into square cells (``cell`` image pixels, 64 by default,
padded at the right and bottom by repeating the edge pixels); each cell is resized to
the painter's 64 px, all cells go through the agent as one batch, and each cell's ``T``
strokes are painted and composited over white, then stitched back. Cells are independent, so
:func:`refine_actions` optimizes them in chunks and memory stays flat on large images.

Convention: image pixels, origin top-left, x right, y down; stroke ``n`` lives in the
cell whose corner is ``origins[n]`` (image pixels), coordinates as fractions of ``cell``.
Stroke order is cell by cell (row-major), ``T`` strokes each, the order of the replay.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError
from torch import Tensor, nn
from torch.nn import functional as F

from vecdream.atomic import atomic_write_bytes
from vecdream.export import image_to_png_bytes, save_drawing

from .actions import ACTION_DIM, CELL, actions_json
from .agent import paint, paint_layers
from .agent_train import content_loss

# Cells optimized together: 16 cells x 10 strokes with autograd through the painter add
# about 0.8 GB of peak memory on the CPU; cells are independent, so chunks cost no quality.
REFINE_CHUNK = 16

__all__ = ["TraceResult", "load_image", "split_cells", "stitch", "trace", "refine_actions",
           "refine", "save_trace"]


@dataclass
class TraceResult:
    """Strokes that paint an image.

    Attributes:
        actions: ``(B, T, 12)`` per cell, in [0, 1].
        origins: each cell's corner in image pixels, ``(B, 2)``.
        cell: cell side in image pixels.
        size: image ``(W, H)`` in pixels.
        image: the painter's render ``(3, H, W)``.
        loss: pixel MSE of ``image`` against the target.
        history: losses of refinement steps (empty after one pass).
    """

    actions: Tensor
    origins: Tensor
    cell: int
    size: tuple[int, int]
    image: Tensor
    loss: float
    history: list[float] = field(default_factory=list)

    @property
    def flat(self) -> tuple[Tensor, Tensor]:
        """Actions ``(B*T, 12)`` and their cell origins ``(B*T, 2)``, in stroke order."""
        b, t, _ = self.actions.shape
        return (self.actions.reshape(b * t, ACTION_DIM),
                self.origins.repeat_interleave(t, dim=0).to(self.actions.dtype))


def load_image(path: str | Path) -> Tensor:
    """An image file as RGB ``(3, H, W)`` in [0, 1], transparency composited on white.

    Raises:
        ValueError: the file is missing or is not an image PIL reads.
    """
    try:
        with Image.open(path) as im:
            rgba = np.asarray(im.convert("RGBA"), dtype=np.float32) / 255
    except (OSError, UnidentifiedImageError) as exc:
        raise ValueError(f"cannot read image {str(path)!r}: {exc}") from None
    rgb, alpha = rgba[..., :3], rgba[..., 3:]
    return torch.from_numpy(rgb * alpha + (1 - alpha)).permute(2, 0, 1).contiguous()


def split_cells(image: Tensor, cell: int) -> tuple[Tensor, Tensor]:
    """Cells of ``image (3, H, W)``: ``(B, 3, 64, 64)`` (resized from ``cell`` px) and
    their corners ``(B, 2)`` in image pixels, row-major.

    The last row and column are padded by repeating the image's edge pixels: white padding
    made the agent spend strokes, and midpoint colours, on paper that is cropped away
    (held-out photos at 256 px: pixel MSE 0.0143 -> 0.0124 on chelsea, 0.0288 -> 0.0237
    on coffee, BENCHMARKS.md)."""
    _, h, w = image.shape
    rows, cols = math.ceil(h / cell), math.ceil(w / cell)
    padded = F.pad(image[None], (0, cols * cell - w, 0, rows * cell - h), mode="replicate")[0]
    cells = padded.reshape(3, rows, cell, cols, cell).permute(1, 3, 0, 2, 4).reshape(
        rows * cols, 3, cell, cell)
    if cell != CELL:
        cells = F.interpolate(cells, size=(CELL, CELL), mode="bilinear", antialias=True,
                              align_corners=False).clamp(0, 1)
    ys, xs = torch.meshgrid(torch.arange(rows), torch.arange(cols), indexing="ij")
    origins = torch.stack([xs.reshape(-1), ys.reshape(-1)], 1).float() * cell
    return cells, origins


def stitch(cells: Tensor, size: tuple[int, int], cell: int) -> Tensor:
    """The inverse of :func:`split_cells`: ``(B, 3, 64, 64)`` → ``(3, H, W)``."""
    w, h = size
    rows, cols = math.ceil(h / cell), math.ceil(w / cell)
    if cell != CELL:
        cells = F.interpolate(cells, size=(cell, cell), mode="bilinear", antialias=True,
                              align_corners=False)
    full = cells.reshape(rows, cols, 3, cell, cell).permute(2, 0, 3, 1, 4).reshape(
        3, rows * cell, cols * cell)
    return full[:, :h, :w]


def _paint_chunks(actions: Tensor, painter: nn.Module, chunk: int) -> Tensor:
    return torch.cat([paint(actions[i:i + chunk], painter) for i in range(0, len(actions),
                                                                           chunk)])


@torch.no_grad()
def trace(image: Tensor, agent: nn.Module, painter: nn.Module, *, cell: int | None = None,
          chunk: int = 32) -> TraceResult:
    """Paint ``image (3, H, W)`` in one forward pass of ``agent`` per cell.

    Args:
        image: RGB target in [0, 1].
        agent: a :class:`~vecdream.painter.agent.PaintingAgent`, e.g.
            :func:`~vecdream.painter.agent.load_agent`; all its layers are painted.
        painter: the frozen neural painter.
        cell: cell side in image pixels (default 64, or the longer side of a smaller
            image, which then fills one cell).
        chunk: cells per painter batch (memory).
    """
    if image.dim() != 3 or image.shape[0] != 3:
        raise ValueError(f"trace: expected an image (3, H, W), got {tuple(image.shape)}")
    h, w = image.shape[1:]
    cell = int(cell) if cell is not None else min(CELL, max(h, w))
    if cell < 1:
        raise ValueError(f"trace: expected cell >= 1, got {cell}")
    cells, origins = split_cells(image, cell)
    # an agent of several layers paints each cell in passes; a cell's strokes are all
    # its passes' in order, so refining and replaying treat them as one sequence
    passes = [paint_layers(agent, painter, cells[i:i + chunk])
              for i in range(0, len(cells), chunk)]
    actions = torch.cat([a for a, _ in passes])
    out = stitch(torch.cat([c[-1] for _, c in passes]), (w, h), cell)
    return TraceResult(actions, origins, cell, (w, h), out, F.mse_loss(out, image).item())


def _logit(actions: Tensor) -> Tensor:
    a = actions.clamp(1e-3, 1 - 1e-3)
    return torch.log(a) - torch.log1p(-a)


def refine_actions(targets: Tensor, actions: Tensor, painter: nn.Module, steps: int, *,
                   lr: float = 0.05, chunk: int = REFINE_CHUNK,
                   on_step: Callable[[], None] | None = None
                   ) -> tuple[Tensor, list[float]]:
    """Adam on the actions (as logits, so they stay in [0, 1]) to paint ``targets``.

    Args:
        targets: ``(B, 3, 64, 64)`` RGB cells.
        actions: ``(B, T, 12)`` the start (the agent's strokes, or random ones).
        painter: the frozen painter.
        steps: optimization steps.
        lr: Adam's step on the logits.
        chunk: cells optimized together (they are independent).
        on_step: called after each step of each chunk (``steps * ceil(B / chunk)`` calls).

    Returns:
        The refined actions ``(B, T, 12)`` and the mean pixel MSE before each step.
    """
    out = actions.detach().clone()
    losses = torch.zeros(steps, len(targets))
    for i in range(0, len(targets), chunk):
        target = targets[i:i + chunk]
        logits = _logit(out[i:i + chunk]).requires_grad_(True)
        opt = torch.optim.Adam([logits], lr=lr)
        for s in range(steps):
            image = paint(torch.sigmoid(logits), painter)
            losses[s, i:i + chunk] = (image.detach() - target).pow(2).mean((1, 2, 3))
            opt.zero_grad(set_to_none=True)
            (content_loss(image, target) * len(target)).backward()
            opt.step()
            if on_step is not None:
                on_step()
        out[i:i + chunk] = torch.sigmoid(logits.detach())
    return out, losses.mean(1).tolist()


def refine(result: TraceResult, image: Tensor, painter: nn.Module, steps: int, *,
           lr: float = 0.05, chunk: int = REFINE_CHUNK,
           on_step: Callable[[], None] | None = None) -> TraceResult:
    """Continue a :func:`trace` with ``steps`` optimization steps: a new result."""
    if steps < 1:
        return result
    cells, _ = split_cells(image, result.cell)
    actions, history = refine_actions(cells, result.actions, painter, steps, lr=lr,
                                      chunk=chunk, on_step=on_step)
    with torch.no_grad():
        out = stitch(_paint_chunks(actions, painter, chunk), result.size, result.cell)
    return TraceResult(actions, result.origins, result.cell, result.size, out,
                       F.mse_loss(out, image).item(), result.history + history)


def save_trace(result: TraceResult, stem: str | Path, *, metadata: dict | None = None,
               brush: str | None = None, replay: bool = True, pdf: bool = False):
    """Write ``x.svg`` (centre-line approximation, as the brush medium writes it), ``x.png``
    (the painter's render), ``x.json`` (the actions) and, when libmypaint is installed,
    ``x_replay.png`` with its PSNR against ``x.png``. Returns a
    :class:`~vecdream.painter.brush_export.BrushFiles`."""
    from vecdream.painter import mypaint
    from vecdream.painter.brush_export import BrushFiles, brush_drawing, psnr, replay_image

    stem = Path(stem).with_suffix("")
    files = BrushFiles(stem.with_suffix(".png"), stem.with_suffix(".json"),
                       stem.with_suffix(".svg"), stem.with_suffix(".pdf") if pdf else None)
    meta = dict(metadata or {})
    actions, origins = result.flat
    atomic_write_bytes(files.png, image_to_png_bytes(result.image, metadata=meta or None))
    header = {"size": list(result.size), "cell_px": result.cell,
              "strokes_per_cell": result.actions.shape[1], "brush": brush, "metadata": meta}
    atomic_write_bytes(files.json, actions_json(actions, origins, result.cell, **header))
    drawing = brush_drawing(actions, origins, result.cell, result.size)
    for path in (files.svg, files.pdf):
        if path is not None:
            save_drawing(drawing, path, metadata=meta or None)
    if replay and mypaint.mypaint_available():
        replayed = replay_image(actions, origins, result.cell, result.size, brush=brush)
        files.replay = files.png.with_name(files.png.stem + "_replay.png")
        atomic_write_bytes(files.replay, image_to_png_bytes(replayed, metadata=meta or None))
        files.psnr = psnr(replayed, result.image)
    return files
