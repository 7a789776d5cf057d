"""One channel in the three named styles: clean, dense and colour (``--style``), and the
clean style with one stroke-hygiene knob changed.

A style is a documented set of :func:`vecdream.optimize_strokes` options
(:data:`vecdream.dream.styles.STYLES`: strokes, width, a
:class:`~vecdream.dream.hygiene.Hygiene`); any option passed next to it wins. The same
from the command line: ``vecdream dream --layer blocks.4 --channel 50 --style dense``, and
``--overdraw 300`` for the last drawing (``plotter.svg``: less ink drawn twice, at some
activation; BENCHMARKS.md, "Pen art").

    python examples/dream_styles.py                      # about a CPU minute per style
    python examples/dream_styles.py --steps 2 --size 48  # seconds: a smoke test

Writes ``<style>.svg``, ``<style>.png`` and ``plotter.svg`` / ``.png`` into ``--out``.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from vecdream.dream.optimize import optimize_strokes
from vecdream.dream.styles import DREAM, STYLES
from vecdream.export import save_png
from vecdream.nets import load_net
from vecdream.objectives import channel


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--layer", default="blocks.4", help="EfficientNet-Lite0 layer")
    p.add_argument("--channel", type=int, default=50)
    p.add_argument("--size", type=int, default=160, help="canvas side (units = px)")
    p.add_argument("--steps", type=int, default=120)
    p.add_argument("--paths", type=int, default=None, help="override the style's count")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("out/styles"))
    args = p.parse_args(argv)
    objective = channel(load_net("efficientnet_lite0"), args.layer, args.channel)
    variants = {**STYLES, "plotter": {**STYLES["clean"],
                                      "hygiene": replace(DREAM, overdraw=300.0)}}
    for name, options in variants.items():
        if args.paths is not None:
            options = {**options, "n_paths": args.paths}
        result = optimize_strokes(objective=objective, size=args.size, steps=args.steps,
                                  views=4, seed=args.seed, device="cpu", **options)
        result.drawing.save_svg(args.out / f"{name}.svg")
        save_png(result.drawing, args.out / f"{name}.png")
        print(f"{name}: {len(result.drawing)} strokes, loss {result.history['loss'][-1]:.3f}")


if __name__ == "__main__":
    main()
