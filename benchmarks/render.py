"""Renderer speed and memory: vecdream's ``render`` against the dense reference.

Four scenes of open cubic strokes, 2 px wide, random RGBA colours (fixed seeds), the
canvas in user units equal to the render size in pixels:

    a  256 short strokes at 256x256      (Drawing.random's walk: radius 0.1, 1-3 segments)
    b  1024 short strokes at 256x256
    c  256 short strokes at 1024x1024
    d  256 canvas-spanning strokes at 256x256 (3 cubics, control points uniform on
       the whole canvas)

For each scene and renderer the script times ``forward`` (render the image) and
``forward+backward`` (``image.sum().backward()`` into points, widths and stroke
colours) and reports the median in milliseconds. The first call is a warm-up and is
not counted, except when it takes longer than ``--slow`` seconds: then that one call
is the measurement ("1 call, no warm-up" in the table). Slow calls get as many timed
reps as fit in ``--budget`` seconds (at least 1, at most ``--reps``; the table shows
the count when it is below ``--reps``).

Baseline: :func:`vecdream.render.reference.render_reference`, the same math computed
densely (every pixel against every line piece of every path, plain autograd), run in
the same process set-up on the same machine. The diffvg column holds numbers measured
earlier on this kind of 2-core CPU (fwd+bwd, seconds), quoted, not re-measured; when
``pydiffvg`` is importable it is timed here too.

Contention: the last column is the process's CPU seconds per wall second over the
timed calls (the lower of the two phases). On an idle machine it is close to the thread
count; lower means other work shared the CPUs and the times are inflated. With 2
threads on 2 shared cores the damage is uneven (an OpenMP thread waits for its
descheduled partner at every kernel), so on a busy machine prefer ``--threads 1``.

Memory: every (scene, renderer) runs in a fresh subprocess. On CPU the peak is the
increase of the process's maximum resident set size (``getrusage(RUSAGE_SELF)
.ru_maxrss``) over its value after imports and scene construction: what the process
really took from the machine, allocator slack included. The fwd+bwd figure is read
after the fwd+bwd reps, so it is the larger of the two phases. On CUDA it is
``torch.cuda.max_memory_allocated`` minus the memory allocated before the phase.

    python benchmarks/render.py                  # all scenes, both renderers, CPU
    python benchmarks/render.py --quick          # fewer reps, no reference on scene c
    python benchmarks/render.py --threads 1 --reps 10
    python benchmarks/render.py --device cuda

The whole run stops at ``--deadline`` seconds (default 280, so it ends within 5
minutes even on a busy machine): measurements still running then show "timed out".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import torch

from vecdream import Drawing, render
from vecdream.render.flatten import bezier_lines
from vecdream.render.reference import render_reference

SCENES = {
    # name: (paths, size in px, kind)
    "a": (256, 256, "short"),
    "b": (1024, 256, "short"),
    "c": (256, 1024, "short"),
    "d": (256, 256, "spanning"),
}
DIFFVG_FWD_BWD_S = {"a": 1.7, "b": 4.8, "c": 18.0, "d": 36.0}  # measured earlier, 2-core CPU
TARGET_SPEEDUP = {"a": 20, "b": 20, "c": 50, "d": 50}
RENDERERS = ("vecdream", "reference", "diffvg")


def make_scene(name: str, device: str = "cpu") -> Drawing:
    """The benchmark drawing of scene ``name``, on ``device``, fixed seed."""
    n_paths, size, kind = SCENES[name]
    d = Drawing.random(n_paths, size=(size, size), colors=True, width=2.0, seed=0,
                       segments=3 if kind == "spanning" else (1, 3))
    if kind == "spanning":
        g = torch.Generator().manual_seed(1)
        d.points = torch.rand(d.points.shape, generator=g) * size
    return d.to(device)


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
    if name == "vecdream":
        return lambda: render(drawing, size, size)
    if name == "reference":
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
                sync: Callable[[], None]) -> tuple[float, int, float]:
    """Median seconds of ``fn`` and over how many timed calls (see the module doc).

    Returns ``(seconds, n, cpu)``; ``n == 0`` means the first (warm-up) call was too
    slow to repeat and its time is the measurement; ``cpu`` is the process's CPU
    seconds per wall second over the timed calls (about the thread count on an idle
    machine, less when other work shares the CPUs).
    """
    sync()
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    sync()
    first = time.perf_counter() - t0
    if first > slow:
        return first, 0, (time.process_time() - c0) / first
    n = max(1, min(reps, int(budget / max(first, 1e-9))))
    times = []
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t0)
    cpu = (time.process_time() - c0) / (time.perf_counter() - w0)
    return statistics.median(times), n, cpu


def worker(scene: str, renderer: str, args: argparse.Namespace) -> dict:
    """Measure one (scene, renderer) in this process; returns the result record."""
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    cuda = device.type == "cuda"
    drawing = make_scene(scene, args.device)
    size = SCENES[scene][1]
    params = [drawing.points, drawing.widths, drawing.stroke]
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

    def peak_start() -> int:
        if cuda:
            torch.cuda.reset_peak_memory_stats(device)
            return torch.cuda.memory_allocated(device)
        return 0

    def peak_mb(start: int, rss0: int) -> float:
        if cuda:
            return (torch.cuda.max_memory_allocated(device) - start) / 2**20
        return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024  # KiB

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = {"scene": scene, "renderer": renderer}
    for phase, call in (("fwd", forward), ("fb", forward_backward)):
        start = peak_start()
        seconds, n, cpu = _time_calls(call, args.reps, args.slow, args.budget, sync)
        out[f"{phase}_ms"] = seconds * 1e3
        out[f"{phase}_reps"] = n
        out[f"{phase}_cpu"] = cpu
        out[f"{phase}_mb"] = peak_mb(start, rss0)
    return out


# ---------------------------------------------------------------------------- driver
def _run_worker(scene: str, renderer: str, args: argparse.Namespace, timeout: float) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", f"{scene}:{renderer}",
           "--reps", str(args.reps), "--threads", str(args.threads), "--device", args.device,
           "--slow", str(args.slow), "--budget", str(args.budget)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=max(timeout, 1.0))
    except subprocess.TimeoutExpired:
        return {"scene": scene, "renderer": renderer, "error": "timed out"}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
    return {"scene": scene, "renderer": renderer, "error": tail[0]}


def _ms(r: dict | None, phase: str, reps: int) -> str:
    if r is None:
        return "—"
    if "error" in r:
        return "timed out" if r["error"] == "timed out" else "error"
    n = r[f"{phase}_reps"]
    note = (" (1 call, no warm-up)" if n == 0 else " (1 rep)" if n == 1 and reps > 1
            else f" ({n} reps)" if n < reps else "")
    value = r[f"{phase}_ms"]
    return (f"{value:,.0f}" if value >= 100 else f"{value:.1f}") + note


def _mb(r: dict | None) -> str:
    if r is None or "error" in r:
        return "—"
    return f"{r['fwd_mb']:,.0f} / {r['fb_mb']:,.0f}"


def _cpu(r: dict | None) -> str:
    if r is None or "error" in r:
        return "—"
    return f"{min(r['fwd_cpu'], r['fb_cpu']):.2f}"


def _ratio(num: dict | None, den: dict | None, phase: str) -> str:
    if not num or not den or "error" in num or "error" in den:
        return "—"
    return f"{num[f'{phase}_ms'] / den[f'{phase}_ms']:,.0f}x"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=5, help="timed calls per measurement")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads(),
                        help="torch CPU threads (default: torch's default)")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--quick", action="store_true",
                        help="2 reps, and the reference skipped on scene c")
    parser.add_argument("--scenes", default="abcd", help="which scenes, e.g. 'ab'")
    parser.add_argument("--slow", type=float, default=20.0,
                        help="a first call slower than this (s) is the only rep")
    parser.add_argument("--budget", type=float, default=5.0,
                        help="seconds of timed reps per measurement, at most --reps")
    parser.add_argument("--deadline", type=float, default=280.0,
                        help="wall seconds for all measurements; later ones time out")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.reps = min(args.reps, 2)
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: CUDA is not available")

    if args.worker:
        scene, renderer = args.worker.split(":")
        print("RESULT " + json.dumps(worker(scene, renderer, args)), flush=True)
        return

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

    results: dict[tuple[str, str], dict] = {}
    max_load = os.getloadavg()[0]
    # Fast measurements first and the slowest (the reference at 1024x1024) last, so a
    # busy machine running into --deadline loses as little as possible.
    order = sorted(args.scenes, key="abdc".index)
    for renderer in RENDERERS:
        for scene in order:
            if renderer == "diffvg" and not have_diffvg:
                continue
            if renderer == "reference" and args.quick and scene == "c":
                continue
            left = args.deadline - (time.perf_counter() - t_start)
            r = _run_worker(scene, renderer, args, timeout=left)
            results[scene, renderer] = r
            max_load = max(max_load, os.getloadavg()[0])
            print(f"  scene {scene} {renderer}: {r}", file=sys.stderr, flush=True)

    print()
    print("| scene | paths | px | pieces | vecdream fwd ms | vecdream fwd+bwd ms "
          "| vecdream peak MB fwd / fwd+bwd | reference fwd ms | reference fwd+bwd ms "
          "| reference peak MB fwd / fwd+bwd | reference / vecdream fwd, fwd+bwd "
          "| CPU-s per wall-s, vecdream / reference |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for scene in args.scenes:
        n_paths, size, kind = SCENES[scene]
        d = make_scene(scene)
        pieces = bezier_lines(d.points, d.n_segments, max_length=8.0).a.shape[0]
        v, ref = results.get((scene, "vecdream")), results.get((scene, "reference"))
        cells = [scene, f"{n_paths} {kind}", f"{size}x{size}", f"{pieces:,}",
                 _ms(v, "fwd", args.reps), _ms(v, "fb", args.reps), _mb(v),
                 _ms(ref, "fwd", args.reps), _ms(ref, "fb", args.reps), _mb(ref),
                 f"{_ratio(ref, v, 'fwd')}, {_ratio(ref, v, 'fb')}", f"{_cpu(v)} / {_cpu(ref)}"]
        print("| " + " | ".join(cells) + " |")

    print()
    header = "| scene | vecdream fwd+bwd ms | diffvg fwd+bwd (earlier, 2-core CPU) "
    header += "| diffvg here ms " if have_diffvg else ""
    print(header + "| speed-up vs diffvg | target | met |")
    print("|---|---|---|" + ("---|" if have_diffvg else "") + "---|---|---|")
    for scene in args.scenes:
        v = results.get((scene, "vecdream"))
        if not v or "error" in v:
            continue
        speedup = DIFFVG_FWD_BWD_S[scene] * 1e3 / v["fb_ms"]
        here = f"| {_ms(results.get((scene, 'diffvg')), 'fb', args.reps)} " if have_diffvg else ""
        met = "met" if speedup >= TARGET_SPEEDUP[scene] else "not met"
        print(f"| {scene} | {_ms(v, 'fb', args.reps)} | {DIFFVG_FWD_BWD_S[scene]:g} s {here}"
              f"| {speedup:,.0f}x | >= {TARGET_SPEEDUP[scene]}x | {met} |")
    if args.device == "cuda":
        print("\n(diffvg figures are CPU figures; the speed-up column compares devices.)")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}, highest seen after a measurement "
          f"{max_load:.2f} (1 min, {os.cpu_count()} CPUs; whether this run got its threads "
          f"is the CPU-s per wall-s column); total {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
