"""Seeds for Mosaic: one seed of every pattern family, a brand recolour and a Mosaic preview.

    python examples/seeds_families.py                  # 256-unit seeds in out/examples
    python examples/seeds_families.py --size 64 --palette brand.gpl

Writes into ``--out``: ``seed_<family>.svg`` (+ ``.png``) per family, the same seed
recoloured onto ``--palette`` (``seed_<family>_brand.svg``), a Mosaic preview page of
the Carlson seed (``mosaic_preview.svg``/``.png``) and a contact sheet of all seeds.
The same with the CLI::

    vecdream seeds make carlson -n 50 --size 256 --palette sunset seeds/
    vecdream seeds augment seeds/ variations/ --per-seed 10 --palette brand.gpl
    vecdream seeds stats seeds/
"""

from __future__ import annotations

import argparse
from pathlib import Path

from vecdream.export import save_png
from vecdream.seeds import (
    FAMILIES,
    make_drawing,
    mosaic_preview,
    recolour,
    save_contact_sheet,
    seed_stats,
)
from vecdream.seeds.folder import rasterize_svg


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--size", type=int, default=256, help="canvas side (user units = px)")
    p.add_argument("--palette", default="#0b132b,#1c2541,#3a506b,#5bc0be,#f4d35e",
                   help="brand palette: name, .gpl/.ase file or hex list")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("out/examples"), help="output folder")
    args = p.parse_args(argv)
    images, labels = [], []
    for family in FAMILIES:
        seed = make_drawing(family, size=float(args.size), seed=args.seed)
        brand = recolour(seed, args.palette)  # luminance-ranked onto the brand colours
        for drawing, name in ((seed, f"seed_{family}"), (brand, f"seed_{family}_brand")):
            drawing.save_svg(args.out / f"{name}.svg")
            save_png(drawing, args.out / f"{name}.png")
            images.append(rasterize_svg(drawing.to_svg(), min(args.size, 128), drawing.size))
            labels.append(name)
        stats = seed_stats(seed, images[-2])
        print(f"{family:8s} {stats.paths:4d} paths, {stats.colours} colours, "
              f"ink {stats.coverage:.0%}: {'ok' if stats.suitable else '; '.join(stats.notes)}")
    page = mosaic_preview(make_drawing("carlson", size=float(args.size), seed=args.seed),
                          palette=args.palette, seed=args.seed)
    page.save_svg(args.out / "mosaic_preview.svg")
    save_png(page, args.out / "mosaic_preview.png", min(4 * args.size, 1024))
    save_contact_sheet(args.out / "contact_sheet.png", images, labels)
    print(f"wrote {len(labels)} seeds, mosaic_preview.svg and contact_sheet.png to {args.out}")


if __name__ == "__main__":
    main()
