"""Per-path tensors of imported shapes: paint, widths, caps/joins, gradients.

The optional :class:`~vecdream.drawing.Drawing` fields (``cap``, ``join``,
``miter_limit``, the gradient table, ``stroke_transform``) are filled only where the
installed ``Drawing`` accepts them (``accepted``: its keyword names); without gradient
support a gradient paints its mean stop colour, without ``stroke_transform`` a stroke
under a non-uniform transform gets the width scaled by ``sqrt|det|``.
"""

from __future__ import annotations

import torch

from vecdream.drawing_fields import CAPS, JOINS
from vecdream.svg.clip import ClipRecord
from vecdream.svg.paint import Paint
from vecdream.svg.records import Shape

__all__ = ["path_fields"]

_NONE = (0.0, 0.0, 0.0, 0.0)


def _gradient_table(shapes: list[Shape]) -> tuple[dict[str, torch.Tensor], list, list]:
    """The gradient fields and each shape's fill/stroke gradient index (-1 solid)."""
    kinds, geoms, transforms, spreads, stops = [], [], [], [], []
    index: dict[int, int] = {}

    def add(paint: Paint | None) -> int:
        if paint is None or paint.gradient is None:
            return -1
        g = paint.gradient
        if id(g) not in index:
            index[id(g)] = len(kinds)
            kinds.append(1 if g.radial else 0)
            geoms.append(list(g.geom))
            a, b, c, d, e, f = g.matrix
            transforms.append([[a, c, e], [b, d, f]])
            spreads.append(g.spread)
            stops.append([list(s) for s in g.stops])
        return index[id(g)]

    fill_paint = [add(s.fill) for s in shapes]
    stroke_paint = [add(s.stroke) for s in shapes]
    k = max((len(s) for s in stops), default=1)
    padded = [s + [s[-1]] * (k - len(s)) for s in stops]
    f32 = torch.float32
    table = {
        "grad_kind": torch.tensor(kinds, dtype=torch.long),
        "grad_geom": torch.tensor(geoms, dtype=f32).reshape(-1, 6),
        "grad_transform": torch.tensor(transforms, dtype=f32).reshape(-1, 2, 3),
        "grad_spread": torch.tensor(spreads, dtype=torch.long),
        "grad_stops": torch.tensor(padded, dtype=f32).reshape(len(padded), k, 5),
        "grad_n_stops": torch.tensor([len(s) for s in stops], dtype=torch.long),
    }
    return table, fill_paint, stroke_paint


def _rgba(paint: Paint | None, gradients: bool) -> tuple[float, float, float, float]:
    if paint is None:
        return _NONE
    if gradients and paint.gradient is not None:
        r, g, b, _ = paint.rgba
        return (r, g, b, paint.opacity)  # the stops carry their own alpha
    return paint.rgba


def clip_fields(records: list[ClipRecord]) -> dict[str, torch.Tensor]:
    """The clip table: ``clip_parent (K,)``, contours padded like ``points``, shapes."""
    contours = [(pts, i) for i, (shape, _) in enumerate(
        s for r in records for s in r.shapes) for pts, _ in shape]
    n_seg = [max((len(pts) - 1) // 3, 1) for pts, _ in contours]
    s_max = max(n_seg, default=1)
    points = torch.zeros(len(contours), 3 * s_max + 1, 2)
    for c, (pts, _) in enumerate(contours):
        t = torch.tensor(pts if len(pts) > 1 else pts * 4, dtype=torch.float32)
        points[c, : len(t)] = t
        points[c, len(t):] = t[-1]
    return {
        "clip_parent": torch.tensor([r.parent for r in records], dtype=torch.long),
        "clip_points": points,
        "clip_n_segments": torch.tensor(n_seg, dtype=torch.long),
        "clip_contour_shape": torch.tensor([i for _, i in contours], dtype=torch.long),
        "clip_shape_clip": torch.tensor([k for k, r in enumerate(records) for _ in r.shapes],
                                        dtype=torch.long),
        "clip_shape_evenodd": torch.tensor([e for r in records for _, e in r.shapes],
                                           dtype=torch.bool),
    }


def path_fields(shapes: list[Shape], accepted: set[str],
                clips: list[ClipRecord] | None = None,
                groups: list[tuple[float, int]] | None = None) -> dict[str, torch.Tensor]:
    """Keyword tensors for ``Drawing`` (``widths``, ``stroke``, ``fill`` and extras)."""
    f32 = torch.float32
    gradients = "grad_stops" in accepted
    transformed = "stroke_transform" in accepted
    out: dict[str, torch.Tensor] = {}
    if gradients:
        table, fill_paint, stroke_paint = _gradient_table(shapes)
        if table["grad_kind"].numel():
            out.update(table)
            out["fill_paint"] = torch.tensor(fill_paint, dtype=torch.long)
            out["stroke_paint"] = torch.tensor(stroke_paint, dtype=torch.long)
    out["fill"] = torch.tensor([_rgba(s.fill, gradients) for s in shapes], dtype=f32
                               ).reshape(-1, 4)
    out["stroke"] = torch.tensor([_rgba(s.stroke, gradients) for s in shapes], dtype=f32
                                 ).reshape(-1, 4)
    widths = []
    matrices = []
    for s in shapes:
        if transformed and s.stroke_matrix is not None:
            widths.append(s.local_width)
            a, b, c, d = s.stroke_matrix
            matrices.append([[a, c], [b, d]])
        else:
            widths.append(s.width)
            matrices.append([[1.0, 0.0], [0.0, 1.0]])
    out["widths"] = torch.tensor(widths, dtype=f32)
    if transformed and any(s.stroke_matrix is not None for s in shapes):
        out["stroke_transform"] = torch.tensor(matrices, dtype=f32).reshape(-1, 2, 2)
    if "cap" in accepted:
        out["cap"] = torch.tensor([CAPS.get(s.cap, 0) for s in shapes], dtype=torch.long)
    if "join" in accepted:
        out["join"] = torch.tensor([JOINS.get(s.join, 0) for s in shapes], dtype=torch.long)
    if clips and "clip_points" in accepted and any(s.clip >= 0 for s in shapes):
        out.update(clip_fields(clips))
        out["clip"] = torch.tensor([s.clip for s in shapes], dtype=torch.long)
    if groups and "group_opacity" in accepted:
        out["group_opacity"] = torch.tensor([g[0] for g in groups], dtype=f32)
        out["group_parent"] = torch.tensor([g[1] for g in groups], dtype=torch.long)
        out["group"] = torch.tensor([s.group for s in shapes], dtype=torch.long)
    if "miter_limit" in accepted:
        out["miter_limit"] = torch.tensor([s.miter_limit for s in shapes], dtype=f32)
    return out
