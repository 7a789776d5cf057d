"""``--medium brush`` for ``vecdream dream`` and ``vecdream paint``: the learned brush.

The commands build their objective as for pen strokes and hand it here; the strokes are
then brush actions painted by the neural painter
(:func:`vecdream.painter.optimize.optimize_brush`), and the outputs are, from the stem
of ``--out x``: ``x.png`` (the painter's render), ``x.json`` (the actions), ``x.svg`` (a
pen-plotter approximation; ``x.pdf`` too with ``--out x.pdf``) and ``x_replay.png`` (the
actions replayed by real libmypaint, when installed, with its PSNR vs ``x.png``).
Options that only mean something for pens are refused with brush, and the other way
round, in one line naming the option. ``paint`` with the pen starts from
:func:`pen_paint_setup`.
"""

from __future__ import annotations

import signal
from pathlib import Path

import click
from click.core import ParameterSource

from vecdream.cli.common import BRUSHES, INTERRUPTED, PAINTER_BRUSHES, Outputs
from vecdream.cli.run import GIF_FRAMES, Recorder

__all__ = ["BRUSH_ONLY", "PEN_ONLY", "brush_options", "check_medium", "pen_paint_setup",
           "run_brush"]

PEN_ONLY = ("paths", "width", "lr_points", "colors", "small_size", "tiles", "finetune_steps",
            "style", "init", "bend", "ink", "prune_every", "min_length", "untangle",
            "snapshot_every", "resume")
"""Options (by parameter name) of pen strokes that ``--medium brush`` refuses."""

BRUSH_ONLY = ("strokes", "cell", "grids", "layers", "brush", "painter", "brush_lr",
              "brush_colour", "reseed")
"""Options that need ``--medium brush``."""

_BRUSH_TWIN = {"lr_points": " (the brush's learning rate is --brush-lr)",
               "paths": " (brush strokes: --strokes per --cell)"}

_BRUSH = [
    click.option("--medium", type=click.Choice(["pen", "brush"]), default="pen",
                 show_default=True,
                 help="pen: Bézier pen strokes; brush: the learned MyPaint brush (neural "
                      "painter), writing OUT.png, OUT.json, OUT.svg and OUT_replay.png."),
    click.option("--strokes", type=click.IntRange(1, 64), default=4, show_default=True,
                 help="Brush: strokes per cell of every grid."),
    click.option("--cell", type=click.IntRange(min=4), default=64, show_default=True,
                 help="Brush: canvas pixels per painter cell (the painter paints 64 px)."),
    click.option("--grids", type=click.IntRange(1, 4), default=2, show_default=True,
                 help="Brush: overlapping grids of cells (shifted so seams vanish)."),
    click.option("--layers", type=click.IntRange(1, 4), default=None,
                 help="Brush: coarse to fine, each layer over the last with cells half as "
                      "wide, the steps shared (default: 2 for paint, 1 for dream)."),
    click.option("--brush", default=None,
                 help=f"Brush: the MyPaint preset: {', '.join(BRUSHES)}. "
                      f"{' and '.join(PAINTER_BRUSHES)} ship their own painter (the others "
                      "paint with classic/pen's); the replay uses the preset (default: "
                      "classic/pen)."),
    click.option("--painter", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                 default=None, help="Brush: neural painter weights (default: the shipped "
                                    "painter of --brush)."),
    click.option("--brush-colour", type=click.Choice(["photo", "learned"]), default=None,
                 help="Brush: photo: each stroke takes the photo's colour under it (the "
                      "alpha-weighted mean, every step) and only its shape is optimized; "
                      "learned: the loss moves colours too (default: photo for paint, "
                      "learned for dream, which has no photo)."),
    click.option("--reseed", type=click.IntRange(0, 10), default=0, show_default=True,
                 help="Brush: times per layer the 10% of strokes with the least paint move "
                      "to where the loss wants change most (its gradient on the canvas)."),
    click.option("--brush-lr", type=click.FloatRange(min=0, min_open=True), default=0.05,
                 show_default=True,
                 help="Brush: learning rate of the actions (1 = a whole cell or colour range)."),
]


def brush_options(fn):
    """Decorate a command with ``--medium`` and the brush's options."""
    for option in reversed(_BRUSH):
        fn = option(fn)
    return fn


def _given(ctx: click.Context, name: str) -> bool:
    return ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE,
                                              ParameterSource.ENVIRONMENT)


def _opt(ctx: click.Context, name: str) -> str:
    return next(p.opts[0] for p in ctx.command.params if p.name == name)


def check_medium(ctx: click.Context, p: dict) -> None:
    """Refuse options of the other medium (``click.UsageError``, one line naming it)."""
    brush = p["medium"] == "brush"
    for name in PEN_ONLY if brush else BRUSH_ONLY:
        if name in p and _given(ctx, name):
            option = _opt(ctx, name)
            if brush:
                hint = _BRUSH_TWIN.get(name, "")
                raise click.UsageError(f"{option} is an option of pen strokes: drop it with "
                                       f"--medium brush{hint}")
            raise click.UsageError(f"{option} needs --medium brush")


def _painter(p: dict):
    from vecdream.painter.model import load_painter

    try:
        brush = p["brush"] if p["brush"] in PAINTER_BRUSHES else None
        if p["brush"] is not None and brush is None and p["painter"] is None:
            click.echo(f"warning: no painter ships for {p['brush']}: painting with "
                       "classic/pen's; the replay uses the preset", err=True)
        return load_painter(p["painter"], device=p["device"], brush=brush)
    except ValueError as exc:
        hint = "'--painter'" if p["painter"] is not None else "'--brush'"
        raise click.BadParameter(str(exc).splitlines()[0], param_hint=hint) from None


def _check_brush(name: str | None) -> None:
    from vecdream.painter import mypaint

    if name is not None and mypaint.mypaint_available() and name not in mypaint.BRUSHES:
        raise click.BadParameter(f"expected one of {', '.join(mypaint.BRUSHES)}, got {name!r}",
                                 param_hint="'--brush'")


def run_brush(p: dict, objective, outputs: Outputs, metadata: dict, *,
              size: tuple[int, int], init_image=None) -> None:
    """Optimize brush actions for ``objective`` and write the brush outputs.

    ``p`` holds the command's options; ``init_image`` ``(3, H, W)`` colours the start
    (``paint``). Ctrl-C stops after the current step and still writes (exit status 130).
    """
    from vecdream.painter.brush_export import save_brush
    from vecdream.painter.optimize import coarse_to_fine

    _check_brush(p["brush"])
    painter = _painter(p)
    if p.get("layers") is None:  # a photo is blocked in, then detailed (BENCHMARKS.md)
        p["layers"] = 2 if init_image is not None else 1
    if p.get("brush_colour") is None:
        p["brush_colour"] = "photo" if init_image is not None else "learned"
    if p["brush_colour"] == "photo" and init_image is None:
        raise click.BadParameter("photo colours need a photo: use it with paint",
                                 param_hint="'--brush-colour'")
    if p["cell"] >> (p["layers"] - 1) < 4:  # each layer halves the cell
        raise click.BadParameter(f"{p['layers']} layers from a {p['cell']} px cell leave cells "
                                 "under 4 px: fewer layers or a larger --cell",
                                 param_hint="'--layers'")
    reseed = p.get("reseed") or 0  # a checkpoint from before --reseed has none
    meta = {**metadata, "medium": "brush", "strokes": p["strokes"], "cell": p["cell"],
            "grids": p["grids"], "layers": p["layers"], "brush_colour": p["brush_colour"],
            "reseed": reseed}
    meta.pop("paths", None)
    recorder = Recorder(outputs, {}, meta,
                        gif_every=max(1, p["steps"] // GIF_FRAMES) if p["gif"] else 0)
    previous = signal.signal(signal.SIGINT, recorder.on_sigint)
    try:
        layers = coarse_to_fine(
            objective, size, layers=p["layers"], painter=painter, cell=p["cell"],
            grids=p["grids"], strokes=p["strokes"], init_image=init_image, steps=p["steps"],
            colour_target=init_image if p["brush_colour"] == "photo" else None,
            views=p["views"], augment=None if p["augment"] == "none" else p["augment"],
            lr=p["brush_lr"], seed=p["seed"], device=p["device"], callback=recorder,
            progress=True, reseed=[k / (reseed + 1) for k in range(1, reseed + 1)])
    except KeyboardInterrupt:
        click.echo("\naborted: nothing written for this run", err=True)
        raise SystemExit(INTERRUPTED) from None
    except (ValueError, RuntimeError) as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from None
    finally:
        signal.signal(signal.SIGINT, previous)
    result, steps = layers[-1], sum(r.steps for r in layers)
    try:
        files = save_brush([r.canvas for r in layers], outputs.svg, image=result.image[0],
                           metadata={**meta, "steps": steps}, brush=p["brush"],
                           pdf=outputs.pdf is not None)
    except (OSError, ValueError, RuntimeError) as exc:  # a full disk, a failed replay...
        raise click.ClickException(str(exc).splitlines()[0]) from None
    written = files.paths
    if p["gif"] is not None and recorder.frames:
        recorder.write_gif(p["gif"])
        written.append(p["gif"])
    loss = [v for r in layers for v in r.history["loss"]]
    if loss:
        click.echo(f"loss {loss[0]:.6g} -> {loss[-1]:.6g} "
                   f"({', '.join(str(r.canvas) for r in layers)})", err=True)
    if files.psnr is not None:
        click.echo(f"replay through libmypaint: PSNR {files.psnr:.2f} dB vs the painter's "
                   "render", err=True)
    status = "stopped" if recorder.stop else "done"
    click.echo(f"{status} at step {steps}: wrote {', '.join(map(str, written))}")
    if recorder.stop:
        raise SystemExit(INTERRUPTED)


def pen_paint_setup(ctx: click.Context, p: dict, image, size: tuple[int, int], kwargs: dict):
    """``paint``'s pen defaults (:func:`vecdream.dream.photo.paint_setup`): edge-laid
    strokes in the photo's colours, free widths, the blurred pixel match beside the
    content loss. An explicit ``--paths`` or ``--width`` still wins; ``p`` records what
    ran (checkpoints resume with it). Returns the start drawing and the extra term."""
    import torch

    from vecdream.cli.options import PAINT_PATHS, parse_width
    from vecdream.dream.pen import resolve_width
    from vecdream.dream.photo import paint_setup

    if ctx.get_parameter_source("paths") == ParameterSource.DEFAULT:
        p["paths"] = PAINT_PATHS
    setup = paint_setup(image, p["paths"], seed=p["seed"])
    if ctx.get_parameter_source("width") == ParameterSource.DEFAULT:
        p["width"] = "free:{:g}:{:g}".format(*setup.width[1:])
    width = kwargs["width"] = resolve_width(parse_width(p["width"]), size)
    start = setup.start
    start.widths = (torch.full_like(start.widths, width) if isinstance(width, float)
                    else start.widths.clamp(width[1], width[2]))
    return start, setup.extra
