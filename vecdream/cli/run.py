"""Running an optimization from the CLI: snapshots, GIF, checkpoints, Ctrl-C, outputs.

:class:`Recorder` is the callback handed to the library loop; :func:`run` wraps one
optimization with the SIGINT handler and writes every output afterwards, also after a
Ctrl-C (then the command exits with status 130). The checkpoint holds the raw
optimization state of the last step (not the pruned, palette-snapped result), so a
resumed run continues bit-for-bit where the first one stopped.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click
import numpy as np
import torch

from vecdream.atomic import atomic_write_bytes
from vecdream.checkpoint import Checkpoint, save_checkpoint
from vecdream.cli.common import INTERRUPTED, Outputs, write_drawing
from vecdream.drawing import Drawing

__all__ = ["GIF_FRAMES", "Recorder", "run"]

GIF_FRAMES = 60
"""About this many frames in an animation, whatever the step count."""


@dataclass
class Recorder:
    """The CLI's callback: snapshots, GIF frames, checkpoints and graceful Ctrl-C.

    Attributes:
        outputs: where the run writes (the checkpoint is ``outputs.ckpt``).
        options: the run's settings, stored in every checkpoint (for ``--resume``).
        metadata: provenance written into every output.
        frames: GIF frames ``(H, W, 3)`` uint8 of the whole run, resumed steps included.
        losses: loss of every step of the whole run.
    """

    outputs: Outputs
    options: dict
    metadata: dict = field(default_factory=dict)
    snapshot_every: int = 0
    gif_every: int = 0
    frames: list[np.ndarray] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    stop: bool = False
    step: int = 0
    drawings: list[Drawing] = field(default_factory=list)
    optimizer: torch.optim.Optimizer | None = None
    optimizer_state: dict | None = None  # of a restored checkpoint, until a step runs

    def __call__(self, info) -> bool:
        self.losses.append(info.loss)
        self.step, self.drawings, self.optimizer = info.step, info.drawings, info.optimizer
        if self.gif_every and (info.step % self.gif_every == 0 or info.step == 1):
            self.frames.append((info.renders[0].permute(1, 2, 0).clamp(0, 1).cpu().numpy()
                                * 255).astype(np.uint8))
        if self.snapshot_every and info.step % self.snapshot_every == 0:
            snap = self.outputs.sibling("_snapshots") / f"step_{info.step:05d}.svg"
            info.drawings[0].detach().save_svg(snap, metadata={**self.metadata,
                                                               "steps": info.step})
            self.save_checkpoint()
        return self.stop

    def checkpoint(self) -> Checkpoint:
        """The state after the last step seen (raw drawings, Adam state, history, frames)."""
        frames = torch.from_numpy(np.stack(self.frames)) if self.frames else None
        state = (self.optimizer.state_dict() if self.optimizer is not None
                 else self.optimizer_state)
        return Checkpoint([d.detach().to("cpu").clone() for d in self.drawings], self.step, state,
                          {"loss": list(self.losses)}, self.options, frames)

    def save_checkpoint(self) -> None:
        save_checkpoint(self.checkpoint(), self.outputs.ckpt)

    def restore(self, ckpt: Checkpoint) -> None:
        """Continue the history and the animation of ``ckpt``."""
        self.losses = list(ckpt.history.get("loss", []))
        self.frames = [f.numpy() for f in ckpt.frames] if ckpt.frames is not None else []
        self.step, self.drawings = ckpt.step, list(ckpt.drawings)
        self.optimizer_state = ckpt.optimizer_state

    def on_sigint(self, _signum, _frame) -> None:
        if self.stop:  # a second Ctrl-C quits at once
            raise KeyboardInterrupt
        self.stop = True
        click.echo("\nstopping after this step (Ctrl-C again to quit now)...", err=True)

    def write_gif(self, path: Path) -> None:
        import imageio.v3 as iio

        atomic_write_bytes(path, iio.imwrite("<bytes>", self.frames, extension=".gif",
                                             duration=80, loop=0))


def run(recorder: Recorder, optimize: Callable, gif: Path | None = None, *,
        exit_on_stop: bool = True, **kwargs):
    """Run ``optimize(callback=recorder, progress=True, **kwargs)`` with Ctrl-C handling,
    then write the drawing (SVG, PDF when asked, PNG), the checkpoint and the GIF.

    Exits with status 130 after writing when Ctrl-C stopped the run (unless
    ``exit_on_stop`` is False: the caller decides), and at once on a second Ctrl-C.
    """
    previous = signal.signal(signal.SIGINT, recorder.on_sigint)
    try:
        result = optimize(callback=recorder, progress=True, **kwargs)
    except KeyboardInterrupt:
        click.echo("\naborted: nothing written for this run", err=True)
        raise SystemExit(INTERRUPTED) from None
    except (ValueError, RuntimeError, ImportError) as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from None
    finally:
        signal.signal(signal.SIGINT, previous)
    if not recorder.drawings:  # no step ran (resumed at the end): keep the given state
        recorder.drawings = [d.detach() for d in result.drawings]
    metadata = {**recorder.metadata, "steps": result.steps}
    written = write_drawing(result.drawing, recorder.outputs, metadata)
    recorder.save_checkpoint()
    written.append(recorder.outputs.ckpt)
    if gif is not None and recorder.frames:
        recorder.write_gif(gif)
        written.append(gif)
    status = "stopped" if recorder.stop else "done"
    click.echo(f"{status} at step {result.steps}: wrote {', '.join(map(str, written))}")
    if recorder.stop and exit_on_stop:
        raise SystemExit(INTERRUPTED)
    return result
