"""Complexity report of seeds, with a Mosaic-suitability note per seed.

Mosaic varies a seed by rotating, scaling, cropping and recolouring it; each print is
a window of the seed. A seed makes varied prints when it has many shapes, several
colours and ink across the page, and it must be vector. The thresholds below encode
that; they are deliberately simple and documented so a designer can argue with them.
Every note names the problem, the number against its threshold and what to change.

Shapes are counted as *contours* (SVG sub-paths): one compound path of 300 sub-paths is
300 shapes to a crop, not one. Paths are still reported, beside contours.

Transparency: the folder's images are composited on white, so they cannot tell white
paint from no paint. For a vector seed the drawing itself is rendered again (cairosvg,
with alpha) and a pixel with alpha < 50% is *transparent background*, which Mosaic
prints as bare paper; a blank-looking seed says which of the two its blank is.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import Tensor

from vecdream.drawing import Drawing
from vecdream.seeds.seamless import is_seamless

__all__ = ["MIN_COLOURS", "MIN_CONTOURS", "MIN_COVERAGE", "MIN_NODES", "MIN_PATHS",
           "SeedStats", "folder_stats", "format_stats", "seed_stats"]

MIN_CONTOURS = 20
"""Fewer contours (sub-paths of the visible paths): crops of the seed show one or two
shapes and all prints look alike."""
MIN_PATHS = MIN_CONTOURS
"""Former name of :data:`MIN_CONTOURS` (the threshold now counts contours, not paths)."""
MIN_NODES = 100
"""Fewer Bézier nodes (segment end points): too little geometric detail to vary."""
MIN_COLOURS = 3
"""Fewer distinct colours: recolouring has too little to shuffle (Mosaic seeds are
"complex and colourful")."""
MIN_COVERAGE = 0.25
"""Less ink (non-white pixels): many crops land on blank paper."""
INK_THRESHOLD = 0.05
"""A pixel is ink when a channel differs from white by more than this."""
CLEAR_ALPHA = 0.5
"""A pixel of the seed's own render is transparent background below this alpha."""


@dataclass
class SeedStats:
    """One seed's numbers; ``paths``/``nodes``/``fill_ratio``/``contours``/``transparent``
    are None for raster seeds (``transparent``: share of the canvas left unpainted;
    ``seamless``: the canvas is a period of the pattern, :func:`~vecdream.seeds.seamless.
    is_seamless`; variations of such a seed tile too)."""

    name: str
    kind: str
    paths: int | None
    nodes: int | None
    colours: int
    coverage: float
    fill_ratio: float | None
    raster: bool
    notes: list[str] = field(default_factory=list)
    contours: int | None = None
    transparent: float | None = None
    seamless: bool | None = None

    @property
    def suitable(self) -> bool:
        return not self.notes


def _image_colours(image: Tensor, min_share: float = 0.005) -> int:
    """Distinct colours (5 bits per channel) covering at least ``min_share`` of the image."""
    q = (image.to(torch.int64) >> 3).reshape(3, -1)
    codes = q[0] * 1024 + q[1] * 32 + q[2]
    counts = torch.bincount(codes, minlength=32768)
    return int((counts >= max(1, min_share * codes.numel())).sum())


def _transparent_share(drawing: Drawing, size: int) -> float | None:
    """Share of the canvas a cairosvg render of ``drawing`` leaves transparent (None: no
    render, e.g. an empty or degenerate canvas)."""
    import cairosvg
    from PIL import Image

    from vecdream.svg import drawing_to_svg

    w, h = drawing.size
    scale = size / max(w, h, 1e-9)
    try:
        png = cairosvg.svg2png(bytestring=drawing_to_svg(drawing.detach()).encode("utf-8"),
                               output_width=max(1, round(w * scale)),
                               output_height=max(1, round(h * scale)), unsafe=False)
        alpha = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))[..., 3]
    except Exception:  # a seed the folder could read must not crash the report
        return None
    return float((alpha < CLEAR_ALPHA * 255).mean())


def _tiles(contours: int) -> int:
    """Tiles per side that bring ``contours`` up to :data:`MIN_CONTOURS`."""
    return max(2, math.ceil(math.sqrt(MIN_CONTOURS / max(contours, 1))))


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
    paths = contours = nodes = fill_ratio = transparent = seamless = None
    if drawing is not None:
        visible_fill = drawing.fill[:, 3] > 0
        visible = visible_fill | ((drawing.stroke[:, 3] > 0) & (drawing.widths > 0))
        paths = int(visible.sum())
        shown = visible[drawing.contour_path]  # the contours of visible paths
        contours = int(shown.sum())
        nodes = int((drawing.n_segments[shown] + 1).sum())
        transparent = _transparent_share(drawing, img.shape[-1])
        seamless = is_seamless(drawing) if contours else None
        paint = torch.cat([drawing.fill[visible_fill, :3],
                           drawing.stroke[(drawing.stroke[:, 3] > 0) & (drawing.widths > 0), :3]])
        colours = len(torch.unique((paint * 255).round(), dim=0))
        fill_ratio = float(visible_fill.sum()) / max(paths, 1)
    else:
        colours = _image_colours(img)
    notes = []
    if raster:
        notes.append("raster content: Mosaic needs vector seeds: vectorize it first")
    if contours is not None and contours < MIN_CONTOURS:
        k = _tiles(contours)
        notes.append(f"too simple: {contours} contours < {MIN_CONTOURS}: add shapes or tile "
                     f"it {k}x{k}")
    if nodes is not None and nodes < MIN_NODES:
        notes.append(f"too little detail: {nodes} nodes < {MIN_NODES}: add curves and "
                     "smaller shapes")
    if colours < MIN_COLOURS:
        notes.append(f"too few colours: {colours} < {MIN_COLOURS}: recolour it onto a palette "
                     f"of {MIN_COLOURS} or more (seeds augment --palette)")
    if coverage < MIN_COVERAGE:
        blank = f"mostly blank: ink on {coverage:.0%} < {MIN_COVERAGE:.0%}"
        if transparent is not None and transparent >= (1 - coverage) / 2:
            notes.append(f"{blank}, {transparent:.0%} transparent background (Mosaic prints "
                         "it as paper): add a background shape or enlarge the shapes")
        else:
            notes.append(f"{blank}: enlarge the shapes or give the background a colour")
    return SeedStats(name, kind, paths, nodes, colours, coverage, fill_ratio, raster, notes,
                     contours, transparent, seamless)


def folder_stats(folder) -> list[SeedStats]:
    """:func:`seed_stats` of every seed of a :class:`~vecdream.seeds.folder.SeedFolder`."""
    return [seed_stats(d, folder.images[i], name=str(folder.paths[i]), kind=folder.kinds[i],
                       raster=folder.raster_content[i])
            for i, d in enumerate(folder.drawings)]


def format_stats(stats: list[SeedStats]) -> str:
    """A plain-text table, one line per seed, then how many look suitable."""
    rows = [("seed", "kind", "paths", "contours", "nodes", "colours", "ink", "fill", "tiles",
             "mosaic")]
    for s in stats:
        rows.append((s.name, s.kind, "-" if s.paths is None else str(s.paths),
                     "-" if s.contours is None else str(s.contours),
                     "-" if s.nodes is None else str(s.nodes), str(s.colours),
                     f"{s.coverage:.0%}", "-" if s.fill_ratio is None else f"{s.fill_ratio:.0%}",
                     {None: "-", True: "yes", False: "no"}[s.seamless],
                     "ok" if s.suitable else "; ".join(s.notes)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1]
             for r in rows]
    good = sum(s.suitable for s in stats)
    lines.append(f"{good} of {len(stats)} seeds suit Mosaic (thresholds: >= {MIN_CONTOURS} "
                 f"contours, >= {MIN_NODES} nodes, >= {MIN_COLOURS} colours, "
                 f">= {MIN_COVERAGE:.0%} ink, vector only)")
    return "\n".join(lines)
