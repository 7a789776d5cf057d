"""The learned brush (Nakano's "Neural Painters"): a network that imitates MyPaint.

Stages: the action space (:mod:`~vecdream.painter.actions`), the real engine through
libmypaint (:mod:`~vecdream.painter.mypaint`, optional at run time), the neural painter
and its training (:mod:`~vecdream.painter.model`, :mod:`~vecdream.painter.train`), the
brush as an image parameterization (:mod:`~vecdream.painter.canvas`) and the one-pass
painting agent (:mod:`~vecdream.painter.agent`). Import the submodules you need;
``import vecdream.painter`` itself loads nothing heavy.

May import: every stage before it, :mod:`vecdream.seeds` included; its ``cli*`` modules
also the shared helpers of :mod:`vecdream.cli` (stage order: docs/ARCHITECTURE.md,
checked by tests/test_imports.py).
"""
