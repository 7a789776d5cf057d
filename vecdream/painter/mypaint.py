"""The real brush engine: libmypaint (the program SPIRAL and "Neural Painters" used).

Loaded through ctypes on libmypaint 1.6's C API (Debian package ``libmypaint-1.5-1``,
presets from ``mypaint-brushes``), so nothing is compiled. It is optional at run time:
only generating training strokes and replaying actions need it; without it
:func:`mypaint_available` is False and the renderers raise :class:`MyPaintMissing`.

How an action becomes a stroke (the same for training data and replay): the brush is a
fresh instance of the preset (libmypaint seeds its random generator per brush, so a
render is deterministic), colour from the action RGB (as HSV), base radius
:func:`~vecdream.painter.actions.radius_px` (the preset's own dynamics, e.g. pressure →
radius, stay). The pen is put down at the start with no pressure, then moved along the
densely sampled quadratic Bézier at a constant speed in cell units with the pressure
interpolated linearly, and held briefly at the end so slow-tracking presets catch up.

Environment: ``VECDREAM_LIBMYPAINT`` overrides the library path, ``VECDREAM_MYPAINT_BRUSHES``
the preset folder.
"""

from __future__ import annotations

import colorsys
import ctypes
import functools
import math
import os
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from .actions import ACTION_DIM, CELL, radius_px, stroke_cells

__all__ = ["BRUSHES", "DEFAULT_BRUSH", "MyPaintMissing", "mypaint_available", "brush_json",
           "render_actions", "render_stroke"]

# Presets that read well on a 64 px cell: crisp opaque pen and liner, an opaque round
# brush, a soft marker, a bristly oil brush and grainy charcoal (mypaint-brushes 2.0).
BRUSHES: tuple[str, ...] = ("classic/pen", "deevad/liner", "deevad/brush", "tanda/marker-01",
                            "tanda/oil-03-paint", "classic/charcoal")
DEFAULT_BRUSH = "classic/pen"  # opaque and crisp: the preset the shipped painter imitates
_LIBRARY = "libmypaint-1.5.so.1"  # libmypaint 1.6 keeps the 1.5 soname
_BRUSH_DIR = "/usr/share/mypaint-data/1.0/brushes"
_INSTALL = "apt-get install libmypaint-1.5-1 mypaint-brushes"
_TILE = 64
_SPEED = 160.0  # cell pixels per second: the brush's speed inputs see the same motion at any scale
_MAX_STEP = 1.0  # cell pixels between input events along the curve


class MyPaintMissing(RuntimeError):
    """libmypaint or its brush presets are not installed (the message says what to run)."""


class _Rect(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int),
                ("width", ctypes.c_int), ("height", ctypes.c_int)]


class _TileRequest(ctypes.Structure):
    _fields_ = [("tx", ctypes.c_int), ("ty", ctypes.c_int), ("readonly", ctypes.c_int),
                ("buffer", ctypes.POINTER(ctypes.c_uint16)), ("context", ctypes.c_void_p),
                ("thread_id", ctypes.c_int), ("mipmap_level", ctypes.c_int)]


_SIGNATURES = {  # name: (restype, argtypes), libmypaint 1.6 headers
    "mypaint_brush_new": (ctypes.c_void_p, []),
    "mypaint_brush_unref": (None, [ctypes.c_void_p]),
    "mypaint_brush_from_string": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p]),
    "mypaint_brush_setting_from_cname": (ctypes.c_int, [ctypes.c_char_p]),
    "mypaint_brush_set_base_value": (None, [ctypes.c_void_p, ctypes.c_int, ctypes.c_float]),
    "mypaint_brush_reset": (None, [ctypes.c_void_p]),
    "mypaint_brush_new_stroke": (None, [ctypes.c_void_p]),
    "mypaint_brush_stroke_to": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_void_p] +
                                [ctypes.c_float] * 5 + [ctypes.c_double]),
    "mypaint_fixed_tiled_surface_new": (ctypes.c_void_p, [ctypes.c_int, ctypes.c_int]),
    "mypaint_surface_begin_atomic": (None, [ctypes.c_void_p]),
    "mypaint_surface_end_atomic": (None, [ctypes.c_void_p, ctypes.POINTER(_Rect)]),
    "mypaint_surface_unref": (None, [ctypes.c_void_p]),
    "mypaint_tile_request_init": (None, [ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                         ctypes.c_int, ctypes.c_int]),
    "mypaint_tiled_surface_tile_request_start": (None, [ctypes.c_void_p, ctypes.c_void_p]),
    "mypaint_tiled_surface_tile_request_end": (None, [ctypes.c_void_p, ctypes.c_void_p]),
}


def _library_name() -> str:
    return os.environ.get("VECDREAM_LIBMYPAINT", _LIBRARY)


def _brush_dir() -> Path:
    return Path(os.environ.get("VECDREAM_MYPAINT_BRUSHES", _BRUSH_DIR))


@functools.lru_cache(maxsize=4)
def _load(name: str) -> ctypes.CDLL:
    try:
        lib = ctypes.CDLL(name)
        for fn, (res, args) in _SIGNATURES.items():
            getattr(lib, fn).restype, getattr(lib, fn).argtypes = res, args
    except (OSError, AttributeError) as exc:
        raise MyPaintMissing(f"libmypaint 1.6 not found ({name}): {_INSTALL}") from exc
    return lib


def _lib() -> ctypes.CDLL:
    return _load(_library_name())


def mypaint_available() -> bool:
    """True when libmypaint loads and the default brush preset is installed."""
    try:
        _lib()
        brush_json(DEFAULT_BRUSH)
    except MyPaintMissing:
        return False
    return True


def brush_json(brush: str) -> str:
    """The ``.myb`` preset text of ``brush`` (e.g. ``"classic/pen"``)."""
    path = _brush_dir() / f"{brush}.myb"
    if not path.is_file():
        if not _brush_dir().is_dir():
            raise MyPaintMissing(f"MyPaint brush presets not found in {_brush_dir()}: {_INSTALL}")
        raise ValueError(f"unknown brush {brush!r}: expected a preset under {_brush_dir()}, "
                         f"e.g. one of {', '.join(BRUSHES)}")
    return path.read_text()


def _new_brush(lib: ctypes.CDLL, brush: str) -> int:
    handle = lib.mypaint_brush_new()
    if not lib.mypaint_brush_from_string(handle, brush_json(brush).encode()):
        lib.mypaint_brush_unref(handle)
        raise ValueError(f"libmypaint could not parse the brush preset {brush!r}")
    return handle


def _set(lib: ctypes.CDLL, handle: int, cname: str, value: float) -> None:
    lib.mypaint_brush_set_base_value(handle, lib.mypaint_brush_setting_from_cname(cname.encode()),
                                     float(value))


def _paint(lib: ctypes.CDLL, brush: int, surface: int, action: list[float],
           origin: tuple[float, float], cell: float) -> None:
    """One stroke: put the pen down at the start, follow the Bézier, lift it at the end."""
    p_start, p_end, size, r, g, b, x0, y0, x1, y1, x2, y2 = action
    h, s, v = colorsys.rgb_to_hsv(*(min(max(c, 0.0), 1.0) for c in (r, g, b)))
    for name, value in (("color_h", h), ("color_s", s), ("color_v", v),
                        ("radius_logarithmic", math.log(radius_px(size) * cell / CELL))):
        _set(lib, brush, name, value)
    lib.mypaint_brush_reset(brush)
    lib.mypaint_brush_new_stroke(brush)
    ox, oy = origin

    def to(x: float, y: float, pressure: float, dtime: float) -> None:
        lib.mypaint_brush_stroke_to(brush, surface, ox + x * cell, oy + y * cell,
                                    pressure, 0.0, 0.0, dtime)

    # A long pause resets the brush at the start point; a few short events let it settle.
    to(x0, y0, 0.0, 10.0)
    for _ in range(3):
        to(x0, y0, 0.0, 0.01)
    chord = math.hypot(x1 - x0, y1 - y0) + math.hypot(x2 - x1, y2 - y1)  # >= arc length
    n = max(4, math.ceil(chord * CELL / _MAX_STEP))
    for i in range(1, n + 1):
        t = i / n
        x = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * x1 + t * t * x2
        y = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * y1 + t * t * y2
        to(x, y, p_start + (p_end - p_start) * t, chord * CELL / n / _SPEED + 1e-4)
    for _ in range(3):  # hold at the end so the tracking catches up, then lift the pen
        to(x2, y2, p_end, 0.01)
    to(x2, y2, 0.0, 0.01)


def _advance_random(lib: ctypes.CDLL, brush: int, surface: int, dabs: int) -> None:
    """Paint ``dabs`` input events far off the surface: the brush's random generator (seeded
    the same for every new brush) moves on as it would have later in a painting."""
    lib.mypaint_brush_reset(brush)
    lib.mypaint_brush_new_stroke(brush)
    lib.mypaint_brush_stroke_to(brush, surface, -1e5, -1e5, 0.0, 0.0, 0.0, 10.0)
    for i in range(dabs):
        lib.mypaint_brush_stroke_to(brush, surface, -1e5 + i, -1e5, 1.0, 0.0, 0.0, 0.01)


def _tiles(lib: ctypes.CDLL, surface: int, width: int, height: int, clear: bool) -> np.ndarray:
    """The surface's pixels ``(H, W, 4)`` uint16 premultiplied (1 << 15 = 1.0); with
    ``clear`` the tiles are zeroed first (a new fixed surface starts as 0xFFFF)."""
    out = np.zeros((height, width, 4), np.uint16)
    req = _TileRequest()
    for ty in range(math.ceil(height / _TILE)):
        for tx in range(math.ceil(width / _TILE)):
            lib.mypaint_tile_request_init(ctypes.byref(req), 0, tx, ty, 0 if clear else 1)
            lib.mypaint_tiled_surface_tile_request_start(surface, ctypes.byref(req))
            if clear:
                ctypes.memset(req.buffer, 0, _TILE * _TILE * 4 * 2)
            else:
                tile = np.ctypeslib.as_array(req.buffer, shape=(_TILE, _TILE, 4))
                ys, xs = ty * _TILE, tx * _TILE
                h, w = min(_TILE, height - ys), min(_TILE, width - xs)
                out[ys:ys + h, xs:xs + w] = tile[:h, :w]
            lib.mypaint_tiled_surface_tile_request_end(surface, ctypes.byref(req))
    return out


def render_actions(actions: Tensor, *, size: tuple[int, int] = (CELL, CELL),
                   origins: Tensor | None = None, cell: float | Tensor = CELL,
                   brush: str = DEFAULT_BRUSH,
                   background: tuple[float, float, float] | None = None,
                   variant: int = 0) -> Tensor:
    """Paint ``actions`` in order on one transparent libmypaint surface.

    Args:
        actions: ``(N, 12)`` in [0, 1] (see :mod:`~vecdream.painter.actions`).
        size: the surface ``(W, H)`` in pixels.
        origins: ``(N, 2)`` each stroke's cell corner in pixels; None puts every stroke
            on the cell at ``(0, 0)``.
        cell: the cell side in pixels (coordinates and radius scale by ``cell / 64``), or
            each stroke's ``(N,)``.
        brush: a MyPaint preset name, e.g. one of :data:`BRUSHES`.
        background: an RGB colour in [0, 1] to composite onto (alpha becomes 1), or None.
        variant: 0 paints as a fresh brush does (a render is deterministic); another
            value first moves the brush's random generator on by that many off-surface
            events, so presets with random dynamics (dab offsets, tracking noise) paint
            the same actions as another, equally real, sample.

    Returns:
        ``(4, H, W)`` straight RGBA float32 in [0, 1].

    Raises:
        MyPaintMissing: libmypaint or the presets are not installed.
    """
    actions = torch.as_tensor(actions, dtype=torch.float32).detach().cpu()
    if actions.dim() != 2 or actions.shape[1] != ACTION_DIM:
        raise ValueError(f"expected actions of shape (N, {ACTION_DIM}), "
                         f"got {tuple(actions.shape)}")
    width, height = (int(v) for v in size)
    if width < 1 or height < 1:
        raise ValueError(f"expected a positive surface size, got {size}")
    if origins is not None and tuple(origins.shape) != (actions.shape[0], 2):
        raise ValueError(f"expected origins of shape ({actions.shape[0]}, 2), "
                         f"got {tuple(origins.shape)}")
    corners = ([(0.0, 0.0)] * actions.shape[0] if origins is None
               else [tuple(o) for o in origins.detach().cpu().double().tolist()])
    cells = stroke_cells(cell, actions.shape[0]).tolist()
    lib = _lib()
    handle = _new_brush(lib, brush)
    surface = lib.mypaint_fixed_tiled_surface_new(width, height)
    try:
        _tiles(lib, surface, width, height, clear=True)
        if variant:
            _advance_random(lib, handle, surface, int(variant))
        for action, corner, side in zip(actions.tolist(), corners, cells, strict=True):
            lib.mypaint_surface_begin_atomic(surface)
            _paint(lib, handle, surface, action, corner, side)
            lib.mypaint_surface_end_atomic(surface, None)
        premul = _tiles(lib, surface, width, height, clear=False)
    finally:
        lib.mypaint_surface_unref(surface)
        lib.mypaint_brush_unref(handle)
    rgba = torch.from_numpy(premul.astype(np.float32) / (1 << 15)).clamp(0, 1).permute(2, 0, 1)
    alpha = rgba[3:]
    rgb = torch.where(alpha > 0, rgba[:3] / alpha.clamp_min(1e-6), 0.0).clamp(0, 1)
    if background is not None:
        bg = torch.tensor(background, dtype=torch.float32).reshape(3, 1, 1)
        return torch.cat([rgb * alpha + bg * (1 - alpha), torch.ones_like(alpha)])
    return torch.cat([rgb, alpha])


def render_stroke(action: Tensor, brush: str = DEFAULT_BRUSH, variant: int = 0) -> Tensor:
    """One action ``(12,)`` on its own 64×64 cell: ``(4, 64, 64)`` straight RGBA
    (``variant``: see :func:`render_actions`)."""
    return render_actions(torch.as_tensor(action).reshape(1, ACTION_DIM), brush=brush,
                          variant=variant)
