"""Contact sheets: one PNG with a labelled tile per seed, to judge a batch at a glance.

The PNG carries its layout in a ``vecdream:sheet`` text chunk (JSON: tile size,
columns, label height, padding, labels in order), so tools and tests can find each tile.
"""

from __future__ import annotations

import io
import json
import math
import os
from collections.abc import Sequence

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin
from torch import Tensor

from vecdream.atomic import atomic_write_bytes

__all__ = ["contact_sheet", "save_contact_sheet", "sheet_layout"]

LABEL_HEIGHT = 12
PAD = 4


def _to_pil(image: Tensor) -> Image.Image:
    img = image if image.dtype == torch.uint8 else (image.clamp(0, 1) * 255).round().byte()
    return Image.fromarray(img.permute(1, 2, 0).cpu().numpy().astype(np.uint8), "RGB")


def contact_sheet(images: Sequence[Tensor] | Tensor, labels: Sequence[str],
                  columns: int | None = None) -> tuple[Image.Image, dict]:
    """Lay ``images`` (each ``(3, S, S)``, uint8 or float in [0, 1]) out in a grid.

    Each tile is the image with its label under it, on a light grey sheet.

    Returns:
        The sheet and its layout dict (what :func:`save_contact_sheet` stores).
    """
    n = len(images)
    if n == 0 or n != len(labels):
        raise ValueError(f"contact_sheet: expected as many labels as images (>= 1), "
                         f"got {n} images and {len(labels)} labels")
    tile = int(images[0].shape[-1])
    columns = columns or max(1, math.ceil(math.sqrt(n)))
    rows = math.ceil(n / columns)
    cell_w, cell_h = tile + PAD, tile + LABEL_HEIGHT + PAD
    sheet = Image.new("RGB", (PAD + columns * cell_w, PAD + rows * cell_h), (230, 230, 230))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default()
    max_chars = max(1, tile // 6)
    for i, (image, label) in enumerate(zip(images, labels, strict=True)):
        x, y = PAD + (i % columns) * cell_w, PAD + (i // columns) * cell_h
        sheet.paste(_to_pil(image), (x, y))
        text = label if len(label) <= max_chars else label[:max_chars - 1] + "…"
        draw.rectangle((x, y + tile, x + tile - 1, y + tile + LABEL_HEIGHT - 1), fill="white")
        draw.text((x + 1, y + tile), text, fill=(0, 0, 0), font=font)
    layout = {"tile": tile, "columns": columns, "label_height": LABEL_HEIGHT, "pad": PAD,
              "labels": list(labels)}
    return sheet, layout


def sheet_layout(path: str | os.PathLike) -> dict:
    """The layout stored in a contact sheet PNG by :func:`save_contact_sheet`."""
    with Image.open(path) as im:
        return json.loads(im.text["vecdream:sheet"])


def save_contact_sheet(path: str | os.PathLike, images: Sequence[Tensor] | Tensor,
                       labels: Sequence[str], columns: int | None = None) -> None:
    """Write :func:`contact_sheet` as a PNG atomically, layout in a text chunk."""
    sheet, layout = contact_sheet(images, labels, columns)
    info = PngImagePlugin.PngInfo()
    info.add_text("vecdream:sheet", json.dumps(layout))
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG", pnginfo=info)
    atomic_write_bytes(path, buffer.getvalue())
