"""The fields of a :class:`~vecdream.drawing.Drawing`: checks, defaults, random values.

The core fields (points, widths, paint, fill rule, contours) are checked and defaulted by
:func:`core_fields`; :func:`random_walk` draws the random start of ``Drawing.random``.

The optional SVG-fidelity fields below: drawings made by the optimizer never set them;
the defaults (round caps and joins, miter limit 4, solid paint, no opacity groups, no
clips, identity stroke transform) render exactly as before. SVG import fills them
(issue 10). Kept apart from ``drawing.py`` so the data model stays one readable page.

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

from typing import Any

import torch
from torch import Tensor

__all__ = [
    "CAPS", "CAP_BUTT", "CAP_ROUND", "CAP_SQUARE", "GRAD_LINEAR", "GRAD_RADIAL", "JOINS",
    "JOIN_BEVEL", "JOIN_MITER", "JOIN_ROUND", "PATH_FIELDS", "SPREADS", "SPREAD_PAD",
    "SPREAD_REFLECT", "SPREAD_REPEAT", "TABLE_FIELDS", "check_field", "check_shape",
    "core_fields", "default_field", "is_plain", "random_walk",
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


SHAPE_ERROR = "Drawing.{name}: expected shape {expected}, got {actual}"


def check_shape(name: str, t: Tensor, expected: tuple[int | None, ...]) -> None:
    """Raise ValueError naming ``Drawing.name`` unless ``t`` has the ``expected`` shape
    (``None``: any size on that axis)."""
    ok = t.dim() == len(expected) and all(
        e is None or e == s for e, s in zip(expected, t.shape, strict=True))
    if not ok:
        shown = "(" + ", ".join("*" if e is None else str(e) for e in expected) + ")"
        raise ValueError(SHAPE_ERROR.format(name=name, expected=shown, actual=tuple(t.shape)))

def core_fields(points: Tensor, widths: Tensor, stroke: Tensor, size: tuple[float, float], *,
                fill: Tensor | None, evenodd: Tensor | None, closed: Tensor | None,
                n_segments: Tensor | None, contour_path: Tensor | None) -> dict[str, Any]:
    """The core fields of a Drawing checked, with their defaults filled in.

    Shapes as :class:`~vecdream.drawing.Drawing` takes them (``points (C, 3S+1, 2)``,
    ``widths (P,)``, ``stroke (P, 4)``, ``fill (P, 4)``, ``evenodd (P,)``, ``closed``,
    ``n_segments`` and ``contour_path (C,)``); ``None`` means the default (no fill,
    nonzero, open, every segment used, one contour per path).

    Returns:
        The tensors by name (flags as bool, counts as long) and ``size`` as two floats.

    Raises:
        ValueError: on a wrong shape or a size that is not two positive finite numbers.
    """
    if points.dim() != 3 or points.shape[-1] != 2 or (points.shape[1] - 1) % 3 != 0:
        raise ValueError(
            f"Drawing.points: expected shape (C, 3S+1, 2), got {tuple(points.shape)}"
        )
    n_contours, n_points = points.shape[0], points.shape[1]
    n_paths = widths.shape[0] if widths.dim() == 1 else -1
    check_shape("widths", widths, (None,))
    check_shape("stroke", stroke, (n_paths, 4))
    device = points.device
    if fill is None:
        fill = torch.zeros(n_paths, 4, dtype=points.dtype, device=device)
    if evenodd is None:
        evenodd = torch.zeros(n_paths, dtype=torch.bool, device=device)
    if closed is None:
        closed = torch.zeros(n_contours, dtype=torch.bool, device=device)
    if n_segments is None:
        n_segments = torch.full((n_contours,), (n_points - 1) // 3, device=device)
    if contour_path is None:
        if n_contours != n_paths:
            raise ValueError(
                f"Drawing: {n_contours} contours but {n_paths} paths; pass contour_path"
            )
        contour_path = torch.arange(n_contours, device=device)
    check_shape("fill", fill, (n_paths, 4))
    check_shape("evenodd", evenodd, (n_paths,))
    check_shape("closed", closed, (n_contours,))
    check_shape("n_segments", n_segments, (n_contours,))
    check_shape("contour_path", contour_path, (n_contours,))
    w, h = float(size[0]), float(size[1])
    if not (w > 0 and h > 0 and w < float("inf") and h < float("inf")):
        raise ValueError(f"Drawing.size: expected two positive finite numbers, got {size}")
    return {"points": points, "widths": widths, "stroke": stroke, "fill": fill,
            "evenodd": evenodd.to(torch.bool), "closed": closed.to(torch.bool),
            "n_segments": n_segments.to(torch.long),
            "contour_path": contour_path.to(torch.long), "size": (w, h)}


def random_walk(n_paths: int, *, size: tuple[float, float], segments: int | tuple[int, int],
                radius: float, width: float, colors: bool, seed: int | None,
                generator: torch.Generator | None) -> dict[str, Tensor]:
    """The tensors of :meth:`Drawing.random <vecdream.drawing.Drawing.random>` (arguments
    as there): ``points (P, 3S+1, 2)``, ``widths (P,)``, ``stroke (P, 4)``,
    ``n_segments (P,)``, by keyword name."""
    if n_paths < 0:
        raise ValueError(f"Drawing.random: n_paths must be >= 0, got {n_paths}")
    lo, hi = (segments, segments) if isinstance(segments, int) else segments
    if not 1 <= lo <= hi:
        raise ValueError(f"Drawing.random: segments must satisfy 1 <= lo <= hi, got {segments}")
    if generator is None:
        generator = torch.Generator()
        if seed is None:
            generator.seed()
        else:
            generator.manual_seed(seed)
    scale = torch.tensor([float(size[0]), float(size[1])])
    start = torch.rand(n_paths, 1, 2, generator=generator) * scale
    steps = (torch.rand(n_paths, 3 * hi, 2, generator=generator) * 2 - 1) * radius * scale
    points = torch.cat([start, start + steps.cumsum(dim=1)], dim=1)
    n_segments = torch.randint(lo, hi + 1, (n_paths,), generator=generator)
    if colors:
        stroke = torch.rand(n_paths, 4, generator=generator)
        stroke[:, 3] = 0.3 + 0.7 * stroke[:, 3]
    else:
        stroke = torch.tensor([0.0, 0.0, 0.0, 1.0]).repeat(n_paths, 1)
    widths = torch.full((n_paths,), float(width))
    return {"points": points, "widths": widths, "stroke": stroke, "n_segments": n_segments}
