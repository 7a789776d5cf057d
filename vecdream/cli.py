"""The ``vecdream`` command line: a group of small commands, each over library calls.

Commands live in ``cli_*`` modules (render, plot, dream/paint, nets, info); this module
only holds the group, the logging set-up and the registrations.
"""

from __future__ import annotations

import logging

import click

from vecdream.cli_dream import dream_command, paint_command
from vecdream.cli_info import info_command
from vecdream.cli_nets import channels_command, layers_command
from vecdream.cli_plot import plot_command
from vecdream.cli_render import random_command, render_command
from vecdream.provenance import vecdream_version

__all__ = ["main"]


class _EchoHandler(logging.Handler):
    """Library log records as ``warning: ...`` lines on the stderr click uses *now* (so
    tests' captured streams see them too); the library itself never prints."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level = "" if record.levelno < logging.WARNING else record.levelname.lower() + ": "
            click.echo(level + record.getMessage(), err=True)
        except Exception:  # a log line must never break a command
            self.handleError(record)


def _set_up_logging(verbose: bool) -> None:
    logger = logging.getLogger("vecdream")
    for handler in [h for h in logger.handlers if isinstance(h, _EchoHandler)]:
        logger.removeHandler(handler)
    logger.addHandler(_EchoHandler())
    logger.setLevel(logging.INFO if verbose else logging.WARNING)


@click.group()
@click.version_option(vecdream_version(), prog_name="vecdream")
@click.option("-v", "--verbose", is_flag=True, help="Log details.")
def main(verbose: bool) -> None:
    """vecdream: dream in vectors."""
    _set_up_logging(verbose)


for _command in (random_command, render_command, plot_command, dream_command, paint_command,
                 layers_command, channels_command, info_command):
    main.add_command(_command)


def _register_seeds_commands() -> None:
    from vecdream.seeds.cli import seeds_group

    main.add_command(seeds_group)


def _register_sweep_command() -> None:
    from vecdream.cli_sweep import sweep_command

    main.add_command(sweep_command)


def _register_painter_commands() -> None:
    from vecdream.painter.cli import painter_group

    main.add_command(painter_group)


def _register_trace_command() -> None:
    from vecdream.painter.cli_agent import trace_command

    main.add_command(trace_command)


_register_seeds_commands()
_register_sweep_command()
_register_painter_commands()
_register_trace_command()
