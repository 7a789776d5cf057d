"""Sweep specs: a YAML file of fixed dream options and a grid of values to try.

Example ``spec.yaml``::

    options:            # every dream
      layer: efficientnet_lite0:blocks.2
      size: 64
      steps: 50
    grid:               # every combination of these lists
      channel: [0, 1, 2]
      seed: [0, 1]

Pure parsing (no vecdream imports beyond this stage): a bad spec is a ``ValueError``
that names the key and the fix.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

__all__ = ["OPTIONS", "load_spec", "points"]

# option -> type; the names and meanings of `vecdream dream`'s options
OPTIONS: dict[str, type] = {
    "layer": str, "channel": int, "paths": int, "size": int, "steps": int, "views": int,
    "width": float, "seed": int, "weights": str, "lr_points": float, "lr_widths": float,
    "init": str,
}


def _check(key: str, value: object, where: str) -> object:
    if key not in OPTIONS:
        raise ValueError(f"{where}: unknown option {key!r}; use one of "
                         f"{', '.join(sorted(OPTIONS))}")
    kind = OPTIONS[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"{where}: {key} must be {kind.__name__}, got {value!r}")
    return value


def points(spec: dict) -> list[dict]:
    """Every grid combination merged over the fixed options, in a stable order
    (grid keys sorted, values in the order given).

    Raises:
        ValueError: unknown keys, wrong types, empty lists, or no ``layer``.
    """
    if not isinstance(spec, dict) or not set(spec) <= {"options", "grid"}:
        raise ValueError("spec: expected a mapping with 'options' and/or 'grid'")
    fixed = spec.get("options") or {}
    grid = spec.get("grid") or {}
    if not isinstance(fixed, dict) or not isinstance(grid, dict):
        raise ValueError("spec: 'options' and 'grid' must be mappings")
    fixed = {k: _check(k, v, "options") for k, v in fixed.items()}
    axes = []
    for key in sorted(grid):
        values = grid[key]
        if not isinstance(values, list) or not values:
            raise ValueError(f"grid: {key} must be a non-empty list, got {values!r}")
        axes.append([(key, _check(key, v, "grid")) for v in values])
    out = [{**fixed, **dict(combo)} for combo in itertools.product(*axes)]
    if any("layer" not in p for p in out):
        raise ValueError("spec: every point needs a layer (put it in 'options')")
    return out


def load_spec(path: str | os.PathLike) -> list[dict]:
    """The points of a YAML spec file (see the module docstring)."""
    import yaml

    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"spec: not valid YAML ({str(exc).splitlines()[0]})") from None
    return points(spec)
