"""Colour palettes: hex lists, GIMP ``.gpl`` and Adobe ``.ase`` swatch files.

A palette is a float tensor ``(K, 3)`` of RGB in [0, 1]. Brands hand designers their
colours as ``.ase`` (Adobe Swatch Exchange) or ``.gpl`` (GIMP/Inkscape) files or as a
list of hex codes; :func:`load_palette` accepts all three plus a few built-in names.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Sequence
from pathlib import Path

import torch
from torch import Tensor

__all__ = ["PALETTES", "load_palette", "parse_ase", "parse_gpl", "parse_hex", "palette_to_hex",
           "write_ase"]

PALETTES: dict[str, list[str]] = {
    "bauhaus": ["#f2e8d5", "#d62828", "#003f88", "#fcbf49", "#1b1b1b"],
    "ocean": ["#03045e", "#0077b6", "#00b4d8", "#90e0ef", "#caf0f8"],
    "sunset": ["#2b0f54", "#ab1f65", "#ff4f5a", "#ff8e3c", "#ffd166"],
    "mono": ["#ffffff", "#111111"],
    "forest": ["#1b4332", "#2d6a4f", "#52b788", "#b7e4c7", "#f1faee"],
}
"""Built-in palettes, first colour usually the paper/background."""

_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def _check(colours: list[tuple[float, float, float]], source: str) -> Tensor:
    if not colours:
        raise ValueError(f"palette {source}: expected at least one colour, got none")
    return torch.tensor(colours, dtype=torch.float32).clamp(0, 1)


def parse_hex(codes: str | Sequence[str]) -> Tensor:
    """``"#ff0000,#0f0"`` or ``["ff0000", "#00ff00"]`` → ``(K, 3)``.

    Raises:
        ValueError: naming the first code that is not ``#rgb`` or ``#rrggbb``.
    """
    items = codes.replace(";", ",").replace(" ", ",").split(",") if isinstance(codes, str) \
        else list(codes)
    out = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        m = _HEX.match(item)
        if m is None:
            raise ValueError(f"palette: expected hex colours such as #1a2b3c, got {item!r}")
        h = m.group(1)
        h = "".join(c * 2 for c in h) if len(h) == 3 else h
        out.append(tuple(int(h[i:i + 2], 16) / 255.0 for i in (0, 2, 4)))
    return _check(out, repr(codes))


def parse_gpl(text: str) -> Tensor:
    """A GIMP palette: ``GIMP Palette`` header, then ``R G B [name]`` lines (0-255)."""
    lines = text.splitlines()
    if not lines or not lines[0].strip().startswith("GIMP Palette"):
        raise ValueError("palette .gpl: expected a first line 'GIMP Palette'")
    out = []
    for line in lines[1:]:
        s = line.strip()
        if not s or s.startswith("#") or ":" in s.split()[0]:
            continue  # comments and "Name: ..." / "Columns: ..." headers
        parts = s.split()
        try:
            rgb = tuple(int(v) / 255.0 for v in parts[:3])
        except ValueError:
            raise ValueError(f"palette .gpl: expected 'R G B name', got {s!r}") from None
        if len(rgb) != 3:
            raise ValueError(f"palette .gpl: expected 'R G B name', got {s!r}")
        out.append(rgb)
    return _check(out, ".gpl")


def _cmyk_to_rgb(c: float, m: float, y: float, k: float) -> tuple[float, float, float]:
    return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))


def _lab_to_rgb(lab: tuple[float, float, float]) -> tuple[float, float, float]:
    """CIE L*a*b* (D50, as Adobe writes it; L in 0..1 scaled by 100) → sRGB."""
    big_l, a, b = lab[0] * 100.0, lab[1], lab[2]
    fy = (big_l + 16) / 116
    fx, fz = fy + a / 500, fy - b / 200

    def finv(t: float) -> float:
        return t ** 3 if t ** 3 > 0.008856 else (t - 16 / 116) / 7.787

    x, y, z = 0.9642 * finv(fx), finv(fy), 0.8249 * finv(fz)
    r = 3.1339 * x - 1.6169 * y - 0.4906 * z  # Bradford-adapted D50 → linear sRGB
    g = -0.9788 * x + 1.9161 * y + 0.0335 * z
    bl = 0.0719 * x - 0.2290 * y + 1.4052 * z

    def gamma(v: float) -> float:
        v = min(max(v, 0.0), 1.0)
        return 12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055

    return gamma(r), gamma(g), gamma(bl)


def parse_ase(data: bytes) -> Tensor:
    """Adobe Swatch Exchange bytes → ``(K, 3)``; RGB, CMYK, LAB and Gray swatches.

    Format: ``ASEF``, version (2 × u16), block count (u32); blocks of type (u16), length
    (u32), body. Colour blocks (0x0001) hold a UTF-16BE name (u16 length in characters,
    NUL included), a 4-byte model, 1–4 big-endian float32 values and a u16 type; group
    blocks (0xC001/0xC002) are skipped.
    """
    if data[:4] != b"ASEF" or len(data) < 12:
        raise ValueError("palette .ase: not an Adobe Swatch Exchange file (no ASEF header)")
    (count,) = struct.unpack(">I", data[8:12])
    pos, out = 12, []
    try:
        for _ in range(count):
            kind, length = struct.unpack(">HI", data[pos:pos + 6])
            body = data[pos + 6:pos + 6 + length]
            pos += 6 + length
            if kind != 0x0001:
                continue
            (n_chars,) = struct.unpack(">H", body[:2])
            at = 2 + 2 * n_chars
            model = body[at:at + 4].decode("ascii").strip()
            n_values = {"RGB": 3, "CMYK": 4, "LAB": 3, "Gray": 1}[model]
            values = struct.unpack(f">{n_values}f", body[at + 4:at + 4 + 4 * n_values])
            out.append(values if model == "RGB" else _cmyk_to_rgb(*values) if model == "CMYK"
                       else _lab_to_rgb(values) if model == "LAB" else values * 3)
    except (struct.error, KeyError, UnicodeDecodeError) as exc:
        raise ValueError(f"palette .ase: truncated or unknown block ({exc})") from None
    return _check(out, ".ase")


def write_ase(colours: Tensor, names: Sequence[str] | None = None) -> bytes:
    """``(K, 3)`` RGB → ASE bytes (RGB swatches, global type), e.g. to hand to a designer."""
    blocks = []
    for i, rgb in enumerate(colours.tolist()):
        name = (names[i] if names else f"colour {i + 1}") + "\0"
        encoded = name.encode("utf-16-be")
        body = (struct.pack(">H", len(name)) + encoded + b"RGB "
                + struct.pack(">3f", *rgb) + struct.pack(">H", 0))
        blocks.append(struct.pack(">HI", 0x0001, len(body)) + body)
    return b"ASEF" + struct.pack(">HHI", 1, 0, len(blocks)) + b"".join(blocks)


def load_palette(spec: str | os.PathLike | Sequence[str] | Tensor) -> Tensor:
    """A palette from a built-in name, a ``.gpl``/``.ase`` file, hex codes or a tensor.

    Args:
        spec: ``"bauhaus"`` (see :data:`PALETTES`), ``"brand.gpl"``, ``"brand.ase"``,
            ``"#112233,#445566"``, a list of hex codes, or a ``(K, 3)`` tensor.

    Returns:
        ``(K, 3)`` float32 RGB in [0, 1].

    Raises:
        ValueError: an unknown name, unreadable file or bad hex code, with the fix.
    """
    if isinstance(spec, Tensor):
        if spec.dim() != 2 or spec.shape[1] != 3 or spec.shape[0] < 1:
            raise ValueError(f"palette: expected shape (K, 3), got {tuple(spec.shape)}")
        return spec.float().clamp(0, 1)
    if not isinstance(spec, (str, os.PathLike)):
        return parse_hex(spec)
    text = os.fspath(spec)
    if text in PALETTES:
        return parse_hex(PALETTES[text])
    suffix = Path(text).suffix.lower()
    if suffix in (".gpl", ".ase"):
        try:
            raw = Path(text).read_bytes()
        except OSError as exc:
            raise ValueError(f"palette: cannot read {text}: {exc.strerror}") from None
        return parse_gpl(raw.decode("utf-8", "replace")) if suffix == ".gpl" else parse_ase(raw)
    try:
        return parse_hex(text)
    except ValueError:
        raise ValueError(
            f"palette: expected a name ({', '.join(PALETTES)}), a .gpl/.ase file or hex "
            f"colours such as '#112233,#445566', got {text!r}") from None


def palette_to_hex(palette: Tensor) -> list[str]:
    """``(K, 3)`` → ``["#rrggbb", ...]``."""
    return ["#" + "".join(f"{round(v * 255):02x}" for v in rgb) for rgb in palette.tolist()]
