"""The optimization loop: Adam on stroke parameters through render → views → objective.

The loop is pure: it returns a :class:`Result`; snapshots, GIF frames, progress bars
and Ctrl-C handling are callbacks supplied by the caller (the CLI).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from torch import Tensor

from vecdream.augment import make_views, sample_views
from vecdream.drawing import Drawing
from vecdream.objectives import DreamContext, Objective, channel, layer_norm, palette
from vecdream.render import render

__all__ = [
    "Result", "StepInfo", "ViewFn", "full_canvas_views", "make_generator", "optimize_strokes",
    "resolve_objective", "run_loop",
]

log = logging.getLogger(__name__)

ColorMode = bool | str | Sequence[Sequence[float]]
WidthMode = float | tuple[str, float, float]
ViewFn = Callable[[list[Drawing]], tuple[Tensor, Tensor]]
"""What one step scores: ``drawings -> (views (B*V, 3, h, w), renders (B, 3, H, W))``."""


@dataclass
class Result:
    """What an optimization returns.

    Attributes:
        drawing: the (first) optimized drawing, detached.
        drawings: all optimized drawings (a batch when ``batch > 1``).
        history: per-step values: ``"loss"`` and one list per named term.
        steps: steps actually run (fewer than asked when a callback stopped the run).
        objective: the objective that was minimized.
    """

    drawing: Drawing
    drawings: list[Drawing]
    history: dict[str, list[float]] = field(default_factory=dict)
    steps: int = 0
    objective: Objective | None = None
    optimizer_state: dict | None = None


@dataclass
class StepInfo:
    """Handed to the callback after every step; return True from it to stop.

    ``renders`` is ``(B, 3, H, W)``; ``optimizer`` lets a callback checkpoint the run.
    """

    step: int
    steps: int
    loss: float
    drawings: list[Drawing]
    renders: Tensor
    optimizer: torch.optim.Optimizer


def _device(device: str | torch.device) -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def resolve_objective(layer: str | None, channel_index: int | None, objective: Objective | None,
                      *, weights: str | None = "imagenet", device: torch.device | None = None
                      ) -> tuple[Objective, int]:
    """Objective and the views' crop size from either ``objective`` or a layer spec.

    ``layer="vgg16:conv3_3"`` with ``channel_index=None`` is a deep dream of the layer.
    Returns the objective and the input size of the (first) network.
    """
    from vecdream.nets import load_net, parse_layer_spec

    if objective is not None:
        nets = [n for n, _, _ in objective.needs]
        return objective, min((getattr(n, "input_size", 224) for n in nets), default=224)
    if layer is None:
        raise ValueError("optimize_strokes: expected a layer such as 'vgg16:conv3_3' or an "
                         "objective, got neither")
    net_name, layer_name = parse_layer_spec(layer)
    net = load_net(net_name, weights=weights, device=device)
    if channel_index is None:
        return layer_norm(net, layer_name), net.input_size
    return channel(net, layer_name, channel_index), net.input_size


def _initial_drawings(drawing: Drawing | Sequence[Drawing] | None, batch: int, n_paths: int,
                      size: tuple[int, int], width: WidthMode, colors: ColorMode,
                      generator: torch.Generator) -> list[Drawing]:
    if drawing is not None:
        drawings = [drawing] if isinstance(drawing, Drawing) else list(drawing)
        return [d.detach().clone() for d in drawings]
    w0 = width if isinstance(width, (int, float)) else (width[1] + width[2]) / 2
    return [Drawing.random(n_paths, size=size, width=w0, colors=colors is not False,
                           generator=generator) for _ in range(batch)]


def _param_groups(drawings: list[Drawing], colors: ColorMode, width: WidthMode,
                  lr_points: float, lr_colors: float, lr_widths: float) -> list[dict]:
    groups = [{"params": [d.points for d in drawings], "lr": lr_points, "name": "points"}]
    if colors is not False:
        groups.append({"params": [d.stroke for d in drawings], "lr": lr_colors, "name": "stroke"})
    if not isinstance(width, (int, float)):
        groups.append({"params": [d.widths for d in drawings], "lr": lr_widths, "name": "widths"})
    for g in groups:
        for t in g["params"]:
            t.requires_grad_(True)
    return groups


def _check_modes(colors: ColorMode, width: WidthMode, steps: int, views: int,
                 pen: str | float | None = None) -> None:
    if not (colors is False or colors == "free" or not isinstance(colors, (str, bool))):
        raise ValueError(f"colors: expected False, 'free' or a palette list, got {colors!r}")
    if isinstance(width, (int, float)):
        if not (width > 0 and math.isfinite(width)):
            raise ValueError(f"width: expected a positive number, got {width!r}")
    elif not (len(width) == 3 and width[0] == "free" and 0 <= width[1] <= width[2]):
        raise ValueError(f"width: expected a number or ('free', lo, hi), got {width!r}")
    if pen is not None and not isinstance(width, (int, float)):
        raise ValueError(f"pen: expected a fixed width with pen={pen!r} (the pen fixes it), "
                         f"got width={width!r}; drop one of width or pen")
    if steps < 0 or views < 1:
        raise ValueError(f"expected steps >= 0 and views >= 1, got steps={steps}, views={views}")


@torch.no_grad()
def _project(drawings: list[Drawing], width: WidthMode) -> None:
    """Keep parameters valid after each step: points near the canvas, colours in [0, 1]."""
    for d in drawings:
        margin = 0.1 * max(d.size)
        d.points[..., 0].clamp_(-margin, d.size[0] + margin)
        d.points[..., 1].clamp_(-margin, d.size[1] + margin)
        d.stroke.clamp_(0, 1)
        if not isinstance(width, (int, float)):
            d.widths.clamp_(width[1], width[2])


@torch.no_grad()
def _finish(drawings: list[Drawing], colors: ColorMode, prune_alpha: float) -> list[Drawing]:
    """Snap palette colours and drop strokes that ended near-invisible."""
    out = []
    for d in drawings:
        d = d.detach().clone()
        if colors not in (False, "free"):
            pal = torch.as_tensor(colors, dtype=d.stroke.dtype, device=d.device)
            d.stroke[:, :3] = pal[torch.cdist(d.stroke[:, :3], pal).argmin(dim=1)]
        keep = (d.stroke[:, 3] >= prune_alpha) & (d.widths > 0)
        if not bool(keep.all()):
            log.info("pruned %d near-invisible strokes", int((~keep).sum()))
            d = d.select(keep)
        out.append(d)
    return out


def optimize_strokes(
    layer: str | None = "vgg16:conv3_3",
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
) -> Result:
    """Optimize strokes so the rendered drawing minimizes an objective.

    Args:
        layer: ``"net:layer"`` to excite when no ``objective`` is given.
        channel: channel of ``layer`` to excite; None dreams the whole layer.
        objective: any :class:`~vecdream.objectives.Objective` (overrides ``layer``).
        drawing: starting drawing(s); default ``batch`` random-walk drawings.
        n_paths: strokes of a random start.
        size: canvas and render size in pixels, ``int`` or ``(W, H)``.
        steps: Adam steps.
        views: random views per drawing per step.
        augment: view preset (``"seed"``, ``"lucent"``), a callable, or None.
        colors: False (black, fixed), ``"free"`` (RGBA optimized) or a palette
            ``[(r, g, b), ...]`` (optimized, snapped to the palette at the end).
        width: a fixed width, or ``("free", lo, hi)`` to optimize widths in [lo, hi].
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
            (:func:`vecdream.upscale.pen_width_units`), fixed, so the render is the
            plot preview. Needs a fixed ``width`` (a free one raises ``ValueError``).
        page: the page of ``pen`` (``"A4"``, ``"A3"``, ``(w_mm, h_mm)``...).

    Returns:
        :class:`Result` with the optimized drawing(s) and the loss history.
    """
    _check_modes(colors, width, steps, views, pen)
    dev = _device(device)
    objective, crop = resolve_objective(layer, channel, objective, weights=weights, device=dev)
    if colors not in (False, "free"):
        objective = objective + palette(colors)
    wh = (size, size) if isinstance(size, int) else tuple(size)
    generator = make_generator(seed)
    drawings = [d.to(dev) for d in _initial_drawings(
        drawing, batch, n_paths, wh, width, colors, generator)]
    if pen is not None:
        from vecdream.upscale import set_pen_width

        width = set_pen_width(drawings, pen, page)
    view_fn = full_canvas_views(make_views(augment, min(crop, *wh)), views, wh)
    return run_loop(drawings, objective, view_fn, generator, dev, width=width, colors=colors,
                    steps=steps, lrs=(lr_points, lr_colors, lr_widths), milestones=milestones,
                    prune_alpha=prune_alpha, callback=callback, progress=progress,
                    start_step=start_step, optimizer_state=optimizer_state)


def make_generator(seed: int | None) -> torch.Generator:
    """A CPU generator seeded with ``seed``, or from OS entropy when None."""
    generator = torch.Generator()
    if seed is None:
        generator.seed()
    else:
        generator.manual_seed(seed)
    return generator


def full_canvas_views(view_maker: Callable[[Tensor], Tensor], views: int,
                      wh: tuple[int, int]) -> ViewFn:
    """Score the whole canvas: render every drawing at ``wh`` pixels, then take
    ``views`` random views of each render (what :func:`optimize_strokes` does)."""
    def view_fn(drawings: list[Drawing]) -> tuple[Tensor, Tensor]:
        renders = render(drawings, wh[0], wh[1])
        return sample_views(renders, view_maker, views), renders
    return view_fn


def run_loop(drawings: list[Drawing], objective: Objective, view_fn: ViewFn,
             generator: torch.Generator, dev: torch.device, *, width: WidthMode,
             colors: ColorMode, steps: int, lrs: tuple[float, float, float],
             milestones: Sequence[float], prune_alpha: float,
             callback: Callable[[StepInfo], bool | None] | None = None,
             progress: bool = False, start_step: int = 0, optimizer_state: dict | None = None,
             desc: str = "dream") -> Result:
    """The Adam loop shared by :func:`optimize_strokes` and :func:`vecdream.upscale`.

    ``view_fn`` decides what a step scores (the whole render, or windows of a large
    canvas); ``lrs`` are the (points, colours, widths) learning rates in user units.
    Views draw from torch's global RNG (kornia takes no generator): it is seeded from
    ``generator`` inside a fork, so the caller's RNG state is untouched.
    """
    if isinstance(width, tuple):
        for d in drawings:
            d.widths.clamp_(width[1], width[2])
    groups = _param_groups(drawings, colors, width, *lrs)
    optimizer = torch.optim.Adam(groups)
    if optimizer_state is not None:
        optimizer.load_state_dict(optimizer_state)
    base_lrs = [g["lr"] for g in groups]
    history: dict[str, list[float]] = {"loss": []}
    bar = _progress_bar(steps, start_step, desc) if progress else None
    step = start_step
    try:
        with torch.random.fork_rng(devices=[dev] if dev.type == "cuda" else []):
            torch.manual_seed(
                int(torch.randint(0, 2**62, (1,), generator=generator)) + start_step)
            for step in range(start_step + 1, steps + 1):
                halvings = sum(step > m * steps for m in milestones)
                for group, lr in zip(optimizer.param_groups, base_lrs, strict=True):
                    group["lr"] = lr * 0.5**halvings
                loss, renders = _step(drawings, objective, optimizer, view_fn)
                _project(drawings, width)
                history["loss"].append(loss)
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(loss=f"{loss:.4g}")
                if callback is not None and callback(
                        StepInfo(step, steps, loss, drawings, renders, optimizer)):
                    break
    finally:  # an error mid-run must not leave a half-drawn bar under its message
        if bar is not None:
            bar.close()
    final = _finish(drawings, colors, prune_alpha)
    return Result(final[0], final, history, step, objective, optimizer.state_dict())


def _progress_bar(steps: int, start_step: int, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=steps, initial=start_step, desc=desc, unit="step")


def _step(drawings: list[Drawing], objective: Objective, optimizer: torch.optim.Optimizer,
          view_fn: ViewFn) -> tuple[float, Tensor]:
    """One Adam step: render → views → objective → backward → update.

    Returns the loss and the renders ``(B, 3, H, W)`` it was computed on."""
    optimizer.zero_grad(set_to_none=True)
    views, renders = view_fn(drawings)
    ctx = DreamContext(views, renders, drawings, objective.needs)
    loss = objective(ctx)
    loss.backward()
    optimizer.step()
    return loss.item(), renders.detach()
