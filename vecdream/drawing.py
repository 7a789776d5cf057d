"""The `Drawing`: a set of cubic Bézier paths held as tensors.

Convention:
    Geometry is in SVG user units of the drawing's canvas: ``size=(W, H)`` is the
    viewBox, origin at the top-left corner, x to the right, y down. Pixel sizes are
    chosen at render time and millimetres at plot time, never here.

A *path* carries the paint (stroke width, stroke RGBA, fill RGBA, fill rule). Its
geometry is one or more *contours* (SVG subpaths): each contour is a chain of cubic
Bézier segments sharing end points. For drawings made by the optimizer every path has
exactly one contour, so ``points`` is ``(P, 3S+1, 2)``; imported SVG files may have
compound paths (a donut is one path with two contours).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import Tensor

from vecdream.drawing_fields import (
    PATH_FIELDS,
    TABLE_FIELDS,
    check_field,
    core_fields,
    default_field,
    is_plain,
    random_walk,
)

__all__ = ["Drawing", "register_file_io"]

# File formats are a later stage than the data model: vecdream.svg and vecdream.export
# import Drawing, so Drawing must not import them back (a cycle). They register their
# functions here when imported and the file methods of Drawing call through this table.
# ``vecdream/__init__`` (which Python runs before any vecdream module) wraps this table
# so that a lookup imports both: it is filled whichever module a user imports first,
# while ``import vecdream`` itself stays free of torch (a fast ``vecdream --help``).
_FILE_IO: dict[str, Callable[..., Any]] = {}


def register_file_io(**functions: Callable[..., Any]) -> None:
    """Install the functions behind Drawing's file methods (called by the I/O stages).

    Keys: ``read_svg`` (``source -> Drawing``, behind :meth:`Drawing.from_svg`),
    ``to_svg``, ``save_svg`` and ``save_pdf`` (``(drawing, ...)``, behind the methods
    of those names).
    """
    _FILE_IO.update(functions)


def _file_io(name: str) -> Callable[..., Any]:
    try:
        return _FILE_IO[name]
    except KeyError:
        raise RuntimeError(f"Drawing: no {name!r} registered; import vecdream first "
                           "(vecdream.svg and vecdream.export register it)") from None


class Drawing:
    """Cubic Bézier paths on a canvas, as tensors an optimizer can update.

    Args:
        points: control points of every contour, ``(C, 3S+1, 2)``; contour ``c`` uses
            its first ``3 * n_segments[c] + 1`` points, the rest is padding.
        widths: stroke width of every path in user units, ``(P,)``.
        stroke: stroke RGBA in [0, 1], ``(P, 4)``; alpha 0 means no stroke.
        size: canvas ``(W, H)`` in user units (the SVG viewBox).
        fill: fill RGBA in [0, 1], ``(P, 4)``; alpha 0 means no fill. Default: none.
        evenodd: fill rule of every path, ``(P,)`` bool; False is SVG's ``nonzero``.
        closed: whether a contour ends with a closing line back to its start, ``(C,)``.
        n_segments: segments used per contour, ``(C,)``; default all ``S``.
        contour_path: the path each contour belongs to, ``(C,)`` non-decreasing;
            default ``arange(C)`` (one contour per path).
        **features: optional SVG styling, each defaulting to today's behaviour (round
            caps and joins, solid paint, no groups, no clips): per path ``cap``,
            ``join``, ``miter_limit``, ``fill_paint``, ``stroke_paint``, ``group``,
            ``clip``, ``stroke_transform``, and the gradient, group and clip tables
            (``grad_*``, ``group_*``, ``clip_*``); names, shapes and meaning in
            :mod:`vecdream.drawing_fields`.

    Example:
        >>> d = Drawing.random(10, size=(256, 256), seed=0)
        >>> d
        Drawing(10 paths, 10 contours, 3 segments max, size=(256.0, 256.0))
        >>> len(d)
        10
    """

    def __init__(
        self,
        points: Tensor,
        widths: Tensor,
        stroke: Tensor,
        size: tuple[float, float],
        *,
        fill: Tensor | None = None,
        evenodd: Tensor | None = None,
        closed: Tensor | None = None,
        n_segments: Tensor | None = None,
        contour_path: Tensor | None = None,
        **features: Tensor,
    ) -> None:
        core = core_fields(points, widths, stroke, size, fill=fill, evenodd=evenodd,
                           closed=closed, n_segments=n_segments, contour_path=contour_path)
        self.points, self.widths, self.stroke = core["points"], core["widths"], core["stroke"]
        self.fill, self.evenodd, self.closed = core["fill"], core["evenodd"], core["closed"]
        self.n_segments, self.contour_path = core["n_segments"], core["contour_path"]
        self.size = core["size"]
        n_paths, device = len(self.widths), points.device
        unknown = set(features) - set(PATH_FIELDS) - set(TABLE_FIELDS)
        if unknown:
            raise TypeError(f"Drawing: unknown keyword(s) {sorted(unknown)}")
        for name in self._FEATURES:
            value = features.get(name)
            if value is None:
                value = default_field(name, n_paths, points.dtype, device)
            setattr(self, name, check_field(name, value, n_paths))

    # ------------------------------------------------------------------ creation
    @classmethod
    def random(
        cls,
        n_paths: int,
        *,
        size: tuple[float, float] = (224.0, 224.0),
        segments: int | tuple[int, int] = (1, 3),
        radius: float = 0.1,
        width: float = 1.0,
        colors: bool = False,
        seed: int | None = None,
        generator: torch.Generator | None = None,
    ) -> Drawing:
        """Random-walk strokes, the initialization of the seed project (and diffvg's).

        Each path starts at a uniform point of the canvas; every next control point
        lies within ``±radius * size`` of the previous one.

        Args:
            n_paths: number of open strokes.
            size: canvas ``(W, H)`` in user units.
            segments: cubic segments per path, an int or an inclusive range ``(lo, hi)``.
            radius: step of the random walk as a fraction of the canvas size.
            width: stroke width in user units.
            colors: random opaque-ish RGBA strokes when True, black when False.
            seed: seed of a private generator (ignored when ``generator`` is given).
            generator: a ``torch.Generator`` to draw from.

        Returns:
            A drawing with ``P = n_paths`` contours of ``S = max segments``.
        """
        fields = random_walk(n_paths, size=size, segments=segments, radius=radius,
                             width=width, colors=colors, seed=seed, generator=generator)
        return cls(size=size, **fields)

    @classmethod
    def from_svg(cls, source: str | bytes | object) -> Drawing:
        """Read an SVG file path or SVG text; see :func:`vecdream.svg.read_svg`."""
        return _file_io("read_svg")(source)

    def to_svg(self, *, min_alpha: float = 0.0, precision: int = 4,
               metadata: dict | None = None) -> str:
        """SVG text of the drawing; see :func:`vecdream.svg.drawing_to_svg`."""
        return _file_io("to_svg")(self, min_alpha=min_alpha, precision=precision,
                                  metadata=metadata)

    def save_svg(self, path: str | object, *, min_alpha: float = 0.0,
                 metadata: dict | None = None) -> None:
        """Write the SVG atomically (temp file + rename); ``metadata``: provenance."""
        _file_io("save_svg")(self, path, min_alpha=min_alpha, metadata=metadata)

    def save_pdf(self, path: str | object, *, metadata: dict | None = None) -> None:
        """Write a vector PDF atomically; see :func:`vecdream.export.save_pdf`."""
        _file_io("save_pdf")(self, path, metadata=metadata)

    # ------------------------------------------------------------------ tensors
    _TENSORS = (
        "points", "widths", "stroke", "fill", "evenodd", "closed", "n_segments", "contour_path"
    )
    _FEATURES = (*PATH_FIELDS, *TABLE_FIELDS)
    _ALL = (*_TENSORS, *_FEATURES)

    def _map(self, fn) -> Drawing:
        kwargs = {name: fn(getattr(self, name)) for name in self._ALL}
        return Drawing(
            kwargs.pop("points"), kwargs.pop("widths"), kwargs.pop("stroke"), self.size, **kwargs
        )

    def state_dict(self) -> dict[str, object]:
        """Plain tensors and numbers, for ``torch.save`` (loads with ``weights_only=True``)."""
        state: dict[str, object] = {name: getattr(self, name).detach() for name in self._ALL}
        state["size"] = list(self.size)
        return state

    @classmethod
    def from_state_dict(cls, state: dict[str, object]) -> Drawing:
        """Inverse of :meth:`state_dict`; entries of later fields may be missing (older
        checkpoints) and then take their defaults."""
        try:
            tensors = {name: state[name] for name in cls._TENSORS}
            size = tuple(state["size"])
        except KeyError as missing:
            raise ValueError(f"Drawing.from_state_dict: missing entry {missing}") from None
        features = {name: state[name] for name in cls._FEATURES if name in state}
        return cls(tensors.pop("points"), tensors.pop("widths"), tensors.pop("stroke"), size,
                   **tensors, **features)

    @property
    def is_plain(self) -> bool:
        """True when every optional field has its default (what the optimizer makes)."""
        return is_plain(self)

    def named_parameters(self) -> dict[str, Tensor]:
        """The float tensors an optimizer updates, by name: points, widths, stroke, fill,
        and, when the drawing has them, ``grad_geom``, ``grad_stops``, ``grad_transform``
        (gradient paint) and ``clip_points``."""
        named = {"points": self.points, "widths": self.widths, "stroke": self.stroke,
                 "fill": self.fill}
        for name in ("grad_geom", "grad_stops", "grad_transform", "clip_points"):
            if getattr(self, name).numel():
                named[name] = getattr(self, name)
        return named

    def parameters(self) -> list[Tensor]:
        """The float tensors an optimizer updates: ``[points, widths, stroke, fill]``."""
        return list(self.named_parameters().values())

    def requires_grad_(self, requires_grad: bool = True) -> Drawing:
        """Set ``requires_grad`` on every parameter in place; returns self."""
        for t in self.parameters():
            t.requires_grad_(requires_grad)
        return self

    def detach(self) -> Drawing:
        """A drawing sharing storage, cut from the autograd graph."""
        return self._map(lambda t: t.detach())

    def clone(self) -> Drawing:
        """A deep copy (tensors cloned, still in the graph)."""
        return self._map(lambda t: t.clone())

    def to(self, device: torch.device | str | torch.dtype | None = None,
           dtype: torch.dtype | None = None) -> Drawing:
        """Move to a device and/or dtype (``d.to(torch.float64)`` works, as on a tensor);
        ``dtype`` applies to the float tensors only."""
        if isinstance(device, torch.dtype):
            device, dtype = None, device

        def move(t: Tensor) -> Tensor:
            return t.to(device=device, dtype=dtype if t.is_floating_point() else None)
        return self._map(move)

    @property
    def device(self) -> torch.device:
        return self.points.device

    @property
    def n_contours(self) -> int:
        return int(self.points.shape[0])

    def __len__(self) -> int:
        return int(self.widths.shape[0])

    def __repr__(self) -> str:
        return (
            f"Drawing({len(self)} paths, {self.n_contours} contours, "
            f"{(self.points.shape[1] - 1) // 3} segments max, size={self.size})"
        )

    # ------------------------------------------------------------------ geometry
    def select(self, keep: Tensor) -> Drawing:
        """The paths where ``keep`` (``(P,)`` bool) is True, with their contours, in order."""
        keep_contour = keep[self.contour_path]
        new_index = torch.cumsum(keep.long(), 0) - 1
        features = {name: getattr(self, name)[keep] for name in PATH_FIELDS}
        features.update({name: getattr(self, name) for name in TABLE_FIELDS})
        return Drawing(
            self.points[keep_contour], self.widths[keep], self.stroke[keep], self.size,
            fill=self.fill[keep], evenodd=self.evenodd[keep], closed=self.closed[keep_contour],
            n_segments=self.n_segments[keep_contour],
            contour_path=new_index[self.contour_path[keep_contour]], **features,
        )

    def scaled(self, factor: float | Sequence[float]) -> Drawing:
        """The same drawing on a canvas ``factor`` times larger (widths scale too)."""
        fx, fy = (factor, factor) if isinstance(factor, (int, float)) else factor
        out = self._map(lambda t: t)
        scale = self.points.new_tensor([fx, fy])
        out.points = self.points * scale
        out.widths = self.widths * (abs(fx * fy) ** 0.5)
        out.clip_points = self.clip_points * scale
        # gradient space -> user space, then scaled: rows of the affine scale.
        out.grad_transform = self.grad_transform * scale.to(self.grad_transform.dtype)[:, None]
        out.size = (self.size[0] * abs(fx), self.size[1] * abs(fy))
        return out
