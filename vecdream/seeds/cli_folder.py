"""Reading a seed folder for the GAN commands: one seed per file stem, sheets skipped."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    import torch

__all__ = ["FolderSeeds", "read_seed_folder"]


@dataclass
class FolderSeeds:
    """The seeds of a folder after dropping contact sheets and repeated formats."""

    images: torch.Tensor  # (N, 3, S, S) float in [0, 1]
    names: list[str]
    folder: object
    keep: list[int]


def _is_sheet(path: Path) -> bool:
    """A contact sheet written by ``seeds make``/``sample`` (its layout text chunk)."""
    if path.suffix.lower() != ".png":
        return False
    from PIL import Image

    with Image.open(path) as im:
        return "vecdream:sheet" in getattr(im, "text", {})


def read_seed_folder(path: Path, size: int, hint: str) -> FolderSeeds:
    """Read a seed folder; one seed per file stem (SVG before PDF before PNG, as
    ``seeds sample --pdf --png`` writes three files per seed), contact sheets skipped."""
    from vecdream.seeds.folder import SeedFolder

    folder = SeedFolder(path, size)
    rank = {"svg": 0, "pdf": 1}
    best: dict[Path, int] = {}
    for i, p in enumerate(folder.paths):
        if _is_sheet(p):
            continue
        j = best.get(p.with_suffix(""))
        if j is None or rank.get(folder.kinds[i], 2) < rank.get(folder.kinds[j], 2):
            best[p.with_suffix("")] = i
    keep = sorted(best.values())
    if len(keep) < 2:
        raise click.BadParameter(f"expected at least 2 readable seeds in {path}, "
                                 f"found {len(keep)}", param_hint=hint)
    return FolderSeeds(folder.images[keep].float() / 255, [str(folder.paths[i]) for i in keep],
                  folder, keep)
