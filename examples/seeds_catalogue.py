"""Keep a brand's seeds exclusive: issue them into a catalogue, refuse near-duplicates.

Family seeds go into a catalogue under campaign ``spring``; then a second batch mixing
new seeds with rotated, mirrored and recoloured copies of the first, and a window of
one seed's tiling turned 30° and zoomed (what Mosaic prints anyway), is issued under
``summer``: the copies are refused, the colliding seed and the transform are named. Then the nearest
catalogued seeds of a query and an export of the ``spring`` campaign::

    python examples/seeds_catalogue.py --n 12 --out out/catalogue

The same with the CLI::

    vecdream seeds make carlson -n 12 spring/
    vecdream seeds issue spring/ --catalogue brand.db --campaign spring
    vecdream seeds similar query.svg --catalogue brand.db -k 5
    vecdream seeds export --catalogue brand.db --campaign spring export/
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from vecdream.seeds.catalogue import Catalogue
from vecdream.seeds.catalogue_export import export_campaign
from vecdream.seeds.families import make_drawings
from vecdream.seeds.transforms import crop, scale, tile
from vecdream.seeds.variations import flip, recolour, rotate


def mosaic_window(d, angle: float = 30.0, zoom: float = 1.25):
    """A canvas-sized window of ``d``'s tiling, turned ``angle``° and zoomed."""
    w, h = d.size
    turned = crop(rotate(tile(d, 3), angle, expand=False), (w, h, w / zoom, h / zoom))
    return scale(turned, zoom)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=12, help="seeds per campaign")
    p.add_argument("--family", default="carlson")
    p.add_argument("--out", type=Path, default=Path("out/catalogue"))
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    db = args.out / "brand.db"
    db.unlink(missing_ok=True)
    spring = make_drawings(args.family, args.n, seed=1)
    copies = [rotate(spring[0], 90), flip(spring[1]), recolour(spring[2], mode="hue", hue=90),
              mosaic_window(spring[3])]
    summer = make_drawings(args.family, args.n - len(copies), seed=2) + copies
    with Catalogue(db) as cat:
        for i, d in enumerate(spring):
            cat.issue(d.to_svg(), name=f"spring_{i:02d}", campaign="spring",
                      provenance={"family": args.family, "seed": 1, "index": i})
        for i, d in enumerate(summer):
            r = cat.issue(d.to_svg(), name=f"summer_{i:02d}", campaign="summer")
            if not r.admitted:
                s = r.collision.seed
                fit = r.collision.transform  # set when found by registration
                how = "" if fit is None else (f", a window of its plane turned {fit.angle:.0f}°"
                                              f" scaled x{fit.zoom:.2f}, NCC {fit.score:.2f}")
                print(f"summer_{i:02d} refused: {r.collision.distance} bits from {s.name} "
                      f"({s.campaign}{how})")
        print(f"{len(cat)} seeds catalogued ({len(cat.rows('summer'))} for summer), "
              f"threshold {cat.threshold} bits of 256")
        for m in cat.similar(flip(rotate(spring[3], 180)).to_svg(), k=3):
            print(f"  near {m.seed.name}: {m.distance} bits, embedding {m.embedding_distance:.3f}")
        records = export_campaign(cat, "spring", args.out / "spring", ("svg", "pdf"))
    print(f"exported {len(records)} spring seeds to {args.out / 'spring'} with manifest.csv")


if __name__ == "__main__":
    main()
