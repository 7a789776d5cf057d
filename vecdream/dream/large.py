"""Large format: tile a small dream k x k and finetune it on the large canvas.

The finetune scores random windows of the large canvas at the network's resolution
(:mod:`vecdream.dream.windows`), so memory stays flat as the canvas grows; ``pen=`` fixes
every stroke to a physical pen (:mod:`vecdream.dream.pen`) so the render is the plot.

Convention:
    Geometry stays in user units of the (tiled) canvas; ``size`` is the pixel size the
    canvas is rendered at, so learning rates and windows are in those output pixels.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence

import torch
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.dream.augment import make_views
from vecdream.dream.hygiene import Hygiene
from vecdream.dream.loop import (
    ColorMode,
    Result,
    StepInfo,
    WidthMode,
    check_modes,
    make_generator,
    resolve_device,
    resolve_objective,
    run_loop,
)
from vecdream.dream.pen import set_pen_width
from vecdream.dream.styles import style_hygiene
from vecdream.dream.tiles import parse_tiles, tile_drawing
from vecdream.dream.windows import pixel_size, window_views
from vecdream.objectives import Objective, palette

__all__ = ["upscale"]

log = logging.getLogger(__name__)


def _resolve(layer: str | None, channel: int | None, objective: Objective | None,
             weights: str | None, dev: torch.device) -> tuple[Objective, int]:
    if layer is None and objective is None:
        raise ValueError("upscale: expected a layer such as 'vgg16:conv3_3' or an objective, "
                         "got neither")
    return resolve_objective(layer, channel, objective, weights=weights, device=dev)


def upscale(
    drawing: Drawing | Sequence[Drawing],
    tiles: int | str | Sequence[int] = (4, 4),
    size: int | Sequence[int] = 1024,
    *,
    steps: int = 200,
    layer: str | None = None,
    channel: int | None = None,
    objective: Objective | None = None,
    views: int = 8,
    view_size: int | None = None,
    augment: str | Callable[[Tensor], Tensor] | None = "seed",
    colors: ColorMode = False,
    width: WidthMode = 1.0,
    lr_points: float = 0.25,
    lr_colors: float = 0.0025,
    lr_widths: float = 0.025,
    milestones: Sequence[float] = (0.5, 0.75),
    prune_alpha: float = 0.05,
    weights: str | None = "imagenet",
    seed: int | None = None,
    device: str | torch.device = "auto",
    callback: Callable[[StepInfo], bool | None] | None = None,
    progress: bool = False,
    pen: str | float | None = None,
    page: str | tuple[float, float] = "A4",
    seam_frac: float = 0.5,
    jitter: float = 0.0,
    hygiene: Hygiene | str | None = None,
) -> Result:
    """Tile a drawing ``kx x ky`` and finetune it on the large canvas, scored in windows.

    Args:
        drawing: the small dream (or a batch of them, for ``diversity``).
        tiles: ``(kx, ky)``, an int, or text ``"4x3"``; ``1`` only finetunes larger.
        size: pixel size of the tiled canvas: an int (long side) or ``(W, H)`` with the
            canvas aspect ratio, e.g. ``(672, 896)`` for 224 px tiled 3 x 4.
        steps, views, augment, colors, milestones, prune_alpha, weights, seed, device,
            callback, progress: as in :func:`~vecdream.dream.optimize.optimize_strokes`.
        layer, channel, objective: what to minimize (one of ``layer`` / ``objective``).
        view_size: side of a view in pixels; default the network's input size.
        width: a number keeps the drawing's widths fixed; ``("free", lo, hi)``
            optimizes them (user units).
        lr_points, lr_widths: learning rates in output pixels of ``size``.
        lr_colors: learning rate of the RGBA colours. All three default to where
            :func:`~vecdream.dream.optimize.optimize_strokes` ends (its defaults halved
            twice): the start is a converged dream, and random windows give noisier
            gradients than whole views. Measured on a 4 x 4 tiled dream at 1024 px,
            60 steps: 0.25 px improved the windowed loss from -6.4 to -7.5, 1.0 px
            left it at -6.4.
        pen, page: fix every width to a physical pen on a page (see
            :func:`~vecdream.dream.pen.pen_width_units`); needs a fixed ``width``.
        seam_frac: this fraction of each step's windows is centred on a tile border
            (:func:`vecdream.dream.windows.window_views`), where the copies meet and the
            small dream had paper beyond its edge (0: uniform windows). Measured
            (BENCHMARKS.md): border / interior window score 0.80 -> 0.88 and 0.95 ->
            0.99 on two channels, against uniform windows.
        jitter: before the finetune, move every stroke of every copy by a random
            offset of this standard deviation (output pixels of ``size``, drawn from
            ``seed``), so the copies start apart and drift into a pattern with small
            irregularities instead of a copy-paste.
        hygiene: the line-work penalties and learning-rate annealing of a
            :class:`~vecdream.dream.hygiene.Hygiene` (or a style's name), so the finetune
            keeps the strokes as clean as the small dream did; its start, loop cuts,
            re-seeding and minimum length are the small dream's business. None: off.

    Returns:
        :class:`~vecdream.dream.optimize.Result`; ``StepInfo.renders`` are the overviews.

    Example:
        >>> from vecdream.nets import load_net
        >>> from vecdream.objectives import channel
        >>> net = load_net("efficientnet_lite0", weights=None)
        >>> small = Drawing.random(5, size=(64, 64), seed=0)
        >>> upscale(small, 2, 256, steps=1, views=1, objective=channel(net, "blocks.2", 0),
        ...         device="cpu").drawing.size
        (128.0, 128.0)
    """
    check_modes(colors, width, steps, views, pen)
    dev = resolve_device(device)
    objective, crop = _resolve(layer, channel, objective, weights, dev)
    if colors not in (False, "free"):
        objective = objective + palette(colors)
    hygiene = style_hygiene(hygiene)
    lr_factors = hygiene.lr_factors(milestones)
    regularizer = hygiene.regularizer()
    if regularizer is not None:
        objective = objective + regularizer
    if not (0 <= seam_frac <= 1 and jitter >= 0):
        raise ValueError(f"upscale: expected 0 <= seam_frac <= 1 and jitter >= 0, got "
                         f"seam_frac={seam_frac}, jitter={jitter}")
    drawings = [tile_drawing(d.detach(), tiles).to(dev).clone()
                for d in ([drawing] if isinstance(drawing, Drawing) else drawing)]
    size_px = pixel_size(drawings[0].size, size)
    kx, ky = parse_tiles(tiles)
    if jitter:
        _jitter(drawings, jitter * drawings[0].size[0] / size_px[0],
                make_generator(None if seed is None else seed + 1))
    if pen is not None:
        width = set_pen_width(drawings, pen, page)
    view_size = view_size or crop
    canvas = drawings[0].size
    px_per_unit = math.sqrt(size_px[0] * size_px[1] / (canvas[0] * canvas[1]))
    log.info("upscale: %d paths on %s units at %dx%d px, %d windows of %d px per step",
             len(drawings[0]), canvas, *size_px, views, view_size)
    seams = ([size_px[0] * i / kx for i in range(1, kx)],
             [size_px[1] * j / ky for j in range(1, ky)])
    view_fn = window_views(size_px, make_views(augment, view_size), views, view_size,
                           seams, seam_frac)
    return run_loop(drawings, objective, view_fn, make_generator(seed), dev, width=width,
                    colors=colors, steps=steps, milestones=milestones, prune_alpha=prune_alpha,
                    lrs=(lr_points / px_per_unit, lr_colors, lr_widths / px_per_unit),
                    callback=callback, progress=progress, desc="upscale",
                    lr_factors=lr_factors)



@torch.no_grad()
def _jitter(drawings: list[Drawing], sigma: float, generator: torch.Generator) -> None:
    """Shift every contour by a random offset ``N(0, sigma)`` (user units), in place:
    whole strokes move, so they stay as clean as they were."""
    for d in drawings:
        offset = torch.randn(d.n_contours, 1, 2, generator=generator, dtype=d.points.dtype)
        d.points.add_(sigma * offset.to(d.device))
