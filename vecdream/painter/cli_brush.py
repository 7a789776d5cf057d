"""``vecdream painter train`` and ``vecdream painter fidelity``: the learned brush itself.

``train`` renders (or resumes) the cached training strokes with libmypaint, then trains
(or resumes) the GAN painter; ``--out`` receives ``checkpoint.pt`` and the shippable
``gan_painter.pt``. ``fidelity`` paints held-out actions with a painter and with the real
engine and prints mean alpha IoU (alpha > 0.5), PSNR (premultiplied RGBA) and the texture
distance (:mod:`~vecdream.painter.texture`), beside a second sample of the engine.
Without libmypaint both say in one line what to install (exit status 1).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

__all__ = ["fidelity_command", "train_command", "training_data"]


def _brush(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from .mypaint import MyPaintMissing, brush_json

    try:
        brush_json(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    except MyPaintMissing as exc:
        raise click.ClickException(str(exc)) from None
    return value


def _engine() -> None:
    from .mypaint import MyPaintMissing, _lib

    try:
        _lib()
    except MyPaintMissing as exc:
        raise click.ClickException(str(exc)) from None


def _positive(ctx: click.Context, param: click.Parameter, value: int) -> int:
    if value < 1:
        raise click.BadParameter(f"expected a positive integer, got {value}")
    return value


def training_data(data: Path, strokes: int, brush: str, seed: int, val_count: int):
    """The stroke cache at ``data`` (rendered or resumed, with a progress bar) and the
    validation pair ``(actions, engine strokes)``, for the training commands."""
    from tqdm import tqdm

    from .strokes_data import (
        HELD_OUT_SEED,
        StrokeDataset,
        build_stroke_cache,
        held_out_actions,
        render_targets,
    )

    with tqdm(total=strokes, desc="strokes", unit="stroke") as bar:
        try:
            build_stroke_cache(data, strokes, brush=brush, seed=seed,
                               progress=lambda k: bar.update(k - bar.n))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--data") from None
    val_actions = held_out_actions(val_count, seed=HELD_OUT_SEED + 1)  # not the benchmark's set
    return StrokeDataset(data, strokes), (val_actions, render_targets(val_actions, brush))


@click.command("train")
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder of cached training strokes (made or resumed here).")
@click.option("--strokes", default=40000, show_default=True, callback=_positive,
              help="Training strokes to render into --data.")
@click.option("--steps", default=500, show_default=True, callback=_positive,
              help="Optimizer steps (total, counting resumed ones).")
@click.option("--batch", default=24, show_default=True, callback=_positive,
              help="Strokes per step.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Run folder: checkpoint.pt and the painter weights gan_painter.pt.")
@click.option("--resume", is_flag=True, help="Continue from --out/checkpoint.pt.")
@click.option("--brush", default="classic/pen", show_default=True, callback=_brush,
              help="MyPaint preset to imitate.")
@click.option("--threads", default=2, show_default=True, callback=_positive,
              help="CPU threads for torch.")
@click.option("--val", "val_count", default=200, show_default=True, callback=_positive,
              help="Validation actions (not the benchmark's) scored every 100 steps.")
@click.option("--seed", default=0, show_default=True)
def train_command(data: Path, strokes: int, steps: int, batch: int, out: Path, resume: bool,
                  brush: str, threads: int, val_count: int, seed: int) -> None:
    """Train the GAN painter on strokes rendered by real libmypaint."""
    import torch
    from tqdm import tqdm

    from .train import TrainConfig, train_painter

    _engine()
    torch.set_num_threads(threads)
    dataset, val = training_data(data, strokes, brush, seed, val_count)
    with tqdm(total=steps, desc="train", unit="step") as bar:
        def progress(step: int, logs: dict) -> None:
            bar.n = step
            bar.set_postfix({k: round(v, 4) for k, v in logs.items() if k != "step"},
                            refresh=False)
            bar.refresh()

        train_painter(dataset, out, TrainConfig(steps=steps, batch=batch, seed=seed),
                      resume=resume, val=val, callback=progress)
    click.echo(f"painter weights: {out / 'gan_painter.pt'}")


@click.command("fidelity")
@click.option("--weights", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Painter weights (default: the shipped gan_painter.pt).")
@click.option("--n", "count", default=1000, show_default=True, callback=_positive,
              help="Held-out actions to compare.")
@click.option("--brush", default=None, help="MyPaint preset (default: the painter's own).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def fidelity_command(weights: Path | None, count: int, brush: str | None,
                     as_json: bool) -> None:
    """Compare a painter with the real engine on held-out actions (IoU, PSNR)."""
    import torch

    from .model import SHIPPED_WEIGHTS, NeuralPainter, load_painter
    from .mypaint import DEFAULT_BRUSH
    from .strokes_data import ANOTHER_SAMPLE, held_out_actions, render_targets
    from .texture import spectral_distance
    from .train import evaluate, fidelity, paint_batches

    _engine()
    try:
        painter = load_painter(weights)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--weights") from None
    if brush is None:
        path = weights or SHIPPED_WEIGHTS
        brush = torch.load(path, weights_only=True).get("brush") or DEFAULT_BRUSH
    _brush(click.get_current_context(), None, brush)
    actions = held_out_actions(count)
    targets = render_targets(actions, brush)
    strokes = paint_batches(painter, actions)
    again = render_targets(actions, brush, variant=ANOTHER_SAMPLE)
    result = {"brush": brush, "n": count, **fidelity(strokes, targets),
              **spectral_distance(strokes, targets),
              "untrained": evaluate(NeuralPainter(), actions, targets),
              "engine_again": {**fidelity(again, targets), **spectral_distance(again, targets)}}
    if as_json:
        click.echo(json.dumps(result))
        return
    base = result["untrained"]
    click.echo(f"{brush}, {count} held-out actions (alpha IoU at alpha > 0.5, "
               "PSNR of premultiplied RGBA)")
    again = result["engine_again"]
    click.echo(f"painter:   IoU {result['iou']:.3f}  PSNR {result['psnr']:.2f} dB  "
               f"texture {result['spectral']:.3f}")
    click.echo(f"untrained: IoU {base['iou']:.3f}  PSNR {base['psnr']:.2f} dB")
    click.echo(f"engine, another sample: IoU {again['iou']:.3f}  PSNR {again['psnr']:.2f} dB  "
               f"texture {again['spectral']:.3f} (the ceiling)")
