"""Frozen networks with named features, for objectives to read.

``load_net("vgg16")`` gives a :class:`FeatureNet`: ImageNet normalization inside
(feed RGB in [0, 1]), frozen parameters, eval mode, and
``net.features(images, ["conv3_3"])`` that runs only as far as the deepest requested
layer. Unknown layer names raise :class:`UnknownLayerError`, which lists valid names.

Example:
    >>> import torch
    >>> from vecdream.nets import load_net, parse_layer_spec
    >>> name, layer = parse_layer_spec("resnet18:layer3")
    >>> net = load_net(name, weights=None)
    >>> net.features(torch.rand(1, 3, 64, 64), [layer])[layer].shape
    torch.Size([1, 256, 4, 4])

May import: nothing else of vecdream (torch, torchvision, timm), so every later stage
can use it (stage order: docs/ARCHITECTURE.md, checked by tests/test_imports.py).
"""

from __future__ import annotations

from vecdream.nets.core import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    FeatureNet,
    UnknownLayerError,
    capture,
    from_module,
)
from vecdream.nets.weights import WeightsUnavailableError, hub_checkpoint_path
from vecdream.nets.zoo import (
    NET_NAMES,
    canonical_net_name,
    efficientnet_lite0,
    load_net,
    parse_layer_spec,
    resnet18,
    vgg16,
)

__all__ = [
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "NET_NAMES",
    "FeatureNet",
    "UnknownLayerError",
    "WeightsUnavailableError",
    "canonical_net_name",
    "capture",
    "efficientnet_lite0",
    "from_module",
    "hub_checkpoint_path",
    "load_net",
    "parse_layer_spec",
    "resnet18",
    "vgg16",
]
