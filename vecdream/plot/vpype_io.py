"""A :class:`~vecdream.plot.model.PenPlot` as a vpype ``Document``, and vpype's writers.

vpype works in CSS pixels (1/96 in); a plot is in mm. :func:`to_document` converts
and puts each pen layer's name, colour and width into vpype's layer properties
(``vp_name``, ``vp_color``, ``vp_pen_width``), so vpype's own commands (``write``,
``stat``, ``show``) see the pens. HPGL comes from ``vpype.write_hpgl`` with a device
from vpype's plotter configurations; G-code from the ``vpype-gcode`` plug-in when it is
installed.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

from vecdream.plot.model import Layer, Pen, PenPlot
from vecdream.plot.order import from_collection, to_collection

__all__ = ["PX_PER_MM", "from_document", "hpgl_devices", "to_document", "to_gcode", "to_hpgl"]

PX_PER_MM = 96 / 25.4
"""vpype's unit (the CSS pixel) per millimetre."""


def to_document(plot: PenPlot):
    """The plot as a ``vpype.Document`` in CSS pixels, one layer per pen (same numbers)."""
    import vpype as vp

    w, h = plot.page_mm
    document = vp.Document(page_size=(w * PX_PER_MM, h * PX_PER_MM))
    for layer in plot.layers:
        lines = to_collection([line * PX_PER_MM for line in layer.lines])
        document.add(lines, layer.number, with_metadata=False)
        props = document.layers[layer.number]
        props.set_property(vp.METADATA_FIELD_NAME, layer.label)
        props.set_property(vp.METADATA_FIELD_COLOR, vp.Color(layer.pen.hex))
        props.set_property(vp.METADATA_FIELD_PEN_WIDTH, plot.pen_width_mm * PX_PER_MM)
    return document


def from_document(document, pen_width_mm: float | None = None) -> PenPlot:
    """A plot (mm) of a ``vpype.Document``: layers in id order, pens from layer properties."""
    import vpype as vp

    layers, widths = [], []
    for number in sorted(document.layers):
        collection = document.layers[number]
        props = collection.metadata
        colour = props.get(vp.METADATA_FIELD_COLOR)
        rgb = (0.0, 0.0, 0.0) if colour is None else (
            colour.red / 255, colour.green / 255, colour.blue / 255)
        name = str(props.get(vp.METADATA_FIELD_NAME, number)).split(" ", 1)[-1]
        if vp.METADATA_FIELD_PEN_WIDTH in props:
            widths.append(float(props[vp.METADATA_FIELD_PEN_WIDTH]) / PX_PER_MM)
        lines = [line / PX_PER_MM for line in from_collection(collection) if len(line) >= 2]
        layers.append(Layer(len(layers) + 1, Pen(name, rgb), lines))
    page = document.page_size or (0.0, 0.0)
    width = pen_width_mm if pen_width_mm is not None else (widths[0] if widths else 0.5)
    return PenPlot((page[0] / PX_PER_MM, page[1] / PX_PER_MM), float(width), 0.0, layers)


def hpgl_devices() -> dict[str, list[tuple[str, tuple[float, float]]]]:
    """vpype's HPGL plotters that load: ``device -> [(paper name, (w, h) mm), ...]``."""
    import vpype as vp

    out = {}
    for name in vp.config_manager.get_plotter_list():
        try:
            config = vp.config_manager.get_plotter_config(name)
        except ValueError:  # a broken configuration shipped with vpype (designmate)
            continue
        out[name] = [(paper.name, (paper.paper_size[0] / PX_PER_MM,
                                   paper.paper_size[1] / PX_PER_MM))
                     for paper in config.paper_configs if paper.paper_size is not None]
    return out


def _paper(plot: PenPlot, device: str) -> tuple[str, bool]:
    """The device's paper name for the plot's page and whether the page is landscape
    (vpype's flag: it turns a portrait page onto the paper itself)."""
    devices = hpgl_devices()
    if device not in devices:
        raise ValueError(f"device: expected one of {', '.join(sorted(devices))}, got {device!r}")
    w, h = plot.page_mm
    for name, (pw, ph) in devices[device]:
        if (abs(pw - w) < 1 and abs(ph - h) < 1) or (abs(pw - h) < 1 and abs(ph - w) < 1):
            return name, w > h
    sizes = ", ".join(f"{n} ({pw:g}x{ph:g} mm)" for n, (pw, ph) in devices[device])
    raise ValueError(f"page: the {device} takes {sizes}; got {w:g}x{h:g} mm")


def to_hpgl(plot: PenPlot, device: str = "hp7475a") -> str:
    """HPGL text of the plot for one of vpype's plotters (:func:`hpgl_devices`); the
    page must be one of the device's paper sizes, in either orientation."""
    import vpype as vp

    paper, landscape = _paper(plot, device)
    buffer = io.StringIO()
    vp.write_hpgl(buffer, to_document(plot), paper, landscape=landscape, center=False,
                  device=device, velocity=None, quiet=True)
    return buffer.getvalue()


def to_gcode(plot: PenPlot, profile: str = "gcodemm") -> str:
    """G-code of the plot through the ``vpype-gcode`` plug-in's ``gwrite`` with one of its
    profiles (``gcodemm``: millimetres, ``gcode``: inches, ...).

    Raises:
        ImportError: ``vpype-gcode`` is not installed (``pip install vpype-gcode``).
    """
    import vpype_cli

    try:
        import vpype_gcode  # noqa: F401  (only to say what is missing)
    except ImportError:
        raise ImportError("G-code needs the vpype-gcode plug-in: pip install vpype-gcode"
                          ) from None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plot.gcode"
        with contextlib.redirect_stdout(io.StringIO()):  # the plug-in prints a remark
            vpype_cli.execute(f"gwrite --profile {profile} '{path}'", to_document(plot))
        return path.read_text(encoding="utf-8")
