"""CPU time and memory of a server: its process and every child (granian workers,
nginx workers), sampled while a cell runs."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from types import TracebackType

import psutil


def tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the live processes of the tree (including the time of
    children they have already reaped)."""
    total = 0.0
    for process in tree(pid):
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def rss_bytes(pid: int) -> int:
    """Resident memory summed over the tree. Forked workers share pages with their
    parent, so this overstates them; `pss_bytes` is the fair figure but slow to read."""
    total = 0
    for process in tree(pid):
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total


def pss_bytes(pid: int) -> int:
    """Proportional set size summed over the tree: shared pages counted once."""
    total = 0
    for process in tree(pid):
        try:
            total += process.memory_full_info().pss
        except (psutil.Error, AttributeError):
            try:
                total += process.memory_info().rss
            except psutil.Error:
                continue
    return total


@dataclass
class Usage:
    cpu_s: float = 0.0
    peak_rss: int = 0


class Watch:
    """`with Watch(pid) as usage:` fills `usage` with the CPU seconds the tree spent
    inside the block and its peak RSS, sampled every `interval` seconds."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.usage = Usage()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._cpu_start = 0.0

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.usage.peak_rss = max(self.usage.peak_rss, rss_bytes(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> Usage:
        self._cpu_start = cpu_seconds(self.pid)
        self._thread.start()
        return self.usage

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.usage.peak_rss = max(self.usage.peak_rss, rss_bytes(self.pid))
        self.usage.cpu_s = max(0.0, cpu_seconds(self.pid) - self._cpu_start)


def settle(pid: int, limit_s: float, idle_fraction: float = 0.05) -> bool:
    """Wait until the tree is idle (below `idle_fraction` of one core over 0.5 s), so
    queries still running from the last cell do not slow the next. False if it is
    still busy after `limit_s`."""
    waited = 0.0
    previous = cpu_seconds(pid)
    while waited < limit_s:
        threading.Event().wait(0.5)
        waited += 0.5
        now = cpu_seconds(pid)
        if now - previous < 0.5 * idle_fraction:
            return True
        previous = now
    return False
