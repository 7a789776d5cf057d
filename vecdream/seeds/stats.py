"""Complexity report of seeds, with a Mosaic-suitability note per seed.

Mosaic varies a seed by rotating, scaling, cropping and recolouring it; each print is
a window of the seed. A seed makes varied prints when it has many shapes, several
colours and ink across the page, and it must be vector. The thresholds below encode
that; they are deliberately simple and documented so a designer can argue with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor

from vecdream.drawing import Drawing

__all__ = ["MIN_COLOURS", "MIN_COVERAGE", "MIN_NODES", "MIN_PATHS", "SeedStats",
           "folder_stats", "format_stats", "seed_stats"]

MIN_PATHS = 20
"""Fewer paths: crops of the seed show one or two shapes and all prints look alike."""
MIN_NODES = 100
"""Fewer Bézier nodes (segment end points): too little geometric detail to vary."""
MIN_COLOURS = 3
"""Fewer distinct colours: recolouring has too little to shuffle (Mosaic seeds are
"complex and colourful")."""
MIN_COVERAGE = 0.25
"""Less ink (non-white pixels): many crops land on blank paper."""
INK_THRESHOLD = 0.05
"""A pixel is ink when a channel differs from white by more than this."""


@dataclass
class SeedStats:
    """One seed's numbers; ``nodes``/``paths``/``fill_ratio`` are None for raster seeds."""

    name: str
    kind: str
    paths: int | None
    nodes: int | None
    colours: int
    coverage: float
    fill_ratio: float | None
    raster: bool
    notes: list[str] = field(default_factory=list)

    @property
    def suitable(self) -> bool:
        return not self.notes


def _image_colours(image: Tensor, min_share: float = 0.005) -> int:
    """Distinct colours (5 bits per channel) covering at least ``min_share`` of the image."""
    q = (image.to(torch.int64) >> 3).reshape(3, -1)
    codes = q[0] * 1024 + q[1] * 32 + q[2]
    counts = torch.bincount(codes, minlength=32768)
    return int((counts >= max(1, min_share * codes.numel())).sum())


def seed_stats(drawing: Drawing | None, image: Tensor, *, name: str = "", kind: str = "svg",
               raster: bool = False) -> SeedStats:
    """Numbers and notes of one seed.

    Args:
        drawing: the seed's paths (None for a raster seed).
        image: its rendering ``(3, S, S)``, uint8 or float in [0, 1], on white.
        raster: the seed is, or embeds, a raster image.
    """
    img = image if image.dtype == torch.uint8 else (image.clamp(0, 1) * 255).round().byte()
    coverage = float(((255 - img.int()).amax(0) > INK_THRESHOLD * 255).float().mean())
    paths = nodes = fill_ratio = None
    if drawing is not None:
        visible_fill = drawing.fill[:, 3] > 0
        visible = visible_fill | ((drawing.stroke[:, 3] > 0) & (drawing.widths > 0))
        paths = int(visible.sum())
        nodes = int((drawing.n_segments + 1).sum())
        paint = torch.cat([drawing.fill[visible_fill, :3],
                           drawing.stroke[(drawing.stroke[:, 3] > 0) & (drawing.widths > 0), :3]])
        colours = len(torch.unique((paint * 255).round(), dim=0))
        fill_ratio = float(visible_fill.sum()) / max(paths, 1)
    else:
        colours = _image_colours(img)
    notes = []
    if raster:
        notes.append("raster content: Mosaic needs vector seeds (vectorize it first)")
    if paths is not None and paths < MIN_PATHS:
        notes.append(f"too simple: {paths} paths < {MIN_PATHS}")
    if nodes is not None and nodes < MIN_NODES:
        notes.append(f"too little detail: {nodes} nodes < {MIN_NODES}")
    if colours < MIN_COLOURS:
        notes.append(f"too few colours: {colours} < {MIN_COLOURS}")
    if coverage < MIN_COVERAGE:
        notes.append(f"mostly blank: ink on {coverage:.0%} < {MIN_COVERAGE:.0%}")
    return SeedStats(name, kind, paths, nodes, colours, coverage, fill_ratio, raster, notes)


def folder_stats(folder) -> list[SeedStats]:
    """:func:`seed_stats` of every seed of a :class:`~vecdream.seeds.folder.SeedFolder`."""
    return [seed_stats(d, folder.images[i], name=str(folder.paths[i]), kind=folder.kinds[i],
                       raster=folder.raster_content[i])
            for i, d in enumerate(folder.drawings)]


def format_stats(stats: list[SeedStats]) -> str:
    """A plain-text table, one line per seed, then how many look suitable."""
    rows = [("seed", "kind", "paths", "nodes", "colours", "ink", "fill", "mosaic")]
    for s in stats:
        rows.append((s.name, s.kind, "-" if s.paths is None else str(s.paths),
                     "-" if s.nodes is None else str(s.nodes), str(s.colours),
                     f"{s.coverage:.0%}", "-" if s.fill_ratio is None else f"{s.fill_ratio:.0%}",
                     "ok" if s.suitable else "; ".join(s.notes)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1]
             for r in rows]
    good = sum(s.suitable for s in stats)
    lines.append(f"{good} of {len(stats)} seeds suit Mosaic (thresholds: >= {MIN_PATHS} paths, "
                 f">= {MIN_NODES} nodes, >= {MIN_COLOURS} colours, >= {MIN_COVERAGE:.0%} ink, "
                 "vector only)")
    return "\n".join(lines)
