"""Art quality: how close strokes get to a free pixel image, and how much of the ink is clutter.

``activation``: on held-out channels of EfficientNet-Lite0 (real weights; not the ones
the tests and ``make dream`` use), optimize 100 black strokes (128 px, 100 steps,
4 'seed' views) and, in the same run, an unconstrained pixel image (raw RGB in [0, 1],
Adam lr 0.05, same steps, views and schedule). Both are scored on the same 16 fixed
held-out views; the table reports stroke / pixel activation per channel and config,
averaged over ``--seeds`` (the stroke runs' seeds; the spread is large on deep
channels). Beside it, a grey pixel image (one level per pixel, same optimizer): how
much of the pixel image's activation is colour that black ink cannot show.

``clutter``: today's ``make dream`` (blocks.4:0, 200 strokes, 224 px, 300 steps,
8 views; ``--steps`` to shorten) against the same run with stroke hygiene. Clutter is
the *dead-ink share*: the fraction of the total ink length in strokes whose removal
(exact leave-one-out on the held-out views) lowers the activation by less than a tenth
of an average stroke's share (``0.1 * A / N``), harmful strokes included. Why: ink that
does not carry the motif is exactly what reads as scribble, it costs plotter time, and
it is measured on views the optimizer never saw. Also reported: mean turning per unit
length (rad per 100 user units), and **self-crossings per 100 user units of ink**
(:func:`vecdream.dream.loops.self_crossings`): every time a stroke crosses itself it ties a
loop, the "e" shapes and knots that make a dream read as scribble and that a plotter
draws as a tangle of ink; a clean band or arc never crosses itself. PNGs and SVGs go to
``--out`` (docs/quality/ for the README).

    python benchmarks/quality.py activation --configs walk smooth smooth+prune
    python benchmarks/quality.py activation --configs default segments6 --seeds 0 1 2 3
    python benchmarks/quality.py clutter --steps 300
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from vecdream import Drawing, render
from vecdream.dream.augment import make_views, sample_views
from vecdream.dream.hygiene import Hygiene
from vecdream.dream.init import smooth_strokes
from vecdream.dream.loops import self_crossings
from vecdream.dream.optimize import optimize_strokes
from vecdream.dream.styles import DREAM
from vecdream.nets import load_net
from vecdream.objectives import channel
from vecdream.objectives.geometry import contour_lengths, turning

HELD_OUT = [("blocks.2", 7), ("blocks.3", 20), ("blocks.4", 50), ("blocks.5", 30)]
"""Channels no test, example or ``make dream`` uses."""

PREVIOUS = Hygiene(bend=0.05, untangle=0.09)
"""``vecdream dream``'s hygiene before issue 20 (at width 1)."""

CONFIGS = {
    "walk": {"hygiene": Hygiene(init="walk")},  # the first default: no regularizer
    "smooth": {"hygiene": Hygiene()},
    "walk+prune": {"hygiene": Hygiene(init="walk", prune_every=10)},
    "smooth+prune": {"hygiene": Hygiene(prune_every=10)},
    "smooth+bend": {"hygiene": Hygiene(bend=0.05)},
    "smooth+bend+prune": {"hygiene": Hygiene(bend=0.05, prune_every=10)},
    "smooth+bend0.3": {"hygiene": Hygiene(bend=0.3)},
    "previous": {"hygiene": PREVIOUS},
    "default": {"hygiene": DREAM, "width": "0.9%"},  # what `vecdream dream` does
    # More Bezier segments per starting arc (3 by default): more activation, more loops.
    "segments4": {"hygiene": PREVIOUS, "segments": 4},
    "segments6": {"hygiene": PREVIOUS, "segments": 6},
    "segments8": {"hygiene": PREVIOUS, "segments": 8},
}

EVAL_VIEWS, EVAL_SEED = 16, 1234

SEAM_CONFIGS = {
    "today (uniform windows)": {"seam_frac": 0.0},
    "seam (windows 0.5 on borders)": {"seam_frac": 0.5},
    "seam75 (windows 0.75 on borders)": {"seam_frac": 0.75},
    "jitter (2 px per-copy jitter)": {"seam_frac": 0.0, "jitter": 2.0},
    "seam+jitter (both)": {"seam_frac": 0.5, "jitter": 2.0},
}
"""Finetunes compared by ``seams``; ``--seam`` picks them by their first word."""


@torch.no_grad()
def activation(net, layer: str, c: int, images: torch.Tensor, size: int) -> torch.Tensor:
    """Mean channel activation of each image ``(N, 3, H, W)`` over the fixed held-out
    views (the same views for every image), ``(N,)``."""
    maker = make_views("seed", min(net.input_size, size))
    out = []
    for img in images:
        with torch.random.fork_rng():
            torch.manual_seed(EVAL_SEED)
            views = sample_views(img[None], maker, EVAL_VIEWS)
        out.append(net.features(views, [layer])[layer][:, c].mean())
    return torch.stack(out)


def strokes(objective, config: str, n_paths: int, size: int, **kwargs) -> Drawing:
    """``optimize_strokes`` with ``CONFIGS[config]``; a config's ``segments`` builds its
    smooth start here (the views draw from their own generator, so nothing else moves)."""
    kw = dict(CONFIGS[config])
    if "segments" in kw:
        kw["drawing"] = smooth_strokes(n_paths, size=(float(size), float(size)),
                                       segments=kw.pop("segments"),
                                       generator=torch.Generator().manual_seed(kwargs["seed"]))
    return optimize_strokes(objective=objective, n_paths=n_paths, size=size, device="cpu",
                            **kwargs, **kw).drawing


def pixel_image(net, layer: str, c: int, size: int, steps: int, views: int,
                seed: int, grey: bool = False) -> torch.Tensor:
    """An unconstrained pixel image optimized like the strokes, ``(3, size, size)``;
    ``grey``: one grey level per pixel (what black ink on white could at best show)."""
    g = torch.Generator().manual_seed(seed)
    image = (0.5 + 0.01 * torch.randn(1, 1 if grey else 3, size, size, generator=g)
             ).requires_grad_()
    opt = torch.optim.Adam([image], lr=0.05)
    maker = make_views("seed", min(net.input_size, size))
    with torch.random.fork_rng():
        for step in range(1, steps + 1):
            torch.manual_seed(seed * 100003 + step)
            for group in opt.param_groups:
                group["lr"] = 0.05 * 0.5 ** sum(step > m * steps for m in (0.5, 0.75))
            opt.zero_grad()
            views_ = sample_views(image.expand(-1, 3, -1, -1), maker, views)
            loss = -net.features(views_, [layer])[layer][:, c].mean()
            loss.backward()
            opt.step()
            with torch.no_grad():
                image.clamp_(0, 1)
    return image.detach()[0].expand(3, -1, -1)


def run_activation(args: argparse.Namespace) -> None:
    net = load_net("efficientnet_lite0")
    seeds = args.seeds
    print(f"strokes vs pixels: {args.paths} black strokes, {args.size} px, {args.steps} steps, "
          f"{args.views} views; scored on {EVAL_VIEWS} held-out views; stroke seeds {seeds} "
          "(cells: mean over seeds, (min-max) when several)")
    header = "| channel | pixel act | grey pixel act | " + " | ".join(args.configs) + " |"
    print(header + "\n|---|---:|---:|" + "---:|" * len(args.configs))
    sums = {k: 0.0 for k in args.configs}
    grey_sums = {k: 0.0 for k in args.configs}
    for layer, c in HELD_OUT:
        t = time.perf_counter()
        images = torch.stack([pixel_image(net, layer, c, args.size, args.steps, args.views, 0,
                                          grey=grey) for grey in (False, True)])
        pix, grey = activation(net, layer, c, images, args.size).tolist()
        cells = []
        for name in args.configs:
            ratios = []
            for seed in seeds:
                d = strokes(channel(net, layer, c), name, args.paths, args.size,
                            steps=args.steps, views=args.views, seed=seed)
                img = render(d, args.size, args.size)[None]
                ratios.append(float(activation(net, layer, c, img, args.size)) / pix)
            mean = sum(ratios) / len(ratios)
            sums[name] += mean / len(HELD_OUT)
            grey_sums[name] += mean * pix / grey / len(HELD_OUT)
            spread = f" ({min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else ""
            cells.append(f"{mean:.2f}{spread}")
        print(f"| {layer}:{c} | {pix:.3f} | {grey:.3f} ({grey / pix:.2f}) | "
              + " | ".join(cells) + f" |  <!-- {time.perf_counter() - t:.0f} s -->", flush=True)
    print("| **mean ratio** | | | " + " | ".join(f"**{sums[k]:.2f}**" for k in args.configs)
          + " |")
    print("| mean ratio to the grey pixel image | | | "
          + " | ".join(f"{grey_sums[k]:.2f}" for k in args.configs) + " |")


@torch.no_grad()
def clutter(net, layer: str, c: int, drawing: Drawing, size: int) -> dict[str, float]:
    """Dead-ink share (leave-one-out on the held-out views) and turning per length."""
    full = float(activation(net, layer, c, render(drawing, size, size)[None], size))
    n = len(drawing)
    drops = []
    for i in range(n):
        keep = torch.ones(n, dtype=torch.bool)
        keep[i] = False
        img = render(drawing.select(keep), size, size)[None]
        drops.append(full - float(activation(net, layer, c, img, size)))
    drops_t = torch.tensor(drops)
    lengths = contour_lengths(drawing)
    dead = drops_t < 0.1 * full / n
    energy, used = turning(drawing)
    turn = (torch.arccos((1 - energy).clamp(-1, 1)) * used).sum()
    crossings = self_crossings(drawing)
    return {"activation": full, "dead_ink": float(lengths[dead].sum() / lengths.sum()),
            "turn_per_100": float(100 * turn / lengths.sum()),
            "cross_per_100": float(100 * crossings.sum() / lengths.sum()),
            "looped": int((crossings > 0).sum()), "ink": float(lengths.sum() / size)}


def run_clutter(args: argparse.Namespace) -> None:
    from PIL import Image

    net = load_net("efficientnet_lite0")
    layer, c, size = "blocks.4", 0, 224
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"clutter: make dream ({layer}:{c}, 200 strokes, {size} px, {args.steps} steps, "
          f"8 views) before/after; held-out views {EVAL_VIEWS}")
    print("| config | activation | self-crossings / 100 units | strokes with a loop | "
          "dead-ink share | turning rad / 100 units | ink (canvas sides) |\n"
          "|---|---:|---:|---:|---:|---:|---:|")
    for name in args.configs:
        drawing = strokes(channel(net, layer, c), name, 200, size, steps=args.steps, views=8,
                          seed=0)
        m = clutter(net, layer, c, drawing, size)
        img = render(drawing, size, size).permute(1, 2, 0).clamp(0, 1).mul(255).byte().numpy()
        Image.fromarray(img).convert("L").save(args.out / f"dream_{name}.png", optimize=True)
        drawing.save_svg(args.out / f"dream_{name}.svg")
        print(f"| {name} | {m['activation']:.3f} | {m['cross_per_100']:.2f} | {m['looped']} | "
              f"{m['dead_ink']:.2f} | {m['turn_per_100']:.1f} | {m['ink']:.1f} |", flush=True)


@torch.no_grad()
def seam_scores(net, layer: str, c: int, drawing: Drawing, tiles: int, px: int
                ) -> dict[str, float]:
    """Channel activation of 224 px windows centred on tile centres (interior) and on
    tile borders (seam midpoints and crossings), no augmentation; the border/interior
    ratio; and the tile-to-tile difference (mean |ink_i - ink_j| over tile pairs / mean
    ink, ink blurred over 9 px; 0 for exact copies)."""
    image = render(drawing, px, px)[None]
    t, half = px // tiles, 112
    padded = torch.nn.functional.pad(image, [half] * 4, value=1.0)

    def score(centres):
        crops = torch.cat([padded[..., y:y + 224, x:x + 224] for x, y in centres])
        return net.features(crops, [layer])[layer][:, c].mean(dim=(1, 2))

    mids = [t * i + t // 2 for i in range(tiles)]
    seams = [t * i for i in range(1, tiles)]
    interior = score([(x, y) for x in mids for y in mids])
    border = score([(x, y) for x in seams for y in mids] + [(x, y) for x in mids for y in seams]
                   + [(x, y) for x in seams for y in seams])
    # Blurred over 8 px: a copy whose strokes moved by a pixel is not a different tile.
    ink = torch.nn.functional.avg_pool2d(1 - image[0].mean(0)[None], 9, 1, 4)[0]
    cells = [ink[j * t:(j + 1) * t, i * t:(i + 1) * t] for j in range(tiles) for i in range(tiles)]
    diffs = [float((a - b).abs().mean()) for k, a in enumerate(cells) for b in cells[k + 1:]]
    return {"interior": float(interior.mean()), "border": float(border.mean()),
            "ratio": float(border.mean() / interior.mean()),
            "tile_diff": sum(diffs) / len(diffs) / float(ink.mean())}


def run_seams(args: argparse.Namespace) -> None:
    from vecdream.dream.large import upscale

    net = load_net("efficientnet_lite0")
    tiles, small_px, px = 3, 128, 768
    print(f"seams: {args.paths} strokes at {small_px} px ({args.steps} steps), tiled "
          f"{tiles}x{tiles}, finetuned at {px} px ({args.finetune} steps, 8 windows); windows "
          "of 224 px centred on tile centres vs tile borders")
    print("| channel | finetune | interior act | border act | border / interior | "
          "tile-to-tile diff |\n|---|---|---:|---:|---:|---:|")
    for layer, c in args.seam_channels:
        obj = channel(net, layer, c)
        small = optimize_strokes(objective=obj, n_paths=args.paths, size=small_px,
                                 steps=args.steps, views=4, seed=0, device="cpu").drawing
        factor = px / (tiles * small_px)
        big = small.scaled(factor)
        from vecdream.dream.tiles import tile_drawing

        rows = {"none (tiled only)": tile_drawing(big, tiles)} if "tiled" in args.seam else {}
        for name, kw in SEAM_CONFIGS.items():
            if name.split(" ")[0] in args.seam:
                rows[name] = upscale(big, tiles, px, steps=args.finetune, views=8,
                                     objective=obj, width=float(big.widths[0]), seed=0,
                                     device="cpu", **kw).drawing
        for name, d in rows.items():
            m = seam_scores(net, layer, c, d, tiles, px)
            print(f"| {layer}:{c} | {name} | {m['interior']:.3f} | {m['border']:.3f} | "
                  f"{m['ratio']:.2f} | {m['tile_diff']:.3f} |", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("what", choices=["activation", "clutter", "seams"])
    p.add_argument("--finetune", type=int, default=60, help="finetune steps (seams)")
    p.add_argument("--seam-channels", nargs="+", default=[("blocks.4", 50), ("blocks.5", 30)],
                   type=lambda t: (t.split(":")[0], int(t.split(":")[1])),
                   help="seams: LAYER:CHANNEL ...")
    p.add_argument("--seam", nargs="+", default=["tiled", "today", "seam", "seam+jitter"],
                   choices=["tiled", "today", "seam", "seam75", "jitter", "seam+jitter"],
                   help="seams: which finetunes to compare")
    p.add_argument("--configs", nargs="+", default=None, choices=list(CONFIGS))
    p.add_argument("--paths", type=int, default=100)
    p.add_argument("--size", type=int, default=128)
    p.add_argument("--steps", type=int, default=None, help="100 (activation), 300 (clutter)")
    p.add_argument("--views", type=int, default=4)
    p.add_argument("--seeds", type=int, nargs="+", default=[0],
                   help="activation: stroke seeds to average (the pixel image uses seed 0)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", type=Path, default=Path("docs/quality"))
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    if args.what == "activation":
        args.steps = args.steps or 100
        args.configs = args.configs or ["walk", "default"]
        run_activation(args)
    elif args.what == "seams":
        args.steps = args.steps or 100
        run_seams(args)
    else:
        args.steps = args.steps or 300
        args.configs = args.configs or ["walk", "default"]
        run_clutter(args)


if __name__ == "__main__":
    main()
