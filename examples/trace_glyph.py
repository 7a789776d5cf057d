"""Trace text with brush strokes: the painting agent paints each 64 px glyph in one pass.

The shipped glyph agent (``vecdream/painter/weights/glyph_agent.pt``) maps each cell of
the image to its strokes in one forward pass through the shipped neural painter;
``--refine N`` continues with N optimization steps from there. Same as
``vecdream trace image.png --out strokes.svg``, on a line of text rendered here::

    python examples/trace_glyph.py                      # "vecdream", a few seconds
    python examples/trace_glyph.py --text Hello --refine 50

Writes ``trace_glyph.svg`` (the strokes' centre lines, for a plotter), ``.png`` (the
painter's render), ``.json`` (the actions), ``_target.png`` and, when libmypaint is
installed, ``_replay.png`` (the strokes painted by real MyPaint) into ``--out``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from vecdream.atomic import atomic_write_bytes
from vecdream.export import image_to_png_bytes
from vecdream.painter.agent import load_agent
from vecdream.painter.model import load_painter
from vecdream.painter.targets import text_image
from vecdream.painter.trace import refine, save_trace, trace


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--text", default="vecdream", help="characters to trace")
    p.add_argument("--refine", type=int, default=0, help="optimization steps after")
    p.add_argument("--out", type=Path, default=Path("out"), help="output folder")
    args = p.parse_args(argv)

    target = text_image(args.text)
    agent, painter = load_agent(), load_painter()
    t0 = time.perf_counter()
    result = trace(target, agent, painter)
    print(f"one pass: {result.actions.numel() // 12} strokes, pixel MSE {result.loss:.4f}, "
          f"{time.perf_counter() - t0:.2f} s")
    if args.refine:
        result = refine(result, target, painter, args.refine)
        print(f"refined {args.refine} steps: pixel MSE {result.loss:.4f}")
    stem = args.out / "trace_glyph"
    target_png = args.out / "trace_glyph_target.png"
    atomic_write_bytes(target_png, image_to_png_bytes(target))
    files = save_trace(result, stem.with_suffix(".svg"), metadata={"text": args.text})
    for path in [target_png, *files.paths]:
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
