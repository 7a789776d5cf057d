"""What a studio job does: the task functions the workers run, by name.

A task is ``fn(params, out, report) -> result``: ``params`` are the job's checked
parameters (plain JSON; paths already confined to the workspace by the web layer),
``out`` the job's own folder, ``report`` a :class:`Report` for progress and previews.
The result is plain JSON naming files relative to ``out``. Every file a task writes
carries provenance (``vecdream info`` reads it), and is written atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

__all__ = ["EVENTS", "TASKS", "Report", "TaskError", "provenance", "run_logged", "run_task"]

EVENTS = "events.jsonl"
"""Where a task run elsewhere (a Ray task) writes its messages, one JSON line each, in
the job's folder; the job's worker follows the file (the folder is shared: one machine,
or a shared filesystem)."""


class TaskError(Exception):
    """A task's one-line reason for failing, shown on the page as is."""


class Report:
    """A task's channel back to the studio.

    Args:
        send: puts one ``(kind, payload)`` message on the worker's queue.
    """

    def __init__(self, send: Callable[[tuple[str, object]], None]) -> None:
        self._send = send

    def progress(self, done: int, total: int, text: str = "", **extra: object) -> None:
        """``done`` of ``total`` units finished; ``extra`` (e.g. a loss curve) is shown
        beside the bar."""
        self._send(("progress", {"done": int(done), "total": int(total), "text": text,
                                 **extra}))

    def preview(self, name: str) -> None:
        """``name`` (in the job's folder) is the newest picture of the work so far."""
        self._send(("preview", name))


def provenance(kind: str, params: dict, **more: object) -> dict:
    """The provenance record a studio task writes into its outputs."""
    shown = {k: v for k, v in params.items() if not isinstance(v, (dict, list)) and v != ""}
    return {"command": f"studio {kind}", **shown, **more}


def _run(module: str, name: str) -> Callable[[dict, Path, Report], dict]:
    """A task imported when it runs (a worker loads torch and the stage it needs only)."""

    def task(params: dict, out: Path, report: Report) -> dict:
        import importlib

        return getattr(importlib.import_module(module), name)(params, out, report)

    task.__name__ = name
    return task


TASKS: dict[str, Callable[[dict, Path, Report], dict]] = {
    "seeds": _run("vecdream.studio.tasks_seeds", "make_seeds"),
    "folder": _run("vecdream.studio.tasks_seeds", "read_folder"),
    "variations": _run("vecdream.studio.tasks_seeds", "vary_seed"),
    "train": _run("vecdream.studio.tasks_seeds", "train_generator"),
    "channels": _run("vecdream.studio.tasks_dream", "channel_sheet"),
    "dream": _run("vecdream.studio.tasks_dream", "dream"),
    "paint": _run("vecdream.studio.tasks_dream", "paint"),
}
"""Every job kind the studio runs."""


def run_task(kind: str, params: dict, out: str | Path,
             send: Callable[[tuple[str, object]], None]) -> tuple[str, object]:
    """Run task ``kind``, its progress and previews through ``send``; return its last
    message: ``("result", result)``, or ``("error", line)`` for a :class:`TaskError`."""
    try:
        return "result", TASKS[kind](params, Path(out), Report(send))
    except TaskError as exc:
        return "error", str(exc)


def run_logged(kind: str, params: dict, out: str) -> tuple[str, object]:
    """:func:`run_task` with its messages appended to ``out/EVENTS`` (a Ray task of
    :func:`vecdream.jobs.run_jobs`: module-level, so Ray pickles it by reference)."""
    import json

    path = Path(out) / EVENTS

    def send(message: tuple[str, object]) -> None:
        with path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(message) + "\n")

    return run_task(kind, params, out, send)
