"""Seeded random degenerate drawings: the renderer's fuzz scenes.

Used by ``tests/test_render_fuzz.py`` (a few hundred scenes in the suite) and
``benchmarks/fuzz.py`` (thousands). Every scene is finite geometry, which the renderer
must draw without raising and with finite pixels and gradients, however odd it is:
zero-length and coincident control points, huge and tiny widths, alpha 0/1/partial,
points far off the canvas, every cap and join, both fill rules, gradients, clips,
opacity groups, empty and single-path drawings, batches mixing them, float32 and float64.

Scenes come two ways, so both the importer and hand-made tensors are covered:
SVG text (``kind`` ``svg``: features the reader turns into tensors) and tensors built
directly (``tensor``, ``empty``, ``single``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import torch

from vecdream import Drawing

__all__ = ["Scene", "random_scene", "random_scenes"]

SIZES = [(64.0, 48.0), (32.0, 32.0), (7.0, 200.0), (1.0, 1.0)]
_CAPS = ["butt", "round", "square"]
_JOINS = ["miter", "round", "bevel", "miter-clip", "arcs"]


@dataclass
class Scene:
    """One fuzz case: ``kind`` names how it was made, ``drawings`` (1 or a batch)."""

    kind: str
    drawings: list[Drawing]
    dtype: torch.dtype


def _coord(rng: random.Random, extent: float, anchor: float) -> float:
    """A coordinate: usually on the canvas, sometimes coincident, tiny-step or far off."""
    roll = rng.random()
    if roll < 0.55:
        return rng.uniform(-0.1, 1.1) * extent
    if roll < 0.7:
        return anchor  # coincident with the previous point
    if roll < 0.8:
        return anchor + rng.choice([1e-7, -1e-6, 1e-4, 3e-3])
    sign = rng.choice([-1.0, 1.0])
    return sign * 10 ** rng.uniform(2, 6)  # far off canvas


def _width(rng: random.Random) -> float:
    return rng.choice([0.0, 1e-6, 0.01, 0.5, 1.0, 2.0, 7.5, 200.0, 1e4])


def _alpha(rng: random.Random) -> float:
    return rng.choice([0.0, 1.0, 1.0, 0.5, 0.03, 0.999])


def _colour(rng: random.Random) -> str:
    return f"#{rng.randrange(1 << 24):06x}"


def _path_data(rng: random.Random, size: tuple[float, float]) -> str:
    parts = []
    x, y = rng.uniform(0, size[0]), rng.uniform(0, size[1])
    for _ in range(rng.randint(1, 3)):  # contours
        x, y = _coord(rng, size[0], x), _coord(rng, size[1], y)
        parts.append(f"M {x:.9g} {y:.9g}")
        for _ in range(rng.randint(0, 4)):
            cmd = rng.choice("CLQA")
            pts = []
            for _ in range({"C": 3, "L": 1, "Q": 2, "A": 1}[cmd]):
                x, y = _coord(rng, size[0], x), _coord(rng, size[1], y)
                pts.append(f"{x:.9g} {y:.9g}")
            if cmd == "A":
                r = rng.choice([0, 1e-6, 5, 1e5])
                parts.append(f"A {r} {r} 30 {rng.randint(0, 1)} {rng.randint(0, 1)} {pts[0]}")
            else:
                parts.append(cmd + " " + " ".join(pts))
        if rng.random() < 0.5:
            parts.append("Z")
    return " ".join(parts)


def _gradient(rng: random.Random, gid: str) -> str:
    stops = "".join(
        f'<stop offset="{rng.choice([0, 0.3, 0.3, 1, 1.5])}" stop-color="{_colour(rng)}" '
        f'stop-opacity="{_alpha(rng)}"/>' for _ in range(rng.randint(0, 3)))
    spread = rng.choice(["pad", "reflect", "repeat"])
    units = rng.choice(["objectBoundingBox", "userSpaceOnUse"])
    if rng.random() < 0.5:
        x1, x2 = rng.choice([(0, 1), (0.5, 0.5), (0, 1e-9)])
        return (f'<linearGradient id="{gid}" x1="{x1}" x2="{x2}" spreadMethod="{spread}" '
                f'gradientUnits="{units}">{stops}</linearGradient>')
    r = rng.choice([0, 1e-6, 0.5, 30])
    return (f'<radialGradient id="{gid}" r="{r}" fx="{rng.choice([0.5, 0.9, 2])}" '
            f'spreadMethod="{spread}" gradientUnits="{units}">{stops}</radialGradient>')


def _transform(rng: random.Random) -> str:
    return rng.choice(["", "", "scale(0)", "scale(1e-6)", "scale(1000)", "skewX(40)",
                       "scale(1 0.01)", "rotate(33 10 10)", "matrix(1 1 1 1 0 0)",
                       "translate(1e5 0)"])


def _svg(rng: random.Random, size: tuple[float, float]) -> str:
    defs, body = [], []
    n_grad = rng.randint(0, 2)
    defs += [_gradient(rng, f"g{i}") for i in range(n_grad)]
    n_clip = rng.randint(0, 2)
    for i in range(n_clip):
        rule = rng.choice(["nonzero", "evenodd"])
        defs.append(f'<clipPath id="c{i}"><path d="{_path_data(rng, size)}" '
                    f'clip-rule="{rule}" transform="{_transform(rng)}"/></clipPath>')

    def paint() -> str:
        roll = rng.random()
        if roll < 0.2:
            return "none"
        if roll < 0.4 and n_grad:
            return f"url(#g{rng.randrange(n_grad)})"
        return _colour(rng)

    def element() -> str:
        attrs = [f'd="{_path_data(rng, size)}"', f'fill="{paint()}"', f'stroke="{paint()}"',
                 f'stroke-width="{_width(rng)}"', f'fill-opacity="{_alpha(rng)}"',
                 f'stroke-opacity="{_alpha(rng)}"',
                 f'fill-rule="{rng.choice(["nonzero", "evenodd"])}"',
                 f'stroke-linecap="{rng.choice(_CAPS)}"',
                 f'stroke-linejoin="{rng.choice(_JOINS)}"',
                 f'stroke-miterlimit="{rng.choice([1, 4, 100])}"']
        if rng.random() < 0.3:
            attrs.append(f'opacity="{_alpha(rng)}"')
        if rng.random() < 0.3:
            attrs.append(f'transform="{_transform(rng)}"')
        if n_clip and rng.random() < 0.3:
            attrs.append(f'clip-path="url(#c{rng.randrange(n_clip)})"')
        return "<path " + " ".join(attrs) + "/>"

    for _ in range(rng.randint(1, 6)):
        if rng.random() < 0.3:
            members = "".join(element() for _ in range(rng.randint(0, 3)))
            extra = f' clip-path="url(#c{rng.randrange(n_clip)})"' if n_clip else ""
            body.append(f'<g opacity="{_alpha(rng)}" transform="{_transform(rng)}"{extra}>'
                        f'{members}</g>')
        else:
            body.append(element())
    w, h = size
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
            f'height="{h}"><defs>{"".join(defs)}</defs>{"".join(body)}</svg>')


def _tensor_drawing(rng: random.Random, size: tuple[float, float], n_paths: int
                    ) -> Drawing:
    """Open and closed strokes built as tensors (the optimizer's plain drawings)."""
    gen = torch.Generator().manual_seed(rng.randrange(1 << 31))
    n_seg = rng.randint(1, 3)
    scale = torch.tensor(size)
    points = torch.rand(n_paths, 3 * n_seg + 1, 2, generator=gen) * scale
    for p in range(n_paths):
        roll = rng.random()
        if roll < 0.2:
            points[p] = points[p, :1]  # all control points coincide
        elif roll < 0.35:
            points[p, 1:] = points[p, :1] + 1e-6
        elif roll < 0.5:
            points[p] *= 10 ** rng.uniform(2, 6) * rng.choice([-1, 1])
    widths = torch.tensor([_width(rng) for _ in range(n_paths)])
    stroke = torch.rand(n_paths, 4, generator=gen)
    stroke[:, 3] = torch.tensor([_alpha(rng) for _ in range(n_paths)])
    fill = torch.rand(n_paths, 4, generator=gen)
    fill[:, 3] = torch.tensor([_alpha(rng) if rng.random() < 0.4 else 0 for _ in range(n_paths)])
    closed = torch.tensor([rng.random() < 0.4 for _ in range(n_paths)])
    evenodd = torch.tensor([rng.random() < 0.5 for _ in range(n_paths)])
    n_segments = torch.tensor([rng.randint(1, n_seg) for _ in range(n_paths)])
    return Drawing(points, widths, stroke, size, fill=fill, closed=closed, evenodd=evenodd,
                   n_segments=n_segments)


def _one(rng: random.Random) -> tuple[str, Drawing]:
    size = rng.choice(SIZES)
    roll = rng.random()
    if roll < 0.5:
        return "svg", Drawing.from_svg(_svg(rng, size).encode())
    if roll < 0.6:
        return "empty", _tensor_drawing(rng, size, 0)
    if roll < 0.75:
        return "single", _tensor_drawing(rng, size, 1)
    return "tensor", _tensor_drawing(rng, size, rng.randint(2, 12))


def random_scene(seed: int) -> Scene:
    """The scene of ``seed``: one drawing, or (one in five) a batch mixing several."""
    rng = random.Random(seed)
    dtype = torch.float64 if rng.random() < 0.3 else torch.float32
    if rng.random() < 0.2:
        made = [_one(rng) for _ in range(rng.randint(2, 4))]
        kind = "batch"
    else:
        made = [_one(rng)]
        kind = made[0][0]
    return Scene(kind, [d.to(dtype=dtype) for _, d in made], dtype)


def random_scenes(n: int, start: int = 0) -> list[Scene]:
    """Scenes ``start .. start + n - 1``."""
    return [random_scene(s) for s in range(start, start + n)]
