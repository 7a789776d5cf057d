"""Differentiable rendering of drawings: :func:`render` and its functional core.

May import: the foundations (``vecdream.drawing``, ``drawing_fields``) only; every later
stage renders through this one (stage order: docs/ARCHITECTURE.md, checked by
tests/test_imports.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.render.grad import clamp_passing
from vecdream.render.raster import render_paths

__all__ = ["render", "render_paths"]


def _output_size(size: tuple[float, float], width: int | None, height: int | None
                 ) -> tuple[int, int]:
    w, h = size
    if width is None and height is None:
        return max(1, round(w)), max(1, round(h))
    if width is None:
        width = max(1, round(height * w / h))
    if height is None:
        height = max(1, round(width * h / w))
    if width < 1 or height < 1:
        raise ValueError(f"render: expected a positive pixel size, got {width}x{height}")
    return int(width), int(height)


def _pad_segments(points: Tensor, n_points: int) -> Tensor:
    """Pad ``(C, N, 2)`` to ``(C, n_points, 2)`` by repeating the last point."""
    extra = n_points - points.shape[1]
    if extra == 0:
        return points
    return torch.cat([points, points[:, -1:].expand(-1, extra, -1)], dim=1)


def _background(background: Sequence[float] | Tensor, n_images: int, like: Tensor) -> Tensor:
    bg = torch.as_tensor(background, dtype=like.dtype, device=like.device)
    if bg.shape == (3,):
        bg = bg.expand(n_images, 3)
    if bg.shape != (n_images, 3):
        raise ValueError(
            f"render: background must be (3,) or ({n_images}, 3), got {tuple(bg.shape)}")
    return bg


def _style(drawings: Sequence[Drawing], scales: list[tuple[float, float]],
           origin: tuple[float, float], dtype: torch.dtype) -> dict[str, Tensor] | None:
    """The SVG-fidelity fields of a batch in pixels, or None when every drawing is plain.

    Table indices are offset so the batch has one table of each kind;
    ``grad_transform`` and ``clip_points`` get each drawing's user → pixel map; stroke
    transforms are linear parts and stay as they are (widths already scale).
    """
    if all(d.is_plain for d in drawings):
        return None
    out: dict[str, list[Tensor]] = {}

    def add(name: str, value: Tensor) -> None:
        out.setdefault(name, []).append(value)

    def shifted(index: Tensor, by: int) -> Tensor:
        return torch.where(index >= 0, index + by, index)

    n_stops = max(d.grad_stops.shape[1] for d in drawings)
    n_clip_points = max(d.clip_points.shape[1] for d in drawings)
    n_grad = n_group = n_clip = n_shape = 0
    for i, (d, (sx, sy)) in enumerate(zip(drawings, scales, strict=True)):
        for name in ("cap", "join", "miter_limit", "stroke_transform", "grad_kind",
                     "grad_geom", "grad_spread", "grad_n_stops", "group_opacity",
                     "clip_n_segments", "clip_shape_evenodd"):
            add(name, getattr(d, name))
        add("fill_paint", shifted(d.fill_paint, n_grad))
        add("stroke_paint", shifted(d.stroke_paint, n_grad))
        add("group", shifted(d.group, n_group))
        add("group_parent", shifted(d.group_parent, n_group))
        add("clip", shifted(d.clip, n_clip))
        add("clip_parent", shifted(d.clip_parent, n_clip))
        add("clip_contour_shape", d.clip_contour_shape + n_shape)
        add("clip_shape_clip", d.clip_shape_clip + n_clip)
        add("clip_shape_image", torch.full_like(d.clip_shape_clip, i))
        t = d.grad_transform
        scale = t.new_tensor([sx, sy])[:, None]
        shift = t.new_tensor([origin[0], origin[1]])[:, None]
        add("grad_transform", torch.cat([t[:, :, :2], t[:, :, 2:] - shift], 2) * scale)
        stops = d.grad_stops
        if stops.shape[0] and stops.shape[1] < n_stops:
            stops = torch.cat([stops, stops[:, -1:].expand(-1, n_stops - stops.shape[1], -1)], 1)
        add("grad_stops", stops.reshape(-1, n_stops, 5))
        clip_px = (d.clip_points - d.clip_points.new_tensor(origin)) * d.clip_points.new_tensor(
            [sx, sy])
        add("clip_points", _pad_segments(clip_px, n_clip_points) if clip_px.shape[0]
            else clip_px.new_zeros(0, n_clip_points, 2))
        n_grad += d.grad_kind.shape[0]
        n_group += d.group_opacity.shape[0]
        n_clip += d.clip_parent.shape[0]
        n_shape += d.clip_shape_clip.shape[0]
    return {name: torch.cat([p.to(dtype) if p.is_floating_point() else p for p in parts])
            for name, parts in out.items()}


def render(
    drawing: Drawing | Sequence[Drawing],
    width: int | None = None,
    height: int | None = None,
    *,
    background: Sequence[float] | Tensor = (1.0, 1.0, 1.0),
    samples: int = 1,
    tile: int = 4,
    tolerance: float = 0.1,
    region: tuple[float, float, float, float] | None = None,
) -> Tensor:
    """Render a drawing (or a batch of drawings) to an RGB image, differentiably.

    Anti-aliasing is analytic (each pixel's box filter across the edge), so one sample
    per pixel already gives smooth edges and smooth gradients; ``samples=k`` renders
    ``k x k`` times larger and averages, for thin features smaller than a pixel.

    Args:
        drawing: a :class:`Drawing`, or a sequence of them (all rendered at one size).
        width: output width in pixels; default the canvas width in user units (or
            derived from ``height`` keeping the aspect ratio).
        height: output height in pixels; default likewise.
        background: RGB in [0, 1], ``(3,)`` or ``(B, 3)``.
        samples: supersampling factor per axis (1 = analytic anti-aliasing only).
        tile: tile side in pixels used for culling (4: fastest here on the benchmark
            scenes, fwd+bwd 1.2-1.6x faster than 8; see BENCHMARKS.md).
        tolerance: Bézier flattening tolerance in output pixels.
        region: ``(x, y, w, h)`` in user units: render only this window of the canvas
            (default the whole canvas). Work is culled to the window, so a crop of a
            huge canvas costs what the crop covers — the basis of patch-wise scoring.

    Returns:
        ``(3, H, W)`` for one drawing, ``(B, 3, H, W)`` for a sequence; float in [0, 1],
        differentiable w.r.t. points, widths, stroke and fill colours, and, for drawings
        that have them, gradient stops, geometry and transforms, clip-path points and
        group opacities. Caps, joins, gradients, opacity groups, clips and stroke
        transforms follow SVG (:mod:`vecdream.drawing_fields`); fills are covered by
        exact area.

    Convention:
        The canvas ``(0, 0)–(W, H)`` in user units maps onto the image; stroke widths
        scale by ``sqrt(sx * sy)`` when the aspect ratio changes.

    Example:
        >>> d = Drawing.random(8, size=(64, 48), seed=0)
        >>> render(d).shape
        torch.Size([3, 48, 64])
        >>> render([d, d], width=32).shape
        torch.Size([2, 3, 24, 32])
    """
    batch = not isinstance(drawing, Drawing)
    drawings = list(drawing) if batch else [drawing]
    if not drawings:
        raise ValueError("render: expected at least one drawing, got an empty sequence")
    if samples < 1 or tile < 1:
        raise ValueError(f"render: samples and tile must be >= 1, got {samples}, {tile}")
    x0, y0, view_w, view_h = region if region is not None else (0.0, 0.0, *drawings[0].size)
    if not (view_w > 0 and view_h > 0):
        raise ValueError(f"render: region must have positive width and height, got {region}")
    out_w, out_h = _output_size((view_w, view_h), width, height)
    n_points = max(d.points.shape[1] for d in drawings)
    parts: dict[str, list[Tensor]] = {k: [] for k in (
        "points", "widths", "stroke", "fill", "n_segments", "closed", "contour_path",
        "evenodd", "path_image")}
    n_before = 0
    scales = []
    # One dtype for the scene: the widest of the drawings' points (float64 drawings
    # render in float64, e.g. for gradcheck); every float field follows it.
    dtype = drawings[0].points.dtype
    for d in drawings[1:]:
        dtype = torch.promote_types(dtype, d.points.dtype)
    for i, d in enumerate(drawings):
        if not torch.isfinite(d.points).all():
            raise ValueError("render: drawing has non-finite points (NaN or inf)")
        w_units, h_units = (view_w, view_h) if region is not None else d.size
        sx, sy = out_w * samples / w_units, out_h * samples / h_units
        scales.append((sx, sy))
        points = d.points.to(dtype)
        shifted = points - points.new_tensor([x0, y0])
        parts["points"].append(_pad_segments(shifted * points.new_tensor([sx, sy]), n_points))
        parts["widths"].append(clamp_passing(d.widths.to(dtype), 0.0, float("inf"))
                               * (sx * sy) ** 0.5)
        parts["stroke"].append(clamp_passing(d.stroke.to(dtype), 0.0, 1.0))
        parts["fill"].append(clamp_passing(d.fill.to(dtype), 0.0, 1.0))
        parts["n_segments"].append(d.n_segments)
        parts["closed"].append(d.closed)
        parts["contour_path"].append(d.contour_path + n_before)
        parts["evenodd"].append(d.evenodd)
        parts["path_image"].append(torch.full((len(d),), i, dtype=torch.long, device=d.device))
        n_before += len(d)
    scene = {k: torch.cat(v) for k, v in parts.items()}
    bg = _background(background, len(drawings), scene["points"])
    image = render_paths(
        scene.pop("points"), scene.pop("widths"), scene.pop("stroke"), scene.pop("fill"),
        height=out_h * samples, width=out_w * samples, background=bg, tile=tile,
        tolerance=tolerance, style=_style(drawings, scales, (x0, y0), dtype), **scene,
    )
    if samples > 1:
        image = F.avg_pool2d(image, samples)
    return image if batch else image[0]
