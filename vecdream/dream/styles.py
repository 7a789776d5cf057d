"""Named styles: documented sets of :func:`~vecdream.dream.optimize.optimize_strokes` options.

A style is option values, not a code path: a stroke count, a width, colours and a
:class:`~vecdream.dream.hygiene.Hygiene`. A user may override them one by one
(``--style dense --paths 300``). The CLI's ``--style`` (``clean`` unless given) fills
every option the command line did not give from :func:`cli_values`, and a checkpoint
stores the filled values, so ``--resume`` needs nothing more.

=========  ==================================================================
clean      what ``vecdream dream`` does: 200 bold strokes (0.9 % of the canvas side,
           the seed gallery's look) with :data:`DREAM`'s hygiene.
dense      a busy texture: 400 strokes half as wide, re-seeded every 10 steps.
colour     a four-colour palette (near-black, red, blue, orange), free widths
           0.5-4 units, re-seeded every 10 steps.
=========  ==================================================================

Every style keeps :data:`DREAM`'s line-work penalties, loop cuts, minimum length and
learning-rate annealing (each measured in BENCHMARKS.md, "Pen art").

Example:
    >>> from vecdream.dream.styles import STYLES
    >>> sorted(STYLES)
    ['clean', 'colour', 'dense']
    >>> STYLES["clean"]["width"]
    '0.9%'
"""

from __future__ import annotations

from dataclasses import fields, replace

from vecdream.dream.hygiene import Hygiene

__all__ = ["DREAM", "STYLES", "cli_values", "style_hygiene"]

DREAM = Hygiene(init="smooth", bend=1.0, xing=20.0, untangle=0.09, min_length=0.02,
                anneal=(0.4, 0.1))
"""The stroke hygiene ``vecdream dream`` applies when no option says otherwise (style
``clean``): smooth arcs, bending 1, the fold penalty 20, small self-loops cut, no
stroke under 2 % of the side, learning rates 1 -> 0.4 -> 0.1. The library's own
default (``Hygiene()``) stays off, so ``paint`` and custom objectives are unchanged;
``optimize_strokes(..., hygiene=DREAM)`` dreams as the command does."""

COLOUR_PALETTE = [(0.1, 0.1, 0.1), (0.84, 0.15, 0.16), (0.12, 0.47, 0.71), (1.0, 0.5, 0.05)]

STYLES: dict[str, dict[str, object]] = {
    "clean": {"n_paths": 200, "width": "0.9%", "hygiene": DREAM},
    "dense": {"n_paths": 400, "width": "0.45%", "hygiene": replace(DREAM, prune_every=10)},
    "colour": {"n_paths": 200, "colors": COLOUR_PALETTE, "width": ("free", 0.5, 4.0),
               "hygiene": replace(DREAM, prune_every=10)},
}
"""``optimize_strokes(layer, channel, **STYLES[name])`` draws in style ``name``."""


def style_hygiene(hygiene: Hygiene | str | None) -> Hygiene:
    """``hygiene`` itself, the hygiene of the style it names, or ``Hygiene()`` (all off)
    for None.

    Raises:
        ValueError: an unknown style name (the message lists them).
    """
    if hygiene is None:
        return Hygiene()
    if isinstance(hygiene, Hygiene):
        return hygiene
    if hygiene not in STYLES:
        raise ValueError(f"hygiene: expected a Hygiene or one of {sorted(STYLES)}, "
                         f"got {hygiene!r}")
    return STYLES[hygiene]["hygiene"]


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(255 * v):02x}" for v in rgb)


def cli_values(name: str) -> dict[str, object]:
    """The options of style ``name`` as the ``dream`` command spells them (its parameter
    names and text values: ``paths``, ``width="free:0.5:4"``, ``colors="#1a1a1a,..."``,
    ``anneal="0.4,0.1"``, one entry per :class:`~vecdream.dream.hygiene.Hygiene` field).

    Raises:
        ValueError: for an unknown style (the message lists them).
    """
    if name not in STYLES:
        raise ValueError(f"style: expected one of {sorted(STYLES)}, got {name!r}")
    out: dict[str, object] = {}
    for key, value in STYLES[name].items():
        if key == "n_paths":
            out["paths"] = value
        elif key == "width":
            out["width"] = (f"free:{value[1]:g}:{value[2]:g}" if isinstance(value, tuple)
                            else value if isinstance(value, str) else f"{value:g}")
        elif key == "colors":
            out["colors"] = ",".join(_hex(c) for c in value)
        elif key == "hygiene":
            for f in fields(Hygiene):
                v = getattr(value, f.name)
                out[f.name] = ",".join(f"{x:g}" for x in v) if f.name == "anneal" else v
    return out
