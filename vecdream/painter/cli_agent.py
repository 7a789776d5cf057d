"""``vecdream painter train-agent`` and ``vecdream trace``: thin commands over the agent.

``trace`` paints an image with the shipped glyph agent (or ``--agent``) in one pass per
64 px cell, optionally refines, and writes the SVG approximation, the painter's PNG, the
actions JSON and, with libmypaint, the replay PNG.
"""

from __future__ import annotations

from pathlib import Path

import click

from vecdream.cli.common import BRUSHES, outputs_for

__all__ = ["train_agent_command", "trace_command"]


def _painter(value: str | None, option: str = "--painter"):
    from vecdream.painter.agent_train import StrokePrior
    from vecdream.painter.model import load_painter

    if value == "prior":  # 8 segments: a quadratic curve needs few, and it is 2x cheaper
        return StrokePrior(segments=8)
    try:
        return load_painter(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=f"'{option}'") from None


def _threads(threads: int | None) -> None:
    import torch

    if threads is not None:
        torch.set_num_threads(threads)


@click.command("train-agent")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Agent weights file to write (.pt); the resumable state goes to OUT.ckpt.")
@click.option("--painter", "painter_path", default=None,
              help="Painter weights (default: the shipped one); 'prior' = the painter's "
                   "distance-field prior, for cheap pre-training.")
@click.option("--init", "init", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Start from this agent's weights (e.g. pre-trained on 'prior').")
@click.option("--targets", type=click.Choice(["glyphs", "crops", "seeds", "mixed"]),
              default="glyphs", show_default=True, help="Training images.")
@click.option("--steps", type=click.IntRange(min=1), default=2000, show_default=True)
@click.option("--batch", type=click.IntRange(min=1), default=16, show_default=True)
@click.option("--strokes", type=click.IntRange(min=1), default=10, show_default=True,
              help="Strokes per 64 px cell.")
@click.option("--layers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Passes painted one over the other; from 2, the agent also sees the "
                   "canvas so far (coarse to fine). --init may be a one-layer agent.")
@click.option("--colour", type=click.Choice(["learned", "target"]), default="learned",
              show_default=True, help="Stroke colours: predicted, or the target's at each "
                                      "stroke (geometry only: for photos).")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=3e-4,
              show_default=True)
@click.option("--content-weight", type=click.FloatRange(min=0), default=1.0,
              show_default=True, help="Weight of the pixel (pyramid MSE) loss.")
@click.option("--adv-weight", type=click.FloatRange(min=0), default=0.01, show_default=True,
              help="Weight of the hinge adversarial loss (0: content only).")
@click.option("--pool", type=click.IntRange(min=1), default=4096, show_default=True,
              help="Target images generated once and sampled from.")
@click.option("--precondition", type=click.Path(exists=True, dir_okay=False), multiple=True,
              help="Actions JSON of one cell (repeatable): a stroke order to imitate.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--checkpoint-every", type=click.IntRange(min=1), default=100,
              show_default=True)
@click.option("--resume", is_flag=True, help="Continue from OUT.ckpt when it exists.")
@click.option("--threads", type=click.IntRange(min=1), default=None,
              help="torch CPU threads.")
def train_agent_command(out, painter_path, init, targets, steps, batch, strokes, layers,
                        colour, lr, content_weight, adv_weight, pool, precondition, seed,
                        checkpoint_every, resume, threads) -> None:
    """Train a painting agent through the frozen neural painter."""
    from tqdm.auto import tqdm

    from vecdream.painter.agent_train import AgentTrainConfig, load_precondition, train_agent

    _threads(threads)
    painter = _painter(painter_path)
    if init is not None:
        from vecdream.painter.agent import load_agent

        try:
            start = load_agent(init)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--init'") from None
        if start.strokes != strokes:
            raise click.BadParameter(f"{init} paints {start.strokes} strokes per cell, "
                                     f"--strokes is {strokes}", param_hint="'--init'")
    pre = None
    if precondition:
        try:
            pre = load_precondition(precondition, painter)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--precondition'") from None
    config = AgentTrainConfig(steps=steps, batch=batch, strokes=strokes, layers=layers,
                              colour=colour, lr=lr,
                              content_weight=content_weight, adv_weight=adv_weight,
                              targets=targets, pool=pool, seed=seed,
                              checkpoint_every=checkpoint_every)
    bar = tqdm(total=steps, desc="agent", unit="step")

    def on_step(step: int, logs: dict) -> None:
        bar.n = step
        bar.set_postfix(content=f"{logs['content']:.4f}", adv=f"{logs['adv']:.3f}",
                        refresh=False)
        bar.update(0)

    try:
        train_agent(config, painter, out, resume=resume, init=init, precondition=pre,
                    on_step=on_step)
    except ImportError as exc:
        raise click.BadParameter(str(exc), param_hint="'--targets'") from None
    except ValueError as exc:  # e.g. an --init agent of another shape, no fonts
        raise click.UsageError(str(exc)) from None
    finally:
        bar.close()
    click.echo(f"wrote {out}")


@click.command("trace")
@click.argument("image", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="strokes.svg (also writes .png, .json and, with libmypaint, _replay.png); "
                   ".pdf adds a PDF.")
@click.option("--agent", "agent_path", default="glyphs", show_default=True,
              help="A shipped agent (glyphs: black-on-white glyphs through the pen; photo: "
                   "photos through deevad/brush, colours from the image) or weights.")
@click.option("--painter", "painter_path", default=None,
              help="Painter weights (default: the shipped one).")
@click.option("--refine", type=click.IntRange(min=0), default=0, show_default=True,
              help="Optimization steps after the one-pass painting.")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=0.05,
              show_default=True, help="Refinement step size (on action logits).")
@click.option("--cell", type=click.IntRange(min=4), default=None,
              help="Cell side in image pixels [default: 64, or a smaller image's long side].")
@click.option("--brush", default=None,
              help=f"MyPaint preset of the replay: {', '.join(BRUSHES)} [default: the "
                   "shipped agent's, else classic/pen].")
@click.option("--no-replay", is_flag=True, help="Skip the libmypaint replay.")
@click.option("--threads", type=click.IntRange(min=1), default=None,
              help="torch CPU threads.")
def trace_command(image, out, agent_path, painter_path, refine, lr, cell, brush, no_replay,
                  threads) -> None:
    """Paint IMAGE with brush strokes in one pass of the painting agent."""
    from vecdream.painter.agent import load_agent
    from vecdream.painter.trace import REFINE_CHUNK, load_image, save_trace
    from vecdream.painter.trace import refine as refine_trace
    from vecdream.painter.trace import trace as trace_image

    outputs = outputs_for(out)
    _threads(threads)
    try:
        target = load_image(image)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'IMAGE'") from None
    try:
        agent = load_agent(agent_path)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--agent'") from None
    from vecdream.painter.agent import AGENTS

    shipped_brush = AGENTS[agent_path][1] if agent_path in AGENTS else None
    if painter_path is None and shipped_brush is not None:
        from vecdream.painter.model import PAINTERS

        painter_path = str(PAINTERS[shipped_brush])  # the painter the agent learned with
    painter = _painter(painter_path)
    brush = brush or shipped_brush
    if brush is not None:
        from vecdream.painter.mypaint import BRUSHES

        if brush not in BRUSHES:
            raise click.BadParameter(f"expected one of {', '.join(BRUSHES)}, got {brush!r}",
                                     param_hint="'--brush'")
    result = trace_image(target, agent, painter, cell=cell)
    one_pass = result.loss
    if refine:
        from tqdm.auto import tqdm

        cells = result.actions.shape[0]
        chunks = -(-cells // REFINE_CHUNK)
        with tqdm(total=refine * chunks, desc="refine", unit="step") as bar:
            result = refine_trace(result, target, painter, refine, lr=lr,
                                  on_step=lambda: bar.update(1))
    meta = {"command": "trace", "image": image.name, "agent": Path(agent_path).name,
            "refine": refine, "cell": result.cell}
    files = save_trace(result, outputs.svg, metadata=meta, brush=brush,
                       replay=not no_replay, pdf=outputs.pdf is not None)
    n = result.actions.shape[0] * result.actions.shape[1]
    click.echo(f"{n} strokes in {result.actions.shape[0]} cells, pixel MSE {one_pass:.4f}"
               + (f" -> {result.loss:.4f} after {refine} steps" if refine else ""))
    if not no_replay and files.replay is None:
        click.echo("replay skipped: libmypaint is not installed "
                   "(apt-get install libmypaint-1.5-1 mypaint-brushes)", err=True)
    for path in files.paths:
        click.echo(f"wrote {path}" + (f" (PSNR {files.psnr:.1f} dB vs the painter)"
                                      if path == files.replay else ""))
