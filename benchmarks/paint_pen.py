"""Painting a photo with the pen: does the picture read? (issue 22, item 5)

On scikit-image's sample photos (astronaut, chelsea, coffee; offline), at ``--size`` px
long side, each method paints through :func:`vecdream.dream.optimize.optimize_strokes`
with EfficientNet-Lite0's blocks.2 content loss, as ``vecdream paint`` does:

* ``before``: the defaults before this work (200 random-walk strokes 1 unit wide,
  coloured by the photo under their first point, 500 steps);
* ``paint``: what ``vecdream paint`` does now (:func:`vecdream.dream.photo.paint_setup`).

Reported per photo and method: the feature distance (the content loss of the painting's
render) over a blank white page's, PSNR against the photo, seconds, and a side-by-side
sheet (photo | methods) written to ``--out``. Goals: feature distance <= 0.5 of a blank
page's, and a person can tell what the photo showed.

    python benchmarks/paint_pen.py [--size 192] [--steps 500] [--methods before paint]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from vecdream import render
from vecdream.dream.optimize import optimize_strokes
from vecdream.dream.photo import paint_setup, photo_start
from vecdream.nets import load_net
from vecdream.objectives import DreamContext, content
from vecdream.painter.brush_export import psnr

PHOTOS = ("astronaut", "chelsea", "coffee")


def sample_photo(name: str, size: int) -> torch.Tensor:
    from skimage import data

    im = Image.fromarray(getattr(data, name)())
    scale = size / max(im.size)
    im = im.resize((round(im.width * scale), round(im.height * scale)), Image.LANCZOS)
    return torch.tensor(np.array(im)).permute(2, 0, 1).float() / 255


def feature_distance(objective, image: torch.Tensor) -> float:
    """``objective`` (a content loss) of the plain image ``(3, H, W)``."""
    with torch.no_grad():
        return float(objective(DreamContext(image[None], image[None], [])))


def save_sheet(tiles: list[torch.Tensor], path: Path) -> None:
    """The images ``(3, H, W)`` side by side with a white gap, as a PNG."""
    sheet = torch.cat([torch.nn.functional.pad(t, (2, 2, 2, 2), value=1.0) for t in tiles], 2)
    Image.fromarray((sheet.permute(1, 2, 0).clamp(0, 1).numpy() * 255).astype(np.uint8)
                    ).save(path)


def paint(method: str, photo: torch.Tensor, objective, steps: int, seed: int):
    if method == "before":
        start = photo_start(photo, 200, width=1.0, seed=seed)
        return optimize_strokes(None, objective=objective, drawing=start, colors="free",
                                lr_colors=0.02, size=(photo.shape[2], photo.shape[1]),
                                steps=steps, width=1.0, seed=seed, device="cpu").drawing
    setup = paint_setup(photo, seed=seed)
    return optimize_strokes(None, objective=objective + setup.extra, drawing=setup.start,
                            colors="free", lr_colors=0.02, size=setup.size, steps=steps,
                            width=setup.width, seed=seed, device="cpu").drawing


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=192)
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--photos", nargs="+", default=list(PHOTOS))
    p.add_argument("--methods", nargs="+", default=["before", "paint"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", type=Path, default=Path("out/bench_paint_pen"))
    p.add_argument("--json", type=Path, default=None, help="append one JSON row per result")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    net = load_net("efficientnet_lite0")
    print(f"{'photo':<10} {'method':<8} {'feature / blank':>15} {'PSNR dB':>8} {'s':>6}")
    for name in args.photos:
        photo = sample_photo(name, args.size)
        objective = content(net, "blocks.2", photo)
        h, w = photo.shape[1:]

        blank = feature_distance(objective, torch.ones(3, h, w))
        tiles = [photo]
        for method in args.methods:
            t0 = time.perf_counter()
            drawing = paint(method, photo, objective, args.steps, args.seed)
            seconds = time.perf_counter() - t0
            with torch.no_grad():
                image = render(drawing, w, h)
            ratio = feature_distance(objective, image) / blank
            psnr_db = psnr(image, photo)
            print(f"{name:<10} {method:<8} {ratio:>15.3f} {psnr_db:>8.2f} {seconds:>6.0f}",
                  flush=True)
            drawing.save_svg(args.out / f"{name}_{method}.svg")
            tiles.append(image)
            if args.json:
                with args.json.open("a") as f:
                    f.write(json.dumps({"photo": name, "method": method, "size": args.size,
                                        "steps": args.steps, "feature_ratio": ratio,
                                        "psnr": psnr_db, "seconds": seconds}) + "\n")
        save_sheet(tiles, args.out / f"{name}_sheet.png")


if __name__ == "__main__":
    main()
