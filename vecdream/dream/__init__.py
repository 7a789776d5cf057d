"""The dream stage: Bézier strokes optimized until they excite a network.

Pipeline order inside the stage:

* ``optimize`` -- :func:`optimize_strokes`, a drawing from scratch on one canvas; its
  Adam loop (``loop``: :func:`run_loop`, :class:`Result`, :class:`StepInfo`) is shared
  with the large format and the painter;
* ``init`` and ``photo`` -- where strokes start (random, short arcs, a photo's colours);
* ``augment`` -- the random views each step scores (jitter, scale, rotation);
* ``hygiene`` and ``loops`` -- strokes that do not help are pruned and re-seeded, self
  loops are cut;
* ``pen`` and ``styles`` -- a physical pen's width, named sets of options;
* ``tiles``, ``windows`` and ``large`` -- the large format: a drawing cut into tiles,
  scored through windows, finetuned at print size (:func:`upscale`);
* ``channels``, ``channels_job`` and ``sweep`` -- many dreams at once: a layer's channel
  atlas, a grid of options (batch jobs through :mod:`vecdream.jobs`).

May import: the foundations (``vecdream.drawing``, ``atomic``, ``provenance``,
``checkpoint``), :mod:`vecdream.render`, the I/O stages, :mod:`vecdream.plot` (pen
widths), :mod:`vecdream.nets`, :mod:`vecdream.objectives` and :mod:`vecdream.jobs`;
never the seeds, painter or command-line packages, which build on it.
(``tests/test_imports.py`` checks the order.) Submodules load on import; this package
itself imports nothing, so ``import vecdream.dream.tiles`` stays light.
"""
