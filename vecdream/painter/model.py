"""The neural painter: a differentiable network that imitates one MyPaint brush.

``NeuralPainter`` maps actions ``(N, 12)`` (see :mod:`~vecdream.painter.actions`) to
straight RGBA strokes ``(N, 4, 64, 64)``. It is the generator of a conditional GAN
(:mod:`~vecdream.painter.train`) trained on strokes rendered by real libmypaint.

Why the architecture looks like this: a plain "MLP → 4×4 → deconvolutions" generator has
to rediscover where a Bézier curve lies from twelve numbers, which takes GPU-days. Here
the network is given the stroke's geometry per pixel instead (CoordConv-style
conditioning): the distance to the curve's centre line, the curve parameter of the
nearest point and the pressure interpolated there, plus the pixel coordinates and an
embedding of the whole action. From those a small per-pixel network with a little
spatial context learns what is specific to the brush: its profile and hardness, how
pressure and speed change its radius and opacity, the end caps and the dab texture.
The colour comes straight from the action's RGB (an opaque MyPaint preset paints one
colour) plus a small learned residual. Every step is differentiable w.r.t. the action,
so optimizers and the painting agent get gradients for position, size and colour.

Convention: pixel ``(i, j)`` has its centre at ``((j + 0.5), (i + 0.5))`` in cell pixels,
x right and y down, as SVG; action coordinates are fractions of the 64 px cell.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from .actions import ACTION_DIM, CELL, RADIUS_RANGE_PX
from .frozen import load_frozen

__all__ = ["NOISE_KNOTS", "NeuralPainter", "PAINTERS", "SHIPPED_WEIGHTS", "load_painter",
           "painter_checkpoint"]

SHIPPED_WEIGHTS = Path(__file__).with_name("weights") / "gan_painter.pt"
PAINTERS = {"classic/pen": SHIPPED_WEIGHTS,
            "tanda/marker-01": SHIPPED_WEIGHTS.with_name("marker_painter.pt"),
            "deevad/brush": SHIPPED_WEIGHTS.with_name("brush_painter.pt")}
"""The painters that ship, by the MyPaint preset each imitates (BENCHMARKS.md, "Neural
painter": fidelity against libmypaint on 1 000 held-out actions)."""
_FEATURES = 9  # per-pixel geometry channels, see NeuralPainter._geometry
NOISE_KNOTS = 24  # a noise signal's values along a stroke: a few pixels apart on most strokes


def _bezier(actions: Tensor, samples: int) -> Tensor:
    """Points on each action's quadratic Bézier: ``(N, samples, 2)`` in cell pixels."""
    t = torch.linspace(0, 1, samples, device=actions.device, dtype=actions.dtype)[:, None]
    p0, p1, p2 = (actions[:, None, k:k + 2] * CELL for k in (6, 8, 10))
    return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t ** 2 * p2


class NeuralPainter(nn.Module):
    """Action → stroke generator: ``forward(actions (N, 12)) -> (N, 4, 64, 64)`` RGBA.

    Args:
        hidden: width of the per-pixel network.
        segments: the centre line is a polyline of this many segments (distance accuracy).
        noise: noise signals along the stroke (0: deterministic). A brush with random
            dynamics paints one action differently each time (MyPaint's random dab
            offsets make lumpy edges); a deterministic painter can only learn the blurred
            average of those strokes, a painter with noise can learn the lumps
            (:mod:`~vecdream.painter.train_gan`).

    Shape:
        - Input: ``(N, 12)`` actions in [0, 1].
        - Output: ``(N, 4, 64, 64)`` straight RGBA in [0, 1], channels r, g, b, alpha.

    A freshly initialised painter already draws a round-capped stroke of the action's
    radius and colour (the alpha head starts at zero on top of a distance prior), so
    code built on it works before the trained weights are loaded.
    """

    def __init__(self, hidden: int = 32, segments: int = 16, noise: int = 0) -> None:
        super().__init__()
        self.config = {"hidden": int(hidden), "segments": int(segments)}
        if noise:
            self.config["noise"] = int(noise)
        self.segments = int(segments)
        self.noise = int(noise)
        self.embed = nn.Sequential(nn.Linear(ACTION_DIM + 1, hidden), nn.SiLU(),
                                   nn.Linear(hidden, hidden))
        self.inp = nn.Conv2d(_FEATURES + self.noise, hidden, 1)
        self.mix = nn.Conv2d(hidden, hidden, 1)
        self.ctx = nn.Conv2d(hidden, hidden // 4, 3, padding=1)
        self.head = nn.Conv2d(hidden // 4, 4, 3, padding=1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)
        # Sharpness of the distance prior (logit per pixel of distance inside the radius).
        self.prior_gain = nn.Parameter(torch.tensor(2.0))
        c = torch.arange(CELL, dtype=torch.float32) + 0.5
        yy, xx = torch.meshgrid(c, c, indexing="ij")
        self.register_buffer("grid", torch.stack([xx, yy], -1).reshape(-1, 2), persistent=False)

    def _geometry(self, actions: Tensor) -> tuple[Tensor, Tensor, tuple[Tensor, Tensor]]:
        """Per-pixel features ``(N, 9, 64, 64)``, the prior alpha logit ``(N, 1, 64, 64)``
        and, for the noise maps, the nearest point's curve parameter and the side of the
        centre line (±1), both ``(N, 1, 64, 64)``."""
        n = actions.shape[0]
        pts = _bezier(actions, self.segments + 1)                      # (N, S+1, 2)
        a, ab = pts[:, :-1], pts[:, 1:] - pts[:, :-1]                  # (N, S, 2)
        g = self.grid.to(actions.dtype)                                # (P, 2)
        with torch.no_grad():
            # Which segment is nearest, from |p - a - u·ab|² expanded into dot products
            # (no (N, P, S, 2) tensor); the distance itself is recomputed below with
            # gradients on that one segment only, which is exact and much cheaper.
            ap_ab = torch.einsum("pc,nsc->nps", g, ab) - (a * ab).sum(-1)[:, None]
            ap2 = ((g * g).sum(-1)[None, :, None] - 2 * torch.einsum("pc,nsc->nps", g, a)
                   + (a * a).sum(-1)[:, None])                         # (N, P, S)
            len2 = (ab * ab).sum(-1).clamp_min(1e-6)[:, None]          # (N, 1, S)
            u = (ap_ab / len2).clamp(0, 1)
            idx = (ap2 - 2 * u * ap_ab + u * u * len2).argmin(-1)      # (N, P)
        a_n = a.gather(1, idx[..., None].expand(-1, -1, 2))            # (N, P, 2)
        ab_n = ab.gather(1, idx[..., None].expand(-1, -1, 2))
        ap_n = g[None] - a_n
        u_n = ((ap_n * ab_n).sum(-1) / (ab_n * ab_n).sum(-1).clamp_min(1e-6)).clamp(0, 1)
        diff = ap_n - u_n[..., None] * ab_n
        d2 = (diff * diff).sum(-1)                                     # (N, P)
        side = torch.sign(ab_n[..., 0] * diff[..., 1] - ab_n[..., 1] * diff[..., 0]).detach()
        dist = (d2 + 1e-4).sqrt()
        t = (idx.to(actions.dtype) + u_n) / self.segments
        pressure = actions[:, :1] + (actions[:, 1:2] - actions[:, :1]) * t
        lo, hi = (math.log(r) for r in RADIUS_RANGE_PX)
        log_r = (lo + (hi - lo) * actions[:, 2:3]).expand(n, dist.shape[1])
        radius = log_r.exp()
        xy = self.grid.to(actions.dtype)[None] / CELL * 2 - 1          # (1, P, 2)
        feats = torch.stack([
            dist / 8, dist / radius - 1, t, pressure, log_r / 2, (t - 0.5).abs() * 2,
            xy[..., 0].expand(n, -1), xy[..., 1].expand(n, -1), (d2 < 0.25).to(dist.dtype),
        ], 1)
        prior = self.prior_gain * (radius - dist)
        shape = (n, -1, CELL, CELL)
        along = (t.detach().reshape(shape), side.reshape(shape))
        return feats.reshape(shape), prior.reshape(shape), along

    def sample_noise(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """``(n, noise, KNOTS)`` noise signals along each stroke (standard normal)."""
        device = generator.device if generator is not None else self.grid.device
        return torch.randn(n, self.noise, NOISE_KNOTS, generator=generator,
                           device=device).to(self.grid.device)

    def _noise_maps(self, noise: Tensor, t: Tensor, side: Tensor) -> Tensor:
        """The signals ``(N, noise, KNOTS)`` read at each pixel's nearest curve parameter
        ``t (N, 1, 64, 64)``, linearly between knots; odd maps change sign across the
        centre line (``side``), so one signal can push both edges the same way, as a
        randomly offset dab does."""
        n, c, k = noise.shape
        pos = t.flatten(1) * (k - 1)                                       # (N, P)
        lo = pos.floor().long().clamp(0, k - 2)
        frac = (pos - lo)[:, None]
        take = lambda i: noise.gather(2, i[:, None].expand(-1, c, -1))   # noqa: E731
        maps = take(lo) * (1 - frac) + take(lo + 1) * frac                 # (N, C, P)
        odd = (torch.arange(c, device=noise.device) % 2 == 1)[None, :, None]
        maps = torch.where(odd, maps * side.flatten(1)[:, None], maps)
        return maps.reshape(n, c, CELL, CELL)

    def forward(self, actions: Tensor, noise: Tensor | None = None) -> Tensor:
        """Paint each action on its own transparent 64×64 cell.

        Args:
            actions: ``(N, 12)`` in [0, 1].
            noise: ``(N, noise, KNOTS)`` signals along each stroke for a painter with
                noise inputs; None draws them from torch's generator
                (:meth:`sample_noise`). Ignored without noise inputs.

        Returns:
            ``(N, 4, 64, 64)`` straight RGBA in [0, 1].
        """
        if actions.dim() != 2 or actions.shape[1] != ACTION_DIM:
            raise ValueError(f"expected actions of shape (N, {ACTION_DIM}), "
                             f"got {tuple(actions.shape)}")
        feats, prior, along = self._geometry(actions)
        if self.noise:
            if noise is None:
                noise = self.sample_noise(actions.shape[0])
            if tuple(noise.shape) != (actions.shape[0], self.noise, NOISE_KNOTS):
                raise ValueError(f"expected noise of shape ({actions.shape[0]}, {self.noise}, "
                                 f"{NOISE_KNOTS}), got {tuple(noise.shape)}")
            feats = torch.cat([feats, self._noise_maps(noise.to(feats.dtype), *along)], 1)
        length = (actions[:, 10:12] - actions[:, 6:8]).norm(dim=1, keepdim=True)
        film = self.embed(torch.cat([actions, length], 1))[..., None, None]
        h = F.silu(self.inp(feats) + film)
        h = F.silu(self.mix(h))
        h = F.silu(self.ctx(h))
        out = self.head(h)
        alpha = torch.sigmoid(out[:, 3:] + prior)
        rgb = (actions[:, 3:6, None, None] + 0.2 * torch.tanh(out[:, :3])).clamp(0, 1)
        return torch.cat([rgb, alpha], 1)


def painter_checkpoint(painter: NeuralPainter, **extra) -> dict:
    """The weights file's content: ``{"config", "state_dict", **extra}`` — plain tensors,
    numbers and strings only, so :func:`torch.load` with ``weights_only=True`` reads it."""
    state = {k: v.detach().cpu().clone() for k, v in painter.state_dict().items()}
    return {"format": "vecdream-neural-painter", "config": dict(painter.config),
            "state_dict": state, **extra}


def load_painter(path: str | Path | None = None, device: str | torch.device = "cpu", *,
                 brush: str | None = None) -> NeuralPainter:
    """A frozen painter in eval mode: the weights at ``path``, else the shipped painter of
    ``brush`` (:data:`PAINTERS`), else the shipped ``classic/pen`` painter.

    Raises:
        ValueError: (one line) the file is missing or is not a painter checkpoint, or no
            painter ships for ``brush``.
    """
    if path is None and brush is not None and brush not in PAINTERS:
        raise ValueError(f"no painter ships for brush {brush!r} (shipped: "
                         f"{', '.join(PAINTERS)}): train one with `vecdream painter train "
                         f"--brush {brush}` and pass its weights")
    path = PAINTERS[brush or "classic/pen"] if path is None else Path(path)
    return load_frozen(path, lambda config: NeuralPainter(**config), kind="neural painter",
                       missing=f"painter weights not found: {path} (train them with "
                               "`vecdream painter train`)", device=device)
