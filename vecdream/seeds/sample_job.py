"""``seeds sample`` as a batch job: chunks of seeds as tasks, one writer, resumable.

Seed ``i`` of a run with ``seed`` has its own noise ``z_i`` (from
``numpy.random.SeedSequence([seed, i])``), so a seed's SVG depends on ``(model, seed,
i)`` alone: chunks can run anywhere, in any order, and a rerun skips the chunks the
job journal lists. The writer runs in the calling process: it writes each seed's files
atomically and, with a catalogue, issues the seed first and writes only admitted ones.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from vecdream.jobs import Item, JobReport, Journal, run_jobs

__all__ = ["SampleStats", "sample_chunk", "sample_to_folder", "sample_z"]

_MODELS: dict[tuple, tuple] = {}  # per worker process: (path, mtime) -> loaded model


def sample_z(seed: int, index: int, z_dim: int) -> torch.Tensor:
    """The noise ``(z_dim,)`` of seed ``index`` in a run with ``seed``."""
    state = int(np.random.SeedSequence([seed, index]).generate_state(1, np.uint64)[0])
    return torch.randn(z_dim, generator=torch.Generator().manual_seed(state))


def _model(path: str):
    key = (path, os.stat(path).st_mtime_ns)
    if key not in _MODELS:
        from vecdream.seeds.gan import load_seed_gan

        _MODELS.clear()
        _MODELS[key] = load_seed_gan(path)
    return _MODELS[key]


def sample_chunk(model: str, start: int, count: int, seed: int, size: int | None = None
                 ) -> list[tuple[str, dict]]:
    """Seeds ``start .. start + count - 1`` as ``(SVG text, provenance)``; the SVG
    carries the provenance as metadata too.

    Args:
        model: a seed-GAN checkpoint (``vecdream seeds train``).
        size: output canvas side (None: the training size; vectors scale freely).
    """
    torch.set_num_threads(1)  # one task per core: threads would only contend
    generator, _, info = _model(model)
    z_dim, train = generator.config.total_z, int(generator.config.size)
    z = torch.stack([sample_z(seed, i, z_dim) for i in range(start, start + count)])
    with torch.no_grad():
        drawings = generator.drawings(generator(z), prune=True)
    scale = 1.0 if size is None else size / train
    meta = {"command": "seeds sample", "model": Path(model).name, "step": info["step"],
            "seed": seed, "size": size or train}
    out = []
    for k, d in enumerate(drawings):
        record = {**meta, "index": start + k, "z": f"SeedSequence([{seed}, {start + k}])"}
        out.append((d.scaled(scale).to_svg(metadata=record), record))
    return out


@dataclass
class SampleStats:
    """Seeds written and (with a catalogue) refused as near-duplicates."""

    written: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (name, collision)


def sample_to_folder(model: str | os.PathLike, out: str | os.PathLike, count: int, *,
                     seed: int = 0, size: int | None = None, pdf: bool = False,
                     png: bool = False, chunk: int = 64, ray: str | None = None,
                     workers: int = 1, catalogue=None, campaign: str = "",
                     progress: bool = False) -> tuple[JobReport, SampleStats]:
    """Write ``count`` seeds as ``OUT/seed_NNNN.svg`` (+ PDF/PNG) via :func:`run_jobs`.

    Args:
        catalogue: an open :class:`~vecdream.seeds.catalogue.Catalogue`: seeds are
            issued under ``campaign`` and only admitted ones are written.
        chunk: seeds per task.
        ray, workers, progress: as in :func:`vecdream.jobs.run_jobs`.
    """
    from vecdream.atomic import atomic_write_bytes
    from vecdream.drawing import Drawing
    from vecdream.export import save_pdf, save_png

    model, out = os.fspath(Path(model).resolve()), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tag = f"{Path(model).name}:{os.stat(model).st_mtime_ns}:seed={seed}:size={size}"
    if catalogue is not None:
        tag += f":catalogue={catalogue.path.name}:{campaign}"
    items = [Item(f"{tag}:{a}-{min(count, a + chunk)}",
                  {"model": model, "start": a, "count": min(chunk, count - a), "seed": seed,
                   "size": size}) for a in range(0, count, chunk)]
    stats = SampleStats()

    def write(item: Item, seeds: list[tuple[str, dict]]) -> None:
        for k, (svg, record) in enumerate(seeds):
            name = f"seed_{item.kwargs['start'] + k:04d}"
            if catalogue is not None:
                result = catalogue.issue(svg, name=name, campaign=campaign,
                                         provenance=record)
                c = result.collision
                if not result.admitted and c.exact and (c.seed.name, c.seed.campaign) == (
                        name, campaign):
                    pass  # issued by an interrupted run of this job: write its files now
                elif not result.admitted:
                    stats.rejected.append((name, f"#{result.collision.seed.id}"))
                    continue
            path = out / f"{name}.svg"
            atomic_write_bytes(path, svg.encode("utf-8"))
            if pdf or png:
                d = Drawing.from_svg(svg.encode("utf-8"))
                if pdf:
                    save_pdf(d, path.with_suffix(".pdf"))
                if png:
                    save_png(d, path.with_suffix(".png"))
            stats.written.append(name)

    with Journal(out / ".vecdream-sample-journal") as journal:
        report = run_jobs(sample_chunk, items, write, journal=journal, ray=ray,
                          workers=workers, progress=progress, desc="seeds sample")
    return report, stats

