"""``vecdream painter train-gan``: teach an L1 painter its brush's grain, adversarially.

Starts from a painter (``--init`` weights, or the one that ships for ``--brush``), gives
it noise inputs and trains it against a critic on strokes libmypaint renders
(:mod:`vecdream.painter.train_gan`). ``--out`` receives ``checkpoint.pt`` and
``gan_painter.pt``; ``--resume`` continues a run. Without libmypaint it says in one line
what to install (exit status 1).
"""

from __future__ import annotations

from pathlib import Path

import click

from .cli_brush import _brush, _engine, _positive, training_data

__all__ = ["train_gan_command"]


@click.command("train-gan")
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Stroke cache folder (rendered here if missing, resumed if partial).")
@click.option("--strokes", default=20000, show_default=True, callback=_positive,
              help="Training strokes to render and use.")
@click.option("--brush", default="tanda/marker-01", show_default=True, callback=_brush,
              help="MyPaint preset (one with random dynamics gains most).")
@click.option("--init", "init_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="L1 painter to start from (default: the one shipped for "
                                 "--brush).")
@click.option("--critic-steps", default=200, show_default=True, callback=_positive,
              help="Steps of the critic alone, on the frozen painter's strokes.")
@click.option("--steps", default=800, show_default=True, callback=_positive,
              help="Adversarial steps after those.")
@click.option("--batch", default=24, show_default=True, callback=_positive)
@click.option("--noise", default=2, show_default=True, callback=_positive,
              help="Noise signals along the stroke that the painter reads.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Run folder (checkpoint.pt, gan_painter.pt).")
@click.option("--resume", is_flag=True, help="Continue from --out/checkpoint.pt.")
@click.option("--threads", default=2, show_default=True, callback=_positive,
              help="Torch CPU threads.")
@click.option("--val", "val_count", default=200, show_default=True, callback=_positive,
              help="Held-out actions scored every 100 steps.")
@click.option("--seed", default=0, show_default=True)
def train_gan_command(data: Path, strokes: int, brush: str, init_path: Path | None,
                      critic_steps: int, steps: int, batch: int, noise: int, out: Path,
                      resume: bool, threads: int, val_count: int, seed: int) -> None:
    """Teach a painter its brush's grain against a critic, L1 kept."""
    import torch
    from tqdm import tqdm

    from .model import load_painter
    from .train_gan import GanConfig, train_gan_painter

    _engine()
    try:  # no --init: the painter shipped for --brush, or one line saying none ships
        init = load_painter(init_path, brush=brush)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--init") from None
    torch.set_num_threads(threads)
    dataset, val = training_data(data, strokes, brush, seed, val_count)
    config = GanConfig(critic_steps=critic_steps, steps=steps, batch=batch, noise=noise,
                       seed=seed)
    with tqdm(total=critic_steps + steps, desc="train", unit="step") as bar:
        def progress(step: int, logs: dict) -> None:
            bar.n = step
            bar.set_postfix({k: round(v, 4) for k, v in logs.items()
                             if isinstance(v, float)}, refresh=False)
            bar.refresh()

        train_gan_painter(dataset, out, init, config, resume=resume,
                          val=val, callback=progress)
    click.echo(f"painter weights: {out / 'gan_painter.pt'}")
