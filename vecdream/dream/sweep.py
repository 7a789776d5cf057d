"""Sweeps of dream options as a batch job (``vecdream sweep spec.yaml``).

Each point of a :mod:`vecdream.jobs.sweep` spec is one
:func:`~vecdream.dream.optimize.optimize_strokes` run (a task); the calling process writes
``point_NNNN.svg`` for each and a ``sweep.json`` manifest of every point's options
and file. The job journal makes a rerun skip finished points.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch

from vecdream.jobs import JobReport, Journal, run_jobs
from vecdream.jobs.runner import Item

__all__ = ["dream_point", "run_sweep"]


def dream_point(options: dict, index: int) -> str:
    """SVG text (options as metadata) of one sweep point."""
    from vecdream.dream.optimize import optimize_strokes

    torch.set_num_threads(1)
    o = dict(options)
    weights = o.pop("weights", "imagenet")
    result = optimize_strokes(
        layer=o.pop("layer"), channel=o.pop("channel", None), n_paths=o.pop("paths", 200),
        weights=None if weights == "none" else weights, seed=o.pop("seed", 0),
        device="cuda" if torch.cuda.is_available() else "cpu", **o)
    meta = {"command": "sweep", "point": index, **options}
    return result.drawings[0].detach().to("cpu").to_svg(metadata=meta)


def run_sweep(points: list[dict], out: str | os.PathLike, *, ray: str | None = None,
              workers: int = 1, progress: bool = False) -> JobReport:
    """Dream every point into ``out`` (see the module docstring)."""
    from vecdream.atomic import atomic_write_bytes

    out = Path(out)
    items = [Item(json.dumps({"point": i, **p}, sort_keys=True),
                  {"options": p, "index": i}) for i, p in enumerate(points)]

    def write(item: Item, svg: str) -> None:
        atomic_write_bytes(out / f"point_{item.kwargs['index']:04d}.svg", svg.encode("utf-8"))

    with Journal(out / ".vecdream-sweep-journal") as journal:
        report = run_jobs(dream_point, items, write, journal=journal, ray=ray,
                          workers=workers, progress=progress, desc="sweep")
    manifest = [{"point": i, "file": f"point_{i:04d}.svg", "options": p,
                 "done": (out / f"point_{i:04d}.svg").is_file()} for i, p in enumerate(points)]
    atomic_write_bytes(out / "sweep.json", json.dumps(manifest, indent=2).encode("utf-8"))
    return report
