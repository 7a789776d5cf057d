"""The public API: what a user imports must stay there.

A name dropped from a module (or from its ``__all__``) fails here; a new name is fine
but belongs in this table too, so that removing it later is a decision, not an accident.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from importlib import metadata

import pytest

PUBLIC = {
    "vecdream": {
        "Drawing", "Result", "StepInfo", "optimize_strokes", "render", "tile_drawing",
        "upscale",
    },
    "vecdream.render": {"render", "render_paths"},
    "vecdream.objectives": {
        "DreamContext", "Objective", "channel", "class_logit", "content", "discriminator",
        "diversity", "ensemble", "grayscale", "ink_length", "layer_norm", "neuron", "palette",
        "style", "width_l1",
    },
    "vecdream.nets": {
        "FeatureNet", "IMAGENET_MEAN", "IMAGENET_STD", "NET_NAMES", "UnknownLayerError",
        "WeightsUnavailableError", "canonical_net_name", "capture", "efficientnet_lite0",
        "from_module", "hub_checkpoint_path", "load_net", "parse_layer_spec", "resnet18",
        "vgg16",
    },
    "vecdream.plot": {
        "AxiDrawError", "AxiDrawUnavailable", "Layer", "LayerStats", "MotionModel",
        "PAGE_SIZES", "Pen", "PenPlot", "PlotStats", "axidraw_estimate", "drawing_to_plot",
        "format_duration", "format_stats", "merge_lines", "page_size", "parse_length",
        "parse_pens", "plot_stats", "plot_to_svg", "plot_with_axidraw", "preview_image",
        "preview_png", "read_plotter_svg", "save_plotter_svg", "sort_lines",
        "to_plotter_svg", "travel_length", "FILL_MODES", "from_document", "open_board",
        "plot_on_board", "plot_similarity", "to_document", "to_gcode", "to_hpgl",
    },
    "vecdream.svg": {
        "MAX_PADDED_POINTS", "MAX_SVG_BYTES", "SVGError", "atomic_write_bytes",
        "drawing_to_svg", "read_svg", "save_svg",
    },
    "vecdream.export": {
        "OUTPUT_FORMATS", "image_to_png_bytes", "read_metadata", "save_drawing", "save_pdf",
        "save_png", "svg_to_pdf_bytes",
    },
    "vecdream.dream.optimize": {
        "DEFAULT_LAYER", "Result", "StepInfo", "ViewFn", "full_canvas_views", "make_generator",
        "optimize_strokes", "resolve_objective", "run_loop",
    },
    "vecdream.dream.loop": {
        "ColorMode", "Result", "StepInfo", "ViewFn", "WidthMode", "check_modes",
        "make_generator", "resolve_device", "resolve_objective", "run_loop",
    },
    "vecdream.dream.large": {"upscale"},
    "vecdream.dream.tiles": {"crop_drawing", "parse_tiles", "tile_drawing"},
    "vecdream.dream.windows": {"pixel_size", "window_loss", "window_views"},
    "vecdream.dream.pen": {"pen_width_units", "set_pen_width"},
    "vecdream.drawing": {"Drawing", "register_file_io"},
    "vecdream.dream.loops": {"UNTANGLE_EVERY", "cut_loops", "self_crossings", "untangling"},
    "vecdream.dream.styles": {"DREAM", "STYLES", "cli_values"},
    "vecdream.objectives.core": {"DreamContext", "Need", "Objective"},
    "vecdream.objectives.geometry": {
        "bending", "contour_lengths", "grayscale", "ink_length", "palette", "turning",
        "width_l1",
    },
    "vecdream.objectives.network": {
        "channel", "class_logit", "content", "discriminator", "diversity", "ensemble",
        "layer_norm", "neuron", "style",
    },
    "vecdream.painter.model": {
        "NOISE_KNOTS", "NeuralPainter", "PAINTERS", "SHIPPED_WEIGHTS", "load_painter",
        "painter_checkpoint",
    },
    "vecdream.painter.texture": {"radial_log_power", "spectral_distance"},
    "vecdream.painter.train_gan": {
        "GanConfig", "GeometryCritic", "add_noise_inputs", "train_gan_painter",
    },
}


# Module paths before the dream stage became a package (0.1.0): kept for one release.
MOVED = {f"vecdream.{name}": f"vecdream.dream.{name}" for name in (
    "optimize", "loop", "large", "tiles", "windows", "pen", "loops", "styles")}


@pytest.mark.parametrize("module_name", sorted(PUBLIC))
def test_public_names_stay(module_name):
    # import_module, not attribute access: ``vecdream.render`` the attribute is the
    # function, ``vecdream.render`` the module holds it.
    module = importlib.import_module(module_name)
    exported = set(module.__all__)
    missing = PUBLIC[module_name] - exported
    assert not missing, f"{module_name}.__all__ lost {sorted(missing)}"
    unbound = [name for name in sorted(exported) if not hasattr(module, name)]
    assert not unbound, f"{module_name}.__all__ names what it does not define: {unbound}"


@pytest.mark.parametrize("old", sorted(MOVED))
def test_old_module_paths_warn_and_are_the_new_modules(old, monkeypatch):
    monkeypatch.delitem(sys.modules, old, raising=False)  # a first import, which warns
    with pytest.warns(DeprecationWarning, match=f"{old} moved to {MOVED[old]}"):
        module = importlib.import_module(old)
    assert module is importlib.import_module(MOVED[old])
    assert PUBLIC[MOVED[old]] <= set(module.__all__)
    names = ", ".join(sorted(PUBLIC[MOVED[old]]))
    exec(f"from {old} import {names}", {})  # the user's own line keeps working


def test_top_level_imports_are_the_real_objects():
    from vecdream import (
        Drawing,
        Result,
        StepInfo,
        optimize_strokes,
        render,
        tile_drawing,
        upscale,
    )
    from vecdream.drawing import Drawing as drawing_cls
    from vecdream.dream.large import upscale as upscale_fn
    from vecdream.dream.loop import Result as result_cls
    from vecdream.dream.loop import StepInfo as step_cls
    from vecdream.dream.optimize import optimize_strokes as optimize_fn
    from vecdream.dream.tiles import tile_drawing as tile_fn
    from vecdream.render import render as render_fn

    assert (Drawing, Result, StepInfo) == (drawing_cls, result_cls, step_cls)
    assert (optimize_strokes, render, tile_drawing, upscale) == (
        optimize_fn, render_fn, tile_fn, upscale_fn)
    assert callable(upscale) and callable(render)  # functions, never their modules


_BARE_IMPORT = """
import socket, sys

def _no_network(*args, **kwargs):
    raise AssertionError("import vecdream opened a socket")

socket.socket.connect = socket.socket.connect_ex = _no_network
socket.getaddrinfo = socket.create_connection = _no_network
import vecdream

heavy = sorted(m for m in ("kornia", "torchvision", "timm", "cairosvg", "vecdream.nets",
                           "vecdream.plot", "vecdream.objectives") if m in sys.modules)
assert not heavy, f"import vecdream loaded {heavy}"
# The stages are usable after a bare import, and loading them touches no network either.
assert callable(vecdream.plot.drawing_to_plot)
assert callable(vecdream.objectives.channel)
assert callable(vecdream.nets.load_net)
assert callable(vecdream.optimize_strokes) and callable(vecdream.upscale)
assert {"plot", "nets", "objectives", "upscale"} <= set(dir(vecdream))
print("ok")
"""


def test_bare_import_is_light_offline_and_lazy():
    proc = subprocess.run([sys.executable, "-c", _BARE_IMPORT], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


def test_unknown_attribute_is_an_attribute_error():
    import vecdream

    with pytest.raises(AttributeError, match="no attribute 'optimise_strokes'"):
        vecdream.optimise_strokes  # noqa: B018


def test_python_m_vecdream_version():
    import vecdream

    proc = subprocess.run([sys.executable, "-m", "vecdream", "--version"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == f"vecdream, version {vecdream.__version__}"
    # One source: the installed distribution's metadata (pyproject.toml).
    assert vecdream.__version__ == metadata.version("vecdream")


def test_python_m_vecdream_runs_commands():
    proc = subprocess.run([sys.executable, "-m", "vecdream", "--help"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("Usage: vecdream ") and "dream" in proc.stdout


_FILE_METHODS = """
import sys
from vecdream.drawing import Drawing  # nothing else imported by hand

d = Drawing.from_svg('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
                     '<path d="M 1 1 L 7 7" stroke="black"/></svg>')
assert len(d) == 1 and "<path" in d.to_svg()
d.save_svg(sys.argv[1] + "/d.svg")
d.save_pdf(sys.argv[1] + "/d.pdf")
print("ok")
"""


def test_file_methods_work_whichever_module_comes_first(tmp_path):
    """Drawing's file methods call through a table the I/O stages fill (no import
    cycle, see vecdream.drawing); ``vecdream/__init__`` must fill it for every entry."""
    proc = subprocess.run([sys.executable, "-c", _FILE_METHODS, str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]
    assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF")
