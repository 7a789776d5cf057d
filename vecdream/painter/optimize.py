"""Optimize brush strokes: :func:`optimize_brush`, Adam on the actions of a brush canvas.

The brush is another image parameterization for every objective of
:mod:`vecdream.objectives`: the canvas (:class:`~vecdream.painter.canvas.BrushCanvas`) is
rendered through the frozen neural painter, scored on random views
(:mod:`vecdream.dream.augment`) like pen strokes, and the gradient flows back to the actions.
With content loss this is Nakano's "intrinsic style transfer": the brush is the style.

Objectives that read stroke geometry (``ink_length``, ``bending``, ``width_l1``,
``palette``, ``grayscale``) have no :class:`~vecdream.drawing.Drawing` to read here: the
first step raises a ``ValueError`` naming the objective instead of scoring nonsense.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import torch
from torch import Tensor

from vecdream.dream.augment import make_views, sample_views
from vecdream.dream.loop import (
    StepInfo,
    channels_last,
    make_generator,
    resolve_device,
    resolve_objective,
)
from vecdream.objectives import DreamContext, Objective
from vecdream.painter.actions import CELL
from vecdream.painter.canvas import BrushCanvas, Painter, composite_layers, target_colours
from vecdream.painter.reseed import reseed_canvas

__all__ = ["BrushResult", "BrushStepInfo", "coarse_to_fine", "optimize_brush"]

log = logging.getLogger(__name__)


@dataclass
class BrushResult:
    """What :func:`optimize_brush` returns.

    Attributes:
        image: the final painter render ``(B, 3, H, W)``, detached.
        actions: the optimized actions ``(B, N, 12)`` in [0, 1], detached.
        canvas: the canvas (its ``origins``, ``layout`` and ``actions``).
        history: ``{"loss": [...]}``, one value per step.
        steps: steps actually run (fewer when a callback stopped the run).
        objective: the objective that was minimized.
    """

    image: Tensor
    actions: Tensor
    canvas: BrushCanvas
    history: dict[str, list[float]] = field(default_factory=dict)
    steps: int = 0
    objective: Objective | None = None


@dataclass
class BrushStepInfo(StepInfo):
    """:class:`~vecdream.dream.loop.StepInfo` of a brush step: ``drawings`` is empty,
    ``actions`` ``(B, N, 12)`` holds the state; return True from the callback to stop."""

    actions: Tensor | None = None


class _NoDrawings(Sequence):
    """``DreamContext.drawings`` of a brush step: any use is an error naming the objective."""

    def __init__(self, objective: Objective) -> None:
        self.name = objective.name

    def _fail(self):
        raise ValueError(
            f"objective {self.name!r} reads stroke geometry (ink_length, bending, width_l1, "
            "palette and grayscale need pen strokes); the brush medium has none: drop those "
            "terms")

    def __len__(self) -> int:
        self._fail()

    def __getitem__(self, i):
        self._fail()

    def __iter__(self) -> Iterator:
        self._fail()


def optimize_brush(
    objective: Objective,
    size: int | tuple[int, int] = 224,
    *,
    canvas: BrushCanvas | None = None,
    painter: Painter | None = None,
    cell: int = CELL,
    grids: int = 2,
    strokes: int = 4,
    init_image: Tensor | None = None,
    colour_target: Tensor | None = None,
    background: Sequence[float] | Tensor = (1.0, 1.0, 1.0),
    steps: int = 200,
    views: int = 8,
    augment: str | Callable[[Tensor], Tensor] | None = "seed",
    lr: float = 0.05,
    milestones: Sequence[float] = (0.5, 0.75),
    batch: int = 1,
    seed: int | None = None,
    device: str | torch.device = "auto",
    callback: Callable[[BrushStepInfo], bool | None] | None = None,
    progress: bool = False,
    reseed: Sequence[float] = (),
    reseed_share: float = 0.1,
) -> BrushResult:
    """Optimize brush actions so the painted canvas minimizes ``objective``.

    Args:
        objective: any :class:`~vecdream.objectives.Objective` on views or renders
            (channel, class_logit ensembles, content, style, diversity, discriminator).
        size: canvas ``(W, H)`` or side in pixels (ignored with ``canvas``).
        canvas: a starting canvas (optimized in place); default a random one.
        painter: the neural painter; default the shipped one
            (:func:`vecdream.painter.model.load_painter`).
        cell, grids, strokes: the canvas's layout (:func:`~vecdream.painter.canvas.brush_layout`).
        init_image: ``(3, H, W)``: start every stroke in the image's colour under it.
        colour_target: ``(3, H, W)`` the canvas's size: every step, each stroke takes the
            alpha-weighted mean of this image under it
            (:func:`~vecdream.painter.canvas.target_colours`) and only its geometry is
            optimized (how ``paint`` colours by default).
        background: paper colour RGB in [0, 1].
        steps: Adam steps.
        views: random views per canvas per step.
        augment: view preset (``"seed"``, ``"lucent"``), a callable, or None (crop only).
        lr: Adam learning rate in action units (1 = a whole cell, or the whole colour range).
        milestones: fractions of ``steps`` where the learning rate halves.
        batch: canvases optimized together (for ``diversity``).
        seed: makes the run deterministic on CPU (start, views).
        device: ``"auto"``, ``"cpu"``, ``"cuda"``...
        callback: called with a :class:`BrushStepInfo` after each step; True stops.
        progress: show a tqdm bar.
        reseed: fractions of ``steps`` after which the ``reseed_share`` strokes with the
            least paint move to where the loss's gradient on the canvas is largest
            (:mod:`~vecdream.painter.reseed`); batch 1 only.
        reseed_share: fraction of the strokes moved each time.

    Returns:
        :class:`BrushResult`.

    Raises:
        ValueError: bad steps/views/lr, a ``colour_target`` not the canvas's size, or an
            objective that needs pen-stroke geometry.
    """
    if steps < 0 or views < 1 or not lr > 0:
        raise ValueError(f"expected steps >= 0, views >= 1 and lr > 0, got steps={steps}, "
                         f"views={views}, lr={lr}")
    dev = resolve_device(device)
    objective, crop = resolve_objective(None, None, objective)
    generator = make_generator(seed)
    if canvas is None:
        if painter is None:
            from vecdream.painter.model import load_painter

            painter = load_painter(device=dev)
        canvas = BrushCanvas(painter, size, cell=cell, grids=grids, strokes=strokes,
                             background=background, generator=generator, image=init_image,
                             batch=batch)
    canvas.to(dev)
    if colour_target is not None:
        w, h = canvas.size
        if tuple(colour_target.shape) != (3, h, w):
            raise ValueError(f"colour_target: expected (3, {h}, {w}), the canvas's size, got "
                             f"{tuple(colour_target.shape)}")
        colour_target = colour_target.to(dev)
    if dev.type == "cpu":
        channels_last(objective)
    view_maker = make_views(augment, min(crop, *canvas.size))
    canvas.actions.requires_grad_(True)
    optimizer = torch.optim.Adam([canvas.actions], lr=lr)
    history: dict[str, list[float]] = {"loss": []}
    drawings = _NoDrawings(objective)
    bar = _progress_bar(steps) if progress else None
    step, renders = 0, None
    reseed_at = {max(1, round(f * steps)) for f in reseed}
    if reseed_at and canvas.actions.shape[0] != 1:
        raise ValueError("reseed: re-seeding paints one canvas, use batch=1")
    try:
        with torch.random.fork_rng(devices=[dev] if dev.type == "cuda" else []):
            base = int(torch.randint(0, 2**62, (1,), generator=generator))
            for step in range(1, steps + 1):
                torch.manual_seed(base + step)  # step k's views depend on (seed, k) only
                for group in optimizer.param_groups:
                    group["lr"] = lr * 0.5 ** sum(step > m * steps for m in milestones)
                optimizer.zero_grad(set_to_none=True)
                strokes = canvas.strokes()
                renders = composite_layers(strokes, canvas.layout, canvas.background)
                ctx = DreamContext(sample_views(renders, view_maker, views), renders, drawings,
                                   objective.needs)
                loss = objective(ctx)
                if step in reseed_at:
                    renders.retain_grad()
                loss.backward()
                if colour_target is not None:
                    canvas.actions.grad[..., 3:6] = 0  # colour is set below, not learned
                optimizer.step()
                canvas.clamp_()
                if colour_target is not None:
                    with torch.no_grad():
                        canvas.actions[..., 3:6] = target_colours(
                            strokes.detach(), canvas.layout, colour_target,
                            canvas.actions[..., 3:6])
                if step in reseed_at and step < steps:
                    reseed_canvas(canvas.actions, optimizer, strokes, canvas.layout,
                                  renders.grad, reseed_share, generator)
                history["loss"].append(loss.item())
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(loss=f"{history['loss'][-1]:.4g}")
                if callback is not None and callback(BrushStepInfo(
                        step, steps, history["loss"][-1], [], renders.detach(), optimizer,
                        canvas.actions.detach())):
                    break
    finally:
        if bar is not None:
            bar.close()
    canvas.actions = canvas.actions.detach()
    with torch.no_grad():
        image = canvas.render()
    log.info("brush: %d steps, loss %s", step,
             f"{history['loss'][0]:.4g} -> {history['loss'][-1]:.4g}" if history["loss"] else "-")
    return BrushResult(image, canvas.actions.clone(), canvas, history, step, objective)


def coarse_to_fine(objective: Objective, size: int | tuple[int, int], *, layers: int = 2,
                   cell: int = CELL, steps: int = 200,
                   background: Sequence[float] | Tensor = (1.0, 1.0, 1.0),
                   callback: Callable[[BrushStepInfo], bool | None] | None = None,
                   **options) -> list[BrushResult]:
    """Paint in ``layers`` passes, big strokes first: layer ``k`` has cells of
    ``cell / 2**k`` pixels (4x the strokes of the last, each half the size) and is
    optimized over the previous layers' frozen result, ``steps // layers`` steps each (the
    last takes the rest). A painter's order: block in the masses, then the detail.

    Args:
        objective, size: as :func:`optimize_brush`.
        layers: passes (1 is one :func:`optimize_brush`).
        cell: the first layer's cell in pixels.
        steps: Adam steps over all layers.
        background: the paper under the first layer.
        callback: as :func:`optimize_brush`, with steps counted over all layers; True
            stops the whole painting.
        options: the rest of :func:`optimize_brush`'s keywords (not ``canvas``).

    Returns:
        One :class:`BrushResult` per layer painted, first to last; the last one's
        ``image`` is the painting, and each canvas's ``background`` the result under it.

    Raises:
        ValueError: ``layers`` < 1, a layer's cell under 4 pixels, or several layers of a
            batch (each canvas would need its own background).
    """
    if layers < 1 or cell >> (layers - 1) < 4:
        raise ValueError(f"expected layers >= 1 with cells of 4 px or more, got layers={layers} "
                         f"from a {cell} px cell")
    if layers > 1 and options.get("batch", 1) != 1:
        raise ValueError("coarse_to_fine paints one canvas: use batch=1 with layers > 1")
    stopped, done = False, 0

    def relay(info: BrushStepInfo) -> bool:
        nonlocal stopped
        whole = dataclasses.replace(info, step=done + info.step, steps=steps)
        stopped = bool(callback is not None and callback(whole))
        return stopped

    results: list[BrushResult] = []
    under = torch.as_tensor(background, dtype=torch.float32)
    for k in range(layers):
        share = steps // layers if k < layers - 1 else steps - (layers - 1) * (steps // layers)
        result = optimize_brush(objective, size, cell=cell >> k, steps=share,
                                background=under, callback=relay, **options)
        results.append(result)
        under, done = result.image[0].detach(), done + result.steps
        if stopped:
            break
    return results


def _progress_bar(steps: int):
    from tqdm.auto import tqdm

    return tqdm(total=steps, desc="brush", unit="step")
