"""Compositing of layer entries: "over" in paint order, opacity groups, clip masks.

All functions work on *entries*: one per (tile, layer) with per-pixel values
``(U, K)`` for the ``K = tile * tile`` pixels, sorted by (tile, layer) so a tile's
stack is a contiguous run in paint order.

* :func:`composite` is SVG's "over": a segmented product of ``(1 - alpha)`` done as a
  cumulative sum of logs in float64 (differentiable, no per-layer loop).
* :func:`collapse_groups` implements ``opacity`` on groups (and on a path with both
  fill and stroke): the members are composited over transparent into one layer
  (alpha ``1 - prod(1 - a)``, premultiplied colour), scaled by the opacity, and that
  layer takes the members' place; nested groups collapse innermost first.
* :func:`clip_masks` turns clip-shape coverage into per-(clip, tile) masks: the union
  of a clip's shapes, times its parent clip's mask (nesting is intersection).
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["clip_masks", "collapse_groups", "composite", "lookup"]

# Scaling keeps log(1 - alpha) finite for opaque paint without a zero-gradient clamp.
_OPAQUE = 1 - 1e-6


def _segments(key: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Runs of equal consecutive keys: (first index, count, run of every element)."""
    _, counts = torch.unique_consecutive(key, return_counts=True)
    first = torch.cumsum(counts, 0) - counts
    run = torch.repeat_interleave(torch.arange(counts.shape[0], device=key.device), counts)
    return first, counts, run


def _stack(alpha: Tensor, premult: Tensor, key: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Over-composite runs of equal ``key`` over transparent.

    Returns per run: alpha ``(R, K)``, premultiplied colour ``(R, K, 3)``, first index.
    """
    first, counts, run = _segments(key)
    end = first + counts - 1
    log_clear = torch.log1p(-alpha * _OPAQUE).double()
    csum = torch.cumsum(log_clear, 0)
    before = torch.cat([csum.new_zeros(1, alpha.shape[1]), csum])[first]
    after = torch.exp(csum[end][run] - csum).to(alpha.dtype)  # transmittance above entry
    clear = torch.exp(csum[end] - before).to(alpha.dtype)
    colour = premult.new_zeros(first.shape[0], *premult.shape[1:]).index_add_(
        0, run, after[..., None] * premult)
    return 1 - clear, colour, first


def composite(alpha: Tensor, rgb: Tensor, tile: Tensor, background: Tensor, n_tiles: int,
              premultiplied: bool = False) -> Tensor:
    """Alpha-composite entries sorted by (tile, layer) over the background.

    Args:
        alpha: ``(U, K)`` per-pixel alpha of each entry, in paint order within a tile.
        rgb: ``(U, 3)`` colour of each entry, or ``(U, K, 3)`` per pixel; with
            ``premultiplied`` it is ``(U, K, 3)`` colour already times alpha.
        tile: ``(U,)`` global tile of each entry (sorted).
        background: ``(n_tiles, 3)``.

    Returns:
        ``(n_tiles, K, 3)`` composited tiles.
    """
    k = alpha.shape[1]
    out = background[:, None, :].expand(n_tiles, k, 3)
    if alpha.shape[0] == 0:
        return out
    if premultiplied:
        cover, colour, first = _stack(alpha, rgb, tile)
        tiles = tile[first]
        grouped = colour + (1 - cover)[..., None] * background[tiles][:, None, :]
        return out.index_put((tiles,), grouped)
    # The plain case (the optimizer's every step) keeps its leanest form.
    first, counts, group = _segments(tile)
    end = first + counts - 1
    tiles = tile[first]
    log_clear = torch.log1p(-alpha * _OPAQUE).double()
    csum = torch.cumsum(log_clear, 0)
    before_group = torch.cat([csum.new_zeros(1, k), csum])[first]
    after = torch.exp(csum[end][group] - csum).to(alpha.dtype)  # transmittance above entry
    clear = torch.exp(csum[end] - before_group).to(alpha.dtype)  # whole tile stack
    colour = rgb if rgb.dim() == 3 else rgb[:, None, :]
    paint = (alpha * after)[..., None] * colour
    grouped = paint.new_zeros(tiles.shape[0], k, 3).index_add_(0, group, paint)
    grouped = grouped + clear[..., None] * background[tiles][:, None, :]
    return out.index_put((tiles,), grouped)


def collapse_groups(alpha: Tensor, premult: Tensor, tile: Tensor, owner: Tensor,
                    opacity: Tensor, parent: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Replace the entries of every opacity group by one composited, faded entry.

    Args:
        alpha: ``(U, K)``; premult: ``(U, K, 3)``; tile: ``(U,)`` sorted (tile, layer).
        owner: ``(U,)`` innermost group of each entry's path, -1 for none.
        opacity, parent: ``(Q,)`` group opacity and enclosing group (-1: top).

    Returns:
        alpha, premult, tile of the remaining entries, still in paint order.
    """
    if opacity.shape[0] == 0:
        return alpha, premult, tile
    with torch.no_grad():
        depth = torch.zeros_like(parent)
        up = parent.clone()
        for _ in range(parent.shape[0]):  # depth = length of the parent chain
            depth = depth + (up >= 0).long()
            up = torch.where(up >= 0, parent[up.clamp_min(0)], up)
            if not bool((up >= 0).any()):
                break
    order = torch.arange(tile.shape[0], device=tile.device)
    for level in range(int(depth.max()), -1, -1):
        with torch.no_grad():
            member = (owner >= 0) & (depth[owner.clamp_min(0)] == level)
            sel = torch.nonzero(member).squeeze(1)
        if sel.shape[0] == 0:
            continue
        key = tile[sel] * opacity.shape[0] + owner[sel]
        g_alpha, g_premult, first = _stack(alpha[sel], premult[sel], key)
        g = owner[sel][first]
        fade = opacity[g].to(alpha.dtype)[:, None]
        keep = torch.nonzero(~member).squeeze(1)
        # The group's entry sits where its first member was: paint order is kept.
        position = torch.cat([order[keep], order[sel][first]])
        alpha = torch.cat([alpha[keep], g_alpha * fade])
        premult = torch.cat([premult[keep], g_premult * fade[..., None]])
        tile = torch.cat([tile[keep], tile[sel][first]])
        owner = torch.cat([owner[keep], parent[g]])
        sort = torch.argsort(position)
        alpha, premult, tile, owner, order = (alpha[sort], premult[sort], tile[sort],
                                              owner[sort], position[sort])
    return alpha, premult, tile


def lookup(keys: Tensor, values: Tensor, query: Tensor) -> Tensor:
    """``values[i]`` where ``keys[i] == query`` (keys sorted, unique), else zeros."""
    if keys.shape[0] == 0:
        return values.new_zeros(query.shape[0], *values.shape[1:])
    pos = torch.searchsorted(keys, query).clamp(max=keys.shape[0] - 1)
    found = keys[pos] == query
    return torch.where(found[:, None], values[pos], values.new_zeros(()))


def clip_masks(shape_clip: Tensor, e_shape: Tensor, e_tile: Tensor, e_cov: Tensor,
               parent: Tensor, n_tiles: int) -> tuple[Tensor, Tensor]:
    """Per (clip, tile) masks from clip-shape coverage entries.

    Args:
        shape_clip: ``(Ks,)`` clip of every shape.
        e_shape, e_tile, e_cov: coverage entries of the shapes ``(E,)``, ``(E,)``,
            ``(E, K)``.
        parent: ``(Kc,)`` clip intersected with each clip, -1 none.
        n_tiles: number of global tiles (for the keys ``clip * n_tiles + tile``).

    Returns:
        sorted unique keys ``(M,)`` and masks ``(M, K)``; absent keys mean mask 0.
    """
    key = shape_clip[e_shape] * n_tiles + e_tile
    keys, inverse = torch.unique(key, return_inverse=True)
    log_clear = torch.log1p(-e_cov * _OPAQUE).double()
    union = 1 - torch.exp(log_clear.new_zeros(keys.shape[0], e_cov.shape[1]).index_add(
        0, inverse, log_clear)).to(e_cov.dtype)
    # Intersect with the parent chain, one level per pass.
    with torch.no_grad():
        clip = torch.div(keys, n_tiles, rounding_mode="floor")
        tile = keys % n_tiles
        up = parent[clip]
    mask = union
    for _ in range(parent.shape[0]):
        if not bool((up >= 0).any()):
            break
        above = lookup(keys, union, up.clamp_min(0) * n_tiles + tile)
        mask = torch.where((up >= 0)[:, None], mask * above, mask)
        with torch.no_grad():
            up = torch.where(up >= 0, parent[up.clamp_min(0)], up)
    return keys, mask
