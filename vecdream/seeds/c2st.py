"""Classifier two-sample test: can a small CNN tell generated seeds from real ones?

KID compares feature statistics; a classifier trained on the pixels themselves finds
whatever gives the samples away (blurred edges, wrong shapes, missing structure). Half
of each set trains a small CNN to separate them, the other half measures its accuracy:
0.5 means indistinguishable, 1.0 means every sample is spotted (Lopez-Paz & Oquab,
"Revisiting classifier two-sample tests", 2017).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["c2st_accuracy"]


def _classifier(channels: int = 32) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, channels, 3, padding=1), nn.LeakyReLU(0.2), nn.AvgPool2d(2),
        nn.Conv2d(channels, 2 * channels, 3, padding=1), nn.LeakyReLU(0.2), nn.AvgPool2d(2),
        nn.Conv2d(2 * channels, 2 * channels, 3, padding=1), nn.LeakyReLU(0.2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2 * channels, 1))


def c2st_accuracy(fake: Tensor, real: Tensor, *, epochs: int = 30, batch: int = 32,
                  seed: int = 0) -> float:
    """Held-out accuracy of a CNN separating ``fake`` from ``real``.

    Args:
        fake, real: ``(N, 3, S, S)`` and ``(M, 3, S, S)`` images in [0, 1]; the larger set
            is cut to the smaller one's size, so chance is 0.5.
        epochs: passes over the training halves (Adam 1e-3).
        seed: split, initial weights and batch order: the result is deterministic.

    Returns:
        Accuracy on the held-out halves, in [0, 1].
    """
    g = torch.Generator().manual_seed(seed)
    n = min(len(fake), len(real))
    if n < 4:
        raise ValueError(f"c2st_accuracy: expected at least 4 images per set, got {n}")
    fake = fake[torch.randperm(len(fake), generator=g)[:n]].float()
    real = real[torch.randperm(len(real), generator=g)[:n]].float()
    half = n // 2
    x_train = torch.cat([fake[:half], real[:half]])
    y_train = torch.cat([torch.zeros(half), torch.ones(half)])
    x_test = torch.cat([fake[half:], real[half:]])
    y_test = torch.cat([torch.zeros(n - half), torch.ones(n - half)])
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = _classifier()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(epochs):
        order = torch.randperm(len(x_train), generator=g)
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            loss = loss_fn(net(x_train[idx]).squeeze(1), y_train[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    with torch.no_grad():
        guess = net(x_test).squeeze(1) > 0
    return float((guess == y_test.bool()).float().mean())
