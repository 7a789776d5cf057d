"""Data-parallel seed-GAN training (``torchrun``): each process renders a slice of the batch.

The trick that makes ``W`` processes train *exactly* like one process with the same
global batch: every rank keeps the same ``torch.Generator`` and draws the random
numbers of the **whole** batch (noise, real indices, augmentation parameters), then
uses its own slice ``[rank * b, (rank + 1) * b)`` of them, ``b = batch / W``. The
losses are means over samples, so averaging the ranks' gradients (:func:`average_grads`)
gives the one-process gradient; the one batch-coupled term (mode seeking, a ratio of
sums over pairs) is rebuilt from all-reduced sums by :func:`global_ratio`. Gradients are
averaged by hand rather than by ``DistributedDataParallel``: R1 needs a double
backward, which DDP's hooks do not support.

Only rank 0 writes checkpoints and shows progress; all ranks hold identical weights.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import Tensor

__all__ = ["World", "average_grads", "current_world", "global_ratio", "init_from_env",
           "mean_values"]


@dataclass(frozen=True)
class World:
    """This process's ``rank`` among ``size`` training processes (1: not distributed)."""

    rank: int = 0
    size: int = 1

    @property
    def distributed(self) -> bool:
        return self.size > 1

    @property
    def main(self) -> bool:
        """The process that writes checkpoints and logs."""
        return self.rank == 0

    def bounds(self, batch: int) -> tuple[int, int]:
        """This rank's slice of a global batch; ``batch`` must split into even slices
        (the mode-seeking pairs ``(2k, 2k+1)`` must not straddle two ranks)."""
        if batch % (2 * self.size):
            raise ValueError(f"train_seed_gan: batch {batch} must be a multiple of "
                             f"2 x {self.size} processes")
        b = batch // self.size
        return self.rank * b, (self.rank + 1) * b

    def sliced(self, fn: Callable[[Tensor], Tensor], x: Tensor, batch: int) -> Tensor:
        """``fn(full)[lo:hi]`` where ``full`` is ``x`` (this rank's slice) padded with
        zeros to the global batch: per-sample random ops draw the whole batch's
        parameters (the shared generator stays in step) and this slice gets its own."""
        if not self.distributed:
            return fn(x)
        lo, hi = self.bounds(batch)
        pad = x.new_zeros((1, *x.shape[1:]))
        full = torch.cat([pad.expand(lo, *x.shape[1:]), x,
                          pad.expand(batch - hi, *x.shape[1:])])
        return fn(full)[lo:hi]


def current_world() -> World:
    """The initialized process group's rank and size, else a world of one."""
    if dist.is_available() and dist.is_initialized():
        return World(dist.get_rank(), dist.get_world_size())
    return World()


def init_from_env(device: str) -> World:
    """Join the process group ``torchrun`` describes (``WORLD_SIZE`` > 1): gloo on CPU,
    nccl on CUDA (each rank on ``cuda:LOCAL_RANK``). A world of one otherwise."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1 or dist.is_initialized():
        return current_world()
    cuda = str(device).startswith("cuda")
    if cuda:
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    dist.init_process_group("nccl" if cuda else "gloo")
    return current_world()


def average_grads(params: Iterable[Tensor], world: World) -> None:
    """All-reduce the gradients of ``params`` to their mean over the ranks (one flat
    buffer, one collective)."""
    if not world.distributed:
        return
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return
    flat = torch.cat([g.reshape(-1) for g in grads])
    dist.all_reduce(flat)
    flat /= world.size
    offset = 0
    for g in grads:
        g.copy_(flat[offset:offset + g.numel()].view_as(g))
        offset += g.numel()


def mean_values(values: dict[str, Tensor], world: World) -> dict[str, float]:
    """Scalar losses averaged over the ranks (= the global batch's means)."""
    if not world.distributed:
        return {k: v.item() for k, v in values.items()}
    stacked = torch.stack([v.detach().float().reshape(()) for v in values.values()])
    dist.all_reduce(stacked)
    return dict(zip(values, (stacked / world.size).tolist(), strict=True))


def global_ratio(num: Tensor, n_num: int, den: Tensor, n_den: int, world: World) -> Tensor:
    """``(sum num / count) / (sum den / count)`` over the whole batch.

    ``num`` (differentiable) and ``den`` are this rank's sums over ``n_num`` and
    ``n_den`` elements. The value is the global ratio; the gradient is this rank's
    share of the global gradient times ``world.size`` (so that averaging the ranks'
    gradients yields the global one).
    """
    if not world.distributed:
        return (num / n_num) / (den / n_den)
    sums = torch.stack([num.detach(), den.detach(), num.new_tensor(float(n_num)),
                        num.new_tensor(float(n_den))])
    dist.all_reduce(sums)
    num_all = sums[0] + world.size * (num - num.detach())
    return (num_all / sums[2]) / (sums[1] / sums[3])


def gather(x: Tensor, world: World) -> Tensor:
    """Every rank's ``x`` (same shape), concatenated in rank order (no gradient)."""
    if not world.distributed:
        return x
    parts = [torch.empty_like(x) for _ in range(world.size)]
    dist.all_gather(parts, x.detach().contiguous())
    return torch.cat(parts)
