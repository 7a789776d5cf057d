"""Long work outside the web process: each job runs in its own spawned worker process.

A job is a task name from :data:`vecdream.studio.tasks.TASKS` and its parameters. The
:class:`JobManager` starts at most ``workers`` at once (the rest wait, ``queued``),
follows each worker's messages (progress, a preview image, the result or one error line)
on a thread, and keeps every job's state in ``jobs/<id>/job.json`` of the workspace, so a
reload or a restart shows what was done. A job the studio stopped before it finished is
``interrupted`` after a restart; ``cancel`` ends its worker at once.

A worker is a fresh process (``spawn``): a crash or a runaway job cannot take the studio
down, and torch is imported there, not in the web process.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from vecdream.studio.workspace import Workspace

__all__ = ["FINISHED", "JobManager"]

FINISHED = ("done", "failed", "cancelled", "interrupted")
"""States a job does not leave."""

_SAVE_EVERY = 0.5  # seconds between job.json writes while progress streams in


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _worker(kind: str, params: dict, out: str, messages, ray: str | None = None) -> None:
    """The worker process: run one task, send ("progress" | "preview" | "result" |
    "error", payload) messages. With ``ray``, the task runs as a Ray task there."""
    import torch

    from vecdream.studio.tasks import run_task

    # One core stays with the web process: the page answers while a dream runs.
    torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))
    try:
        messages.put(_on_ray(kind, params, out, messages, ray) if ray is not None
                     else run_task(kind, params, out, messages.put))
    except Exception as exc:  # noqa: BLE001 - any failure is a message on the page
        messages.put(("error", f"{type(exc).__name__}: {exc}"))


def _on_ray(kind: str, params: dict, out: str, messages, address: str) -> tuple[str, object]:
    """Run the task on Ray (:func:`vecdream.jobs.run_jobs`), forward the messages it
    writes into the job's folder, and return its last message."""
    import json

    from vecdream.jobs import Item, run_jobs
    from vecdream.studio.tasks import EVENTS, run_logged

    events, done = Path(out) / EVENTS, threading.Event()

    def follow() -> None:
        offset = 0
        while not done.is_set() or (events.exists() and events.stat().st_size > offset):
            if events.exists():
                with events.open(encoding="utf-8") as f:
                    f.seek(offset)
                    for line in iter(f.readline, ""):
                        if not line.endswith("\n"):
                            break  # a line still being written: read it next time
                        offset += len(line.encode("utf-8"))
                        messages.put(tuple(json.loads(line)))
            time.sleep(0.1)

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    outcome: list[tuple[str, object]] = []
    report = run_jobs(run_logged, [Item("task", {"kind": kind, "params": params, "out": out})],
                      lambda _item, last: outcome.append(tuple(last)), ray=address, retries=0)
    done.set()
    reader.join()
    return ("error", next(iter(report.failed.values()))) if not report.ok else outcome[0]


class JobManager:
    """Runs, follows, cancels and remembers the studio's jobs.

    Args:
        workspace: where job folders live.
        workers: jobs that run at once.
        ray: run each task on this Ray cluster (``"local"``: a local one) instead of in
            the worker process itself (which then only follows it); the workspace must
            be on a filesystem the cluster shares.
    """

    def __init__(self, workspace: Workspace, workers: int = 1, ray: str | None = None) -> None:
        self.workspace = workspace
        self.workers = max(1, workers)
        self.ray = ray
        self._lock = threading.Lock()
        self._jobs: dict[str, dict] = {}
        self._procs: dict[str, multiprocessing.Process] = {}
        self._pending: list[str] = []
        self._queues: dict[str, object] = {}  # each running worker's message queue
        self._saved: dict[str, float] = {}
        self._counter = itertools.count()
        self._closed = False
        self._restore()

    def _restore(self) -> None:
        for path in sorted((self.workspace.root / "jobs").glob("*/job.json")):
            try:
                job = self.workspace.read_json(self.workspace.relative(path))
            except (ValueError, OSError):
                continue  # a foreign or damaged folder is no job
            if job.get("status") not in FINISHED:
                job.update(status="interrupted", finished=_now(),
                           error="the studio stopped before this job finished")
                self._save(job)
            self._jobs[job["id"]] = job

    def submit(self, kind: str, params: dict) -> dict:
        """Queue a job; it starts as soon as a worker is free. Returns its state."""
        job_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{kind}-{uuid.uuid4().hex[:6]}"
        job = {"id": job_id, "kind": kind, "params": params, "status": "queued",
               "created": _now(), "started": None, "finished": None,
               "progress": {"done": 0, "total": 0, "text": "waiting for a worker"},
               "preview": None, "result": None, "error": None, "version": 0,
               "order": next(self._counter)}
        self.workspace.job_dir(job_id).mkdir(parents=True)
        with self._lock:
            if self._closed:
                raise RuntimeError("the studio is stopping")
            self._jobs[job_id] = job
            self._pending.append(job_id)
            self._save(job)
            self._start_pending()
        return dict(job)

    def get(self, job_id: str) -> dict | None:
        """A copy of the job's state (None: no such job)."""
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else dict(job)

    def list(self) -> list[dict]:
        """Every job, newest first."""
        with self._lock:
            jobs = [dict(j) for j in self._jobs.values()]
        return sorted(jobs, key=lambda j: (j["created"], j.get("order", 0)), reverse=True)

    def cancel(self, job_id: str) -> dict | None:
        """Stop a queued or running job (its worker is terminated)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job["status"] in FINISHED:
                return None if job is None else dict(job)
            if job_id in self._pending:
                self._pending.remove(job_id)
            proc = self._procs.pop(job_id, None)
            self._finish(job, "cancelled", error="cancelled")
        if proc is not None:
            proc.terminate()
            proc.join(5)
        with self._lock:
            self._start_pending()
            return dict(job)

    def shutdown(self) -> None:
        """Stop every worker (Ctrl-C on the studio); their jobs become ``interrupted``."""
        with self._lock:
            self._closed = True
            procs = list(self._procs.items())
            self._procs.clear()
            for job_id in list(self._pending) + [j for j, _ in procs]:
                self._finish(self._jobs[job_id], "interrupted",
                             error="the studio stopped before this job finished")
            self._pending.clear()
        for job_id, proc in procs:
            proc.terminate()
            proc.join(5)
            queue_ = self._queues.pop(job_id, None)
            if queue_ is not None:
                queue_.close()

    # -- internals: the caller holds self._lock ------------------------------------------
    def _save(self, job: dict, force: bool = True) -> None:
        now = time.monotonic()
        if force or now - self._saved.get(job["id"], 0.0) >= _SAVE_EVERY:
            self._saved[job["id"]] = now
            self.workspace.write_json(f"jobs/{job['id']}/job.json", job)

    def _finish(self, job: dict, status: str, **fields) -> None:
        job.update(status=status, finished=_now(), version=job["version"] + 1, **fields)
        self._save(job)

    def _start_pending(self) -> None:
        while self._pending and len(self._procs) < self.workers and not self._closed:
            job = self._jobs[self._pending.pop(0)]
            messages = multiprocessing.get_context("spawn").Queue()
            proc = multiprocessing.get_context("spawn").Process(
                target=_worker, daemon=True, name=f"vecdream-studio {job['id']}",
                args=(job["kind"], job["params"], str(self.workspace.job_dir(job["id"])),
                      messages, self.ray))
            proc.start()
            self._procs[job["id"]] = proc
            self._queues[job["id"]] = messages
            job.update(status="running", started=_now(), version=job["version"] + 1,
                       pid=proc.pid, progress={"done": 0, "total": 0, "text": "starting"})
            self._save(job)
            threading.Thread(target=self._follow, args=(job["id"], proc, messages),
                             daemon=True).start()

    def _follow(self, job_id: str, proc, messages) -> None:
        """Apply a worker's messages to its job until it ends (or is cancelled)."""
        while True:
            try:
                kind, payload = messages.get(timeout=0.2)
            except queue.Empty:
                if proc.is_alive():
                    continue
                try:  # the last messages may land just after the process ends
                    kind, payload = messages.get(timeout=0.5)
                except queue.Empty:
                    kind, payload = "error", f"the worker stopped (exit code {proc.exitcode})"
                except (ValueError, OSError):
                    return  # closed by shutdown: the job's state is already final
            except (ValueError, OSError):
                return  # closed by shutdown: the job's state is already final
            with self._lock:
                job = self._jobs[job_id]
                if self._procs.get(job_id) is not proc:
                    self._queues.pop(job_id, None)
                    messages.close()
                    return  # cancelled or shut down: its state is already final
                if kind == "progress":
                    job.update(progress=payload, version=job["version"] + 1)
                    self._save(job, force=False)
                    continue
                if kind == "preview":
                    job.update(preview=payload, version=job["version"] + 1)
                    self._save(job, force=False)
                    continue
                del self._procs[job_id]
                if kind == "result":
                    done = dict(job["progress"], done=job["progress"].get("total", 0))
                    self._finish(job, "done", result=payload, progress=done)
                else:
                    self._finish(job, "failed", error=payload)
                self._start_pending()
            proc.join(5)
            with self._lock:
                self._queues.pop(job_id, None)
            messages.close()
            return
