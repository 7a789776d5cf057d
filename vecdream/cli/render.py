"""``vecdream random`` and ``vecdream render``: drawings to files, no optimization."""

from __future__ import annotations

from pathlib import Path

import click

from vecdream.cli.common import Outputs, check_memory, draw_seed, out_callback, write_drawing
from vecdream.cli.inputs import SvgFile, read_drawing

__all__ = ["random_command", "render_command"]


def _parse_size(_ctx, _param, text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise click.BadParameter(f"expected WIDTHxHEIGHT such as 256x256, got {text!r}") from None
    if w < 1 or h < 1:
        raise click.BadParameter(f"expected positive sizes, got {text!r}")
    return w, h


@click.command("random")
@click.option("--paths", type=click.IntRange(min=0), default=200, show_default=True,
              help="Number of strokes.")
@click.option("--size", default="256x256", show_default=True, callback=_parse_size,
              help="Canvas WIDTHxHEIGHT in user units (= PNG pixels).")
@click.option("--width", "stroke_width", type=click.FloatRange(min=0, min_open=True),
              default=1.0, show_default=True, help="Stroke width in user units.")
@click.option("--colors", is_flag=True, help="Random RGBA strokes instead of black.")
@click.option("--seed", type=int, default=None, help="Random seed (default: drawn, recorded).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), callback=out_callback,
              default=Path("out/random.svg"), show_default=True,
              help="x.svg, x.pdf or x.png: writes the vector file(s) and x.png beside.")
def random_command(paths: int, size: tuple[int, int], stroke_width: float, colors: bool,
                   seed: int | None, out: Outputs) -> None:
    """Write a random-walk drawing as SVG (and PDF) and PNG."""
    from vecdream.drawing import Drawing

    check_memory(*size, "--size")
    seed = draw_seed(seed)
    drawing = Drawing.random(paths, size=size, width=stroke_width, colors=colors, seed=seed)
    metadata = {"command": "random", "paths": paths, "seed": seed,
                "size": f"{size[0]}x{size[1]}"}
    written = write_drawing(drawing, out, metadata)
    click.echo(f"wrote {', '.join(map(str, written))} ({drawing}, seed {seed})")


@click.command("render")
@click.argument("svg", type=SvgFile())
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output .png (default: next to the SVG), or .pdf / .svg to re-export.")
@click.option("--width", type=click.IntRange(min=1), default=None,
              help="Pixel width of a PNG (default: viewBox width).")
@click.option("--samples", type=click.IntRange(min=1), default=1, show_default=True,
              help="Supersampling per axis (PNG).")
def render_command(svg: Path, out: Path | None, width: int | None, samples: int) -> None:
    """Render an SVG file to PNG with vecdream's renderer (or re-export it as PDF/SVG)."""
    from vecdream.export import OUTPUT_FORMATS, read_metadata, save_drawing, save_png

    out = out or svg.with_suffix(".png")
    if out.suffix.lower() not in OUTPUT_FORMATS:
        raise click.BadParameter(
            f"expected a file name ending in .png, .pdf or .svg, got {str(out)!r}",
            param_hint="'--out'")
    drawing = read_drawing(svg, "'SVG'")
    try:  # the provenance of the source (an .svgz has none that vecdream reads)
        record = read_metadata(svg) if svg.suffix.lower() == ".svg" else {}
        metadata = {**record, "rendered_from": svg.name}
    except ValueError as exc:
        raise click.BadParameter(str(exc).splitlines()[0], param_hint="'SVG'") from None
    metadata.pop("vecdream", None)  # provenance_record writes the current version
    if out.suffix.lower() == ".png":
        w = width or max(1, round(drawing.size[0]))
        h = max(1, round(w * drawing.size[1] / drawing.size[0]))
        check_memory(w, h, "--width")
        check_memory(w * samples, h * samples, "--samples")
        save_png(drawing, out, width, samples=samples, metadata=metadata)
    else:
        save_drawing(drawing, out, metadata=metadata)
    click.echo(f"wrote {out} ({drawing})")
