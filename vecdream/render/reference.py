"""A plain, dense reference renderer: the slow baseline for tests and benchmarks.

:func:`render_reference` computes the same image as :func:`vecdream.render.render`
with none of its machinery (tiles, culling, a hand-written backward), to check it
(images and autograd gradients) and to measure what tiling buys. Do not dream with it.

The math, shared with :mod:`vecdream.render.raster`:

* Contours are flattened by :func:`~vecdream.render.flatten.bezier_lines` with the same
  tolerance and maximum piece length, so both renderers see identical line pieces.
* Every pixel centre is tested against *every* line piece of a path: the distance to
  the outline is the minimum over all pieces (closing pieces count for fills always,
  for strokes only on closed contours).
* Stroke coverage is the box filter across the edge, the overlap of
  ``[d - 1/2, d + 1/2]`` with ``[-r, r]``.
* Fill coverage is exact area: the winding number integrated over the pixel, summed
  densely over *every* piece with :func:`~vecdream.render.fill.edge_pixel_area`, read
  with the path's rule (nonzero or evenodd).
* Strokes at most ``HAIRLINE_WIDTH`` px wide are hairlines: every piece against every
  pixel's column (:mod:`~.reference_hairline`), pieces and caps as in :mod:`~.hairline`.
* Only solid paint and round caps/joins (the optimizer's drawings) are covered here.
* Every path paints its fill, then its stroke (alpha 0 skipped), "over" in path order.

Memory:
    The dense distance is evaluated in blocks of at most ``block`` (pieces x pixels)
    elements without gradient; it yields the index of the nearest piece per pixel, and
    the differentiable distance is then recomputed from that one piece (the gradient
    of a minimum flows to its argument only, so this is the gradient of the dense
    minimum). With gradients, layers composite in groups under
    :func:`torch.utils.checkpoint.checkpoint` (a group's graph is rebuilt in backward);
    what stays alive is an int16 nearest-piece index per pixel and layer plus an image
    per group: 1.65 GB of live tensors for 256 strokes at 1024x1024.

Ties:
    Where pieces are equally near (e.g. at a contour's repeated start/end vertex), the
    first takes the whole gradient; ``render`` splits it evenly (scatter-amin). Both
    are valid one-sided derivatives; the tests compare the sum over such points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor
from torch.utils.checkpoint import checkpoint

from vecdream.drawing import Drawing
from vecdream.render import _output_size
from vecdream.render.fill import edge_pixel_area, rule_coverage
from vecdream.render.flatten import bezier_lines
from vecdream.render.grad import clamp_passing, keep_graph
from vecdream.render.hairline import HAIRLINE_WIDTH, hairline_pieces
from vecdream.render.reference_hairline import hairline_alpha

__all__ = ["render_reference"]

_EPS = 1.0e-12


def _blocks(n_rows: int, n_cols: int, n_items: int, block: int
            ) -> list[tuple[slice, slice]]:
    """Split ``items x rows`` (each row ``n_cols`` wide) into blocks of ~``block`` elements.

    A block holds at least 32 items when there are that many (a reduction over fewer
    is slow) and as many whole rows as fit.

    Returns:
        ``(item slice, row slice)`` pairs covering everything.
    """
    items = min(n_items, max(32, block // max(1, n_rows * n_cols)))
    items = -(-n_items // -(-n_items // items))  # equal blocks: 40 = 20 + 20, not 32 + 8
    rows = max(1, min(n_rows, block // max(1, items * n_cols)))
    return [(slice(i, min(i + items, n_items)), slice(r, min(r + rows, n_rows)))
            for r in range(0, n_rows, rows) for i in range(0, n_items, items)]


def _nearest_piece(a: Tensor, b: Tensor, xs: Tensor, ys: Tensor, block: int) -> Tensor:
    """Index of the nearest line piece of every pixel centre, by brute force.

    Args:
        a, b: piece end points in pixels, ``(L, 2)``, ``L >= 1`` (no gradient needed).
        xs: pixel-centre x coordinates, ``(W,)``; ys: y coordinates, ``(H,)``.
        block: most (pieces x pixels) elements per temporary tensor.

    Returns:
        ``(H, W)`` indices into the pieces: int16 when there are fewer than 2**15
        pieces (half the memory kept until backward), int32 otherwise.
    """
    with torch.no_grad():
        height, width = ys.shape[0], xs.shape[0]
        best = torch.full((height, width), math.inf, dtype=a.dtype, device=a.device)
        index = torch.zeros((height, width), dtype=torch.int32, device=a.device)
        blocks = _blocks(height, width, a.shape[0], block)
        # Two work buffers reused by every block (fresh ones would cost page faults).
        n_max = max((i.stop - i.start) * (r.stop - r.start) * width for i, r in blocks)
        work = torch.empty(2, n_max, dtype=a.dtype, device=a.device)
        for items, rows in blocks:
            shape = (items.stop - items.start, rows.stop - rows.start, width)
            d2 = work[0, :math.prod(shape)].view(shape)
            h = work[1, :math.prod(shape)].view(shape)
            pa, pb = a[items, :, None, None], b[items, :, None, None]  # (l, 2, 1, 1)
            bax, bay = pb[:, 0] - pa[:, 0], pb[:, 1] - pa[:, 1]  # (l, 1, 1)
            inv = 1 / (bax * bax + bay * bay).clamp_min(_EPS)
            pax = xs[None, None, :] - pa[:, 0]  # (l, 1, W)
            pay = ys[None, rows, None] - pa[:, 1]  # (l, h, 1)
            torch.add(pax * (bax * inv), pay * (bay * inv), out=h).clamp_(0, 1)
            torch.addcmul(pax, h, bax, value=-1, out=d2)  # dx
            h.mul_(-bay).add_(pay)  # dy
            d2.mul_(d2).addcmul_(h, h)
            # The first nearest piece of the block: amin, then the lowest index among
            # the pieces at that distance (``min(dim=0)`` does both but is far slower).
            value = d2.amin(dim=0)
            rank = torch.arange(shape[0], device=a.device, dtype=a.dtype)[:, None, None]
            arg = torch.sub(d2, value, out=h).sign_().mul_(shape[0]).add_(rank).amin(dim=0)
            closer = value < best[rows]
            best[rows] = torch.where(closer, value, best[rows])
            index[rows] = torch.where(closer, arg.to(torch.int32) + items.start, index[rows])
        return index.to(torch.int16) if a.shape[0] < 1 << 15 else index


def _area(a: Tensor, b: Tensor, cols: Tensor, rows: Tensor, block: int) -> Tensor:
    """Integrated winding number of every pixel, densely: every piece against every pixel.

    Args:
        a, b: outline pieces in pixels, ``(L, 2)`` (closing pieces included), in the graph.
        cols: ``(W,)`` pixel left edges; rows: ``(H,)`` pixel top edges.
        block: most (pieces x pixels) elements per temporary tensor.

    Returns:
        ``(H, W)`` differentiable ``∫ winding`` over each pixel (see :mod:`~.fill`).
    """
    acc = a.new_zeros(rows.shape[0], cols.shape[0])
    step = max(1, block // max(1, rows.shape[0] * cols.shape[0]))
    for start in range(0, a.shape[0], step):
        pa, pb = a[start:start + step, :, None, None], b[start:start + step, :, None, None]
        acc = acc + edge_pixel_area(pa[:, 0], pa[:, 1], pb[:, 0], pb[:, 1], cols[None, None, :],
                                    rows[None, :, None]).sum(0)
    return acc


def _distance(ab: Tensor, nearest: Tensor, px: Tensor, py: Tensor) -> Tensor:
    """Differentiable distance of every pixel centre to its nearest piece.

    Args:
        ab: piece end points ``(ax, ay, bx, by)``, ``(L, 4)`` (in the autograd graph).
        nearest: ``(H, W)`` long index of each pixel's nearest piece.
        px, py: ``(H, W)`` pixel-centre coordinates.

    Returns:
        ``(H, W)`` distances in pixels.
    """
    ax, ay, bx, by = ab[nearest].unbind(-1)  # (H, W) each
    bax, bay = bx - ax, by - ay
    pax, pay = px - ax, py - ay
    h = ((pax * bax + pay * bay) / (bax * bax + bay * bay).clamp_min(_EPS)).clamp(0, 1)
    dx, dy = pax - h * bax, pay - h * bay
    return torch.sqrt(dx * dx + dy * dy + _EPS)


def _paint(image: Tensor, layers: list[dict], a: Tensor, b: Tensor, px: Tensor, py: Tensor,
           half_widths: Tensor, stroke: Tensor, fill: Tensor) -> Tensor:
    """Composite layers "over" an image.

    Args:
        image: ``(3, H, W)`` what lies below.
        layers: dicts with ``path`` (int), ``pieces`` (``(L_p,)`` long, the layer's
            pieces) and, for strokes, ``nearest`` (``(H, W)`` into ``pieces``), for
            fills ``evenodd`` (bool; None for strokes).
        a, b: all line pieces, ``(L, 2)``; px, py: ``(H, W)`` pixel centres.
        half_widths: ``(P,)`` stroke half widths in pixels; stroke, fill: ``(P, 4)``.

    Returns:
        ``(3, H, W)`` the composited image.
    """
    for layer in layers:
        p, pieces, evenodd = layer["path"], layer["pieces"], layer["evenodd"]
        if "hairline" in layer:
            coverage = hairline_alpha(*layer["hairline"], 2 * half_widths[p], stroke[p, 3],
                                      px[0] - 0.5, py[:, 0] - 0.5, layer["block"])
            rgba = torch.cat([stroke[p, :3], stroke.new_ones(1)])  # alpha is in coverage
        elif evenodd is None:
            nearest = layer["nearest"].long()  # int16 cannot index
            dist = _distance(torch.cat([a[pieces], b[pieces]], dim=1), nearest, px, py)
            r = half_widths[p]
            coverage = (torch.minimum(dist + 0.5, r) - torch.maximum(dist - 0.5, -r)).clamp(0, 1)
            rgba = stroke[p]
        else:
            acc = _area(a[pieces], b[pieces], px[0] - 0.5, py[:, 0] - 0.5, layer["block"])
            coverage = rule_coverage(acc, torch.tensor(evenodd, device=acc.device))
            rgba = fill[p]
        alpha = coverage * rgba[3]
        image = image * (1 - alpha) + alpha * rgba[:3, None, None]
    return image


def render_reference(
    drawing: Drawing,
    width: int | None = None,
    height: int | None = None,
    *,
    background: Sequence[float] | Tensor = (1.0, 1.0, 1.0),
    tolerance: float = 0.1,
    max_length: float = 4.0,
    block: int = 1 << 20,
    layers_per_checkpoint: int | None = None,
) -> Tensor:
    """Render one drawing densely and plainly: the slow baseline for tests and benchmarks.

    Same image and same gradients as :func:`vecdream.render.render` (up to floating
    point), computed by testing every pixel against every line piece of every path and
    differentiated by plain autograd. Time grows with ``pixels x pieces``; use
    :func:`~vecdream.render.render` for anything but checking and measuring it.

    Args:
        drawing: the :class:`Drawing` to render.
        width: output width in pixels; default the canvas width in user units (or
            derived from ``height`` keeping the aspect ratio), as in ``render``.
        height: output height in pixels; default likewise.
        background: RGB in [0, 1], ``(3,)``.
        tolerance: Bézier flattening tolerance in output pixels.
        max_length: longest line piece in pixels; ``render`` uses its ``tile`` (4), and
            only equal values flatten identically.
        block: most (pieces x pixels) elements of a dense temporary (4 bytes each in
            float32; two of them are alive at once).
        layers_per_checkpoint: layers composited per checkpointed group when gradients
            are needed; default about ``sqrt(layers / 12)``, which balances the images
            kept at group boundaries against one group's rebuilt graph.

    Returns:
        ``(3, H, W)`` float image in [0, 1], in the dtype of ``drawing.points``,
        differentiable w.r.t. points, widths, stroke and fill.

    Example:
        >>> d = Drawing.random(4, size=(16, 12), seed=0, colors=True)
        >>> render_reference(d).shape
        torch.Size([3, 12, 16])
    """
    if not torch.isfinite(drawing.points).all():
        raise ValueError("render_reference: drawing has non-finite points (NaN or inf)")
    out_w, out_h = _output_size(drawing.size, width, height)
    device, dtype = drawing.points.device, drawing.points.dtype
    bg = torch.as_tensor(background, dtype=dtype, device=device)
    if bg.shape != (3,):
        raise ValueError(f"render_reference: background must be (3,), got {tuple(bg.shape)}")

    # Pixel coordinates, exactly as render() scales them.
    sx, sy = out_w / drawing.size[0], out_h / drawing.size[1]
    points = drawing.points * drawing.points.new_tensor([sx, sy])
    half_widths = clamp_passing(drawing.widths, 0.0, math.inf) * (sx * sy) ** 0.5 / 2
    stroke, fill = clamp_passing(drawing.stroke, 0.0, 1.0), clamp_passing(drawing.fill, 0.0, 1.0)
    lines = bezier_lines(points, drawing.n_segments, tolerance=tolerance, max_length=max_length)
    line_path = drawing.contour_path[lines.contour]
    stroked_piece = ~lines.closing | drawing.closed[lines.contour]

    xs = torch.arange(out_w, device=device, dtype=dtype) + 0.5
    ys = torch.arange(out_h, device=device, dtype=dtype) + 0.5
    py, px = torch.meshgrid(ys, xs, indexing="ij")

    # Dense, gradient-free part: nearest piece of every stroke layer.
    a, b = lines.a.detach(), lines.b.detach()
    layers = []
    hair = (2 * half_widths <= HAIRLINE_WIDTH) & (stroke[:, 3] > 0)
    if bool(hair.any()):
        contours = torch.nonzero(hair[drawing.contour_path]).squeeze(1)
        hair_pieces = hairline_pieces(points, drawing.n_segments, drawing.contour_path,
                                      drawing.closed, contours, half_widths, None, tolerance)
    for p in range(len(drawing)):
        of_path = line_path == p
        if fill[p, 3] > 0 and of_path.any():
            pieces = torch.nonzero(of_path).squeeze(1)
            layers.append({"path": p, "pieces": pieces, "block": block,
                           "evenodd": bool(drawing.evenodd[p])})
        if hair[p]:
            own = torch.nonzero(hair_pieces.path == p).squeeze(1)
            after = hair_pieces.after[own]
            after = torch.where(after >= 0, after - (own[0] if own.shape[0] else 0), -1)
            layers.append({"path": p, "pieces": None, "evenodd": None, "block": block,
                           "hairline": (hair_pieces.a[own], hair_pieces.b[own], after)})
        elif stroke[p, 3] > 0 and (of_path & stroked_piece).any():
            pieces = torch.nonzero(of_path & stroked_piece).squeeze(1)
            layers.append({
                "path": p, "pieces": pieces,
                "nearest": _nearest_piece(a[pieces], b[pieces], xs, ys, block),
                "evenodd": None,
            })

    image = bg[:, None, None].expand(3, out_h, out_w)
    tensors = (lines.a, lines.b, px, py, half_widths, stroke, fill)
    if not (torch.is_grad_enabled() and any(t.requires_grad for t in tensors)):
        return _paint(image, layers, *tensors)
    if not layers:  # nothing visible: the background, with zero gradients (as render)
        return keep_graph(image, lines.a, lines.b, half_widths, stroke, fill)
    # One layer's graph holds ~36 floats per pixel, a group boundary 3 (an image).
    group = layers_per_checkpoint or max(1, math.isqrt(len(layers) * 3 // 36))
    for start in range(0, len(layers), group):
        image = checkpoint(_paint, image, layers[start:start + group], *tensors,
                           use_reentrant=False)
    return image
