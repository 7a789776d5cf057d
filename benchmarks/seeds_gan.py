"""Vector GANs (lattice of motifs, free-form paths) vs raster DCGAN (+ vtracer), same D.

Datasets (all rendered to ``--size`` px on white; a training half and a held-out half):

    truchet   Seeds I's diagonal-triangle Truchet family, 4 x 4 grid, bauhaus palette
    smith     Seeds I's quarter-circle Smith family, 4 x 4 grid, two-coloured
    icons     the 329 icons of the npm package @iconify-json/flat-color-icons (MIT)
    emoji     @iconify-json/fluent-emoji-flat (MIT): flat-colour emoji
    --data DIR  any seed folder (SVG/PDF/PNG), split in halves

The npm sets are fetched with ``npm pack`` into a temporary folder at run time (never
committed).

Methods (``--methods``), each trained against the same discriminator
(:class:`SeedDiscriminator`, non-saturating loss, R1 with the StyleGAN2-ADA gamma,
DiffAugment colour/translation/cutout/flip/rot90, Adam 1e-3 betas (0, 0.99), G EMA 0.99)
for ``--minutes`` of wall clock each (or ``--steps`` when ``--minutes`` is 0):

    lattice    :func:`train_seed_gan` with ``generator="lattice"``: a codebook of learned
               motifs on a 4 x 4 grid of cells (periodic by construction)
    paths      :func:`train_seed_gan` with free-form paths, ``--paths`` closed paths
    dcgan      z(64) → 4x4x256 → transposed convs with BatchNorm → ``--size`` px
    dcgan+vt   the DCGAN's samples upscaled 4x and vectorized with vtracer, rendered back
               with cairosvg; ``dcgan+vt<=K``: vtracer's speckle filter raised per sample
               until the SVG has at most K paths, K = the vector methods' most paths

Evaluation (:mod:`vecdream.seeds.evaluate`, own random-CNN features): KID against the
held-out half (``floor``: KID between two halves of it), precision/recall k=3, Vendi,
memorized samples, the classifier two-sample test (:mod:`vecdream.seeds.c2st`: 0.5 =
indistinguishable), the share of samples passing ``seeds stats``' Mosaic thresholds
(``mosaic``; the real seeds' share is the ``real`` row's), steps done, SVG paths and KB.

    python benchmarks/seeds_gan.py --size 64 --minutes 10 --datasets smith --json rows.jsonl
    python benchmarks/seeds_gan.py --steps 50 --datasets truchet --samples 64   # smoke

Sample sheets go to ``--out`` (one PNG per dataset, rows: held-out real, then each
method in order).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import nn

from vecdream import render
from vecdream.seeds.c2st import c2st_accuracy
from vecdream.seeds.diffaugment import DEFAULT_POLICY, diff_augment
from vecdream.seeds.discriminator import SeedDiscriminator, d_loss, g_loss, r1_gamma, r1_penalty
from vecdream.seeds.evaluate import evaluate
from vecdream.seeds.families import make_drawings
from vecdream.seeds.gan import train_seed_gan
from vecdream.seeds.stats import seed_stats

sys.path.insert(0, str(Path(__file__).parent))
from iconify import iconify_svgs, svg_to_image  # noqa: E402


def family_images(name: str, n: int, size: int, seed: int) -> tuple[torch.Tensor, list[str]]:
    drawings = make_drawings(name, n, seed=seed, size=size, grid=4)
    return render(drawings, size, size), [d.to_svg() for d in drawings]


def icon_images(size: int, package: str = "@iconify-json/flat-color-icons",
                limit: int | None = None) -> tuple[torch.Tensor, list[str]]:
    """Every icon of an Iconify JSON set from npm (the first ``limit``), via cairosvg."""
    svgs = list(iconify_svgs(package).values())[:limit]
    return torch.stack([svg_to_image(svg, size) for svg in svgs]), svgs


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


def train_dcgan(real: torch.Tensor, size: int, steps: int, batch: int, seed: int,
                deadline: float = float("inf")) -> tuple[DCGAN, int]:
    """The same loop as train_seed_gan (D, losses, R1, DiffAugment, EMA) around a DCGAN;
    stops after ``steps`` or at ``deadline`` (perf_counter); returns G EMA and steps."""
    import copy

    torch.manual_seed(seed)
    g, d = DCGAN(size), SeedDiscriminator(size, 32)
    g_ema = copy.deepcopy(g).eval()
    opt_g = torch.optim.Adam(g.parameters(), lr=1e-3, betas=(0.0, 0.99))
    opt_d = torch.optim.Adam(d.parameters(), lr=1e-3, betas=(0.0, 0.99))
    rng, gamma = torch.Generator().manual_seed(seed), r1_gamma(size, batch)
    step = 0
    for step in range(steps):
        if time.perf_counter() > deadline:
            break
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
    else:
        step = steps
    return g_ema, step


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


def _mosaic_share(svgs: list[str] | None, images: torch.Tensor) -> float:
    """Share of samples passing ``seeds stats``' Mosaic thresholds (NaN without SVG)."""
    if svgs is None:
        return float("nan")
    from vecdream import Drawing

    good = [seed_stats(Drawing.from_svg(svg), img).suitable for svg, img in zip(svgs, images,
                                                                               strict=True)]
    return float(np.mean(good))


def _option(text: str) -> tuple[str, object]:
    """``name=value`` → ``(name, value)`` with the value read as JSON when it parses."""
    name, _, value = text.partition("=")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value


def _train_vector(kind: str, images: torch.Tensor, args) -> tuple[object, int]:
    start = time.perf_counter()
    budget = args.minutes * 60

    def stop(_info) -> bool:
        return budget > 0 and time.perf_counter() - start > budget

    result = train_seed_gan(images, n_paths=args.paths, n_closed=args.paths, size=args.size,
                            steps=args.steps if budget <= 0 else 10**9, batch=args.batch,
                            seed=0, generator=kind, callback=stop,
                            minibatch_std=args.mbstd, mode_seeking=args.mode_seeking,
                            lattice_options=dict(args.lattice) if kind == "lattice" else None)
    return result.generator, result.step


def run_dataset(name: str, images: torch.Tensor, held: torch.Tensor,
                held_svgs: list[str] | None, args) -> list[dict]:
    size, n, rows = args.size, args.samples, []
    methods = args.methods.split(",")
    samples: dict[str, tuple[torch.Tensor, list[str] | None, int, float]] = {}
    for kind in ("lattice", "paths"):
        if kind in methods:
            t = time.perf_counter()
            g, steps = _train_vector(kind, images, args)
            seconds = time.perf_counter() - t
            drawings = g.sample(n, generator=torch.Generator().manual_seed(1))
            samples[kind] = (render(drawings, size, size), [d.to_svg() for d in drawings],
                             steps, seconds)
    if any(m.startswith("dcgan") for m in methods):
        t = time.perf_counter()
        deadline = t + args.minutes * 60 if args.minutes > 0 else float("inf")
        dcgan, steps = train_dcgan(images, size, args.steps if args.minutes <= 0 else 10**9,
                                   args.batch, seed=0, deadline=deadline)
        seconds = time.perf_counter() - t
        with torch.no_grad():
            dc = dcgan(torch.randn(n, dcgan.z_dim, generator=torch.Generator().manual_seed(1)))
        samples["dcgan"] = (dc, None, steps, seconds)
        if "dcgan+vt" in methods:
            vt, vt_svgs = vtrace(dc, size)
            samples["dcgan+vt"] = (vt, vt_svgs, steps, seconds)
        vector_svgs = [s for k in ("lattice", "paths") if k in samples for s in samples[k][1]]
        if "dcgan+vt<=K" in methods and vector_svgs:
            budget = max(s.count("<path") for s in vector_svgs)
            vb, vb_svgs = vtrace(dc, size, budget)
            samples[f"dcgan+vt<={budget}"] = (vb, vb_svgs, steps, seconds)
    real_row = {"dataset": name, "method": "real (held out)",
                "mosaic": _mosaic_share(held_svgs, held) if held_svgs else float("nan")}
    rows.append(real_row)
    for method, (imgs, svgs, steps, seconds) in samples.items():
        e = evaluate(imgs, held, train=images, size=size, subsets=100).summary()
        rows.append({"dataset": name, "method": method, "kid": e["kid"], "floor": e["kid_floor"],
                     "precision": e["precision"], "recall": e["recall"], "vendi": e["vendi"],
                     "memorized": e["memorized"],
                     "c2st": c2st_accuracy(imgs, held, seed=0),
                     "mosaic": _mosaic_share(svgs, imgs), "steps": steps,
                     "minutes": seconds / 60,
                     "paths": np.mean([s.count("<path") for s in svgs]) if svgs else float("nan"),
                     "svg_kb": np.mean([len(s) for s in svgs]) / 1024 if svgs else float("nan")})
    real_row["vendi"] = evaluate(held[:n], held, size=size, subsets=10).summary()["vendi"]
    sheet([held] + [v[0] for v in samples.values()], Path(args.out) / f"seeds_gan_{name}.png")
    return rows


def load_dataset(name: str, args) -> tuple[torch.Tensor, torch.Tensor, list[str] | None]:
    """(train, held-out) images of a dataset name or ``--data`` folder, and the held-out
    seeds' SVG texts where there are any."""
    if name in ("truchet", "smith"):
        train, _ = family_images(name, 160, args.size, seed=0)
        return (train, *family_images(name, 160, args.size, seed=1))
    svgs = None
    if name == "icons":
        all_images, svgs = icon_images(args.size)
    elif name == "emoji":
        all_images, svgs = icon_images(args.size, "@iconify-json/fluent-emoji-flat", limit=400)
    else:
        from vecdream.seeds.folder import SeedFolder

        all_images = SeedFolder(name[4:], args.size).images.float() / 255
    perm = torch.randperm(len(all_images), generator=torch.Generator().manual_seed(0))
    half = len(perm) // 2
    held_svgs = [svgs[i] for i in perm[half:].tolist()] if svgs else None
    return all_images[perm[:half]], all_images[perm[half:]], held_svgs


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--datasets", default="truchet,smith,icons,emoji")
    p.add_argument("--data", default=None, help="a seed folder instead of --datasets")
    p.add_argument("--methods", default="lattice,paths,dcgan,dcgan+vt,dcgan+vt<=K")
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--minutes", type=float, default=0.0,
                   help="wall-clock budget per method (0: --steps steps each)")
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--paths", type=int, default=16)
    p.add_argument("--samples", type=int, default=128, help="samples per method")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--mbstd", action="store_true",
                   help="vector methods: D sees minibatch statistics (issue 21, lever 6)")
    p.add_argument("--mode-seeking", type=float, default=0.05,
                   help="vector methods: weight of the mode-seeking term")
    p.add_argument("--lattice", type=_option, nargs="*", default=[],
                   help="LatticeConfig fields for the lattice, e.g. logit_bound=3 "
                        "bound_slots=false")
    p.add_argument("--out", default="out/bench_seeds")
    p.add_argument("--json", default=None, help="append every row to this JSON-lines file")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    header = ("dataset", "method", "kid", "floor", "precision", "recall", "vendi", "memorized",
              "c2st", "mosaic", "steps", "minutes", "paths", "svg_kb")
    print(" | ".join(header))
    names = [f"dir:{args.data}"] if args.data else args.datasets.split(",")
    for name in names:
        train, held, held_svgs = load_dataset(name, args)
        rows = run_dataset(name, train, held, held_svgs, args)
        for row in rows:
            print(" | ".join(f"{row[k]:.4g}" if isinstance(row.get(k), float) else
                             str(row.get(k, "")) for k in header), flush=True)
            if args.json:
                with open(args.json, "a") as f:
                    f.write(json.dumps({**row, "size": args.size, "budget_minutes": args.minutes,
                                        "batch": args.batch, "mbstd": args.mbstd,
                                        "mode_seeking": args.mode_seeking,
                                        "lattice": dict(args.lattice)}) + "\n")


if __name__ == "__main__":
    main()
