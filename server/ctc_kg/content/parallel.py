"""Run the build's serializations in parallel processes, each file and its gzip in one.

rdflib's serializers are pure Python and hold the GIL, so threads would not help: the
jobs run in forked processes, which inherit the graphs the jobs read (nothing to pickle
on the way in; only the bytes come back). The largest jobs are started first, so two
processes finish close together. A process that fails fails the build with its error.

Forking is safe here: the build runs in `ctc-kg build`'s process or in the child that
`ctc-kg serve` prepares a version in (runtime/isolated.py), neither of which runs threads
that could hold a lock at the fork (the child's parent watch only sleeps).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Mapping
from typing import TypeVar

Job = Callable[[], bytes]
Pack = Callable[[bytes], bytes]
T = TypeVar("T")

# The jobs of the run under way: set before the pool forks, so every process has them.
_JOBS: dict[str, Job] = {}
_PACK: Pack = bytes
DEFAULT_PROCESSES = 2  # the machine the targets are set on has two cores


def default_processes() -> int:
    return max(1, min(DEFAULT_PROCESSES, os.cpu_count() or 1))


def run_jobs(
    jobs: Mapping[str, Job], costs: Mapping[str, int], processes: int, pack: Pack
) -> dict[str, tuple[bytes, bytes]]:
    """Each job's bytes and `pack` of them (the gzip), by the job's name; `costs` ranks the
    jobs (costliest first). One process (or one job): they run here, in this process."""
    results, _ = run_jobs_while(jobs, costs, processes, pack, lambda: None)
    return results


def run_jobs_while(
    jobs: Mapping[str, Job],
    costs: Mapping[str, int],
    processes: int,
    pack: Pack,
    meanwhile: Callable[[], T],
) -> tuple[dict[str, tuple[bytes, bytes]], T]:
    """`run_jobs`, and what `meanwhile()` gives, computed here while the processes work (or
    first, when the jobs run here)."""
    order = sorted(jobs, key=lambda name: (-costs.get(name, 0), name))
    if processes <= 1 or len(jobs) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        extra = meanwhile()
        return {name: _packed(jobs[name], pack) for name in order}, extra
    global _JOBS, _PACK
    _JOBS, _PACK = dict(jobs), pack
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(min(processes, len(jobs))) as pool:
            done = pool.imap_unordered(_run, order, chunksize=1)
            extra = meanwhile()
            return {name: (body, packed) for name, body, packed in done}, extra
    finally:
        _JOBS, _PACK = {}, bytes


def _run(name: str) -> tuple[str, bytes, bytes]:
    body, packed = _packed(_JOBS[name], _PACK)
    return name, body, packed


def _packed(job: Job, pack: Pack) -> tuple[bytes, bytes]:
    body = job()
    return body, pack(body)
