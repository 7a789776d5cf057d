"""The brush's action space (Nakano's "Neural Painters", after SPIRAL's MyPaint agent).

One action is one stroke on a 64×64 cell, 12 numbers in ``[0, 1]``::

    0 pressure_start   1 pressure_end   2 size
    3 r   4 g   5 b                             (straight RGB of the paint)
    6 x0  7 y0   8 x1  9 y1   10 x2  11 y2      (quadratic Bézier: start, control, end)

Coordinates are fractions of the cell side (x right, y down, as SVG). ``size`` maps to a
brush radius in pixels by :func:`radius_px`, the one place both the real engine and the
SVG approximation read it from, so replay and plot agree with the learned painter.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

import torch
from torch import Tensor

__all__ = [
    "ACTION_FIELDS", "ACTION_DIM", "CELL", "RADIUS_RANGE_PX", "radius_px", "random_actions",
    "actions_to_records", "records_to_actions", "actions_json", "stroke_cells",
]

ACTION_FIELDS: tuple[str, ...] = (
    "pressure_start", "pressure_end", "size", "r", "g", "b",
    "x0", "y0", "x1", "y1", "x2", "y2",
)
ACTION_DIM = len(ACTION_FIELDS)
CELL = 64  # the painter's canvas side in pixels
# Brush radius at size 0 and 1, in pixels of a 64 px cell (log-spaced, like MyPaint's
# radius_logarithmic): thin enough for line work, wide enough to fill a cell in a few strokes.
RADIUS_RANGE_PX = (1.0, 8.0)


def radius_px(size: Tensor | float) -> Tensor | float:
    """Brush radius in cell pixels for ``size`` in [0, 1] (log-linear between the range)."""
    lo, hi = (math.log(r) for r in RADIUS_RANGE_PX)
    if isinstance(size, Tensor):
        return torch.exp(lo + (hi - lo) * size)
    return math.exp(lo + (hi - lo) * float(size))


def stroke_cells(cell: float | Tensor, n: int) -> Tensor:
    """Each of ``n`` strokes' cell side, ``(n,)`` float64 on the CPU, from one side for
    all or a tensor of one per stroke (coarse-to-fine layers give strokes their own)."""
    return torch.as_tensor(cell, dtype=torch.float64).detach().cpu().expand(n)


def random_actions(n: int, generator: torch.Generator | None = None) -> Tensor:
    """``n`` random actions ``(n, 12)``: uniform in [0, 1], the control point kept near
    the chord so strokes stay brush-like rather than looping off the cell."""
    a = torch.rand(n, ACTION_DIM, generator=generator)
    start, end = a[:, 6:8], a[:, 10:12]
    mid = (start + end) / 2
    a[:, 8:10] = (mid + (a[:, 8:10] - 0.5) * 0.8).clamp(0, 1)
    return a


def actions_to_records(actions: Tensor, origins: Tensor | None = None,
                       cell: float | Tensor = CELL) -> list[dict]:
    """Actions ``(N, 12)`` as JSON-ready dicts; with ``origins (N, 2)`` (each stroke's cell
    corner in canvas units) and ``cell`` (cell side in canvas units, or each stroke's
    ``(N,)``), the records also carry absolute Bézier points so a reader needs no grid
    to place them."""
    out = []
    cells = stroke_cells(cell, len(actions)).tolist()
    for i, row in enumerate(actions.detach().cpu().tolist()):
        rec = {k: round(v, 6) for k, v in zip(ACTION_FIELDS, row, strict=True)}
        if origins is not None:
            ox, oy = origins[i].tolist()
            c = cells[i]
            rec["points"] = [[round(ox + row[j] * c, 4), round(oy + row[j + 1] * c, 4)]
                             for j in (6, 8, 10)]
            rec["cell"] = [round(ox, 4), round(oy, 4), round(c, 4)]
        out.append(rec)
    return out


def records_to_actions(records: Sequence[dict]) -> Tensor:
    """The inverse of :func:`actions_to_records`: ``(N, 12)``; a missing field is an error
    naming it."""
    rows = []
    for i, rec in enumerate(records):
        missing = [k for k in ACTION_FIELDS if k not in rec]
        if missing:
            raise ValueError(f"action {i} lacks {', '.join(missing)}")
        rows.append([float(rec[k]) for k in ACTION_FIELDS])
    return torch.tensor(rows, dtype=torch.float32).reshape(-1, ACTION_DIM)


def actions_json(actions: Tensor, origins: Tensor | None = None, cell: float | Tensor = CELL,
                 **header) -> bytes:
    """A JSON document ``{"format": "vecdream-actions", ..header, "actions": [...]}``."""
    doc = {"format": "vecdream-actions", "version": 1, "fields": list(ACTION_FIELDS),
           **header, "actions": actions_to_records(actions, origins, cell)}
    return (json.dumps(doc, indent=1) + "\n").encode()
