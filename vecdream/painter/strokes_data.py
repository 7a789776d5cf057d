"""Training strokes for the neural painter: random actions rendered by real libmypaint.

The cache is a folder of chunk files ``chunk_00000.npz`` (actions float32 ``(C, 12)``,
RGBA uint8 ``(C, 4, 64, 64)``, straight colour) plus ``meta.json`` naming the brush,
seed and chunk size. Chunk ``k``'s actions come from a generator seeded with
``seed * 1_000_003 + k``, so a cache is reproducible chunk by chunk: an interrupted
generation resumes at the first missing chunk, and a larger ``n`` only adds chunks.
Strokes are mostly empty, so the compressed chunks are small (about 0.6 KB a stroke).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import Tensor
from torch.utils.data import Dataset

from ..atomic import atomic_write_bytes
from .actions import ACTION_DIM, CELL, random_actions
from .mypaint import DEFAULT_BRUSH, render_stroke

__all__ = ["ANOTHER_SAMPLE", "StrokeDataset", "build_stroke_cache", "held_out_actions",
           "render_targets", "HELD_OUT_SEED"]

log = logging.getLogger(__name__)
_FORMAT = "vecdream-strokes"
HELD_OUT_SEED = 999_983  # never used for a training chunk (those use small seeds)
# The engine's second sample for the real-vs-real ceiling. Small variants share most of
# variant 0's random numbers, shifted (tanda/marker-01, 300 actions: alpha IoU 0.959 at
# variant 1); from about 100 on the ceiling is flat (0.927-0.933 at 101, 1000, 4099).
ANOTHER_SAMPLE = 1000


def _chunk_actions(seed: int, index: int, size: int) -> Tensor:
    g = torch.Generator().manual_seed(seed * 1_000_003 + index)
    return random_actions(size, generator=g)


def held_out_actions(n: int = 1000, seed: int = HELD_OUT_SEED) -> Tensor:
    """``(n, 12)`` evaluation actions from a seed no training chunk uses."""
    return random_actions(n, generator=torch.Generator().manual_seed(seed))


def render_targets(actions: Tensor, brush: str = DEFAULT_BRUSH, variant: int = 0) -> Tensor:
    """Each action on its own cell through libmypaint: ``(N, 4, 64, 64)`` float RGBA.

    ``variant`` 0 is the training data's render; another value is another sample of the
    engine's randomness (:func:`~vecdream.painter.mypaint.render_actions`), which is how
    the real-vs-real ceiling of a preset with random dynamics is measured."""
    if len(actions) == 0:
        return torch.zeros(0, 4, CELL, CELL)
    return torch.stack([render_stroke(a, brush, variant) for a in actions])


def _to_uint8(rgba: Tensor) -> np.ndarray:
    return (rgba * 255).round().clamp(0, 255).to(torch.uint8).numpy()


def build_stroke_cache(folder: str | Path, n: int, *, brush: str = DEFAULT_BRUSH,
                       seed: int = 0, chunk: int = 1000,
                       progress: Callable[[int], None] | None = None) -> Path:
    """Render ``n`` training strokes into ``folder`` (resuming what is already there).

    Args:
        folder: the cache folder (created).
        n: number of strokes wanted (rounded up to whole chunks).
        brush: the MyPaint preset.
        seed: the data seed (chunk ``k`` uses ``seed * 1_000_003 + k``).
        chunk: strokes per chunk file.
        progress: called with the number of strokes rendered after each chunk.

    Raises:
        ValueError: the folder holds a cache made with another brush, seed or chunk size.
        MyPaintMissing: libmypaint is not installed.
    """
    folder = Path(folder)
    meta = {"format": _FORMAT, "version": 1, "brush": brush, "seed": int(seed),
            "chunk": int(chunk)}
    meta_path = folder / "meta.json"
    if meta_path.is_file():
        old = json.loads(meta_path.read_text())
        if old != meta:
            raise ValueError(f"{folder} holds strokes for {old}, expected {meta}: "
                             "choose another --data folder")
    else:
        atomic_write_bytes(meta_path, (json.dumps(meta, indent=1) + "\n").encode())
    for k in range(-(-n // chunk)):
        path = folder / f"chunk_{k:05d}.npz"
        if not path.is_file():
            actions = _chunk_actions(seed, k, chunk)
            rgba = render_targets(actions, brush)
            buf = io.BytesIO()
            np.savez_compressed(buf, actions=actions.numpy(), rgba=_to_uint8(rgba))
            atomic_write_bytes(path, buf.getvalue())
            log.debug("wrote %s", path)
        if progress is not None:
            progress(min(n, (k + 1) * chunk))
    return folder


class StrokeDataset(Dataset):
    """The strokes of a cache folder, held in memory as uint8.

    ``dataset[i]`` is ``(action (12,), rgba (4, 64, 64))`` float32 in [0, 1].
    """

    def __init__(self, folder: str | Path, n: int | None = None) -> None:
        folder = Path(folder)
        meta_path = folder / "meta.json"
        if not meta_path.is_file():
            raise ValueError(f"no stroke cache in {folder} (build it with build_stroke_cache)")
        self.meta = json.loads(meta_path.read_text())
        actions, rgba = [], []
        for path in sorted(folder.glob("chunk_*.npz")):
            with np.load(path) as z:
                actions.append(torch.from_numpy(z["actions"]))
                rgba.append(torch.from_numpy(z["rgba"]))
            if n is not None and sum(len(a) for a in actions) >= n:
                break
        if not actions:
            raise ValueError(f"the stroke cache {folder} has no chunks yet")
        self.actions = torch.cat(actions)[:n].reshape(-1, ACTION_DIM)
        self.rgba = torch.cat(rgba)[:n]

    def __len__(self) -> int:
        return len(self.actions)

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        return self.actions[i], self.rgba[i].float() / 255

    def batch(self, index: Tensor) -> tuple[Tensor, Tensor]:
        """``(actions (B, 12), rgba (B, 4, 64, 64))`` for a tensor of indices (fast path)."""
        return self.actions[index], self.rgba[index].float() / 255
