"""Training the GAN painter: action → stroke, against strokes rendered by libmypaint.

A conditional GAN as in pix2pix: the generator is :class:`NeuralPainter`, the
discriminator sees a premultiplied RGBA stroke together with the action that should have
made it (broadcast as 12 constant channels) and is trained with the hinge loss. The
generator minimises ``l1_weight · L1 + adv_weight · hinge``; the L1 term (on
premultiplied RGBA, where colour under no paint does not count) makes it converge in
minutes on a CPU, the adversarial term is there for edges and dab texture that L1
averages away (with the crisp default preset the critic barely separated real from
painted pairs in the shipped run; see BENCHMARKS.md, "Neural painter").

Checkpoints (``checkpoint.pt`` in the run folder: both networks, both optimisers, the
step and the history) are written atomically every ``ckpt_every`` steps and at the end,
and :func:`train_painter` resumes from one exactly: the batch of step ``s`` is drawn
from a generator seeded with ``(seed, s)``.
"""

from __future__ import annotations

import dataclasses
import io
import math
from collections.abc import Callable
from pathlib import Path

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from ..atomic import atomic_write_bytes
from .actions import ACTION_DIM
from .model import NeuralPainter, painter_checkpoint
from .strokes_data import StrokeDataset

__all__ = ["TrainConfig", "ActionDiscriminator", "train_painter", "fidelity", "evaluate",
           "paint_batches", "premultiply"]


@dataclasses.dataclass
class TrainConfig:
    """Hyper-parameters of :func:`train_painter` (saved in the checkpoint)."""

    steps: int = 500
    batch: int = 24
    lr_g: float = 3e-3
    lr_d: float = 2e-4
    l1_weight: float = 100.0
    adv_weight: float = 1.0
    seed: int = 0
    ckpt_every: int = 100
    eval_every: int = 100


def premultiply(rgba: Tensor) -> Tensor:
    """Straight ``(N, 4, H, W)`` → premultiplied (colour where there is no paint is 0)."""
    return torch.cat([rgba[:, :3] * rgba[:, 3:], rgba[:, 3:]], 1)


def fidelity(pred: Tensor, target: Tensor) -> dict[str, float]:
    """How well painted strokes match the engine's, both ``(N, 4, H, W)`` straight RGBA.

    Returns:
        ``iou``: mean over strokes of the IoU of the alpha masks thresholded at 0.5
        (a stroke empty in both counts 1); ``psnr``: dB of the mean squared error of the
        premultiplied RGBA over all pixels and channels (peak 1).
    """
    p, t = pred[:, 3] > 0.5, target[:, 3] > 0.5
    inter = (p & t).flatten(1).sum(1).float()
    union = (p | t).flatten(1).sum(1).float()
    iou = torch.where(union > 0, inter / union.clamp_min(1), torch.ones_like(union))
    mse = F.mse_loss(premultiply(pred), premultiply(target)).item()
    return {"iou": iou.mean().item(), "psnr": -10 * math.log10(max(mse, 1e-12))}


@torch.no_grad()
def paint_batches(painter: nn.Module, actions: Tensor, batch: int = 100,
                  seed: int = 0) -> Tensor:
    """``painter(actions)`` ``(N, 4, 64, 64)`` in batches of ``batch``. A painter with noise
    inputs draws its noise from a generator seeded with ``seed``, so a score computed on
    its strokes is reproducible."""
    noisy = getattr(painter, "noise", 0)
    generator = torch.Generator().manual_seed(seed)
    out = []
    for i in range(0, len(actions), batch):
        chunk = actions[i:i + batch]
        out.append(painter(chunk, painter.sample_noise(len(chunk), generator)) if noisy
                   else painter(chunk))
    return torch.cat(out)


def evaluate(painter: nn.Module, actions: Tensor, targets: Tensor,
             batch: int = 100) -> dict[str, float]:
    """:func:`fidelity` of ``painter(actions)`` against ``targets`` (:func:`paint_batches`)."""
    was_training = painter.training
    painter.eval()
    pred = paint_batches(painter, actions, batch)
    painter.train(was_training)
    return fidelity(pred, targets)


class ActionDiscriminator(nn.Module):
    """Hinge critic of (stroke, action) pairs: ``(N, 4, 64, 64), (N, 12) -> (N,)``.

    The action enters as constant input channels, so the critic judges whether the
    stroke is the one this action makes, not only whether it looks like a stroke.
    """

    def __init__(self, width: int = 16) -> None:
        super().__init__()
        w = width
        layers: list[nn.Module] = []
        for cin, cout in ((4 + ACTION_DIM, w), (w, 2 * w), (2 * w, 4 * w), (4 * w, 4 * w)):
            layers += [nn.Conv2d(cin, cout, 4, 2, 1), nn.LeakyReLU(0.2)]
        self.body = nn.Sequential(*layers)  # 64 → 4
        self.out = nn.Linear(4 * w * 16, 1)

    def forward(self, rgba_premul: Tensor, actions: Tensor) -> Tensor:
        cond = actions[:, :, None, None].expand(-1, -1, *rgba_premul.shape[2:])
        return self.out(self.body(torch.cat([rgba_premul, cond], 1)).flatten(1))[:, 0]


def _save(path: Path, obj: dict) -> None:
    buf = io.BytesIO()
    torch.save(obj, buf)
    atomic_write_bytes(path, buf.getvalue())


def train_painter(data: StrokeDataset, out: str | Path, config: TrainConfig | None = None, *,
                  resume: bool = False, val: tuple[Tensor, Tensor] | None = None,
                  callback: Callable[[int, dict], None] | None = None) -> NeuralPainter:
    """Train (or resume) the GAN painter; writes ``checkpoint.pt`` and ``gan_painter.pt``.

    Args:
        data: training strokes.
        out: the run folder.
        config: hyper-parameters; on resume the checkpoint's are used (``steps`` may grow).
        resume: continue from ``out/checkpoint.pt`` when it exists.
        val: ``(actions (M, 12), targets (M, 4, 64, 64))`` evaluated every ``eval_every``.
        callback: ``callback(step, logs)`` after every step (progress bars plug in here).

    Returns:
        The trained painter (eval mode); ``out/gan_painter.pt`` holds its weights.
    """
    out = Path(out)
    ckpt_path = out / "checkpoint.pt"
    cfg = config or TrainConfig()
    g, d = NeuralPainter(), ActionDiscriminator()
    opt_g = torch.optim.Adam(g.parameters(), lr=cfg.lr_g, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=cfg.lr_d, betas=(0.5, 0.999))
    step, history = 0, []
    if resume and ckpt_path.is_file():
        ck = torch.load(ckpt_path, map_location="cpu", weights_only=True)
        cfg = dataclasses.replace(TrainConfig(**ck["config"]), steps=max(cfg.steps,
                                                                         ck["config"]["steps"]))
        g.load_state_dict(ck["painter"])
        d.load_state_dict(ck["discriminator"])
        opt_g.load_state_dict(ck["opt_g"])
        opt_d.load_state_dict(ck["opt_d"])
        step, history = ck["step"], list(ck["history"])

    def checkpoint() -> None:
        _save(ckpt_path, {"config": dataclasses.asdict(cfg), "painter": g.state_dict(),
                          "discriminator": d.state_dict(), "opt_g": opt_g.state_dict(),
                          "opt_d": opt_d.state_dict(), "step": step, "history": history})

    g.train()
    while step < cfg.steps:
        lr_scale = 0.5 * (1 + math.cos(math.pi * step / cfg.steps))  # cosine decay
        for opt, lr in ((opt_g, cfg.lr_g), (opt_d, cfg.lr_d)):
            for group in opt.param_groups:
                group["lr"] = lr * lr_scale
        gen = torch.Generator().manual_seed(cfg.seed * 1_000_003 + step)
        actions, real = data.batch(torch.randint(len(data), (cfg.batch,), generator=gen))
        real = premultiply(real)
        fake = premultiply(g(actions))
        # Critic: hinge on real vs generated pairs.
        loss_d = (F.relu(1 - d(real, actions)).mean()
                  + F.relu(1 + d(fake.detach(), actions)).mean())
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        # Generator: reconstruction + fooling the critic.
        l1 = F.l1_loss(fake, real)
        adv = -d(fake, actions).mean()
        loss_g = cfg.l1_weight * l1 + cfg.adv_weight * adv
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        step += 1
        logs = {"step": step, "l1": l1.item(), "adv": adv.item(), "loss_d": loss_d.item()}
        if val is not None and (step % cfg.eval_every == 0 or step == cfg.steps):
            logs.update(evaluate(g, *val))
        history.append(logs)
        if step % cfg.ckpt_every == 0 or step == cfg.steps:
            checkpoint()
        if callback is not None:
            callback(step, logs)
    if not ckpt_path.is_file():
        checkpoint()
    g.eval()
    _save(out / "gan_painter.pt", painter_checkpoint(
        g, brush=data.meta.get("brush", ""), steps=step, strokes=len(data)))
    return g
