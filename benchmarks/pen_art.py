"""Pen art: do ``vecdream dream``'s defaults read as the channel, with clean line work?

Per held-out channel of EfficientNet-Lite0 (no test, example or gallery uses them) and
per seed, the dream command's job (224 px, 200 strokes, 300 steps, 8 'seed' views) is
run in three configurations:

* ``default``: what ``vecdream dream`` does now (style ``clean``: width 0.9 % of the
  side, :data:`vecdream.dream.styles.DREAM`);
* ``previous``: the default before issue 20 (width 1, smooth arcs, bending 0.05,
  untangle 0.09, learning rates halved);
* ``colour``: ``--style colour``;
* the levers tried on the way (:data:`LEVERS`, by name with ``--configs``).

Beside them, in the same run, a grey pixel image (one level per pixel) and a colour
pixel image, optimized with the same steps, views and schedule (Adam 0.05 on raw pixels).
Every image is scored on its **plain render** (no augmentation): ratio = the channel's
mean activation on the drawing / on the pixel image (grey for black ink, colour for
the colour style). The line work is measured by :mod:`linework` on the SVG the run
wrote (re-read from disk).

Rows are appended to ``--csv``; a row already there is not run again, so the job can be
split (one channel per call) and resumed. ``--report`` prints the tables.

``--large`` runs the seed project's headline job through the CLI, ``vecdream dream
--size 1024 --from 256 --tiles 4x4`` on a held-out channel (``--finetune`` steps at
1024 px), and reports the activation of 224 px windows on tile borders over windows on
tile centres (no augmentation) and the line work of the large drawing. ``--walltime``
times ``make dream``'s job (blocks.4:0, 200 strokes, 224 px, 8 views) with the previous
defaults and with today's, alternating, and prints the ratio.

    python benchmarks/pen_art.py --channels blocks.3:33 --seeds 0 1 2
    python benchmarks/pen_art.py --report
    python benchmarks/pen_art.py --large blocks.4:77
    python benchmarks/pen_art.py --walltime --steps 100
    python benchmarks/pen_art.py --pictures    # docs/quality/: previous | default | colour
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from dataclasses import replace
from pathlib import Path

import torch
from linework import METRICS, linework
from quality import pixel_image

from vecdream import Drawing, render
from vecdream.dream.hygiene import Hygiene
from vecdream.dream.init import smooth_strokes
from vecdream.dream.optimize import optimize_strokes
from vecdream.dream.styles import DREAM, STYLES
from vecdream.nets import load_net
from vecdream.objectives import channel

CHANNELS = ["blocks.2:12", "blocks.2:25", "blocks.3:33", "blocks.3:61", "blocks.4:77",
            "blocks.5:111"]
"""Held out: no test, example, gallery or ``make dream`` uses these channels."""

CONFIGS = {
    "default": dict(STYLES["clean"]),
    "previous": {"n_paths": 200, "width": 1.0, "hygiene": Hygiene(bend=0.05, untangle=0.09)},
    "colour": dict(STYLES["colour"]),
}
_PREV = Hygiene(bend=0.05, untangle=0.09)
LEVERS = {  # what was measured on the way to the default (BENCHMARKS.md, "Pen art")
    "bold": {"width": "0.9%", "hygiene": _PREV},
    "xing+od100": {"width": "0.9%", "hygiene": replace(DREAM, bend=0.05, overdraw=100.0)},
    "bend5": {"width": "0.9%", "hygiene": replace(DREAM, bend=5.0)},
    "od100": {"width": "0.9%", "hygiene": replace(DREAM, overdraw=100.0)},
    "od300": {"width": "0.9%", "hygiene": replace(DREAM, overdraw=300.0)},
    "od1000": {"width": "0.9%", "hygiene": replace(DREAM, overdraw=1000.0)},
    "segments4": {"width": "0.9%", "hygiene": DREAM, "segments": 4},
    "segments2-long": {"width": "0.9%", "hygiene": DREAM, "segments": 2, "arc": (0.2, 0.4)},
    "segments1-long": {"width": "0.9%", "hygiene": DREAM, "segments": 1, "arc": (0.15, 0.35)},
}
"""Each a change of one or two levers against ``default`` (200 strokes)."""
CONFIGS.update(LEVERS)
SIZE, STEPS, VIEWS = 224, 300, 8
FIELDS = ["config", "channel", "seed", "activation", "pixel", "ratio", "seconds", *METRICS,
          "strokes"]


@torch.no_grad()
def plain_activation(net, layer: str, c: int, image: torch.Tensor) -> float:
    """Mean activation of channel ``c`` on ``image (3, H, W)`` as it is (no views)."""
    return float(net.features(image[None], [layer])[layer][:, c].mean())


def done_rows(path: Path) -> set[tuple[str, str, int]]:
    if not path.exists():
        return set()
    with path.open() as fh:
        return {(r["config"], r["channel"], int(r["seed"])) for r in csv.DictReader(fh)}


def run_channel(net, spec: str, args: argparse.Namespace) -> None:
    layer, c = spec.split(":")[0], int(spec.split(":")[1])
    done = done_rows(args.csv)
    todo = [(cfg, seed) for cfg in args.configs
            for seed in (args.seeds if cfg == "default" else args.seeds[:args.other_seeds])
            if (cfg, spec, seed) not in done]
    if not todo:
        return
    pixels = {}
    for grey in (True, False):
        image = pixel_image(net, layer, c, SIZE, args.steps, VIEWS, 0, grey=grey)
        pixels["grey" if grey else "colour"] = plain_activation(net, layer, c, image)
    for cfg, seed in todo:
        t = time.perf_counter()
        kw = dict(CONFIGS[cfg])
        if "segments" in kw:  # a smooth start with other arcs (same draws otherwise)
            kw["drawing"] = smooth_strokes(200, size=(SIZE, SIZE), segments=kw.pop("segments"),
                                           length=kw.pop("arc", (0.1, 0.3)), width=2.016,
                                           generator=torch.Generator().manual_seed(seed))
        d = optimize_strokes(objective=channel(net, layer, c), size=SIZE, steps=args.steps,
                             views=VIEWS, seed=seed, device="cpu", **kw).drawing
        seconds = time.perf_counter() - t
        svg = args.out / f"{cfg}_{layer}_{c}_s{seed}.svg"
        d.save_svg(svg)
        d = Drawing.from_svg(svg)
        act = plain_activation(net, layer, c, render(d, SIZE, SIZE))
        pixel = pixels["colour" if cfg == "colour" else "grey"]
        lw = linework(d)
        row = {"config": cfg, "channel": spec, "seed": seed, "activation": f"{act:.4f}",
               "pixel": f"{pixel:.4f}", "ratio": f"{act / pixel:.4f}",
               "seconds": f"{seconds:.0f}", **{k: f"{lw[k]:.4f}" for k in METRICS},
               "strokes": int(lw["strokes"])}
        new = not args.csv.exists()
        with args.csv.open("a", newline="") as fh:
            out = csv.DictWriter(fh, FIELDS)
            if new:
                out.writeheader()
            out.writerow(row)
        print(" ".join(f"{k} {v}" for k, v in row.items()), flush=True)


def report(path: Path) -> None:
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    configs = [c for c in CONFIGS if any(r["config"] == c for r in rows)]
    print("| channel | " + " | ".join(f"{c} ratio (min-max)" for c in configs) + " |")
    print("|---|" + "---:|" * len(configs))
    for spec in dict.fromkeys(r["channel"] for r in rows):
        cells = []
        for cfg in configs:
            rs = [float(r["ratio"]) for r in rows if r["channel"] == spec and r["config"] == cfg]
            cells.append(f"{statistics.mean(rs):.2f} ({min(rs):.2f}-{max(rs):.2f}, n={len(rs)})"
                         if rs else "")
        print(f"| {spec} | " + " | ".join(cells) + " |")
    print("\n| config | drawings | " + " | ".join(f"{m} (median)" for m in METRICS) + " |")
    print("|---|---:|" + "---:|" * len(METRICS))
    for cfg in configs:
        rs = [r for r in rows if r["config"] == cfg]
        print(f"| {cfg} | {len(rs)} | " + " | ".join(
            f"{statistics.median(float(r[m]) for r in rs):.3f}" for m in METRICS) + " |")
    print("\nworst drawing per metric (default): " + ", ".join(
        f"{m} {max(float(r[m]) for r in rows if r['config'] == 'default'):.3f}"
        for m in METRICS if m not in ("min_len", "width")) + f"; shortest stroke "
        f"{min(float(r['min_len']) for r in rows if r['config'] == 'default'):.3f} of the side")


def run_large(net, spec: str, args: argparse.Namespace) -> None:
    import subprocess
    import sys

    from quality import seam_scores

    layer, c = spec.split(":")[0], int(spec.split(":")[1])
    svg = args.out / f"large_{layer}_{c}.svg"
    cmd = [sys.executable, "-m", "vecdream", "dream", "--layer", layer, "--channel", str(c),
           "--size", "1024", "--from", "256", "--tiles", "4x4", "--steps", str(args.steps),
           "--finetune-steps", str(args.finetune),
           "--seed", "0", "--device", "cpu", "--out", str(svg)]
    t = time.perf_counter()
    subprocess.run(cmd, check=True)
    seconds = time.perf_counter() - t
    d = Drawing.from_svg(svg)
    m = seam_scores(net, layer, c, d, 4, 1024)
    lw = linework(d)
    print(f"large {spec}: {seconds:.0f} s, {len(d)} strokes; windows border / interior "
          f"{m['border']:.3f} / {m['interior']:.3f} = {m['ratio']:.2f}; tile-to-tile diff "
          f"{m['tile_diff']:.3f}; " + " ".join(f"{k} {lw[k]:.3f}" for k in METRICS))


def pictures(args: argparse.Namespace, dest: Path = Path("docs/quality")) -> None:
    """Side by side, per channel: previous, default and colour (seed 0), 448 px each."""
    from PIL import Image

    dest.mkdir(parents=True, exist_ok=True)
    for spec in args.channels:
        layer, c = spec.split(":")
        names = [args.out / f"{cfg}_{layer}_{c}_s0.svg" for cfg in ("previous", "default",
                                                                   "colour")]
        if not all(n.exists() for n in names):
            continue
        row = torch.cat([render(Drawing.from_svg(n), 448, 448) for n in names], dim=2)
        png = dest / f"pen_art_{layer.replace('.', '')}_{c}.png"
        array = row.permute(1, 2, 0).clamp(0, 1).mul(255).round().byte().numpy()
        Image.fromarray(array).quantize(64).save(png, optimize=True)
        print(f"wrote {png}: previous | default | colour")


def run_walltime(net, args: argparse.Namespace) -> None:
    objective = channel(net, "blocks.4", 0)
    times: dict[str, list[float]] = {"previous": [], "default": []}
    for _ in range(args.repeats):
        for cfg in times:
            t = time.perf_counter()
            optimize_strokes(objective=objective, size=SIZE, steps=args.steps, views=VIEWS,
                             seed=0, device="cpu", **CONFIGS[cfg])
            times[cfg].append(time.perf_counter() - t)
    prev, new = (statistics.median(times[k]) for k in ("previous", "default"))
    print(f"make dream's job, {args.steps} steps, median of {args.repeats}: previous "
          f"{prev:.1f} s, default {new:.1f} s, ratio {new / prev:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--channels", nargs="+", default=CHANNELS, help="LAYER:CHANNEL ...")
    ap.add_argument("--configs", nargs="+", default=["default", "previous", "colour"],
                    choices=list(CONFIGS))
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--other-seeds", type=int, default=1,
                    help="seeds of the configs other than default (the first N of --seeds)")
    ap.add_argument("--steps", type=int, default=STEPS)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--csv", type=Path, default=Path("benchmarks/results/pen_art.csv"))
    ap.add_argument("--out", type=Path, default=Path("out/pen_art"), help="SVGs written here")
    ap.add_argument("--report", action="store_true", help="print the tables of --csv")
    ap.add_argument("--large", metavar="LAYER:CHANNEL", help="the 1024 px job on this channel")
    ap.add_argument("--walltime", action="store_true", help="time make dream's job")
    ap.add_argument("--repeats", type=int, default=2, help="--walltime: runs per config")
    ap.add_argument("--finetune", type=int, default=100, help="--large: finetune steps")
    ap.add_argument("--pictures", action="store_true",
                    help="docs/quality/pen_art_<channel>.png from the SVGs in --out")
    args = ap.parse_args()
    if args.report:
        report(args.csv)
        return
    if args.pictures:
        pictures(args)
        return
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    args.csv.parent.mkdir(parents=True, exist_ok=True)
    net = load_net("efficientnet_lite0")
    if args.large:
        return run_large(net, args.large, args)
    if args.walltime:
        return run_walltime(net, args)
    for spec in args.channels:
        run_channel(net, spec, args)


if __name__ == "__main__":
    main()
