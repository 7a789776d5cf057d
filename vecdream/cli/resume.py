"""``--resume``: the checkpoint says what the run was; the command line may only extend it.

A checkpoint stores the command's options (``Checkpoint.options``). On resume, every
option the user did not give takes the checkpoint's value (so ``dream --resume x.ckpt``
alone goes on with the same net, layer, channel, sizes, seed...); an option the user
gave that differs from the checkpoint is an error naming it, except those that only
say how far to go or where to write (``FREE_ON_RESUME``).
"""

from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from vecdream.checkpoint import Checkpoint, load_checkpoint

__all__ = ["FREE_ON_RESUME", "load_for_resume", "plain", "stored_options"]

FREE_ON_RESUME = frozenset({"steps", "out", "gif", "snapshot_every", "device", "resume"})
"""Options a resumed run may change: the total step count, outputs, device."""

_NOT_RESTORED = frozenset({"device", "resume"})  # the machine decides; resume is the key
_BEFORE_OPTION = {"untangle": 0.0, "xing": 0.0, "overdraw": 0.0, "anneal": "0.5,0.25"}
"""Options newer than some checkpoints, and the value that resumes such a run as it began."""
_PATHS = frozenset({"out", "gif", "photo"})
_TUPLES = frozenset({"tiles"})


def plain(value: object) -> object:
    """An option value as a checkpoint stores it (str, number, bool, list or None)."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    return value


def stored_options(command: str, params: dict, **extra: object) -> dict:
    """What a checkpoint keeps of a run: the command, its options (plain) and ``extra``."""
    kept = {k: plain(v) for k, v in params.items() if k not in _NOT_RESTORED}
    return {"command": command, **kept, **extra}


def _unplain(name: str, value: object) -> object:
    if value is None:
        return None
    if name in _PATHS:
        return Path(value)
    if name in _TUPLES:
        return tuple(value)
    return value


def _option_name(ctx: click.Context, name: str) -> str:
    for param in ctx.command.params:
        if param.name == name:
            return param.opts[0] if isinstance(param, click.Option) else param.human_readable_name
    return name


def _given(ctx: click.Context, name: str) -> bool:
    return ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE,
                                              ParameterSource.ENVIRONMENT)


def load_for_resume(ctx: click.Context, command: str, params: dict) -> Checkpoint | None:
    """With ``--resume``: load the checkpoint and fill ``params`` in place from it.

    Raises:
        click.BadParameter: unreadable checkpoint, or one of another command.
        click.UsageError: an option given on the command line conflicts with the
            checkpoint (the message names it and both values).
    """
    path = params.get("resume")
    if path is None:
        return None
    try:
        ckpt = load_checkpoint(path)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--resume'") from None
    stored = dict(ckpt.options)
    kind = stored.pop("command", command)
    if kind != command:
        raise click.BadParameter(f"{path} is a checkpoint of `vecdream {kind}`, not of "
                                 f"`vecdream {command}`", param_hint="'--resume'")
    if stored.get("phase") == "large":
        raise click.BadParameter(
            f"{path} is the finetune of a --from run, which cannot be resumed; resume its "
            "small dream (<out>_small.ckpt) or start a new run", param_hint="'--resume'")
    for name, value in stored.items():
        if name not in params or name in _NOT_RESTORED:
            continue
        if not _given(ctx, name):
            params[name] = _unplain(name, value)
        elif name not in FREE_ON_RESUME and plain(params[name]) != value:
            option = _option_name(ctx, name)
            raise click.UsageError(
                f"{option} {plain(params[name])} conflicts with the checkpoint's {option} "
                f"{value} ({path}); drop {option} to resume, or start a new run")
    for name, value in _BEFORE_OPTION.items():  # a checkpoint older than the option
        if name in params and name not in stored and not _given(ctx, name):
            params[name] = value
    click.echo(f"resuming at step {ckpt.step}", err=True)
    return ckpt
