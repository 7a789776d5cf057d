"""Finding and loading pretrained weights, offline first.

``"imagenet"`` weights of torchvision nets are read from torch hub's cache
(``torch.hub.get_dir()/checkpoints``); a download is tried only when asked and only
after a quick reachability check, so an offline machine fails in well under a second
with one line that says which file to put where.
"""

from __future__ import annotations

import logging
import os
import pickle
import socket
import threading
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import torch
from torch import Tensor, nn

__all__ = [
    "WeightsSpec",
    "WeightsUnavailableError",
    "hub_checkpoint_path",
    "load_by_order",
    "load_file",
    "torchvision_state_dict",
]

logger = logging.getLogger(__name__)

WeightsSpec = str | os.PathLike | None
"""``"imagenet"``, ``None`` (untrained) or the path of a saved state dict."""

_CONNECT_TIMEOUT_S = 3.0


class WeightsUnavailableError(RuntimeError):
    """Pretrained weights could not be found locally nor downloaded.

    Attributes:
        net: the network name, when known.
        url: where the weights download from, when known.
        path: where the file was looked for.
    """

    def __init__(self, message: str, *, net: str | None = None, url: str | None = None,
                 path: Path | None = None) -> None:
        super().__init__(message)
        self.net, self.url, self.path = net, url, path


def hub_checkpoint_path(url: str) -> Path:
    """Where torch hub caches the file of ``url``: ``<hub dir>/checkpoints/<file name>``."""
    return Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(urlparse(url).path)


def load_file(path: str | os.PathLike) -> dict[str, Tensor]:
    """Load a state dict saved with ``torch.save`` (tensors only, ``weights_only=True``).

    Raises:
        WeightsUnavailableError: no file at ``path``.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise WeightsUnavailableError(
            f"expected a weights file at {path}, got no such file; "
            "check the path or pass weights=None for an untrained net",
            path=path,
        )
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError) as exc:
        # torch's own message suggests weights_only=False: unsafe, so not repeated here.
        raise WeightsUnavailableError(
            f"expected a torch.save state dict of tensors in {path}, got a file torch.load "
            f"cannot read safely ({type(exc).__name__})"
        ) from None
    if not isinstance(state, Mapping):
        raise ValueError(
            f"expected {path} to hold a state dict, got {type(state).__name__}; "
            "save it with torch.save(model.state_dict(), path)"
        )
    return dict(state)


def _reachable(url: str, timeout: float = _CONNECT_TIMEOUT_S) -> str | None:
    """None if ``url``'s host accepts a TCP connection within ``timeout``, else why not.

    Runs in a daemon thread so that a hanging DNS lookup cannot block the caller.
    A configured proxy skips the check (the download goes through the proxy).
    """
    parsed = urlparse(url)
    if urllib.request.getproxies().get(parsed.scheme):
        return None
    result: list[str | None] = []

    def probe() -> None:
        try:
            socket.create_connection((parsed.hostname, parsed.port or 443), timeout).close()
            result.append(None)
        except OSError as exc:
            result.append(f"{type(exc).__name__}: {exc}")

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout + 1.0)
    return result[0] if result else f"no answer from {parsed.hostname} in {timeout:.0f} s"


def _unavailable(net: str, url: str, reason: str) -> WeightsUnavailableError:
    target = hub_checkpoint_path(url)
    return WeightsUnavailableError(
        f"{net} ImageNet weights are not available ({reason}): expected the file "
        f"{target.name} at {target}; on a machine with internet download {url}, copy it "
        f"to that path (or pass weights='/path/to/{target.name}'); weights=None gives an "
        "untrained net, and 'efficientnet_lite0' has ImageNet weights offline",
        net=net, url=url, path=target,
    )


def torchvision_state_dict(net: str, url: str, *, download: bool = True) -> dict[str, Tensor]:
    """The ImageNet state dict of a torchvision net, from the hub cache or downloaded.

    Args:
        net: name for messages, e.g. ``"vgg16"``.
        url: the weights URL (``VGG16_Weights.IMAGENET1K_V1.url``); its file name is
            what the cache holds.
        download: try to download when the file is not cached.

    Raises:
        WeightsUnavailableError: not cached and not downloadable; the one-line message
            names the file, the path to put it at and the URL.
    """
    cached = hub_checkpoint_path(url)
    if cached.is_file():
        logger.debug("loading %s weights from %s", net, cached)
        return load_file(cached)
    if not download:
        raise _unavailable(net, url, "not in the torch hub cache and download=False")
    reason = _reachable(url)
    if reason is not None:
        raise _unavailable(net, url, f"not cached, and the download host is unreachable: {reason}")
    logger.info("downloading %s weights from %s to %s", net, url, cached)
    try:
        return torch.hub.load_state_dict_from_url(
            url,
            model_dir=str(cached.parent),
            map_location="cpu",
            progress=False,
            check_hash=True,
            weights_only=True,
        )
    except Exception as exc:  # any failure becomes the same actionable message
        raise _unavailable(net, url, f"download failed: {type(exc).__name__}: {exc}") from exc


def load_by_order(model: nn.Module, state: Mapping[str, Any], *, source: str) -> None:
    """Load ``state`` into ``model``, by key when the keys match, else tensor by tensor in
    order (for checkpoints of the same architecture saved under other key names).

    Raises:
        ValueError: the counts differ or a shape does not match; says which tensor.
    """
    target = model.state_dict()
    if set(state) == set(target):
        model.load_state_dict(state)
        return
    if len(state) != len(target):
        raise ValueError(
            f"expected {len(target)} tensors in {source} to load {type(model).__name__} "
            f"by order, got {len(state)}; is it a checkpoint of this architecture?"
        )
    mapped = {}
    for i, ((src, tensor), (dst, ref)) in enumerate(
        zip(state.items(), target.items(), strict=True)
    ):
        if tensor.shape != ref.shape:
            raise ValueError(
                f"expected tensor #{i} of {source} ({src}) to have shape {tuple(ref.shape)} "
                f"like {dst}, got {tuple(tensor.shape)}; is it a checkpoint of this "
                "architecture?"
            )
        mapped[dst] = tensor
    model.load_state_dict(mapped)
