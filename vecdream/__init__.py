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
``vecdream.svg``, ``vecdream.export``. Every one of them loads on first use (PEP 562),
torch included, so ``import vecdream`` (and ``vecdream --help``) stays light and touches
no network, device or random state.
"""

from __future__ import annotations

import os
import sys
import types
from typing import TYPE_CHECKING, Any

from vecdream.provenance import vecdream_version

if TYPE_CHECKING:  # what __getattr__ loads, for type checkers and IDEs
    from vecdream import export as export
    from vecdream import nets as nets
    from vecdream import objectives as objectives
    from vecdream import plot as plot
    from vecdream import svg as svg
    from vecdream.drawing import Drawing
    from vecdream.dream.large import upscale
    from vecdream.dream.loop import Result, StepInfo
    from vecdream.dream.optimize import optimize_strokes
    from vecdream.dream.tiles import tile_drawing
    from vecdream.render import render

__all__ = [
    "Drawing",
    "Result",
    "StepInfo",
    "optimize_strokes",
    "render",
    "tile_drawing",
    "upscale",
]

# Old module paths (``vecdream.optimize``, ...) resolve for one release through the
# shims in _moved/ (see vecdream._moved); searched after the package's own folder.
__path__.append(os.path.join(os.path.dirname(__file__), "_moved"))

__version__: str = vecdream_version()
"""The installed version (pyproject.toml is the one source; ``0+unknown`` uninstalled)."""

_LAZY = ("Drawing", "Result", "StepInfo", "export", "nets", "objectives", "optimize_strokes",
         "plot", "render", "svg", "tile_drawing", "upscale")


def __getattr__(name: str) -> Any:
    """Load the names on first access (PEP 562); plain imports, so tools see them."""
    if name == "Drawing":
        from vecdream.drawing import Drawing as value
    elif name == "render":
        from vecdream.render import render as value
    elif name == "optimize_strokes":
        from vecdream.dream.optimize import optimize_strokes as value
    elif name == "Result":
        from vecdream.dream.loop import Result as value
    elif name == "StepInfo":
        from vecdream.dream.loop import StepInfo as value
    elif name == "upscale":
        from vecdream.dream.large import upscale as value
    elif name == "tile_drawing":
        from vecdream.dream.tiles import tile_drawing as value
    elif name == "export":
        import vecdream.export as value
    elif name == "svg":
        import vecdream.svg as value
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


class _FileIO(dict):
    """Drawing's file-method table (see :func:`vecdream.drawing.register_file_io`), filled
    on first use: vecdream.svg and vecdream.export register their functions when imported,
    and a lookup imports them, so ``Drawing.from_svg`` works whichever module a script
    imported first, and importing vecdream.drawing does not load the I/O stages."""

    def __missing__(self, key: str) -> Any:
        from vecdream import export, svg  # noqa: F401  (importing them fills the table)

        if not dict.__contains__(self, key):
            raise KeyError(key)
        return dict.__getitem__(self, key)


class _Package(types.ModuleType):
    """``vecdream`` itself: Python binds a submodule to its package's attribute once the
    submodule is imported; two of them need more than that."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and value.__name__ == f"{__name__}.{name}":
            if name == "render":  # ``vecdream.render`` stays the function, not its module
                value = value.render
            elif name == "drawing" and type(getattr(value, "_FILE_IO", None)) is dict:
                value._FILE_IO = _FileIO(value._FILE_IO)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
