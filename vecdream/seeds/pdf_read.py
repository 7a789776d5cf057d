"""Vector PDF → :class:`Drawing` with pdfium (pip ``pypdfium2``), no system package.

pdfium (Chrome's PDF engine) parses the page; we walk its page objects and read each
path object's segments, paint and stroke state through the raw API. Segment points are
in object space: the object matrix, those of the form XObjects around it and the page
matrix (crop box origin, ``/Rotate``, y down, PDF points → CSS px at 96/72) map them
to the canvas, so a drawing saved with :func:`vecdream.export.save_pdf` reads back at
its own size. Lines become cubics (control points at 1/3, 2/3); the closing line
pdfium adds for ``h`` is dropped (``closed`` draws it). A form XObject painted with an
alpha below 1 becomes an opacity group. Widths are scaled by ``sqrt|det|``, or kept
local with ``stroke_transform`` under a non-uniform matrix.

Not read: text, images, shadings (and pattern paint), clip paths, dashes (drawn solid)
and miter limits (pdfium has no getter: the drawing's default, 4, is kept). What is
skipped is counted in one ``logging`` warning.
"""

from __future__ import annotations

import ctypes
import logging
import math
import os
from collections import Counter

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from vecdream.drawing import Drawing
from vecdream.svg import SVGError
from vecdream.svg.paint import Paint
from vecdream.svg.pathdata import Contour, Point
from vecdream.svg.read import _assemble  # the SVG reader's packer: shapes → Drawing
from vecdream.svg.records import Shape
from vecdream.svg.sanitize import MAX_COORD

__all__ = ["PdfReadError", "read_pdf", "render_pdf"]

log = logging.getLogger(__name__)

PT_TO_PX = 96.0 / 72.0

Affine = tuple[float, float, float, float, float, float]
"""``(a, b, c, d, e, f)``: ``x' = a x + c y + e``, ``y' = b x + d y + f`` (PDF's order)."""

_CAPS = dict(enumerate(("butt", "round", "square")))  # FPDF_LINECAP_* codes
_JOINS = dict(enumerate(("miter", "round", "bevel")))  # FPDF_LINEJOIN_* codes
_SKIPPED = {pdfium_c.FPDF_PAGEOBJ_TEXT: "text", pdfium_c.FPDF_PAGEOBJ_IMAGE: "image",
            pdfium_c.FPDF_PAGEOBJ_SHADING: "shading"}


class PdfReadError(ValueError):
    """A PDF that cannot be read: missing, corrupt, encrypted, or without that page."""


def _open(path: str | os.PathLike, page: int) -> tuple[pdfium.PdfDocument, pdfium.PdfPage]:
    """The document and its 1-based ``page``; PdfReadError with one line otherwise."""
    try:
        pdf = pdfium.PdfDocument(os.fspath(path))
    except FileNotFoundError:
        raise PdfReadError(f"no such file: {os.fspath(path)}") from None
    except (OSError, pdfium.PdfiumError) as exc:
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "password" in why.lower():
            raise PdfReadError("encrypted PDF: it needs a password") from None
        raise PdfReadError(f"not a readable PDF ({why})") from None
    n = len(pdf)
    try:
        if 1 <= page <= n:
            return pdf, pdf[page - 1]
    except pdfium.PdfiumError:
        pass  # a page that pdfium cannot load
    pdf.close()
    raise PdfReadError(f"no readable page {page}: the PDF has {n} page{'s' * (n != 1)}")


def _mul(m: Affine, n: Affine) -> Affine:
    """The affine map ``m`` then ``n``."""
    a, b, c, d, e, f = m
    na, nb, nc, nd, ne, nf = n
    return (a * na + b * nc, a * nb + b * nd, c * na + d * nc, c * nb + d * nd,
            e * na + f * nc + ne, e * nb + f * nd + nf)


def _page_matrix(page: pdfium.PdfPage) -> tuple[Affine, tuple[float, float]]:
    """PDF user space → canvas px (crop box origin, ``/Rotate``, y down), canvas size."""
    left, bottom, right, top = page.get_cropbox()
    w, h = (right - left) * PT_TO_PX, (top - bottom) * PT_TO_PX
    if not (w > 0 and h > 0):
        raise PdfReadError(f"page box {left, bottom, right, top} is empty")
    flip = (PT_TO_PX, 0.0, 0.0, -PT_TO_PX, -left * PT_TO_PX, top * PT_TO_PX)
    turn = {90: ((0.0, 1.0, -1.0, 0.0, h, 0.0), (h, w)),
            180: ((-1.0, 0.0, 0.0, -1.0, w, h), (w, h)),
            270: ((0.0, -1.0, 1.0, 0.0, 0.0, w), (h, w))}
    rot, size = turn.get(page.get_rotation() % 360, ((1.0, 0.0, 0.0, 1.0, 0.0, 0.0), (w, h)))
    return _mul(flip, rot), size


def _children(raw, count, get) -> list[pdfium_c.FPDF_PAGEOBJECT]:
    """The objects of a page or form: ``get(raw, i)`` for ``i < count(raw)``."""
    return [get(raw, i) for i in range(max(count(raw), 0))]


def _matrix(raw: pdfium_c.FPDF_PAGEOBJECT) -> Affine | None:
    m = pdfium_c.FS_MATRIX()
    ok = pdfium_c.FPDFPageObj_GetMatrix(raw, ctypes.byref(m))
    return (m.a, m.b, m.c, m.d, m.e, m.f) if ok else None


def _color(getter, raw: pdfium_c.FPDF_PAGEOBJECT) -> tuple[float, ...] | None:
    """RGBA in [0, 1] from ``FPDFPageObj_Get{Fill,Stroke}Color``, None if unreadable."""
    rgba = [ctypes.c_uint() for _ in range(4)]
    ok = getter(raw, *(ctypes.byref(v) for v in rgba))
    return tuple(v.value / 255.0 for v in rgba) if ok else None


def _contours(raw: pdfium_c.FPDF_PAGEOBJECT, m: Affine) -> list[Contour] | None:
    """Cubic contours of a path object in canvas px; None when its segments are malformed.

    Each contour is ``3n+1`` points; a closed single point becomes one degenerate
    segment (caps draw it as a dot), as in :func:`vecdream.svg.pathdata.parse_path`.
    """
    a, b, c, d, e, f = m
    segs = []  # (type, point in px, closes its subpath)
    for i in range(pdfium_c.FPDFPath_CountSegments(raw)):
        seg = pdfium_c.FPDFPath_GetPathSegment(raw, i)
        x, y = ctypes.c_float(), ctypes.c_float()
        if not seg or not pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
            return None
        u, v = x.value, y.value
        segs.append((pdfium_c.FPDFPathSegment_GetType(seg), (a * u + c * v + e, b * u + d * v + f),
                     bool(pdfium_c.FPDFPathSegment_GetClose(seg))))
    contours: list[Contour] = []
    pts: list[Point] = []
    start: Point | None = None

    def flush(closed: bool) -> None:
        if len(pts) > 1 or (closed and pts):
            contours.append((pts if len(pts) > 1 else pts * 4, closed))

    i = 0
    while i < len(segs):
        kind, p, close = segs[i]
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            flush(False)
            pts, start = [p], p
        elif start is None:
            return None  # drawing before any moveto
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            pts = pts or [start]  # after h, a subpath continues from its start
            q = pts[-1]
            pts += [(q[0] + (p[0] - q[0]) / 3, q[1] + (p[1] - q[1]) / 3),
                    (q[0] + 2 * (p[0] - q[0]) / 3, q[1] + 2 * (p[1] - q[1]) / 3), p]
            if close and len(pts) > 4 and p == pts[0]:
                del pts[-3:]  # pdfium's explicit closing line: `closed` draws it
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO and i + 2 < len(segs) and all(
                s[0] == pdfium_c.FPDF_SEGMENT_BEZIERTO for s in segs[i + 1:i + 3]):
            pts = (pts or [start]) + [p, segs[i + 1][1], segs[i + 2][1]]
            i += 2
            close = segs[i][2]
        else:
            return None
        if close:
            flush(True)
            pts = []
        i += 1
    flush(False)
    return contours


def _path_shape(raw: pdfium_c.FPDF_PAGEOBJECT, m: Affine, group: int,
                counts: Counter[str]) -> Shape | None:
    """A :class:`Shape` of one path object under the canvas matrix ``m``, or None."""
    fill_mode, stroking = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(raw, ctypes.byref(fill_mode), ctypes.byref(stroking)):
        counts["unreadable paths"] += 1
        return None
    filled = fill_mode.value != pdfium_c.FPDF_FILLMODE_NONE
    fill = _color(pdfium_c.FPDFPageObj_GetFillColor, raw) if filled else None
    stroke = _color(pdfium_c.FPDFPageObj_GetStrokeColor, raw) if stroking.value else None
    counts["pattern paints"] += (filled and fill is None) + (stroking.value and stroke is None)
    counts["dashed strokes (drawn solid)"] += stroke is not None and \
        pdfium_c.FPDFPageObj_GetDashCount(raw) > 0
    if fill is None and stroke is None:
        return None  # a clip-only path (`n`), or paint we cannot read
    contours = _contours(raw, m)
    det = abs(m[0] * m[3] - m[1] * m[2])
    counts["malformed paths"] += contours is None or det == 0
    if not contours or det == 0:
        return None
    width = ctypes.c_float()
    pdfium_c.FPDFPageObj_GetStrokeWidth(raw, ctypes.byref(width))
    local = width.value if width.value > 0 else 1.0 / math.sqrt(det)  # 0: a 1 px hairline
    scaled = local * math.sqrt(det)
    coords = [v for pts, _ in contours for p in pts for v in p]
    if not all(math.isfinite(v) and abs(v) <= MAX_COORD for v in [*coords, scaled]):
        counts["non-finite or huge coordinates"] += 1
        return None
    a, b, c, d = m[:4]
    tol = 1e-6 * math.sqrt(det)
    similar = max(abs(a - d), abs(b + c)) <= tol or max(abs(a + d), abs(b - c)) <= tol
    return Shape(
        contours, scaled, local, None if fill is None else Paint(fill),
        None if stroke is None else Paint(stroke),
        fill_mode.value == pdfium_c.FPDF_FILLMODE_ALTERNATE,
        _CAPS.get(pdfium_c.FPDFPageObj_GetLineCap(raw), "butt"),
        _JOINS.get(pdfium_c.FPDFPageObj_GetLineJoin(raw), "miter"), 4.0,
        None if similar else (a, b, c, d), group=group)


class _Walk:
    """The page's objects, depth first through form XObjects, as shapes and groups."""

    def __init__(self) -> None:
        self.shapes: list[Shape] = []
        self.groups: list[tuple[float, int]] = []  # (opacity, parent group)
        self.counts: Counter[str] = Counter()

    def objects(self, children: list[pdfium_c.FPDF_PAGEOBJECT], m: Affine, group: int) -> None:
        """Read raw page objects under the canvas matrix ``m`` (pdfium nests forms <= 40)."""
        for raw in children:
            kind = pdfium_c.FPDFPageObj_GetType(raw)
            own = _matrix(raw) if kind in (pdfium_c.FPDF_PAGEOBJ_PATH,
                                           pdfium_c.FPDF_PAGEOBJ_FORM) else None
            if kind in _SKIPPED or own is None:
                self.counts[_SKIPPED.get(kind, "unknown objects")] += 1
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                shape = _path_shape(raw, _mul(own, m), group, self.counts)
                if shape is not None:
                    self.shapes.append(shape)
            else:
                self.form(raw, _mul(own, m), group)

    def form(self, raw: pdfium_c.FPDF_PAGEOBJECT, m: Affine, group: int) -> None:
        """A form XObject's objects; an alpha below 1 makes it an opacity group."""
        alpha = _color(pdfium_c.FPDFPageObj_GetFillColor, raw)
        n_shapes = len(self.shapes)
        inner = group
        if alpha is not None and alpha[3] < 1.0:
            self.groups.append((alpha[3], group))
            inner = len(self.groups) - 1
        self.objects(_children(raw, pdfium_c.FPDFFormObj_CountObjects,
                               pdfium_c.FPDFFormObj_GetObject), m, inner)
        if inner != group and len(self.shapes) == n_shapes:
            self.groups.pop()  # an empty group (its inner empty groups are gone too)


def read_pdf(path: str | os.PathLike, page: int = 1) -> Drawing:
    """Read one page of a vector PDF as a drawing in CSS px.

    Args:
        path: the PDF file.
        page: 1-based page number.

    Returns:
        A float32 CPU drawing like :func:`vecdream.svg.read_svg`'s (``points (C, 3S+1,
        2)``, ``n_segments``, ``closed``, ``contour_path (C,)``, ``widths (P,)``,
        ``stroke``, ``fill (P, 4)``, ``evenodd (P,)``, caps, joins, groups), a path per
        PDF path object in page order; ``size``: the crop box in px (turned by /Rotate).

    Raises:
        PdfReadError: a missing, corrupt or encrypted file, a missing page, or a page
            over the SVG reader's ``MAX_PADDED_POINTS``; one line.
    """
    pdf, pdf_page = _open(path, page)
    try:
        matrix, size = _page_matrix(pdf_page)
        walk = _Walk()
        walk.objects(_children(pdf_page.raw, pdfium_c.FPDFPage_CountObjects,
                               pdfium_c.FPDFPage_GetObject), matrix, -1)
    finally:
        pdf.close()
    if +walk.counts:  # unary + drops the zero counts
        shown = ", ".join(f"{k} {what}" for what, k in sorted((+walk.counts).items()))
        log.warning("read_pdf: %s page %d: skipped %s", os.fspath(path), page, shown)
    try:
        return _assemble(walk.shapes, size, [], walk.groups)
    except SVGError as exc:
        raise PdfReadError(str(exc)) from None


def render_pdf(path: str | os.PathLike, size: int, page: int = 1) -> tuple[Image.Image, bool]:
    """``(image, has_images)``: 1-based ``page`` rendered by pdfium for a seed image.

    ``image`` is RGB on white with its long side ``size`` px, everything drawn (text,
    images and shadings too); ``has_images``: the page (or a form in it) holds raster
    images. Raises :class:`PdfReadError` as :func:`read_pdf`.
    """
    pdf, pdf_page = _open(path, page)
    try:
        scale = size / max(pdf_page.get_size())
        image = pdf_page.render(scale=scale, fill_color=(255, 255, 255, 255)).to_pil()
        images = any(True for _ in pdf_page.get_objects([pdfium_c.FPDF_PAGEOBJ_IMAGE], 40))
    finally:
        pdf.close()
    return image.convert("RGB"), images
