"""vecdream's commands inside vpype pipelines (entry point ``vpype.plugins``).

``vpype vdread drawing.svg linesort write out.svg`` lays a drawing out on a page as
``vecdream plot`` does (fills and wide strokes hatched at the pen width, hidden lines
removed, colours to the nearest pen, one layer per pen) and hands the layers to the
rest of the pipeline; ``vpype vddream --channel 3 --steps 200 linesort write out.svg``
dreams a drawing first. The lines are not sorted here: the pipeline's own ``linesort``
is the artist's choice. This module imports only click and vpype until a command runs,
since vpype loads every plug-in at start-up.
"""

from __future__ import annotations

import click
import vpype_cli

from vecdream.cli.plot import FILL_CHOICES

__all__ = ["vddream", "vdread"]



def _layout_options(command):
    """The page options shared by both commands (as ``vecdream plot`` spells them)."""
    for option in reversed([
        click.option("--page", default="A4", show_default=True,
                     help="Page: A4, A3, letter, ... or WxH[unit]."),
        click.option("--margin", default="15mm", show_default=True, help="Blank border."),
        click.option("--pen", default="0.5mm", show_default=True, help="Pen width."),
        click.option("--pens", default="black", show_default=True,
                     help="Comma-separated pen colours (names or hex)."),
        click.option("--fill", type=click.Choice(FILL_CHOICES), default="hatch",
                     show_default=True, help="How fills and wide strokes are drawn."),
    ]):
        command = option(command)
    return command


def _add_drawing(document, drawing, page: str, margin: str, pen: str, pens: str, fill: str):
    """Lay ``drawing`` out and add its pen layers to ``document`` (new layer ids)."""
    from vecdream.plot import drawing_to_plot, parse_length
    from vecdream.plot.vpype_io import to_document

    try:
        plot = drawing_to_plot(drawing, page, margin_mm=parse_length(margin),
                               pen_width_mm=parse_length(pen),
                               pens=[p for p in pens.split(",") if p.strip()], fill=fill,
                               sort=False)
    except ValueError as exc:
        raise click.BadParameter(str(exc).splitlines()[0]) from None
    laid_out = to_document(plot)
    for number in sorted(laid_out.layers):
        target = document.free_id()
        document.add(laid_out.layers[number], target, with_metadata=True)
    if document.page_size is None:
        document.page_size = laid_out.page_size
    return document


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@_layout_options
@vpype_cli.global_processor
def vdread(document, file: str, page: str, margin: str, pen: str, pens: str, fill: str):
    """Read a drawing (SVG) as vecdream plots it: hatched fills, one layer per pen."""
    from vecdream.svg import read_svg

    return _add_drawing(document, read_svg(file), page, margin, pen, pens, fill)


@click.command()
@click.option("--layer", default=None, help="net:layer to excite [efficientnet_lite0:blocks.4].")
@click.option("--channel", type=int, default=0, show_default=True, help="Channel to excite.")
@click.option("--paths", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--size", type=click.IntRange(min=16), default=224, show_default=True)
@click.option("--steps", type=click.IntRange(min=1), default=300, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@_layout_options
@vpype_cli.global_processor
def vddream(document, layer: str | None, channel: int, paths: int, size: int, steps: int,
            seed: int, page: str, margin: str, pen: str, pens: str, fill: str):
    """Dream a drawing (vecdream dream's defaults, offline) and add it as pen layers."""
    from vecdream.dream.optimize import DEFAULT_LAYER, optimize_strokes
    from vecdream.dream.styles import STYLES

    clean = {**STYLES["clean"], "n_paths": paths}  # the dream command's look
    result = optimize_strokes(layer or DEFAULT_LAYER, channel, size=size, steps=steps,
                              seed=seed, device="cpu", **clean)
    return _add_drawing(document, result.drawing, page, margin, pen, pens, fill)
