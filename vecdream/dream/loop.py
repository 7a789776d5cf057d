"""The Adam loop shared by the optimizers, and what it takes and returns.

:func:`run_loop` is pure: it returns a :class:`Result`; snapshots, GIF frames, progress
bars and Ctrl-C handling are callbacks supplied by the caller (the CLI). What a step
scores is a :data:`ViewFn`: :func:`vecdream.dream.optimize.optimize_strokes` renders the
whole canvas, :func:`vecdream.dream.large.upscale` renders windows of a large one.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.dream.reseed import Reseed
from vecdream.objectives import DreamContext, Objective, channel, layer_norm

__all__ = [
    "ColorMode", "Result", "StepInfo", "ViewFn", "WidthMode", "channels_last", "check_modes",
    "make_generator", "resolve_device", "resolve_objective", "run_loop",
]

log = logging.getLogger(__name__)

ColorMode = bool | str | Sequence[Sequence[float]]
"""``False`` (black, fixed), ``"free"`` (RGBA optimized) or a palette ``[(r, g, b), ...]``."""
WidthMode = float | str | tuple[str, float, float]
"""A fixed stroke width (user units, or ``"0.9%"``: a share of the canvas's mean side),
or ``("free", lo, hi)`` to optimize widths within ``[lo, hi]`` units."""
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


def resolve_device(device: str | torch.device) -> torch.device:
    """``"auto"`` (CUDA when available) or any ``torch.device`` spec."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"device: expected 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}"
                         ) from None


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


def check_modes(colors: ColorMode, width: WidthMode, steps: int, views: int,
                 pen: str | float | None = None) -> None:
    """Validate the options shared by every driver; ``ValueError`` names the bad one."""
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


def channels_last(objective: Objective) -> None:
    """Store the convolution weights of the objective's networks channels-last, in place.

    Why: on CPU, oneDNN runs NHWC convolutions (and EfficientNet's depthwise ones
    above all) about 1.3-1.5x faster forward and backward, and a conv with NHWC
    weights runs NHWC whatever its input. Only the memory layout changes: values and
    gradients agree to float rounding (~1e-7 relative), and two runs on one machine
    still agree bit for bit. Idempotent; modules without 4-D weights are untouched.
    """
    for net, _, _ in objective.needs:
        module = getattr(net, "backbone", net)
        if isinstance(module, torch.nn.Module) and not getattr(module, "_vd_nhwc", False):
            for m in module.modules():
                if isinstance(m, torch.nn.Conv2d):
                    m.weight.data = m.weight.data.contiguous(memory_format=torch.channels_last)
            module._vd_nhwc = True


def make_generator(seed: int | None) -> torch.Generator:
    """A CPU generator seeded with ``seed``, or from OS entropy when None."""
    generator = torch.Generator()
    if seed is None:
        generator.seed()
    else:
        generator.manual_seed(seed)
    return generator


def run_loop(drawings: list[Drawing], objective: Objective, view_fn: ViewFn,
             generator: torch.Generator, dev: torch.device, *, width: WidthMode,
             colors: ColorMode, steps: int, lrs: tuple[float, float, float],
             milestones: Sequence[float], prune_alpha: float,
             callback: Callable[[StepInfo], bool | None] | None = None,
             progress: bool = False, start_step: int = 0, optimizer_state: dict | None = None,
             desc: str = "dream", reseed: Reseed | None = None,
             lr_factors: Sequence[float] | None = None) -> Result:
    """The Adam loop shared by :func:`~vecdream.dream.optimize.optimize_strokes` and
    :func:`~vecdream.dream.large.upscale`.

    ``view_fn`` decides what a step scores (the whole render, or windows of a large
    canvas); ``lrs`` are the (points, colours, widths) learning rates in user units.
    Views draw from torch's global RNG (kornia takes no generator): it is seeded from
    ``generator`` inside a fork, so the caller's RNG state is untouched. ``reseed``
    prunes and re-seeds strokes on its steps (:mod:`vecdream.dream.reseed`), drawing from a
    generator seeded from ``(seed, step)`` so a resumed run does what the full one did.
    ``lr_factors[k]`` multiplies the learning rates once ``k + 1`` milestones are passed
    (default: halved at each).
    """
    if isinstance(width, tuple):
        for d in drawings:
            d.widths.clamp_(width[1], width[2])
    if dev.type == "cpu":
        channels_last(objective)
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
            base = int(torch.randint(0, 2**62, (1,), generator=generator))
            for step in range(start_step + 1, steps + 1):
                # Step k's views depend on (seed, k) only: a run resumed at any step
                # draws the views the uninterrupted run drew (bit-for-bit on CPU).
                torch.manual_seed(base + step)
                passed = sum(step > m * steps for m in milestones)
                factor = (1.0 if passed == 0 else 0.5**passed if lr_factors is None
                          else lr_factors[passed - 1])
                for group, lr in zip(optimizer.param_groups, base_lrs, strict=True):
                    group["lr"] = lr * factor
                probe = reseed is not None and reseed.due(step, steps)
                loss, renders, pixel_grad = _step(drawings, objective, optimizer, view_fn,
                                                  probe, colors is False)
                _project(drawings, width)
                if probe:
                    reseed.apply(drawings, pixel_grad, optimizer,
                                  torch.Generator().manual_seed((base + step) % 2**63))
                    _unprobe(drawings, colors is False)
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
          view_fn: ViewFn, probe: bool = False, fixed_colors: bool = True
          ) -> tuple[float, Tensor, Tensor | None]:
    """One Adam step: render → views → objective → backward → update.

    With ``probe`` the backward also fills ``d.stroke.grad`` (each stroke's worth) and
    the loss gradient on the renders, for :class:`~vecdream.dream.reseed.Reseed`; the
    forward computation, and so the step, is unchanged.
    Returns the loss, the renders ``(B, 3, H, W)`` it was computed on and that gradient
    (None without ``probe``, or when the renders are not what was scored)."""
    optimizer.zero_grad(set_to_none=True)
    if probe and fixed_colors:
        for d in drawings:
            d.stroke.requires_grad_(True)
    views, renders = view_fn(drawings)
    if probe and renders.requires_grad:
        renders.retain_grad()
    ctx = DreamContext(views, renders, drawings, objective.needs)
    loss = objective(ctx)
    loss.backward()
    optimizer.step()
    return loss.item(), renders.detach(), renders.grad if probe else None


def _unprobe(drawings: list[Drawing], fixed_colors: bool) -> None:
    """Undo what a probe step turned on for colours the optimizer does not own."""
    if fixed_colors:
        for d in drawings:
            d.stroke.grad = None
            d.stroke.requires_grad_(False)
