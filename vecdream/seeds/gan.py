"""Training the vector GAN: a :class:`VectorGenerator` against a :class:`SeedDiscriminator`.

One step = a discriminator step (non-saturating loss + R1, DiffAugment on real and fake)
and a generator step (non-saturating loss through the same DiffAugment, a mode-seeking
term against collapse onto one seed, and a control-polygon penalty that keeps paths
clean), then an exponential moving average of the generator (G EMA; its samples are
smoother than the raw G's and it is what :func:`load_seed_gan` returns).

Everything random — noise, batches, augmentations — draws from one ``torch.Generator``
whose state is checkpointed with the networks and both Adam states, so a run resumed
from a checkpoint continues bit for bit as if it had never stopped (on CPU).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from torch import Tensor

from vecdream.render import render
from vecdream.seeds import discriminator as disc
from vecdream.seeds import generator as gen
from vecdream.seeds import lattice
from vecdream.seeds.diffaugment import DEFAULT_POLICY, blur, diff_augment
from vecdream.seeds.distributed import (
    World,
    average_grads,
    current_world,
    gather,
    global_ratio,
    mean_values,
)
from vecdream.seeds.gan_checkpoint import GanRun, build_run, load_seed_gan, resume_run
from vecdream.seeds.generators import GENERATORS, Generator, choose_generator

# GENERATORS, choose_generator and load_seed_gan stay importable from here.
__all__ = ["GENERATORS", "GanResult", "GanStep", "choose_generator", "load_seed_gan",
           "train_seed_gan"]



log = logging.getLogger(__name__)


@dataclass
class GanStep:
    """Handed to the callback after each step; return True from the callback to stop."""

    step: int
    steps: int
    losses: dict[str, float]


@dataclass
class GanResult:
    """What :func:`train_seed_gan` returns: the EMA generator (eval mode), the
    discriminator, per-step ``history`` and the number of steps done."""

    generator: Generator
    discriminator: disc.SeedDiscriminator
    history: dict[str, list[float]] = field(default_factory=dict)
    step: int = 0
    stopped: bool = False


def _render(g: Generator, z: Tensor, size: int) -> tuple[Tensor, dict[str, Tensor]]:
    out = g(z)
    return render(g.drawings(out), size, size), out


def _step(run: GanRun, real: Tensor, policy: Sequence[str], world: World | None = None
          ) -> dict[str, float]:
    """One D step and one G step on this rank's slice ``[lo, hi)`` of the global batch;
    random numbers are drawn for the whole batch (see :mod:`.distributed`)."""
    o, rng, world = run.options, run.rng, world or World()
    batch, size, z_dim = o["batch"], o["size"], run.g.config.total_z
    p = run.ada.p if run.ada else 1.0
    dev = real.device
    lo, hi = world.bounds(batch) if world.distributed else (0, batch)

    sigma = o.get("blur", 0.0) * max(0.0, 1 - run.step / max(o.get("blur_steps", 1), 1))

    def augment(x: Tensor) -> Tensor:
        x = blur(x, sigma)
        return world.sliced(lambda full: diff_augment(full, policy, p=p, generator=rng), x,
                            batch)

    # Discriminator: reals up, fakes down, R1 on the (augmented) reals.
    run.d.requires_grad_(True)
    with torch.no_grad():
        fake, _ = _render(run.g, torch.randn(batch, z_dim, generator=rng)[lo:hi].to(dev), size)
    reals = real[torch.randint(len(real), (batch,), generator=rng)[lo:hi].to(dev)]
    r1, real_logits = disc.r1_penalty(run.d, augment(reals))
    loss_d = disc.d_loss(real_logits, run.d(augment(fake))) + o["r1"] / 2 * r1
    run.opt_d.zero_grad(set_to_none=True)
    loss_d.backward()
    average_grads(run.d.parameters(), world)
    run.opt_d.step()
    if run.ada:
        run.ada.update(gather(real_logits, world))

    # Generator: fool D; keep pairs (2k, 2k+1) apart (mode seeking); clean paths.
    run.d.requires_grad_(False)
    z = torch.randn(batch, z_dim, generator=rng)[lo:hi].to(dev)
    images, out = _render(run.g, z, size)
    loss_adv = disc.g_loss(run.d(augment(images)))
    pairs = 2 * (len(z) // 2)
    dimg = (images[0:pairs:2] - images[1:pairs:2]).abs()
    dz = (z[0:pairs:2] - z[1:pairs:2]).abs()
    ratio = global_ratio(dimg.sum(), dimg.numel(), dz.sum(), dz.numel(), world)
    polygon = gen.control_polygon_penalty(out["points"][:, run.g.shape_start:],
                                          run.g.config.size)
    loss_g = loss_adv + o["mode_seeking"] / (ratio + 1e-5) + o["polygon"] * polygon
    run.opt_g.zero_grad(set_to_none=True)
    loss_g.backward()
    average_grads(run.g.parameters(), world)
    run.opt_g.step()

    beta = min(o["ema"], (1 + run.step) / (10 + run.step))  # ramp-up: early EMA tracks G
    with torch.no_grad():
        for pe, pg in zip(run.g_ema.parameters(), run.g.parameters(), strict=True):
            pe.lerp_(pg, 1 - beta)
    losses = mean_values({"d_loss": loss_d, "g_loss": loss_adv, "r1": r1}, world)
    return {**losses, "diversity": ratio.item(),
            **mean_values({"polygon": polygon}, world)}


def train_seed_gan(
    data,
    n_paths: int = 16,
    size: int = 64,
    *,
    steps: int = 2000,
    batch: int = 16,
    segments: int = 3,
    n_closed: int | None = None,
    palette: Sequence[Sequence[float]] | str | None = None,
    generator: str = "paths",
    grid: int = 4,
    motifs: int = 6,
    lattice_options: dict | None = None,
    channels: int = 32,
    lr_g: float = 1e-3,
    lr_d: float = 1e-3,
    ema: float = 0.99,
    r1: float | None = None,
    mode_seeking: float = 0.05,
    minibatch_std: bool = False,
    polygon: float = 1.0,
    blur: float = 0.0,
    blur_steps: int = 250,
    policy: Sequence[str] = DEFAULT_POLICY,
    ada: bool = False,
    seed: int = 0,
    checkpoint: str | os.PathLike | None = None,
    checkpoint_every: int = 0,
    resume: str | os.PathLike | None = None,
    callback: Callable[[GanStep], bool | None] | None = None,
    progress: bool = False,
    device: str | torch.device = "cpu",
) -> GanResult:
    """Train a vector generator on a folder of seeds; samples are SVG by construction.

    Args:
        data: the seeds: ``(N, 3, S, S)`` images or a dataset of ``(3, S, S)`` tensors
            (:class:`vecdream.seeds.SeedFolder`); resized to ``size``.
        n_paths: paths per sample; n_closed: filled closed ones among them (default
            all; the rest are open strokes); segments: cubic segments per path.
        size: canvas (user units) and training resolution (pixels).
        steps: total steps (with ``resume``, steps run until this count).
        batch: images per step (>= 2: the mode-seeking term compares two halves).
        palette: RGB colours in [0, 1] the paths must use, ``"auto"`` (the seeds' 8
            dominant colours, :func:`~vecdream.seeds.generator.palette_from_images`) or
            None (free RGB; the lattice then takes ``"auto"``).
        generator: ``"paths"`` (:class:`~vecdream.seeds.generator.VectorGenerator`),
            ``"lattice"`` (:class:`~vecdream.seeds.lattice.LatticeGenerator`: periodic
            seeds of learned motifs; ``n_paths`` and ``n_closed`` do not apply) or
            ``"auto"`` (:func:`choose_generator` on the seeds).
        grid, motifs: the lattice's cells per side and codebook size; lattice_options:
            other :class:`~vecdream.seeds.lattice.LatticeConfig` fields.
        channels: first-layer channels of the discriminator.
        lr_g, lr_d: Adam learning rates (betas 0, 0.99).
        ema: G EMA decay (ramped up over the first steps).
        r1: R1 weight gamma; default ``0.0002 * size**2 / batch`` (``r1_gamma``).
        mode_seeking: weight of MSGAN's ``1 / (|G(z1) - G(z2)| / |z1 - z2|)``.
        minibatch_std: the discriminator sees minibatch statistics
            (:class:`~vecdream.nets.seed_discriminator.SeedDiscriminator`), against
            samples that all look alike.
        polygon: weight of :func:`~vecdream.seeds.generator.control_polygon_penalty`.
        blur, blur_steps: the discriminator sees real and generated seeds blurred by
            ``blur`` px at first, fading linearly to sharp over ``blur_steps`` steps (0:
            never blurred): gradients reach shapes far from where they belong. With the
            lattice's ``logit_bound`` it kept Truchet layouts varied but cost KID on
            Smith seeds (BENCHMARKS.md "Seeds IV"), so it is off by default.
        policy: DiffAugment transforms; ada: tune their probability ADA-style.
        seed: everything random derives from it: deterministic on CPU.
        checkpoint: file written every ``checkpoint_every`` steps (0: only at the end),
            when the callback stops the run, and on ``KeyboardInterrupt``.
        resume: a checkpoint to continue from exactly (its options win over these).
        callback: called with a :class:`GanStep` after every step; True stops.
        progress: show a tqdm bar.
        device: where to train ("cpu", "cuda", ...).

    Under ``torchrun`` (an initialized process group, :mod:`vecdream.seeds.distributed`)
    each process renders ``batch / world size`` of every step's batch, gradients are
    averaged, and only rank 0 writes ``checkpoint`` and shows progress.

    Returns:
        :class:`GanResult` with the EMA generator.
    """
    if resume is not None:
        run = resume_run(resume)
        run.options["steps"] = steps
    else:
        if batch < 2 or steps < 0 or n_paths < 1:
            raise ValueError(f"train_seed_gan: expected batch >= 2, steps >= 0, n_paths >= 1, "
                             f"got batch={batch}, steps={steps}, n_paths={n_paths}")
        if generator not in GENERATORS:
            raise ValueError(f"train_seed_gan: generator must be one of {', '.join(GENERATORS)}"
                             f", got {generator!r}")
        options = {"size": size, "steps": steps, "batch": batch, "channels": channels,
                   "lr_g": lr_g, "lr_d": lr_d, "ema": ema,
                   "r1": disc.r1_gamma(size, batch) if r1 is None else r1,
                   "mode_seeking": mode_seeking, "polygon": polygon, "policy": list(policy),
                   "ada": ada, "seed": seed, "blur": blur, "blur_steps": blur_steps,
                   "minibatch_std": bool(minibatch_std)}
        if generator == "auto":
            generator = choose_generator(disc.as_images(data, size))
            log.info("generator: %s", generator)
        if generator == "lattice" and palette is None:
            palette = "auto"  # a seed's slots pick from the set's own colours
        if isinstance(palette, str):
            if palette != "auto":
                raise ValueError(f"train_seed_gan: palette must be 'auto', colours or None, "
                                 f"got {palette!r}")
            palette = gen.palette_from_images(disc.as_images(data, size), seed=seed)
        colours = [list(map(float, c)) for c in palette] if palette else None
        if generator == "lattice":
            config = lattice.LatticeConfig(grid=grid, motifs=motifs, segments=max(segments, 4),
                                           size=float(size), palette=colours,
                                           **(lattice_options or {}))
        else:
            config = gen.GeneratorConfig(n_paths=n_paths, n_closed=n_closed, segments=segments,
                                         size=float(size), palette=colours)
        run = build_run(options, config)
    world = current_world()
    if world.distributed:
        world.bounds(run.options["batch"])  # fails early on a batch that does not split
    dev = torch.device(device)
    for module in (run.g, run.g_ema, run.d):
        module.to(dev)
    real = disc.as_images(data, run.options["size"]).to(dev)
    bar = None
    if progress and world.main:
        from tqdm.auto import tqdm

        bar = tqdm(total=steps, initial=run.step, desc="seed GAN", unit="step")
    stopped = False
    try:
        while run.step < steps and not stopped:
            losses = _step(run, real, run.options["policy"], world)
            run.step += 1
            for key, value in losses.items():
                run.history[key].append(value)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(d=f"{losses['d_loss']:.3g}", g=f"{losses['g_loss']:.3g}")
            every = checkpoint_every and run.step % checkpoint_every == 0
            stopped = bool(callback(GanStep(run.step, steps, losses))) if callback else False
            if world.distributed:  # stop together, or the others wait forever
                stopped = bool(mean_values({"s": torch.tensor(float(stopped))}, world)["s"])
            if checkpoint is not None and world.main and (every or stopped):
                run.save(checkpoint)
    except KeyboardInterrupt:
        # Ctrl-C outside a handler (a notebook, a script): keep what was learned. The
        # step in flight may be half done, so resuming from here is loadable, not exact.
        if checkpoint is not None and world.main:
            run.save(checkpoint)
            log.warning("interrupted at step %d: wrote %s", run.step, os.fspath(checkpoint))
        raise
    finally:
        if bar is not None:
            bar.close()
    if checkpoint is not None and world.main:
        run.save(checkpoint)
    g_ema = run.g_ema.eval().requires_grad_(False)
    return GanResult(g_ema, run.d.eval().requires_grad_(False), run.history, run.step, stopped)
