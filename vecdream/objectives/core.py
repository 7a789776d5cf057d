"""The objective language: :class:`Objective` (a named scalar to minimize, combined with
``+ - * /``) and :class:`DreamContext` (what one optimization step shows it).

Each objective declares the features it needs, so every network runs once per step with
exactly the layers the whole expression uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from torch import Tensor

from vecdream.drawing import Drawing

__all__ = ["DreamContext", "Need", "Objective"]

# (net, layer, source): source "views" = augmented views, "render" = the plain renders.
Need = tuple[object, str, str]


@dataclass
class DreamContext:
    """What objectives see at one optimization step.

    Attributes:
        views: augmented views ``(B * V, 3, h, w)``, grouped by drawing.
        renders: the plain renders ``(B, 3, H, W)``.
        drawings: the ``B`` drawings being optimized.
        needs: every (net, layer, source) the objective will ask for.
    """

    views: Tensor
    renders: Tensor
    drawings: Sequence[Drawing]
    needs: frozenset[Need] = frozenset()
    _cache: dict[tuple[int, str], dict[str, Tensor]] = field(default_factory=dict, repr=False)

    def features(self, net, layer: str, source: str = "views") -> Tensor:
        """Activation of ``layer`` in ``net`` on the views (or renders), ``(N, C, h, w)``.

        The first request for a net runs it once for all layers it is needed for.
        """
        key = (id(net), source)
        if key not in self._cache:
            layers = sorted({lay for n, lay, s in self.needs if n is net and s == source} | {layer})
            images = self.views if source == "views" else self.renders
            self._cache[key] = net.features(images, layers)
        feats = self._cache[key]
        if layer not in feats:
            feats.update(net.features(self.views if source == "views" else self.renders, [layer]))
        return feats[layer]

    @property
    def n_drawings(self) -> int:
        return self.renders.shape[0]


class Objective:
    """A named scalar function of a :class:`DreamContext`, to minimize.

    Args:
        fn: ``ctx -> scalar Tensor``.
        name: readable name, e.g. ``"channel(vgg16:conv3_3, 37)"``.
        needs: the (net, layer, source) triples ``fn`` reads.
    """

    def __init__(self, fn: Callable[[DreamContext], Tensor], name: str,
                 needs: Iterable[Need] = ()) -> None:
        self.fn = fn
        self.name = name
        self.needs = frozenset(needs)

    def __call__(self, ctx: DreamContext) -> Tensor:
        return self.fn(ctx)

    def __repr__(self) -> str:
        return f"Objective({self.name})"

    def __add__(self, other: Objective | float) -> Objective:
        if isinstance(other, (int, float)):
            return Objective(lambda c: self(c) + other, f"{self.name} + {other}", self.needs)
        return Objective(lambda c: self(c) + other(c), f"{self.name} + {other.name}",
                         self.needs | other.needs)

    def __radd__(self, other: float) -> Objective:  # lets sum([...]) start from 0
        return self if other == 0 else self + other

    def __neg__(self) -> Objective:
        return Objective(lambda c: -self(c), f"-({self.name})", self.needs)

    def __sub__(self, other: Objective | float) -> Objective:
        return self + (-other)

    def __mul__(self, factor: float) -> Objective:
        if not isinstance(factor, (int, float)):
            raise TypeError(f"Objective * expects a number, got {type(factor).__name__}")
        return Objective(lambda c: factor * self(c), f"{factor} * {self.name}", self.needs)

    __rmul__ = __mul__

    def __truediv__(self, divisor: float) -> Objective:
        return self * (1.0 / divisor)
