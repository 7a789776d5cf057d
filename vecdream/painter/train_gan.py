"""The adversarial painter: an L1 painter given noise and taught the engine's grain.

A deterministic painter trained with L1 learns the average of what the brush might
paint for an action; for a preset with random dynamics (``tanda/marker-01`` jitters
each dab) that is a smooth stroke no real render looks like. This trains, in phases
(as issue 22 and the GAN painters it cites do):

1. **L1**: :func:`~vecdream.painter.train.train_painter` (its critic barely learns), or
   any shipped painter, is the start: ``init``. Its input convolution grows ``noise``
   input maps with zero weights, so training starts from exactly its strokes.
2. **Critic**: ``critic_steps`` of a patch critic trained as a classifier (logistic loss) on the
   frozen painter's strokes against the engine's. It is conditioned on the analytic
   raster of the stroke's geometry (the painter's own distance-to-centre-line, curve
   parameter and pressure maps), not on FC(action): it judges whether the texture fits
   this stroke, pixel by pixel.
3. **Adversarial**: painter and critic in turn. The painter minimises L1 + w times the
   (non-saturating) adversarial loss, where w makes the two gradients equally large on
   the painter's output layer (kept ~1:1, times ``balance``), so neither term drowns
   the other as their scales drift.

Checkpoints (``checkpoint.pt``: both networks, optimisers, step, history) are written
atomically every ``ckpt_every`` steps and at the end; training resumes from one with the
same batches (step ``s`` draws from a generator seeded with ``(seed, s)``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from .model import NeuralPainter, painter_checkpoint
from .strokes_data import StrokeDataset
from .texture import spectral_distance
from .train import _save, fidelity, paint_batches, premultiply

__all__ = ["GanConfig", "GeometryCritic", "add_noise_inputs", "train_gan_painter"]

_GEOMETRY = 9  # NeuralPainter._geometry's per-pixel channels


@dataclasses.dataclass
class GanConfig:
    """Hyper-parameters of :func:`train_gan_painter` (saved in the checkpoint)."""

    critic_steps: int = 200
    steps: int = 800
    batch: int = 24
    noise: int = 2
    lr_g: float = 5e-4
    lr_d: float = 1e-3
    l1_weight: float = 100.0
    balance: float = 1.0
    seed: int = 0
    ckpt_every: int = 100
    eval_every: int = 100


class GeometryCritic(nn.Module):
    """Patch critic of strokes given their geometry: ``(N, 4, 64, 64) premultiplied RGBA,
    (N, 9, 64, 64) geometry -> (N, 16, 16)`` realness logits per 4 × 4 patch.

    Besides the stroke it sees the stroke's high-pass residual (minus a 3 px box blur,
    times 8): a brush's grain differs from a blurred average by a few percent of alpha,
    which a critic looking at plain pixels needs thousands of steps to notice.
    """

    def __init__(self, width: int = 32) -> None:
        super().__init__()
        w = width
        self.body = nn.Sequential(
            nn.Conv2d(8 + _GEOMETRY, w, 3, 1, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(w, 2 * w, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(2 * w, 2 * w, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(2 * w, 1, 3, 1, 1))

    def forward(self, rgba_premul: Tensor, geometry: Tensor) -> Tensor:
        detail = 8 * (rgba_premul - F.avg_pool2d(rgba_premul, 3, 1, 1,
                                                 count_include_pad=False))
        return self.body(torch.cat([rgba_premul, detail, geometry], 1))[:, 0]


def add_noise_inputs(painter: NeuralPainter, noise: int) -> NeuralPainter:
    """A new, trainable painter with ``noise`` input maps that paints exactly as
    ``painter`` does: the input weights of maps ``painter`` lacks are zero."""
    if noise < painter.noise:
        raise ValueError(f"the painter already has {painter.noise} noise maps, more "
                         f"than {noise}")
    grown = NeuralPainter(**{**painter.config, "noise": noise})
    state = painter.state_dict()
    weight = state["inp.weight"]
    state["inp.weight"] = torch.cat([weight, weight.new_zeros(
        weight.shape[0], noise - painter.noise, *weight.shape[2:])], 1)
    grown.load_state_dict(state)
    return grown


def _inked(real: Tensor, fake: Tensor) -> Tensor:
    """``(N, 16, 16)`` 1 on the critic's patches where either stroke has paint: an empty
    patch is the same in both, and averaging over it would dilute the loss to chance."""
    alpha = torch.maximum(real[:, 3:], fake[:, 3:]).detach()
    return (F.max_pool2d(alpha, 4) > 0.02).float()[:, 0]


def _mean(values: Tensor, mask: Tensor) -> Tensor:
    return (values * mask).sum() / mask.sum().clamp_min(1)


def _balanced(rec: Tensor, adv: Tensor, layer: Tensor) -> Tensor:
    """The weight that makes ``adv``'s gradient on ``layer`` as large as ``rec``'s."""
    g_rec = torch.autograd.grad(rec, layer, retain_graph=True)[0].norm()
    g_adv = torch.autograd.grad(adv, layer, retain_graph=True)[0].norm()
    return (g_rec / (g_adv + 1e-8)).clamp(max=1e4).detach()


def _evaluate(g: NeuralPainter, actions: Tensor, targets: Tensor) -> dict[str, float]:
    pred = paint_batches(g, actions)
    return {**fidelity(pred, targets), **spectral_distance(pred, targets)}


def train_gan_painter(data: StrokeDataset, out: str | Path, init: NeuralPainter,
                      config: GanConfig | None = None, *, resume: bool = False,
                      val: tuple[Tensor, Tensor] | None = None,
                      callback: Callable[[int, dict], None] | None = None) -> NeuralPainter:
    """Phases 2 and 3 above from the L1 painter ``init``; writes ``checkpoint.pt`` and
    ``gan_painter.pt`` into ``out``.

    Args:
        data: training strokes of the brush ``init`` imitates.
        out: the run folder.
        init: the L1 painter to start from (its weights are copied, not changed).
        config: hyper-parameters; on resume the checkpoint's are used (``steps`` may grow).
        resume: continue from ``out/checkpoint.pt`` when it exists.
        val: ``(actions (M, 12), targets (M, 4, 64, 64))`` scored every ``eval_every``
            (alpha IoU, PSNR and the spectral texture distance, fixed noise).
        callback: ``callback(step, logs)`` after every step; steps count both phases.

    Returns:
        The adversarial painter (eval mode).
    """
    out = Path(out)
    ckpt_path = out / "checkpoint.pt"
    cfg = config or GanConfig()
    if resume and ckpt_path.is_file():
        ck = torch.load(ckpt_path, map_location="cpu", weights_only=True)
        cfg = dataclasses.replace(GanConfig(**ck["config"]),
                                  steps=max(cfg.steps, ck["config"]["steps"]))
    g = add_noise_inputs(init, cfg.noise)
    d = GeometryCritic()
    opt_g = torch.optim.Adam(g.parameters(), lr=cfg.lr_g, betas=(0.5, 0.99))
    opt_d = torch.optim.Adam(d.parameters(), lr=cfg.lr_d, betas=(0.5, 0.99))
    step, history = 0, []
    if resume and ckpt_path.is_file():
        for module, key in ((g, "painter"), (d, "critic"), (opt_g, "opt_g"), (opt_d, "opt_d")):
            module.load_state_dict(ck[key])
        step, history = ck["step"], list(ck["history"])

    def checkpoint() -> None:
        _save(ckpt_path, {"config": dataclasses.asdict(cfg), "painter": g.state_dict(),
                          "critic": d.state_dict(), "opt_g": opt_g.state_dict(),
                          "opt_d": opt_d.state_dict(), "step": step, "history": history})

    total = cfg.critic_steps + cfg.steps
    while step < total:
        adversarial = step >= cfg.critic_steps
        gen = torch.Generator().manual_seed(cfg.seed * 1_000_003 + step)
        actions, real = data.batch(torch.randint(len(data), (cfg.batch,), generator=gen))
        noise = g.sample_noise(cfg.batch, gen)
        g.train(adversarial)
        with torch.no_grad():
            geometry = g._geometry(actions)[0]
        real = premultiply(real)
        with torch.set_grad_enabled(adversarial):
            fake = premultiply(g(actions, noise))
        inked = _inked(real, fake)
        loss_d = (_mean(F.softplus(-d(real, geometry)), inked)
                  + _mean(F.softplus(d(fake.detach(), geometry)), inked))
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        logs = {"step": step + 1, "phase": "adversarial" if adversarial else "critic",
                "loss_d": loss_d.item()}
        if adversarial:
            rec = cfg.l1_weight * F.l1_loss(fake, real)
            adv = _mean(F.softplus(-d(fake, geometry)), inked)
            weight = cfg.balance * _balanced(rec, adv, g.head.weight)
            opt_g.zero_grad()
            (rec + weight * adv).backward()
            opt_g.step()
            logs.update(rec=rec.item(), adv=adv.item(), adv_weight=weight.item())
        step += 1
        if val is not None and (step % cfg.eval_every == 0 or step == total):
            logs.update(_evaluate(g.eval(), *val))
        history.append(logs)
        if step % cfg.ckpt_every == 0 or step == total:
            checkpoint()
        if callback is not None:
            callback(step, logs)
    if not ckpt_path.is_file():
        checkpoint()
    g.eval()
    _save(out / "gan_painter.pt", painter_checkpoint(
        g, brush=data.meta.get("brush", ""), steps=step, strokes=len(data),
        training="adversarial"))
    return g
