"""Renderer speed and memory: vecdream's ``render`` against skia, an earlier commit of
vecdream and the dense reference, all measured in the same run.

Scenes of cubic paths, random RGBA colours, fixed seeds, the canvas in user units equal
to the render size in pixels; strokes are 2 px wide:

    a  256 short strokes at 256x256      (Drawing.random's walk: radius 0.1, 1-3 segments)
    b  1024 short strokes at 256x256
    c  256 short strokes at 1024x1024
    d  256 canvas-spanning strokes at 256x256 (3 cubics, control points uniform on
       the whole canvas)
    e  scene a with butt caps and miter joins (limit 4): SVG's defaults, what
       Drawing.from_svg gives a file without stroke-linecap. Its round twin is scene a
       itself (same tensors; round caps and joins, the optimizer's default)
    f  scene c with butt caps and miter joins (round twin: scene c)
    g  scene a's paths closed and filled (a's stroke RGB, fill alpha 0.5), no stroke
    h  scene c's paths closed and filled likewise

Picking e or f (``--scenes``) runs its twin too, for the "butt/miter / round" lines.

For each scene and renderer the script times ``forward`` (render the image, under
``no_grad``) and ``forward+backward`` (``image.sum().backward()`` into points, widths
and stroke colours; for g and h into points and fill colours) and reports the median in
milliseconds of ``--repeats`` timed calls. A renderer's first call in a process is a
warm-up and is not counted, except when it takes longer than ``--slow`` seconds: then
that call is the measurement ("no warm-up" in the table). Slow calls get as many timed
reps as fit in ``--budget`` seconds (at least 1; the table shows the count when it is
below ``--repeats``). Every (scene, renderer) runs in a fresh subprocess.

Columns:

- **skia**: skia-python draws the same paths (``benchmarks/skia_paths.py``:
  anti-aliased, CPU raster surface, same caps/joins/fill rule/colours and the same
  user-unit to pixel map), forward only. Its time is the drawing alone (clear + one
  ``drawPath`` per fill or stroke); turning the tensors into skia paths is timed apart
  ("skia build ms" in the scene table), as is reading the pixels back. The scene table
  gives the PSNR between skia's image and vecdream's: above 30 dB they draw the same.
- **earlier commit** (``--baseline-commit``, default 004a80a, the commit before caps
  and joins; ``none`` skips it): its ``vecdream`` is checked out with ``git worktree``
  in a temp dir (removed at exit) and this script runs on it in subprocesses with
  ``PYTHONPATH`` pointing there, so the two versions never share a process. Old and
  new alternate over ``--rounds`` rounds (new, old, old, new, ...) so machine drift
  hits both alike; each round does ``--repeats / --rounds`` timed calls and the median
  pools all rounds. "n/a" where the old code cannot build the scene (no caps/joins).
- **reference**: :func:`vecdream.render.reference.render_reference`, the same math
  computed densely (every pixel against every line piece, plain autograd); scenes a-d
  only (it takes minutes on the others). The diffvg table quotes fwd+bwd seconds
  measured earlier on this kind of 2-core CPU; when ``pydiffvg`` is importable it is
  timed here too.

``--device cuda`` runs vecdream and the reference on the GPU (synchronized before each
clock read); skia and the earlier commit stay on the CPU, so their ratios compare
devices.

Contention: the last column is the process's CPU seconds per wall second over the
timed calls. On an idle machine it is close to the thread count; lower means other work
shared the CPUs and the times are inflated. With 2 threads on 2 shared cores the damage
is uneven, so on a busy machine prefer ``--threads 1``, or ``--threads 1 --clock cpu``
(each call timed in process CPU seconds, which other jobs barely move).

Memory: the increase of the process's maximum resident set size over its value after
imports and scene construction (on CUDA ``max_memory_allocated``).

    python benchmarks/render.py                   # all scenes, CPU
    python benchmarks/render.py --repeats 3 --scenes aeg --no-reference
    python benchmarks/render.py --threads 1 --clock cpu   # on a busy machine
    python benchmarks/render.py --baseline-commit HEAD~3 --rounds 4
    python benchmarks/render.py --profile e       # where fwd+bwd time goes, scene e
    python benchmarks/render.py --device cuda

The whole run stops at ``--deadline`` seconds (default 600): measurements still
running then show "timed out".
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import torch

from vecdream import Drawing, render

SCENES = {
    # name: (paths, size in px, geometry, style)
    "a": (256, 256, "short", "round"),
    "b": (1024, 256, "short", "round"),
    "c": (256, 1024, "short", "round"),
    "d": (256, 256, "spanning", "round"),
    "e": (256, 256, "short", "butt/miter"),
    "f": (256, 1024, "short", "butt/miter"),
    "g": (256, 256, "short", "filled"),
    "h": (256, 1024, "short", "filled"),
}
ROUND_TWIN = {"e": "a", "f": "c"}
RUN_ORDER = "aegbdchf"  # roughly fastest first
REFERENCE_SCENES = "abcd"
DIFFVG_FWD_BWD_S = {"a": 1.7, "b": 4.8, "c": 18.0, "d": 36.0}  # measured earlier, 2-core CPU
TARGET_SPEEDUP = {"a": 20, "b": 20, "c": 50, "d": 50}
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make_scene(name: str, device: str = "cpu") -> Drawing:
    """The benchmark drawing of scene ``name``, on ``device``, fixed seed.

    Raises TypeError on an older ``Drawing`` that lacks the scene's fields."""
    n_paths, size, geometry, style = SCENES[name]
    d = Drawing.random(n_paths, size=(size, size), colors=True, width=2.0, seed=0,
                       segments=3 if geometry == "spanning" else (1, 3))
    if geometry == "spanning":
        g = torch.Generator().manual_seed(1)
        d.points = torch.rand(d.points.shape, generator=g) * size
    if style == "butt/miter":
        zeros = torch.zeros(n_paths, dtype=torch.long)  # CAP_BUTT, JOIN_MITER
        d = Drawing(d.points, d.widths, d.stroke, d.size, n_segments=d.n_segments,
                    cap=zeros, join=zeros.clone())
    elif style == "filled":
        fill, stroke = d.stroke.clone(), d.stroke.clone()
        fill[:, 3], stroke[:, 3] = 0.5, 0.0
        d = Drawing(d.points, d.widths, stroke, d.size, fill=fill, n_segments=d.n_segments,
                    closed=torch.ones(n_paths, dtype=torch.bool))
    return d.to(device)


def _params(scene: str, drawing: Drawing) -> list[torch.Tensor]:
    if SCENES[scene][3] == "filled":
        return [drawing.points, drawing.fill]
    return [drawing.points, drawing.widths, drawing.stroke]


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


# ---------------------------------------------------------------------------- worker
def _renderer(name: str, drawing: Drawing, size: int) -> Callable[[], torch.Tensor]:
    if name in ("vecdream", "earlier"):  # "earlier": the old tree is on PYTHONPATH
        return lambda: render(drawing, size, size)
    if name == "reference":
        from vecdream.render.reference import render_reference
        return lambda: render_reference(drawing, size, size)
    return _diffvg(drawing, size)


def _diffvg(drawing: Drawing, size: int) -> Callable[[], torch.Tensor]:
    """diffvg's render of the same strokes over white (only when pydiffvg is present).

    Not exercised on the machine this script was written on (no pydiffvg there).
    """
    import pydiffvg

    pydiffvg.set_use_gpu(drawing.device.type == "cuda")

    def run() -> torch.Tensor:
        shapes, groups = [], []
        for i in range(len(drawing)):
            n = int(drawing.n_segments[i])
            shapes.append(pydiffvg.Path(
                num_control_points=torch.full((n,), 2, dtype=torch.int32),
                points=drawing.points[i, :3 * n + 1], stroke_width=drawing.widths[i],
                is_closed=False))
            groups.append(pydiffvg.ShapeGroup(shape_ids=torch.tensor([i]), fill_color=None,
                                              stroke_color=drawing.stroke[i]))
        args = pydiffvg.RenderFunction.serialize_scene(size, size, shapes, groups)
        rgba = pydiffvg.RenderFunction.apply(size, size, 2, 2, 0, None, *args)
        return rgba[..., 3:] * rgba[..., :3] + (1 - rgba[..., 3:])

    return run


def _time_calls(fn: Callable[[], object], reps: int, slow: float, budget: float,
                sync: Callable[[], None], clock: str = "wall"
                ) -> tuple[list[float], int, float]:
    """Timed calls of ``fn`` (see the module doc): ``(seconds of each, n, cpu)``.

    ``n == 0`` means the first (warm-up) call was too slow to repeat and its time is
    the measurement; ``cpu`` is the process's CPU seconds per wall second over the
    timed calls; ``clock="cpu"`` times each call in process CPU seconds instead of wall.
    """
    sync()
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    sync()
    first, first_cpu = time.perf_counter() - t0, time.process_time() - c0
    if first > slow:
        return [first_cpu if clock == "cpu" else first], 0, first_cpu / first
    n = max(1, min(reps, int(budget / max(first, 1e-9))))
    times = []
    c_start, w_start = time.process_time(), time.perf_counter()
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        sync()
        times.append(time.process_time() - c0 if clock == "cpu" else time.perf_counter() - t0)
    return times, n, (time.process_time() - c_start) / (time.perf_counter() - w_start)


def _skia_worker(drawing: Drawing, size: int, args: argparse.Namespace) -> dict:
    from skia_paths import build_scene  # benchmarks/ is sys.path[0]

    t0 = time.perf_counter()
    scene = build_scene(drawing, size, size)
    build = time.perf_counter() - t0
    times, n, cpu = _time_calls(scene.draw, args.reps, args.slow, args.budget,
                                 lambda: None, args.clock)
    with torch.no_grad():
        ours = render(drawing, size, size).permute(1, 2, 0).double().numpy()
    mse = float(((ours - scene.image()) ** 2).mean())
    return {"fwd_times": times, "fwd_reps": n, "fwd_cpu": cpu, "build_ms": build * 1e3,
            "psnr": 10 * math.log10(1 / mse) if mse > 0 else math.inf}


def worker(scene: str, renderer: str, args: argparse.Namespace) -> dict:
    """Measure one (scene, renderer) in this process; returns the result record."""
    import vecdream

    out = {"scene": scene, "renderer": renderer,
           "vecdream": os.path.dirname(os.path.abspath(vecdream.__file__))}
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    cuda = device.type == "cuda"
    try:
        drawing = make_scene(scene, args.device)
    except TypeError as e:  # an older Drawing without caps and joins
        return {**out, "error": f"n/a: {e}"}
    size = SCENES[scene][1]
    if renderer == "skia":
        return {**out, **_skia_worker(drawing, size, args)}
    params = _params(scene, drawing)
    for t in params:
        t.requires_grad_(True)
    fn = _renderer(renderer, drawing, size)

    def forward() -> None:
        with torch.no_grad():
            fn()

    def forward_backward() -> None:
        for t in params:
            t.grad = None
        fn().sum().backward()

    def sync() -> None:
        if cuda:
            torch.cuda.synchronize(device)

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for phase, call in (("fwd", forward), ("fb", forward_backward)):
        if cuda:
            torch.cuda.reset_peak_memory_stats(device)
            start = torch.cuda.memory_allocated(device)
        times, n, cpu = _time_calls(call, args.reps, args.slow, args.budget, sync,
                                     args.clock)
        out.update({f"{phase}_times": times, f"{phase}_reps": n, f"{phase}_cpu": cpu})
        out[f"{phase}_mb"] = ((torch.cuda.max_memory_allocated(device) - start) / 2**20
                              if cuda else
                              (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024)
    return out


def profile(scene: str, args: argparse.Namespace) -> None:
    """Print where vecdream's forward+backward time goes on ``scene`` (torch.profiler)."""
    from torch.profiler import ProfilerActivity, record_function
    from torch.profiler import profile as torch_profile

    torch.set_num_threads(args.threads)
    cuda = args.device == "cuda"
    drawing, size = make_scene(scene, args.device), SCENES[scene][1]
    params = _params(scene, drawing)
    for t in params:
        t.requires_grad_(True)

    def step() -> None:
        for t in params:
            t.grad = None
        with record_function("benchmark: forward"):
            image = render(drawing, size, size)
        with record_function("benchmark: backward"):
            image.sum().backward()
        if cuda:
            torch.cuda.synchronize()

    step()  # warm-up
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])
    with torch_profile(activities=activities) as prof:
        for _ in range(args.reps):
            step()
    events = prof.key_averages()
    labels = sorted((e for e in events if e.is_user_annotation),
                    key=lambda e: e.cpu_time_total, reverse=True)
    total = sum(e.cpu_time_total for e in labels if e.key.startswith("benchmark: "))
    print(f"\nscene {scene}, {args.reps} fwd+bwd calls after a warm-up, {args.threads} "
          f"thread(s), device {args.device}; CPU time per call (ms) of each record_function "
          f"label (benchmark: ... are this script's; the rest the renderer's), nested "
          f"labels counted in their parents too:\n")
    print("| label | calls | ms per fwd+bwd | % of fwd+bwd |\n|---|---|---|---|")
    for e in labels:
        print(f"| {e.key} | {e.count} | {e.cpu_time_total / 1e3 / args.reps:.1f} "
              f"| {100 * e.cpu_time_total / total:.0f} % |")
    if len(labels) <= 2:
        print("\n(the renderer has no record_function labels)")
    print("\nTop 15 ops by self CPU time:\n")
    print(events.table(sort_by="self_cpu_time_total", row_limit=15,
                       max_name_column_width=70))


# ---------------------------------------------------------------------------- driver
def _run_worker(scene: str, renderer: str, args: argparse.Namespace, timeout: float,
                reps: int, tree: str | None = None) -> dict:
    """One fresh subprocess; ``tree``: a checkout whose vecdream it must import."""
    device = "cpu" if renderer in ("skia", "earlier") else args.device
    budget = args.budget * reps / args.reps
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", f"{scene}:{renderer}",
           "--reps", str(reps), "--threads", str(args.threads), "--device", device,
           "--slow", str(args.slow), "--budget", str(budget), "--clock", args.clock]
    env = dict(os.environ)
    if tree:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [tree, env.get("PYTHONPATH")]))
    error = {"scene": scene, "renderer": renderer}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                              timeout=max(timeout, 1.0))
    except subprocess.TimeoutExpired:
        return {**error, "error": "timed out"}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            r = json.loads(line[len("RESULT "):])
            if tree and not os.path.realpath(r["vecdream"]).startswith(tree):
                return {**error, "error": f"imported {r['vecdream']}, not {tree}"}
            return r
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
    return {**error, "error": tail[0]}


def _pool(records: list[dict]) -> dict:
    """One record from the rounds of a (scene, renderer): medians over all their calls."""
    ok = [r for r in records if "error" not in r]
    if not ok:
        return records[0]
    out = dict(ok[0])
    for phase in ("fwd", "fb"):
        if f"{phase}_times" in out:
            times = [t for r in ok for t in r[f"{phase}_times"]]
            out[f"{phase}_ms"] = statistics.median(times) * 1e3
            out[f"{phase}_n"] = len(times)
            out[f"{phase}_cold"] = any(r[f"{phase}_reps"] == 0 for r in ok)
            out[f"{phase}_cpu"] = min(r[f"{phase}_cpu"] for r in ok)
            out[f"{phase}_mb"] = max(r.get(f"{phase}_mb", 0.0) for r in ok)
    return out


def _ok(r: dict | None, phase: str) -> bool:
    return bool(r) and "error" not in r and f"{phase}_ms" in r


def _ms(r: dict | None, phase: str, reps: int) -> str:
    if r is None or (r and "error" not in r and f"{phase}_ms" not in r):
        return "—"
    if "error" in r:
        e = r["error"]
        return "n/a" if e.startswith("n/a") else "timed out" if e == "timed out" else "error"
    n = r[f"{phase}_n"]
    note = (f" ({n} call{'s' if n > 1 else ''}, no warm-up)" if r[f"{phase}_cold"]
            else f" ({n} rep{'s' if n > 1 else ''})" if n < reps else "")
    value = r[f"{phase}_ms"]
    return (f"{value:,.0f}" if value >= 100 else f"{value:.1f}") + note


def _ratio(num: dict | None, den: dict | None, phase: str) -> str:
    if not _ok(num, phase) or not _ok(den, phase):
        return "—"
    x = num[f"{phase}_ms"] / den[f"{phase}_ms"]
    return f"{x:,.0f}x" if x >= 10 else f"{x:.2f}x"


def _add_worktree(commit: str) -> tuple[str, str]:
    """A detached ``git worktree`` of ``commit`` in a new temp dir: ``(path, short sha)``."""
    git = ["git", "-C", REPO]
    sha = subprocess.run([*git, "rev-parse", "--short", f"{commit}^{{commit}}"],
                         check=True, capture_output=True, text=True).stdout.strip()
    path = os.path.realpath(tempfile.mkdtemp(prefix=f"vecdream-{sha}-"))
    try:
        subprocess.run([*git, "worktree", "add", "--detach", path, sha], check=True,
                       capture_output=True, text=True)
    except subprocess.CalledProcessError:
        os.rmdir(path)
        raise
    return path, sha


def _remove_worktree(path: str) -> None:
    subprocess.run(["git", "-C", REPO, "worktree", "remove", "--force", path],
                   capture_output=True)
    if os.path.exists(path):
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run(["git", "-C", REPO, "worktree", "prune"], capture_output=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", "--reps", dest="reps", type=int, default=5,
                        help="timed calls per measurement (median)")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads(),
                        help="torch CPU threads (default: torch's default)")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--scenes", default="abcdefgh", help="which scenes, e.g. 'aeg'")
    parser.add_argument("--baseline-commit", default="004a80a",
                        help="earlier commit for the old-code column ('none': skip it)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternating old/new subprocess rounds per scene")
    parser.add_argument("--clock", default="wall", choices=("wall", "cpu"),
                        help="time each call in wall or process CPU seconds (CPU only)")
    parser.add_argument("--no-reference", action="store_true", help="skip the reference")
    parser.add_argument("--quick", action="store_true",
                        help="2 repeats, and the reference skipped on scene c")
    parser.add_argument("--profile", nargs="?", const="a", metavar="SCENE",
                        help="only profile vecdream's fwd+bwd on SCENE (default a)")
    parser.add_argument("--slow", type=float, default=20.0,
                        help="a first call slower than this (s) is the only rep")
    parser.add_argument("--budget", type=float, default=5.0,
                        help="seconds of timed reps per measurement, at most --repeats")
    parser.add_argument("--deadline", type=float, default=600.0,
                        help="wall seconds for all measurements; later ones time out")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.reps = min(args.reps, 2)
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: CUDA is not available")
    if args.device == "cuda" and args.clock == "cpu":
        parser.error("--clock cpu times CPU work only; use the wall clock with --device cuda")
    unknown = set(args.scenes + (args.profile or "")) - set(SCENES)
    if unknown or args.reps < 1 or args.rounds < 1:
        parser.error(f"scenes are {''.join(SCENES)}; --repeats and --rounds >= 1")

    if args.worker:
        scene, renderer = args.worker.split(":")
        print("RESULT " + json.dumps(worker(scene, renderer, args)), flush=True)
        return
    if args.profile:
        profile(args.profile, args)
        return

    scenes = "".join(s for s in SCENES if s in args.scenes
                     or any(s == ROUND_TWIN.get(t) for t in args.scenes))
    tree = sha = None
    if args.baseline_commit.lower() != "none":
        try:
            tree, sha = _add_worktree(args.baseline_commit)
        except subprocess.CalledProcessError as e:
            parser.error(f"--baseline-commit {args.baseline_commit}: {e.stderr.strip()}")
    try:
        results, t_start, max_load = _measure(scenes, args, tree)
    finally:
        if tree:
            _remove_worktree(tree)
    _report(scenes, args, sha, results, t_start, max_load)


def _measure(scenes: str, args: argparse.Namespace, tree: str | None
             ) -> tuple[dict[tuple[str, str], dict], float, float]:
    try:
        import pydiffvg  # noqa: F401
        have_diffvg = True
    except ImportError:
        have_diffvg = False
    device_name = (torch.cuda.get_device_name() if args.device == "cuda" else cpu_model())
    print(f"torch {torch.__version__}, {args.threads} threads, {os.cpu_count()} CPUs, "
          f"{device_name}, device {args.device}, python {platform.python_version()}")
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 min)")
    t_start = time.perf_counter()
    max_load = os.getloadavg()[0]
    rounds = args.rounds if tree else 1
    order = sorted(scenes, key=RUN_ORDER.index)
    jobs: list[tuple[str, str, int, str | None]] = []  # scene, renderer, reps, tree
    for scene in order:  # new and old alternate: new, old, old, new, ...
        for i in range(rounds):
            pair = [("vecdream", None), ("earlier", tree)][:2 if tree else 1]
            for renderer, where in pair[::-1] if i % 2 else pair:
                jobs.append((scene, renderer, math.ceil(args.reps / rounds), where))
    jobs += [(scene, "skia", args.reps, None) for scene in order]
    # The slowest (the reference at 1024x1024) last, so a busy machine running into
    # --deadline loses as little as possible.
    jobs += [(scene, "reference", args.reps, None) for scene in order
             if scene in REFERENCE_SCENES and not args.no_reference
             and not (args.quick and scene == "c")]
    jobs += [(scene, "diffvg", args.reps, None) for scene in order
             if have_diffvg and scene in DIFFVG_FWD_BWD_S]
    runs: dict[tuple[str, str], list[dict]] = {}
    for scene, renderer, reps, where in jobs:
        left = args.deadline - (time.perf_counter() - t_start)
        r = _run_worker(scene, renderer, args, left, reps, where)
        runs.setdefault((scene, renderer), []).append(r)
        max_load = max(max_load, os.getloadavg()[0])
        brief = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()
                 if not k.endswith("_times") and k != "vecdream"}
        print(f"  {brief}", file=sys.stderr, flush=True)
    return {key: _pool(rs) for key, rs in runs.items()}, t_start, max_load


def _report(scenes: str, args: argparse.Namespace, sha: str | None,
            results: dict[tuple[str, str], dict], t_start: float, max_load: float) -> None:
    from vecdream.render.flatten import bezier_lines

    old = sha or "earlier"
    print("\n| scene | paths | px | style | pieces | skia PSNR vs vecdream dB "
          "| skia build ms |\n|---|---|---|---|---|---|---|")
    low = []
    for scene in scenes:
        n_paths, size, geometry, style = SCENES[scene]
        d = make_scene(scene)
        pieces = bezier_lines(d.points, d.n_segments, max_length=4.0).a.shape[0]
        sk = results.get((scene, "skia"))
        psnr = f"{sk['psnr']:.1f}" if _ok(sk, "fwd") else "—"
        if _ok(sk, "fwd") and sk["psnr"] < 30:
            low.append(scene)
        build = f"{sk['build_ms']:.1f}" if _ok(sk, "fwd") else "—"
        print(f"| {scene} | {n_paths} {geometry} | {size}x{size} | {style} | {pieces:,} "
              f"| {psnr} | {build} |")
    if low:
        print(f"\nWARNING: skia and vecdream disagree (< 30 dB) on scene(s) {', '.join(low)}")

    print(f"\n| scene | pass | vecdream ms | skia ms | {old} ms | reference ms "
          f"| vecdream / skia | vecdream / {old} | reference / vecdream "
          f"| peak MB vecdream / {old} / reference | CPU-s per wall-s vecdream / {old} |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for scene in scenes:
        v, sk = results.get((scene, "vecdream")), results.get((scene, "skia"))
        e, ref = results.get((scene, "earlier")), results.get((scene, "reference"))
        for phase, name in (("fwd", "fwd"), ("fb", "fwd+bwd")):
            mb = " / ".join(f"{r[f'{phase}_mb']:,.0f}" if _ok(r, phase) else "—"
                            for r in (v, e, ref))
            cpu = " / ".join(f"{r[f'{phase}_cpu']:.2f}" if _ok(r, phase) else "—"
                             for r in (v, e))
            cells = [scene, name, _ms(v, phase, args.reps),
                     _ms(sk, phase, args.reps) if phase == "fwd" else "—",
                     _ms(e, phase, args.reps), _ms(ref, phase, args.reps),
                     _ratio(v, sk, phase), _ratio(v, e, phase), _ratio(ref, v, phase),
                     mb, cpu]
            print("| " + " | ".join(cells) + " |")

    for butt, twin in ROUND_TWIN.items():
        if butt not in scenes:
            continue
        for label, key in (("this tree", "vecdream"), (old, "earlier")):
            b, r = results.get((butt, key)), results.get((twin, key))
            if b is None:
                continue
            ratios = ("n/a (no caps/joins there)" if b.get("error", "").startswith("n/a")
                      else f"fwd {_ratio(b, r, 'fwd')}, fwd+bwd {_ratio(b, r, 'fb')}")
            print(f"\nbutt/miter / round, {label} ({butt} / {twin}, "
                  f"{SCENES[butt][1]}x{SCENES[butt][1]}): {ratios}", end="")
    print()

    diffvg = [s for s in scenes if s in DIFFVG_FWD_BWD_S and _ok(results.get((s, "vecdream")),
                                                                   "fb")]
    if diffvg:
        print("\n| scene | vecdream fwd+bwd ms | diffvg fwd+bwd (earlier, 2-core CPU) "
              "| diffvg here ms | speed-up vs diffvg | target | met |")
        print("|---|---|---|---|---|---|---|")
    for scene in diffvg:
        v = results[scene, "vecdream"]
        speedup = DIFFVG_FWD_BWD_S[scene] * 1e3 / v["fb_ms"]
        met = "met" if speedup >= TARGET_SPEEDUP[scene] else "not met"
        print(f"| {scene} | {_ms(v, 'fb', args.reps)} | {DIFFVG_FWD_BWD_S[scene]:g} s "
              f"| {_ms(results.get((scene, 'diffvg')), 'fb', args.reps)} "
              f"| {speedup:,.0f}x | >= {TARGET_SPEEDUP[scene]}x | {met} |")
    print(f"\nTimes: median {args.clock} ms per call. skia: drawing only (paths built "
          f"beforehand), CPU, 1 thread. {old}: {args.rounds if sha else 1} alternating "
          f"subprocess rounds with this tree.")
    if args.device == "cuda":
        print("vecdream and the reference ran on cuda; skia, the earlier commit and the "
              "diffvg figures are CPU: those ratios compare devices.")
    print(f"load average after: {os.getloadavg()[0]:.2f}, highest seen after a measurement "
          f"{max_load:.2f} (1 min, {os.cpu_count()} CPUs; whether this run got its threads "
          f"is the CPU-s per wall-s column); total {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
