"""vecdream: dream in vectors.

Optimize Bézier strokes through a differentiable rasterizer so that they excite a neural
network, then export clean SVG for print and pen plotters.
"""

from vecdream.drawing import Drawing
from vecdream.render import render
from vecdream.upscale import tile_drawing, upscale  # binds vecdream.upscale to the function

__all__ = ["Drawing", "render", "tile_drawing", "upscale"]
__version__ = "0.1.0"
