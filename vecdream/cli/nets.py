"""``vecdream layers NET`` and ``vecdream channels NET LAYER``: discover what to dream.

``layers`` lists the layers worth dreaming with their channel count and activation
size at 224 px (an untrained net's dummy forward: shapes need no weights).
``channels`` dreams a range of channels of one layer as small drawings in one batch and
writes a labelled contact sheet, each tile's SVG kept beside it.
"""

from __future__ import annotations

from pathlib import Path

import click

from vecdream.cli.common import (
    GRAD_BYTES_PER_PIXEL,
    INTERRUPTED,
    check_memory,
    device_option,
    draw_seed,
    net_errors,
    ray_option,
)

__all__ = ["channels_command", "layers_command"]


def _net(name: str, weights: str | None, device: str = "cpu"):
    from vecdream.nets import canonical_net_name, load_net

    try:
        name = canonical_net_name(name)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'NET'") from None
    with net_errors():
        return load_net(name, weights=None if weights in (None, "none") else weights,
                        device=device)


def _shape_text(shape: tuple[int, ...]) -> tuple[str, str]:
    return str(shape[0]), ("x".join(map(str, shape[1:])) if len(shape) > 1 else "(vector)")


@click.command("layers")
@click.argument("net")
def layers_command(net: str) -> None:
    """List NET's layers to dream: channel count and activation size at 224 px.

    NET: efficientnet_lite0, vgg16 or resnet18."""
    from vecdream.cli.options import DREAM_LAYER
    from vecdream.dream.channels import layer_shapes

    model = _net(net, None)
    shapes = layer_shapes(model, size=224)
    width = max(len(n) for n in shapes)
    default = DREAM_LAYER.get(model.name)
    click.echo(f"{model.name}: {len(shapes)} layers (channels, height x width at 224 px)")
    for name, shape in shapes.items():
        channels, spatial = _shape_text(shape)
        mark = "  (dream default)" if name == default else ""
        click.echo(f"  {name:<{width}}  {channels:>5}  {spatial}{mark}")


def _parse_range(text: str) -> tuple[int, int]:
    try:
        a, b = (int(v) for v in text.split(":"))
    except ValueError:
        a, b = 0, -1
    if not 0 <= a < b:
        raise click.BadParameter(f"expected START:STOP with 0 <= START < STOP such as 0:64, "
                                 f"got {text!r}", param_hint="'--range'")
    return a, b


@click.command("channels")
@click.argument("net")
@click.argument("layer")
@click.option("--range", "span", default="0:16", show_default=True,
              help="Channels START:STOP (STOP excluded), e.g. 0:64.")
@click.option("--size", type=click.IntRange(min=16), default=64, show_default=True,
              help="Side of each tile's canvas (user units = px).")
@click.option("--steps", type=click.IntRange(min=0), default=50, show_default=True)
@click.option("--paths", type=click.IntRange(min=1), default=30, show_default=True,
              help="Strokes per tile.")
@click.option("--views", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--width", type=click.FloatRange(min=0, min_open=True), default=1.0,
              show_default=True, help="Stroke width in user units.")
@click.option("--weights", default="imagenet", show_default=True,
              help="imagenet, none (untrained) or a .pth file.")
@click.option("--seed", type=int, default=None, help="Random seed (default: drawn, recorded).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("out/channels.png"), show_default=True,
              help="Contact sheet .png; tiles go to <stem>_tiles/channel_NNN.svg.")
@click.option("--all", "all_channels", is_flag=True, help="Every channel of LAYER (not --range).")
@ray_option("Chunks")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Local processes for chunks of channels (1: one batch, here).")
@click.option("--chunk", type=click.IntRange(min=1), default=8, show_default=True,
              help="Channels per task with --ray/--workers.")
@device_option
def channels_command(net: str, layer: str, span: str, size: int, steps: int, paths: int,
                     views: int, width: float, weights: str, seed: int | None, out: Path,
                     all_channels: bool, ray_address: str | None, workers: int, chunk: int,
                     device: str) -> None:
    """Dream channels of LAYER in one batch and write a labelled contact sheet.

    NET: efficientnet_lite0, vgg16 or resnet18; LAYER: one that `vecdream layers NET`
    lists. With --ray or --workers the channels run as a resumable batch job in chunks
    (give --seed to resume: a rerun skips the chunks already written)."""
    from vecdream.atomic import atomic_write_bytes
    from vecdream.dream.channels import contact_sheet, dream_channels, layer_shapes
    from vecdream.export import image_to_png_bytes
    from vecdream.render import render

    if out.suffix.lower() != ".png":
        raise click.BadParameter(f"expected a file name ending in .png, got {str(out)!r}",
                                 param_hint="'--out'")
    start, stop = _parse_range(span)
    model = _net(net, weights, device)
    with net_errors(layer_hint="'LAYER'"):
        n_channels = layer_shapes(model, [layer], size=size, device=device)[layer][0]
    if all_channels:
        start, stop, span = 0, n_channels, f"0:{n_channels}"
    if stop > n_channels:
        raise click.BadParameter(f"layer {layer!r} of {model.name} has channels "
                                 f"0..{n_channels - 1}, got {span!r}", param_hint="'--range'")
    channels = list(range(start, stop))
    check_memory(size, size, "--size", images=len(channels) * (1 + views),
                 bytes_per_pixel=GRAD_BYTES_PER_PIXEL, device=device)
    seed = draw_seed(seed)
    click.echo(f"dreaming {len(channels)} channels of {model.name}:{layer} (seed {seed})",
               err=True)
    meta = {"command": "channels", "net": model.name, "layer": layer, "steps": steps,
            "seed": seed, "size": f"{size}x{size}", "paths": paths}
    tiles = out.with_name(out.stem + "_tiles")
    if ray_address is not None or workers > 1:
        _channels_job(model.name, weights, layer, channels, tiles, out, span, meta,
                      dict(size=size, steps=steps, paths=paths, views=views, width=width,
                           seed=seed, chunk=chunk, ray=ray_address, workers=workers))
        return
    try:
        drawings = dream_channels(model, layer, channels, size=size, steps=steps,
                                  n_paths=paths, views=views, width=width, seed=seed,
                                  device=device, progress=True)
    except KeyboardInterrupt:  # Ctrl-C: the shell's status for it, no traceback
        click.echo("\naborted: nothing written", err=True)
        raise SystemExit(INTERRUPTED) from None
    for c, drawing in zip(channels, drawings, strict=True):
        drawing.save_svg(tiles / f"channel_{c:03d}.svg", metadata={**meta, "channel": c})
    images = render([d.detach() for d in drawings])
    sheet = contact_sheet(images, [f"ch {c}" for c in channels])
    atomic_write_bytes(out, image_to_png_bytes(sheet, metadata={**meta, "channels": span}))
    click.echo(f"wrote {out} and {len(channels)} SVG tiles in {tiles}")


def _channels_job(net: str, weights: str, layer: str, channels: list[int], tiles: Path,
                  out: Path, span: str, meta: dict, options: dict) -> None:
    """The --ray/--workers path: chunks as a batch job, then the sheet from all tiles."""
    from vecdream.atomic import atomic_write_bytes
    from vecdream.drawing import Drawing
    from vecdream.dream.channels import contact_sheet
    from vecdream.dream.channels_job import run_channels_job
    from vecdream.export import image_to_png_bytes
    from vecdream.render import render

    try:
        report = run_channels_job(net, None if weights == "none" else weights, layer, channels,
                                  tiles, meta=meta, progress=True, **options)
    except RuntimeError as exc:  # e.g. Ray missing or unreachable
        raise click.ClickException(str(exc).splitlines()[0]) from None
    for key, error in report.failed.items():
        click.echo(f"failed: chunk {key.rsplit(':', 1)[-1]}: {error}", err=True)
    done = [c for c in channels if (tiles / f"channel_{c:03d}.svg").is_file()]
    if done:
        images = render([Drawing.from_svg(tiles / f"channel_{c:03d}.svg") for c in done])
        sheet = contact_sheet(images, [f"ch {c}" for c in done])
        atomic_write_bytes(out, image_to_png_bytes(sheet, metadata={**meta, "channels": span}))
    click.echo(f"wrote {out if done else 'no sheet'} and {len(done)} SVG tiles in {tiles} "
               f"({report.backend}"
               + (f", {len(report.skipped)} chunks already done" if report.skipped else "")
               + ")")
    if report.failed:
        raise click.ClickException(f"{len(report.failed)} chunks failed after retries; "
                                   f"rerun to retry them")
