"""Local backends: this process (``workers <= 1``) or a pool of spawned processes.

Spawned, not forked: a forked child inherits torch's thread pools mid-state and can
deadlock; spawn starts clean interpreters that import the task's module.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

__all__ = ["InlineBackend", "PoolBackend", "error_line"]


def error_line(exc: BaseException) -> str:
    """``Type: first line of the message`` (what a report shows)."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


class InlineBackend:
    """Run each call here, when it is waited for."""

    name = "inline"
    capacity = 1

    def __init__(self) -> None:
        self._calls: dict[int, tuple] = {}
        self._n = 0

    def submit(self, fn, kwargs: dict) -> int:
        self._n += 1
        self._calls[self._n] = (fn, kwargs)
        return self._n

    def wait(self, handles: list) -> list[tuple[object, bool, object]]:
        h = handles[0]
        fn, kwargs = self._calls.pop(h)
        try:
            return [(h, True, fn(**kwargs))]
        except Exception as exc:  # reported by the runner after retries
            return [(h, False, error_line(exc))]

    def close(self) -> None:
        self._calls.clear()


class PoolBackend:
    """A ``ProcessPoolExecutor`` of ``workers`` spawned processes, 2 calls in flight
    per worker (one running, one queued) so a 100 000-item job holds little memory."""

    name = "local pool"

    def __init__(self, workers: int | None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.capacity = 2 * self.workers
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, fn, kwargs: dict) -> Future:
        return self._pool.submit(fn, **kwargs)

    def wait(self, handles: list) -> list[tuple[object, bool, object]]:
        done, _ = wait(handles, return_when=FIRST_COMPLETED)
        out = []
        for f in done:
            try:
                out.append((f, True, f.result()))
            except BrokenProcessPool as exc:  # a worker died (killed, out of memory)
                out.append((f, False, error_line(exc)))
            except Exception as exc:
                out.append((f, False, error_line(exc)))
        if any(not ok and "BrokenProcessPool" in str(v) for _, ok, v in out):
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()  # retries go to fresh workers
        return out

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
