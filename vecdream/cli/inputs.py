"""Input drawings of the commands: an SVG argument checked before any work.

A file that is not an SVG at all (a JPEG renamed ``photo.svg``, a PDF, an empty file)
is refused when the argument is parsed, from its first bytes and without loading torch,
with one line saying what it looks like; an SVG the reader refuses (malformed XML,
``<html>`` root, too large...) is refused the same way when it is read. Both are bad
input: exit status 2, like every bad value (see :mod:`vecdream.cli.common`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from vecdream.drawing import Drawing

__all__ = ["SvgFile", "not_svg", "read_drawing"]

# Leading bytes of common files that get renamed .svg by mistake, and what they are.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "JPEG image data"),
    (b"\x89PNG\r\n\x1a\n", "PNG image data"),
    (b"GIF87a", "GIF image data"),
    (b"GIF89a", "GIF image data"),
    (b"%PDF-", "a PDF document"),
    (b"%!PS", "a PostScript document"),
    (b"II*\x00", "TIFF image data"),
    (b"MM\x00*", "TIFF image data"),
    (b"\x00\x00\x00\x0cjP  \r\n", "JPEG 2000 image data"),
    (b"8BPS", "Photoshop image data"),
    (b"PK\x03\x04", "a Zip archive (an .svgz is gzip, not zip)"),
    (b"\x7fELF", "an executable"),
)
_HEAD = 32  # bytes read to tell


def _kind(head: bytes) -> str | None:
    """What ``head`` (a file's first bytes) looks like when it cannot start an SVG."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP image data"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return ("HEIF/AVIF image data" if brand in (b"heic", b"heix", b"mif1", b"avif")
                else "ISO media (MP4/MOV) data")
    if head[:2] == b"BM" and head[6:10] == b"\x00\x00\x00\x00":  # reserved bytes of BMP
        return "BMP image data"
    gzip, utf16 = head[:2] == b"\x1f\x8b", head[:2] in (b"\xff\xfe", b"\xfe\xff")
    if b"\x00" in head and not (gzip or utf16):  # .svgz and UTF-16 SVGs stay readable
        return "binary data"
    return None


def not_svg(path: str | Path) -> str | None:
    """One line saying why the file at ``path`` is not an SVG file, or None when its first
    bytes could start one (the SVG reader decides the rest)."""
    with open(path, "rb") as f:
        head = f.read(_HEAD)
    kind = "empty" if not head else _kind(head)
    if kind is None:
        return None
    return f"{path}: not an SVG file ({kind if kind == 'empty' else 'looks like ' + kind})"


class SvgFile(click.Path):
    """An existing SVG file argument (a :class:`~pathlib.Path`); anything whose first
    bytes are not an SVG's (:func:`not_svg`) is a bad value."""

    def __init__(self) -> None:
        super().__init__(exists=True, dir_okay=False, path_type=Path)

    def convert(self, value, param, ctx):
        path = super().convert(value, param, ctx)
        try:
            problem = not_svg(path)
        except OSError as exc:
            problem = f"{path}: cannot read it ({exc.strerror or exc})"
        if problem:
            self.fail(problem, param, ctx)
        return path


def read_drawing(path: Path, param_hint: str) -> Drawing:
    """``Drawing.from_svg(path)``; a file the SVG reader refuses is one line naming the
    argument (``param_hint``, e.g. ``"'SVG'"``) and the file, exit status 2."""
    from vecdream.drawing import Drawing

    try:
        return Drawing.from_svg(path)
    except (ValueError, OSError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if not message.startswith(str(path)):
            message = f"{path}: {message}"
        raise click.BadParameter(message, param_hint=param_hint) from None
