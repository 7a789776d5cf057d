"""The ``vecdream`` command line: a group of small commands, each over library calls.

Commands live in this package's modules, one per command family (``render``, ``plot``,
``dream`` and ``paint``, ``nets``, ``info``, ``sweep``; options and runs shared by the
dream commands in ``options``, ``run``, ``resume``, ``medium``; bad input in ``common``
and ``inputs``), and in the ``seeds`` and ``painter`` packages' own ``cli*`` modules,
which this group registers; this module only holds the group, the logging set-up and the
table of commands. A command's module (and torch with it) is imported when that
command runs, so ``vecdream --help`` and a bad argument answer at once
(:class:`vecdream.cli.lazy.LazyGroup`).

May import: every stage; only ``vecdream.__main__`` and the stages' own ``cli*`` modules
import it (stage order: docs/ARCHITECTURE.md, checked by tests/test_imports.py).
"""

from __future__ import annotations

import logging

import click

from vecdream.cli.lazy import LazyGroup
from vecdream.provenance import vecdream_version

__all__ = ["COMMANDS", "main"]

COMMANDS: dict[str, tuple[str, str]] = {
    # name: ("module:attribute", the first sentence of its docstring, listed by --help)
    "channels": ("vecdream.cli.nets:channels_command",
                 "Dream channels of LAYER in one batch and write a labelled contact sheet."),
    "dream": ("vecdream.cli.dream:dream_command",
              "Optimize strokes to excite a network's channel, layer or class."),
    "info": ("vecdream.cli.info:info_command",
             "Print the provenance vecdream wrote into an SVG, PNG or PDF: version, command, "
             "net, layer, channel or class, steps, seed, size."),
    "layers": ("vecdream.cli.nets:layers_command",
               "List NET's layers to dream: channel count and activation size at 224 px."),
    "paint": ("vecdream.cli.dream:paint_command",
              "Paint a photo with strokes: match a layer's activations (content loss)."),
    "painter": ("vecdream.painter.cli:painter_group",
                "The learned brush: train the neural painter and the painting agent, replay "
                "actions."),
    "plot": ("vecdream.cli.plot:plot_command",
             "Write a pen-plotter file: mm page, one layer per pen, merged and sorted paths."),
    "random": ("vecdream.cli.render:random_command",
               "Write a random-walk drawing as SVG (and PDF) and PNG."),
    "render": ("vecdream.cli.render:render_command",
               "Render an SVG file to PNG with vecdream's renderer (or re-export it as "
               "PDF/SVG)."),
    "seeds": ("vecdream.seeds.cli:seeds_group",
              "Seeds for variable-data printing (HP Mosaic): make, augment, stats."),
    "studio": ("vecdream.studio.cli:studio_command",
               "Serve vecdream studio, the web app for seeds, dreams and paintings."),
    "sweep": ("vecdream.cli.sweep:sweep_command",
              "Dream every point of SPEC's grid into OUT (point_NNNN.svg + sweep.json)."),
    "trace": ("vecdream.painter.cli_agent:trace_command",
              "Paint IMAGE with brush strokes in one pass of the painting agent."),
}
"""Every top-level command; a new one is a new row (its module imported when it runs)."""


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


@click.group(cls=LazyGroup, lazy=COMMANDS)
@click.version_option(vecdream_version(), prog_name="vecdream")
@click.option("-v", "--verbose", is_flag=True, help="Log details.")
def main(verbose: bool) -> None:
    """vecdream: dream in vectors."""
    _set_up_logging(verbose)
