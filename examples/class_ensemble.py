"""Draw an ImageNet class with strokes, scored by one network or an ensemble.

``class_logit([net1, net2], k)`` averages the class logit over the networks: a drawing
that convinces several architectures relies less on one network's adversarial
shortcuts. Offline only EfficientNet-Lite0 has ImageNet weights, so it is the default;
with torchvision weights in the torch hub cache, ensemble three networks::

    python examples/class_ensemble.py                       # flamingo, 2-4 CPU minutes
    python examples/class_ensemble.py --class 1 --colors    # goldfish, in colour
    python examples/class_ensemble.py --nets efficientnet_lite0,vgg16,resnet18

(An untrained network in an ensemble only adds noise, so there is no ``weights=None``
option here.) Writes ``class_<k>.svg`` and ``class_<k>.png`` into ``--out``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vecdream.dream.optimize import optimize_strokes
from vecdream.export import save_png
from vecdream.nets import NET_NAMES, WeightsUnavailableError, load_net
from vecdream.objectives import class_logit


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--nets", default="efficientnet_lite0",
                   help=f"comma-separated networks from {', '.join(NET_NAMES)}")
    p.add_argument("--class", dest="class_index", type=int, default=130,
                   help="ImageNet class index (130 = flamingo, 1 = goldfish, 963 = pizza)")
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
    try:
        nets = [load_net(name.strip()) for name in args.nets.split(",")]
    except (WeightsUnavailableError, ValueError) as exc:
        sys.exit(f"error: {exc}")
    label = nets[0].categories[args.class_index] if nets[0].categories else args.class_index
    print(f"drawing class {args.class_index} ({label}) for {', '.join(n.name for n in nets)}")

    result = optimize_strokes(
        objective=class_logit(nets, args.class_index),  # mean of -logit over the nets
        n_paths=args.paths, size=args.size, steps=args.steps, views=args.views,
        augment="lucent",  # stronger jitter, scale and rotation than "seed": fewer shortcuts
        colors="free" if args.colors else False, seed=args.seed, device="cpu", progress=True,
    )

    svg = args.out / f"class_{args.class_index}.svg"
    result.drawing.save_svg(svg)
    save_png(result.drawing, svg.with_suffix(".png"))
    loss = result.history["loss"]
    print(f"mean logit {-loss[0]:.2f} -> {-loss[-1]:.2f}")
    print(f"wrote {svg} and {svg.with_suffix('.png')} ({result.drawing})")


if __name__ == "__main__":
    main()
