"""The lattice generator: periodic seeds from a codebook of learned vector motifs.

Smith, Truchet, Carlson and most Mosaic-style patterns are a grid of cells, each
holding one of a few motifs in one of a few orientations and colourings. A free-form
path generator has to discover that structure (it drew blobs in the right colours);
this one has it built in, so it can draw every such pattern exactly:

* a **codebook** of ``K`` motifs, each ``M`` closed filled shapes of ``S`` cubic
  segments in cell coordinates, learned with the generator (shared by all seeds);
* per seed, from the noise: a **palette** of ``C`` colour slots (free RGB, or each slot
  a straight-through choice from a brand palette), a background slot, and per cell a
  **motif x dihedral transform** choice and per shape a slot or "off", each a
  straight-through Gumbel-softmax (hard in the forward pass: the SVG holds exactly the
  shapes training saw);
* shapes stay inside their cell (a sigmoid maps them there, reaching ``overlap`` of a
  cell past its edges so neighbours overlap instead of abutting), so the grid of cells
  **tiles the plane by construction**: the canvas is a period of every sample.

The Gumbel noise is part of ``z`` (its trailing dimensions, mapped through the normal
CDF), so everything that draws ``z`` — sampling, mode seeking, distributed slices,
exact resume — needs nothing new.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn

from vecdream.seeds.generator import SeedSampler, _straight_through
from vecdream.seeds.lattice_shapes import rectangle, start_motifs

__all__ = ["DIHEDRAL", "LatticeConfig", "LatticeGenerator"]

_MOTIF_GAIN = 10.0

# The 8 symmetries of the square as 2x2 matrices acting on cell coordinates centred
# at the cell's middle: 4 quarter turns, then the same after a mirror.
DIHEDRAL = torch.tensor([[[1.0, 0.0], [0.0, 1.0]], [[0.0, -1.0], [1.0, 0.0]],
                         [[-1.0, 0.0], [0.0, -1.0]], [[0.0, 1.0], [-1.0, 0.0]],
                         [[-1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]],
                         [[1.0, 0.0], [0.0, -1.0]], [[0.0, -1.0], [-1.0, 0.0]]])


@dataclass
class LatticeConfig:
    """Shape of the lattice generator.

    Attributes:
        grid: cells per canvas side ``G`` (the sample repeats every ``size / G`` too).
        motifs: codebook size ``K``; shapes: closed shapes per motif ``M``; segments:
            cubic segments per shape ``S`` (>= 4: the background is a rectangle).
        slots: colour slots of a seed's palette ``C``.
        size: canvas side in user units.
        z_dim: size of the global code (``z`` also carries the Gumbel noise: see
            :attr:`noise_dim`); hidden: width of the mapping network.
        palette: RGB colours in [0, 1] the slots choose from (None: free RGB per seed).
        overlap: how far shapes may reach past their cell, fraction of a cell.
        temperature: of the soft half of the straight-through choices.
        logit_bound: the choices' logits are squashed into ``(-bound, bound)`` (0: not),
            so the Gumbel noise keeps every cell's choice alive (against collapse onto
            one layout). Off by default: with ``blur`` it made Truchet samples as varied
            as the real seeds but broke Smith's coherent colour regions (BENCHMARKS.md
            "Seeds IV").
        bound_slots: the bound also applies to the colour-slot choices; False bounds the
            motif-and-transform choice only, so the layout stays varied while a seed's
            colours may still agree across cells.
    """

    grid: int = 4
    motifs: int = 6
    shapes: int = 3
    segments: int = 4
    slots: int = 4
    size: float = 64.0
    z_dim: int = 64
    hidden: int = 256
    palette: list[list[float]] | None = None
    overlap: float = 0.02
    temperature: float = 1.0
    logit_bound: float = 0.0
    bound_slots: bool = True

    @property
    def cells(self) -> int:
        return self.grid * self.grid

    @property
    def choices(self) -> int:
        """Motif x transform options of a cell."""
        return self.motifs * len(DIHEDRAL)

    @property
    def noise_dim(self) -> int:
        """Gumbel noise dimensions of ``z``: per cell a motif choice and a slot per shape."""
        return self.cells * (self.choices + self.shapes * (self.slots + 1))

    @property
    def total_z(self) -> int:
        return self.z_dim + self.noise_dim

    def to_dict(self) -> dict:
        return {**asdict(self), "kind": "lattice"}


def _logit(p: Tensor) -> Tensor:
    return torch.log(p) - torch.log1p(-p)


def _st_gumbel(logits: Tensor, gumbel: Tensor, temperature: float) -> Tensor:
    """One-hot of ``argmax(logits + gumbel)`` forward, softmax gradient backward."""
    noisy = logits + gumbel
    soft = torch.softmax(noisy / temperature, dim=-1)
    return _straight_through(nn.functional.one_hot(noisy.argmax(-1), noisy.shape[-1]).to(soft),
                             soft)


class LatticeGenerator(SeedSampler, nn.Module):
    """Noise ``(B, total_z)`` → path tensors of periodic seeds; same outputs and methods
    as :class:`~vecdream.seeds.generator.VectorGenerator`.

    Example:
        >>> g = LatticeGenerator(LatticeConfig(grid=2, motifs=2, size=32))
        >>> out = g(torch.randn(3, g.config.total_z))
        >>> out["points"].shape  # background + 2 x 2 cells x 3 shapes
        torch.Size([3, 13, 13, 2])
    """

    shape_start = 1  # path 0 is the background rectangle

    def __init__(self, config: LatticeConfig | None = None) -> None:
        super().__init__()
        cfg = self.config = config or LatticeConfig()
        if min(cfg.grid, cfg.motifs, cfg.shapes, cfg.slots) < 1 or cfg.segments < 4 \
                or not 0 <= cfg.overlap < 0.5:
            raise ValueError(f"LatticeConfig: expected grid, motifs, shapes, slots >= 1, "
                             f"segments >= 4 and 0 <= overlap < 0.5, got {cfg}")
        n_colours = len(cfg.palette) if cfg.palette else 3
        self.n_points = 3 * cfg.segments + 1
        h = cfg.hidden
        self.mapping = nn.Sequential(nn.Linear(cfg.z_dim, h), nn.LeakyReLU(0.2),
                                     nn.Linear(h, h), nn.LeakyReLU(0.2))
        self.cell_head = nn.Linear(h, cfg.cells * (cfg.choices + cfg.shapes * (cfg.slots + 1)))
        self.palette_head = nn.Linear(h, cfg.slots * n_colours + cfg.slots)
        with torch.no_grad():  # start near uniform choices: every motif gets tried
            self.cell_head.weight.mul_(0.1)
            self.cell_head.bias.zero_()
        start = start_motifs(cfg.motifs, cfg.shapes, cfg.segments)
        span = 1 + 2 * cfg.overlap
        # Stored divided by _MOTIF_GAIN: Adam's steps are then that much larger on the
        # codebook than on the networks' weights (equalized learning rate).
        self.motif_logits = nn.Parameter(
            _logit(((start + cfg.overlap) / span).clamp(0.03, 0.97)) / _MOTIF_GAIN)
        self.register_buffer("dihedral", DIHEDRAL.clone())
        jj, ii = torch.meshgrid(torch.arange(cfg.grid), torch.arange(cfg.grid), indexing="ij")
        self.register_buffer("cell_origin", torch.stack([ii, jj], -1).reshape(-1, 2).float())
        self.register_buffer("background", rectangle(cfg.size, cfg.segments))
        palette = torch.tensor(cfg.palette, dtype=torch.float32) if cfg.palette else None
        self.register_buffer("palette", palette)

    def motifs(self) -> Tensor:
        """The codebook in cell coordinates ``(K, M, 3S+1, 2)``, each shape closed."""
        cfg = self.config
        pts = torch.sigmoid(_MOTIF_GAIN * self.motif_logits) * (1 + 2 * cfg.overlap) \
            - cfg.overlap
        return torch.cat([pts[..., :-1, :], pts[..., :1, :]], dim=-2)

    def forward(self, z: Tensor) -> dict[str, Tensor]:
        """Path tensors of ``B`` samples in user units of a ``size``-square canvas.

        Args:
            z: ``(B, total_z)``: the global code, then standard normal Gumbel noise.

        Returns:
            ``points (B, P, 3S+1, 2)``, ``widths (B, P)`` (zeros: fills only),
            ``stroke (B, P, 4)``, ``fill (B, P, 4)``, ``exist (B, P)`` and
            ``exist_prob (B, P)``, ``P = 1 + G² M`` (the background first).
        """
        cfg, b = self.config, z.shape[0]
        if z.shape[1] != cfg.total_z:
            raise ValueError(f"LatticeGenerator: expected z of {cfg.total_z} dimensions "
                             f"(z_dim {cfg.z_dim} + noise {cfg.noise_dim}), got {z.shape[1]}")
        code, noise = z[:, :cfg.z_dim], z[:, cfg.z_dim:]
        u = (0.5 * (1 + torch.erf(noise / math.sqrt(2)))).clamp(1e-6, 1 - 1e-6)
        gumbel = -torch.log(-torch.log(u)).reshape(b, cfg.cells, -1)
        hidden = self.mapping(code)
        logits = self.cell_head(hidden).reshape(b, cfg.cells, -1)
        k = cfg.choices
        if cfg.logit_bound > 0:
            bounded = cfg.logit_bound * torch.tanh(logits / cfg.logit_bound)
            logits = bounded if cfg.bound_slots else torch.cat([bounded[..., :k],
                                                                 logits[..., k:]], -1)
        choice = _st_gumbel(logits[..., :k], gumbel[..., :k], cfg.temperature)
        slot = _st_gumbel(logits[..., k:].reshape(b, cfg.cells, cfg.shapes, -1),
                          gumbel[..., k:].reshape(b, cfg.cells, cfg.shapes, -1),
                          cfg.temperature)  # (B, G², M, C + 1), the last one "off"

        # Every motif under every transform, then each cell's pick, placed in its cell.
        motifs = self.motifs() - 0.5
        variants = torch.einsum("tij,kmnj->tkmni", self.dihedral, motifs) + 0.5
        variants = variants.reshape(k, cfg.shapes, self.n_points, 2)
        cells = torch.einsum("bck,kmnd->bcmnd", choice, variants)
        cell_side = cfg.size / cfg.grid
        points = (cells + self.cell_origin[None, :, None, None]) * cell_side
        points = points.reshape(b, cfg.cells * cfg.shapes, self.n_points, 2)

        colours, background = self._palette(hidden)  # (B, C, 3), (B, C)
        rgb = torch.einsum("bcms,bsd->bcmd", slot[..., :-1], colours)
        alpha = 1 - slot[..., -1:]
        fill = torch.cat([rgb, alpha], -1).reshape(b, -1, 4)
        ground = torch.cat([torch.einsum("bs,bsd->bd", background, colours),
                            torch.ones(b, 1, device=z.device)], -1)
        points = torch.cat([self.background.expand(b, 1, -1, -1), points], 1)
        fill = torch.cat([ground[:, None], fill], 1)
        exist = fill[..., 3]
        return {"points": points, "widths": torch.zeros_like(exist),
                "stroke": torch.zeros_like(fill), "fill": fill, "exist": exist,
                "exist_prob": exist.detach()}

    def _palette(self, hidden: Tensor) -> tuple[Tensor, Tensor]:
        """The seed's slot colours ``(B, C, 3)`` and its background slot ``(B, C)``."""
        cfg = self.config
        out = self.palette_head(hidden)
        chosen, ground = out[:, :-cfg.slots], out[:, -cfg.slots:]
        soft_ground = torch.softmax(ground, -1)
        ground = _straight_through(
            nn.functional.one_hot(ground.argmax(-1), cfg.slots).to(ground), soft_ground)
        if self.palette is None:
            return torch.sigmoid(chosen.reshape(-1, cfg.slots, 3)), ground
        pick = chosen.reshape(-1, cfg.slots, len(self.palette))
        soft = torch.softmax(pick, -1)
        hard = nn.functional.one_hot(pick.argmax(-1), soft.shape[-1]).to(soft)
        return _straight_through(hard, soft) @ self.palette, ground

    @property
    def path_closed(self) -> Tensor:
        """``(P,)`` bool: every path is a closed fill."""
        n = 1 + self.config.cells * self.config.shapes
        return torch.ones(n, dtype=torch.bool, device=self.background.device)
