"""``vecdream plot``: a drawing onto a physical page, for a pen plotter.

The plotter file is an SVG (layers for Inkscape/AxiDraw), a vector PDF of the same page
(``--out x.pdf``), HPGL for one of vpype's plotters (``x.hpgl``, ``--plotter``) or
G-code (``x.gcode``, needs ``vpype-gcode``); the preview is a PNG or a JPEG of the page
at the real pen width. Fills and wide strokes are hatched (``--fill``); what the pen
still cannot draw as the screen shows it is said as warnings, with counts, by
:func:`vecdream.plot.build.pen_limits` through logging.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from vecdream.cli.inputs import SvgFile, read_drawing

__all__ = ["plot_command"]

# Library messages start with the argument name; the CLI names its option instead.
_OPTION_OF = {"margin_mm": "--margin", "pen_width_mm": "--pen", "pens": "--pens",
              "page": "--page", "pen": "--pen", "fill": "--fill", "hatch_angle": "--hatch-angle",
              "device": "--plotter", "port": "--port"}
_OUT_SUFFIXES = (".svg", ".pdf", ".hpgl", ".gcode")
FILL_CHOICES = ("hatch", "cross", "concentric", "outline", "none")
"""``vecdream.plot.fills.FILL_MODES``, copied so ``--help`` loads no torch (a test pins it)."""


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
            if kind == "angles":
                return [float(a) for a in value.split(",")]
            names = [p.strip() for p in value.split(",") if p.strip()]
            parse_pens(names)
            return names
        except ValueError as exc:
            if kind == "angles":
                raise click.BadParameter(f"expected degrees such as 45 or 45,135, got {value!r}"
                                         ) from None
            raise click.BadParameter(str(exc)) from None
    return convert


def _suffix_callback(allowed: tuple[str, ...]):
    def check(_ctx: click.Context, param: click.Parameter, value: Path | None):
        if value is not None and value.suffix.lower() not in allowed:
            raise click.BadParameter(
                f"expected a file name ending in {' or '.join(allowed)}, got {str(value)!r}",
                param_hint=f"'--{param.name}'")
        return value
    return check


def _bad_value(exc: ValueError) -> click.ClickException:
    message = str(exc).splitlines()[0] if str(exc) else repr(exc)
    key, _, rest = message.partition(":")
    if key in _OPTION_OF and rest:
        return click.BadParameter(rest.strip(), param_hint=f"'{_OPTION_OF[key]}'")
    return click.ClickException(message)


def _write_preview(plot, path: Path, dpi: float, travel: bool, metadata: dict) -> None:
    import io

    from PIL import Image

    from vecdream.atomic import atomic_write_bytes
    from vecdream.export import image_to_png_bytes
    from vecdream.plot import preview_image

    image = preview_image(plot, dpi=dpi, show_travel=travel)
    if path.suffix.lower() == ".png":
        atomic_write_bytes(path, image_to_png_bytes(image, metadata=metadata))
        return
    array = (image.clamp(0, 1).permute(1, 2, 0).numpy() * 255).round().astype("uint8")
    buffer = io.BytesIO()
    Image.fromarray(array, "RGB").save(buffer, format="JPEG", quality=92)
    atomic_write_bytes(path, buffer.getvalue())


@click.command("plot")
@click.argument("drawing_svg", type=SvgFile())
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
@click.option("--fill", type=click.Choice(FILL_CHOICES), default="hatch", show_default=True,
              help="How filled areas are drawn: hatched at the pen width, cross-hatched, "
                   "concentric rings, outline only, or dropped. Strokes wider than 2 pens "
                   "become parallel passes (rings or outline in those modes).")
@click.option("--hatch-angle", default="45", show_default=True, callback=_plot_option("angles"),
              help="Hatching angle in degrees; a comma list gives one per pen layer.")
@click.option("--occlude/--no-occlude", default=None,
              help="Remove lines hidden under later opaque fills and wide strokes "
                   "[default: when the drawing has such areas].")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              callback=_suffix_callback(_OUT_SUFFIXES),
              help="Plotter .svg (layers), vector .pdf of the page, .hpgl (--plotter) or "
                   ".gcode (needs vpype-gcode) (default: <name>.plot.svg next to the drawing).")
@click.option("--plotter", default="hp7475a", show_default=True,
              help="With --out x.hpgl: one of vpype's HPGL plotters (hp7475a, hp7550, dxy, "
                   "artisan, ...); the page must be one of its paper sizes.")
@click.option("--preview", type=click.Path(dir_okay=False, path_type=Path), default=None,
              callback=_suffix_callback((".png", ".jpg", ".jpeg")),
              help="Also write a .png or .jpg preview of the page at the real pen width.")
@click.option("--dpi", type=click.FloatRange(min=1), default=100, show_default=True,
              help="Preview resolution.")
@click.option("--travel", is_flag=True, help="Show pen-up moves in the preview.")
@click.option("--estimate", is_flag=True, help="Print ink, travel, lifts and plot time.")
@click.option("--axidraw", is_flag=True,
              help="Plot it now on an AxiDraw (plotink; pyaxidraw where plotink is missing). "
                   "Ctrl-C pauses after the current path; run again to resume. One layer "
                   "(pen) per run.")
@click.option("--port", default=None,
              help="With --axidraw: the board's serial port or name tag [first one found].")
@click.option("--pen-up", type=click.FloatRange(0, 100), default=60, show_default=True,
              help="With --axidraw: pen-up height, percent.")
@click.option("--pen-down", type=click.FloatRange(0, 100), default=30, show_default=True,
              help="With --axidraw: pen-down height, percent.")
@click.option("--layer", type=click.IntRange(min=1), default=None,
              help="With --axidraw: plot only this layer number.")
@click.option("--model", type=int, default=None, help="pyaxidraw model (2 = V3/A3, SE/A3).")
def plot_command(drawing_svg: Path, page: str, pen_mm: float, margin_mm: float, pens: list[str],
                 orientation: str, fill: str, hatch_angle: list[float], occlude: bool | None,
                 out: Path | None, plotter: str, preview: Path | None, dpi: float,
                 travel: bool, estimate: bool, axidraw: bool, port: str | None,
                 pen_up: float, pen_down: float, layer: int | None,
                 model: int | None) -> None:
    """Write a pen-plotter file: mm page, one layer per pen, merged and sorted paths."""
    from vecdream import plot as vp

    if layer is not None and not axidraw:
        raise click.BadParameter("--layer needs --axidraw", param_hint="'--layer'")
    board_options = {"port": port, "pen_up": pen_up, "pen_down": pen_down}
    out = out or drawing_svg.with_suffix(".plot.svg")
    drawing = read_drawing(drawing_svg, "'DRAWING_SVG'")
    try:
        plot = vp.drawing_to_plot(drawing, page, margin_mm=margin_mm, pen_width_mm=pen_mm,
                                  pens=pens, orientation=orientation, fill=fill,
                                  hatch_angle=hatch_angle, occlusion=occlude)
    except ValueError as exc:
        raise _bad_value(exc) from None
    metadata = {"command": "plot", "source": drawing_svg.name, "page": page,
                "pen_mm": pen_mm, "margin_mm": margin_mm}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            _outputs(plot, out, preview, dpi, travel, estimate, model, metadata, Path(tmp),
                     plotter)
            if axidraw:
                _plot_now(plot, out, Path(tmp), layer, model, board_options)
            if estimate:
                from vecdream.plot.compare import plot_similarity

                click.echo(f"plot vs render: SSIM {plot_similarity(drawing, plot):.3f} "
                           "(preview at the pen width against the drawing, 50 dpi; 1 = same)")
        except (ValueError, OSError, ImportError, RuntimeError) as exc:
            raise click.ClickException(str(exc).splitlines()[0] if str(exc) else repr(exc)
                                       ) from None


def _outputs(plot, out: Path, preview: Path | None, dpi: float, travel: bool, estimate: bool,
             model: int | None, metadata: dict, tmp: Path, device: str) -> None:
    from vecdream import plot as vp
    from vecdream.atomic import atomic_write_bytes
    from vecdream.export import svg_to_pdf_bytes
    from vecdream.plot.vpype_io import to_gcode, to_hpgl

    svg_text = vp.plot_to_svg(plot)
    suffix = out.suffix.lower()
    if suffix in (".pdf", ".hpgl", ".gcode"):
        if suffix == ".pdf":
            data = svg_to_pdf_bytes(svg_text, metadata=metadata)
        else:
            try:
                text = to_hpgl(plot, device) if suffix == ".hpgl" else to_gcode(plot)
            except ValueError as exc:
                raise _bad_value(exc) from None
            data = text.encode("ascii")
        atomic_write_bytes(out, data)
        svg_path = tmp / "plot.svg"  # pyaxidraw's estimate reads SVG: a private copy
        svg_path.write_text(svg_text, encoding="utf-8")
    else:
        atomic_write_bytes(out, svg_text.encode("utf-8"))
        svg_path = out
    click.echo(f"wrote {out} ({plot})")
    if preview is not None:
        _write_preview(plot, preview, dpi, travel, metadata)
        click.echo(f"wrote {preview}")
    if estimate:
        click.echo(vp.format_stats(vp.plot_stats(plot)))
        try:
            seconds = vp.axidraw_estimate(svg_path, model=model)
            click.echo(f"pyaxidraw estimate: {vp.format_duration(seconds)}")
        except vp.AxiDrawUnavailable:
            pass


def _plot_now(plot, out: Path, tmp: Path, layer: int | None, model: int | None,
              board_options: dict) -> None:
    """Plot on the AxiDraw: plotink's board driver, pyaxidraw where plotink is missing."""
    import signal

    from vecdream import plot as vp
    from vecdream.plot.ebb import open_board, plot_on_board
    from vecdream.plot.ebb_motion import PenServo

    try:
        board = open_board(board_options["port"])
    except vp.AxiDrawError as exc:
        if board_options["port"] is None:  # nothing plugged in: not a bad value
            raise
        raise _bad_value(ValueError(str(exc))) from None  # the named port does not answer
    except vp.AxiDrawUnavailable:  # no plotink: pyaxidraw, when it is installed
        svg_path = tmp / "axidraw.svg"
        svg_path.write_text(vp.plot_to_svg(plot), encoding="utf-8")
        vp.plot_with_axidraw(svg_path, layer=layer, model=model, progress=click.echo)
        return
    if layer is not None:
        plot.layers = [lay for lay in plot.layers if lay.number == layer]
        if not plot.layers:
            board.close()
            raise click.BadParameter(f"the plot has no layer {layer}", param_hint="'--layer'")
    stopping = []
    previous = signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    try:
        run = plot_on_board(plot, board, servo=PenServo(board_options["pen_up"],
                                                        board_options["pen_down"]),
                            state_path=out.with_suffix(".axidraw.json"),
                            stop=lambda: bool(stopping), progress=click.echo)
    finally:
        signal.signal(signal.SIGINT, previous)
        board.close()
    click.echo(f"drew {run.drawn} path(s) in {vp.format_duration(run.seconds)}"
               + ("; the plot is finished" if run.finished else ""))
