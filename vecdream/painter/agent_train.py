"""Training the painting agent through a frozen neural painter.

Loss of the agent = ``content_weight`` × pyramid pixel MSE between the composited
painting and the target (fast, dense gradients: blurred levels reach strokes that miss
thin glyph lines) + ``adv_weight`` × the hinge adversarial term of a small conditional
critic (SPIRAL / Nakano), which judges ``(target, image)`` pairs: ``(target, target)``
is real, ``(target, painting)`` fake. The adversarial term rewards paintings that look
like their targets where a pixel loss is content with a blur. Optional preconditioning
(paper §D) adds an action-regression loss on a few (target, given strokes) examples, to
bias the stroke order the agent learns.

``painter="prior"`` trains through :class:`StrokePrior` instead, the distance-field stroke
a fresh :class:`~vecdream.painter.model.NeuralPainter` starts from (no learned brush, ~4×
cheaper): a pre-training stage; fine-tune through the real painter afterwards (``init``).
"""

from __future__ import annotations

import io
import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from torch import Tensor, nn
from torch.nn import functional as F
from torch.nn.utils import spectral_norm

from vecdream.atomic import atomic_write_bytes

from .actions import CELL, radius_px, records_to_actions
from .agent import (
    FORMAT,
    PaintingAgent,
    agent_checkpoint,
    load_agent,
    paint,
    paint_layers,
    widen_for_canvas,
)
from .targets import make_targets

__all__ = ["AgentTrainConfig", "Critic", "StrokePrior", "content_loss", "train_agent",
           "evaluate_agent", "load_precondition"]

log = logging.getLogger(__name__)


@dataclass
class AgentTrainConfig:
    """Settings of :func:`train_agent` (all saved in the checkpoint)."""

    steps: int = 2000
    batch: int = 16
    strokes: int = 10
    hidden: int = 256
    colour: str = "learned"
    layers: int = 1
    lr: float = 3e-4
    critic_lr: float = 2e-4
    content_weight: float = 1.0
    adv_weight: float = 0.01
    targets: str = "glyphs"
    pool: int = 4096
    seed: int = 0
    checkpoint_every: int = 100
    precondition_weight: float = 1.0
    extra: dict = field(default_factory=dict)


class StrokePrior(nn.Module):
    """A round-capped stroke of the action's radius and colour, by distance to its
    centre line: ``(N, 12) -> (N, 4, 64, 64)``. A fresh NeuralPainter's output, without
    its convolutions (they start at zero); for pre-training and tests only."""

    def __init__(self, segments: int = 16, gain: float = 2.0) -> None:
        super().__init__()
        self.segments, self.gain = segments, gain
        c = torch.arange(CELL, dtype=torch.float32) + 0.5
        yy, xx = torch.meshgrid(c, c, indexing="ij")
        self.register_buffer("grid", torch.stack([xx, yy], -1).reshape(-1, 2),
                             persistent=False)

    def forward(self, actions: Tensor) -> Tensor:
        t = torch.linspace(0, 1, self.segments + 1, dtype=actions.dtype)[:, None]
        p0, p1, p2 = (actions[:, None, k:k + 2] * CELL for k in (6, 8, 10))
        pts = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t ** 2 * p2     # (N, S+1, 2)
        a, ab = pts[:, :-1], pts[:, 1:] - pts[:, :-1]                      # (N, S, 2)
        g = self.grid                                                     # (P, 2)
        # |g - a - u·ab|² as dot products: no (N, P, S, 2) tensor is built.
        ap_ab = g @ ab.transpose(1, 2) - (a * ab).sum(-1)[:, None]       # (N, P, S)
        ap2 = (g * g).sum(-1)[None, :, None] - 2 * g @ a.transpose(1, 2) + (a * a).sum(-1)[
            :, None]
        len2 = (ab * ab).sum(-1).clamp_min(1e-6)[:, None]
        u = (ap_ab / len2).clamp(0, 1)
        d2 = (ap2 - 2 * u * ap_ab + u * u * len2).clamp_min(0).min(-1).values  # (N, P)
        alpha = torch.sigmoid(self.gain * (radius_px(actions[:, 2:3]) - (d2 + 1e-4).sqrt()))
        rgb = actions[:, 3:6, None].expand(-1, -1, alpha.shape[1])
        return torch.cat([rgb, alpha[:, None]], 1).reshape(-1, 4, CELL, CELL)


class Critic(nn.Module):
    """Conditional critic: ``(target (B,3,64,64), image (B,3,64,64)) -> (B,)`` scores,
    spectrally normalised convolutions (a stable hinge GAN without a gradient penalty)."""

    def __init__(self, width: int = 32) -> None:
        super().__init__()
        w = width
        layers: list[nn.Module] = []
        for cin, cout in ((6, w), (w, 2 * w), (2 * w, 4 * w), (4 * w, 4 * w)):
            layers += [spectral_norm(nn.Conv2d(cin, cout, 4, 2, 1)), nn.LeakyReLU(0.2)]
        self.net = nn.Sequential(*layers, nn.Flatten(), spectral_norm(nn.Linear(4 * w * 16, 1)))

    def forward(self, target: Tensor, image: Tensor) -> Tensor:
        return self.net(torch.cat([target, image], 1) * 2 - 1)[:, 0]


def content_loss(image: Tensor, target: Tensor, levels: int = 4) -> Tensor:
    """Mean of pixel MSEs at 64, 32, 16 and 8 px (box-downsampled), per batch: a scalar."""
    loss = image.new_zeros(())
    for level in range(levels):
        if level:
            image, target = F.avg_pool2d(image, 2), F.avg_pool2d(target, 2)
        loss = loss + F.mse_loss(image, target)
    return loss / levels


@torch.no_grad()
def evaluate_agent(agent: PaintingAgent, painter: nn.Module, targets: Tensor,
                   batch: int = 64) -> float:
    """Mean pixel MSE between the agent's one-pass paintings (all its layers) and
    ``targets (N,3,64,64)``."""
    total = 0.0
    for i in range(0, len(targets), batch):
        t = targets[i:i + batch]
        total += F.mse_loss(paint_layers(agent, painter, t)[1][-1], t, reduction="sum").item()
    return total / targets.numel()


@torch.no_grad()
def load_precondition(paths: list[str | Path], painter: nn.Module) -> tuple[Tensor, Tensor]:
    """Preconditioning examples from actions JSON files (one 64 px cell each, e.g. drawn
    by hand): each file's strokes painted by ``painter`` are the target, the strokes the
    order to imitate. Files are cut to the shortest one's stroke count.

    Returns:
        ``(targets (K, 3, 64, 64), actions (K, T', 12))``.

    Raises:
        ValueError: a file is not an actions document (one line naming it).
    """
    rows = []
    for path in paths:
        try:
            doc = json.loads(Path(path).read_text())
            rows.append(records_to_actions(doc["actions"]).clamp(0, 1))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"not an actions JSON: {path} ({exc})") from None
        if not len(rows[-1]):
            raise ValueError(f"no actions in {path}")
    k = min(len(r) for r in rows)
    actions = torch.stack([r[:k] for r in rows])
    return paint(actions, painter), actions


def _save(path: Path, state: dict) -> None:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    atomic_write_bytes(path, buffer.getvalue())


def train_agent(config: AgentTrainConfig, painter: nn.Module, out: str | Path, *,
                resume: bool = False, init: str | Path | None = None,
                precondition: tuple[Tensor, Tensor] | None = None,
                on_step: Callable[[int, dict], None] | None = None) -> PaintingAgent:
    """Train an agent and write it to ``out`` (small, agent only) and ``out + ".ckpt"``
    (agent, critic, optimizers, history: for ``resume``) every ``checkpoint_every`` steps.

    Args:
        config: the settings.
        painter: the frozen painter, ``(N, 12) -> (N, 4, 64, 64)``.
        out: the agent file (``.pt``).
        resume: continue from ``out.ckpt`` when it exists, with its settings except
            ``steps`` (the total to reach, so a finished run can be extended).
        init: start from this agent file's weights (e.g. pre-trained on the prior).
        precondition: ``(targets (K,3,64,64), actions (K,T,12))``: given stroke orders.
        on_step: called after each step with ``(step, {"content", "adv", "critic"})``.

    Returns:
        The trained agent (train mode off).
    """
    out = Path(out)
    ckpt_path = out.with_name(out.name + ".ckpt")
    ckpt = None
    if resume and ckpt_path.is_file():
        ckpt = torch.load(ckpt_path, map_location="cpu", weights_only=True)
        config = AgentTrainConfig(**{**ckpt["train_config"], "steps": config.steps})
    torch.manual_seed(config.seed)
    agent = PaintingAgent(strokes=config.strokes, hidden=config.hidden, colour=config.colour,
                          layers=config.layers)
    critic = Critic()
    if init is not None and ckpt is None:
        start = load_agent(init)
        # Where colours come from and how many passes are not weights: a glyph agent can
        # start a photo agent, a one-layer agent one of several (the canvas unseen at first).
        free = ("colour", "layers")
        shape = {k: v for k, v in agent.config.items() if k not in free}
        if {k: v for k, v in start.config.items() if k not in free} != shape:
            raise ValueError(f"init agent {init} has {start.config}, expected {shape}")
        state = start.state_dict()
        if agent.layers > 1 and start.layers == 1:
            state = widen_for_canvas(state)
        elif agent.layers == 1 and start.layers > 1:
            raise ValueError(f"init agent {init} sees the canvas, a one-layer agent does not")
        agent.load_state_dict(state)
    opt_a = torch.optim.Adam(agent.parameters(), lr=config.lr)
    opt_c = torch.optim.Adam(critic.parameters(), lr=config.critic_lr, betas=(0.0, 0.9))
    step, history = 0, []
    if ckpt is not None:
        agent.load_state_dict(ckpt["state_dict"])
        critic.load_state_dict(ckpt["critic"])
        opt_a.load_state_dict(ckpt["opt_agent"])
        opt_c.load_state_dict(ckpt["opt_critic"])
        step, history = int(ckpt["step"]), list(ckpt["history"])
    for p in painter.parameters():
        p.requires_grad_(False)
    # The pool depends on the seed only; batches on the step, so a resumed run continues.
    pool_gen = torch.Generator().manual_seed(config.seed)
    pool = (make_targets(config.targets, config.pool, generator=pool_gen) * 255).round().to(
        torch.uint8)
    gen = torch.Generator().manual_seed(config.seed + 1 + step)
    log.info("agent: %d targets (%s), %d parameters", len(pool), config.targets,
             sum(p.numel() for p in agent.parameters()))

    def save() -> None:
        extra = {"train_config": asdict(config), "step": step, "history": history}
        atomic_write_bytes(out, agent_checkpoint(agent, half=True, step=step,
                                                 targets=config.targets))
        _save(ckpt_path, {"format": FORMAT, "config": dict(agent.config),
                          "state_dict": agent.state_dict(), "critic": critic.state_dict(),
                          "opt_agent": opt_a.state_dict(), "opt_critic": opt_c.state_dict(),
                          **extra})

    agent.train()
    started = time.monotonic()
    while step < config.steps:
        target = pool[torch.randint(len(pool), (config.batch,), generator=gen)].float() / 255
        # every pass is scored, so the first still paints the whole picture and later
        # ones learn what is left; gradients flow through the canvases into earlier passes
        canvases = paint_layers(agent, painter, target)[1]
        image = canvases[-1]
        logs = {"content": 0.0, "adv": 0.0, "critic": 0.0}
        if config.adv_weight > 0:  # critic step on detached paintings
            d_loss = (F.relu(1 - critic(target, target)).mean()
                      + F.relu(1 + critic(target, image.detach())).mean())
            opt_c.zero_grad(set_to_none=True)
            d_loss.backward()
            opt_c.step()
            logs["critic"] = d_loss.item()
        c_loss = sum(content_loss(c, target) for c in canvases) / len(canvases)
        loss = config.content_weight * c_loss
        if config.adv_weight > 0:
            adv = -critic(target, image).mean()
            loss = loss + config.adv_weight * adv
            logs["adv"] = adv.item()
        if precondition is not None:
            p_targets, p_actions = precondition
            k = p_actions.shape[1]
            pre = F.mse_loss(agent(p_targets)[:, :k], p_actions)
            loss = loss + config.precondition_weight * pre
            logs["precondition"] = pre.item()
        opt_a.zero_grad(set_to_none=True)
        loss.backward()
        opt_a.step()
        step += 1
        logs["content"] = c_loss.item()
        history.append({"step": step, **{k: round(v, 6) for k, v in logs.items()},
                        "seconds": round(time.monotonic() - started, 2)})
        if on_step is not None:
            on_step(step, logs)
        if not math.isfinite(loss.item()):
            raise FloatingPointError(f"agent training diverged at step {step}")
        if step % config.checkpoint_every == 0 or step == config.steps:
            save()
    agent.eval()
    return agent
