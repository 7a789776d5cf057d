"""``vecdream sweep SPEC.yaml OUT``: a grid of dream options as a batch job."""

from __future__ import annotations

from pathlib import Path

import click

from vecdream.cli.common import ray_option

__all__ = ["sweep_command"]


@click.command("sweep")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@ray_option("Points")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Local processes without --ray (1: this process).")
def sweep_command(spec: Path, out: Path, ray_address: str | None, workers: int) -> None:
    """Dream every point of SPEC's grid into OUT (point_NNNN.svg + sweep.json).

    SPEC is YAML: 'options' (fixed: layer, size, steps, paths, views, width, weights...)
    and 'grid' (lists to combine, e.g. channel: [0, 1, 2]). Resumable: a rerun skips
    finished points."""
    from vecdream.dream.sweep import run_sweep
    from vecdream.jobs.sweep import load_spec

    try:
        points = load_spec(spec)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="SPEC") from None
    try:
        report = run_sweep(points, out, ray=ray_address, workers=workers, progress=True)
    except RuntimeError as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from None
    for key, error in report.failed.items():
        click.echo(f"failed: {key}: {error}", err=True)
    click.echo(f"wrote {len(report.written)} of {len(points)} points to {out} "
               f"({report.backend}" + (f", {len(report.skipped)} already done"
                                       if report.skipped else "") + ") and sweep.json")
    if report.failed:
        raise click.ClickException(f"{len(report.failed)} points failed after retries; "
                                   f"rerun to retry them")
