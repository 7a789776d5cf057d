"""The ``vecdream`` command line: small commands, each over one library call."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from vecdream.drawing import Drawing
from vecdream.export import save_png


def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise click.BadParameter(f"expected WIDTHxHEIGHT such as 256x256, got {text!r}") from None
    if w < 1 or h < 1:
        raise click.BadParameter(f"expected positive sizes, got {text!r}")
    return w, h


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log details.")
def main(verbose: bool) -> None:
    """vecdream: dream in vectors."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@main.command("random")
@click.option("--paths", default=200, show_default=True, help="Number of strokes.")
@click.option("--size", default="256x256", show_default=True, help="Canvas WIDTHxHEIGHT.")
@click.option("--width", "stroke_width", default=1.0, show_default=True, help="Stroke width.")
@click.option("--colors", is_flag=True, help="Random RGBA strokes instead of black.")
@click.option("--seed", type=int, default=None, help="Random seed.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("out/random.svg"), show_default=True, help="Output SVG (+ PNG).")
def random_command(paths: int, size: str, stroke_width: float, colors: bool, seed: int | None,
                   out: Path) -> None:
    """Write a random-walk drawing as SVG and PNG."""
    drawing = Drawing.random(paths, size=_parse_size(size), width=stroke_width, colors=colors,
                             seed=seed)
    drawing.save_svg(out)
    save_png(drawing, out.with_suffix(".png"))
    click.echo(f"wrote {out} and {out.with_suffix('.png')} ({drawing})")


@main.command("render")
@click.argument("svg", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output PNG (default: next to the SVG).")
@click.option("--width", type=int, default=None, help="Pixel width (default: viewBox width).")
@click.option("--samples", default=1, show_default=True, help="Supersampling per axis.")
def render_command(svg: Path, out: Path | None, width: int | None, samples: int) -> None:
    """Render an SVG file to PNG with vecdream's renderer."""
    try:
        drawing = Drawing.from_svg(svg)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    out = out or svg.with_suffix(".png")
    save_png(drawing, out, width, samples=samples)
    click.echo(f"wrote {out} ({drawing})")


def _plot_option(kind: str):
    """A click callback converting a length (``0.5mm``, ``0.05in``, ``15``), page or pen list."""
    def convert(_ctx: click.Context, _param: click.Parameter, value: str | None):
        from vecdream.plot import page_size, parse_length, parse_pens

        if value is None:
            return None
        try:
            if kind == "length":
                return parse_length(value)
            if kind == "page":
                page_size(value)
                return value
            names = [p.strip() for p in value.split(",") if p.strip()]
            parse_pens(names)
            return names
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return convert


@main.command("plot")
@click.argument("drawing_svg", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--page", default="A4", show_default=True, callback=_plot_option("page"),
              help="A4, A3, A5, letter, ... or WxH[unit] such as 300x200mm.")
@click.option("--pen", "pen_mm", default="0.5mm", show_default=True,
              callback=_plot_option("length"), help="Pen width (mm unless a unit is given).")
@click.option("--margin", "margin_mm", default="15mm", show_default=True,
              callback=_plot_option("length"), help="Blank border on every side.")
@click.option("--pens", default="black", show_default=True, callback=_plot_option("pens"),
              help="Comma-separated pen colours (names or hex); one layer per used pen.")
@click.option("--orientation", type=click.Choice(["auto", "portrait", "landscape"]),
              default="auto", show_default=True, help="Page orientation.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Plotter SVG (default: <name>.plot.svg next to the drawing).")
@click.option("--preview", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write a PNG preview of the page at the real pen width.")
@click.option("--dpi", type=click.FloatRange(min=1), default=100, show_default=True,
              help="Preview resolution.")
@click.option("--travel", is_flag=True, help="Show pen-up moves in the preview.")
@click.option("--estimate", is_flag=True, help="Print ink, travel, lifts and plot time.")
@click.option("--axidraw", is_flag=True, help="Plot it now with pyaxidraw.")
@click.option("--layer", type=click.IntRange(min=1), default=None,
              help="With --axidraw: plot only this layer number.")
@click.option("--model", type=int, default=None, help="pyaxidraw model (2 = V3/A3, SE/A3).")
def plot_command(drawing_svg: Path, page: str, pen_mm: float, margin_mm: float, pens: list[str],
                 orientation: str, out: Path | None, preview: Path | None, dpi: float,
                 travel: bool, estimate: bool, axidraw: bool, layer: int | None,
                 model: int | None) -> None:
    """Write a pen-plotter SVG: mm page, one layer per pen, merged and sorted paths."""
    from vecdream import plot as vp
    from vecdream.atomic import atomic_write_bytes

    if layer is not None and not axidraw:
        raise click.BadParameter("--layer needs --axidraw", param_hint="--layer")
    out = out or drawing_svg.with_suffix(".plot.svg")
    try:
        plot = vp.drawing_to_plot(Drawing.from_svg(drawing_svg), page, margin_mm=margin_mm,
                                  pen_width_mm=pen_mm, pens=pens, orientation=orientation)
        atomic_write_bytes(out, vp.plot_to_svg(plot).encode("utf-8"))
        click.echo(f"wrote {out} ({plot})")
        if preview is not None:
            vp.preview_png(plot, preview, dpi=dpi, show_travel=travel)
            click.echo(f"wrote {preview}")
        if estimate:
            click.echo(vp.format_stats(vp.plot_stats(plot)))
            try:
                seconds = vp.axidraw_estimate(out, model=model)
                click.echo(f"pyaxidraw estimate: {vp.format_duration(seconds)}")
            except vp.AxiDrawUnavailable:
                pass
        if axidraw:
            vp.plot_with_axidraw(out, layer=layer, model=model, progress=click.echo)
    except (ValueError, OSError, ImportError, RuntimeError) as exc:
        raise click.ClickException(str(exc).splitlines()[0] if str(exc) else repr(exc)) from None


def _register_dream_commands() -> None:
    from vecdream.cli_dream import dream_command, paint_command

    main.add_command(dream_command)
    main.add_command(paint_command)


_register_dream_commands()
