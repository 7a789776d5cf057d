"""The exclusivity catalogue: near-duplicates refused, distinct seeds admitted, the file
survives concurrent writers and kill -9, bad files give one clear error, schema migrates."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import torch

from vecdream.seeds import hash_index
from vecdream.seeds.catalogue import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    Catalogue,
    CatalogueError,
)
from vecdream.seeds.families import make_drawing
from vecdream.seeds.phash import chunks, dihedral_hashes, hamming
from vecdream.seeds.variations import flip, recolour, rotate, transpose

torch.set_num_threads(1)
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def _warp(d, amp: float):
    """A smooth displacement of every point by up to ``amp`` x canvas."""
    out = d.detach().clone()
    w, h = out.size
    p = out.points
    p[..., 0] += amp * w * torch.sin(2 * torch.pi * p[..., 1] / h)
    p[..., 1] += amp * h * torch.sin(2 * torch.pi * p[..., 0] / w + 1.0)
    return out


def test_hash_is_invariant_to_the_eight_orientations():
    image = np.full((3, 64, 64), 255, dtype=np.uint8)  # an L of two bars: no symmetry
    image[:, 10:30, 8:50] = 0
    image[:, 30:58, 8:20] = 128
    h = dihedral_hashes(image)
    turned = dihedral_hashes(np.rot90(image, 1, axes=(1, 2)).copy())
    assert h.shape == (8, 32)
    assert hamming(turned[None], h[:1][:, None]).min() == 0  # some orientation matches
    assert hamming(h[1:], h[:1]).min() > 40  # the orientations themselves differ


def test_pigeonhole_chunks_share_a_key_within_the_radius():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 256, (1, 32), dtype=np.uint8)
    bits = np.unpackbits(a[0])
    bits[rng.choice(256, hash_index.CHUNKS - 1, replace=False)] ^= 1
    b = np.packbits(bits)[None]
    assert hamming(a, b)[0] == hash_index.CHUNKS - 1
    assert set(chunks(a, 16)[0]) & set(chunks(b, 16)[0])


def test_copies_are_refused_and_distinct_seeds_admitted(tmp_path):
    with Catalogue(tmp_path / "brand.db") as cat:
        originals = [make_drawing(f, seed=s) for f in ("flow", "carlson", "truchet")
                     for s in (1, 2)]
        for i, d in enumerate(originals):
            assert cat.issue(d.to_svg(), name=f"o{i}", campaign="alpha").admitted
        copies = {"rotate": rotate(originals[0], 90), "flip": flip(originals[2]),
                  "transpose": transpose(originals[4]),
                  "hue": recolour(originals[1], mode="hue", hue=150.0),
                  "palette": recolour(originals[3], "#111111,#ee3333,#33aa33,#3333ee",
                                      mode="shuffle", generator=torch.Generator()),
                  "warp": _warp(originals[0], 0.002)}
        for kind, d in copies.items():
            result = cat.issue(d.to_svg(), name=kind, campaign="beta")
            assert not result.admitted, kind
            assert result.collision.seed.campaign == "alpha"
        assert len(cat) == len(originals)
        assert [r.name for r in cat.rows("alpha")] == [f"o{i}" for i in range(6)]
        near = cat.similar(rotate(originals[5], 180).to_svg(), k=3)
        assert near[0].seed.name == "o5" and near[0].distance <= cat.threshold
        assert near[0].distance <= near[1].distance <= near[2].distance
        assert near[0].embedding_distance < near[1].embedding_distance


_WORKER = textwrap.dedent("""
    import sys, torch
    torch.set_num_threads(1)
    from vecdream.seeds.catalogue import Catalogue
    from vecdream.seeds.families import make_drawing
    from vecdream.seeds.variations import rotate
    db, who, n, loop = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "loop"
    with Catalogue(db) as cat:
        i = 0
        while loop or i < n:
            d = make_drawing("flow", seed=i)
            d = rotate(d, 90) if who == "b" else d
            cat.issue(d.to_svg(), name=f"{who}{i}", campaign=who)
            print(i, flush=True)
            i += 1
""")


def test_two_processes_issuing_at_once_lose_nothing_and_admit_no_pair(tmp_path):
    db = tmp_path / "brand.db"
    Catalogue(db).close()
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, str(db), who, "6", "n"],
                              env=ENV, stdout=subprocess.PIPE, text=True) for who in "ab"]
    for p in procs:
        assert p.wait(timeout=120) == 0
    with Catalogue(db) as cat:
        names = sorted(r.name for r in cat.rows())
        assert len(names) == 6  # each seed once, from whichever process came first
        assert sorted(n[1:] for n in names) == sorted(str(i) for i in range(6))
        hashes = np.stack([np.frombuffer(b, np.uint8) for (b,) in
                           cat._conn.execute("SELECT phash FROM seeds")])
        pair = hamming(hashes[:, None], hashes[None])
        assert (pair + 999 * np.eye(6, dtype=int)).min() > cat.threshold


def test_kill_9_mid_issue_leaves_the_file_consistent(tmp_path):
    db = tmp_path / "brand.db"
    proc = subprocess.Popen([sys.executable, "-c", _WORKER, str(db), "a", "0", "loop"],
                            env=ENV, stdout=subprocess.PIPE, text=True)
    for _ in range(4):
        assert proc.stdout.readline()
    time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    per_seed = conn.execute("SELECT s.id, count(c.key) FROM seeds s LEFT JOIN hash_chunks c "
                            "ON c.seed_id = s.id GROUP BY s.id").fetchall()
    assert len(per_seed) >= 4 and all(n == hash_index.CHUNKS for _, n in per_seed)
    orphans = conn.execute("SELECT count(*) FROM hash_chunks WHERE seed_id NOT IN "
                           "(SELECT id FROM seeds)").fetchone()[0]
    assert orphans == 0
    conn.close()
    with Catalogue(db) as cat:  # reopens, still checks and admits
        assert not cat.issue(make_drawing("flow", seed=0).to_svg(), name="x",
                             campaign="c").admitted
        assert cat.issue(make_drawing("maze", seed=3).to_svg(), name="y",
                         campaign="c").admitted


def test_corrupted_and_foreign_files_give_one_clear_error(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(CatalogueError, match="junk.db: not a usable vecdream catalogue"):
        Catalogue(junk)
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(CatalogueError, match="another application"):
        Catalogue(foreign)
    with pytest.raises(CatalogueError, match="no such catalogue"):
        Catalogue(tmp_path / "missing.db", create=False)


def test_schema_version_migrates_forward_and_refuses_newer(tmp_path, monkeypatch):
    from vecdream.seeds import catalogue_schema as module

    db = tmp_path / "brand.db"
    with Catalogue(db) as cat:
        cat.issue(make_drawing("flow", seed=1).to_svg(), name="kept", campaign="a")
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()

    def add_notes(c: sqlite3.Connection) -> None:  # what a version-2 migration would do
        c.execute("ALTER TABLE seeds ADD COLUMN notes TEXT")

    monkeypatch.setattr(module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(module.MIGRATIONS, SCHEMA_VERSION, add_notes)
    with Catalogue(db) as cat:
        assert cat.schema_version == SCHEMA_VERSION + 1
        assert [r.name for r in cat.rows()] == ["kept"]
        assert "notes" in [r[1] for r in cat._conn.execute("PRAGMA table_info(seeds)")]
    monkeypatch.setattr(module, "SCHEMA_VERSION", SCHEMA_VERSION)
    with pytest.raises(CatalogueError, match="newer vecdream"):
        Catalogue(db)


def test_schema_1_file_is_rehashed_on_open(tmp_path):
    """A catalogue written with schema 1 (the anti-aliased hash) opens re-fingerprinted:
    stored hashes and the chunk index are rebuilt, so copies are found again."""
    from vecdream.seeds import hash_index
    from vecdream.seeds.catalogue_print import fingerprint
    from vecdream.seeds.variations import rotate

    db = tmp_path / "old.db"
    seed = make_drawing("smith", seed=2)
    with Catalogue(db) as cat:
        cat.issue(seed.to_svg(), name="old", campaign="a")
    conn = sqlite3.connect(db)  # make it look like schema 1: other hash bits, v1 index
    stale = np.zeros(32, np.uint8)
    conn.execute("UPDATE seeds SET phash = ?", (stale.tobytes(),))
    conn.execute("DELETE FROM hash_chunks")
    hash_index.add_hashes(conn, 1, stale)
    conn.execute("UPDATE meta SET value = 'edge-simhash-256/v1' WHERE key = 'hash'")
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()
    with Catalogue(db) as cat:
        assert cat.schema_version == SCHEMA_VERSION == 4
        stored = cat._conn.execute("SELECT phash FROM seeds").fetchone()[0]
        assert stored == fingerprint(seed.to_svg())[0].hashes[0].tobytes()
        assert cat._meta("hash", "") == "edge-simhash-256/v2"
        result = cat.issue(rotate(seed, 90).to_svg(), name="copy", campaign="b")
        assert not result.admitted and result.collision.seed.name == "old"


def test_slightly_moved_copies_are_refused(tmp_path):
    """Nudged copies (every control point moved by N(0, 0.1 units), or the whole seed
    shifted by a fraction of a pixel) of tiled seeds meet their original: the structure
    hash renders without anti-aliasing, so tile seams do not come and go with a nudge."""
    g = torch.Generator().manual_seed(0)
    with Catalogue(tmp_path / "brand.db") as cat:
        for family in ("truchet", "smith"):
            seed = make_drawing(family, seed=5)
            assert cat.issue(seed.to_svg(), name=family, campaign="a").admitted
            noisy = seed.detach().clone()
            noisy.points.add_(torch.randn(noisy.points.shape, generator=g) * 0.1)
            shifted = seed.detach().clone()
            shifted.points.add_(0.07)  # 0.28 px of the 256 px hash render on 64 units
            for copy in (noisy, shifted):
                result = cat.issue(copy.to_svg(), name="copy", campaign="b")
                assert not result.admitted and result.collision.seed.name == family
