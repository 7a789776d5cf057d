"""Seconds per dream step, split into render / augment / network / optimizer.

The job is the seed project's default shape: 200 black paths of width 1 on a 224 px
canvas, 8 views of the ``"seed"`` augmentation, minus the mean activation of one
channel of a mid layer (EfficientNet-Lite0 ``blocks.4``, VGG16 ``conv3_3``, ResNet18
``layer3``). VGG16 and ResNet18 are untrained (``weights=None``): the time of a step
does not depend on the weights, and none are needed offline.

How forward and backward are attributed: the step is built as three chained graphs,
each starting at a detached leaf, so every stage's backward runs on its own::

    params -> render -> image | leaf -> views -> views | leaf -> network + loss
    loss.backward();  views.backward(leaf.grad);  image.backward(leaf.grad);  Adam

Each part is the median over ``--steps`` timed steps after ``--warmup`` steps. The
real, fused step (a one-step ``optimize_strokes`` call, set-up included) alternates
with the split one, to show that cutting the graph costs nothing. The target is a
renderer share of at most 15 % of a step.

    python benchmarks/dream.py                          # efficientnet_lite0 and vgg16
    python benchmarks/dream.py --net resnet18 --steps 10 --threads 2
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable

import torch

from vecdream import Drawing, render
from vecdream.dream.augment import make_views, sample_views
from vecdream.dream.optimize import optimize_strokes
from vecdream.nets import load_net
from vecdream.objectives import DreamContext, Objective, channel

LAYERS = {"efficientnet_lite0": "blocks.4", "vgg16": "conv3_3", "resnet18": "layer3"}
PARTS = ("render", "augment", "network", "optimizer")


def _clock(device: torch.device) -> Callable[[], float]:
    def now() -> float:
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        return time.perf_counter()
    return now


@torch.no_grad()
def keep_on_canvas(drawing: Drawing) -> None:
    """What optimize_strokes does after each Adam step: points stay near the canvas."""
    margin = 0.1 * max(drawing.size)
    drawing.points[..., 0].clamp_(-margin, drawing.size[0] + margin)
    drawing.points[..., 1].clamp_(-margin, drawing.size[1] + margin)


def split_step(drawing: Drawing, objective: Objective, optimizer: torch.optim.Optimizer,
               views: Callable, n_views: int, size: int, now: Callable[[], float]
               ) -> dict[str, float]:
    """One optimization step in three chained graphs; seconds per (part, direction)."""
    t = {}
    t0 = now()
    optimizer.zero_grad(set_to_none=True)
    image = render([drawing], size, size)
    t1 = now()
    image_leaf = image.detach().requires_grad_()
    batch = sample_views(image_leaf, views, n_views)
    t2 = now()
    batch_leaf = batch.detach().requires_grad_()
    loss = objective(DreamContext(batch_leaf, image_leaf.detach(), [drawing], objective.needs))
    t3 = now()
    loss.backward()
    t4 = now()
    batch.backward(batch_leaf.grad)
    t5 = now()
    image.backward(image_leaf.grad)
    t6 = now()
    optimizer.step()
    keep_on_canvas(drawing)
    t7 = now()
    t["render fwd"], t["augment fwd"], t["network fwd"] = t1 - t0, t2 - t1, t3 - t2
    t["network bwd"], t["augment bwd"], t["render bwd"] = t4 - t3, t5 - t4, t6 - t5
    t["optimizer"] = t7 - t6
    return t


def bench(net_name: str, args: argparse.Namespace) -> dict[str, float]:
    """Median seconds of every part, and of the fused step, for one network."""
    device = torch.device(args.device)
    now = _clock(device)
    weights = "imagenet" if net_name == "efficientnet_lite0" else None
    net = load_net(net_name, weights=weights, device=device)
    objective = channel(net, LAYERS[net_name], 0)
    views = make_views("seed", min(net.input_size, args.size))
    torch.manual_seed(0)
    drawing = Drawing.random(args.paths, size=(args.size, args.size), seed=0).to(device)
    drawing.points.requires_grad_(True)
    optimizer = torch.optim.Adam([drawing.points], lr=1.0)
    fused_drawing = drawing.detach()
    samples: dict[str, list[float]] = {}
    fused: list[float] = []
    for i in range(args.warmup + args.steps):
        # Alternate a split step and a real one, so a busy machine slows both alike.
        times = split_step(drawing, objective, optimizer, views, args.views, args.size, now)
        t0 = now()
        fused_drawing = optimize_strokes(
            objective=objective, drawing=fused_drawing, size=args.size, steps=1,
            views=args.views, seed=i, device=device).drawing
        if i >= args.warmup:
            fused.append(now() - t0)
            for key, value in times.items():
                samples.setdefault(key, []).append(value)
    medians = {key: statistics.median(values) for key, values in samples.items()}
    medians["fused step"] = statistics.median(fused)
    return medians


def _set_layout(net, fmt: torch.memory_format) -> None:
    """Put the conv weights in ``fmt`` and mark the net so the loop leaves them there."""
    for m in net.backbone.modules():
        if isinstance(m, torch.nn.Conv2d):
            m.weight.data = m.weight.data.contiguous(memory_format=fmt)
    net.backbone._vd_nhwc = True


def layout_ratio(net_name: str, args: argparse.Namespace) -> str:
    """The whole step (as optimize_strokes runs it) with contiguous (NCHW) conv weights,
    what the loop ran before, vs channels-last ones (its default on CPU), alternating
    step by step on the same drawing; and the largest loss difference between them."""
    device = torch.device(args.device)
    now = _clock(device)
    weights = "imagenet" if net_name == "efficientnet_lite0" else None
    net = load_net(net_name, weights=weights, device=device)
    objective = channel(net, LAYERS[net_name], 0)
    drawing = Drawing.random(args.paths, size=(args.size, args.size), seed=0).to(device)
    times: dict[str, list[float]] = {"nchw": [], "nhwc": []}
    losses: dict[str, list[float]] = {"nchw": [], "nhwc": []}
    for i in range(args.warmup + args.steps):
        for name, fmt in (("nchw", torch.contiguous_format), ("nhwc", torch.channels_last)):
            _set_layout(net, fmt)
            t0 = now()
            r = optimize_strokes(objective=objective, drawing=drawing, size=args.size, steps=1,
                                 views=args.views, seed=i, device=device)
            if i >= args.warmup:
                times[name].append(now() - t0)
                losses[name].append(r.history["loss"][0])
    a, b = statistics.median(times["nchw"]), statistics.median(times["nhwc"])
    diff = max(abs(x - y) / max(abs(x), 1e-12) for x, y in zip(losses["nchw"], losses["nhwc"],
                                                                  strict=True))
    return (f"{net_name}: step {a * 1e3:.0f} ms with NCHW weights -> {b * 1e3:.0f} ms "
            f"channels-last: **{a / b:.2f}x** (largest relative loss difference {diff:.1e})")


def table(net_name: str, m: dict[str, float]) -> str:
    """A markdown table: forward, backward, total ms and % of the step per part."""
    rows = ["| part | forward ms | backward ms | total ms | % of step |",
            "|---|---:|---:|---:|---:|"]
    total = {p: m.get(f"{p} fwd", 0.0) + m.get(f"{p} bwd", 0.0) for p in PARTS}
    total["optimizer"] = m["optimizer"]
    step = sum(total.values())
    for p in PARTS:
        fwd = f"{m[p + ' fwd'] * 1e3:.1f}" if p + " fwd" in m else "—"
        bwd = f"{m[p + ' bwd'] * 1e3:.1f}" if p + " bwd" in m else "—"
        rows.append(f"| {p} | {fwd} | {bwd} | {total[p] * 1e3:.1f} | "
                    f"{100 * total[p] / step:.1f} |")
    rows.append(f"| **step (sum of parts)** | | | **{step * 1e3:.1f}** | 100 |")
    rows.append(f"| step as optimize_strokes runs it | | | {m['fused step'] * 1e3:.1f} | "
                f"{100 * m['fused step'] / step:.1f} |")
    share = total["render"] / step
    verdict = "meets" if share <= 0.15 else "misses"
    head = f"{net_name}:{LAYERS[net_name]} ({'ImageNet' if 'eff' in net_name else 'untrained'})"
    return "\n".join([f"**{head}**", "", *rows, "",
                      f"renderer share: {100 * share:.1f} % of a step "
                      f"({verdict} the <= 15 % target)"])


def machine(args: argparse.Namespace) -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    dev = torch.cuda.get_device_name() if args.device.startswith("cuda") else "CPU"
    return (f"{cpu}, {os.cpu_count()} cores, torch {torch.__version__}, "
            f"{torch.get_num_threads()} threads, device {dev}, load average {load}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--net", default="efficientnet_lite0,vgg16",
                   help=f"comma-separated, from {', '.join(LAYERS)}")
    p.add_argument("--steps", type=int, default=5, help="timed steps per network")
    p.add_argument("--warmup", type=int, default=1, help="untimed steps first (>= 1)")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    p.add_argument("--paths", type=int, default=200)
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--views", type=int, default=8)
    p.add_argument("--device", default="cpu")
    p.add_argument("--layout", action="store_true",
                   help="only compare NCHW vs channels-last conv weights (whole steps)")
    args = p.parse_args()
    if args.warmup < 1 or args.steps < 1:
        p.error(f"expected --warmup >= 1 and --steps >= 1, got {args.warmup}, {args.steps}")
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"dream step: {args.paths} black paths, width 1, {args.size} px, {args.views} "
          f"'seed' views; median of {args.steps} steps after {args.warmup} warm-up")
    print(f"machine: {machine(args)}\n")
    for name in args.net.split(","):
        if args.layout:
            print(layout_ratio(name.strip(), args))
            continue
        wall, cpu = time.perf_counter(), time.process_time()
        print(table(name.strip(), bench(name.strip(), args)))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        # Below the thread count: other processes took the cores (timings inflated).
        print(f"({wall:.0f} s wall, {cpu / wall:.2f} CPU-s per wall-s with "
              f"{torch.get_num_threads()} threads)\n")


if __name__ == "__main__":
    main()
