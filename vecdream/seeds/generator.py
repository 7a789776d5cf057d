"""The vector generator: noise → a set of Bézier paths, so every sample *is* an SVG.

Set-based, like Paint Transformer's strokes and DETR's objects: each of ``P`` paths has
a learned query; the queries plus a global code from the noise go through a small
transformer (so paths can agree on colours and avoid each other), and per-path heads
emit

* control points as offsets from a learned anchor and a template (a circle for closed
  paths, a straight line for open strokes), clamped to the canvas margin;
* a stroke width (open strokes) in a fixed range;
* a colour: a straight-through one-hot choice from a palette (exactly on-brand in the
  SVG), or free RGB;
* an existence gate, hard 0/1 in the forward pass with a straight-through gradient, so
  training sees exactly the paths the SVG will contain.

Closed paths end on their first point (the closing segment is a Bézier, not a line)
and are filled; open paths are stroked with round caps.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn

from vecdream.drawing import Drawing

__all__ = ["GeneratorConfig", "VectorGenerator", "control_polygon_penalty", "palette_from_images"]


@dataclass
class GeneratorConfig:
    """Shape of the generator.

    Attributes:
        n_paths: paths per sample ``P``; n_closed: how many of them are closed, filled
            shapes, the rest open strokes (default all closed: seeds are mostly fills;
            half strokes gave a 3x worse KID on Smith seeds, see BENCHMARKS.md).
        segments: cubic segments per path ``S``.
        size: canvas side in user units.
        z_dim, hidden, layers, heads: noise size and transformer shape.
        palette: RGB colours in [0, 1] the paths choose from (None: free RGB).
        width_range: stroke widths as fractions of ``size``.
        reach: how far control points may move from their template, fraction of size.
        background: add a path 0 under the others, a fixed disc covering the canvas
            whose colour and existence are generated (most seeds have a ground colour).
    """

    n_paths: int = 16
    n_closed: int | None = None
    segments: int = 3
    size: float = 64.0
    z_dim: int = 64
    hidden: int = 96
    layers: int = 2
    heads: int = 4
    palette: list[list[float]] | None = None
    width_range: tuple[float, float] = (0.01, 0.12)
    reach: float = 0.5
    background: bool = True

    @property
    def closed_count(self) -> int:
        return self.n_paths if self.n_closed is None else self.n_closed

    @property
    def total_z(self) -> int:
        """Dimensions of the noise ``z`` (the lattice generator adds Gumbel noise)."""
        return self.z_dim

    def to_dict(self) -> dict:
        return {**asdict(self), "kind": "paths"}


def _templates(cfg: GeneratorConfig) -> Tensor:
    """Start shapes ``(P, 3S+1, 2)`` centred at 0, fraction of the canvas: circles of
    radius 0.12 drawn with S cubic arcs for closed paths, horizontal lines for open ones."""
    s, n_pts = cfg.segments, 3 * cfg.segments + 1
    k = 4 / 3 * math.tan(math.pi / (2 * s))
    r = 0.12
    ring = []
    for j in range(s):
        a0, a1 = 2 * math.pi * j / s, 2 * math.pi * (j + 1) / s
        p0 = (r * math.cos(a0), r * math.sin(a0))
        p3 = (r * math.cos(a1), r * math.sin(a1))
        ring += [p0, (p0[0] - k * p0[1], p0[1] + k * p0[0]),
                 (p3[0] + k * p3[1], p3[1] - k * p3[0])]
    ring.append(ring[0])
    line = [(-r + 2 * r * i / (n_pts - 1), 0.0) for i in range(n_pts)]
    closed = torch.tensor(ring).expand(cfg.closed_count, -1, -1)
    open_ = torch.tensor(line).expand(cfg.n_paths - cfg.closed_count, -1, -1)
    return torch.cat([closed, open_]).float()


def _grid_anchors(n: int) -> Tensor:
    """``(n, 2)`` anchors on a grid in [0.15, 0.85]², as fractions of the canvas."""
    side = math.ceil(math.sqrt(n))
    lin = torch.linspace(0.15, 0.85, side) if side > 1 else torch.tensor([0.5])
    yy, xx = torch.meshgrid(lin, lin, indexing="ij")
    return torch.stack([xx.flatten(), yy.flatten()], dim=1)[:n].clone()


def _straight_through(hard: Tensor, soft: Tensor) -> Tensor:
    return hard + soft - soft.detach()


class SeedSampler:
    """What both seed generators share: their outputs as drawings, and sampling.

    Needs ``config.size``, ``config.total_z``, ``path_closed`` and parameters.
    """

    def drawings(self, out: dict[str, Tensor], *, prune: bool = False) -> list[Drawing]:
        """One :class:`Drawing` per sample (in the graph unless ``out`` is detached).

        ``prune=True`` drops the paths whose gate is off (what the SVG would hold anyway).
        """
        size = (float(self.config.size),) * 2
        result = []
        for i in range(out["points"].shape[0]):
            d = Drawing(out["points"][i], out["widths"][i], out["stroke"][i], size,
                        fill=out["fill"][i], closed=self.path_closed)
            result.append(d.select(out["exist"][i].detach() > 0.5) if prune else d)
        return result

    @torch.no_grad()
    def sample(self, n: int, *, generator: torch.Generator | None = None) -> list[Drawing]:
        """``n`` detached, pruned drawings from fresh noise."""
        z = torch.randn(n, self.config.total_z, generator=generator)
        return self.drawings(self(z.to(next(self.parameters()).device)), prune=True)


class VectorGenerator(SeedSampler, nn.Module):
    """Noise ``(B, z_dim)`` → path tensors; see :meth:`forward` and :meth:`drawings`.

    Example:
        >>> g = VectorGenerator(GeneratorConfig(n_paths=6, size=32))
        >>> out = g(torch.randn(2, 64))
        >>> out["points"].shape
        torch.Size([2, 7, 10, 2])
        >>> len(g.drawings(out))
        2
    """

    def __init__(self, config: GeneratorConfig | None = None) -> None:
        super().__init__()
        cfg = self.config = config or GeneratorConfig()
        self.shape_start = int(cfg.background)  # the background disc is fixed
        if cfg.n_paths < 1 or not 0 <= cfg.closed_count <= cfg.n_paths or cfg.segments < 1:
            raise ValueError(f"GeneratorConfig: expected n_paths >= 1, 0 <= n_closed <= "
                             f"n_paths and segments >= 1, got {cfg}")
        h, p = cfg.hidden, cfg.n_paths
        self.mapping = nn.Sequential(nn.Linear(cfg.z_dim, h), nn.LeakyReLU(0.2),
                                     nn.Linear(h, h), nn.LeakyReLU(0.2))
        self.queries = nn.Parameter(torch.randn(p, h) * 0.5)
        layer = nn.TransformerEncoderLayer(h, cfg.heads, 2 * h, dropout=0.0, batch_first=True,
                                           norm_first=True)
        self.mixer = nn.TransformerEncoder(layer, cfg.layers, enable_nested_tensor=False)
        n_colors = len(cfg.palette) if cfg.palette else 3
        self.n_points = 3 * cfg.segments + 1
        self.head = nn.Linear(h, 2 + 2 * self.n_points + 1 + n_colors + 1)
        self.background_head = nn.Linear(h, n_colors + 1) if cfg.background else None
        with torch.no_grad():  # start from the templates: small offsets, every path on
            self.head.weight.mul_(0.1)
            self.head.bias.zero_()
            self.head.bias[-1] = 2.0
        self.anchors = nn.Parameter(_grid_anchors(p))
        self.register_buffer("template", _templates(cfg))
        self.register_buffer("closed", torch.arange(p) < cfg.closed_count)
        # The background disc: the closed template scaled to radius = canvas side, centred.
        disc = _templates(GeneratorConfig(n_paths=1, n_closed=1, segments=cfg.segments))[0]
        self.register_buffer("disc", (disc / 0.12 + 0.5) * cfg.size)
        palette = torch.tensor(cfg.palette, dtype=torch.float32) if cfg.palette else None
        self.register_buffer("palette", palette)

    def forward(self, z: Tensor) -> dict[str, Tensor]:
        """Path tensors of ``B`` samples, in user units of a ``size``-square canvas.

        Returns:
            ``points (B, P', 3S+1, 2)``, ``widths (B, P')``, ``stroke (B, P', 4)``,
            ``fill (B, P', 4)``, ``exist (B, P')`` (0/1, straight-through) and the soft
            ``exist_prob (B, P')``; ``P' = P + 1`` with the background (path 0).
        """
        cfg, size = self.config, self.config.size
        tokens = self.mixer(self.queries[None] + self.mapping(z)[:, None])  # (B, P, h)
        out = self.head(tokens)
        b, p, n = z.shape[0], cfg.n_paths, self.n_points
        shift, offsets = out[..., :2], out[..., 2:2 + 2 * n].reshape(b, p, n, 2)
        width_logit = out[..., 2 + 2 * n]
        color_logits, gate_logit = out[..., 3 + 2 * n:-1], out[..., -1]
        centre = self.anchors + 0.25 * torch.tanh(shift)  # (B, P, 2)
        rel = self.template + cfg.reach * torch.tanh(offsets)
        # Closed paths end where they start, so "Z" adds a zero-length line.
        rel = torch.where(self.closed[:, None, None] & (torch.arange(n, device=z.device)
                                                        == n - 1)[:, None], rel[:, :, :1], rel)
        points = ((centre[:, :, None] + rel) * size).clamp(-0.05 * size, 1.05 * size)
        lo, hi = cfg.width_range
        widths = (lo + (hi - lo) * torch.sigmoid(width_logit)) * size
        paint, exist, prob = self._paint(color_logits, gate_logit)  # (B, P, 4)
        closed = self.closed[None, :, None]
        fill = torch.where(closed, paint, torch.zeros_like(paint))
        stroke = torch.where(closed, torch.zeros_like(paint), paint)
        widths = torch.where(self.closed, torch.zeros_like(widths), widths)
        if self.background_head is not None:
            bg = self.background_head(self.mapping(z))  # (B, K + 1)
            bg_paint, bg_exist, bg_prob = self._paint(bg[:, None, :-1], bg[:, None, -1])
            points = torch.cat([self.disc.expand(b, 1, -1, -1), points], dim=1)
            fill = torch.cat([bg_paint, fill], dim=1)
            stroke = torch.cat([torch.zeros_like(bg_paint), stroke], dim=1)
            widths = torch.cat([widths.new_zeros(b, 1), widths], dim=1)
            exist, prob = torch.cat([bg_exist, exist], 1), torch.cat([bg_prob, prob], 1)
        return {"points": points, "widths": widths, "stroke": stroke, "fill": fill,
                "exist": exist, "exist_prob": prob}

    def _paint(self, color_logits: Tensor, gate_logit: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """RGBA ``(B, P, 4)`` (alpha = the hard gate), the gate and its probability."""
        if self.palette is not None:
            soft = torch.softmax(color_logits, dim=-1)
            hard = nn.functional.one_hot(soft.argmax(-1), soft.shape[-1]).to(soft)
            rgb = _straight_through(hard, soft) @ self.palette
        else:
            rgb = torch.sigmoid(color_logits)
        prob = torch.sigmoid(gate_logit)
        exist = _straight_through((prob > 0.5).to(prob), prob)
        return torch.cat([rgb, exist[..., None]], dim=-1), exist, prob

    @property
    def path_closed(self) -> Tensor:
        """``(P',)`` bool: closed paths, the background first when there is one."""
        if self.background_head is None:
            return self.closed
        return torch.cat([self.closed.new_ones(1), self.closed])


def control_polygon_penalty(points: Tensor, size: float) -> Tensor:
    """Mean squared second difference of the control polygon, in canvas units².

    Penalizes zig-zagging control points (loops, cusps, spikes) so generated paths stay
    clean curves that a designer can edit. ``points``: ``(..., N, 2)``.
    """
    second = points[..., 2:, :] - 2 * points[..., 1:-1, :] + points[..., :-2, :]
    return second.pow(2).sum(-1).mean() / size**2


def palette_from_images(images: Tensor, k: int = 8, *, seed: int = 0) -> list[list[float]]:
    """The ``k`` dominant colours of a seed set (k-means on pixels, k-means++ start).

    For ``palette="auto"``: flat-coloured seeds (Truchet, icons, brand art) use a few
    exact colours, and choosing among them keeps every generated path on-palette.
    ``images``: ``(N, 3, H, W)`` in [0, 1]. Returns ``k`` RGB triples (fewer when the
    images hold fewer distinct colours).
    """
    g = torch.Generator().manual_seed(seed)
    pixels = images.permute(0, 2, 3, 1).reshape(-1, 3).float()
    pixels = pixels[torch.randperm(len(pixels), generator=g)[:20000]]
    k = min(k, len(torch.unique((pixels * 255).round(), dim=0)))
    centres = pixels[torch.randint(len(pixels), (1,), generator=g)]
    while len(centres) < k:  # k-means++: far pixels are likelier next centres
        d2 = torch.cdist(pixels, centres).min(dim=1).values.pow(2)
        centres = torch.cat([centres, pixels[torch.multinomial(d2 + 1e-12, 1, generator=g)]])
    for _ in range(25):
        label = torch.cdist(pixels, centres).argmin(dim=1)
        for j in range(k):
            members = pixels[label == j]
            if len(members):
                centres[j] = members.mean(dim=0)
    return centres.clamp(0, 1).tolist()
