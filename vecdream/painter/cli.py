"""``vecdream painter ...``: thin commands over the learned-brush library.

Each command lives in its own ``cli_*`` module of this package; this module holds the
group and the table of its commands, each imported when it runs
(:class:`vecdream.cli.lazy.LazyGroup`).
"""

from __future__ import annotations

import click

from vecdream.cli.lazy import LazyGroup

__all__ = ["COMMANDS", "painter_group"]

COMMANDS: dict[str, tuple[str, str]] = {
    # name: ("module:attribute", the first sentence of its docstring, listed by --help)
    "fidelity": ("vecdream.painter.cli_brush:fidelity_command",
                 "Compare a painter with the real engine on held-out actions (IoU, PSNR)."),
    "train": ("vecdream.painter.cli_brush:train_command",
              "Train the GAN painter on strokes rendered by real libmypaint."),
    "train-gan": ("vecdream.painter.cli_gan:train_gan_command",
                  "Teach a painter its brush's grain against a critic, L1 kept."),
    "train-agent": ("vecdream.painter.cli_agent:train_agent_command",
                    "Train a painting agent through the frozen neural painter."),
}


@click.group("painter", cls=LazyGroup, lazy=COMMANDS)
def painter_group() -> None:
    """The learned brush: train the neural painter and the painting agent, replay actions."""
