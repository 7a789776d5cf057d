"""Batch jobs: many independent tasks, one writer, resumable, on a process pool or Ray.

A *job* is a list of :class:`Item`\\ s (a key and the keyword arguments of one call of
a module-level task function). :func:`run_jobs` runs the calls on a local process pool
(:mod:`.local`) or as Ray tasks (:mod:`.ray_backend`), and hands each result to one
``write`` callback in the calling process, in item order, so outputs (files, catalogue
rows) are the same whatever ran them and however the calls interleaved. Items whose
key a :class:`Journal` lists as finished are skipped (a rerun resumes); a failing call
is retried, then reported in the :class:`JobReport`, never dropped silently.

This stage imports nothing else from vecdream: task functions live with the features
they run (``vecdream.seeds.sample_job``, ``vecdream.dream.channels_job``, ``vecdream.dream.sweep``).
"""

from __future__ import annotations

from vecdream.jobs.journal import Journal
from vecdream.jobs.runner import Item, JobReport, run_jobs

__all__ = ["Item", "JobReport", "Journal", "run_jobs"]
