"""``vecdream dream`` and ``vecdream paint``: optimization commands of the CLI.

The commands parse options, build an objective and hand snapshots, GIF frames,
checkpoints and Ctrl-C to the library loop as a callback (:mod:`vecdream.cli.run`);
every algorithm lives in the library.

Sizes: ``--size`` is the output canvas in SVG user units (= PNG pixels): its side for
``dream``, its long side for ``paint``. With ``--from S --tiles KxK`` the dream runs at
S px, is tiled and scaled so the tiled canvas's long side is ``--size``, and finetuned
at that size; the output canvas is what ``--size`` says in every mode.
"""

from __future__ import annotations

from pathlib import Path

import click
import torch
from click.core import ParameterSource

from vecdream.cli.common import (
    GRAD_BYTES_PER_PIXEL,
    Outputs,
    check_memory,
    device_option,
    draw_seed,
    net_errors,
    outputs_for,
)
from vecdream.cli.medium import brush_options, check_medium, pen_paint_setup, run_brush
from vecdream.cli.options import (
    BRUSH_PAINT_STEPS,
    DEFAULT_NET,
    DREAM_LAYER,
    PAINT_LAYER,
    apply_style,
    check_colors,
    colors_mode,
    common_options,
    hygiene_kwargs,
    parse_tiles,
    parse_width,
    style_options,
)
from vecdream.cli.resume import load_for_resume, stored_options
from vecdream.cli.run import GIF_FRAMES, Recorder, run
from vecdream.dream.optimize import optimize_strokes
from vecdream.dream.pen import resolve_width

__all__ = ["dream_command", "paint_command"]


def _nets(net: str, weights: str, device: str) -> list:
    from vecdream.nets import canonical_net_name, load_net

    names = [n.strip() for n in net.split(",") if n.strip()]
    try:
        names = [canonical_net_name(n) for n in names]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--net'") from None
    with net_errors():
        return [load_net(n, weights=None if weights == "none" else weights, device=device)
                for n in names]


def _objective(p: dict, size: int):
    """The objective of ``dream``'s options: a class, a channel, or a whole layer."""
    from vecdream.objectives import channel, class_logit, layer_norm

    nets = _nets(p["net"], p["weights"], p["device"])
    if p["class_index"] is not None:
        k = p["class_index"]
        names = nets[0].categories
        click.echo(f"class {k}: {names[k] if names else '(no names for this net)'}", err=True)
        with net_errors():
            return class_logit(nets, k)
    if len(nets) > 1:
        raise click.UsageError("several --net need --class (a class ensemble); "
                               "--layer/--channel take one net")
    net, layer, c = nets[0], p["layer"], p["channel"]
    with net_errors():
        objective = layer_norm(net, layer) if c is None else channel(net, layer, c)
        if c is not None:  # a tiny forward pass says how many channels there are
            s = min(size, net.input_size)
            with torch.no_grad():
                shape = net.features(torch.zeros(1, 3, s, s, device=p["device"]), [layer])[layer]
            if c >= shape.shape[1]:
                raise click.BadParameter(f"channel {c} out of range: layer {layer!r} of "
                                         f"{net.name} has channels 0..{shape.shape[1] - 1}",
                                         param_hint="'--channel'")
    return objective


def _class_label(p: dict) -> str | None:
    if p.get("class_index") is None:
        return None
    from torchvision.models import VGG16_Weights

    return f"{p['class_index']} {VGG16_Weights.IMAGENET1K_V1.meta['categories'][p['class_index']]}"


def _metadata(command: str, p: dict, size: tuple[int, int]) -> dict:
    keys = {"dream": ("net", "layer", "channel"), "paint": ("net", "layer")}[command]
    meta = {"command": command, **{k: p[k] for k in keys}, "class": _class_label(p),
            "seed": p["seed"], "size": f"{size[0]}x{size[1]}", "paths": p["paths"]}
    if p.get("small_size"):
        meta.update({"from": p["small_size"], "tiles": "x".join(map(str, p["tiles"]))})
    if p.get("photo"):
        meta["photo"] = Path(p["photo"]).name
    return meta


def _loop_kwargs(p: dict) -> dict:
    """optimize_strokes / upscale keyword arguments shared by both commands."""
    return {"steps": p["steps"], "views": p["views"], "lr_points": p["lr_points"],
            "augment": None if p["augment"] == "none" else p["augment"],
            "width": parse_width(p["width"]), "seed": p["seed"], "device": p["device"]}


def _recorder(outputs: Outputs, p: dict, command: str, metadata: dict, phase: str,
              gif: bool) -> Recorder:
    options = stored_options(command, p, phase=phase)
    return Recorder(outputs, options, metadata, snapshot_every=p["snapshot_every"],
                    gif_every=max(1, p["steps"] // GIF_FRAMES) if gif else 0)


@click.command("dream")
@click.option("--net", default=DEFAULT_NET, show_default=True,
              help="vgg16, resnet18 or efficientnet_lite0 (ImageNet weights offline); a "
                   "comma-separated ensemble with --class.")
@click.option("--layer", default=None,
              help="Layer to excite (default blocks.4, conv3_3 for vgg16, layer3 for "
                   "resnet18); `vecdream layers NET` lists them.")
@click.option("--channel", type=click.IntRange(min=0), default=None,
              help="Channel of the layer (default: dream the whole layer).")
@click.option("--class", "class_index", type=click.IntRange(0, 999), default=None,
              help="ImageNet class to draw (the nets' logits); not with --layer/--channel.")
@click.option("--colors", default="none", show_default=True, callback=check_colors,
              help="none (black), free, or a palette '#000000,#d62728'.")
@click.option("--from", "small_size", type=click.IntRange(min=8), default=None,
              help="Dream at this size first, then tile (--tiles), scale to --size and "
                   "finetune there (at --lr / 4, where the dream ends).")
@click.option("--tiles", callback=parse_tiles, default=None,
              help="With --from: tile the small dream KxK (e.g. 4x4) before the finetune.")
@click.option("--finetune-steps", type=click.IntRange(min=0), default=None,
              help="With --from: steps of the finetune at --size (default --steps).")
@click.option("--seeds", "seeds_model", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Also look like these seeds: a model from `vecdream seeds train` (its "
                   "discriminator's score joins the objective).")
@click.option("--seeds-weight", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Weight of --seeds next to the network objective.")
@style_options
@common_options
@brush_options
@device_option
@click.pass_context
def dream_command(ctx: click.Context, **p) -> None:
    """Optimize strokes to excite a network's channel, layer or class.

    --size is the output canvas (SVG user units = PNG pixels). With
    --from 256 --tiles 4x4 --size 1024 it dreams at 256 px, tiles the result 4 x 4,
    scales it to a 1024-unit canvas and finetunes it at 1024 px, scored in windows of
    the network's size. --out x.svg|x.pdf|x.png writes x.svg (and x.pdf), x.png and
    x.ckpt; --resume x.ckpt alone goes on with the checkpoint's options.
    --medium brush paints with the learned brush instead (x.png, x.json, x.svg,
    x_replay.png).
    """
    check_medium(ctx, p)
    ckpt = load_for_resume(ctx, "dream", p)
    if ckpt is None:
        apply_style(ctx, p)
    if p["class_index"] is not None and (p["layer"] is not None or p["channel"] is not None):
        raise click.UsageError("--class draws a class from the logits: drop --layer/--channel "
                               "(or drop --class to excite a layer)")
    if p["small_size"] is None and (p["tiles"] is not None or p["finetune_steps"] is not None):
        raise click.UsageError("--tiles and --finetune-steps need --from (the small size)")
    p["seed"] = draw_seed(p["seed"])
    net = p["net"].split(",")[0].strip()
    if p["class_index"] is None and p["layer"] is None:
        p["layer"] = DREAM_LAYER.get(net.lower().replace("-", "_"), "blocks.4")
    outputs = outputs_for(p["out"])
    work = p["small_size"] or p["size"]
    check_memory(work, work, "--from" if p["small_size"] else "--size",
                 bytes_per_pixel=GRAD_BYTES_PER_PIXEL, device=p["device"])
    check_memory(p["size"], p["size"], "--size")
    objective = _objective(p, work)
    if p["seeds_model"] is not None:  # --layer ... + --seeds ...: also look like the seeds
        from vecdream.objectives import discriminator

        try:
            objective = objective + p["seeds_weight"] * discriminator(p["seeds_model"])
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--seeds'") from None
    kwargs = {**_loop_kwargs(p), "objective": objective, "layer": None,
              "colors": colors_mode(p["colors"])}
    meta = _metadata("dream", p, (p["size"], p["size"]))
    click.echo(f"seed {p['seed']}", err=True)
    if p["medium"] == "brush":
        return run_brush(p, objective, outputs, meta, size=(p["size"], p["size"]))
    if p["small_size"] is None:
        recorder = _recorder(outputs, p, "dream", meta, "single", p["gif"] is not None)
        if ckpt is not None:
            recorder.restore(ckpt)
            kwargs.update(drawing=ckpt.drawings, start_step=ckpt.step,
                          optimizer_state=ckpt.optimizer_state)
        run(recorder, optimize_strokes, p["gif"], n_paths=p["paths"], size=p["size"], **kwargs,
            **hygiene_kwargs(p))
    else:
        _dream_large(p, outputs, ckpt, meta, kwargs)


def _dream_large(p: dict, outputs: Outputs, ckpt, meta: dict, kwargs: dict) -> None:
    """``--from``: dream at ``--from`` px (``<out>_small.*``), tile, scale the tiled canvas
    to ``--size`` units and finetune it there (:func:`vecdream.dream.large.upscale`)."""
    from vecdream.dream.large import upscale

    small = Outputs(outputs.sibling("_small.svg"), outputs.sibling("_small.png"))
    small_meta = {**meta, "size": f"{p['small_size']}x{p['small_size']}", "phase": "small"}
    rec = _recorder(small, p, "dream", small_meta, "small", False)
    first = dict(kwargs)
    if ckpt is not None:
        rec.restore(ckpt)
        first.update(drawing=ckpt.drawings, start_step=ckpt.step,
                     optimizer_state=ckpt.optimizer_state)
    result = run(rec, optimize_strokes, None, n_paths=p["paths"], size=p["small_size"], **first,
                 **hygiene_kwargs(p))
    tiles = p["tiles"] or (1, 1)
    factor = p["size"] / (max(tiles) * p["small_size"])  # the tiled canvas's long side: --size
    width = resolve_width(kwargs["width"], (p["small_size"], p["small_size"]))
    kwargs["width"] = (width * factor if isinstance(width, float)
                       else ("free", width[1] * factor, width[2] * factor))
    kwargs["lr_points"] *= 0.25  # the finetune goes on at the dream's final rate
    if p["finetune_steps"] is not None:
        kwargs["steps"] = p["finetune_steps"]
    recorder = _recorder(outputs, {**p, "steps": kwargs["steps"]}, "dream", meta, "large",
                         p["gif"] is not None)  # GIF frames spread over the finetune
    run(recorder, upscale, p["gif"], drawing=[d.scaled(factor) for d in result.drawings],
        tiles=tiles, size=p["size"], **kwargs, **hygiene_kwargs(p))


@click.command("paint")
@click.argument("photo", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--net", default=DEFAULT_NET, show_default=True, help="Network.")
@click.option("--layer", default=None,
              help="Layer whose activations must match the photo's (default blocks.2, "
                   "conv3_3 for vgg16, layer2 for resnet18).")
@common_options
@brush_options
@device_option
@click.pass_context
def paint_command(ctx: click.Context, **p) -> None:
    """Paint a photo with strokes: match a layer's activations (content loss).

    --size is the long side of the output canvas (the photo's aspect ratio).
    --medium brush paints with the learned brush (x.png, x.json, x.svg, x_replay.png).
    """
    from vecdream.dream.photo import BRUSH_PIXEL_WEIGHT, load_photo, paint_pixels
    from vecdream.objectives import content

    if ctx.get_parameter_source("out") == ParameterSource.DEFAULT:
        p["out"] = Path("out/paint.svg")
    check_medium(ctx, p)
    ckpt = load_for_resume(ctx, "paint", p)
    if p["photo"] is None:
        raise click.UsageError("Missing argument 'PHOTO' (or --resume a paint checkpoint)")
    p["seed"] = draw_seed(p["seed"])
    if p["layer"] is None:
        p["layer"] = PAINT_LAYER.get(p["net"].lower().replace("-", "_"), "blocks.2")
    outputs = outputs_for(p["out"])
    check_memory(p["size"], p["size"], "--size", bytes_per_pixel=GRAD_BYTES_PER_PIXEL,
                 device=p["device"])
    try:
        image = load_photo(p["photo"], p["size"])
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'PHOTO'") from None
    (net,) = _nets(p["net"], p["weights"], p["device"])
    with net_errors():
        objective = content(net, p["layer"], image)
    kwargs = _loop_kwargs(p)
    size = (image.shape[2], image.shape[1])
    if p["medium"] == "brush":  # the photo's tones too (BENCHMARKS.md, "Brush medium")
        if ctx.get_parameter_source("steps") == ParameterSource.DEFAULT:
            p["steps"] = BRUSH_PAINT_STEPS
        click.echo(f"seed {p['seed']}", err=True)
        return run_brush(p, objective + paint_pixels(image, BRUSH_PIXEL_WEIGHT), outputs,
                         _metadata("paint", p, size), size=size, init_image=image)
    start, extra = pen_paint_setup(ctx, p, image, size, kwargs)
    objective = objective + extra
    recorder = _recorder(outputs, p, "paint", _metadata("paint", p, size), "single",
                         p["gif"] is not None)
    if ckpt is not None:
        recorder.restore(ckpt)
        start = ckpt.drawings
        kwargs.update(start_step=ckpt.step, optimizer_state=ckpt.optimizer_state)
    click.echo(f"seed {p['seed']}", err=True)
    run(recorder, optimize_strokes, p["gif"], layer=None, objective=objective, drawing=start,
        colors="free", lr_colors=0.02, size=size, **kwargs)
