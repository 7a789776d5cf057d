"""``vecdream channels ... --ray/--workers``: every channel of a layer as a batch job.

Channels are dreamed in chunks (one :func:`~vecdream.dream.channels.dream_channels` batch
per task, seeded with ``seed + first channel``, so a chunk's tiles do not depend on
where or when it ran); the calling process writes each tile SVG and records the chunk
in the job journal, so a rerun skips finished chunks; the contact sheet is laid out
from all tiles at the end.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

from vecdream.jobs import Item, JobReport, Journal, run_jobs

__all__ = ["dream_channel_chunk", "run_channels_job"]

_NETS: dict[tuple, object] = {}  # per worker process


def dream_channel_chunk(net: str, weights: str | None, layer: str, channels: list[int],
                        size: int, steps: int, paths: int, views: int, width: float,
                        seed: int, meta: dict) -> list[str]:
    """Tile SVGs (with metadata) of ``channels`` of ``net``'s ``layer``, in order."""
    from vecdream.dream.channels import dream_channels
    from vecdream.nets import load_net

    torch.set_num_threads(1)
    device = "cuda" if torch.cuda.is_available() else "cpu"  # Ray hides unassigned GPUs
    key = (net, weights, device)
    if key not in _NETS:
        _NETS.clear()
        _NETS[key] = load_net(net, weights=weights, device=device)
    drawings = dream_channels(_NETS[key], layer, channels, size=size, steps=steps,
                              n_paths=paths, views=views, width=width, seed=seed,
                              device=device)
    return [d.detach().to("cpu").to_svg(metadata={**meta, "channel": c})
            for c, d in zip(channels, drawings, strict=True)]


def run_channels_job(net: str, weights: str | None, layer: str, channels: list[int],
                     tiles: str | os.PathLike, *, size: int, steps: int, paths: int,
                     views: int, width: float, seed: int, meta: dict, chunk: int = 8,
                     ray: str | None = None, workers: int = 1, progress: bool = False
                     ) -> JobReport:
    """Dream ``channels`` in chunks into ``tiles/channel_NNN.svg`` via :func:`run_jobs`."""
    from vecdream.atomic import atomic_write_bytes

    tiles = Path(tiles)
    tag = f"{net}:{weights}:{layer}:{size}:{steps}:{paths}:{views}:{width}:{seed}"
    items = []
    for a in range(0, len(channels), chunk):
        part = channels[a:a + chunk]
        items.append(Item(f"{tag}:{part[0]}-{part[-1]}", {
            "net": net, "weights": weights, "layer": layer, "channels": part, "size": size,
            "steps": steps, "paths": paths, "views": views, "width": width,
            "seed": seed + part[0], "meta": meta}))

    def write(item: Item, svgs: list[str]) -> None:
        for c, svg in zip(item.kwargs["channels"], svgs, strict=True):
            atomic_write_bytes(tiles / f"channel_{c:03d}.svg", svg.encode("utf-8"))

    with Journal(tiles / ".vecdream-channels-journal") as journal:
        return run_jobs(dream_channel_chunk, items, write, journal=journal, ray=ray,
                        workers=workers, progress=progress, desc="channels")
