"""Trace a photo with brush strokes: the photo agent paints each 64 px cell in one pass.

The shipped photo agent (``vecdream/painter/weights/photo_agent.pt``) places 10 strokes
of the ``deevad/brush`` painter per cell and each stroke takes the photo's colour at its
middle; ``--refine N`` continues with N optimization steps. Same as ``vecdream trace
photo.png --agent photo --out strokes.svg``, on scikit-image's cat (a photo the agent
never trained on)::

    python examples/trace_photo.py                  # one pass, a few seconds
    python examples/trace_photo.py --refine 50

Writes ``trace_photo.svg``, ``.png``, ``.json``, ``_target.png`` and, with libmypaint,
``_replay.png`` into ``--out``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
from torch.nn import functional as F

from vecdream.atomic import atomic_write_bytes
from vecdream.export import image_to_png_bytes
from vecdream.painter.agent import AGENTS, load_agent
from vecdream.painter.model import load_painter
from vecdream.painter.trace import refine, save_trace, trace


def cat_photo(width: int) -> torch.Tensor:
    """scikit-image's ``chelsea`` at ``width`` px wide: ``(3, H, W)`` in [0, 1]."""
    from skimage import data

    photo = torch.from_numpy(data.chelsea()).permute(2, 0, 1).float() / 255
    height = round(photo.shape[1] * width / photo.shape[2])
    return F.interpolate(photo[None], size=(height, width), mode="area")[0]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--width", type=int, default=256, help="photo width in pixels")
    p.add_argument("--refine", type=int, default=0, help="optimization steps after")
    p.add_argument("--out", type=Path, default=Path("out"), help="output folder")
    args = p.parse_args(argv)

    target = cat_photo(args.width)
    brush = AGENTS["photo"][1]
    agent, painter = load_agent("photo"), load_painter(brush=brush)
    t0 = time.perf_counter()
    result = trace(target, agent, painter)
    print(f"one pass: {result.actions.numel() // 12} strokes, pixel MSE {result.loss:.4f}, "
          f"{time.perf_counter() - t0:.2f} s")
    if args.refine:
        result = refine(result, target, painter, args.refine)
        print(f"refined {args.refine} steps: pixel MSE {result.loss:.4f}")
    target_png = args.out / "trace_photo_target.png"
    atomic_write_bytes(target_png, image_to_png_bytes(target))
    files = save_trace(result, args.out / "trace_photo.svg", metadata={"photo": "chelsea"},
                       brush=brush)
    for path in [target_png, *files.paths]:
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
