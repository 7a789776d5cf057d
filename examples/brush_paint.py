"""Paint a photo with the learned brush ("intrinsic style transfer": the brush is the style).

Brush strokes start in the photo's colours and Adam matches a network's view of the
painting to its view of the photo (content loss on an early layer), coarse to fine: a
layer of big strokes, then ``--layers - 1`` layers of cells half as wide over it. Without
a photo argument a synthetic test image is painted, so the example runs offline::

    python examples/brush_paint.py                     # synthetic image, a CPU minute
    python examples/brush_paint.py my_photo.jpg --size 256 --steps 300

Writes ``brush_paint.png``, ``.json``, ``.svg`` (and ``brush_paint_replay.png`` when
libmypaint is installed) into ``--out``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from vecdream.dream.photo import load_photo
from vecdream.nets import load_net
from vecdream.objectives import content
from vecdream.painter.brush_export import save_brush
from vecdream.painter.optimize import coarse_to_fine


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("photo", nargs="?", type=Path, default=None,
                   help="image to paint (default: a synthetic test image)")
    p.add_argument("--layer", default="blocks.2", help="EfficientNet-Lite0 layer to match")
    p.add_argument("--steps", type=int, default=100, help="Adam steps")
    p.add_argument("--size", type=int, default=128, help="long side of the canvas in pixels")
    p.add_argument("--cell", type=int, default=32, help="canvas pixels per painter cell")
    p.add_argument("--strokes", type=int, default=4, help="strokes per cell of each grid")
    p.add_argument("--layers", type=int, default=2, help="coarse-to-fine layers")
    p.add_argument("--brush-colour", choices=("photo", "learned"), default="photo",
                   help="photo: each stroke takes the photo's colour under it; learned: the "
                        "loss moves colours too")
    p.add_argument("--reseed", type=int, default=0,
                   help="times per layer the idlest 10%% of strokes move to the worst spots")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("out/examples"), help="output folder")
    return p.parse_args(argv)


def synthetic_photo(size: int) -> torch.Tensor:
    """``(3, size, size)``: a sky gradient, a red sun and a dark hill."""
    yy, xx = torch.meshgrid(torch.linspace(0, 1, size), torch.linspace(0, 1, size),
                            indexing="ij")
    image = torch.stack([0.4 + 0.4 * yy, 0.6 + 0.3 * yy, 0.95 - 0.1 * yy])
    image[:, (xx - 0.7) ** 2 + (yy - 0.3) ** 2 < 0.02] = torch.tensor([0.9, 0.2, 0.1])[:, None]
    image[:, yy > 0.7 - 0.2 * torch.sin(3 * xx)] = torch.tensor([0.1, 0.3, 0.1])[:, None]
    return image


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    photo = synthetic_photo(args.size) if args.photo is None else load_photo(args.photo,
                                                                              args.size)
    net = load_net("efficientnet_lite0")
    h, w = photo.shape[1:]
    layers = coarse_to_fine(
        content(net, args.layer, photo), (w, h), layers=args.layers,
        init_image=photo,  # strokes start in its colours
        colour_target=photo if args.brush_colour == "photo" else None,
        cell=args.cell, strokes=args.strokes, steps=args.steps,
        views=1, augment=None,  # content compares the plain render: no random views
        reseed=[k / (args.reseed + 1) for k in range(1, args.reseed + 1)],
        seed=args.seed, device="cpu", progress=True)
    files = save_brush([r.canvas for r in layers], args.out / "brush_paint.png",
                       image=layers[-1].image[0])
    loss = [v for r in layers for v in r.history["loss"]]
    print(f"content loss {loss[0]:.4g} -> {loss[-1]:.4g} ({loss[-1] / loss[0]:.2f} of the start)")
    if files.psnr is not None:
        print(f"replay through libmypaint: PSNR {files.psnr:.2f} dB vs the painter's render")
    print(f"wrote {', '.join(str(p) for p in files.paths)}")


if __name__ == "__main__":
    main()
