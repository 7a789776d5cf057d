"""Does the exclusivity catalogue refuse what Mosaic does anyway? (issue 25)

    python benchmarks/catalogue_mosaic.py [--cache /tmp/hero] [--limit N] [--every K]
        [--offset J]

Issues the seamless hero patterns (see ``benchmarks/seamless.py``, fetched from npm when
run) into a fresh catalogue, then checks (``Catalogue.check``, nothing inserted) copies
that Mosaic would make of each anyway and a designer would call the same seed:
recolour, 90° turn, 30° turn (a window of the turned tiling), ×2 (a quarter of the cell
scaled up), ×0.5 (2 × 2 cells scaled down), 110 % zoom in the frame, a shifted window of
the tiling, one sub-path nudged by 1.5 % of the side, and two of vecdream's own
variations (``random_variation``). Prints, per kind, how many copies the catalogue
refuses (it should refuse all) and how many distinct patterns it admitted (it should
admit all).

Then the ROC of the Mosaic registration score (:func:`vecdream.seeds.mosaic_match.
register`) alone: each copy against its own source (same) and against one other
pattern drawn at random (different), and the rates at the catalogue's threshold.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from seamless import fetch  # benchmarks/seamless.py: the script's folder is on sys.path

from vecdream import Drawing
from vecdream.seeds.catalogue import MOSAIC_AGREEMENT, MOSAIC_THRESHOLD, Catalogue
from vecdream.seeds.catalogue_print import fingerprint, mosaic_views
from vecdream.seeds.mosaic_match import register
from vecdream.seeds.seamless import is_seamless
from vecdream.seeds.transforms import crop, rotate, scale, tile
from vecdream.seeds.variations import random_variation, recolour


def copies(d: Drawing, g: torch.Generator) -> dict[str, Drawing]:
    """What Mosaic makes of ``d`` anyway, by kind (each on the seed's canvas size)."""
    w, h = d.size
    plane = tile(d, 3)
    nudged = d.clone()
    first = nudged.contour_path == 0
    nudged.points[first] = nudged.points[first] + 0.015 * max(w, h)
    out = {
        "recolour": recolour(d, mode="hue", hue=120.0),
        "rotate 90": rotate(d, 90),
        "rotate 30": crop(rotate(plane, 30, expand=False), (w, h, w, h)),
        "scale 2": scale(crop(d, (0, 0, w / 2, h / 2)), 2.0),
        "scale 0.5": scale(tile(d, 2), 0.5),
        "zoom 110%": scale(crop(d, (0.045 * w, 0.045 * h, w / 1.1, h / 1.1)), 1.1),
        "window shift": crop(plane, (1.37 * w, 1.21 * h, w, h)),
        "nudge": nudged,
    }
    for k in range(2):
        out[f"own variation {k + 1}"] = random_variation(d, g, seamless=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/hero"))
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--every", type=int, default=1, help="every K-th pattern only")
    parser.add_argument("--offset", type=int, default=0,
                        help="start at the J-th pattern (--every 3 --offset 1: another third)")
    args = parser.parse_args()
    patterns = fetch(args.cache)
    seeds = {}
    for name in sorted(patterns)[args.offset: args.limit or None: args.every]:
        d = Drawing.from_svg(patterns[name])
        if is_seamless(d):
            seeds[name] = d
    refused, total = Counter(), Counter()
    g = torch.Generator().manual_seed(0)
    rng = np.random.default_rng(0)
    planes = {n: mosaic_views(d)[0] for n, d in seeds.items()}
    same, different = [], []
    with tempfile.TemporaryDirectory() as tmp, Catalogue(Path(tmp) / "brand.db") as cat:
        admitted = 0
        for n, d in seeds.items():
            result = cat.issue(d.to_svg(), name=n, campaign="brand")
            admitted += result.admitted
            if not result.admitted:
                fit = result.collision.transform
                print(f"distinct pattern {n} refused: matched {result.collision.seed.name}"
                      + ("" if fit is None else f" (NCC {fit.score:.2f})"))
        for name, d in seeds.items():
            for kind, copy in copies(d, g).items():
                fp = fingerprint(copy.to_svg())[0]
                total[kind] += 1
                hit = cat.check(fp) is not None
                refused[kind] += hit
                if not hit:
                    print(f"copy admitted: {kind} of {name}")
                other = rng.choice([n for n in seeds if n != name])
                for into, plane in ((same, planes[name]), (different, planes[other])):
                    fit = register(fp.window, plane)
                    into.append((fit.score, fit.agreement))
    print(f"distinct patterns admitted: {admitted} of {len(seeds)} (should be all)\n")
    print("| copy | refused | of |")
    print("|---|---|---|")
    for kind in total:
        print(f"| {kind} | {refused[kind]} | {total[kind]} |")
    print(f"\nall copies refused: {sum(refused.values())} of {sum(total.values())} "
          "(should be all)")
    same, different = np.array(same), np.array(different)
    print("\n| NCC threshold | copies at or above (same) | other patterns at or above |")
    print("|---|---|---|")
    for t in (0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
        mark = " (catalogue)" if abs(t - MOSAIC_THRESHOLD) < 1e-9 else ""
        print(f"| {t:.2f}{mark} | {(same[:, 0] >= t).mean():.3f} | "
              f"{(different[:, 0] >= t).mean():.3f} |")
    rule = [(x[:, 0] >= MOSAIC_THRESHOLD) & (x[:, 1] >= MOSAIC_AGREEMENT)
            for x in (same, different)]
    print(f"\nthe catalogue's rule (NCC >= {MOSAIC_THRESHOLD}, agreement >= "
          f"{MOSAIC_AGREEMENT}): same {rule[0].mean():.3f}, other patterns {rule[1].mean():.3f}")
    same, different = same[:, 0], different[:, 0]
    order = np.argsort(-np.r_[same, different])
    labels = np.r_[np.ones(len(same)), np.zeros(len(different))][order]
    tpr, fpr = np.cumsum(labels) / len(same), np.cumsum(1 - labels) / len(different)
    print(f"\nROC AUC {np.trapezoid(tpr, fpr):.3f} over {len(same)} copies")


if __name__ == "__main__":
    main()
