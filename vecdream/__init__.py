"""vecdream: dream in vectors.

Optimize Bézier strokes through a differentiable rasterizer so that they excite a neural
network, then export clean SVG for print and pen plotters.
"""

from vecdream.drawing import Drawing
from vecdream.render import render

__all__ = ["Drawing", "render"]
__version__ = "0.1.0"
