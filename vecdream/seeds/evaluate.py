"""Offline evaluation of generated seeds: quality, coverage, diversity, memorization.

No downloaded weights (FID/LPIPS need Inception/VGG): every metric runs on
:class:`RandomFeatures`, a fixed, seeded, *untrained* CNN. Why this and not a trained
discriminator: it is the same yardstick for every method compared (vector GAN, raster
DCGAN, DCGAN + vtracer), it cannot be gamed by a generator that was trained against a
discriminator, it needs no training data of its own and it is bit-identical on every
machine. Random convolutional features are a known, usable embedding for distribution
metrics (Naeem et al. 2020); absolute values are only comparable within these features,
so KID is reported next to its *floor*: the KID between two random halves of the real
set, i.e. what a perfect generator would score with this many images.

Metrics:
    * KID (Bińkowski et al.): unbiased MMD² with the cubic polynomial kernel, averaged
      over ``subsets`` random subsets of size ``min(n_fake, n_real, 100)``.
    * precision / recall (Kynkäänniemi et al.) with k = 3 nearest-neighbour balls.
    * Vendi score (cosine kernel on features): effective number of distinct samples,
      1..n; and the mean pairwise feature distance.
    * memorization: for each sample, RMS pixel distance (32 px RGB) to its nearest and
      second-nearest training seeds, each minimized over the 8 rotations/flips of the
      sample (Mosaic transposes seeds); flagged when ``d1 / d2 < 1/3`` (the ratio test
      of Yoon et al. 2023): much closer to one seed than to any other is a copy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["Evaluation", "RandomFeatures", "dihedral", "evaluate", "kid", "memorization",
           "precision_recall", "vendi_score"]


class RandomFeatures(nn.Module):
    """Fixed random CNN (seed 0, He init): ``(B, 3, H, W)`` in [0, 1] → ``(B, 1008)``.

    Per layer the spatial mean and standard deviation of every channel (texture and
    colour statistics at 5 scales) plus a 4 x 4 thumbnail of the image (layout).
    """

    def __init__(self, size: int = 64) -> None:
        super().__init__()
        self.size = size
        g = torch.Generator().manual_seed(0)
        widths = [3, 32, 64, 128, 256]
        self.convs = nn.ModuleList()
        for i, (c_in, c_out) in enumerate(zip(widths[:-1], widths[1:], strict=True)):
            conv = nn.Conv2d(c_in, c_out, 3, stride=1 if i == 0 else 2, padding=1)
            with torch.no_grad():
                conv.weight.copy_(torch.randn(conv.weight.shape, generator=g)
                                  * math.sqrt(2 / (c_in * 9)))
                conv.bias.zero_()
            self.convs.append(conv)
        self.requires_grad_(False).eval()

    @torch.no_grad()
    def forward(self, x: Tensor) -> Tensor:
        x = F.interpolate(x.float(), size=(self.size, self.size), mode="bilinear",
                          antialias=True, align_corners=False)
        feats = [F.adaptive_avg_pool2d(x, 4).flatten(1)]
        h = x * 2 - 1
        for conv in self.convs:
            h = F.relu(conv(h))
            feats += [h.mean(dim=(2, 3)), h.std(dim=(2, 3))]
        return torch.cat(feats, dim=1)


def _poly_mmd2(x: Tensor, y: Tensor) -> Tensor:
    d = x.shape[1]
    kxx = (x @ x.T / d + 1) ** 3
    kyy = (y @ y.T / d + 1) ** 3
    kxy = (x @ y.T / d + 1) ** 3
    m, n = len(x), len(y)
    return ((kxx.sum() - kxx.diagonal().sum()) / (m * (m - 1))
            + (kyy.sum() - kyy.diagonal().sum()) / (n * (n - 1)) - 2 * kxy.mean())


def kid(fake: Tensor, real: Tensor, *, subsets: int = 100, subset_size: int = 100,
        generator: torch.Generator | None = None) -> tuple[float, float]:
    """Kernel Inception Distance on given features ``(N, F)``: (mean, std) over subsets."""
    m = min(len(fake), len(real), subset_size)
    if m < 2:
        raise ValueError(f"kid: expected at least 2 samples in each set, got {len(fake)}, "
                         f"{len(real)}")
    fake, real = fake.double(), real.double()
    values = torch.stack([
        _poly_mmd2(fake[torch.randperm(len(fake), generator=generator)[:m]],
                   real[torch.randperm(len(real), generator=generator)[:m]])
        for _ in range(subsets)])
    return float(values.mean()), float(values.std()) if subsets > 1 else 0.0


def precision_recall(fake: Tensor, real: Tensor, k: int = 3) -> tuple[float, float]:
    """Improved precision and recall: the share of fakes inside the real manifold (balls
    of each real's k-th neighbour distance), and of reals inside the fake manifold."""
    def radii(x: Tensor) -> Tensor:
        d = torch.cdist(x, x)
        return d.kthvalue(min(k + 1, len(x)), dim=1).values  # +1: the point itself

    def inside(a: Tensor, b: Tensor, rb: Tensor) -> float:
        return float((torch.cdist(a, b) <= rb[None]).any(dim=1).float().mean())

    fake, real = fake.double(), real.double()
    return inside(fake, real, radii(real)), inside(real, fake, radii(fake))


def vendi_score(feats: Tensor) -> float:
    """Vendi score: ``exp`` of the entropy of the eigenvalues of ``K / n``, K the cosine
    similarity matrix; 1 when all samples are identical, n when all are orthogonal."""
    x = F.normalize(feats.double() - feats.double().mean(0), dim=1)
    eig = torch.linalg.eigvalsh(x @ x.T / len(x)).clamp_min(0)
    eig = eig[eig > 1e-12]
    return float(torch.exp(-(eig * eig.log()).sum()))


def dihedral(x: Tensor) -> Tensor:
    """The 8 rotations/flips of square images ``(B, C, S, S)`` → ``(8, B, C, S, S)``."""
    turns = [torch.rot90(x, k, dims=(-2, -1)) for k in range(4)]
    return torch.stack(turns + [t.flip(-1) for t in turns])


def memorization(samples: Tensor, train: Tensor, *, size: int = 32, threshold: float = 1 / 3
                 ) -> tuple[Tensor, Tensor, Tensor]:
    """Nearest-training-seed distances, invariant to the 8 rotations/flips.

    Args:
        samples: ``(N, 3, S, S)`` in [0, 1]; train: ``(M, 3, S', S')``, M >= 2.
        size: comparison resolution; threshold: flag when ``d1 / d2`` is below it.

    Returns:
        ``d1 (N,)`` RMS distance to the nearest seed, ``ratio (N,)`` = d1 / d2 and
        ``nearest (N,)`` the index of that seed; flagged = ``ratio < threshold``.
    """
    if len(train) < 2:
        raise ValueError(f"memorization: expected at least 2 training seeds, got {len(train)}")

    def small(x: Tensor) -> Tensor:
        return F.interpolate(x.float(), size=(size, size), mode="bilinear", antialias=True,
                             align_corners=False)

    s8 = dihedral(small(samples)).flatten(2)  # (8, N, D)
    t = small(train).flatten(1)  # (M, D)
    dist = torch.cdist(s8, t[None].expand(8, -1, -1)).amin(dim=0) / math.sqrt(t.shape[1])
    two = dist.topk(2, dim=1, largest=False)
    d1, d2 = two.values[:, 0], two.values[:, 1]
    return d1, d1 / d2.clamp_min(1e-12), two.indices[:, 0]


@dataclass
class Evaluation:
    """Every metric of :func:`evaluate` (see the module docstring for definitions)."""

    kid: float
    kid_std: float
    kid_floor: float
    precision: float
    recall: float
    vendi: float
    mean_distance: float
    memorized: list[int] = field(default_factory=list)
    nn_ratio: list[float] = field(default_factory=list)
    nearest: list[int] = field(default_factory=list)
    n_samples: int = 0

    def summary(self) -> dict[str, float]:
        """The scalar metrics, for printing or JSON."""
        return {"n": self.n_samples, "kid": self.kid, "kid_std": self.kid_std,
                "kid_floor": self.kid_floor, "precision": self.precision,
                "recall": self.recall, "vendi": self.vendi,
                "mean_distance": self.mean_distance, "memorized": len(self.memorized),
                "min_nn_ratio": min(self.nn_ratio, default=float("nan"))}


def evaluate(samples: Tensor, real: Tensor, *, train: Tensor | None = None, size: int = 64,
             subsets: int = 100, k: int = 3, threshold: float = 1 / 3, seed: int = 0
             ) -> Evaluation:
    """Evaluate generated images against real seeds.

    Args:
        samples: generated images ``(N, 3, S, S)`` in [0, 1] (renders of the SVGs).
        real: real seeds ``(M, 3, S, S)``: the reference distribution.
        train: the generator's training seeds, for memorization (default ``real``).
        size: feature resolution; subsets: KID subsets; k: precision/recall neighbours.
        threshold: memorization ratio threshold; seed: subset sampling (deterministic).
    """
    g = torch.Generator().manual_seed(seed)
    net = RandomFeatures(size)
    f_fake, f_real = net(samples), net(real)
    value, std = kid(f_fake, f_real, subsets=subsets, generator=g)
    perm = torch.randperm(len(f_real), generator=g)
    half = len(f_real) // 2
    floor = kid(f_real[perm[:half]], f_real[perm[half:2 * half]], subsets=subsets,
                generator=g)[0] if half >= 2 else float("nan")
    precision, recall = precision_recall(f_fake, f_real, k)
    d = torch.cdist(f_fake.double(), f_fake.double())
    n = len(f_fake)
    mean_distance = float(d.sum() / max(n * (n - 1), 1))
    _, ratio, nearest = memorization(samples, real if train is None else train,
                                     threshold=threshold)
    flagged = torch.nonzero(ratio < threshold).flatten().tolist()
    return Evaluation(value, std, floor, precision, recall, vendi_score(f_fake), mean_distance,
                      flagged, ratio.tolist(), nearest.tolist(), n)

