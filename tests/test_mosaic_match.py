"""Exclusivity modulo Mosaic: registration of a window onto a seed's plane, and the
catalogue refusing what Mosaic does anyway (issue 25)."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from vecdream.seeds.catalogue import MOSAIC_THRESHOLD, Catalogue
from vecdream.seeds.catalogue_print import mosaic_views
from vecdream.seeds.families import make_drawing
from vecdream.seeds.mosaic_match import register
from vecdream.seeds.mosaic_view import KEY_SIZE, MosaicView, mosaic_key
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
        assert cat.schema_version == 3
        blob, key = cat._conn.execute("SELECT mosaic, mosaic_key FROM seeds").fetchone()
        assert MosaicView.from_bytes(blob).periodic
        assert np.frombuffer(key, np.float32).shape == (KEY_SIZE,)
        copy = _window(seed, "window shift")
        assert not cat.issue(copy.to_svg(), name="copy", campaign="b").admitted


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
