"""SVG import and export of a :class:`~vecdream.drawing.Drawing`.

Reading (:func:`read_svg`) goes through ``svgelements`` after a hardening pass over the
XML: entity declarations are refused, nothing an SVG points at (images, external
``<use>``, stylesheets, XInclude) is ever opened, and unsupported content is dropped
and reported in one warning on the ``vecdream.svg`` logger.

Coordinates:
    Geometry comes out in the SVG's *viewBox* user units with the viewBox's min-x/min-y
    moved to the origin, so ``Drawing.size`` is the viewBox ``(w, h)`` whatever the
    ``width``/``height`` attributes say. Without a viewBox, user units are px: the
    ``width``/``height`` attributes (converted to px at 96 ppi) give the size; a missing
    or relative (``%``) one is replaced by the content's bounding-box corner along that
    axis (or 300 × 150, the CSS default object size, when there is no content).

Writing (:func:`drawing_to_svg`, :func:`save_svg`) emits one ``<path>`` of cubic
Béziers per drawing path; :func:`atomic_write_bytes` is the atomic file write shared
with the other exporters.
"""

from __future__ import annotations

from vecdream.atomic import atomic_write_bytes
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
