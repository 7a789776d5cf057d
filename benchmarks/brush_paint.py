"""Painting with the learned brush: does the picture read? (issue 22)

On a flat-colour face (an emoji-like target drawn here, so it runs offline) and
scikit-image's chelsea cat, at ``--size`` px, ``--steps`` steps of
:func:`vecdream.painter.optimize.optimize_brush` (``paint --medium brush``'s layout: 4
strokes per 64 px cell on 2 grids), for each shipped painter (``classic/pen``,
``tanda/marker-01``, ``deevad/brush``), with the content loss alone (EfficientNet-Lite0
blocks.2, what ``paint`` did before), with the blurred pixel match beside it
(:func:`vecdream.dream.photo.paint_pixels`, what it does now), and coarse to fine: the
same objective, half the steps on 64 px cells, then a second canvas of ``--fine`` px
cells painted over the first one's result for the other half (issue 22, item 3), and
the same with every stroke's colour taken from the target in closed form
(``colour_target``: the alpha-weighted mean of the target under the stroke) rather
than learned, and that with idle strokes re-seeded where the loss's gradient is largest
(``reseed``). Targets may also be held-out emoji from npm (``--targets emoji``, fetched
when the script runs) or other scikit-image photos. Reported: feature distance over a
blank page's, PSNR against the target, strokes, seconds; a sheet per target; ``--json``
appends one row per painting.

    python benchmarks/brush_paint.py [--size 128] [--steps 100] [--fine 32]
        [--only content pixels layers photo reseed] [--painters classic/pen ...]
        [--targets face chelsea emoji coffee ...] [--json rows.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from vecdream.dream.photo import BRUSH_PIXEL_WEIGHT, paint_pixels
from vecdream.nets import load_net
from vecdream.objectives import content
from vecdream.painter.brush_export import psnr
from vecdream.painter.model import PAINTERS, load_painter
from vecdream.painter.optimize import optimize_brush

sys.path.insert(0, str(Path(__file__).parent))
from iconify import iconify_svgs, svg_to_image  # noqa: E402
from paint_pen import feature_distance, sample_photo, save_sheet  # noqa: E402

EMOJI_SET = "@iconify-json/fluent-emoji-flat"
EMOJI = ("grinning-face", "red-apple", "sun", "tropical-fish", "house", "rocket",
         "cat-face", "four-leaf-clover")
"""Held-out flat-colour artwork: emoji no brush setting was tuned on, of varied shapes."""


def face(size: int) -> torch.Tensor:
    """A flat-colour smiley on white ``(3, size, size)``."""
    s = size
    im = Image.new("RGB", (s, s), "white")
    d = ImageDraw.Draw(im)
    d.ellipse([s * 0.1, s * 0.1, s * 0.9, s * 0.9], fill=(255, 200, 40))
    for x in (0.3, 0.6):
        d.ellipse([s * x, s * 0.3, s * (x + 0.1), s * 0.45], fill=(60, 40, 30))
    d.arc([s * 0.3, s * 0.45, s * 0.7, s * 0.75], 20, 160, fill=(200, 40, 40),
          width=max(2, s // 25))
    return torch.tensor(np.array(im)).permute(2, 0, 1).float() / 255


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=128)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--fine", type=int, default=32, help="cell of the coarse-to-fine layer")
    p.add_argument("--pixel-weight", type=float, default=BRUSH_PIXEL_WEIGHT,
                   help="weight of the blurred pixel match (paint_pixels)")
    p.add_argument("--only", choices=("content", "pixels", "layers", "photo", "reseed"),
                   nargs="+", default=("content", "pixels", "layers", "photo"),
                   help="the runs: photo is layers with the colours from the target, "
                        "reseed is photo with idle strokes moved to the worst spots")
    p.add_argument("--reseed", type=float, nargs="+", default=[0.3, 0.6],
                   help="the reseed run: fractions of each layer's steps to re-seed after")
    p.add_argument("--reseed-share", type=float, default=0.1)
    p.add_argument("--painters", nargs="+", choices=PAINTERS, default=list(PAINTERS))
    p.add_argument("--targets", nargs="+", default=["face", "chelsea"],
                   help="'face' (drawn here), 'emoji' (the EMOJI from npm's "
                        f"{EMOJI_SET}, fetched now), emoji:NAME, or scikit-image photo "
                        "names, e.g. coffee astronaut (photos no brush setting was tuned on)")
    p.add_argument("--json", type=Path, default=None, help="append one row per painting")
    p.add_argument("--out", type=Path, default=Path("out/bench_brush_paint"))
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    net = load_net("efficientnet_lite0")
    print(f"{'target':<8} {'painter':<16} {'objective':<17} {'feature/blank':>13} "
          f"{'PSNR dB':>8} {'strokes':>7} {'s':>5}")
    names = [n for t in args.targets for n in (
        [f"emoji:{e}" for e in EMOJI] if t == "emoji" else [t])]
    emoji = iconify_svgs(EMOJI_SET) if any(n.startswith("emoji:") for n in names) else {}
    for name in names:
        if name.startswith("emoji:"):
            target = svg_to_image(emoji[name.removeprefix("emoji:")], args.size)
        else:
            target = face(args.size) if name == "face" else sample_photo(name, args.size)
        h, w = target.shape[1:]
        base = content(net, "blocks.2", target)

        blank = feature_distance(base, torch.ones_like(target))
        print(f"{name:<8} {'blank page':<16} {'':<17} {1.0:>13.3f} "
              f"{psnr(torch.ones_like(target), target):>8.2f}")
        tiles = [target]
        with_pixels = base + paint_pixels(target, args.pixel_weight)
        for brush in args.painters:
            painter = load_painter(brush=brush)
            layered = ((64, args.steps // 2), (args.fine, args.steps - args.steps // 2))
            for key, label, objective, plan in (
                    ("content", "content", base, ((64, args.steps),)),
                    ("pixels", "content + pixels", with_pixels, ((64, args.steps),)),
                    ("layers", "+ pixels, 64 > " + str(args.fine), with_pixels, layered),
                    ("photo", "  + photo colour", with_pixels, layered),
                    ("reseed", "  + reseed", with_pixels, layered)):
                if key not in args.only:
                    continue
                t0, image, strokes = time.perf_counter(), torch.ones(3), 0
                for cell, steps in plan:  # each layer painted over the last one's result
                    r = optimize_brush(objective, (w, h), painter=painter, cell=cell,
                                       background=image, init_image=target, steps=steps,
                                       seed=0, device="cpu",
                                       colour_target=target if key in ("photo", "reseed")
                                       else None,
                                       reseed=args.reseed if key == "reseed" else (),
                                       reseed_share=args.reseed_share)
                    image, strokes = r.image[0], strokes + r.actions.shape[1]
                row = {"target": name, "painter": brush, "objective": label.strip(),
                       "feature_over_blank": round(feature_distance(base, image) / blank, 4),
                       "psnr": round(float(psnr(image, target)), 2), "strokes": strokes,
                       "seconds": round(time.perf_counter() - t0, 1), "size": args.size,
                       "steps": args.steps}
                print(f"{name:<8} {brush:<16} {label:<17} {row['feature_over_blank']:>13.3f} "
                      f"{row['psnr']:>8.2f} {strokes:>7} {row['seconds']:>5.0f}", flush=True)
                if args.json is not None:
                    with args.json.open("a") as f:
                        f.write(json.dumps(row) + "\n")
                tiles.append(image)
        save_sheet(tiles, args.out / f"{name.replace(':', '_')}_sheet.png")


if __name__ == "__main__":
    main()
