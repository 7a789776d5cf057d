"""Seeds for variable-data printing (HP SmartStream Mosaic and friends).

Data side: procedural pattern families (:func:`make_drawing`), palettes
(:func:`load_palette`), a seed folder of SVG/PDF/PNG as a torch dataset
(:class:`SeedFolder`, :func:`family_dataset`), Mosaic-style variations in the vector
domain (:mod:`vecdream.seeds.variations`), a complexity report (:func:`seed_stats`) and
contact sheets (:func:`contact_sheet`). Names are imported lazily so that
``import vecdream.seeds`` stays cheap.

May import: every stage before it (foundations, render, svg, export, plot, nets, jobs,
objectives, dream); its ``cli*`` modules also the shared helpers of :mod:`vecdream.cli`;
never :mod:`vecdream.painter`, which builds on it (stage order: docs/ARCHITECTURE.md,
checked by tests/test_imports.py).
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "FAMILIES": "families", "make_drawing": "families", "make_drawings": "families",
    "family_names": "families",
    "PALETTES": "palette", "load_palette": "palette", "parse_ase": "palette",
    "parse_gpl": "palette", "write_ase": "palette",
    "clip_drawing": "clip",
    "SeedFolder": "folder", "FolderSummary": "folder", "family_dataset": "folder",
    "read_seed": "folder",
    "read_pdf": "pdf_read", "PdfReadError": "pdf_read",
    "rotate": "variations", "flip": "variations", "transpose": "variations",
    "scale": "variations", "crop": "variations", "recolour": "variations",
    "random_variation": "variations", "mosaic_preview": "variations", "tile": "variations",
    "seed_stats": "stats", "SeedStats": "stats",
    "folder_stats": "stats", "format_stats": "stats",
    "contact_sheet": "sheet", "save_contact_sheet": "sheet", "sheet_layout": "sheet",
    "train_seed_gan": "gan", "load_seed_gan": "gan", "VectorGenerator": "generator",
    "SeedDiscriminator": "discriminator", "train_discriminator": "discriminator",
    "load_discriminator": "discriminator", "diff_augment": "diffaugment",
    "refine_seed": "refine",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'vecdream.seeds' has no attribute {name!r}")
    return getattr(importlib.import_module(f"vecdream.seeds.{_EXPORTS[name]}"), name)
