"""Public Iconify icon sets, fetched from npm at run time (never committed).

``npm pack`` downloads the set's tarball into a temporary folder; its ``icons.json`` holds
each icon's SVG body on a shared viewBox. Used by the benchmarks that need real
artwork nobody on the project drew (seeds_gan.py, brush_paint.py).
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image


def iconify_svgs(package: str) -> dict[str, str]:
    """Every icon of the npm Iconify JSON set ``package``, by name, as a standalone SVG."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", package, "--silent"],
                       cwd=tmp, check=True, capture_output=True, timeout=120)
        tgz = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tgz) as tar:
            data = json.load(tar.extractfile("package/icons.json"))
    svgs = {}
    for name, icon in data["icons"].items():
        w = icon.get("width", data.get("width", 16))
        h = icon.get("height", data.get("height", 16))
        svgs[name] = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}">'
                      f'{icon["body"]}</svg>')
    return svgs


def svg_to_image(svg: str, size: int) -> torch.Tensor:
    """``svg`` rendered by cairosvg at ``size`` x ``size`` px on white, ``(3, size, size)``."""
    import cairosvg

    png = cairosvg.svg2png(bytestring=svg.encode(), output_width=size, output_height=size,
                           background_color="white")
    array = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.float32) / 255
    return torch.from_numpy(array).permute(2, 0, 1)
