"""Named features of a frozen network: :func:`capture` and :class:`FeatureNet`.

One code path serves every network: forward hooks on the requested submodules, added
for one forward pass and always removed, that stop the pass as soon as the last
requested output exists (so asking for ``conv3_3`` never runs VGG's classifier).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import Tensor, nn

__all__ = [
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "FeatureNet",
    "UnknownLayerError",
    "capture",
    "from_module",
]

IMAGENET_MEAN: tuple[float, float, float] = (0.485, 0.456, 0.406)
IMAGENET_STD: tuple[float, float, float] = (0.229, 0.224, 0.225)


class UnknownLayerError(ValueError):
    """A layer name the network does not have; the message lists the layers to dream.

    Attributes:
        layer, net: what was asked.
        valid: every name the net accepts (``FeatureNet.layer_names``).
        listed: the names the message shows (``FeatureNet.dream_layers``): ``valid``
            minus aliases and layers not worth dreaming (batch norms before their
            activation, global pools, the classifier under its ``logits`` alias).
    """

    def __init__(self, layer: str, net: str, valid: Sequence[str],
                 listed: Sequence[str] | None = None, hint: str | None = None) -> None:
        self.layer, self.net, self.valid = layer, net, tuple(valid)
        self.listed = tuple(listed) if listed is not None else self.valid
        hint = hint or "any submodule path of `net.backbone` works too"
        super().__init__(
            f"unknown layer {layer!r} for net {net!r}: expected one of "
            f"{', '.join(self.listed)} ({hint})"
        )


class _StopForward(Exception):
    """Raised by a hook once every requested output is captured; never escapes."""


def capture(module: nn.Module, inputs: Tensor, paths: Sequence[str]) -> dict[str, Any]:
    """Run ``module(inputs)`` just far enough to record the outputs of some submodules.

    A forward hook on each submodule in ``paths`` (dotted names from
    ``module.named_modules()``) stores its output; when the last one is stored the
    pass stops. Hooks are removed on every exit. Outputs stay in the autograd graph,
    and captured tensors are cloned unless they end the pass, so later in-place ops
    (``ReLU(inplace=True)``, ``out += identity``) cannot change them. A submodule
    called more than once is captured at its first call.

    Args:
        module: the network.
        inputs: what ``module`` takes, e.g. images ``(B, 3, H, W)``.
        paths: submodule names; duplicates are fine.

    Returns:
        ``{path: output}`` for every distinct path.

    Raises:
        KeyError: a path is not a submodule of ``module``.
        RuntimeError: the forward pass ended without calling some submodule.
    """
    wanted = list(dict.fromkeys(paths))
    modules = dict(module.named_modules())
    missing = [p for p in wanted if p not in modules or p == ""]
    if missing:
        raise KeyError(f"capture: expected submodule names of the module, got {missing}")
    out: dict[str, Any] = {}

    def make_hook(path: str):
        def hook(_mod: nn.Module, _args: Any, output: Any) -> None:
            if path in out:
                return
            last = len(out) == len(wanted) - 1
            keep = output.clone() if isinstance(output, Tensor) and not last else output
            out[path] = keep
            if last:
                raise _StopForward

        return hook

    handles = [modules[p].register_forward_hook(make_hook(p)) for p in wanted]
    try:
        module(inputs)
    except _StopForward:
        pass
    finally:
        for handle in handles:
            handle.remove()
    if len(out) < len(wanted):
        never = [p for p in wanted if p not in out]
        raise RuntimeError(
            f"capture: expected the forward pass to call {never}, but it never did; "
            "pick layers the module's forward actually uses"
        )
    return out


class FeatureNet(nn.Module):
    """A frozen, eval-mode network that gives named activations of RGB images.

    Normalization is inside: pass images in [0, 1]. Parameters never need grad and
    ``train()`` keeps eval mode (no dropout, fixed batch-norm statistics), so gradients
    flow only to the images.

    Args:
        backbone: the network; it is frozen and set to eval mode in place.
        name: short name used in messages, e.g. ``"vgg16"``.
        layers: human layer name -> submodule path of ``backbone``, in network order;
            names that are paths themselves map to themselves.
        input_size: the side the network was trained at, in pixels.
        n_classes: number of logits, or None when unknown.
        mean, std: per-channel normalization of [0, 1] RGB images.
        categories: class names in logit order, when known.
        hidden: layer names that work but are not listed in ``dream_layers`` (aliases,
            pre-activation batch norms, pooled vectors): a listing shows what is worth
            dreaming.
        layers_hint: where an unknown-layer message sends the reader for the full list.

    Shape:
        - images: ``(B, 3, H, W)``, RGB in [0, 1].
        - ``forward`` output: ``(B, n_classes)`` logits (whatever the backbone returns).

    Example:
        >>> import torch
        >>> net = from_module(nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU()), name="tiny")
        >>> net.layer_names
        ('0', '1')
        >>> net.features(torch.rand(2, 3, 16, 16), ["0"])["0"].shape
        torch.Size([2, 4, 14, 14])
    """

    def __init__(
        self,
        backbone: nn.Module,
        *,
        name: str,
        layers: Mapping[str, str],
        input_size: int = 224,
        n_classes: int | None = None,
        mean: Sequence[float] = IMAGENET_MEAN,
        std: Sequence[float] = IMAGENET_STD,
        categories: Sequence[str] | None = None,
        hidden: Sequence[str] = (),
        layers_hint: str | None = None,
    ) -> None:
        super().__init__()
        if len(mean) != 3 or len(std) != 3:
            raise ValueError(
                f"FeatureNet: expected 3 values for mean and std (RGB), got {len(mean)} "
                f"and {len(std)}; pass per-channel tuples like IMAGENET_MEAN"
            )
        self.backbone = backbone.requires_grad_(False)
        self.name = name
        self._paths = dict(layers)
        self.layer_names: tuple[str, ...] = tuple(self._paths)
        self.dream_layers: tuple[str, ...] = tuple(n for n in self._paths if n not in hidden)
        self.layers_hint = layers_hint
        self.input_size = int(input_size)
        self.n_classes = n_classes
        self.categories = tuple(categories) if categories is not None else None
        self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(std).view(1, 3, 1, 1), persistent=False)
        self.train(False)

    def train(self, mode: bool = True) -> FeatureNet:
        """Stay in eval mode whatever ``mode`` is: the net is a fixed feature extractor."""
        return super().train(False)

    def extra_repr(self) -> str:
        return f"name={self.name!r}, input_size={self.input_size}, n_classes={self.n_classes}"

    def resolve_layer(self, layer: str) -> str:
        """The submodule path of ``layer`` (a layer name or a path of ``backbone``).

        Raises:
            UnknownLayerError: ``layer`` is neither; the message lists ``layer_names``.
        """
        if layer in self._paths:
            return self._paths[layer]
        if layer and layer in dict(self.backbone.named_modules()):
            return layer
        raise UnknownLayerError(layer, self.name, self.layer_names, self.dream_layers,
                                self.layers_hint)

    def normalize(self, images: Tensor) -> Tensor:
        """Map [0, 1] RGB ``(B, 3, H, W)`` to the network's input statistics."""
        if images.dim() != 4 or images.shape[1] != 3:
            raise ValueError(
                f"{self.name}: expected RGB images of shape (B, 3, H, W) in [0, 1], got "
                f"{tuple(images.shape)}; add a batch axis with images[None] or drop alpha"
            )
        return (images - self.mean) / self.std

    def features(self, images: Tensor, layers: str | Sequence[str]) -> dict[str, Tensor]:
        """Named activations from one forward pass that stops after the last of them.

        Args:
            images: RGB in [0, 1], ``(B, 3, H, W)``; gradients flow back to it.
            layers: one name or several, from ``layer_names`` or submodule paths.

        Returns:
            ``{name: activation}`` in the order asked, e.g. ``(B, 256, H/4, W/4)`` for
            VGG16 ``conv3_3``.

        Raises:
            UnknownLayerError: a name the net does not have.
        """
        names = [layers] if isinstance(layers, str) else list(layers)
        if not names:
            raise ValueError(f"{self.name}: expected at least one layer name, got none")
        paths = {name: self.resolve_layer(name) for name in names}
        out = capture(self.backbone, self.normalize(images), list(paths.values()))
        return {name: out[path] for name, path in paths.items()}

    def forward(self, images: Tensor) -> Tensor:
        """Logits ``(B, n_classes)`` of RGB images ``(B, 3, H, W)`` in [0, 1]."""
        return self.backbone(self.normalize(images))


def from_module(
    module: nn.Module,
    *,
    name: str | None = None,
    input_size: int = 224,
    mean: Sequence[float] = IMAGENET_MEAN,
    std: Sequence[float] = IMAGENET_STD,
    n_classes: int | None = None,
) -> FeatureNet:
    """Wrap any ``nn.Module`` taking ``(B, 3, H, W)`` images; layers are its submodules.

    Layer names are the dotted names of ``module.named_modules()`` (registration
    order, which is network order for ``nn.Sequential``). The module is frozen and set
    to eval mode in place, not copied.

    Example:
        >>> net = from_module(nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU()), name="mine")
        >>> net.layer_names
        ('0', '1')
    """
    if not isinstance(module, nn.Module) or isinstance(module, FeatureNet):
        raise TypeError(
            f"from_module: expected a plain torch.nn.Module, got {type(module).__name__}; "
            "pass the network object itself (a FeatureNet is ready to use as is)"
        )
    layers = {path: path for path, _ in module.named_modules() if path}
    return FeatureNet(
        module,
        name=name or type(module).__name__,
        layers=layers,
        input_size=input_size,
        n_classes=n_classes,
        mean=mean,
        std=std,
    )
