"""One brush action painted by real MyPaint and by the neural painter, side by side.

The action (pressures, size, colour, quadratic Bézier) is random from ``--seed`` or given
as 12 numbers with ``--action``; the real engine needs libmypaint (``apt-get install
libmypaint-1.5-1 mypaint-brushes``), the painter does not::

    python examples/brush_stroke.py                       # 8 random actions
    python examples/brush_stroke.py --action 0.3 0.9 0.6 0.8 0.2 0.1 0.1 0.8 0.5 0.1 0.9 0.7
    python examples/brush_stroke.py --brush tanda/marker-01   # a brush with random dabs

Writes ``brush_stroke.png`` into ``--out``: top row the engine, bottom row the painter,
each stroke on white and enlarged ``--zoom`` times, and prints the alpha IoU, PSNR and
texture distance (a brush with random dynamics, like the marker, is also scored against
a second sample of the engine: the best any painter can do).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
from torch.nn import functional as F

from vecdream.atomic import atomic_write_bytes
from vecdream.export import image_to_png_bytes
from vecdream.painter.actions import ACTION_DIM, random_actions
from vecdream.painter.model import PAINTERS, load_painter
from vecdream.painter.mypaint import DEFAULT_BRUSH, mypaint_available
from vecdream.painter.strokes_data import ANOTHER_SAMPLE, render_targets
from vecdream.painter.texture import spectral_distance
from vecdream.painter.train import fidelity, paint_batches


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--action", type=float, nargs=ACTION_DIM, default=None,
                   help="one action: 12 numbers in [0, 1]")
    p.add_argument("--n", type=int, default=8, help="random actions when --action is absent")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--zoom", type=int, default=3, help="enlargement of the sheet")
    p.add_argument("--brush", default=DEFAULT_BRUSH, choices=sorted(PAINTERS),
                   help="a shipped painter's MyPaint preset")
    p.add_argument("--weights", type=Path, default=None,
                   help="painter weights (default: the one shipped for --brush)")
    p.add_argument("--out", type=Path, default=Path("out/examples"), help="output folder")
    return p.parse_args(argv)


def on_white(rgba: torch.Tensor) -> torch.Tensor:
    """Straight RGBA ``(N, 4, H, W)`` composited on white: ``(N, 3, H, W)``."""
    return rgba[:, :3] * rgba[:, 3:] + (1 - rgba[:, 3:])


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.action is not None:
        actions = torch.tensor([args.action], dtype=torch.float32).clamp(0, 1)
    else:
        actions = random_actions(args.n, torch.Generator().manual_seed(args.seed))
    painter = load_painter(args.weights, brush=None if args.weights else args.brush)
    painted = paint_batches(painter, actions, seed=args.seed)  # noise seeded, if it takes any
    rows = [on_white(painted)]
    if mypaint_available():
        engine = render_targets(actions, args.brush)
        rows.insert(0, on_white(engine))
        for name, strokes in (("painter", painted),
                              ("engine again", render_targets(actions, args.brush,
                                                              ANOTHER_SAMPLE))):
            s = {**fidelity(strokes, engine), **spectral_distance(strokes, engine)}
            print(f"{args.brush}, {name}: alpha IoU {s['iou']:.3f} (alpha > 0.5), PSNR "
                  f"{s['psnr']:.2f} dB (premultiplied RGBA), texture {s['spectral']:.3f}")
    else:
        print("libmypaint not installed: painter row only "
              "(apt-get install libmypaint-1.5-1 mypaint-brushes)")
    # Cells side by side with a 1 px grey gutter, rows stacked.
    cells = [F.pad(r, (0, 1, 0, 1), value=0.6) for r in rows]
    sheet = torch.cat([torch.cat(list(r), 2) for r in cells], 1)
    sheet = F.interpolate(sheet[None], scale_factor=args.zoom, mode="nearest")[0]
    path = args.out / "brush_stroke.png"
    atomic_write_bytes(path, image_to_png_bytes(sheet))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
