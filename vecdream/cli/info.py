"""``vecdream info FILE``: how a file was made (its provenance record)."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["info_command"]


@click.command("info")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def info_command(file: Path) -> None:
    """Print the provenance vecdream wrote into an SVG, PNG or PDF: version, command,
    net, layer, channel or class, steps, seed, size."""
    from vecdream.cli.inputs import not_svg
    from vecdream.export import read_metadata

    if file.suffix.lower() == ".svg" and (problem := not_svg(file)):
        raise click.BadParameter(problem, param_hint="'FILE'")
    try:
        record = read_metadata(file)
    except ValueError as exc:
        raise click.BadParameter(str(exc).splitlines()[0], param_hint="'FILE'") from None
    if not record:
        click.echo(f"{file}: no vecdream provenance (not written by vecdream, or edited)")
        return
    width = max(len(k) for k in record)
    for key, value in record.items():
        click.echo(f"{key:<{width}}  {value}")
