"""Checkpoints: stop a long dream and resume it exactly where it was.

A checkpoint holds the drawings, the Adam state, the step, the loss history, the run's
options (what was optimized: net, layer, channel or class, sizes, seed...) and the
animation frames so far, as plain tensors and numbers
(``torch.load(..., weights_only=True)`` reads it back safely).
"""

from __future__ import annotations

import io
import os
import pickle
from dataclasses import dataclass, field

import torch

from vecdream.atomic import atomic_write_bytes
from vecdream.drawing import Drawing

__all__ = ["Checkpoint", "save_checkpoint", "load_checkpoint"]

_FORMAT = "vecdream-checkpoint-1"


@dataclass
class Checkpoint:
    """Everything needed to resume an optimization.

    Attributes:
        drawings: the drawings at ``step``.
        step: steps done so far.
        optimizer_state: ``torch.optim.Adam.state_dict()``.
        history: loss history so far.
        options: the run's settings (plain values), e.g. the CLI options; enough to
            restart the same optimization.
        frames: animation frames so far, ``(N, H, W, 3)`` uint8, or None.
    """

    drawings: list[Drawing]
    step: int
    optimizer_state: dict | None = None
    history: dict[str, list[float]] = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    frames: torch.Tensor | None = None


def save_checkpoint(checkpoint: Checkpoint, path: str | os.PathLike) -> None:
    """Write ``checkpoint`` atomically."""
    buffer = io.BytesIO()
    torch.save({
        "format": _FORMAT,
        "drawings": [d.state_dict() for d in checkpoint.drawings],
        "step": checkpoint.step,
        "optimizer": checkpoint.optimizer_state,
        "history": checkpoint.history,
        "options": checkpoint.options,
        "frames": checkpoint.frames,
    }, buffer)
    atomic_write_bytes(path, buffer.getvalue())


def load_checkpoint(path: str | os.PathLike) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint`.

    Raises:
        ValueError: the file is not a vecdream checkpoint.
    """
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError, ValueError) as exc:
        # torch's own message suggests weights_only=False: unsafe, so not repeated here.
        raise ValueError(f"cannot read checkpoint {os.fspath(path)!r}: not a vecdream "
                         f"checkpoint ({type(exc).__name__})") from None
    if not isinstance(state, dict) or state.get("format") != _FORMAT:
        raise ValueError(f"{os.fspath(path)!r} is not a vecdream checkpoint ({_FORMAT})")
    return Checkpoint(
        drawings=[Drawing.from_state_dict(d) for d in state["drawings"]],
        step=int(state["step"]),
        optimizer_state=state["optimizer"],
        history=state["history"],
        options=state["options"],
        frames=state.get("frames"),  # absent in checkpoints of older versions
    )
