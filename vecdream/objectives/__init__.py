"""Objectives: what the strokes should do, as a small composable language (lucent style).

An :class:`Objective` is a named function of a :class:`DreamContext` returning a scalar
*to minimize*; excitation objectives therefore return negative activations. They combine
with ``+``, ``-``, unary ``-``, ``*`` and ``/`` by numbers::

    objective = channel(net, "blocks.4", 7) - 0.5 * diversity(net, "blocks.4") \\
        + 1e-3 * ink_length()

Each objective declares the features it needs, so every network runs once per step
with exactly the layers the whole expression uses.

The language lives in :mod:`~vecdream.objectives.core`, the network terms in
:mod:`~vecdream.objectives.network`, the drawing's own terms (regularizers) in
:mod:`~vecdream.objectives.geometry`; every name is importable from here.

May import: the foundations, :mod:`vecdream.render` and :mod:`vecdream.nets` (stage
order: docs/ARCHITECTURE.md, checked by tests/test_imports.py).
"""

from vecdream.objectives.core import DreamContext, Objective
from vecdream.objectives.geometry import bending, grayscale, ink_length, palette, width_l1
from vecdream.objectives.image import pixels
from vecdream.objectives.network import (
    channel,
    class_logit,
    content,
    discriminator,
    diversity,
    ensemble,
    layer_norm,
    neuron,
    style,
)

__all__ = [
    "DreamContext", "Objective", "channel", "neuron", "layer_norm", "class_logit", "ensemble",
    "content", "style", "diversity", "pixels", "ink_length", "width_l1", "palette", "grayscale",
    "bending", "discriminator",
]
