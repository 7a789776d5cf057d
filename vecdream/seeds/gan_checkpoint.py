"""The state of a seed-GAN run and its checkpoint file: build, save, resume, load.

A :class:`GanRun` holds everything a step changes (both networks, the G EMA, both Adam
states, the one ``torch.Generator`` every random draw comes from, the ADA state, the
step and the loss history); :meth:`GanRun.save` writes it whole, so
:func:`resume_run` continues a run bit for bit (on CPU). :func:`load_seed_gan` reads
only what sampling needs. Kept apart from :mod:`~.gan` (the training loop), which
re-exports :func:`load_seed_gan`.
"""

from __future__ import annotations

import copy
import io
import os
from dataclasses import dataclass, field

import torch

from vecdream.atomic import atomic_write_bytes
from vecdream.seeds import discriminator as disc
from vecdream.seeds.diffaugment import AdaptiveAugment
from vecdream.seeds.generators import Config, Generator, build_generator, config_from_dict

__all__ = ["GanRun", "build_run", "load_seed_gan", "resume_run"]

_FORMAT = "vecdream-seed-gan-1"

@dataclass
class GanRun:
    """Everything a training step changes; :meth:`save` checkpoints it whole."""

    g: Generator
    g_ema: Generator
    d: disc.SeedDiscriminator
    opt_g: torch.optim.Adam
    opt_d: torch.optim.Adam
    rng: torch.Generator
    ada: AdaptiveAugment | None
    options: dict
    step: int = 0
    history: dict[str, list[float]] = field(default_factory=dict)

    def state(self) -> dict:
        return {
            "format": _FORMAT, "config": self.g.config.to_dict(), "options": self.options,
            "generator": self.g.state_dict(), "generator_ema": self.g_ema.state_dict(),
            "discriminator": disc.discriminator_state(self.d), "opt_g": self.opt_g.state_dict(),
            "opt_d": self.opt_d.state_dict(), "rng": self.rng.get_state(), "step": self.step,
            "history": self.history, "ada": self.ada.state_dict() if self.ada else None,
        }

    def save(self, path: str | os.PathLike) -> None:
        buffer = io.BytesIO()
        torch.save(self.state(), buffer)
        atomic_write_bytes(path, buffer.getvalue())


def build_run(options: dict, config: Config) -> GanRun:
    """A fresh run of ``options`` (see :func:`~.gan.train_seed_gan`): weights drawn from
    ``options["seed"]`` without touching the global RNG, G EMA a frozen copy of G."""
    with torch.random.fork_rng(devices=[]):  # weights and spectral-norm vectors
        torch.manual_seed(options["seed"])
        g = build_generator(config)
        d = disc.SeedDiscriminator(options["size"], options["channels"],
                                   minibatch_std=options.get("minibatch_std", False))
    g_ema = copy.deepcopy(g).eval().requires_grad_(False)
    betas = (0.0, 0.99)  # StyleGAN2's: momentum fights the moving target of a GAN
    return GanRun(g, g_ema, d,
                  torch.optim.Adam(g.parameters(), lr=options["lr_g"], betas=betas),
                  torch.optim.Adam(d.parameters(), lr=options["lr_d"], betas=betas),
                  torch.Generator().manual_seed(options["seed"]),
                  AdaptiveAugment() if options["ada"] else None, options,
                  history={k: [] for k in ("d_loss", "g_loss", "r1", "diversity", "polygon")})


def resume_run(path: str | os.PathLike) -> GanRun:
    """The run a checkpoint holds, as it was saved. Raises ``ValueError`` for other files."""
    state = disc.read_state(path, "seed-GAN checkpoint")
    if state.get("format") != _FORMAT:
        raise ValueError(f"{os.fspath(path)!r} is not a seed-GAN checkpoint ({_FORMAT})")
    run = build_run(state["options"], config_from_dict(state["config"]))
    run.g.load_state_dict(state["generator"])
    run.g_ema.load_state_dict(state["generator_ema"])
    run.d.load_state_dict(state["discriminator"]["state_dict"])
    run.opt_g.load_state_dict(state["opt_g"])
    run.opt_d.load_state_dict(state["opt_d"])
    run.rng.set_state(state["rng"])
    if run.ada is not None and state["ada"] is not None:
        run.ada.load_state_dict(state["ada"])
    run.step, run.history = int(state["step"]), state["history"]
    return run


def load_seed_gan(path: str | os.PathLike
                  ) -> tuple[Generator, disc.SeedDiscriminator, dict]:
    """The EMA generator and the discriminator of a checkpoint, frozen, in eval mode,
    plus its ``{"step", "options", "history"}``. Raises ``ValueError`` for other files."""
    state = disc.read_state(path, "seed-GAN checkpoint")
    if state.get("format") != _FORMAT:
        raise ValueError(f"{os.fspath(path)!r} is not a seed-GAN checkpoint ({_FORMAT})")
    g = build_generator(config_from_dict(state["config"]))
    g.load_state_dict(state["generator_ema"])
    info = {"step": int(state["step"]), "options": state["options"],
            "history": state["history"]}
    d = disc.discriminator_from_state(state["discriminator"])
    return g.eval().requires_grad_(False), d, info
