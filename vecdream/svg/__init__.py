"""SVG import and export of a :class:`~vecdream.drawing.Drawing`.

Reading (:func:`read_svg`) is vecdream's own SVG interpreter (``read`` → ``walk`` over
``css``/``style``/``color``/``units``/``viewport``/``shapes``/``pathdata``/``paint``/
``clip``, tensors in ``fields``) after a hardening pass (``sanitize``): entity
declarations are refused, nothing an SVG points at (images, external ``<use>``,
stylesheets, XInclude) is ever opened, and unsupported content is dropped and reported
in one warning on the ``vecdream.svg`` logger.

Coordinates:
    Geometry comes out in the SVG's *viewBox* user units with the root viewport's origin
    at 0, and ``Drawing.size`` is the root viewport as a browser sizes it, in those
    units: the viewBox ``(w, h)`` when ``width``/``height`` are missing or have its
    aspect (see :func:`read_svg` for ``preserveAspectRatio``). Without a viewBox, user
    units are px: the ``width``/``height`` attributes (converted to px at 96 ppi) give
    the size; a missing or relative (``%``) one is replaced by the content's
    bounding-box corner along that axis (or 300 × 150, the CSS default object size,
    when there is no content).

Writing (:func:`drawing_to_svg`, :func:`save_svg`) emits one ``<path>`` of cubic
Béziers per drawing path; :func:`atomic_write_bytes` is the atomic file write shared
with the other exporters.

May import: the foundations (``vecdream.drawing``, ``drawing_fields``, ``atomic``,
``provenance``) only; reading and writing SVG needs no pixels (stage order:
docs/ARCHITECTURE.md, checked by tests/test_imports.py).
"""

from __future__ import annotations

from vecdream.atomic import atomic_write_bytes
from vecdream.drawing import register_file_io
from vecdream.svg.read import read_svg
from vecdream.svg.sanitize import MAX_PADDED_POINTS, MAX_SVG_BYTES, SVGError
from vecdream.svg.write import drawing_to_svg, save_svg

__all__ = [
    "MAX_PADDED_POINTS",
    "MAX_SVG_BYTES",
    "SVGError",
    "atomic_write_bytes",
    "drawing_to_svg",
    "read_svg",
    "save_svg",
]

# Drawing.from_svg / to_svg / save_svg call these (see vecdream.drawing: no cycle).
register_file_io(read_svg=read_svg, to_svg=drawing_to_svg, save_svg=save_svg)
