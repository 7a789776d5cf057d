"""The studio's seed jobs: a family's seeds, a designer's folder, one seed's variations,
the seed generator trained on a folder (and its samples).

Every seed a job shows is a record: ``name``, ``svg`` (None for a raster seed), ``png``
(a thumbnail) and ``stats`` (:func:`vecdream.seeds.stats.seed_stats`: paths, contours,
nodes, colours, ink, seamless, the Mosaic notes).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import torch

from vecdream.studio.tasks import Report, TaskError, provenance

__all__ = ["make_seeds", "read_folder", "seed_record", "train_generator", "vary_seed"]

THUMB = 128  # thumbnail side in pixels


def _palette(spec: str | None):
    from vecdream.seeds.palette import load_palette

    if not spec:
        return None
    try:
        return load_palette(spec)
    except (ValueError, OSError) as exc:
        raise TaskError(f"palette: {exc}") from None


def seed_record(drawing, image, name: str, out: Path, *, kind: str = "svg",
                raster: bool = False, metadata: dict | None = None) -> dict:
    """Write ``name``.svg (a vector seed) and a ``name``.png thumbnail into ``out``; return
    the seed's record. ``image`` is its ``(3, S, S)`` render, for the stats."""
    from vecdream.export import save_png
    from vecdream.seeds.stats import seed_stats

    svg = None
    if drawing is not None:
        svg = f"{name}.svg"
        if not (out / svg).exists():
            drawing.save_svg(out / svg, metadata=metadata)
        save_png(drawing, out / f"{name}.png", THUMB, metadata={**(metadata or {}),
                                                               "sheet": "thumbnail"})
    else:
        from vecdream.atomic import atomic_write_bytes
        from vecdream.export import image_to_png_bytes

        atomic_write_bytes(out / f"{name}.png", image_to_png_bytes(image.float() / 255
                                                                   if image.dtype == torch.uint8
                                                                   else image))
    s = seed_stats(drawing, image, name=name, kind=kind, raster=raster)
    stats = {"paths": s.paths, "contours": s.contours, "nodes": s.nodes, "colours": s.colours,
             "coverage": round(s.coverage, 3), "seamless": s.seamless,
             "transparent": s.transparent, "suitable": s.suitable, "notes": s.notes}
    return {"name": name, "svg": svg, "png": f"{name}.png", "stats": stats}


def make_seeds(params: dict, out: Path, report: Report) -> dict:
    """``count`` seeds of ``family`` (``size``, ``palette``, ``style``, ``seed``)."""
    from vecdream.seeds.families import make_drawing
    from vecdream.seeds.folder import rasterize_svg

    family, count, size = params["family"], int(params["count"]), int(params["size"])
    palette = _palette(params.get("palette"))
    generator = torch.Generator()
    generator.manual_seed(int(params.get("seed", 0)))
    meta = provenance("seeds", params)
    seeds = []
    for i in range(count):
        report.progress(i, count, f"seed {i + 1} of {count}")
        try:
            d = make_drawing(family, size=float(size), palette=palette,
                             style=params.get("style", "fill"), generator=generator)
        except ValueError as exc:
            raise TaskError(str(exc)) from None
        image = rasterize_svg(d.to_svg(), THUMB, d.size)
        seeds.append(seed_record(d, image, f"{family}_{i:05d}", out, metadata=meta))
    return {"seeds": seeds}


def read_folder(params: dict, out: Path, report: Report) -> dict:
    """The designer's seeds in ``folder`` (SVG, PDF, PNG/JPEG): copies, thumbnails, stats;
    an unreadable file is listed with its reason, never fatal."""
    from vecdream.seeds.folder import read_seed

    folder = Path(params["folder"])
    files = sorted(p for p in folder.iterdir() if p.is_file())
    seeds, skipped = [], []
    for i, path in enumerate(files):
        report.progress(i, len(files), path.name)
        try:
            seed = read_seed(path, THUMB)
        except (ValueError, OSError) as exc:
            skipped.append({"file": path.name, "reason": str(exc)})
            continue
        name = f"{path.stem}_{path.suffix[1:].lower()}"
        if seed.kind == "svg":
            shutil.copyfile(path, out / f"{name}.svg")  # the designer's own file, unchanged
        seeds.append(seed_record(seed.drawing, seed.image, name, out, kind=seed.kind,
                                 raster=seed.raster_content,
                                 metadata=provenance("folder", {"file": path.name})))
    if not seeds:
        raise TaskError(f"no readable seed in the upload ({len(skipped)} files skipped)")
    return {"seeds": seeds, "skipped": skipped}


def vary_seed(params: dict, out: Path, report: Report) -> dict:
    """``count`` Mosaic variations of the seed ``svg`` and its Mosaic preview page."""
    from vecdream.export import save_png
    from vecdream.seeds.folder import rasterize_svg
    from vecdream.seeds.seamless import is_seamless
    from vecdream.seeds.variations import mosaic_preview, random_variation
    from vecdream.svg import read_svg

    try:
        drawing = read_svg(params["svg"])
    except Exception as exc:  # noqa: BLE001 - any unreadable seed is one line
        raise TaskError(f"unreadable seed: {exc}") from None
    count = int(params.get("count", 6))
    palette = _palette(params.get("palette"))
    seamless = is_seamless(drawing)
    meta = provenance("variations", {"source": Path(params["svg"]).name})
    report.progress(0, count + 1, "Mosaic preview page")
    page = mosaic_preview(drawing, palette=palette, seed=int(params.get("seed", 0)),
                          seamless=seamless)
    sheet = {**meta, "sheet": "mosaic preview"}  # `issue` ignores it: no seed
    page.save_svg(out / "page_mosaic.svg", metadata=sheet)
    save_png(page, out / "page_mosaic.png", 4 * THUMB, metadata=sheet)
    generator = torch.Generator()
    generator.manual_seed(int(params.get("seed", 0)))
    variations = []
    for k in range(count):
        report.progress(k + 1, count + 1, f"variation {k + 1} of {count}")
        v = random_variation(drawing, generator, palette=palette, seamless=seamless)
        image = rasterize_svg(v.to_svg(), THUMB, v.size)
        variations.append(seed_record(v, image, f"variation_{k:03d}", out, metadata=meta))
    return {"mosaic": "page_mosaic.png", "mosaic_svg": "page_mosaic.svg", "seamless": seamless,
            "seeds": variations}


def train_generator(params: dict, out: Path, report: Report) -> dict:
    """Train the seed generator on the seeds of ``folder`` for ``steps`` steps at
    ``size`` px, a sample sheet after every ``sheet_every`` steps, then ``samples`` seeds."""
    from vecdream.seeds.folder import SeedFolder, rasterize_svg
    from vecdream.seeds.gan import train_seed_gan
    from vecdream.seeds.gan_checkpoint import load_seed_gan
    from vecdream.seeds.sheet import save_contact_sheet

    size, steps = int(params.get("size", 64)), int(params["steps"])
    every = max(1, int(params.get("sheet_every", 25)))
    data = SeedFolder(Path(params["folder"]), size=size)
    if len(data) < 2:
        raise TaskError(f"training needs at least 2 seeds, the folder has {len(data)}")
    ckpt, losses = out / "generator.pt", {"d": [], "g": []}

    def on_step(info) -> None:
        losses["d"].append(round(float(info.losses.get("d_loss", 0.0)), 4))
        losses["g"].append(round(float(info.losses.get("g_loss", 0.0)), 4))
        report.progress(info.step, steps, f"step {info.step} of {steps}", losses=losses)

    done, kind = 0, None
    meta = provenance("train", {"folder": Path(params["folder"]).name, "steps": steps})
    while done < steps:
        done = min(steps, done + every)
        train_seed_gan(data, size=size, steps=done, generator=params.get("generator", "auto"),
                       seed=int(params.get("seed", 0)), checkpoint=ckpt,
                       resume=ckpt if ckpt.exists() else None, callback=on_step)
        generator, _, _ = load_seed_gan(ckpt)
        kind = "lattice" if "Lattice" in type(generator).__name__ else "paths"
        g = torch.Generator()
        g.manual_seed(0)
        sheet = generator.sample(16, generator=g)
        save_contact_sheet(out / "sheet.png", [rasterize_svg(d.to_svg(), size, d.size)
                                               for d in sheet], [""] * len(sheet))
        report.preview("sheet.png")
    g = torch.Generator()
    g.manual_seed(int(params.get("seed", 0)) + 1)
    samples = []
    for i, d in enumerate(generator.sample(int(params.get("samples", 8)), generator=g)):
        image = rasterize_svg(d.to_svg(), THUMB, d.size)
        samples.append(seed_record(d, image, f"sample_{i:03d}", out, metadata=meta))
    return {"seeds": samples, "sheet": "sheet.png", "generator": kind, "losses": losses,
            "checkpoint": "generator.pt"}
