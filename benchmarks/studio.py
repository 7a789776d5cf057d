"""vecdream studio: how long it takes to start, and whether the page stays responsive
while a dream runs.

    python benchmarks/studio.py [--runs 5] [--seconds 20] [--steps 300]

Starts ``vecdream studio`` as a user does (``--runs`` times), timing from the command to
the first answered request. Then, on one studio, times page requests (``/api/info``,
``/api/jobs``, a job's state, the page, its script; one every 0.1 s for ``--seconds``)
idle and again while a dream of ``make dream``'s size runs in the worker: median and
95th percentile per phase, and the ratio busy / idle measured in the same run. Goals
(issue 23): start < 5 s, requests < 200 ms while a dream runs.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

PATHS = ("api/info", "api/jobs", "", "static/studio.js")


def start(workspace: str) -> tuple[subprocess.Popen, str, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "vecdream", "studio", "--port", "0",
                             "--workspace", workspace], stdout=subprocess.PIPE, text=True)
    url = re.search(r"(http://\S+)", proc.stdout.readline()).group(1)
    with urllib.request.urlopen(url + "api/info", timeout=30) as r:
        r.read()
    return proc, url, time.perf_counter() - t0


def timed(url: str) -> float:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as r:
        r.read()
    return (time.perf_counter() - t0) * 1000


def requests(url: str, seconds: float, extra: str | None = None) -> list[float]:
    """Page requests, one every 0.1 s for ``seconds``, as a page polling would."""
    paths = PATHS + ((extra,) if extra else ())
    ms, end = [], time.perf_counter() + seconds
    while time.perf_counter() < end:
        ms.append(timed(url + paths[len(ms) % len(paths)]))
        time.sleep(0.1)
    return ms


def summary(ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=20)
    return f"median {statistics.median(ms):6.1f} ms  p95 {q[18]:6.1f} ms  max {max(ms):6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as ws:
        starts = []
        for _ in range(args.runs):
            proc, url, seconds = start(ws)
            starts.append(seconds)
            proc.terminate()
            proc.wait(30)
        print(f"start to first answer: median {statistics.median(starts):.2f} s, "
              f"max {max(starts):.2f} s over {args.runs} starts (goal < 5 s)")
        proc, url, _ = start(ws)
        try:
            idle = requests(url, args.seconds)
            body = json.dumps({"steps": args.steps, "size": 224, "paths": 200}).encode()
            req = urllib.request.Request(url + "api/jobs/dream", body,
                                         {"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=30) as r:
                job = json.loads(r.read())
            while json.loads(urllib.request.urlopen(url + f"api/jobs/{job['id']}").read()
                             )["progress"]["done"] < 2:
                time.sleep(0.2)  # the worker has loaded torch and the net: steps run
            busy = requests(url, args.seconds, f"api/jobs/{job['id']}")
            state = json.loads(urllib.request.urlopen(url + f"api/jobs/{job['id']}").read())
        finally:
            proc.terminate()
            proc.wait(30)
        print(f"idle:            {summary(idle)}")
        print(f"dream running:   {summary(busy)}  (step {state['progress']['done']} of "
              f"{args.steps} when the last request answered)")
        print(f"busy / idle median: {statistics.median(busy) / statistics.median(idle):.2f}x; "
              f"requests over 200 ms while dreaming: {sum(t > 200 for t in busy)} of "
              f"{len(busy)}")


if __name__ == "__main__":
    main()
