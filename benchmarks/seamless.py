"""Seamless patterns through ``seeds augment``: do the variations still tile? (issue 25)

    python benchmarks/seamless.py [--cache /tmp/hero] [--per-seed 5] [--limit N]

Data, fetched when run (never committed): the ``hero-patterns`` npm package (the
patterns of heropatterns.com: single-colour seamless background tiles with compound
paths, 24 to 200 units a side), unpacked with ``npm pack`` into ``--cache``. Each
pattern's SVG is read from the package's data-URI strings (colour black, opacity 1).

Per pattern: whether :func:`~vecdream.seeds.seamless.seam_score` finds the source
seamless, then ``--per-seed`` variations by :func:`~vecdream.seeds.variations.
random_variation` (what ``seeds augment`` writes): the share that tile (seam score
seamless) and the worst ratio of variation ink coverage to the source's (the issue's
bound: >= 0.5). Ink: non-white pixels of a 128 px render.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import time
import urllib.parse
from pathlib import Path

import torch

from vecdream import Drawing
from vecdream.render import render
from vecdream.seeds.seamless import seam_score
from vecdream.seeds.variations import random_variation

_PATTERN = re.compile(r'exports\.(\w+)=\(c="#000000",h=1\)=>"url\(\'data:image/svg\+xml,'
                      r"(.*?)'\)\"")


def fetch(cache: Path) -> dict[str, str]:
    """``name -> SVG text`` of every hero pattern (``npm pack`` into ``cache`` once)."""
    cache.mkdir(parents=True, exist_ok=True)
    bundle = cache / "package" / "dist" / "hero-patterns.cjs.js"
    if not bundle.exists():
        subprocess.run(["npm", "pack", "hero-patterns@2.1.0"], cwd=cache, check=True,
                       capture_output=True)
        tarball = next(cache.glob("hero-patterns-*.tgz"))
        subprocess.run(["tar", "xzf", tarball.name], cwd=cache, check=True)
    text = bundle.read_text(encoding="utf-8")
    out = {}
    for name, body in _PATTERN.findall(text):
        body = body.replace('".concat(l(c),"', "000000").replace('").concat(h,"', "1")
        out[name] = urllib.parse.unquote(body)
    return out


def coverage(d: Drawing) -> float:
    with torch.no_grad():
        image = render(d, 128)
    return float(((1 - image).amax(0) > 0.05).float().mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/hero"))
    parser.add_argument("--per-seed", type=int, default=5)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    patterns = fetch(args.cache)
    names = sorted(patterns)[: args.limit or None]
    print("| pattern | size | source tiles | variations tiling | worst ink ratio | s |")
    print("|---|---|---|---|---|---|")
    totals = {"seamless": 0, "tiled": 0, "variations": 0, "worst": float("inf")}
    g = torch.Generator().manual_seed(0)
    for name in names:
        start = time.perf_counter()
        try:
            seed = Drawing.from_svg(patterns[name])
        except Exception as exc:  # a pattern the reader refuses is reported, not fatal
            print(f"| {name} | - | unreadable: {str(exc).splitlines()[0][:40]} | | | |")
            continue
        source = seam_score(seed)
        ink = coverage(seed)
        tiled, worst = 0, float("inf")
        if source.seamless:
            totals["seamless"] += 1
            for _ in range(args.per_seed):
                variation = random_variation(seed, g, seamless=True)
                tiled += seam_score(variation).seamless
                worst = min(worst, coverage(variation) / max(ink, 1e-9))
            totals["tiled"] += tiled
            totals["variations"] += args.per_seed
            totals["worst"] = min(totals["worst"], worst)
        size = f"{seed.size[0]:g}x{seed.size[1]:g}"
        shown = f"{tiled}/{args.per_seed}" if source.seamless else "-"
        ratio = f"{worst:.2f}" if source.seamless else "-"
        print(f"| {name} | {size} | {'yes' if source.seamless else 'no'} | {shown} | {ratio} | "
              f"{time.perf_counter() - start:.1f} |", flush=True)
    print(f"\n{totals['seamless']} of {len(names)} patterns found seamless; "
          f"{totals['tiled']} of {totals['variations']} variations tile; worst ink ratio "
          f"{totals['worst']:.2f} (bound >= 0.5)")


if __name__ == "__main__":
    main()
