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
    drawing = Drawing.from_svg(svg)
    out = out or svg.with_suffix(".png")
    save_png(drawing, out, width, samples=samples)
    click.echo(f"wrote {out} ({drawing})")
