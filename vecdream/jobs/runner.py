"""Run a job's items on a backend, deliver results in order to one writer, retry failures."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from vecdream.jobs.journal import Journal

__all__ = ["Item", "JobReport", "run_jobs"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    """One call of a job's task function: ``fn(**kwargs)``, known by ``key`` (one line)."""

    key: str
    kwargs: dict


@dataclass
class JobReport:
    """What a job did: keys ``written``, ``skipped`` (finished before) and ``failed``
    (key → the last error, one line, after every retry)."""

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    backend: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed


def _backend(ray: str | None, workers: int | None, gpus: float | None):
    if ray is not None:
        from vecdream.jobs.ray_backend import RayBackend

        return RayBackend(None if ray in ("", "local") else ray, gpus=gpus)
    from vecdream.jobs.local import InlineBackend, PoolBackend

    return InlineBackend() if (workers or 1) <= 1 else PoolBackend(workers)


def run_jobs(fn: Callable[..., object], items: Sequence[Item],
             write: Callable[[Item, object], None], *, journal: Journal | None = None,
             ray: str | None = None, workers: int | None = None, retries: int = 2,
             gpus: float | None = None, progress: bool = False, desc: str = "job"
             ) -> JobReport:
    """Run ``fn(**item.kwargs)`` for every unfinished item; ``write`` each result here.

    Args:
        fn: a module-level function (it is pickled by reference to run elsewhere).
        items: the job, keys unique.
        write: called in this process with ``(item, result)``, in item order (a
            result waits for the results before it), then the key goes in ``journal``.
        journal: finished keys; items listed there are skipped (resume).
        ray: None: local; ``"local"``: Ray (an initialized session, else a new local
            cluster or ``RAY_ADDRESS``); otherwise a Ray cluster address.
        workers: local processes (``<= 1``: run in this process).
        retries: extra attempts per item after an error.
        gpus: GPU fraction per Ray task (None: shared out when the cluster has GPUs).
        progress: a tqdm bar over the whole job (skipped items count as done).

    Returns:
        The :class:`JobReport`; errors of ``fn`` end up in ``failed``, errors of
        ``write`` propagate.
    """
    keys = [it.key for it in items]
    if len(set(keys)) != len(keys):
        raise ValueError("run_jobs: item keys must be unique")
    report = JobReport()
    todo = [it for it in items if journal is None or it.key not in journal]
    report.skipped = [it.key for it in items if journal is not None and it.key in journal]
    backend = _backend(ray, workers, gpus)  # first: a cluster that cannot start shows no bar
    report.backend = backend.name
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(items), initial=len(report.skipped), desc=desc, unit="item")
    attempts = dict.fromkeys(range(len(todo)), 0)
    ready: dict[int, tuple[bool, object]] = {}  # finished, waiting for earlier items
    running: dict[object, int] = {}
    next_submit = next_write = 0
    try:
        while next_write < len(todo):
            while next_submit < len(todo) and len(running) < backend.capacity:
                running[backend.submit(fn, todo[next_submit].kwargs)] = next_submit
                next_submit += 1
            for handle, ok, value in backend.wait(list(running)):
                i = running.pop(handle)
                if ok or attempts[i] >= retries:
                    ready[i] = (ok, value)
                    continue
                attempts[i] += 1
                log.warning("%s: retrying %s (%d/%d) after %s", desc, todo[i].key, attempts[i],
                            retries, value)
                running[backend.submit(fn, todo[i].kwargs)] = i
            while next_write in ready:
                ok, value = ready.pop(next_write)
                item = todo[next_write]
                if ok:
                    write(item, value)
                    if journal is not None:
                        journal.add(item.key)
                    report.written.append(item.key)
                else:
                    report.failed[item.key] = str(value)
                next_write += 1
                if bar is not None:
                    bar.update(1)
    finally:
        backend.close()
        if bar is not None:
            bar.close()
    return report
