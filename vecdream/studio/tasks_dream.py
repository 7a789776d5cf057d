"""The studio's dream and paint jobs: a layer's channel contact sheet, a dream (optionally
gone large) with its plot, a photo painted with the pen or the learned brush.

A running dream or painting writes ``preview.png`` every few steps (atomically) and
reports it, so the page shows the drawing as it optimizes.
"""

from __future__ import annotations

import logging
from pathlib import Path

import torch

from vecdream.studio.tasks import Report, TaskError, provenance

__all__ = ["channel_sheet", "dream", "paint", "plot_files"]

_PREVIEWS = 20  # previews per run


def _net(name: str):
    from vecdream.nets import WeightsUnavailableError, load_net

    try:
        return load_net(name)
    except (WeightsUnavailableError, ValueError, OSError) as exc:
        raise TaskError(str(exc).splitlines()[0]) from None


def _previewer(out: Path, report: Report, steps: int, label: str):
    """A step callback: progress every step, ``preview.png`` every ``steps / 20``."""
    from vecdream.atomic import atomic_write_bytes
    from vecdream.export import image_to_png_bytes

    every = max(1, steps // _PREVIEWS)

    def callback(info) -> None:
        report.progress(info.step, info.steps, f"{label}: step {info.step} of {info.steps}, "
                                               f"loss {info.loss:.4g}")
        if info.step % every == 0 or info.step == info.steps:
            atomic_write_bytes(out / "preview.png", image_to_png_bytes(info.renders[0]))
            report.preview("preview.png")

    return callback


def channel_sheet(params: dict, out: Path, report: Report) -> dict:
    """Small dreams of the first ``count`` channels of ``net:layer``, as one sheet."""
    from vecdream.dream.channels import dream_channels, layer_shapes
    from vecdream.export import save_png
    from vecdream.render import render
    from vecdream.seeds.sheet import save_contact_sheet

    net = _net(params["net"])
    count = int(params.get("count", 12))
    try:
        (shape,) = layer_shapes(net, [params["layer"]], size=64).values()
    except ValueError as exc:
        raise TaskError(str(exc).splitlines()[0]) from None
    channels = list(range(min(count, shape[0])))
    steps = int(params.get("steps", 40))
    drawings = dream_channels(net, params["layer"], channels, size=64, steps=steps,
                              seed=int(params.get("seed", 0)), device="cpu",
                              callback=_previewer(out, report, steps, "channels"))
    meta = provenance("channels", params)
    tiles = []
    for c, d in zip(channels, drawings, strict=True):
        save_png(d, out / f"channel_{c:03d}.png", 128, metadata=meta)
        tiles.append({"channel": c, "png": f"channel_{c:03d}.png"})
    with torch.no_grad():
        images = render(drawings, 64, 64)  # (N, 3, 64, 64)
    save_contact_sheet(out / "sheet.png", images, [str(c) for c in channels])
    return {"sheet": "sheet.png", "channels": tiles}


def plot_files(drawing, out: Path, stem: str, *, page: str, pen_mm: float,
               metadata: dict) -> dict:
    """The drawing's plotter SVG and its preview at the real pen width, the plot-time
    estimate and what the pen cannot draw (the plot stage's warnings)."""
    from vecdream import plot as vp
    from vecdream.atomic import atomic_write_bytes

    limits: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            limits.append(record.getMessage())

    logger, handler = logging.getLogger("vecdream.plot"), _Collect(logging.WARNING)
    logger.addHandler(handler)
    try:
        plot = vp.drawing_to_plot(drawing, page, pen_width_mm=pen_mm)
    except ValueError as exc:
        raise TaskError(f"plot: {exc}") from None
    finally:
        logger.removeHandler(handler)
    atomic_write_bytes(out / f"{stem}.plot.svg", vp.plot_to_svg(plot).encode("utf-8"))
    vp.preview_png(plot, out / f"{stem}_plot.png", dpi=60)
    stats = vp.plot_stats(plot)
    return {"plotter_svg": f"{stem}.plot.svg", "plot_png": f"{stem}_plot.png",
            "estimate": vp.format_duration(stats.est_seconds),
            "ink_m": round(stats.ink_mm / 1000, 2), "pen_lifts": stats.pen_lifts,
            "page": page, "pen_mm": pen_mm, "pen_cannot": limits}


def dream(params: dict, out: Path, report: Report) -> dict:
    """Dream ``net:layer`` channel ``channel`` in ``style``; ``large`` (a canvas side in
    units) tiles and finetunes the result at that size; then SVG, PDF, PNG and the plot."""
    from vecdream.dream.large import upscale
    from vecdream.dream.optimize import optimize_strokes
    from vecdream.dream.pen import resolve_width
    from vecdream.dream.styles import STYLES
    from vecdream.export import save_pdf, save_png

    style = dict(STYLES[params.get("style", "clean")])
    if params.get("paths"):
        style["n_paths"] = int(params["paths"])
    steps, size = int(params.get("steps", 300)), int(params.get("size", 224))
    layer = f"{params['net']}:{params['layer']}"
    channel = params.get("channel")
    try:
        result = optimize_strokes(layer, None if channel is None else int(channel), size=size,
                                  steps=steps, seed=int(params.get("seed", 0)), device="cpu",
                                  callback=_previewer(out, report, steps, "dream"), **style)
    except ValueError as exc:
        raise TaskError(str(exc).splitlines()[0]) from None
    drawing = result.drawing
    if params.get("tiles"):  # go large: tile k x k at the same scale, finetune at k * size
        k, large_steps = int(params["tiles"]), int(params.get("large_steps", 50))
        report.progress(0, large_steps, "going large")
        drawing = upscale(drawing, k, k * size, layer=layer,
                          channel=None if channel is None else int(channel),
                          width=resolve_width(style["width"], (size, size)),
                          colors=style.get("colors", False), hygiene=style["hygiene"],
                          steps=large_steps, seed=int(params.get("seed", 0)), device="cpu",
                          callback=_previewer(out, report, large_steps, "large")).drawing
    meta = provenance("dream", params, steps=result.steps)
    drawing.save_svg(out / "dream.svg", metadata=meta)
    save_pdf(drawing, out / "dream.pdf", metadata=meta)
    save_png(drawing, out / "dream.png", 512, metadata=meta)
    plot = plot_files(drawing, out, "dream", page=params.get("page", "A4"),
                      pen_mm=float(params.get("pen_mm", 0.5)), metadata=meta)
    return {"svg": "dream.svg", "pdf": "dream.pdf", "png": "dream.png",
            "loss": [round(v, 5) for v in result.history.get("loss", [])], **plot}


def paint(params: dict, out: Path, report: Report) -> dict:
    """Paint the photo ``photo`` with the pen (``vecdream paint``'s defaults:
    :func:`~vecdream.dream.photo.paint_setup`) or the learned ``brush``, matching
    EfficientNet-Lite0's ``blocks.2`` activations."""
    from vecdream.dream.photo import BRUSH_PIXEL_WEIGHT, load_photo, paint_pixels, paint_setup
    from vecdream.export import save_pdf, save_png
    from vecdream.objectives import content

    size, steps = int(params.get("size", 192)), int(params.get("steps", 150))
    try:
        image = load_photo(params["photo"], size)
    except ValueError as exc:
        raise TaskError(f"photo: {exc}") from None
    net = _net("efficientnet_lite0")
    objective = content(net, "blocks.2", image)
    wh = (image.shape[2], image.shape[1])
    meta = provenance("paint", {**params, "photo": Path(params["photo"]).name})
    callback = _previewer(out, report, steps, "paint")
    if params.get("medium") == "brush":
        from vecdream.painter.brush_export import save_brush
        from vecdream.painter.model import load_painter
        from vecdream.painter.optimize import coarse_to_fine

        brush = params.get("brush", "classic/pen")
        layers = coarse_to_fine(objective + paint_pixels(image, BRUSH_PIXEL_WEIGHT), wh,
                                init_image=image, colour_target=image,
                                painter=load_painter(brush=brush), steps=steps,
                                seed=int(params.get("seed", 0)), device="cpu",
                                callback=callback)  # two layers, photo colours: as `paint`
        files = save_brush([r.canvas for r in layers], out / "painting",
                           image=layers[-1].image[0], metadata=meta, pdf=True, brush=brush)
        return {"png": files.png.name, "svg": files.svg.name, "json": files.json.name,
                "pdf": files.pdf.name if files.pdf else None,
                "replay": files.replay.name if files.replay else None,
                "replay_psnr": files.psnr, "photo_png": _photo_png(image, out)}
    from vecdream.dream.optimize import optimize_strokes

    setup = paint_setup(image, int(params.get("paths", 500)), seed=int(params.get("seed", 0)))
    result = optimize_strokes(None, objective=objective + setup.extra, drawing=setup.start,
                              colors="free", lr_colors=0.02, size=wh, steps=steps,
                              width=setup.width, seed=int(params.get("seed", 0)), device="cpu",
                              callback=callback)
    result.drawing.save_svg(out / "painting.svg", metadata=meta)
    save_pdf(result.drawing, out / "painting.pdf", metadata=meta)
    save_png(result.drawing, out / "painting.png", max(wh), metadata=meta)
    return {"svg": "painting.svg", "pdf": "painting.pdf", "png": "painting.png",
            "photo_png": _photo_png(image, out)}


def _photo_png(image: torch.Tensor, out: Path) -> str:
    from vecdream.atomic import atomic_write_bytes
    from vecdream.export import image_to_png_bytes

    atomic_write_bytes(out / "photo.png", image_to_png_bytes(image))
    return "photo.png"
