"""SVG import + render conformance against resvg on real public SVG sets.

For every file: ``read_svg`` → ``render`` at ``--size`` px wide (vecdream renders what it
imported) and resvg renders the original SVG text at the same size, both over white;
the score is the PSNR between them. Reported per set and overall: median PSNR, share of
files >= 35 dB and >= 30 dB, a PSNR histogram, crashes (an exception other than
``SVGError``), refusals (``SVGError``), hangs (a file not done in ``--timeout`` s: its
worker process is killed and restarted), import+render time (median, max, files slower
than 5 s) and the worst and slowest files. Files resvg itself cannot render are counted
and left out.

Sources:
    python benchmarks/conformance.py DIR       # every *.svg under DIR; sets = subfolders
    python benchmarks/conformance.py --fetch   # npm pack the public sets into a temp dir

``--fetch`` runs ``npm pack`` for @tabler/icons, @mdi/svg, simple-icons (SVG files) and
the Iconify JSON sets @iconify-json/noto, @iconify-json/fluent-emoji-flat and
@iconify-json/logos (icon bodies wrapped into ``<svg>`` with their width/height) into a
temporary directory deleted at exit: nothing is committed or kept. ``--per-set N`` takes
a seeded random sample of N files per set; sets are interleaved, so ``--deadline`` (s)
cuts every set evenly and the report says how many files were measured.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import multiprocessing as mp
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

PACKAGES = {"tabler": "@tabler/icons", "mdi": "@mdi/svg", "simple-icons": "simple-icons",
            "noto": "@iconify-json/noto", "fluent-emoji-flat": "@iconify-json/fluent-emoji-flat",
            "logos": "@iconify-json/logos"}
BINS = [(-math.inf, 20), (20, 25), (25, 30), (30, 35), (35, 40), (40, 50), (50, math.inf)]
SLOW_S = 5.0
SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def iconify_files(icons_json: Path) -> list[tuple[str, str]]:
    """``(name, svg text)`` of every icon of an Iconify JSON set (aliases skipped)."""
    data = json.loads(icons_json.read_text())
    out = []
    for name, icon in sorted(data.get("icons", {}).items()):
        w = icon.get("width", data.get("width", 16))
        h = icon.get("height", data.get("height", 16))
        left, top = icon.get("left", data.get("left", 0)), icon.get("top", data.get("top", 0))
        out.append((name, f'{SVG_OPEN} width="{w}" height="{h}" '
                          f'viewBox="{left} {top} {w} {h}">{icon["body"]}</svg>'))
    return out


def fetch_sets(tmp: Path) -> dict[str, list[tuple[str, str]]]:
    """npm pack each package into ``tmp`` and read its SVG files / Iconify icons."""
    sets = {}
    for key, package in PACKAGES.items():
        subprocess.run(["npm", "pack", "--silent", package], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
        tgz = sorted(tmp.glob(package.lstrip("@").replace("/", "-") + "-*.tgz"))[-1]
        target = tmp / key
        with tarfile.open(tgz) as tar:
            tar.extractall(target, filter="data")
        sets[key] = dir_files(target)
    return sets


def dir_files(folder: Path) -> list[tuple[str, str]]:
    """SVG files under ``folder`` (tabler: outline and filled icons, not categories)."""
    for candidate in sorted(folder.rglob("icons.json")):
        head = json.loads(candidate.read_text())
        if isinstance(head, dict) and "prefix" in head and isinstance(head.get("icons"), dict):
            return iconify_files(candidate)  # an Iconify set (tabler's icons.json is not)
    files = [p for p in sorted(folder.rglob("*.svg")) if "categories" not in p.parts]
    return [(str(p.relative_to(folder)), p.read_text(errors="replace")) for p in files]


def _worker(conn, size: int) -> None:
    """Score files sent through ``conn`` until it is closed."""
    import io

    import numpy as np
    import resvg_py
    import torch
    from PIL import Image

    from vecdream import render
    from vecdream.svg import SVGError, read_svg

    torch.set_num_threads(1)
    logging.getLogger("vecdream.svg").setLevel(logging.ERROR)  # skipped content: expected
    while True:
        try:
            text = conn.recv()
        except EOFError:
            return
        result: dict = {}
        start = time.perf_counter()
        try:
            d = read_svg(text)
            w, h = size, max(1, round(size * d.size[1] / d.size[0]))
            try:  # resvg rounds the height its own way: render ours at resvg's size
                png = bytes(resvg_py.svg_to_bytes(svg_string=text, width=w, dpi=96))
                ref_rgba = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")) / 255.0
                h = ref_rgba.shape[0]
            except Exception as exc:
                ref_rgba, ref_error = None, str(exc)[:200]
            start = time.perf_counter()  # resvg is not timed
            d = read_svg(text)
            ours = render(d, w, h).double()
            result.update(seconds=time.perf_counter() - start, paths=len(d))
        except SVGError as exc:
            result.update(status="refused", error=str(exc)[:200])
        except Exception as exc:  # a crash is what this benchmark is looking for
            result.update(status="crash", error=f"{type(exc).__name__}: {exc}"[:200])
        if "status" not in result:
            if ref_rgba is None:
                result.update(status="no reference", error=ref_error)
            else:
                ref = ref_rgba[..., :3] * ref_rgba[..., 3:] + (1 - ref_rgba[..., 3:])
                mse = ((ours - torch.from_numpy(ref).permute(2, 0, 1)) ** 2).mean().item()
                result.update(status="ok", psnr=min(10 * math.log10(1 / max(mse, 1e-10)), 99))
        conn.send(result)


class Scorer:
    """A worker process with a per-file timeout (a hung worker is killed and replaced)."""

    def __init__(self, size: int, timeout: float) -> None:
        self.size, self.timeout = size, timeout
        self._start()

    def _start(self) -> None:
        self.conn, child = mp.Pipe()
        self.proc = mp.get_context("spawn").Process(target=_worker, args=(child, self.size),
                                                    daemon=True)
        self.proc.start()

    def score(self, text: str) -> dict:
        self.conn.send(text)
        if self.conn.poll(self.timeout):
            try:
                return self.conn.recv()
            except EOFError:
                self._start()
                return {"status": "crash", "error": "worker died"}
        self.proc.kill()
        self.proc.join()
        self._start()
        return {"status": "hang", "seconds": self.timeout}

    def close(self) -> None:
        self.conn.close()
        self.proc.join(5)

    def warm_up(self) -> None:
        """Let the worker import torch/vecdream before any file is timed."""
        self.conn.send(f'{SVG_OPEN} viewBox="0 0 4 4"><rect width="2" height="2"/></svg>')
        self.conn.recv()


def summarize(results: list[dict]) -> dict:
    """Counts, PSNR statistics, histogram and timing of one set's results."""
    ok = [r for r in results if r["status"] == "ok"]
    scored = [r["psnr"] for r in ok]
    times = [r["seconds"] for r in results if "seconds" in r]
    n = len(ok)
    return {
        "files": len(results), "scored": n,
        "median_psnr": statistics.median(scored) if scored else float("nan"),
        "ge35": sum(p >= 35 for p in scored) / n if n else float("nan"),
        "ge30": sum(p >= 30 for p in scored) / n if n else float("nan"),
        "histogram": [sum(lo <= p < hi for p in scored) for lo, hi in BINS],
        "crash": sum(r["status"] == "crash" for r in results),
        "refused": sum(r["status"] == "refused" for r in results),
        "hang": sum(r["status"] == "hang" for r in results),
        "no_reference": sum(r["status"] == "no reference" for r in results),
        "median_s": statistics.median(times) if times else float("nan"),
        "max_s": max(times, default=float("nan")),
        "slow": sum(t > SLOW_S for t in times),
    }


def report(per_set: dict[str, list[dict]], wall: float, args: argparse.Namespace) -> str:
    """The markdown tables of a run."""
    rows = ["| set | files | scored | median dB | >= 35 dB | >= 30 dB | crash | refused | "
            "hang | no ref. | median s | max s | > 5 s |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    hist = ["| set | " + " | ".join(
        f"{'' if lo == -math.inf else lo}–{'' if hi == math.inf else hi}" for lo, hi in BINS)
        + " |", "|---|" + "---|" * len(BINS)]
    everything = [r for rs in per_set.values() for r in rs]
    for name, results in [*per_set.items(), ("all", everything)]:
        s = summarize(results)
        rows.append(f"| {name} | {s['files']} | {s['scored']} | {s['median_psnr']:.1f} | "
                    f"{100 * s['ge35']:.1f} % | {100 * s['ge30']:.1f} % | {s['crash']} | "
                    f"{s['refused']} | {s['hang']} | {s['no_reference']} | "
                    f"{s['median_s']:.3f} | {s['max_s']:.2f} | {s['slow']} |")
        hist.append(f"| {name} | " + " | ".join(str(c) for c in s["histogram"]) + " |")
    ok = [r for r in everything if r["status"] == "ok"]
    worst = sorted(ok, key=lambda r: r["psnr"])[: args.show]
    slowest = sorted((r for r in everything if "seconds" in r), key=lambda r: -r["seconds"])
    failed = [r for r in everything if r["status"] in ("crash", "refused", "hang")]
    lines = [f"{len(everything)} files, {args.size} px wide, timeout {args.timeout} s, "
             f"wall {wall:.0f} s", "", *rows, "", "PSNR histogram (dB, files):", "", *hist, "",
             "Worst files:", ""]
    lines += [f"- {r['set']}/{r['name']}: {r['psnr']:.1f} dB" for r in worst]
    lines += ["", "Slowest files:", ""]
    lines += [f"- {r['set']}/{r['name']}: {r['seconds']:.2f} s" for r in slowest[: args.show]]
    if failed:
        lines += ["", "Crashes, refusals, hangs:", ""]
        lines += [f"- {r['set']}/{r['name']}: {r['status']} {r.get('error', '')}"
                  for r in failed[: 3 * args.show]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", nargs="?", type=Path, help="folder of SVG files")
    parser.add_argument("--fetch", action="store_true", help="npm pack the public sets")
    parser.add_argument("--per-set", type=int, default=300, help="files sampled per set")
    parser.add_argument("--size", type=int, default=256, help="render width in px")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per file")
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds in all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=10, help="worst/slowest files listed")
    parser.add_argument("--json", type=Path, help="write every file's result here")
    args = parser.parse_args()
    if (args.dir is None) == (not args.fetch):
        parser.error("give DIR or --fetch (one of them)")
    with tempfile.TemporaryDirectory(prefix="vecdream-conformance-") as tmp:
        if args.fetch:
            sets = fetch_sets(Path(tmp))
        else:
            subdirs = sorted(p for p in args.dir.iterdir() if p.is_dir())
            sets = {p.name: dir_files(p) for p in subdirs} or {args.dir.name:
                                                               dir_files(args.dir)}
    rng = random.Random(args.seed)
    sampled = {k: rng.sample(v, min(args.per_set, len(v))) for k, v in sets.items()}
    order = [(k, item) for i in range(args.per_set) for k, v in sampled.items() if i < len(v)
             for item in [v[i]]]
    scorer = Scorer(args.size, args.timeout)
    scorer.warm_up()
    start = time.perf_counter()
    per_set: dict[str, list[dict]] = {k: [] for k in sampled}
    for key, (name, text) in order:
        if time.perf_counter() - start > args.deadline:
            break
        result = scorer.score(text)
        result.update(set=key, name=name)
        per_set[key].append(result)
    scorer.close()
    print(report(per_set, time.perf_counter() - start, args))
    if args.json:
        args.json.write_text(json.dumps(per_set, indent=1))


if __name__ == "__main__":
    sys.exit(main())
