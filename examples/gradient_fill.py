"""Learn a gradient fill: optimize stop colours and end points to match a target image.

Gradient paint is part of the differentiable scene (issue 10): a shape filled with a
linear gradient starts grey-to-grey with its end points crossed, and Adam moves the stop
colours and the end points until its render matches a target painted with a different
gradient. Miter joins and butt caps on the outline show the new stroke styles::

    python examples/gradient_fill.py              # a few CPU seconds
    python examples/gradient_fill.py --steps 300

Writes ``gradient_fill.svg`` (with its ``<linearGradient>``) and ``gradient_fill.png``
into ``--out``; the printed losses fall.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import torch

from vecdream import Drawing, render
from vecdream.drawing_fields import CAPS, JOINS
from vecdream.export import save_png


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=120, help="optimizer steps")
    p.add_argument("--size", type=int, default=96, help="canvas side in px")
    p.add_argument("--out", type=Path, default=Path("out/examples"), help="output folder")
    p.add_argument("--paths", type=int, default=1, help="ignored (shared example flag)")
    return p.parse_args(argv)


def star(size: float, stops: torch.Tensor, ends: torch.Tensor) -> Drawing:
    """A five-pointed star filled by a linear gradient from ``ends[:2]`` to ``ends[2:]``."""
    k = torch.arange(11, dtype=torch.float64)
    radius = torch.where(k % 2 == 0, 0.45, 0.2) * size
    angle = k * math.pi / 5 - math.pi / 2
    corners = torch.stack([size / 2 + radius * angle.cos(), size / 2 + radius * angle.sin()], 1)
    pts = [corners[0]]
    for a, b in zip(corners[:-1], corners[1:], strict=True):
        pts += [a + (b - a) / 3, a + 2 * (b - a) / 3, b]
    geom = torch.cat([ends, ends.new_zeros(2)])[None]
    return Drawing(
        torch.stack(pts)[None].float(), torch.tensor([size / 40]),
        torch.tensor([[0.1, 0.1, 0.1, 1.0]]), (size, size),
        fill=torch.tensor([[0.5, 0.5, 0.5, 1.0]]), closed=torch.tensor([True]),
        cap=torch.tensor([CAPS["butt"]]), join=torch.tensor([JOINS["miter"]]),
        fill_paint=torch.tensor([0]), grad_kind=torch.tensor([0]), grad_geom=geom.float(),
        grad_transform=torch.tensor([[[1.0, 0, 0], [0, 1, 0]]]), grad_spread=torch.tensor([0]),
        grad_stops=stops[None].float(), grad_n_stops=torch.tensor([stops.shape[0]]))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    s = float(args.size)
    target_stops = torch.tensor([[0.0, 0.95, 0.3, 0.1, 1], [1.0, 0.1, 0.3, 0.9, 1]])
    target = render(star(s, target_stops, torch.tensor([0.2 * s, 0.1 * s, 0.8 * s, 0.9 * s])))
    d = star(s, torch.tensor([[0.0, 0.5, 0.5, 0.5, 1], [1.0, 0.5, 0.5, 0.5, 1]]),
             torch.tensor([0.7 * s, 0.3 * s, 0.3 * s, 0.7 * s]))
    d.grad_stops.requires_grad_()
    d.grad_geom.requires_grad_()
    opt = torch.optim.Adam([{"params": [d.grad_stops], "lr": 0.02},
                            {"params": [d.grad_geom], "lr": 0.02 * s}])
    for step in range(args.steps):
        loss = ((render(d) - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            d.grad_stops.clamp_(0, 1)
        if step % max(1, args.steps // 4) == 0 or step == args.steps - 1:
            print(f"step {step:4d}  loss {loss.item():.5f}")
    args.out.mkdir(parents=True, exist_ok=True)
    d = d.detach()
    d.save_svg(args.out / "gradient_fill.svg")
    save_png(d, args.out / "gradient_fill.png")
    print(f"wrote {args.out / 'gradient_fill.svg'} and .png")


if __name__ == "__main__":
    main()
