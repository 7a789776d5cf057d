"""``vecdream painter ...``: thin commands over the learned-brush library.

Each command lives in its own ``cli_*`` module of this package; this module holds the
group and the registrations.
"""

from __future__ import annotations

import click

__all__ = ["painter_group"]


@click.group("painter")
def painter_group() -> None:
    """The learned brush: train the neural painter and the painting agent, replay actions."""


def _register() -> None:
    # Each stage's CLI module adds its commands here. Those modules import only click
    # at the top and the painter library inside their commands, so `vecdream --help`
    # does not load it.
    from vecdream.painter.cli_agent import train_agent_command
    from vecdream.painter.cli_brush import fidelity_command, train_command

    painter_group.add_command(train_agent_command)
    painter_group.add_command(train_command)
    painter_group.add_command(fidelity_command)


_register()
