"""Named styles: documented sets of :func:`~vecdream.dream.optimize.optimize_strokes` options.

A style is not a code path: it is only option values, which a user may override one by
one (``--style clean --paths 150``). The CLI's ``--style`` fills every option the
command line did not give from :func:`cli_values`, and a checkpoint stores the filled
values, so ``--resume`` needs nothing more.

=========  ==================================================================
clean      fewer, longer, smooth strokes: 100 arcs, width 1.5, a strong bending
           penalty (0.2) and an ink penalty (0.02), useless strokes re-seeded every
           10 steps, strokes under 6 units re-seeded.
dense      a busy texture: 400 thin strokes (width 0.75), re-seeded every 10 steps.
colour     a four-colour palette (near-black, red, blue, orange), free widths
           0.5-4, re-seeded every 10 steps.

Every style starts from :data:`DREAM`, what ``vecdream dream`` does by default: smooth
arcs, small self-loops cut (untangle 0.09); dense and colour keep its bending weight
(0.05).
=========  ==================================================================

Example:
    >>> from vecdream.dream.styles import STYLES
    >>> sorted(STYLES)
    ['clean', 'colour', 'dense']
    >>> STYLES["clean"]["n_paths"]
    100
"""

from __future__ import annotations

__all__ = ["DREAM", "STYLES", "cli_values"]

DREAM: dict[str, object] = {"init": "smooth", "bend": 0.05, "untangle": 0.09}
"""The stroke hygiene ``vecdream dream`` applies when no option says otherwise: smooth
arcs, bending 0.05, small self-loops cut (each measured in BENCHMARKS.md, "Art
quality"). The library's own defaults stay off, so ``paint`` and custom objectives are
unchanged; ``optimize_strokes(..., **DREAM)`` dreams as the command does."""

COLOUR_PALETTE = [(0.1, 0.1, 0.1), (0.84, 0.15, 0.16), (0.12, 0.47, 0.71), (1.0, 0.5, 0.05)]

STYLES: dict[str, dict[str, object]] = {
    "clean": {**DREAM, "n_paths": 100, "width": 1.5, "bend": 0.2, "ink": 0.02,
              "prune_every": 10, "min_length": 6.0},
    "dense": {**DREAM, "n_paths": 400, "width": 0.75, "ink": 0.0, "prune_every": 10,
              "min_length": 0.0},
    "colour": {**DREAM, "n_paths": 200, "colors": COLOUR_PALETTE, "width": ("free", 0.5, 4.0),
               "ink": 0.0, "prune_every": 10, "min_length": 0.0},
}
"""``optimize_strokes(layer, channel, **STYLES[name])`` draws in style ``name``."""


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(255 * v):02x}" for v in rgb)


def cli_values(name: str) -> dict[str, object]:
    """The options of style ``name`` as the ``dream`` command spells them (its parameter
    names and text values: ``paths``, ``width="free:0.5:4"``, ``colors="#1a1a1a,..."``).

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
                            else f"{value:g}")
        elif key == "colors":
            out["colors"] = ",".join(_hex(c) for c in value)
        else:
            out[key] = value
    return out
