"""Loading the painter package's weights files: a module, frozen, from ``torch.load``.

The neural painter and the painting agent ship and write the same kind of file,
``{"config": dict, "state_dict": dict[str, Tensor], ["format": str], ...}`` of plain
tensors, numbers and strings, read with ``weights_only=True``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn

__all__ = ["load_frozen"]


def load_frozen(path: Path, build: Callable[[dict], nn.Module], *, kind: str, missing: str,
                fmt: str | None = None, device: str | torch.device = "cpu") -> nn.Module:
    """The module ``build(config)`` with the file's weights, in eval mode on ``device``,
    its parameters not requiring grad. Half-precision weights are widened to float32.

    Raises:
        ValueError: (one line) ``missing`` when there is no file; ``not a <kind>
            checkpoint: <path> (<why>)`` when it cannot be read, is not ``fmt`` (if
            given) or does not fit the module.
    """
    if not path.is_file():
        raise ValueError(missing)
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
        if fmt is not None and ckpt.get("format") != fmt:
            raise ValueError(f"format is {ckpt.get('format')!r}, expected {fmt!r}")
        module = build(ckpt["config"])
        module.load_state_dict({k: v.float() if v.is_floating_point() else v
                                for k, v in ckpt["state_dict"].items()})
    except Exception as exc:  # noqa: BLE001 - any failure means "not such a file"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        first = first.split(". ")[0][:120]  # torch's unpickling errors run for paragraphs
        raise ValueError(f"not a {kind} checkpoint: {path} ({first})") from None
    module.eval().to(device)
    for p in module.parameters():
        p.requires_grad_(False)
    return module
