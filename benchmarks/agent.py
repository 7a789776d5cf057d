"""The painting agent on held-out glyphs or photos: one pass vs optimization, and replay.

Targets (``--targets``): ``glyphs``, ``--n`` glyphs from the held-out fonts
(``find_fonts("test")``, never seen in training) with their own random affine jitter,
64 px, black on white; or ``crops``, 64 px crops (64-256 px of the photo) of the held-out
photos (``targets.HELD_OUT_PHOTOS``, never cropped for training). Every method paints
``T`` strokes per glyph (the agent's stroke count, all its layers) through the same frozen
painter, and is scored by pixel MSE against the target (lower is better):

    white        an empty page (the floor any painting must beat)
    random       random strokes (:func:`random_actions`): the optimizer's start
    agent        the agent, one forward pass (each of its layers once, over the last)
    opt-200      ``--steps`` Adam steps (lr 0.05 on action logits, pyramid MSE) from the
                 random strokes, all glyphs in one batch (the cheapest way to optimize)
    agent+opt-K  the agent's strokes refined for ``--refine`` steps

Time per image: the agent at batch 1 (median of ``--n`` calls after a warm-up) and at
batch ``--n``; the optimizers' wall time divided by the glyph count; a 256 px image is 16
cells painted in one batch. With libmypaint, the agent's strokes are replayed by the real
engine with the painter's preset (``render_actions`` on each cell, composited on white)
and compared to the painter's render (PSNR) and the target (MSE).

    python benchmarks/agent.py                  # ~10 CPU minutes with the shipped painter
    python benchmarks/agent.py --n 8 --opt-n 4 --steps 20 --refine 5   # smoke
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import torch
from torch.nn import functional as F

from vecdream.painter.actions import random_actions
from vecdream.painter.agent import load_agent, paint, paint_layers
from vecdream.painter.agent_train import StrokePrior
from vecdream.painter.model import load_painter
from vecdream.painter.targets import crop_targets, glyph_targets
from vecdream.painter.trace import refine_actions


def mse(a: torch.Tensor, b: torch.Tensor) -> float:
    return F.mse_loss(a, b).item()


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    m = mse(a, b)
    return math.inf if m == 0 else 10 * math.log10(1 / m)


def replay(actions: torch.Tensor, brush: str) -> torch.Tensor:
    """MyPaint paintings ``(B, 3, 64, 64)`` of ``actions (B, T, 12)`` on white."""
    from vecdream.painter.mypaint import render_actions

    return torch.stack([render_actions(a, background=(1.0, 1.0, 1.0), brush=brush)[:3]
                        for a in actions])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=64, help="held-out glyphs for the agent")
    ap.add_argument("--opt-n", type=int, default=16, help="glyphs for the optimizers")
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--refine", type=int, default=50)
    ap.add_argument("--agent", default=None, help="agent weights (default: shipped)")
    ap.add_argument("--painter", default=None, help="painter weights or 'prior'")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--targets", choices=("glyphs", "crops"), default="glyphs")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    painter = StrokePrior() if args.painter == "prior" else load_painter(args.painter)
    agent = load_agent(args.agent)
    strokes = agent.strokes * agent.layers

    def one_pass(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        actions, canvases = paint_layers(agent, painter, images)
        return actions, canvases[-1]
    gen = torch.Generator().manual_seed(args.seed)
    targets = (glyph_targets(args.n, generator=gen, split="test") if args.targets == "glyphs"
               else crop_targets(args.n, generator=gen, split="test"))
    brush = "classic/pen" if args.painter in (None, "prior") else (
        torch.load(args.painter, weights_only=True).get("brush") or "classic/pen")
    gen = torch.Generator().manual_seed(args.seed + 1)
    start = random_actions(args.n * strokes, generator=gen).reshape(args.n, strokes, -1)
    rows: dict[str, tuple[float, float | None, int]] = {}

    with torch.no_grad():
        rows["white"] = (mse(torch.ones_like(targets), targets), None, args.n)
        rows["random"] = (mse(paint(start, painter), targets), None, args.n)
        one_pass(targets)  # warm-up (allocator, kernels)
        t0 = time.perf_counter()
        one_pass(targets[:16])
        image_256 = time.perf_counter() - t0
        t0 = time.perf_counter()
        actions, painted = one_pass(targets)
        batch_s = (time.perf_counter() - t0) / args.n
        single = []
        for t in targets:
            t0 = time.perf_counter()
            one_pass(t[None])
            single.append(time.perf_counter() - t0)
        rows["agent"] = (mse(painted, targets), statistics.median(single), args.n)

    k = min(args.opt_n, args.n)
    sub = targets[:k]
    t0 = time.perf_counter()
    optimized, _ = refine_actions(sub, start[:k], painter, args.steps, chunk=k)
    opt_s = (time.perf_counter() - t0) / k
    with torch.no_grad():
        rows[f"opt-{args.steps}"] = (mse(paint(optimized, painter), sub), opt_s, k)
        rows["agent (same glyphs)"] = (mse(painted[:k], sub), None, k)
    if args.refine:
        t0 = time.perf_counter()
        refined, _ = refine_actions(sub, actions[:k], painter, args.refine, chunk=k)
        ref_s = (time.perf_counter() - t0) / k
        with torch.no_grad():
            rows[f"agent+opt-{args.refine}"] = (mse(paint(refined, painter), sub), ref_s, k)

    print(f"painter {args.painter or 'shipped'}, agent {args.agent or 'shipped'} "
          f"({strokes} strokes/cell in {agent.layers} layer(s)), {args.threads} thread(s), "
          f"held-out {args.targets}")
    print("| method | cells | pixel MSE | vs random start | vs white page | s per image |")
    print("|---|---|---|---|---|---|")
    for name, (loss, secs, n) in rows.items():
        t = "" if secs is None else f"{secs:.4f}"
        print(f"| {name} | {n} | {loss:.5f} | {loss / rows['random'][0]:.3f}x | "
              f"{loss / rows['white'][0]:.3f}x | {t} |")
    print(f"agent at batch {args.n}: {batch_s * 1000:.1f} ms per image; batch 1 "
          f"{rows['agent'][1] * 1000:.1f} ms; opt-{args.steps} / agent time: "
          f"{opt_s / rows['agent'][1]:.0f}x; a 256 px image (16 cells, one batch) "
          f"{image_256:.3f} s")

    from vecdream.painter.mypaint import mypaint_available

    if not mypaint_available():
        print("replay: libmypaint not installed")
        return
    t0 = time.perf_counter()
    real = replay(actions, brush)
    print(f"replay in MyPaint, {brush} ({args.n} cells, {(time.perf_counter() - t0) / args.n:.3f} "
          f"s each): PSNR vs painter {psnr(real, painted):.2f} dB, MSE vs target "
          f"{mse(real, targets):.5f} (painter {rows['agent'][0]:.5f}, white "
          f"{rows['white'][0]:.5f})")


if __name__ == "__main__":
    main()
