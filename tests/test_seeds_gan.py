"""Seeds II: DiffAugment, the seed discriminator, the vector generator, GAN training,
offline evaluation and refinement against the discriminator.

Tiny settings (32 px Truchet seeds on a 4 x 4 grid, one thread): the acceptance run
trains 80 steps (~20 s) and must lower the own-feature KID clearly below the untrained
generator's.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import torch
from PIL import Image

from vecdream import Drawing, render
from vecdream.seeds.diffaugment import AdaptiveAugment, diff_augment
from vecdream.seeds.discriminator import (
    SeedDiscriminator,
    load_discriminator,
    r1_gamma,
    save_discriminator,
    train_discriminator,
)
from vecdream.seeds.evaluate import dihedral, evaluate, kid, memorization, vendi_score
from vecdream.seeds.families import make_drawings
from vecdream.seeds.gan import load_seed_gan, train_seed_gan
from vecdream.seeds.generator import GeneratorConfig, VectorGenerator
from vecdream.seeds.refine import refine_seed, score_drawings

torch.set_num_threads(1)

SIZE = 32


def truchet(n: int, seed: int) -> torch.Tensor:
    return render(make_drawings("truchet", n, seed=seed, size=SIZE, grid=4), SIZE, SIZE)


@pytest.fixture(scope="module")
def real() -> torch.Tensor:
    return truchet(96, seed=0)


@pytest.fixture(scope="module")
def held_out() -> torch.Tensor:
    return truchet(96, seed=1)


# ---------------------------------------------------------------- DiffAugment
def test_diff_augment_is_reproducible_differentiable_and_pads_with_paper():
    x = torch.rand(6, 3, 16, 16, requires_grad=True)
    a = diff_augment(x, generator=torch.Generator().manual_seed(3))
    b = diff_augment(x, generator=torch.Generator().manual_seed(3))
    assert a.shape == x.shape and torch.equal(a, b)
    a.sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    white = torch.ones(8, 3, 16, 16)
    moved = diff_augment(white, ("translation", "flip", "rot90"),
                         generator=torch.Generator().manual_seed(0))
    assert torch.equal(moved, white)  # geometry transforms bring in paper, never black


def test_rot90_and_flip_are_dihedral_moves_and_unknown_names_fail():
    x = torch.rand(16, 3, 8, 8)
    y = diff_augment(x, ("flip", "rot90"), generator=torch.Generator().manual_seed(1))
    for xi, yi in zip(x, y, strict=True):
        assert any(torch.equal(t, yi) for t in dihedral(xi[None])[:, 0])
    with pytest.raises(ValueError, match="unknown transform"):
        diff_augment(x, ("colour",))


def test_adaptive_probability_rises_when_d_overfits():
    ada = AdaptiveAugment(kimg=0.01, interval=2)
    for _ in range(4):
        ada.update(torch.ones(16))  # D sure of every real: overfitting
    assert ada.p > 0
    p = ada.p
    for _ in range(2):
        ada.update(-torch.ones(16))
    assert ada.p < p


# ---------------------------------------------------------------- discriminator
def test_r1_gamma_heuristic():
    assert r1_gamma(64, 32) == pytest.approx(0.0256)


def test_discriminator_file_round_trip_weights_only(tmp_path):
    d = SeedDiscriminator(16, channels=8)
    x = torch.rand(3, 3, 16, 16)
    save_discriminator(d, tmp_path / "d.pt")
    torch.load(tmp_path / "d.pt", weights_only=True)  # plain tensors only
    again = load_discriminator(tmp_path / "d.pt")
    assert torch.allclose(again(x), d.eval()(x))
    (tmp_path / "bad.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="cannot read"):
        load_discriminator(tmp_path / "bad.pt")


def test_minibatch_statistics_tell_a_collapsed_batch_from_a_diverse_one(tmp_path):
    torch.manual_seed(0)
    d = SeedDiscriminator(16, channels=8, minibatch_std=True).eval()
    same = torch.rand(1, 3, 16, 16).expand(6, -1, -1, -1)
    varied = torch.rand(6, 3, 16, 16)
    assert d.features(varied).shape == (6, (32 + 1) * 16)  # 32 channels at 4 x 4, + the std
    assert d.features(same)[:, -16:].abs().max() < 1e-3
    assert (d.features(varied)[:, -16:] > 1e-3).all()
    save_discriminator(d, tmp_path / "d.pt")
    again = load_discriminator(tmp_path / "d.pt")
    assert again.minibatch_std and torch.allclose(again(varied), d(varied))
    assert "minibatch_std" not in SeedDiscriminator(16, 8).config()  # old files unchanged
    result = train_seed_gan(torch.rand(8, 3, 16, 16), n_paths=2, size=16, steps=2, batch=4,
                            minibatch_std=True, channels=8, checkpoint=tmp_path / "g.ckpt",
                            checkpoint_every=1)
    assert result.step == 2
    resumed = train_seed_gan(torch.rand(8, 3, 16, 16), steps=3, resume=tmp_path / "g.ckpt")
    assert resumed.step == 3


# ---------------------------------------------------------------- generator
def test_generator_shapes_closed_paths_and_palette():
    palette = [[0.9, 0.1, 0.1], [0.1, 0.1, 0.9], [1.0, 0.9, 0.2]]
    g = VectorGenerator(GeneratorConfig(n_paths=6, n_closed=3, segments=2, size=40,
                                        palette=palette))
    out = g(torch.randn(4, g.config.z_dim))
    assert out["points"].shape == (4, 7, 7, 2)  # background + 6 paths, 3S+1 points
    closed = g.path_closed
    assert closed.tolist() == [True] * 4 + [False] * 3
    assert torch.allclose(out["points"][:, closed, -1], out["points"][:, closed, 0])
    used = torch.cat([out["fill"][:, :4, :3], out["stroke"][:, 4:, :3]], 1).reshape(-1, 3)
    assert torch.cdist(used, torch.tensor(palette)).min(dim=1).values.max() < 1e-6
    images = render(g.drawings(out))
    images.mean().backward()
    assert g.queries.grad.abs().sum() > 0 and g.anchors.grad.abs().sum() > 0


def _cairosvg_paths(svg: str) -> tuple[int, np.ndarray]:
    cairosvg = pytest.importorskip("cairosvg")
    tree = cairosvg.parser.Tree(bytestring=svg.encode())
    count = sum(1 for node in _walk(tree) if node.tag == "path")
    png = cairosvg.svg2png(bytestring=svg.encode(), background_color="white")
    return count, np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), float) / 255


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


# ---------------------------------------------------------------- training (acceptance)
@pytest.fixture(scope="module")
def trained(real, tmp_path_factory):
    ckpt = tmp_path_factory.mktemp("gan") / "gan.pt"
    result = train_seed_gan(real, n_paths=16, n_closed=16, size=SIZE, steps=80, batch=16,
                            seed=0, checkpoint=ckpt)
    untrained = train_seed_gan(real, n_paths=16, n_closed=16, size=SIZE, steps=0, batch=16,
                               seed=0)
    return result, untrained, ckpt


def _kid_of(generator, held_out, real):
    samples = render(generator.sample(96, generator=torch.Generator().manual_seed(5)),
                     SIZE, SIZE)
    return evaluate(samples, held_out, train=real, size=SIZE, subsets=50)


def test_short_training_lowers_kid_clearly(trained, real, held_out):
    result, untrained, _ = trained
    before = _kid_of(untrained.generator, held_out, real)
    after = _kid_of(result.generator, held_out, real)
    assert after.kid - after.kid_floor < 0.5 * (before.kid - before.kid_floor), (before, after)
    assert not after.memorized


def test_samples_are_svgs_that_read_back_with_the_same_paths(trained):
    generator, _, info = load_seed_gan(trained[2])
    assert info["step"] == 80
    for d in generator.sample(3, generator=torch.Generator().manual_seed(1)):
        svg = d.to_svg()
        ET.fromstring(svg)
        again = Drawing.from_svg(svg)
        assert len(again) == len(d) == svg.count("<path")
        count, pixels = _cairosvg_paths(svg)
        assert count == len(d)
        ours = render(d).permute(1, 2, 0).numpy()
        assert np.abs(ours - pixels).mean() < 0.05  # the SVG shows what D saw


def test_training_is_deterministic_and_resumes_exactly(real, tmp_path):
    kw = dict(n_paths=4, size=16, batch=4, seed=7)
    straight = train_seed_gan(real[:16], steps=4, **kw)
    again = train_seed_gan(real[:16], steps=4, **kw)
    train_seed_gan(real[:16], steps=2, checkpoint=tmp_path / "half.pt", **kw)
    resumed = train_seed_gan(real[:16], steps=4, resume=tmp_path / "half.pt", **kw)
    for a, b, c in zip(straight.generator.state_dict().values(),
                       again.generator.state_dict().values(),
                       resumed.generator.state_dict().values(), strict=True):
        assert torch.equal(a, b) and torch.equal(a, c)
    assert straight.history == resumed.history


def test_interrupt_leaves_a_loadable_checkpoint(real, tmp_path):
    def interrupt(info):
        if info.step == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train_seed_gan(real[:16], n_paths=4, size=16, batch=4, steps=10, callback=interrupt,
                       checkpoint=tmp_path / "ctrl_c.pt")
    generator, _, info = load_seed_gan(tmp_path / "ctrl_c.pt")
    assert info["step"] == 2 and len(generator.sample(1)) == 1


# ---------------------------------------------------------------- evaluation
def test_memorization_flags_copies_rotated_and_flipped_not_new_seeds(real):
    copies = torch.stack([real[3], torch.rot90(real[10], 1, dims=(-2, -1)),
                          real[20].flip(-1), torch.rot90(real[7], 1, dims=(-2, -1)).flip(-2)])
    fresh = truchet(8, seed=2)
    _, ratio, nearest = memorization(torch.cat([copies, fresh]), real)
    assert (ratio[:4] < 1 / 3).all() and nearest[:4].tolist() == [3, 10, 20, 7]
    assert (ratio[4:] >= 1 / 3).all()


def test_kid_floor_precision_recall_and_vendi(real, held_out):
    same = evaluate(held_out, real, size=SIZE, subsets=20)
    noise = evaluate(torch.rand(96, 3, SIZE, SIZE), real, size=SIZE, subsets=20)
    assert abs(same.kid) < 0.25 * noise.kid and abs(same.kid_floor) < 0.25 * noise.kid
    assert same.precision > 0.5 and same.recall > 0.5 and noise.precision == 0.0
    assert len(same.memorized) == 0
    f = torch.randn(10, 16)
    assert vendi_score(f.repeat(4, 1)) < vendi_score(torch.randn(40, 16))
    assert kid(f, f, subsets=3)[0] < 0.05


# ---------------------------------------------------------------- refinement
def test_refinement_raises_the_discriminator_score(real, tmp_path):
    d, history = train_discriminator(real, size=SIZE, steps=40, batch=16, channels=16)
    save_discriminator(d, tmp_path / "d.pt")
    start = Drawing.random(12, size=(SIZE, SIZE), width=2.0, colors=True, seed=3)
    refined, hist = refine_seed(start, tmp_path / "d.pt", steps=20)
    before, after = score_drawings(tmp_path / "d.pt", [start, refined]).tolist()
    assert after > before + 1.0 and hist["loss"][-1] < hist["loss"][0]
    assert len(history["d_loss"]) == 40


def test_objectives_discriminator_is_a_named_objective(tmp_path):
    from vecdream.objectives import DreamContext, discriminator

    d = SeedDiscriminator(16, channels=8)
    save_discriminator(d, tmp_path / "d.pt")
    objective = discriminator(tmp_path / "d.pt") + 0.0
    images = torch.rand(2, 3, 24, 24)
    value = objective(DreamContext(images, images, []))
    assert "discriminator(" in objective.name and value.dim() == 0
    with pytest.raises(ValueError, match="source"):
        discriminator(tmp_path / "d.pt", source="crops")
