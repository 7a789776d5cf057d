"""The fast tile-culled renderer against the plain dense reference: images and gradients.

Both renderers share the flattening and the math; they differ in everything else
(tiles, culling, a scatter-min, scan-line winding, log-space compositing and a
hand-written backward against brute force and plain autograd). So:

* images must agree to ``IMAGE_ATOL`` (max abs error, float64);
* gradients of a weighted image sum w.r.t. points, widths, stroke and fill must agree
  to ``GRAD_RTOL`` relative to the largest reference gradient entry of that tensor.
  The fast renderer composites with ``1 - alpha * (1 - 1e-6)`` (finite logs for
  opaque paint), so exact agreement is not expected; 1e-4 leaves room for that and
  for ties between equidistant line pieces, and a real bug is far above it.
"""

from __future__ import annotations

import math

import pytest
import torch

from vecdream import Drawing, render
from vecdream.render.reference import render_reference

IMAGE_ATOL = 1e-4
GRAD_RTOL = 1e-4
NAMES = ("points", "widths", "stroke", "fill")


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _strokes(n: int = 40, size=(48.0, 40.0), seed: int = 0) -> Drawing:
    """Random coloured strokes with widths spread over 0.5-20 user units."""
    d = Drawing.random(n, size=size, colors=True, radius=0.2, seed=seed).to(dtype=torch.float64)
    d.widths = 0.5 + 19.5 * torch.rand(n, generator=_gen(seed + 100), dtype=torch.float64) ** 2
    return d


def _fills(seed: int = 4) -> Drawing:
    """Closed filled and stroked paths, alternately evenodd and nonzero."""
    d = Drawing.random(6, size=(40, 30), segments=3, radius=0.4, colors=True, width=2.5,
                       seed=seed).to(dtype=torch.float64)
    d.fill = torch.rand(6, 4, generator=_gen(seed + 1), dtype=torch.float64)
    d.fill[:, 3] = 0.4 + 0.6 * d.fill[:, 3]
    d.closed[:] = True
    d.evenodd[::2] = True
    return d


def _circle(cx: float, cy: float, r: float, clockwise: bool = True) -> torch.Tensor:
    """A circle as 4 cubic segments, ``(13, 2)``."""
    k = 0.5523 * r
    pts = [(cx + r, cy), (cx + r, cy + k), (cx + k, cy + r), (cx, cy + r),
           (cx - k, cy + r), (cx - r, cy + k), (cx - r, cy), (cx - r, cy - k),
           (cx - k, cy - r), (cx, cy - r), (cx + k, cy - r), (cx + r, cy - k), (cx + r, cy)]
    t = torch.tensor(pts, dtype=torch.float64)
    return t if clockwise else t.flip(0)


def _compound() -> Drawing:
    """Compound paths (2 contours each via contour_path), both fill rules.

    Path 0: a donut, inner contour wound the same way (evenodd makes the hole).
    Path 1: a donut, inner contour wound the other way (nonzero makes the hole).
    Path 2: a curved wedge plus an overlapping open square, nonzero; the contours use
    fewer segments than the padded maximum and the square's stroke stays open.

    Everything is shifted off the pixel grid so that no pixel centre lies exactly on a
    symmetry axis, where two pieces would tie (see ``test_tie_at_a_repeated_vertex``).
    """
    wedge = torch.tensor([[4, 36], [10, 26], [13, 30], [16, 36]], dtype=torch.float64)
    # Three sides of a square as 3 straight cubics; the fill closes the fourth side.
    square = torch.tensor([[8, 30], [12, 30], [16, 30], [20, 30], [20, 33], [20, 35],
                           [20, 38], [16, 38], [12, 38], [8, 38]], dtype=torch.float64)
    pad = lambda t: torch.cat([t, t[-1:].expand(13 - t.shape[0], 2)])  # noqa: E731
    points = torch.stack([
        _circle(14, 12, 10), _circle(14, 12, 5),
        _circle(36, 16, 11), _circle(36, 16, 4, clockwise=False),
        pad(wedge), pad(square),
    ]) + torch.tensor([0.137, 0.291], dtype=torch.float64)
    return Drawing(
        points,
        widths=torch.tensor([1.5, 3.0, 0.75], dtype=torch.float64),
        stroke=torch.tensor([[0.1, 0.2, 0.9, 0.8], [0.9, 0.1, 0.1, 1.0], [0, 0, 0, 0.6]],
                            dtype=torch.float64),
        size=(52, 42),
        fill=torch.tensor([[0.9, 0.6, 0.1, 0.9], [0.2, 0.7, 0.3, 0.7], [0.5, 0.1, 0.8, 1.0]],
                          dtype=torch.float64),
        evenodd=torch.tensor([True, False, False]),
        closed=torch.tensor([True, True, True, True, True, False]),
        n_segments=torch.tensor([4, 4, 4, 4, 1, 3]),
        contour_path=torch.tensor([0, 0, 1, 1, 2, 2]),
    )


def _outside() -> Drawing:
    """Strokes and a fill reaching well outside the canvas on every side."""
    d = _strokes(24, size=(32, 32), seed=7)
    d.points = torch.rand(d.points.shape, generator=_gen(8), dtype=torch.float64) * 64 - 16
    d.fill[:3] = torch.tensor([0.3, 0.6, 0.9, 0.5], dtype=torch.float64)
    d.closed[:3] = True
    return d


def _weights(shape, seed: int = 2) -> torch.Tensor:
    return torch.rand(shape, generator=_gen(seed), dtype=torch.float64)


def _grads(image: torch.Tensor, weights: torch.Tensor, drawings: list[Drawing]
           ) -> list[dict[str, torch.Tensor]]:
    params = [d.named_parameters() for d in drawings]
    flat = [t for p in params for t in p.values()]
    grads = torch.autograd.grad((image * weights).sum(), flat, allow_unused=True)
    out, k = [], 0
    for p in params:
        g = {}
        for name, t in p.items():
            g[name] = torch.zeros_like(t) if grads[k] is None else grads[k]
            k += 1
        out.append(g)
    return out


def _assert_grads_close(fast: dict[str, torch.Tensor], ref: dict[str, torch.Tensor],
                        what: str) -> None:
    for name in NAMES:
        scale = ref[name].abs().max().item()
        err = (fast[name] - ref[name]).abs().max().item()
        assert err <= GRAD_RTOL * max(scale, 1e-12), (
            f"{what}: d/d{name} differs by {err:.3g} (largest entry {scale:.3g})")


def _fold_repeated_vertices(grads: dict[str, torch.Tensor], d: Drawing) -> None:
    """Add the gradient of a contour's last point to its first where the two coincide.

    There the pieces at the vertex tie exactly and the renderers may split the
    gradient differently between the two points (``test_tie_at_a_repeated_vertex``);
    the sum, the pull on the vertex, is what both must agree on.
    """
    g = grads["points"].clone()
    last = 3 * d.n_segments
    for c in range(d.n_contours):
        k = int(last[c])
        if k > 0 and torch.equal(d.points[c, 0], d.points[c, k]):
            g[c, 0] += g[c, k]
            g[c, k] = 0
    grads["points"] = g


def _check(d: Drawing, what: str, **size) -> None:
    d = d.detach().clone().requires_grad_()
    fast = render(d, **size)
    ref = render_reference(d, **size)
    err = (fast - ref).abs().max().item()
    assert err <= IMAGE_ATOL, f"{what}: images differ by {err:.3g}"
    assert (ref - ref.mean()).abs().max() > 0.1, f"{what}: the scene must not be empty"
    weights = _weights(fast.shape)
    (g_fast,) = _grads(fast, weights, [d])
    (g_ref,) = _grads(ref, weights, [d])
    assert any(g_ref[n].abs().max() > 0 for n in NAMES)
    for g in (g_fast, g_ref):
        _fold_repeated_vertices(g, d)
    _assert_grads_close(g_fast, g_ref, what)


def test_random_strokes_varied_widths():
    _check(_strokes(), "strokes")


def test_filled_paths_evenodd_and_nonzero():
    _check(_fills(), "fills")


def test_compound_paths_two_contours():
    d = _compound()
    _check(d, "compound")
    # The holes are really holes: the centre of each donut shows the background.
    img = render_reference(d)
    assert torch.allclose(img[:, 12, 14], torch.ones(3, dtype=torch.float64))
    assert torch.allclose(img[:, 16, 36], torch.ones(3, dtype=torch.float64))
    assert img[:, 34, 17].sum() < 2  # where the square overlaps the wedge: painted


def test_tie_at_a_repeated_vertex():
    """A closed contour whose last point repeats its first (SVG ``... L x0 y0 Z``).

    Outside that corner every pixel is nearest to the vertex, through the first piece
    (from P0), the last piece (to P6) and the zero-length closing piece (from P6): an
    exact tie, a kink of the minimum. ``render`` splits the gradient evenly among
    tied pieces (scatter-amin), the reference gives it to the first one; both are valid
    one-sided derivatives. So the coincident points are compared by their sum, the
    total pull on the vertex, and every other gradient entry as usual.
    """
    points = torch.tensor([[[10.3, 8.2], [22.1, 2.4], [31.7, 11.9], [27.5, 18.6],
                            [23.2, 25.3], [12.8, 27.7], [10.3, 8.2]]], dtype=torch.float64)
    d = Drawing(points, torch.tensor([3.0], dtype=torch.float64),
                torch.tensor([[0.2, 0.3, 0.8, 0.9]], dtype=torch.float64), (40, 32),
                fill=torch.tensor([[0.9, 0.5, 0.1, 0.7]], dtype=torch.float64),
                closed=torch.tensor([True]))
    d.requires_grad_()
    fast, ref = render(d), render_reference(d)
    assert (fast - ref).abs().max() <= IMAGE_ATOL
    weights = _weights(fast.shape)
    (g_fast,), (g_ref,) = _grads(fast, weights, [d]), _grads(ref, weights, [d])
    # Unfolded, the split differs (this is what the test documents) ...
    assert (g_fast["points"] - g_ref["points"]).abs().max() > 1e-3
    # ... and folded it agrees.
    for g in (g_fast, g_ref):
        _fold_repeated_vertices(g, d)
    _assert_grads_close(g_fast, g_ref, "repeated vertex")


@pytest.mark.parametrize("size", [{}, {"width": 45}, {"width": 50, "height": 20}])
def test_non_square_canvas(size):
    d = _strokes(30, size=(60.0, 30.0), seed=3)
    d.fill[::4] = torch.tensor([0.8, 0.2, 0.4, 0.6], dtype=torch.float64)
    d.closed[::4] = True
    d.evenodd[::8] = True
    _check(d, f"non-square {size}", **size)


def test_strokes_partly_outside_canvas():
    _check(_outside(), "outside")


def test_float32_matches_too():
    d = _strokes(seed=11).to(dtype=torch.float32)
    err = (render(d) - render_reference(d)).abs().max().item()
    assert err <= IMAGE_ATOL, err


def test_batch_matches_two_reference_renders():
    d1 = _strokes(20, size=(40.0, 30.0), seed=5)
    d2 = _fills(9)
    d1, d2 = d1.requires_grad_(), d2.requires_grad_()
    background = torch.tensor([[1.0, 1.0, 1.0], [0.1, 0.2, 0.3]], dtype=torch.float64)
    both = render([d1, d2], background=background)
    refs = torch.stack([render_reference(d1), render_reference(d2, background=background[1])])
    err = (both - refs).abs().max().item()
    assert err <= IMAGE_ATOL, err
    weights = _weights(both.shape)
    fast_grads = _grads(both, weights, [d1, d2])
    ref_grads = _grads(refs, weights, [d1, d2])
    for i in range(2):
        _assert_grads_close(fast_grads[i], ref_grads[i], f"batch image {i}")


def test_reference_bounded_blocks_change_nothing():
    """Tiny blocks and checkpoint groups give the same image and gradients."""
    d = _compound().requires_grad_()
    big = render_reference(d)
    small = render_reference(d, block=64, layers_per_checkpoint=1)
    assert torch.allclose(big, small, atol=1e-12)
    weights = _weights(big.shape)
    _assert_grads_close(_grads(small, weights, [d])[0], _grads(big, weights, [d])[0], "blocks")
    with torch.no_grad():
        assert torch.allclose(render_reference(d), big, atol=1e-12)


def test_reference_errors():
    d = Drawing.random(2, size=(8, 8), seed=0)
    with pytest.raises(ValueError, match="background"):
        render_reference(d, background=(1, 1))
    bad = d.clone()
    bad.points[0, 0, 0] = math.nan
    with pytest.raises(ValueError, match="non-finite"):
        render_reference(bad)
