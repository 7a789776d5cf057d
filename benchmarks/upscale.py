"""Benchmark the large-format finetune: peak memory and seconds per step vs canvas size.

A small dream (``--paths`` random strokes on ``--from`` px) is tiled ``--tiles`` and
finetuned with :func:`vecdream.upscale` at each ``--sizes`` (EfficientNet-Lite0,
``--views`` windows of 224 px per step). Every size runs in a fresh subprocess that
reports

* ``base``: peak RSS (``ru_maxrss``) after importing everything, loading the network
  and tiling the drawing, before any step;
* ``peak``: peak RSS after ``--steps`` finetune steps; ``step memory = peak - base``,
  the memory a step adds (tracemalloc cannot see torch's allocations, RSS can);
* seconds per step, wall clock and CPU (``process_time``, all threads): the median
  over the steps after the first. On a shared machine trust CPU seconds more.

``--net tiny`` swaps the network for one untrained convolution, so what remains is the
renderer's own memory and time. ``--full`` also measures the naive way for comparison:
render the whole canvas at the size and crop the views from it (what
``optimize_strokes`` does on a big canvas).

    python benchmarks/upscale.py                      # windows at 512..4096
    python benchmarks/upscale.py --full --full-max 2048
    python benchmarks/upscale.py --net tiny
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(args: argparse.Namespace) -> dict:
    """One measurement in this process: import, set up, run steps, report."""
    import torch

    from vecdream import Drawing
    from vecdream.dream.large import upscale
    from vecdream.dream.optimize import optimize_strokes
    from vecdream.dream.tiles import tile_drawing
    from vecdream.nets import load_net
    from vecdream.objectives import channel

    if args.threads:
        torch.set_num_threads(args.threads)
    if args.net == "tiny":
        from torch import nn

        from vecdream.nets import from_module

        tiny = from_module(nn.Sequential(nn.Conv2d(3, 4, 3, stride=2)), name="tiny")
        objective = channel(tiny, "0", 0)
    else:
        objective = channel(load_net("efficientnet_lite0"), "blocks.4", 0)
    small = Drawing.random(args.paths, size=(args.src, args.src), seed=0)
    tiled = tile_drawing(small, (args.tiles, args.tiles))
    stamps: list[tuple[float, float]] = []

    def callback(_info) -> None:
        stamps.append((time.perf_counter(), time.process_time()))

    base = _rss_mb()
    start = (time.perf_counter(), time.process_time())
    common = {"steps": args.steps, "views": args.views, "objective": objective, "seed": 0,
              "device": "cpu", "callback": callback}
    if args.mode == "windows":
        upscale(small, (args.tiles, args.tiles), args.child, **common)
    else:
        scaled = tiled.scaled(args.child / tiled.size[0])
        optimize_strokes(drawing=scaled, size=args.child, **common)
    wall = [b[0] - a[0] for a, b in zip([start, *stamps], stamps, strict=False)]
    cpu = [b[1] - a[1] for a, b in zip([start, *stamps], stamps, strict=False)]
    return {"size": args.child, "mode": args.mode, "paths": len(tiled), "base_mb": base,
            "peak_mb": _rss_mb(), "step_mb": _rss_mb() - base,
            "sec_per_step": statistics.median(wall[1:] or wall),
            "cpu_per_step": statistics.median(cpu[1:] or cpu)}


def measure(size: int, mode: str, args: argparse.Namespace) -> dict:
    """Run :func:`child` in a fresh interpreter, so peaks do not leak between sizes."""
    cmd = [sys.executable, __file__, "--child", str(size), "--mode", mode,
           "--steps", str(args.steps), "--views", str(args.views), "--paths", str(args.paths),
           "--from", str(args.src), "--tiles", str(args.tiles), "--threads", str(args.threads),
           "--net", args.net]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def table(rows: list[dict]) -> str:
    """Markdown table with ratios against the first row of each mode."""
    lines = ["| mode | size | paths | peak RSS (MB) | step memory (MB) | ratio "
             "| wall s / step | ratio | CPU s / step | ratio |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    first: dict[str, dict] = {}
    for r in rows:
        ref = first.setdefault(r["mode"], r)
        lines.append(
            f"| {r['mode']} | {r['size']}² | {r['paths']} | {r['peak_mb']:.0f} | "
            f"{r['step_mb']:.0f} | "
            f"{r['step_mb'] / max(ref['step_mb'], 1e-9):.2f} | {r['sec_per_step']:.2f} | "
            f"{r['sec_per_step'] / ref['sec_per_step']:.2f} | {r['cpu_per_step']:.2f} | "
            f"{r['cpu_per_step'] / ref['cpu_per_step']:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[512, 1024, 2048, 4096])
    p.add_argument("--steps", type=int, default=3, help="finetune steps per size")
    p.add_argument("--views", type=int, default=8)
    p.add_argument("--paths", type=int, default=200, help="strokes of the small dream")
    p.add_argument("--from", dest="src", type=int, default=256, help="small canvas side")
    p.add_argument("--tiles", type=int, default=4, help="k for k x k tiles")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    p.add_argument("--net", choices=["efficientnet_lite0", "tiny"], default="efficientnet_lite0",
                   help="tiny: one untrained conv, to see the renderer alone")
    p.add_argument("--full", action="store_true", help="also measure full-canvas renders")
    p.add_argument("--full-max", type=int, default=2048, help="largest full-canvas size")
    p.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--mode", default="windows", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return
    rows = [measure(s, "windows", args) for s in args.sizes]
    if args.full:
        rows += [measure(s, "full", args) for s in args.sizes if s <= args.full_max]
    print(f"{args.paths} paths at {args.src} px tiled {args.tiles}x{args.tiles}, {args.net}, "
          f"{args.views} views of 224 px, {args.steps} steps, CPU")
    print(table(rows))


if __name__ == "__main__":
    main()
