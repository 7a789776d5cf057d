"""Neural painter fidelity vs the real engine (issue 13), on held-out actions.

Every method paints the same ``--n`` held-out actions (a seed no training chunk uses);
libmypaint paints them too, with the painter's preset. Scores, all measured in this run:

    iou        mean over strokes of the IoU of the alpha masks thresholded at alpha > 0.5
               (a stroke empty in both counts 1)
    psnr       dB of the mean squared error of the premultiplied RGBA, all pixels
    spectral   texture: mean |log10 difference| of the alphas' radial power spectra,
               stroke by stroke (``vecdream.painter.texture``; blur scores badly, lower
               is better); high band: the signed difference in the upper half of the
               frequencies (negative = smoother than the engine)
    ms/stroke  CPU time to paint one stroke (batch of 100)

Methods:

    painter    the shipped GAN painter (``vecdream/painter/weights/gan_painter.pt``) or
               ``--weights``
    untrained  the same architecture freshly initialised: its geometry prior alone
               (a round stroke of the action's base radius and colour)
    mean       the mean training stroke (alpha and premultiplied colour averaged over
               2 000 training strokes), the same for every action
    engine     libmypaint itself: ``ms/stroke``, and a second sample of the engine's
               randomness (``variant``) scored like a painter: the real-vs-real ceiling
    --also W   more painters (e.g. the L1 painter beside the adversarial one)

    python benchmarks/painter.py              # 1000 actions, ~1 CPU minute
    python benchmarks/painter.py --n 100 --json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from vecdream.painter.actions import random_actions
from vecdream.painter.model import SHIPPED_WEIGHTS, NeuralPainter, load_painter
from vecdream.painter.mypaint import DEFAULT_BRUSH, mypaint_available
from vecdream.painter.strokes_data import ANOTHER_SAMPLE, held_out_actions, render_targets
from vecdream.painter.texture import spectral_distance
from vecdream.painter.train import fidelity, paint_batches


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=1000, help="held-out actions")
    p.add_argument("--weights", type=Path, default=None, help="painter (default: shipped)")
    p.add_argument("--also", type=Path, nargs="*", default=[], help="more painters to score")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--sheet", type=Path, default=None,
                   help="write a PNG: 8 held-out strokes (columns) by the engine, its other "
                        "sample and each painter (rows), on white, 3x")
    return p.parse_args(argv)


def timed_paint(painter: torch.nn.Module, actions: torch.Tensor) -> tuple[torch.Tensor, float]:
    """``(strokes (N, 4, 64, 64), ms per stroke)`` painted in batches of 100 (a painter
    with noise inputs: noise seeded 0, :func:`paint_batches`)."""
    start = time.process_time()
    out = paint_batches(painter, actions)
    return out, 1000 * (time.process_time() - start) / len(actions)


def mean_stroke(brush: str) -> torch.Tensor:
    """The average of 2 000 training-distribution strokes ``(1, 4, 64, 64)`` (straight RGBA
    whose premultiplied colour is the average premultiplied colour)."""
    strokes = render_targets(random_actions(2000, torch.Generator().manual_seed(0)), brush)
    alpha = strokes[:, 3:].mean(0, keepdim=True)
    premul = (strokes[:, :3] * strokes[:, 3:]).mean(0, keepdim=True)
    return torch.cat([premul / alpha.clamp_min(1e-6), alpha], 1)


def write_sheet(path: Path, rows: list[torch.Tensor]) -> None:
    """Rows of ``(8, 4, 64, 64)`` straight RGBA strokes, composited on white, as one PNG."""
    from PIL import Image

    on_white = [r[:, :3] * r[:, 3:] + 1 - r[:, 3:] for r in rows]
    grid = torch.cat([torch.cat(list(r), 2) for r in on_white], 1)
    img = Image.fromarray((grid.permute(1, 2, 0).clamp(0, 1).numpy() * 255).round()
                          .astype("uint8"))
    img.resize((img.width * 3, img.height * 3), Image.Resampling.NEAREST).save(path)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    if not mypaint_available():
        raise SystemExit("libmypaint not found: apt-get install libmypaint-1.5-1 mypaint-brushes")
    path = args.weights
    ckpt = torch.load(path or SHIPPED_WEIGHTS, weights_only=True)
    brush = ckpt.get("brush") or DEFAULT_BRUSH
    actions = held_out_actions(args.n)
    start = time.process_time()
    targets = render_targets(actions, brush)
    engine_ms = 1000 * (time.process_time() - start) / args.n
    results, sheet = {}, [targets[:8]]
    painters = [("painter", load_painter(path)), ("untrained", NeuralPainter())]
    painters += [(str(w), load_painter(w)) for w in args.also]
    for name, painter in painters:
        painter.eval()
        strokes, ms = timed_paint(painter, actions)
        if name != "untrained":
            sheet.append(strokes[:8])
        results[name] = {**fidelity(strokes, targets), **spectral_distance(strokes, targets),
                         "ms_per_stroke": ms}
    again = render_targets(actions, brush, variant=ANOTHER_SAMPLE)
    if args.sheet is not None:
        write_sheet(args.sheet, [sheet[0], again[:8], *sheet[1:]])
    results["engine, another sample"] = {**fidelity(again, targets),
                                         **spectral_distance(again, targets),
                                         "ms_per_stroke": engine_ms}
    mean = mean_stroke(brush).expand(args.n, -1, -1, -1)
    results["mean"] = {**fidelity(mean, targets), **spectral_distance(mean, targets),
                       "ms_per_stroke": 0.0}
    report = {"brush": brush, "n": args.n, "steps": ckpt.get("steps"),
              "strokes": ckpt.get("strokes"), "threads": args.threads, "results": results}
    if args.json:
        print(json.dumps(report))
        return
    print(f"{brush}: {args.n} held-out actions; painter trained {ckpt.get('steps')} steps "
          f"on {ckpt.get('strokes')} strokes; {args.threads} threads")
    print("| method | alpha IoU (>0.5) | PSNR premult. RGBA (dB) | spectral | high band "
          "| ms/stroke |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['iou']:.3f} | {r['psnr']:.2f} | {r['spectral']:.3f} "
              f"| {r['high_band']:+.3f} | {r['ms_per_stroke']:.2f} |")
    base = results["untrained"]
    print(f"painter vs untrained: IoU {results['painter']['iou'] / base['iou']:.2f}x, "
          f"PSNR {results['painter']['psnr'] - base['psnr']:+.2f} dB")


if __name__ == "__main__":
    main()
