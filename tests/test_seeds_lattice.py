"""The lattice generator (issue 21): periodic seeds from a codebook of learned motifs."""

from __future__ import annotations

import pytest
import torch

from vecdream import Drawing, render
from vecdream.seeds.families import make_drawings
from vecdream.seeds.gan import choose_generator, load_seed_gan, train_seed_gan
from vecdream.seeds.lattice import DIHEDRAL, LatticeConfig, LatticeGenerator
from vecdream.seeds.seamless import seam_score

torch.set_num_threads(1)


def test_dihedral_is_the_group_of_the_square():
    products = {tuple((a @ b).flatten().tolist()) for a in DIHEDRAL for b in DIHEDRAL}
    assert len(products) == 8 and {tuple(m.flatten().tolist()) for m in DIHEDRAL} == products
    assert all(abs(abs(float(torch.linalg.det(m))) - 1) < 1e-6 for m in DIHEDRAL)


def test_samples_are_closed_fills_inside_their_cells_and_tile_seamlessly():
    cfg = LatticeConfig(grid=3, motifs=3, shapes=2, size=48)
    g = LatticeGenerator(cfg)
    out = g(torch.randn(4, cfg.total_z, generator=torch.Generator().manual_seed(0)))
    assert out["points"].shape == (4, 1 + 9 * 2, 13, 2)
    pts = out["points"][:, 1:].reshape(4, 9, 2, 13, 2)
    assert torch.equal(pts[..., 0, :], pts[..., -1, :])  # closed on the first point
    cell = 48 / 3
    origin = torch.stack(torch.meshgrid(torch.arange(3), torch.arange(3), indexing="xy"),
                         -1).reshape(9, 2) * cell
    local = (pts - origin[None, :, None, None]) / cell
    assert local.min() >= -cfg.overlap - 1e-5 and local.max() <= 1 + cfg.overlap + 1e-5
    # hard choices: every shape fully on or off, colours from the seed's slots
    alpha = out["fill"][..., 3]
    assert torch.minimum(alpha, 1 - alpha).abs().max() < 1e-6
    for d in g.drawings(out, prune=True):
        assert seam_score(d, 96).seamless


def test_gradients_reach_motifs_choices_and_palette():
    g = LatticeGenerator(LatticeConfig(grid=2, motifs=2, size=32))
    z = torch.randn(3, g.config.total_z, generator=torch.Generator().manual_seed(1))
    image = render(g.drawings(g(z)), 32, 32)
    (image * torch.linspace(0, 1, 32)).sum().backward()
    for name in ("motif_logits", "cell_head.weight", "palette_head.weight"):
        grad = dict(g.named_parameters())[name].grad
        assert grad is not None and grad.abs().sum() > 0, name


def test_brand_palette_is_used_exactly():
    palette = [[0.9, 0.1, 0.1], [0.1, 0.1, 0.8], [1.0, 1.0, 1.0]]
    g = LatticeGenerator(LatticeConfig(grid=2, motifs=2, size=32, palette=palette))
    out = g(torch.randn(5, g.config.total_z, generator=torch.Generator().manual_seed(2)))
    on = out["fill"][out["fill"][..., 3] > 0.5][:, :3]
    assert (on[:, None] - torch.tensor(palette)).norm(dim=-1).amin(1).max() < 1e-6


def test_bad_config_and_wrong_noise_size_raise_one_line():
    with pytest.raises(ValueError, match="segments >= 4"):
        LatticeGenerator(LatticeConfig(segments=3))
    g = LatticeGenerator(LatticeConfig(grid=2, motifs=2))
    with pytest.raises(ValueError, match="expected z of"):
        g(torch.randn(1, 64))


def test_auto_picks_the_lattice_for_tiles_and_paths_for_blobs():
    tiles = render(make_drawings("smith", 6, seed=0, size=64, grid=4), 64, 64)
    assert choose_generator(tiles) == "lattice"
    blobs = [Drawing(torch.tensor([[[10.0, 10], [30, 0], [50, 30], [20, 40]]]) + i,
                     torch.tensor([6.0]), torch.tensor([[0.1, 0.2, 0.6, 1.0]]), (64, 64))
             for i in range(6)]
    assert choose_generator(render(blobs, 64, 64)) == "paths"


def test_lattice_training_checkpoint_resumes_and_loads(tmp_path):
    data = render(make_drawings("truchet", 24, seed=0, size=32, grid=4), 32, 32)
    path = tmp_path / "lattice.pt"
    kwargs = dict(size=32, batch=4, generator="lattice", grid=4, motifs=3, seed=3)
    whole = train_seed_gan(data, steps=4, **kwargs)
    train_seed_gan(data, steps=2, checkpoint=path, **kwargs)
    resumed = train_seed_gan(data, steps=4, resume=path, **kwargs)
    for a, b in zip(whole.generator.parameters(), resumed.generator.parameters(), strict=True):
        assert torch.equal(a, b)
    g, _, info = load_seed_gan(path)
    assert isinstance(g, LatticeGenerator) and info["step"] == 2
    with pytest.raises(ValueError, match="generator must be one of"):
        train_seed_gan(data, steps=1, size=32, generator="raster")


def test_c2st_spots_a_different_set_not_the_same_one():
    from vecdream.seeds.c2st import c2st_accuracy

    smith = render(make_drawings("smith", 48, seed=0, size=32, grid=4), 32, 32)
    smith2 = render(make_drawings("smith", 48, seed=1, size=32, grid=4), 32, 32)
    truchet = render(make_drawings("truchet", 48, seed=1, size=32, grid=4), 32, 32)
    assert c2st_accuracy(truchet, smith, epochs=15) >= 0.9
    assert c2st_accuracy(smith2, smith, epochs=15) <= 0.7


def test_discriminator_blur_keeps_ink_wraps_around_and_fades_out():
    from vecdream.seeds.diffaugment import blur

    x = torch.zeros(1, 3, 16, 16)
    x[..., 0, 0] = 1
    y = blur(x, 2.0)
    assert torch.allclose(y.sum(), x.sum()) and y[0, 0, 15, 15] > 0.02  # across the wrap
    assert torch.equal(blur(x, 0.0), x)
    data = render(make_drawings("smith", 8, seed=0, size=16, grid=4), 16, 16)
    run = train_seed_gan(data, steps=2, size=16, batch=4, generator="lattice", blur=2.0,
                         blur_steps=1)
    assert run.step == 2


def test_bounding_the_motif_choices_only_keeps_a_seeds_colours_coherent():
    def sample(bound_slots: bool) -> tuple[int, int]:
        cfg = LatticeConfig(grid=3, motifs=2, shapes=2, size=48, logit_bound=1.0,
                            bound_slots=bound_slots)
        g = LatticeGenerator(cfg)
        with torch.no_grad():  # every cell wants motif 0 and colour slot 0, strongly
            g.cell_head.weight.zero_()
            bias = g.cell_head.bias.view(cfg.cells, -1)
            bias.zero_()
            bias[:, 0] = 50.0
            bias[:, cfg.choices:].view(cfg.cells, cfg.shapes, -1)[..., 0] = 50.0
            out = g(torch.randn(8, cfg.total_z, generator=torch.Generator().manual_seed(3)))
        shapes = out["points"][:, 1:].reshape(8, cfg.cells, -1)
        layouts = len({tuple(s.round(decimals=3).flatten().tolist()) for s in shapes})
        colours = out["fill"][:, 1:, :3]
        mixed = int(sum((c - c[:1]).abs().max() > 1e-6 for c in colours))
        return layouts, mixed

    layouts, mixed = sample(bound_slots=True)
    assert layouts > 1 and mixed > 0  # the bound randomizes motifs and colours alike
    layouts, mixed = sample(bound_slots=False)
    assert layouts > 1 and mixed == 0  # varied layouts, one colour per seed
