"""``vecdream seeds train | sample | eval``: the vector GAN on the command line.

Each command parses options and calls one library function (:func:`train_seed_gan`,
:meth:`VectorGenerator.sample`, :func:`evaluate`; ``refine``: ``cli_refine``). Ctrl-C during
``train`` stops after the current step and writes the checkpoint (a second Ctrl-C quits
at once, the library still writing a loadable checkpoint).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import click

from vecdream.cli.common import device_option, ray_option
from vecdream.seeds.cli_folder import FolderSeeds
from vecdream.seeds.cli_folder import read_seed_folder as _folder

__all__ = ["COMMANDS", "eval_command", "sample_command", "train_command"]

_DIR = click.Path(exists=True, file_okay=False, path_type=Path)
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _power_of_two(_ctx, _param, value: int) -> int:
    if value < 8 or value & (value - 1):
        raise click.BadParameter(f"expected a power of two >= 8 (32, 64, 128...), got {value}")
    return value


def _palette(text: str | None) -> list[list[float]] | str | None:
    if text is None or text == "auto":
        return text
    from vecdream.seeds.palette import load_palette

    try:
        return load_palette(text).tolist()
    except (ValueError, OSError) as exc:
        raise click.BadParameter(str(exc).splitlines()[0], param_hint="--palette") from None


@click.command("train")
@click.argument("folder", type=_DIR)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("seeds_gan.pt"), show_default=True,
              help="Checkpoint: the model and everything needed to resume.")
@click.option("--size", type=int, default=64, show_default=True, callback=_power_of_two,
              help="Canvas and training resolution in pixels.")
@click.option("--steps", type=click.IntRange(min=0), default=2000, show_default=True)
@click.option("--paths", type=click.IntRange(min=1), default=16, show_default=True,
              help="Paths per generated seed.")
@click.option("--closed", type=click.IntRange(min=0), default=None,
              help="How many of --paths are closed filled shapes, the rest open strokes "
                   "(default all).")
@click.option("--segments", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--generator", "generator_kind", type=click.Choice(["auto", "paths", "lattice"]),
              default="auto", show_default=True,
              help="lattice: learned motifs on a grid of cells, periodic by construction "
                   "(tiles, Mosaic patterns); paths: free-form paths (icons, artwork); "
                   "auto: lattice when the seeds tile.")
@click.option("--grid", type=click.IntRange(min=1), default=4, show_default=True,
              help="Lattice cells per side.")
@click.option("--motifs", type=click.IntRange(min=1), default=6, show_default=True,
              help="Lattice motifs learned (the codebook).")
@click.option("--batch", type=click.IntRange(min=2), default=16, show_default=True)
@click.option("--palette", default=None,
              help="Palette the paths must use: .gpl/.ase file, hex list, a name, or auto "
                   "(the seeds' 8 main colours).")
@click.option("--ada", is_flag=True, help="Adapt the augmentation probability (ADA).")
@click.option("--checkpoint-every", type=click.IntRange(min=0), default=100,
              show_default=True, help="Write --out every N steps (0: only at the end).")
@click.option("--resume", is_flag=True, help="Continue the run saved in --out.")
@click.option("--seed", type=int, default=0, show_default=True)
@device_option(default="cpu")
def train_command(folder: Path, out: Path, size: int, steps: int, paths: int,
                  closed: int | None, segments: int, generator_kind: str, grid: int,
                  motifs: int, batch: int, palette: str | None,
                  ada: bool, checkpoint_every: int, resume: bool, seed: int,
                  device: str) -> None:
    """Train a vector GAN on the seeds in FOLDER (SVG, PDF, PNG): samples are SVG.

    Under torchrun (e.g. ``torchrun --nproc_per_node 4 -m vecdream seeds train ...``)
    the processes split every --batch (gloo on CPU, nccl on CUDA); rank 0 writes --out."""
    import torch

    from vecdream.seeds.distributed import init_from_env
    from vecdream.seeds.gan import train_seed_gan

    if closed is not None and closed > paths:
        raise click.BadParameter(f"expected at most --paths ({paths}), got {closed}",
                                 param_hint="--closed")
    if resume and not out.is_file():
        raise click.BadParameter(f"no checkpoint to resume at {out}", param_hint="--resume")
    data = _folder(folder, size, "FOLDER").images
    try:
        world = init_from_env(device)
        if world.distributed:
            world.bounds(batch)
    except ValueError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[-1], param_hint="--batch") from None
    stop = {"flag": False}

    def on_sigint(_signum, _frame) -> None:
        if stop["flag"]:
            raise KeyboardInterrupt
        stop["flag"] = True
        click.echo("\nstopping after this step (Ctrl-C again to quit now)...", err=True)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        result = train_seed_gan(
            data, paths, size, steps=steps, batch=batch, segments=segments, n_closed=closed,
            palette=_palette(palette), generator=generator_kind, grid=grid, motifs=motifs,
            ada=ada, seed=seed, checkpoint=out,
            checkpoint_every=checkpoint_every, resume=out if resume else None,
            callback=lambda _info: stop["flag"], progress=True, device=device)
        if world.distributed:
            # every rank waits until rank 0 has written --out before gloo is torn down
            torch.distributed.barrier()
    except (ValueError, RuntimeError) as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from None
    finally:
        signal.signal(signal.SIGINT, previous)
        if world.distributed:
            torch.distributed.destroy_process_group()
    status = "stopped" if result.stopped else "done"
    if world.main:
        procs = f", {world.size} processes" if world.distributed else ""
        kind = result.generator.config.to_dict()["kind"]
        click.echo(f"{status} at step {result.step}: wrote {out} ({len(data)} seeds{procs}, "
                   f"{kind} generator)")
    if world.distributed:
        # Every rank is done (barrier above) and --out is written. Leave without the
        # interpreter's shutdown: there, a C++ thread left behind by c10d's store can abort
        # the process ("terminate called without an active exception", seen now and then
        # with gloo on a loaded CPU), turning a finished run into a torchrun failure.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def _load_model(path: Path):
    from vecdream.seeds.gan import load_seed_gan

    try:
        return load_seed_gan(path)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="MODEL") from None


@click.command("sample")
@click.argument("model", type=_FILE)
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("-n", "count", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--size", type=click.IntRange(min=1), default=None,
              help="Output canvas side (default the training size): vector, any size.")
@click.option("--pdf", is_flag=True, help="Also write a vector PDF per seed.")
@click.option("--png", is_flag=True, help="Also write a PNG per seed.")
@click.option("--seed", type=int, default=0, show_default=True)
@ray_option("Seeds")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Local processes without --ray (1: this process).")
@click.option("--chunk", type=click.IntRange(min=1), default=64, show_default=True,
              help="Seeds per task.")
@click.option("--catalogue", "db", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Issue each seed into this catalogue; write admitted ones.")
@click.option("--campaign", default=None, help="Campaign tag for --catalogue.")
def sample_command(model: Path, out: Path, count: int, size: int | None, pdf: bool, png: bool,
                   seed: int, ray_address: str | None, workers: int, chunk: int,
                   db: Path | None, campaign: str | None) -> None:
    """Write COUNT new seeds from MODEL into OUT as SVG (+ PDF/PNG) and a contact sheet.

    Resumable: a rerun with the same options skips the chunks already written."""
    import torch

    from vecdream.render import render
    from vecdream.seeds.cli_catalogue import open_catalogue
    from vecdream.seeds.sample_job import sample_to_folder
    from vecdream.seeds.sheet import save_contact_sheet

    generator, _, info = _load_model(model)
    if db is not None and not campaign:
        raise click.BadParameter("--catalogue needs a --campaign tag", param_hint="--campaign")
    cat = open_catalogue(db, create=True) if db is not None else None
    try:
        report, stats = sample_to_folder(model, out, count, seed=seed, size=size, pdf=pdf,
                                         png=png, chunk=chunk, ray=ray_address,
                                         workers=workers, catalogue=cat,
                                         campaign=campaign or "", progress=True)
    except RuntimeError as exc:  # e.g. Ray missing or unreachable
        raise click.ClickException(str(exc).splitlines()[0]) from None
    finally:
        if cat is not None:
            cat.close()
    from vecdream.drawing import Drawing

    shown = sorted(out.glob("seed_*.svg"))[:100]  # a sheet of 100 000 helps nobody
    if shown:
        train_size = int(generator.config.size)
        drawings = [Drawing.from_svg(p) for p in shown]
        with torch.no_grad():
            thumbs = render([d.scaled(train_size / d.size[0]) for d in drawings],
                            train_size, train_size)
        save_contact_sheet(out / "sheet.png", thumbs, [p.stem for p in shown])
    for name, error in report.failed.items():
        click.echo(f"failed: {name}: {error}", err=True)
    for name, other in stats.rejected:
        click.echo(f"rejected {name}: near-duplicate of catalogued seed {other}")
    click.echo(f"wrote {len(stats.written)} seeds to {out} (model at step {info['step']}, "
               f"{report.backend}" + (f", {len(report.skipped)} chunks already done"
                                      if report.skipped else "") + f") and {out / 'sheet.png'}")
    if report.failed:
        raise click.ClickException(f"{len(report.failed)} chunks failed after retries; "
                                   f"rerun to retry them")


@click.command("eval")
@click.argument("samples", type=_DIR)
@click.argument("real", type=_DIR)
@click.option("--train", "train_dir", type=_DIR, default=None,
              help="The generator's training seeds, for memorization (default REAL).")
@click.option("--size", type=click.IntRange(min=8), default=64, show_default=True)
@click.option("--threshold", type=click.FloatRange(0, 1), default=1 / 3, show_default=True,
              help="Memorized when d(nearest) / d(second nearest) is below this.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Also write the metrics as JSON.")
def eval_command(samples: Path, real: Path, train_dir: Path | None, size: int,
                 threshold: float, json_out: Path | None) -> None:
    """Evaluate generated SAMPLES against REAL seeds, offline (own features)."""
    from vecdream.atomic import atomic_write_bytes
    from vecdream.seeds.evaluate import evaluate

    fake_set, real_set = _folder(samples, size, "SAMPLES"), _folder(real, size, "REAL")
    train_set = real_set if train_dir is None else _folder(train_dir, size, "--train")
    result = evaluate(fake_set.images, real_set.images, train=train_set.images, size=size,
                      threshold=threshold)
    summary = {**result.summary(), **_complexity(fake_set)}
    for key, value in summary.items():
        click.echo(f"{key:>14}: {value:.4g}" if isinstance(value, float) else
                   f"{key:>14}: {value}")
    names, train_names = fake_set.names, train_set.names
    for i in result.memorized:
        click.echo(f"memorized: {names[i]} ~ {train_names[result.nearest[i]]} "
                   f"(ratio {result.nn_ratio[i]:.3f})")
    if json_out is not None:
        summary["memorized_files"] = [names[i] for i in result.memorized]
        atomic_write_bytes(json_out, json.dumps(summary, indent=2).encode("utf-8"))


def _complexity(seeds: FolderSeeds) -> dict[str, float]:
    """Mean paths, nodes and colours of the vector samples (Seeds I's seed_stats)."""
    from vecdream.seeds.stats import seed_stats

    f = seeds.folder
    stats = [seed_stats(f.drawings[i], f.images[i]) for i in seeds.keep
             if f.drawings[i] is not None]
    if not stats:
        return {"vector_samples": 0}
    n = len(stats)
    return {"vector_samples": n, "paths": sum(s.paths for s in stats) / n,
            "nodes": sum(s.nodes for s in stats) / n, "colours": sum(s.colours for s in stats) / n}


COMMANDS = [train_command, sample_command, eval_command]
