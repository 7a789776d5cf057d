"""Seeds III catalogue: near-duplicate lookup speed at scale, and acceptance rates.

Lookup: catalogues of N synthetic 256-bit hashes (uniform random bits, as SimHash bits
of unrelated seeds are) are written straight into the schema; one check = the
multi-index lookup of 8 dihedral query hashes (:func:`vecdream.seeds.hash_index.near`)
for a random query and for a query 8 bits away from a stored hash. The baseline is
the linear scan (:func:`~vecdream.seeds.hash_index.nearest_scan`) in the same run.
Each synthetic seed also gets a Mosaic shortlist key (non-negative, unit norm, as real
keys are); "shortlist" is the catalogue's in-memory key search for one query (the
first call, which reads every key, is timed apart as "key load"). The registrations
that follow a shortlist cost the same at any N and are timed in
``catalogue_mosaic.py``.

Acceptance: 1 000 distinct family seeds (6 families, different generator seeds) are
issued into an empty catalogue (admission rate), then rotated / flipped / recoloured /
jittered copies of 200 of them are issued (rejection rate per kind).

    python benchmarks/catalogue.py --sizes 10000 100000 1000000 --distinct 1000
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from vecdream.seeds import hash_index
from vecdream.seeds.catalogue import SHORTLIST, Catalogue
from vecdream.seeds.mosaic_view import KEY_SIZE
from vecdream.seeds.phash import chunks


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(path: Path, n: int, rng: np.random.Generator) -> np.ndarray:
    """A catalogue of ``n`` random hashes (SVG and embedding left tiny), returns them."""
    with Catalogue(path):
        pass  # schema
    hashes = rng.integers(0, 256, (n, 32), dtype=np.uint8)
    mosaic_keys = np.abs(rng.standard_normal((n, KEY_SIZE))).astype(np.float32)
    mosaic_keys /= np.linalg.norm(mosaic_keys, axis=1, keepdims=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("BEGIN")
    step = 100_000
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        conn.executemany(
            "INSERT INTO seeds (id, name, campaign, svg, sha256, phash, provenance, issued_at,"
            " mosaic_key) VALUES (?, ?, 'bench', '<svg/>', ?, ?, '{}', 0, ?)",
            [(i + 1, f"s{i}", f"{i:064x}", hashes[i].tobytes(),
              mosaic_keys[i].tobytes())
             for i in range(lo, hi)])
        keys = chunks(hashes[lo:hi], hash_index.CHUNKS)
        conn.executemany("INSERT INTO hash_chunks (key, seed_id) VALUES (?, ?)",
                         ((int(k), lo + 1 + i) for i in range(hi - lo) for k in keys[i]))
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return hashes


def lookup(sizes: list[int], queries: int, threshold: int) -> None:
    rng = np.random.default_rng(0)
    print("| seeds | check (ms, random) | check (ms, 8 bits off) | found | scan (ms) "
          "| speed-up | key load (s) | shortlist (ms) | db size (MB) | peak RSS (MB) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.db"
            hashes = synthetic(path, n, rng)
            conn = sqlite3.connect(path)
            times = {}
            found = 0
            for kind in ("random", "near"):
                t0 = time.perf_counter()
                for _ in range(queries):
                    q = rng.integers(0, 256, (8, 32), dtype=np.uint8)
                    if kind == "near":  # orientation 5 is 8 bits from a stored hash
                        bits = np.unpackbits(hashes[rng.integers(n)])
                        bits[rng.choice(256, 8, replace=False)] ^= 1
                        q[5] = np.packbits(bits)
                    hits = hash_index.near(conn, q, threshold)
                    found += kind == "near" and bool(hits) and hits[0].distance <= 8
                times[kind] = (time.perf_counter() - t0) / queries * 1000
            t0 = time.perf_counter()
            hash_index.nearest_scan(conn, q, 1)
            scan = (time.perf_counter() - t0) * 1000
            conn.close()
            with Catalogue(path) as cat:
                t0 = time.perf_counter()
                ids, keys = cat._shortlist.update(cat._conn)
                load = time.perf_counter() - t0
                t0 = time.perf_counter()
                for _ in range(queries):
                    q = keys[rng.integers(n)]
                    cat._shortlist.update(cat._conn)  # what a check does: new rows only
                    cosine = keys @ q
                    np.argpartition(-cosine, SHORTLIST)[:SHORTLIST]
                short = (time.perf_counter() - t0) / queries * 1000
            size = os.path.getsize(path) / 2**20
            print(f"| {n:,} | {times['random']:.2f} | {times['near']:.2f} | "
                  f"{found}/{queries} | {scan:.0f} | {scan / times['near']:.0f}x | {load:.1f} "
                  f"| {short:.1f} | {size:.0f} | {_rss_mb():.0f} |", flush=True)


def _warp(d, amp: float, g: torch.Generator):
    """A smooth random displacement field of amplitude ``amp`` x canvas (shared edges
    of neighbouring tiles move together, as a designer's nudge would)."""
    out = d.detach().clone()
    w, h = out.size
    p = out.points
    ph = torch.rand(4, generator=g) * 2 * torch.pi
    fr = 1 + torch.rand(4, generator=g) * 2
    u, v = p[..., 0] / w * 2 * torch.pi, p[..., 1] / h * 2 * torch.pi
    p[..., 0] += amp * w * 0.5 * (torch.sin(fr[0] * v + ph[0]) + torch.sin(fr[1] * u + ph[1]))
    p[..., 1] += amp * h * 0.5 * (torch.sin(fr[2] * u + ph[2]) + torch.sin(fr[3] * v + ph[3]))
    return out


def _noise(d, sigma: float, g: torch.Generator):
    out = d.detach().clone()
    out.points.add_(torch.randn(out.points.shape, generator=g) * sigma)
    return out


def acceptance(n_distinct: int, n_copies: int, threshold: int) -> None:
    from vecdream.seeds.families import family_names, make_drawings
    from vecdream.seeds.variations import flip, recolour, rotate, transpose

    fams = family_names()
    per = -(-n_distinct // len(fams))
    seeds = [d for f in fams for d in make_drawings(f, per, seed=7)][:n_distinct]
    g = torch.Generator().manual_seed(0)
    kinds = {
        "rotate 90": lambda d: rotate(d, 90), "rotate 180": lambda d: rotate(d, 180),
        "flip": lambda d: flip(d), "transpose": transpose,
        "recolour (hue)": lambda d: recolour(d, mode="hue", generator=g),
        "recolour (palette)": lambda d: recolour(d, "#202020,#e04040,#40a040,#4040e0,"
                                                    "#f0f0f0", mode="shuffle", generator=g),
        "warp 0.25%": lambda d: _warp(d, 0.0025, g), "warp 0.5%": lambda d: _warp(d, 0.005, g),
        "point noise 0.1 units": lambda d: _noise(d, 0.1, g),
        "rotate 90 + recolour + warp 0.25%":
            lambda d: _warp(recolour(rotate(d, 90), mode="hue", generator=g), 0.0025, g),
    }
    with tempfile.TemporaryDirectory() as tmp, Catalogue(Path(tmp) / "a.db",
                                                         threshold=threshold) as cat:
        t0 = time.perf_counter()
        admitted = []
        for i, d in enumerate(seeds):
            result = cat.issue(d.to_svg(), name=f"s{i}", campaign="a")
            admitted.append(result.admitted)
            if not result.admitted:
                fit = result.collision.transform
                print(f"  distinct s{i} refused: matches {result.collision.seed.name}, "
                      f"{result.collision.distance} bits"
                      + ("" if fit is None else f", Mosaic NCC {fit.score:.2f}"), flush=True)
            if (i + 1) % 100 == 0:
                print(f"  {i + 1} issued, {sum(admitted)} admitted, "
                      f"{time.perf_counter() - t0:.0f} s", flush=True)
        dt = (time.perf_counter() - t0) / len(seeds) * 1000
        print(f"threshold {threshold} bits: distinct admitted {sum(admitted)}/{len(seeds)} "
              f"({dt:.0f} ms per issue incl. render)")
        picks = [seeds[i] for i in np.linspace(0, len(seeds) - 1, n_copies).astype(int)
                 if admitted[i]]
        for name, fn in kinds.items():
            rejected = sum(not cat.issue(fn(d).to_svg(), name="copy", campaign="b").admitted
                           for d in picks)
            print(f"  {name}: rejected {rejected}/{len(picks)}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--distinct", type=int, default=1000)
    ap.add_argument("--copies", type=int, default=200)
    ap.add_argument("--threshold", type=int, default=None)
    args = ap.parse_args()
    torch.set_num_threads(1)
    from vecdream.seeds.catalogue import DEFAULT_THRESHOLD

    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if args.sizes:
        lookup(args.sizes, args.queries, threshold)
    if args.distinct:
        acceptance(args.distinct, args.copies, threshold)


if __name__ == "__main__":
    main()
