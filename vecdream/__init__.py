"""vecdream: dream in vectors.

Optimize Bézier strokes through a differentiable rasterizer so that they excite a neural
network, then export clean SVG/PDF for print and pen plotters.

Example:
    >>> from vecdream import Drawing, render
    >>> render(Drawing.random(8, size=(64, 48), seed=0)).shape
    torch.Size([3, 48, 64])

The top level holds the calls of a script: :class:`Drawing`, :func:`render`,
:func:`optimize_strokes` (dream from scratch; returns a :class:`Result`),
:func:`tile_drawing` and :func:`upscale` (the large format). The stages are
submodules: ``vecdream.objectives``, ``vecdream.nets``, ``vecdream.plot``,
``vecdream.svg``, ``vecdream.export``. Those that pull in kornia, torchvision or the
plotter (``optimize_strokes``, ``upscale``, ``objectives``, ``nets``, ``plot``...)
load on first use, so ``import vecdream`` stays light and touches no network, device
or random state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# Importing vecdream.svg and vecdream.export also installs Drawing's file methods
# (from_svg, to_svg, save_svg, save_pdf): see vecdream.drawing.register_file_io.
from vecdream import export as export
from vecdream import svg as svg
from vecdream.drawing import Drawing
from vecdream.provenance import vecdream_version
from vecdream.render import render

if TYPE_CHECKING:  # what __getattr__ loads, for type checkers and IDEs
    from vecdream import nets as nets
    from vecdream import objectives as objectives
    from vecdream import plot as plot
    from vecdream.large import upscale
    from vecdream.loop import Result, StepInfo
    from vecdream.optimize import optimize_strokes
    from vecdream.tiles import tile_drawing

__all__ = [
    "Drawing",
    "Result",
    "StepInfo",
    "optimize_strokes",
    "render",
    "tile_drawing",
    "upscale",
]

__version__: str = vecdream_version()
"""The installed version (pyproject.toml is the one source; ``0+unknown`` uninstalled)."""

_LAZY = ("Result", "StepInfo", "nets", "objectives", "optimize_strokes", "plot",
         "tile_drawing", "upscale")


def __getattr__(name: str) -> Any:
    """Load the heavier names on first access (PEP 562); plain imports, so tools see them."""
    if name == "optimize_strokes":
        from vecdream.optimize import optimize_strokes as value
    elif name == "Result":
        from vecdream.loop import Result as value
    elif name == "StepInfo":
        from vecdream.loop import StepInfo as value
    elif name == "upscale":
        from vecdream.large import upscale as value
    elif name == "tile_drawing":
        from vecdream.tiles import tile_drawing as value
    elif name == "nets":
        import vecdream.nets as value
    elif name == "objectives":
        import vecdream.objectives as value
    elif name == "plot":
        import vecdream.plot as value
    else:
        raise AttributeError(f"module 'vecdream' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
