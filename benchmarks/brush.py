"""The brush medium: painting a photo with the learned brush, and its replay in real MyPaint.

In one run, on one photo (scikit-image's "chelsea" cat when installed, else the
gallery's procedural still life), EfficientNet-Lite0 (real weights) content loss on
blocks.2, CPU:

* **brush**: :func:`vecdream.painter.optimize.optimize_brush` with the shipped neural
  painter (strokes start in the photo's colours);
* **pen** (baseline): :func:`vecdream.dream.optimize.optimize_strokes` with ``photo_start``
  strokes, free colours and widths, as ``vecdream paint`` and the gallery do;

both for the same steps, reporting the content loss at the end / at the start and the
seconds per step. Then the brush's files (:func:`~vecdream.painter.brush_export.save_brush`):
the PSNR of the libmypaint replay against the painter's render — the "transfer back to the
real program" — next to two baselines measured on the same render: the SVG approximation
(centre lines rendered by vecdream) and blank white paper.

    python benchmarks/brush.py                    # 128 px, 100 steps, a few CPU minutes
    python benchmarks/brush.py --steps 10 --size 64   # a smoke test
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from vecdream import render
from vecdream.dream.optimize import optimize_strokes
from vecdream.dream.photo import photo_start
from vecdream.nets import load_net
from vecdream.objectives import content
from vecdream.painter import mypaint
from vecdream.painter.brush_export import brush_drawing, psnr, save_brush
from vecdream.painter.model import load_painter
from vecdream.painter.optimize import optimize_brush

sys.path.insert(0, str(Path(__file__).parent))
from gallery import photo  # noqa: E402  (the gallery's photo, so numbers match its image)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--size", type=int, default=128, help="photo width in pixels")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--cell", type=int, default=32, help="canvas pixels per painter cell")
    p.add_argument("--strokes", type=int, default=4, help="strokes per cell of each grid")
    p.add_argument("--paths", type=int, default=300, help="pen strokes of the baseline")
    p.add_argument("--painter", type=Path, default=None, help="weights (default: shipped)")
    p.add_argument("--out", type=Path, default=Path("out/bench_brush"))
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    net = load_net("efficientnet_lite0")
    image = photo(args.size)
    h, w = image.shape[1:]
    objective = content(net, "blocks.2", image)
    print(f"photo {w}x{h}, content(efficientnet_lite0:blocks.2), {args.steps} steps, CPU, "
          f"{args.threads} thread(s)")

    t = time.perf_counter()
    brush = optimize_brush(objective, (w, h), painter=load_painter(args.painter),
                           cell=args.cell, strokes=args.strokes, init_image=image,
                           steps=args.steps, views=1, augment=None, seed=0, device="cpu")
    brush_s = (time.perf_counter() - t) / max(brush.steps, 1)
    t = time.perf_counter()
    pen = optimize_strokes(objective=objective, drawing=photo_start(image, args.paths, width=2.0,
                                                                    seed=0),
                           size=(w, h), steps=args.steps, views=1, augment=None, colors="free",
                           width=("free", 1.0, 6.0), lr_colors=0.02, seed=0, device="cpu")
    pen_s = (time.perf_counter() - t) / max(pen.steps, 1)

    print("\n| medium | strokes | content loss start | end | end / start | s / step |")
    print("|---|---|---|---|---|---|")
    for name, n, hist, secs in (("brush", brush.actions.shape[1], brush.history["loss"], brush_s),
                                ("pen (baseline)", args.paths, pen.history["loss"], pen_s)):
        print(f"| {name} | {n} | {hist[0]:.4g} | {hist[-1]:.4g} | {hist[-1] / hist[0]:.3f} | "
              f"{secs:.2f} |")

    files = save_brush(brush.canvas, args.out / "brush.png", image=brush.image[0])
    painted = brush.image[0]
    lay = brush.canvas.layout
    with torch.no_grad():
        svg = render(brush_drawing(brush.actions[0], lay.origins, lay.cell, lay.size), w, h)
    print("\n| compared with the painter's render | PSNR (dB) |")
    print("|---|---|")
    if files.psnr is not None:
        print(f"| libmypaint replay ({mypaint.DEFAULT_BRUSH}) | {files.psnr:.2f} |")
    else:
        print("| libmypaint replay | not installed |")
    print(f"| SVG approximation (baseline) | {psnr(svg, painted):.2f} |")
    print(f"| white paper (baseline) | {psnr(torch.ones_like(painted), painted):.2f} |")
    print(f"\nwrote {', '.join(str(f) for f in files.paths)}")


if __name__ == "__main__":
    main()
