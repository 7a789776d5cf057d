"""``vecdream dream`` and ``vecdream paint``: optimization commands of the CLI.

The commands only parse options, build an objective and hand progress, snapshots,
GIF frames, checkpoints and Ctrl-C to :func:`vecdream.optimize.optimize_strokes` as a
callback; every algorithm lives in the library.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click
import numpy as np
import torch

from vecdream.atomic import atomic_write_bytes
from vecdream.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from vecdream.export import save_png
from vecdream.optimize import Result, StepInfo, optimize_strokes
from vecdream.photo import load_photo, photo_start

__all__ = ["dream_command", "paint_command"]

_GIF_FRAMES = 60


def _parse_colors(text: str) -> bool | str | list[tuple[float, float, float]]:
    if text in ("none", "black"):
        return False
    if text == "free":
        return "free"
    palette = []
    for item in text.split(","):
        h = item.strip().lstrip("#")
        if len(h) != 6 or any(c not in "0123456789abcdefABCDEF" for c in h):
            raise click.BadParameter(
                f"expected 'none', 'free' or hex colours like '#000000,#d62728', got {text!r}")
        palette.append(tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)))
    return palette


def _parse_width(text: str) -> float | tuple[str, float, float]:
    try:
        if text.startswith("free"):
            _, lo, hi = text.split(":")
            width: float | tuple[str, float, float] = ("free", float(lo), float(hi))
            ok = 0 <= width[1] <= width[2]
        else:
            width = float(text)
            ok = width > 0
    except ValueError:
        ok = False
    if not ok:
        raise click.BadParameter(
            f"expected a positive number or 'free:LO:HI' with 0 <= LO <= HI, got {text!r}")
    return width


@dataclass
class _Recorder:
    """The CLI's callback: snapshots, GIF frames, checkpoints and graceful Ctrl-C."""

    out: Path
    options: dict
    snapshot_every: int = 0
    gif_every: int = 0
    frames: list[np.ndarray] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)  # whole run, resumed steps included
    stop: bool = False

    def __call__(self, info: StepInfo) -> bool:
        self.losses.append(info.loss)
        if self.gif_every and (info.step % self.gif_every == 0 or info.step == 1):
            self.frames.append((info.renders[0].permute(1, 2, 0).clamp(0, 1).cpu().numpy()
                                * 255).astype(np.uint8))
        if self.snapshot_every and info.step % self.snapshot_every == 0:
            snap = self.out.parent / f"{self.out.stem}_snapshots" / f"step_{info.step:05d}.svg"
            info.drawings[0].detach().save_svg(snap)
            save_checkpoint(Checkpoint([d.detach() for d in info.drawings], info.step,
                                       info.optimizer.state_dict(),
                                       {"loss": list(self.losses)}, self.options),
                            self.out.with_suffix(".ckpt"))
        return self.stop

    def on_sigint(self, _signum, _frame) -> None:
        if self.stop:  # a second Ctrl-C quits at once
            raise KeyboardInterrupt
        self.stop = True
        click.echo("\nstopping after this step (Ctrl-C again to quit now)...", err=True)

    def write_gif(self, path: Path) -> None:
        import imageio.v3 as iio

        atomic_write_bytes(path, iio.imwrite("<bytes>", self.frames, extension=".gif",
                                             duration=80, loop=0))


def _run(recorder: _Recorder, gif: Path | None, resume: Path | None, *,
         optimize: Callable[..., Result] | None = None, **kwargs) -> Result:
    """Run ``optimize`` (default optimize_strokes) with Ctrl-C handling; write every output."""
    if resume is not None:
        try:
            ckpt = load_checkpoint(resume)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        kwargs.update(drawing=ckpt.drawings, start_step=ckpt.step,
                      optimizer_state=ckpt.optimizer_state)
        recorder.losses = list(ckpt.history.get("loss", []))
        click.echo(f"resuming at step {ckpt.step}", err=True)
    previous = signal.signal(signal.SIGINT, recorder.on_sigint)
    try:
        run = optimize_strokes if optimize is None else optimize
        result = run(callback=recorder, progress=True, **kwargs)
    except (ValueError, RuntimeError, ImportError) as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from None
    finally:
        signal.signal(signal.SIGINT, previous)
    out = recorder.out
    result.drawing.save_svg(out)
    save_png(result.drawing, out.with_suffix(".png"))
    save_checkpoint(Checkpoint(result.drawings, result.steps, result.optimizer_state,
                               {"loss": recorder.losses}, recorder.options),
                    out.with_suffix(".ckpt"))
    if gif is not None and recorder.frames:
        recorder.write_gif(gif)
    status = "stopped" if recorder.stop else "done"
    click.echo(f"{status} at step {result.steps}: wrote {out}, {out.with_suffix('.png')}, "
               f"{out.with_suffix('.ckpt')}" + (f", {gif}" if gif else ""))
    return result


def _objective(net: str, layer: str | None, channel: int | None, class_index: int | None,
               weights: str):
    """Build the objective for ``dream`` from its options (None: use layer/channel)."""
    if class_index is None:
        return None
    from vecdream.nets import load_net
    from vecdream.objectives import class_logit

    nets = [load_net(n.strip(), weights=None if weights == "none" else weights)
            for n in net.split(",")]
    return class_logit(nets, class_index)


_COMMON = [
    click.option("--paths", type=click.IntRange(min=1), default=200, show_default=True,
                 help="Number of strokes."),
    click.option("--size", type=click.IntRange(min=8), default=224, show_default=True,
                 help="Canvas and render size in pixels."),
    click.option("--steps", type=click.IntRange(min=0), default=500, show_default=True),
    click.option("--views", type=click.IntRange(min=1), default=8, show_default=True,
                 help="Random views per step."),
    click.option("--augment", type=click.Choice(["seed", "lucent", "none"]), default="seed",
                 show_default=True, help="View preset."),
    click.option("--width", "width", default="1.0", show_default=True,
                 help="Stroke width, or free:LO:HI to optimize it."),
    click.option("--lr", "lr_points", type=float, default=1.0, show_default=True,
                 help="Learning rate of the points (pixels)."),
    click.option("--weights", default="imagenet", show_default=True,
                 help="imagenet, none (untrained) or a .pth file."),
    click.option("--seed", type=int, default=None, help="Random seed (reproducible on CPU)."),
    click.option("--device", default="auto", show_default=True),
    click.option("--gif", type=click.Path(dir_okay=False, path_type=Path), default=None,
                 help="Also write an animation of the optimization."),
    click.option("--snapshot-every", type=click.IntRange(min=0), default=0,
                 help="Write an SVG snapshot and a checkpoint every N steps."),
    click.option("--resume", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                 default=None, help="Continue from a .ckpt file."),
]


def _common(fn):
    for option in reversed(_COMMON):
        fn = option(fn)
    return fn


def _settings(options: dict) -> tuple[_Recorder, dict]:
    """Split CLI options into the recorder and optimize_strokes keyword arguments."""
    out = options.pop("out")
    steps = options["steps"]
    recorder = _Recorder(out, {k: (str(v) if isinstance(v, Path) else v)
                               for k, v in options.items()},
                         snapshot_every=options.pop("snapshot_every"),
                         gif_every=max(1, steps // _GIF_FRAMES) if options["gif"] else 0)
    options["width"] = _parse_width(options["width"])
    options["augment"] = None if options["augment"] == "none" else options["augment"]
    options["n_paths"] = options.pop("paths")
    weights = options.pop("weights")
    options["weights"] = None if weights == "none" else weights
    return recorder, options


def _parse_tiles(_ctx, _param, text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        kx, ky = (int(v) for v in text.lower().split("x"))
    except ValueError:
        kx = ky = 0
    if kx < 1 or ky < 1:
        raise click.BadParameter(f"expected KxK such as 4x4 or 4x3, got {text!r}")
    return kx, ky


def _dream_large(recorder: _Recorder, gif: Path | None, resume: Path | None, small_size: int,
                 tiles: tuple[int, int], finetune_steps: int | None, size: int,
                 kwargs: dict) -> None:
    """``--from``: dream at ``small_size`` (written as ``<out>_small.svg``), then tile and
    finetune at ``size`` (:func:`vecdream.upscale.upscale`) into ``<out>``."""
    from vecdream.upscale import upscale

    small_out = recorder.out.with_name(recorder.out.stem + "_small.svg")
    small_rec = _Recorder(small_out, recorder.options, snapshot_every=recorder.snapshot_every)
    small = _run(small_rec, None, resume, size=small_size, **kwargs)
    if small_rec.stop:
        return
    kwargs.pop("n_paths")
    kwargs["lr_points"] *= 0.25  # the finetune goes on at the dream's final rate
    if finetune_steps is not None:
        kwargs["steps"] = finetune_steps
    _run(recorder, gif, None, optimize=upscale, drawing=small.drawings, tiles=tiles, size=size,
         **kwargs)


@click.command("dream")
@click.option("--net", default="vgg16", show_default=True,
              help="Network, or a comma-separated ensemble with --class.")
@click.option("--layer", default="conv3_3", show_default=True, help="Layer to excite.")
@click.option("--channel", type=click.IntRange(min=0), default=None,
              help="Channel of the layer (default: dream the whole layer).")
@click.option("--class", "class_index", type=click.IntRange(0, 999), default=None,
              help="ImageNet class to draw (uses the nets' logits).")
@click.option("--colors", default="none", show_default=True,
              help="none (black), free, or a palette '#000000,#d62728'.")
@click.option("--from", "small_size", type=click.IntRange(min=8), default=None,
              help="Dream at this size first, then tile (--tiles) and finetune at --size "
                   "(at --lr / 4, where the dream ends).")
@click.option("--tiles", callback=_parse_tiles, default=None,
              help="With --from: tile the small dream KxK (e.g. 4x4) before the finetune.")
@click.option("--finetune-steps", type=click.IntRange(min=0), default=None,
              help="With --from: steps of the finetune at --size (default --steps).")
@_common
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("out/dream.svg"), show_default=True, help="Output SVG (+ PNG, .ckpt).")
def dream_command(net: str, layer: str, channel: int | None, class_index: int | None,
                  colors: str, small_size: int | None, tiles: tuple[int, int] | None,
                  finetune_steps: int | None, **options) -> None:
    """Optimize strokes to excite a network's channel, layer or class.

    With ``--from 256 --tiles 4x4 --size 1024`` it dreams at 256 px, tiles the result
    4 x 4 and finetunes it at 1024 px, scored in windows of the network's size.
    """
    recorder, kwargs = _settings(dict(options))
    gif, resume = kwargs.pop("gif"), kwargs.pop("resume")
    try:
        objective = _objective(net, layer, channel, class_index, options["weights"])
    except (ValueError, RuntimeError, ImportError) as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from None
    kwargs.update(layer=f"{net}:{layer}", channel=channel, objective=objective,
                  colors=_parse_colors(colors))
    size = kwargs.pop("size")
    if small_size is not None:
        _dream_large(recorder, gif, resume, small_size, tiles or (1, 1), finetune_steps, size,
                     kwargs)
    elif tiles is not None or finetune_steps is not None:
        raise click.UsageError("--tiles and --finetune-steps need --from (the small size)")
    else:
        _run(recorder, gif, resume, size=size, **kwargs)


def _photo(path: Path, long_side: int) -> torch.Tensor:
    try:
        return load_photo(path, long_side)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("paint")
@click.argument("photo", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--net", default="vgg16", show_default=True, help="Network.")
@click.option("--layer", default="conv3_3", show_default=True,
              help="Layer whose activations must match the photo's.")
@_common
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("out/paint.svg"), show_default=True, help="Output SVG (+ PNG, .ckpt).")
def paint_command(photo: Path, net: str, layer: str, **options) -> None:
    """Paint a photo with strokes: match a layer's activations (content loss)."""
    from vecdream.nets import load_net
    from vecdream.objectives import content

    recorder, kwargs = _settings(dict(options))
    gif, resume = kwargs.pop("gif"), kwargs.pop("resume")
    image = _photo(photo, kwargs.pop("size"))
    try:
        objective = content(load_net(net, weights=kwargs.pop("weights")), layer, image)
    except (ValueError, RuntimeError, ImportError) as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from None
    width = kwargs["width"]
    start = photo_start(image, kwargs.pop("n_paths"),
                        width=width if isinstance(width, float) else width[2] / 2,
                        seed=kwargs["seed"])
    _run(recorder, gif, resume, layer=None, objective=objective, drawing=start, colors="free",
         lr_colors=0.02, size=(image.shape[2], image.shape[1]), **kwargs)
