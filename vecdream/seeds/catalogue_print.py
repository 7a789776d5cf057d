"""A seed's fingerprint for the catalogue: content hash, dihedral hashes, embedding,
and the Mosaic views (:mod:`.mosaic_view`) with their shortlist key.

Kept apart from the database code: fingerprinting renders (tens of ms) and runs before
the catalogue's write lock is taken, so concurrent issuers only serialize the short
check-and-insert.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import torch

from vecdream.drawing import Drawing
from vecdream.seeds.mosaic_view import QUERY_SIDE, MosaicView, crisp_svg, mosaic_key, mosaic_view
from vecdream.seeds.phash import HASH_SIZE, dihedral_hashes

__all__ = ["SeedPrint", "canonical_svg", "fingerprint", "mosaic_views"]

_FEATURES: list = []  # the RandomFeatures net, built once per process
EMBED_SIZE = 64  # the embedding's input side (box-downsampled from the structure render)
SLIVER = 8  # aspect ratio from which a tiling query is tiled (see mosaic_views)


@dataclass
class SeedPrint:
    """What the catalogue stores about a seed besides its SVG.

    Attributes:
        sha256: hex digest of the canonical SVG (geometry and paint; metadata excluded).
        hashes: ``(8, 32)`` uint8, dihedral structure hashes (orientation 0 first).
        embedding: ``(1008,)`` float16, :class:`~vecdream.seeds.evaluate.RandomFeatures`
            averaged over the 8 orientations (so it is rotation/flip invariant too).
        plane: the plane the seed prints (its tiling when seamless), as stored.
        window: the same at :data:`~.mosaic_view.QUERY_SIDE`, as a query.
        key: ``(KEY_SIZE,)`` float32, :func:`~.mosaic_view.mosaic_key` of the plane
            (stored).
        query_key: the same of the window (what a check shortlists by).
    """

    sha256: str
    hashes: np.ndarray
    embedding: np.ndarray
    plane: MosaicView | None = None
    window: MosaicView | None = None
    key: np.ndarray | None = None
    query_key: np.ndarray | None = None


def canonical_svg(drawing: Drawing) -> str:
    """The drawing written by vecdream with no metadata: equal seeds, equal text."""
    return drawing.detach().to_svg()


def _embedding(image: torch.Tensor) -> np.ndarray:
    from vecdream.seeds.evaluate import RandomFeatures, dihedral

    if not _FEATURES:
        _FEATURES.append(RandomFeatures(size=EMBED_SIZE))
    small = torch.nn.functional.avg_pool2d(image[None].float(), HASH_SIZE // EMBED_SIZE)
    views = dihedral(small / 255)[:, 0]  # (8, 3, S, S)
    return _FEATURES[0](views).mean(0).numpy().astype(np.float16)


def fingerprint(svg: str | bytes) -> tuple[SeedPrint, Drawing]:
    """Read SVG text and fingerprint it.

    Returns:
        The print and the parsed drawing.

    Raises:
        ValueError: unreadable SVG (one line).
    """
    from vecdream.seeds.folder import rasterize_svg

    try:
        drawing = Drawing.from_svg(svg.encode("utf-8") if isinstance(svg, str) else svg)
    except Exception as exc:  # the SVG reader raises several types; one line is enough
        raise ValueError(f"unreadable SVG: {str(exc).splitlines()[0]}") from None
    canon = canonical_svg(drawing)
    with torch.no_grad():
        image = rasterize_svg(crisp_svg(canon), HASH_SIZE, drawing.size)  # (3, S, S) uint8
        embedding = _embedding(image)
    sha = hashlib.sha256(canon.encode("utf-8")).hexdigest()
    plane, window = mosaic_views(drawing)
    return SeedPrint(sha, dihedral_hashes(image.numpy()), embedding, plane, window,
                     mosaic_key(plane), mosaic_key(window)), drawing


def mosaic_views(drawing: Drawing) -> tuple[MosaicView, MosaicView]:
    """The seed's plane as stored (periodic when it tiles) and as a query.

    A query is what was printed: its canvas alone, even when it happens to tile. A crop
    with blank margins wraps cleanly, and tiling it would invent a denser plane than
    the one it was cut from. Only a sliver (:data:`SLIVER` times longer than wide) is
    tiled, since alone it shows too little to register."""
    from vecdream.seeds.seamless import is_seamless

    periodic = is_seamless(drawing)
    w, h = drawing.size
    sliver = periodic and max(w, h) >= SLIVER * min(w, h)
    return mosaic_view(drawing, periodic), mosaic_view(drawing, sliver, QUERY_SIDE)
