"""Which generator a seed GAN trains: free-form paths or the lattice of motifs.

The kinds (:data:`GENERATORS`), the automatic choice from the training seeds
(:func:`choose_generator`), and building a generator from its config or a checkpoint's
config dict.
"""

from __future__ import annotations

import torch
from torch import Tensor

from vecdream.seeds import generator as gen
from vecdream.seeds import lattice
from vecdream.seeds.seamless import image_seam_score

__all__ = ["GENERATORS", "Config", "Generator", "build_generator", "choose_generator",
           "config_from_dict"]

GENERATORS = ("auto", "paths", "lattice")
"""``generator=`` of :func:`train_seed_gan`: free-form paths, the lattice of motifs
(periodic seeds), or ``auto`` (:func:`choose_generator`)."""

Generator = gen.VectorGenerator | lattice.LatticeGenerator
Config = gen.GeneratorConfig | lattice.LatticeConfig


def build_generator(config: Config) -> Generator:
    """The generator a config describes: free-form paths or the lattice of motifs."""
    if isinstance(config, lattice.LatticeConfig):
        return lattice.LatticeGenerator(config)
    return gen.VectorGenerator(config)


def config_from_dict(fields: dict) -> Config:
    """A config back from :meth:`to_dict` (checkpoints before the lattice: paths)."""
    fields = dict(fields)
    if fields.pop("kind", "paths") == "lattice":
        return lattice.LatticeConfig(**fields)
    return gen.GeneratorConfig(**fields)


def choose_generator(images: Tensor, share: float = 0.8) -> str:
    """``"lattice"`` when at least ``share`` of the seeds ``(N, 3, S, S)`` are patterns
    that tile: their canvas is a period (:func:`~.seamless.image_seam_score`) and the
    pattern runs across its edges (Truchet, Smith, most Mosaic patterns); else
    ``"paths"`` (an icon on a plain ground tiles too, trivially, but is no pattern)."""
    def tiles(image: Tensor) -> bool:
        border = torch.cat([image[:, 0], image[:, -1], image[:, :, 0], image[:, :, -1]], 1)
        ground = border.median(dim=1).values[:, None]
        crossed = float(((border - ground).abs().amax(0) > 0.1).float().mean())
        return crossed > 0.05 and image_seam_score(image).seamless

    return "lattice" if sum(tiles(image) for image in images) >= share * len(images) \
        else "paths"
