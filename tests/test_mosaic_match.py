"""Exclusivity modulo Mosaic: registration of a window onto a seed's plane, and the
catalogue refusing what Mosaic does anyway (issue 25)."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from vecdream.seeds.catalogue import MOSAIC_THRESHOLD, SCHEMA_VERSION, Catalogue
from vecdream.seeds.catalogue_print import fingerprint, mosaic_views
from vecdream.seeds.families import make_drawing
from vecdream.seeds.mosaic_match import register
from vecdream.seeds.mosaic_view import KEY_SIZE, MosaicView, mosaic_key, mosaic_view
from vecdream.seeds.transforms import crop, rotate, scale, tile


@pytest.fixture(scope="module")
def seed():
    return make_drawing("truchet", seed=3)


def _window(d, kind: str):
    w, h = d.size
    plane = tile(d, 3)
    if kind == "rotate 30":
        return crop(rotate(plane, 30, expand=False), (w, h, w, h))
    if kind == "scale 0.5":
        return scale(tile(d, 2), 0.5)
    if kind == "scale 2":  # a quarter of the cell, enlarged: less than one period shows
        return scale(crop(d, (0, 0, w / 2, h / 2)), 2.0)
    return crop(plane, (1.37 * w, 1.21 * h, w, h))  # window shift


@pytest.mark.parametrize("kind", ["rotate 30", "scale 0.5", "scale 2", "window shift"])
def test_a_window_of_the_transformed_plane_registers(seed, kind):
    plane, _ = mosaic_views(seed)
    _, window = mosaic_views(_window(seed, kind))
    fit = register(window, plane)
    assert fit.score >= MOSAIC_THRESHOLD, fit
    if kind == "rotate 30":  # the truchet lattice is square: the angle is known mod 90°
        assert min(abs((fit.angle - a) % 90) for a in (30, 60)) < 2 or \
            min(abs((fit.angle - a) % 90 - 90) for a in (30, 60)) < 2, fit
    if kind.startswith("scale"):  # plane units per query unit
        assert fit.scale == pytest.approx(1 / float(kind.split()[1]), rel=0.05)


def test_a_distinct_seed_does_not_register(seed):
    plane, _ = mosaic_views(seed)
    _, other = mosaic_views(make_drawing("circles", seed=3))
    assert register(other, plane).score < MOSAIC_THRESHOLD


def test_view_bytes_round_trip_and_key_is_a_unit_vector(seed):
    plane, window = mosaic_views(seed)
    back = MosaicView.from_bytes(plane.to_bytes())
    assert back.periodic == plane.periodic is True
    assert np.abs(back.edges - plane.edges).max() <= 1 / 255 + 1e-6
    key = mosaic_key(window)
    assert key.shape == (KEY_SIZE,) and abs(float(np.linalg.norm(key)) - 1) < 1e-5


def test_catalogue_refuses_a_rotated_window_and_says_how_it_matched(tmp_path, seed):
    from vecdream.seeds.catalogue_issue import describe, matched_transform

    with Catalogue(tmp_path / "brand.db") as cat:
        assert cat.issue(seed.to_svg(), name="truchet", campaign="a").admitted
        copy = _window(seed, "rotate 30")
        result = cat.issue(copy.to_svg(), name="copy", campaign="b")
        assert not result.admitted and result.collision.seed.name == "truchet"
        assert result.collision.transform is not None  # found by registration
        line = describe(result.collision, matched_transform(cat, result.collision, None))
        assert "a window of its plane, rotated" in line and "NCC" in line
        assert cat.issue(make_drawing("circles", seed=3).to_svg(), name="other",
                         campaign="b").admitted


def test_schema_2_file_gains_the_mosaic_columns(tmp_path, seed):
    db = tmp_path / "v2.db"
    with Catalogue(db) as cat:
        cat.issue(seed.to_svg(), name="old", campaign="a")
    conn = sqlite3.connect(db)  # as schema 2 wrote it: no Mosaic columns
    conn.execute("ALTER TABLE seeds DROP COLUMN mosaic")
    conn.execute("ALTER TABLE seeds DROP COLUMN mosaic_key")
    conn.execute("PRAGMA user_version=2")
    conn.commit()
    conn.close()
    with Catalogue(db) as cat:
        assert cat.schema_version == SCHEMA_VERSION
        blob, key = cat._conn.execute("SELECT mosaic, mosaic_key FROM seeds").fetchone()
        assert MosaicView.from_bytes(blob).periodic
        assert np.frombuffer(key, np.float32).shape == (KEY_SIZE,)
        copy = _window(seed, "window shift")
        assert not cat.issue(copy.to_svg(), name="copy", campaign="b").admitted


def test_schema_3_planes_are_recomputed(tmp_path, seed):
    """Schema 4 changed how a plane's boundaries are found: a schema 3 file's stored
    planes are replaced by today's, so old seeds and new queries compare alike."""
    db = tmp_path / "v3.db"
    with Catalogue(db) as cat:
        cat.issue(seed.to_svg(), name="old", campaign="a")
        fresh = cat._conn.execute("SELECT mosaic FROM seeds").fetchone()[0]
    stale = MosaicView(np.zeros((8, 8), np.float32), True).to_bytes()
    conn = sqlite3.connect(db)
    conn.execute("UPDATE seeds SET mosaic = ?", (stale,))
    conn.execute("PRAGMA user_version=3")
    conn.commit()
    conn.close()
    with Catalogue(db) as cat:
        assert cat.schema_version == SCHEMA_VERSION
        assert cat._conn.execute("SELECT mosaic FROM seeds").fetchone()[0] == fresh


def test_distinct_arrangements_of_the_same_tiles_are_admitted(tmp_path):
    """Smith seeds differ only in how two tiles are arranged; their registered NCC sits
    near 0.75, below the catalogue's threshold, and each is its own seed."""
    from vecdream.seeds.families import make_drawings

    with Catalogue(tmp_path / "brand.db") as cat:
        for i, d in enumerate(make_drawings("smith", 3, seed=7)):
            result = cat.issue(d.to_svg(), name=f"smith{i}", campaign="a")
            assert result.admitted, result.collision


def test_shortlist_after_keeps_only_newer_seeds(tmp_path, seed):
    """What ``issue`` re-checks under the write lock: only seeds newer than the ones its
    unlocked check already registered against."""
    with Catalogue(tmp_path / "brand.db") as cat:
        for i in range(3):
            cat.issue(make_drawing("truchet", seed=20 + i).to_svg(), name=f"t{i}",
                      campaign="a")
        key = mosaic_key(mosaic_views(seed)[1])
        everyone = cat._shortlist.nearest(cat._conn, key, 10, -1.0)
        newer = cat._shortlist.nearest(cat._conn, key, 10, -1.0, after=1)
        assert sorted(i for i, _ in everyone) == [1, 2, 3] and cat._shortlist.last_id == 3
        assert sorted(i for i, _ in newer) == [2, 3]


def test_a_period_shows_the_boundaries_across_its_wrap_around():
    """Half black, half white: the tiling has a boundary in the middle *and* where one
    tile meets the next, at the frame; a plane map without the second is another plane."""
    from vecdream import Drawing

    d = Drawing.from_svg('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40">'
                         '<rect width="40" height="40" fill="#fff"/>'
                         '<rect width="20" height="40" fill="#000"/></svg>')
    edges = mosaic_view(d, periodic=True).edges
    columns = edges.mean(axis=0)
    assert columns[0] > 0.5 * columns.max() and columns[-1] > 0.5 * columns.max()
    assert mosaic_view(d, periodic=False).edges.mean(axis=0)[0] < 0.1 * columns.max()


def test_a_crop_with_blank_margins_is_not_tiled_as_a_query():
    """A quarter of a sparse tile wraps cleanly (blank margins) but it is a crop: tiled
    it would be a denser plane than the one it was cut from."""
    from vecdream import Drawing
    from vecdream.seeds.seamless import is_seamless

    d = Drawing.from_svg('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 72 72">'
                         '<path d="M 6 8 L 30 8 L 18 28 Z" fill="#000"/>'
                         '<path d="M 42 44 L 66 44 L 54 64 Z" fill="#000"/>'
                         '<path d="M 40 6 L 66 6 L 66 30 L 40 30 Z M 46 12 L 60 12 L 60 24 '
                         'L 46 24 Z" fill="#000"/></svg>')
    quarter = scale(crop(d, (0, 0, 36, 36)), 2.0)  # one whole triangle, enlarged
    assert is_seamless(quarter)
    _, window = mosaic_views(quarter)
    assert not window.periodic
    with_plane = register(window, mosaic_views(d)[0])
    assert with_plane.score >= MOSAIC_THRESHOLD and abs(with_plane.scale - 0.5) < 0.05


def test_a_plain_stripe_seed_is_not_a_small_piece_of_a_richer_plane(tmp_path):
    """Two lines of a plane with parallel lines look like a stripe seed, but only in a
    piece smaller than anything Mosaic prints (it enlarges at most 2x): the stripes
    are their own seed."""
    from vecdream import Drawing
    from vecdream.seeds.mosaic_match import MIN_SCALE

    rich = Drawing.from_svg(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 80 80">'
        '<rect width="80" height="80" fill="#888"/>'
        '<path d="M 10 4 L 70 4 L 70 76 L 10 76 Z M 16 10 L 64 10 L 64 70 L 16 70 Z" '
        'fill="#000"/><circle cx="40" cy="40" r="14" fill="#fff"/></svg>')
    stripes = Drawing.from_svg(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 1">'
        '<rect width="40" height="1" fill="#fff"/><rect width="20" height="1" fill="#000"/>'
        '</svg>')
    _, window = mosaic_views(stripes)
    assert register(window, mosaic_views(rich)[0]).scale >= MIN_SCALE
    with Catalogue(tmp_path / "brand.db") as cat:
        assert cat.issue(rich.to_svg(), name="frames", campaign="a").admitted
        assert cat.issue(stripes.to_svg(), name="stripes", campaign="a").admitted
        assert not cat.issue(rotate(stripes, 90).to_svg(), name="turned",
                             campaign="b").admitted


def test_a_boundary_the_query_lacks_is_disagreement():
    """Two lines of a plane and a window showing only one of them: the window's blank
    parts lie on the other line, so the parts do not agree (a plain seed is not a piece
    of a richer one), while a window showing both agrees everywhere."""
    import torch

    from vecdream.seeds.mosaic_fold import block_agreement

    xs = np.arange(64, dtype=np.float32)
    ridge = lambda x0: np.exp(-0.5 * ((xs - x0) / 1.5) ** 2)  # noqa: E731
    plane = np.tile(ridge(20) + ridge(44), (64, 1))
    ys, xg = np.mgrid[0:64, 0:64]
    points = torch.tensor(np.stack([xg.ravel() - 31.5, ys.ravel() - 31.5], 1), dtype=torch.float32)
    hyp, shift = torch.tensor([0.0, 1.0, 0.0]), torch.tensor([31.5, 31.5])

    def agreement(window: np.ndarray) -> float:
        values = torch.tensor(window.ravel() - window.mean(), dtype=torch.float32)
        return block_agreement(points, values, torch.tensor(plane), True, hyp, 1.0, shift)

    assert agreement(plane) > 0.9
    assert agreement(np.tile(ridge(20), (64, 1))) < 0.1


def test_spectral_peak_prefers_the_source_of_a_turned_window(seed):
    from vecdream.seeds.mosaic_match import spectral_peak
    from vecdream.seeds.mosaic_view import log_polar_spectrum

    plane, _ = mosaic_views(seed)
    _, window = mosaic_views(_window(seed, "rotate 30"))
    other, _ = mosaic_views(make_drawing("circles", seed=3))
    lq = log_polar_spectrum(window.edges)
    assert spectral_peak(lq, log_polar_spectrum(plane.edges)) > \
        spectral_peak(lq, log_polar_spectrum(other.edges))


def test_a_source_whose_key_misses_is_still_registered_by_its_spectrum(tmp_path, seed):
    """The key keeps a few harmonics only; the spectral re-rank recovers a source whose
    key cosine falls under the gate."""
    with Catalogue(tmp_path / "brand.db") as cat:
        cat.issue(seed.to_svg(), name="source", campaign="a")
        for i, family in enumerate(("circles", "smith", "maze", "truchet")):
            cat.issue(make_drawing(family, seed=40 + i).to_svg(), name=family, campaign="a")
        _, window = mosaic_views(_window(seed, "rotate 30"))
        key = mosaic_key(window)
        far = -key  # the source's key made to point away from the query's
        cat._conn.execute("UPDATE seeds SET mosaic_key = ? WHERE id = 1", (far.tobytes(),))
        cat._shortlist = type(cat._shortlist)()  # re-read the keys
        assert 1 not in [i for i, _ in cat._shortlist.nearest(cat._conn, key, 4, 0.6)]
        picked = cat._shortlist.candidates(cat._conn, key, window, 2, 2, 0.6, 64)
        assert 1 in [i for i, _ in picked] and len(picked) <= 4
        assert cat.check(fingerprint(_window(seed, "rotate 30").to_svg())[0]) is not None
