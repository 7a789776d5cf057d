"""A filled seed on paper: hatched at the pen width, two pens, HPGL too.

A Smith-tile seed (filled shapes, two colours on white) is laid out on A5 for a 0.5 mm
pen: each filled area becomes its outline inset by the pen radius plus hatching, each
colour goes to the nearest pen, the white shapes knock out what lies under them. Writes
the plotter SVG, its preview at the real pen width and HPGL for an HP 7475A, and prints
the plot statistics and how close the preview comes to the seed's own render.

    python examples/plot_fills.py --out out/plot_fills [--fill cross]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from vecdream.export import save_png
from vecdream.plot import drawing_to_plot, format_stats, plot_stats, plot_to_svg, preview_png
from vecdream.plot.compare import plot_similarity
from vecdream.plot.vpype_io import to_hpgl
from vecdream.seeds.families import make_drawing
from vecdream.svg import atomic_write_bytes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("out/plot_fills"))
    parser.add_argument("--fill", default="hatch",
                        choices=["hatch", "cross", "concentric", "outline", "none"])
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    seed = make_drawing("smith", size=100, palette=["#ffffff", "#1a1a1a", "#c0392b"], seed=1)
    save_png(seed, args.out / "seed.png", 400)
    plot = drawing_to_plot(seed, "A4", pen_width_mm=0.5, pens=["black", "red"], fill=args.fill)
    atomic_write_bytes(args.out / "seed.plot.svg", plot_to_svg(plot).encode("utf-8"))
    preview_png(plot, args.out / "seed.plot.png", dpi=100)
    atomic_write_bytes(args.out / "seed.hpgl", to_hpgl(plot, "hp7475a").encode("ascii"))
    print(plot)
    print(format_stats(plot_stats(plot)))
    print(f"plot vs render SSIM: {plot_similarity(seed, plot):.3f}")
    print(f"wrote {args.out}/seed.png, seed.plot.svg, seed.plot.png, seed.hpgl")


if __name__ == "__main__":
    main()
