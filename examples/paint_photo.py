"""Paint a photo with strokes: match a network's view of the photo ("content loss").

The strokes are the medium, so what comes out is the photo re-drawn in strokes
("intrinsic style transfer"). Without a photo argument a synthetic test image
(colour gradients, a red disk, a dark square) is painted, so the example runs offline::

    python examples/paint_photo.py                  # synthetic test image, a few CPU minutes
    python examples/paint_photo.py my_photo.jpg --paths 600 --steps 300
    python examples/paint_photo.py my_photo.jpg --net vgg16 --layer conv2_2  # needs weights

Writes ``paint_photo.svg`` and ``paint_photo.png`` (and ``paint_photo_target.png``,
the image that was painted) into ``--out``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from vecdream.dream.optimize import optimize_strokes
from vecdream.dream.photo import load_photo, paint_setup
from vecdream.export import image_to_png_bytes, save_png
from vecdream.nets import WeightsUnavailableError, load_net
from vecdream.objectives import content

# An early layer: edges and colours, so the painting keeps the photo's layout.
DEFAULT_LAYER = {"efficientnet_lite0": "blocks.1", "vgg16": "conv2_2", "resnet18": "layer1"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("photo", nargs="?", type=Path, default=None,
                   help="image to paint (default: a synthetic test image)")
    p.add_argument("--net", default="efficientnet_lite0", choices=sorted(DEFAULT_LAYER))
    p.add_argument("--layer", default=None, help="layer to match (default: an early one)")
    p.add_argument("--steps", type=int, default=150, help="Adam steps")
    p.add_argument("--paths", type=int, default=500, help="number of strokes")
    p.add_argument("--size", type=int, default=224, help="long side of the canvas in pixels")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("out/examples"), help="output folder")
    return p.parse_args(argv)


def synthetic_photo(size: int) -> torch.Tensor:
    """A test 'photo' ``(3, size, size)``: gradients, a red disk and a dark square."""
    yy, xx = torch.meshgrid(torch.linspace(0, 1, size), torch.linspace(0, 1, size),
                            indexing="ij")
    image = torch.stack([xx, yy, 0.5 + 0.5 * torch.sin(6 * xx)])
    image[:, (xx - 0.4) ** 2 + (yy - 0.5) ** 2 < 0.06] = torch.tensor([0.9, 0.2, 0.1])[:, None]
    image[:, (xx > 0.6) & (xx < 0.9) & (yy > 0.15) & (yy < 0.45)] = 0.05
    return image


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.photo is None:
        print("no photo given: painting a synthetic test image (gradients, disk, square)")
        photo = synthetic_photo(args.size)
    else:
        photo = load_photo(args.photo, args.size)
    try:
        net = load_net(args.net)
    except WeightsUnavailableError as exc:
        sys.exit(f"error: {exc}")
    layer = args.layer or DEFAULT_LAYER[args.net]

    # vecdream paint's pen defaults: strokes laid along the photo's edges in its colours,
    # free widths, and a blurred pixel match beside the network's view
    setup = paint_setup(photo, args.paths, seed=args.seed)
    result = optimize_strokes(
        objective=content(net, layer, photo) + setup.extra,  # MSE of the layer + pixels
        drawing=setup.start, size=setup.size, steps=args.steps,
        views=1, augment=None,  # content compares the plain render: no random views
        colors="free", width=setup.width, lr_colors=0.02,
        seed=args.seed, device="cpu", progress=True,
    )

    args.out.mkdir(parents=True, exist_ok=True)
    svg = args.out / "paint_photo.svg"
    result.drawing.save_svg(svg)
    save_png(result.drawing, svg.with_suffix(".png"))
    (args.out / "paint_photo_target.png").write_bytes(image_to_png_bytes(photo))
    loss = result.history["loss"]
    print(f"content({net.name}:{layer}): loss {loss[0]:.4g} -> {loss[-1]:.4g}")
    print(f"wrote {svg} and {svg.with_suffix('.png')} ({result.drawing})")


if __name__ == "__main__":
    main()
