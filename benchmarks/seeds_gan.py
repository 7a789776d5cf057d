"""Vector GAN vs raster DCGAN vs DCGAN + vtracer, on the same seeds, budget and D.

Datasets (all rendered to ``--size`` px on white; a training half and a held-out half):

    truchet   Seeds I's diagonal-triangle Truchet family, 4 x 4 grid, bauhaus palette
    smith     Seeds I's quarter-circle Smith family, 4 x 4 grid, two-coloured
    icons     the 329 icons of the npm package @iconify-json/flat-color-icons (MIT),
              fetched with ``npm pack`` into a temporary folder at run time (never
              committed): a colourful vector set standing in for a designer's folder

Methods, each trained for ``--steps`` steps of ``--batch`` images against the same
discriminator (:class:`SeedDiscriminator`, non-saturating loss, R1 with the StyleGAN2-ADA
gamma, DiffAugment colour/translation/cutout/flip/rot90, Adam 1e-3 betas (0, 0.99),
G EMA 0.99):

    vector     :func:`vecdream.seeds.gan.train_seed_gan`, ``--paths`` paths (+ a
               background disc); samples are SVG by construction
    dcgan      the Truchet-GAN blog's kind of DCGAN: z(64) → 4x4x256 → transposed convs
               with BatchNorm → ``--size`` px (raster; no SVG)
    dcgan+vt   the DCGAN's samples upscaled 4x and vectorized with vtracer (what prior
               raster-GAN work had to do), rendered back with cairosvg
    dcgan+vt<=K  the same with vtracer's speckle filter raised per sample until the SVG
               has at most K paths, K = the vector GAN's most paths per sample (same
               path budget)

Evaluation (:mod:`vecdream.seeds.evaluate`, own random-CNN features): KID against the
held-out half (the real-half floor is printed as ``floor``), precision/recall k=3,
Vendi score, memorized samples (nearest/second-nearest training seed ratio < 1/3 under
the 8 rotations/flips), seconds per training step, and SVG paths and bytes per sample.

    python benchmarks/seeds_gan.py                           # ~8 CPU minutes
    python benchmarks/seeds_gan.py --steps 50 --datasets truchet --samples 64   # smoke

Sample sheets go to ``--out`` (one PNG per dataset, rows: held-out real | vector | dcgan |
dcgan+vt | dcgan+vt<=K).
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import nn

from vecdream import render
from vecdream.seeds.diffaugment import DEFAULT_POLICY, diff_augment
from vecdream.seeds.discriminator import SeedDiscriminator, d_loss, g_loss, r1_gamma, r1_penalty
from vecdream.seeds.evaluate import evaluate
from vecdream.seeds.families import make_drawings
from vecdream.seeds.gan import train_seed_gan


def family_images(name: str, n: int, size: int, seed: int) -> torch.Tensor:
    return render(make_drawings(name, n, seed=seed, size=size, grid=4), size, size)


def svg_to_image(svg: str, size: int) -> torch.Tensor:
    import cairosvg

    png = cairosvg.svg2png(bytestring=svg.encode(), output_width=size, output_height=size,
                           background_color="white")
    array = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.float32) / 255
    return torch.from_numpy(array).permute(2, 0, 1)


def icon_images(size: int) -> torch.Tensor:
    """Every icon of @iconify-json/flat-color-icons, rendered with cairosvg."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", "@iconify-json/flat-color-icons", "--silent"],
                       cwd=tmp, check=True, capture_output=True, timeout=120)
        tgz = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tgz) as tar:
            data = json.load(tar.extractfile("package/icons.json"))
    images = []
    for icon in data["icons"].values():
        w, h = icon.get("width", data.get("width", 16)), icon.get("height", data.get("height", 16))
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}">'
               f'{icon["body"]}</svg>')
        images.append(svg_to_image(svg, size))
    return torch.stack(images)


class DCGAN(nn.Module):
    """z (64) → (3, size, size) in [0, 1]: transposed convs with BatchNorm and ReLU."""

    def __init__(self, size: int, z_dim: int = 64, channels: int = 256) -> None:
        super().__init__()
        self.z_dim = z_dim
        layers: list[nn.Module] = [nn.Unflatten(1, (z_dim, 1, 1)),
                                   nn.ConvTranspose2d(z_dim, channels, 4), nn.BatchNorm2d(channels),
                                   nn.ReLU()]
        c, s = channels, 4
        while s < size:
            layers += [nn.ConvTranspose2d(c, max(c // 2, 32), 4, 2, 1),
                       nn.BatchNorm2d(max(c // 2, 32)), nn.ReLU()]
            c, s = max(c // 2, 32), s * 2
        layers += [nn.Conv2d(c, 3, 3, padding=1), nn.Sigmoid()]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


def train_dcgan(real: torch.Tensor, size: int, steps: int, batch: int, seed: int) -> DCGAN:
    """The same loop as train_seed_gan (D, losses, R1, DiffAugment, EMA) around a DCGAN."""
    import copy

    torch.manual_seed(seed)
    g, d = DCGAN(size), SeedDiscriminator(size, 32)
    g_ema = copy.deepcopy(g).eval()
    opt_g = torch.optim.Adam(g.parameters(), lr=1e-3, betas=(0.0, 0.99))
    opt_d = torch.optim.Adam(d.parameters(), lr=1e-3, betas=(0.0, 0.99))
    rng, gamma = torch.Generator().manual_seed(seed), r1_gamma(size, batch)
    for step in range(steps):
        with torch.no_grad():
            fake = g(torch.randn(batch, g.z_dim, generator=rng))
        reals = real[torch.randint(len(real), (batch,), generator=rng)]
        r1, logits = r1_penalty(d, diff_augment(reals, DEFAULT_POLICY, generator=rng))
        loss = d_loss(logits, d(diff_augment(fake, DEFAULT_POLICY, generator=rng))) + gamma / 2 * r1
        opt_d.zero_grad()
        loss.backward()
        opt_d.step()
        d.requires_grad_(False)
        fake = g(torch.randn(batch, g.z_dim, generator=rng))
        loss = g_loss(d(diff_augment(fake, DEFAULT_POLICY, generator=rng)))
        opt_g.zero_grad()
        loss.backward()
        opt_g.step()
        d.requires_grad_(True)
        beta = min(0.99, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pg in zip(g_ema.parameters(), g.parameters(), strict=True):
                pe.lerp_(pg, 1 - beta)
            for be, bg in zip(g_ema.buffers(), g.buffers(), strict=True):
                be.copy_(bg)
    return g_ema


def vtrace(images: torch.Tensor, size: int, budget: int | None = None
           ) -> tuple[torch.Tensor, list[str]]:
    """vtracer on 4x upscaled samples; returns cairosvg renders and the SVG texts.

    With ``budget`` the speckle filter doubles (4, 8, ... 1024 px²) until the SVG has at
    most ``budget`` paths: the same path budget as the vector GAN.
    """
    import vtracer

    svgs, renders = [], []
    for img in images:
        array = (img.permute(1, 2, 0).clamp(0, 1).numpy() * 255).astype(np.uint8)
        big = Image.fromarray(array).resize((4 * size, 4 * size), Image.BILINEAR)
        buffer = io.BytesIO()
        big.save(buffer, "PNG")
        speckle = 4
        while True:
            svg = vtracer.convert_raw_image_to_svg(buffer.getvalue(), img_format="png",
                                                   filter_speckle=speckle)
            if budget is None or svg.count("<path") <= budget or speckle >= 1024:
                break
            speckle *= 2
        svgs.append(svg)
        renders.append(svg_to_image(svg, size))
    return torch.stack(renders), svgs


def sheet(rows: list[torch.Tensor], path: Path, n: int = 8) -> None:
    from torchvision.utils import save_image

    grid = torch.cat([r[:n] for r in rows])
    grid = torch.nn.functional.interpolate(grid, scale_factor=2, mode="nearest")
    path.parent.mkdir(parents=True, exist_ok=True)
    save_image(grid, path, nrow=n, padding=2, pad_value=0.5)


def run_dataset(name: str, images: torch.Tensor, held: torch.Tensor, args) -> list[dict]:
    size, rows, sheets = args.size, [], [held]
    n = args.samples
    t = time.perf_counter()
    vec = train_seed_gan(images, n_paths=args.paths, n_closed=args.paths, size=size,
                         steps=args.steps, batch=args.batch, seed=0)
    vec_step = (time.perf_counter() - t) / max(args.steps, 1)
    drawings = vec.generator.sample(n, generator=torch.Generator().manual_seed(1))
    vec_images = render(drawings, size, size)
    svg_texts = [d.to_svg() for d in drawings]
    t = time.perf_counter()
    dcgan = train_dcgan(images, size, args.steps, args.batch, seed=0)
    dc_step = (time.perf_counter() - t) / max(args.steps, 1)
    with torch.no_grad():
        dc_images = dcgan(torch.randn(n, dcgan.z_dim, generator=torch.Generator().manual_seed(1)))
    vt_images, vt_svgs = vtrace(dc_images, size)
    budget = max(s.count("<path") for s in svg_texts)
    vb_images, vb_svgs = vtrace(dc_images, size, budget)
    for method, samples, step_s, svgs in [("vector", vec_images, vec_step, svg_texts),
                                          ("dcgan", dc_images, dc_step, None),
                                          ("dcgan+vt", vt_images, dc_step, vt_svgs),
                                          (f"dcgan+vt<={budget}", vb_images, dc_step, vb_svgs)]:
        e = evaluate(samples, held, train=images, size=size, subsets=100).summary()
        row = {"dataset": name, "method": method, "kid": e["kid"], "floor": e["kid_floor"],
               "precision": e["precision"], "recall": e["recall"], "vendi": e["vendi"],
               "memorized": e["memorized"], "s/step": step_s,
               "paths": np.mean([s.count("<path") for s in svgs]) if svgs else float("nan"),
               "svg KB": np.mean([len(s) for s in svgs]) / 1024 if svgs else float("nan")}
        rows.append(row)
        sheets.append(samples)
    sheet(sheets, Path(args.out) / f"seeds_gan_{name}.png")
    return rows


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--datasets", default="truchet,smith,icons")
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--paths", type=int, default=16)
    p.add_argument("--samples", type=int, default=128, help="samples per method")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", default="out/bench_seeds")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    header = ("dataset", "method", "kid", "floor", "precision", "recall", "vendi", "memorized",
              "s/step", "paths", "svg KB")
    print(" | ".join(header))
    for name in args.datasets.split(","):
        if name == "icons":
            all_images = icon_images(args.size)
            perm = torch.randperm(len(all_images), generator=torch.Generator().manual_seed(0))
            half = len(perm) // 2
            train, held = all_images[perm[:half]], all_images[perm[half:]]
        else:
            train = family_images(name, 160, args.size, seed=0)
            held = family_images(name, 160, args.size, seed=1)
        for row in run_dataset(name, train, held, args):
            print(" | ".join(f"{row[k]:.4g}" if isinstance(row[k], float) else str(row[k])
                             for k in header), flush=True)


if __name__ == "__main__":
    main()
