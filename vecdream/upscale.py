"""Large format: tile a small dream k x k, finetune it on the large canvas, plot it with a real pen.

Why windows: a network sees 224 px. Scoring a 4096 px canvas by rendering it whole
and shrinking it would hide every stroke; rendering it whole and cropping would cost
memory that grows with the canvas. So each step draws ``views`` random *windows* of
the large canvas at the network's native resolution (as the seed project scored its
672 x 896 drawing with 18 crops of 224 px) and renders only those: every window is
its own small drawing (:func:`crop_drawing`: the paths that reach it, shifted), all
windows render in one batch, and memory stays flat as the canvas grows.

What objectives see (:class:`~vecdream.objectives.DreamContext`):
    ``views``: the augmented windows ``(B * V, 3, s, s)``, ``s = view_size``;
    ``renders``: an *overview*, the whole canvas rendered small (long side
    ``view_size`` px), ``(B, 3, h, w)``. It is cheap and keeps ``diversity`` and
    ``content`` working: at large scale ``content`` matches the photo to the whole
    composition seen at the network's resolution, while detail inside the windows is
    driven by the view-based terms only.

Convention:
    Geometry stays in user units of the (tiled) canvas; ``size`` is the pixel size the
    canvas is rendered at, so learning rates and windows are in those output pixels.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from vecdream.augment import make_views
from vecdream.drawing import Drawing
from vecdream.objectives import DreamContext, Objective, palette
from vecdream.optimize import (
    ColorMode,
    Result,
    StepInfo,
    ViewFn,
    WidthMode,
    _check_modes,
    _device,
    make_generator,
    resolve_objective,
    run_loop,
)
from vecdream.render import render

__all__ = [
    "crop_drawing", "pen_width_units", "set_pen_width", "tile_drawing", "upscale",
    "window_loss", "window_views",
]

log = logging.getLogger(__name__)

_WINDOW_MARGIN = 1.25
"""Windows are this much larger than a view, so rotation and perspective find ink, not
paper, at the view's corners; the view preset then crops ``view_size`` out of them."""


def _parse_tiles(tiles: int | str | Sequence[int]) -> tuple[int, int]:
    pair = ((tiles, tiles) if isinstance(tiles, int) else
            tiles.lower().replace("×", "x").split("x") if isinstance(tiles, str) else tiles)
    try:
        kx, ky = (int(v) for v in pair)
    except (TypeError, ValueError):
        kx = ky = 0
    if kx < 1 or ky < 1:
        raise ValueError(f"tiles: expected (kx, ky) >= 1 such as (4, 4) or '4x3', got {tiles!r}")
    return kx, ky


def tile_drawing(drawing: Drawing, tiles: int | str | Sequence[int] = (4, 4)) -> Drawing:
    """Repeat a drawing ``kx x ky`` times on a canvas ``(kx * W, ky * H)``.

    Copies are laid out row by row (copy ``j * kx + i`` in cell ``(i, j)``) and painted
    in that order; colours, widths, fills, fill rules and compound contours are kept.

    Shape:
        ``points (C, N, 2) -> (kx * ky * C, N, 2)``; per-path tensors ``(P, ...) ->
        (kx * ky * P, ...)``.

    Example:
        >>> tile_drawing(Drawing.random(10, size=(64, 48), seed=0), "3x2")
        Drawing(60 paths, 60 contours, 3 segments max, size=(192.0, 96.0))
    """
    kx, ky = _parse_tiles(tiles)
    w, h = drawing.size
    n = kx * ky
    cell = torch.stack(torch.meshgrid(torch.arange(ky), torch.arange(kx), indexing="ij")[::-1],
                       dim=-1).reshape(n, 1, 1, 2)
    offsets = cell.to(drawing.points) * drawing.points.new_tensor([w, h])
    points = (drawing.points[None] + offsets).reshape(-1, *drawing.points.shape[1:])
    copy = torch.arange(n, device=drawing.device).repeat_interleave(drawing.n_contours)

    def rep(t: Tensor) -> Tensor:
        return t.repeat(n, *([1] * (t.dim() - 1)))

    return Drawing(points, rep(drawing.widths), rep(drawing.stroke), (kx * w, ky * h),
                   fill=rep(drawing.fill), evenodd=rep(drawing.evenodd),
                   closed=rep(drawing.closed), n_segments=rep(drawing.n_segments),
                   contour_path=rep(drawing.contour_path) + copy * len(drawing))


def crop_drawing(drawing: Drawing, region: tuple[float, float, float, float], *,
                 reach: float = 0.0) -> Drawing:
    """The window ``(x, y, w, h)`` of a drawing as a drawing of its own.

    Keeps every path with a contour whose control-point box, grown by half the stroke
    width plus ``reach``, meets the window (a Bézier lies inside its control points'
    hull, so nothing visible is lost), shifted so the window's corner is the origin,
    on a ``(w, h)`` canvas. Differentiable w.r.t. the kept paths' parameters.

    Example:
        >>> d = Drawing.random(50, size=(200, 200), seed=0)
        >>> len(crop_drawing(d, (0, 0, 50, 50))) < len(d)
        True
    """
    x, y, w, h = (float(v) for v in region)
    with torch.no_grad():
        pts = drawing.points.detach()
        grow = drawing.widths.detach().clamp(min=0)[drawing.contour_path] / 2 + reach
        lo, hi = pts.amin(dim=1), pts.amax(dim=1)  # (C, 2)
        hit = ((hi[:, 0] + grow >= x) & (lo[:, 0] - grow <= x + w)
               & (hi[:, 1] + grow >= y) & (lo[:, 1] - grow <= y + h))
        keep = torch.zeros(len(drawing), dtype=torch.bool, device=drawing.device)
        keep[drawing.contour_path[hit]] = True
    cropped = drawing.select(keep)
    cropped.points = cropped.points - drawing.points.new_tensor([x, y])
    cropped.size = (w, h)
    return cropped


def _pixel_size(canvas: tuple[float, float], size: int | Sequence[int]) -> tuple[int, int]:
    """Render size of the canvas: an int is the long side; ``(W, H)`` must keep the
    canvas aspect ratio (within 1%)."""
    cw, ch = canvas
    if isinstance(size, int):
        s = size / max(cw, ch)
        px = (max(1, round(cw * s)), max(1, round(ch * s)))
    else:
        px = (int(size[0]), int(size[1]))
        if min(px) < 1 or abs(px[0] / px[1] / (cw / ch) - 1) > 0.01:
            raise ValueError(
                f"size: expected an int (long side) or (W, H) with the canvas aspect ratio "
                f"{cw:g}:{ch:g}, got {tuple(size)}; pass an int or matching tiles")
    return px


def _sample_corners(size_px: tuple[int, int], window: int, n: int) -> Tensor:
    """``n`` window corners ``(n, 2)`` in whole pixels (torch's global RNG); a window may
    stick out of the canvas by a quarter of its side so the borders are scored too."""
    out = []
    for extent in size_px:
        lo, hi = -(window // 4), extent - window + window // 4
        if hi < lo:  # canvas smaller than a window: centre it
            lo = hi = (extent - window) // 2
        out.append(torch.randint(lo, hi + 1, (n,)))
    return torch.stack(out, dim=1)


def _paper_outside(images: Tensor, corners: Tensor, size_px: tuple[int, int]) -> Tensor:
    """White where a window ``(N, 3, s, s)`` sticks out of the canvas: strokes beyond the
    viewBox are clipped in every export, so the network must not see them either."""
    s = images.shape[-1]
    r = torch.arange(s)
    xs, ys = corners[:, :1] + r, corners[:, 1:] + r  # (N, s)
    inside = (((ys >= 0) & (ys < size_px[1]))[:, :, None]
              & ((xs >= 0) & (xs < size_px[0]))[:, None, :])
    return torch.where(inside[:, None].to(images.device), images, 1.0)


def _cut_windows(renders: Tensor, corners: Tensor, window: int, views: int) -> Tensor:
    """Windows ``(B * V, 3, s, s)`` cut from full renders ``(B, 3, H, W)``, paper outside."""
    padded = F.pad(renders, [window] * 4, value=1.0)
    return torch.stack([padded[i // views, :, y + window:y + 2 * window, x + window:x + 2 * window]
                        for i, (x, y) in enumerate(corners.tolist())])


def window_views(size_px: tuple[int, int], view_maker: Callable[[Tensor], Tensor], views: int,
                 view_size: int) -> ViewFn:
    """Score random windows of a large canvas rendered at ``size_px``.

    Each call samples ``views`` windows per drawing, renders them in one batch
    (:func:`crop_drawing`), whitens what lies off the canvas and applies
    ``view_maker``. When the windows would cover more pixels than the canvas has (a
    small canvas), the canvas is rendered once and the windows cut from it instead:
    the same pixels (to float rounding), less work. Returns
    ``(views (B * V, 3, s, s), overview (B, 3, h, w))``.
    """
    window = math.ceil(view_size * _WINDOW_MARGIN)
    whole = views * window**2 >= size_px[0] * size_px[1]

    def view_fn(drawings: list[Drawing]) -> tuple[Tensor, Tensor]:
        cw, ch = drawings[0].size
        sx, sy = size_px[0] / cw, size_px[1] / ch
        corners = _sample_corners(size_px, window, views * len(drawings))
        if whole:
            windows = _cut_windows(render(drawings, *size_px), corners, window, views)
        else:
            crops = [crop_drawing(d, (x / sx, y / sy, window / sx, window / sy),
                                  reach=1.5 / min(sx, sy))
                     for i, d in enumerate(drawings)
                     for x, y in corners[i * views:(i + 1) * views].tolist()]
            windows = _paper_outside(render(crops, window, window), corners, size_px)
        long_w = cw >= ch
        overview = render(drawings, view_size if long_w else None,
                          None if long_w else view_size)
        return view_maker(windows), overview
    return view_fn


def _resolve(layer: str | None, channel: int | None, objective: Objective | None,
             weights: str | None, dev: torch.device) -> tuple[Objective, int]:
    if layer is None and objective is None:
        raise ValueError("upscale: expected a layer such as 'vgg16:conv3_3' or an objective, "
                         "got neither")
    return resolve_objective(layer, channel, objective, weights=weights, device=dev)


def upscale(
    drawing: Drawing | Sequence[Drawing],
    tiles: int | str | Sequence[int] = (4, 4),
    size: int | Sequence[int] = 1024,
    *,
    steps: int = 200,
    layer: str | None = None,
    channel: int | None = None,
    objective: Objective | None = None,
    views: int = 8,
    view_size: int | None = None,
    augment: str | Callable[[Tensor], Tensor] | None = "seed",
    colors: ColorMode = False,
    width: WidthMode = 1.0,
    lr_points: float = 0.25,
    lr_colors: float = 0.0025,
    lr_widths: float = 0.025,
    milestones: Sequence[float] = (0.5, 0.75),
    prune_alpha: float = 0.05,
    weights: str | None = "imagenet",
    seed: int | None = None,
    device: str | torch.device = "auto",
    callback: Callable[[StepInfo], bool | None] | None = None,
    progress: bool = False,
    pen: str | float | None = None,
    page: str | tuple[float, float] = "A4",
) -> Result:
    """Tile a drawing ``kx x ky`` and finetune it on the large canvas, scored in windows.

    Args:
        drawing: the small dream (or a batch of them, for ``diversity``).
        tiles: ``(kx, ky)``, an int, or text ``"4x3"``; ``1`` only finetunes larger.
        size: pixel size of the tiled canvas: an int (long side) or ``(W, H)`` with the
            canvas aspect ratio, e.g. ``(672, 896)`` for 224 px tiled 3 x 4.
        steps, views, augment, colors, milestones, prune_alpha, weights, seed, device,
            callback, progress: as in :func:`~vecdream.optimize.optimize_strokes`.
        layer, channel, objective: what to minimize (one of ``layer`` / ``objective``).
        view_size: side of a view in pixels; default the network's input size.
        width: a number keeps the drawing's widths fixed; ``("free", lo, hi)``
            optimizes them (user units).
        lr_points, lr_widths: learning rates in output pixels of ``size``.
        lr_colors: learning rate of the RGBA colours. All three default to where
            :func:`~vecdream.optimize.optimize_strokes` ends (its defaults halved
            twice): the start is a converged dream, and random windows give noisier
            gradients than whole views. Measured on a 4 x 4 tiled dream at 1024 px,
            60 steps: 0.25 px improved the windowed loss from -6.4 to -7.5, 1.0 px
            left it at -6.4.
        pen, page: fix every width to a physical pen on a page (see
            :func:`pen_width_units`); needs a fixed ``width``.

    Returns:
        :class:`~vecdream.optimize.Result`; ``StepInfo.renders`` are the overviews.

    Example:
        >>> from vecdream.nets import load_net
        >>> from vecdream.objectives import channel
        >>> net = load_net("efficientnet_lite0", weights=None)
        >>> small = Drawing.random(5, size=(64, 64), seed=0)
        >>> upscale(small, 2, 256, steps=1, views=1, objective=channel(net, "blocks.2", 0),
        ...         device="cpu").drawing.size
        (128.0, 128.0)
    """
    _check_modes(colors, width, steps, views, pen)
    dev = _device(device)
    objective, crop = _resolve(layer, channel, objective, weights, dev)
    if colors not in (False, "free"):
        objective = objective + palette(colors)
    drawings = [tile_drawing(d.detach(), tiles).to(dev).clone()
                for d in ([drawing] if isinstance(drawing, Drawing) else drawing)]
    size_px = _pixel_size(drawings[0].size, size)
    if pen is not None:
        width = set_pen_width(drawings, pen, page)
    view_size = view_size or crop
    canvas = drawings[0].size
    px_per_unit = math.sqrt(size_px[0] * size_px[1] / (canvas[0] * canvas[1]))
    log.info("upscale: %d paths on %s units at %dx%d px, %d windows of %d px per step",
             len(drawings[0]), canvas, *size_px, views, view_size)
    view_fn = window_views(size_px, make_views(augment, view_size), views, view_size)
    return run_loop(drawings, objective, view_fn, make_generator(seed), dev, width=width,
                    colors=colors, steps=steps, milestones=milestones, prune_alpha=prune_alpha,
                    lrs=(lr_points / px_per_unit, lr_colors, lr_widths / px_per_unit),
                    callback=callback, progress=progress, desc="upscale")


@torch.no_grad()
def window_loss(drawing: Drawing, objective: Objective, size: int | Sequence[int], *,
                views: int = 16, view_size: int | None = None,
                augment: str | Callable[[Tensor], Tensor] | None = "seed", seed: int = 0
                ) -> float:
    """The objective of a large drawing as :func:`upscale` scores it, with windows and
    augmentations fixed by ``seed``: the same seed gives the same views, so the number
    compares drawings of one canvas (e.g. before and after a finetune)."""
    view_size = view_size or resolve_objective(None, None, objective)[1]
    size_px = _pixel_size(drawing.size, size)
    view_fn = window_views(size_px, make_views(augment, view_size), views, view_size)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        crops, overview = view_fn([drawing])
        return float(objective(DreamContext(crops, overview, [drawing], objective.needs)))


def pen_width_units(canvas: tuple[float, float], pen: str | float,
                    page: str | tuple[float, float] = "A4", *, margin_mm: float = 15.0,
                    orientation: str = "auto", fit: str = "contain") -> float:
    """Stroke width in canvas user units that ``pen`` draws once the canvas is plotted.

    Uses the plotter's own layout (:mod:`vecdream.plot`: orientation, printable box
    inside ``margin_mm``, fit), so it agrees with :func:`~vecdream.plot.drawing_to_plot`
    given the same options.

    Example:
        >>> round(pen_width_units((224, 224), "0.5mm", "A4"), 4)  # 180 mm for 224 units
        0.6222
    """
    from vecdream.plot.build import _printable
    from vecdream.plot.geometry import fit_canvas, orient_page
    from vecdream.plot.units import page_size, parse_length

    pen_mm = parse_length(pen)
    if not pen_mm > 0:
        raise ValueError(f"pen: expected a positive width such as '0.5mm', got {pen!r}")
    page_mm = orient_page(page_size(page), canvas, margin_mm, orientation)
    return pen_mm / fit_canvas(canvas, _printable(page_mm, margin_mm), fit)[0]


@torch.no_grad()
def set_pen_width(drawings: Sequence[Drawing], pen: str | float,
                  page: str | tuple[float, float] = "A4") -> float:
    """Give every stroke the width ``pen`` draws on ``page``, in place; returns it."""
    width = pen_width_units(drawings[0].size, pen, page)
    for d in drawings:
        d.widths.fill_(width)
    log.info("pen %s on %s: stroke width %.4g user units", pen, page, width)
    return width
