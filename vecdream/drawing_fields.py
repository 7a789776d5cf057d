"""The optional SVG-fidelity fields of a :class:`~vecdream.drawing.Drawing` and their defaults.

Drawings made by the optimizer never set these: the defaults (round caps and joins,
miter limit 4, solid paint, no opacity groups, no clips, identity stroke transform)
render exactly as before. SVG import fills them (issue 10). Kept apart from
``drawing.py`` so the data model stays one readable page.

Per-path fields have a leading ``P`` dimension and follow the paths through
``Drawing.select``; table fields (gradients, groups, clips) are shared by all paths and
are referenced by index, so selecting paths keeps the tables whole. Geometry is in user
units, like ``points``.

Per path: ``cap``, ``join`` (codes below), ``miter_limit`` (SVG ``stroke-miterlimit``),
``fill_paint``/``stroke_paint`` (-1 solid colour, else a gradient index; the paint's
alpha is the stop alpha times ``fill[:, 3]``/``stroke[:, 3]``), ``group`` (innermost
opacity group, -1 none), ``clip`` (clip index, -1 none), ``stroke_transform (P, 2, 2)``
(linear part of a non-similarity CTM: ``widths`` are then local units and the outline
is built locally and mapped by it).

Gradients (G): ``grad_kind``, ``grad_geom (G, 6)`` (linear ``x1 y1 x2 y2 0 0``, radial
``cx cy r fx fy fr``, gradient space), ``grad_transform (G, 2, 3)`` (gradient space →
user space), ``grad_spread``, ``grad_stops (G, K, 5)`` (offset, r, g, b, a; rows past
``grad_n_stops`` are padding). Groups (Q): ``group_opacity``, ``group_parent`` (-1 top;
members of a group are consecutive paths). Clips: ``clip_parent (K,)`` (a clip is
intersected with its parent), shapes ``clip_shape_clip (Ks,)``, ``clip_shape_evenodd``,
contours ``clip_points (Cc, 3S+1, 2)``, ``clip_n_segments (Cc,)``,
``clip_contour_shape (Cc,)`` (always filled as closed; a shape's clip is the union).
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = [
    "CAPS", "CAP_BUTT", "CAP_ROUND", "CAP_SQUARE", "GRAD_LINEAR", "GRAD_RADIAL", "JOINS",
    "JOIN_BEVEL", "JOIN_MITER", "JOIN_ROUND", "PATH_FIELDS", "SPREADS", "SPREAD_PAD",
    "SPREAD_REFLECT", "SPREAD_REPEAT", "TABLE_FIELDS", "check_field", "default_field",
    "is_plain",
]

CAP_BUTT, CAP_ROUND, CAP_SQUARE = 0, 1, 2
JOIN_MITER, JOIN_ROUND, JOIN_BEVEL = 0, 1, 2
GRAD_LINEAR, GRAD_RADIAL = 0, 1
SPREAD_PAD, SPREAD_REFLECT, SPREAD_REPEAT = 0, 1, 2

#: SVG keyword → code. ``miter-clip`` and ``arcs`` (SVG 2) map to their nearest.
CAPS = {"butt": CAP_BUTT, "round": CAP_ROUND, "square": CAP_SQUARE}
JOINS = {"miter": JOIN_MITER, "miter-clip": JOIN_MITER, "round": JOIN_ROUND,
         "arcs": JOIN_ROUND, "bevel": JOIN_BEVEL}
SPREADS = {"pad": SPREAD_PAD, "reflect": SPREAD_REFLECT, "repeat": SPREAD_REPEAT}

# name: (trailing shape, "long" | "float" | "bool", default fill value). Per-path
# fields get a leading P; "eye" means a stack of 2x2 identity matrices.
PATH_FIELDS: dict[str, tuple[tuple[int, ...], str, float | str]] = {
    "cap": ((), "long", CAP_ROUND),
    "join": ((), "long", JOIN_ROUND),
    "miter_limit": ((), "float", 4.0),
    "fill_paint": ((), "long", -1),
    "stroke_paint": ((), "long", -1),
    "group": ((), "long", -1),
    "clip": ((), "long", -1),
    "stroke_transform": ((2, 2), "float", "eye"),
}

# name: (shape of the empty default, dtype kind). Tables start empty.
TABLE_FIELDS: dict[str, tuple[tuple[int, ...], str]] = {
    "grad_kind": ((0,), "long"),
    "grad_geom": ((0, 6), "float"),
    "grad_transform": ((0, 2, 3), "float"),
    "grad_spread": ((0,), "long"),
    "grad_stops": ((0, 1, 5), "float"),
    "grad_n_stops": ((0,), "long"),
    "group_opacity": ((0,), "float"),
    "group_parent": ((0,), "long"),
    "clip_parent": ((0,), "long"),
    "clip_points": ((0, 4, 2), "float"),
    "clip_n_segments": ((0,), "long"),
    "clip_contour_shape": ((0,), "long"),
    "clip_shape_clip": ((0,), "long"),
    "clip_shape_evenodd": ((0,), "bool"),
}

_KINDS = {"long": torch.long, "bool": torch.bool}


def default_field(name: str, n_paths: int, dtype: torch.dtype, device: torch.device) -> Tensor:
    """The default value of field ``name`` for a drawing of ``n_paths`` paths."""
    if name in PATH_FIELDS:
        shape, kind, value = PATH_FIELDS[name]
        t_dtype = _KINDS.get(kind, dtype)
        if value == "eye":
            return torch.eye(2, dtype=t_dtype, device=device).expand(n_paths, 2, 2).clone()
        return torch.full((n_paths, *shape), value, dtype=t_dtype, device=device)
    shape, kind = TABLE_FIELDS[name]
    return torch.zeros(shape, dtype=_KINDS.get(kind, dtype), device=device)


def check_field(name: str, value: Tensor, n_paths: int) -> Tensor:
    """``value`` with the field's dtype kind, or ValueError naming the expected shape."""
    if name in PATH_FIELDS:
        shape, kind, _ = PATH_FIELDS[name]
        expected: tuple[int | None, ...] = (n_paths, *shape)
    else:
        empty, kind = TABLE_FIELDS[name]
        expected = (None, *empty[1:])
        if name in ("clip_points", "grad_stops"):  # padded: any number of stops/points
            expected = (None, None, empty[-1])
    ok = value.dim() == len(expected) and all(
        e is None or e == s for e, s in zip(expected, value.shape, strict=True))
    if not ok:
        shown = "(" + ", ".join("*" if e is None else str(e) for e in expected) + ")"
        raise ValueError(f"Drawing.{name}: expected shape {shown}, got {tuple(value.shape)}")
    if kind in _KINDS:
        return value.to(_KINDS[kind])
    if not value.is_floating_point():
        return value.to(torch.get_default_dtype())
    return value


def is_plain(drawing) -> bool:
    """True when every optional field of ``drawing`` has its default: the renderer then
    takes its plain, fastest path."""
    eye = torch.eye(2, dtype=drawing.stroke_transform.dtype, device=drawing.device)
    return bool(
        (drawing.cap == CAP_ROUND).all() and (drawing.join == JOIN_ROUND).all()
        and drawing.grad_kind.numel() == 0 and drawing.group_opacity.numel() == 0
        and drawing.clip_parent.numel() == 0 and (drawing.stroke_transform == eye).all())
