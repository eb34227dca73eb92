"""What limits a server under load: py-spy samples the process tree (granian master,
WSGI workers, query processes) while wrk drives it, and the samples are summed into
a readable report (share per process kind, hottest frames by self and by total time).

Run with `python -m bench --profile lookup,deref-ttl` (after the measured cells, so the
sampling does not disturb them), or on any pid with `summarize(record(...))`.
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import psutil

from bench.load import HttpRequest, run_wrk
from bench.procstats import tree

_PROCESS = re.compile(r'^process (\d+):"(.*)"$')


def py_spy() -> str | None:
    candidate = Path(sys.executable).parent / "py-spy"
    return str(candidate) if candidate.exists() else shutil.which("py-spy")


def record(pid: int, duration_s: float, raw: Path) -> str:
    """Sample `pid` and its children for `duration_s` seconds into `raw` (collapsed
    stacks). Returns "" or what went wrong."""
    binary = py_spy()
    if binary is None:
        return "py-spy not installed (pip install -e '.[bench]')"
    command = [
        binary,
        "record",
        "--pid",
        str(pid),
        "--subprocesses",
        "--nonblocking",
        "--duration",
        str(max(1, round(duration_s))),
        "--format",
        "raw",
        "--output",
        str(raw),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration_s + 60, check=False
    )
    if done.returncode != 0 or not raw.exists():
        return f"py-spy failed: {done.stderr.strip()[-300:]}"
    return ""


def _kind(command_line: str) -> str:
    if "ctc_kg.store.worker" in command_line or "store/worker" in command_line:
        return "query process"
    return "granian/WSGI process"


def summarize(raw: Path, top: int = 25) -> str:
    """Shares of samples: per process kind, hottest frames (self), hottest ctc_kg frames
    (inclusive). A frame is 'function (file:line)' as py-spy prints it."""
    total = 0
    kinds: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if not stack or not number.isdigit():
            continue
        count = int(number)
        total += count
        frames = stack.split(";")
        processes = [f for f in frames if _PROCESS.match(f)]
        innermost = _PROCESS.match(processes[-1]) if processes else None
        kinds[_kind(innermost.group(2)) if innermost else "?"] += count
        code = [f for f in frames if not _PROCESS.match(f)]
        if code:
            own[code[-1]] += count
        for frame in set(code):
            if "ctc_kg/" in frame:
                inclusive[frame] += count
    if total == 0:
        return "no samples\n"

    def share(value: int) -> str:
        return f"{100 * value / total:5.1f}%"

    lines = [f"{total} samples (active threads only)", "", "by process kind:"]
    lines += [f"  {share(v)}  {k}" for k, v in kinds.most_common()]
    lines += ["", f"top {top} frames by self time:"]
    lines += [f"  {share(v)}  {k}" for k, v in own.most_common(top)]
    lines += ["", f"top {top} ctc_kg frames by total time:"]
    lines += [f"  {share(v)}  {k}" for k, v in inclusive.most_common(top)]
    return "\n".join(lines) + "\n"


def cpu_by_kind(pid: int) -> dict[str, float]:
    """CPU seconds (user + system) so far of each kind of process in the tree."""
    totals: dict[str, float] = collections.defaultdict(float)
    for process in tree(pid):
        try:
            times = process.cpu_times()
            kind = _kind(" ".join(process.cmdline()))
        except psutil.Error:
            continue
        totals[kind] += times.user + times.system
    return dict(totals)


def profile_under_load(
    pid: int,
    base_url: str,
    requests: list[HttpRequest],
    concurrency: int,
    duration_s: float,
    raw: Path,
) -> str:
    """Drive the server with wrk for `duration_s` + 2 s and sample it meanwhile.
    Returns the summary (or why there is none)."""
    load = threading.Thread(
        target=run_wrk,
        args=(base_url, requests, concurrency, duration_s + 2, 10.0),
        daemon=True,
    )
    load.start()
    threading.Event().wait(1.0)
    before = cpu_by_kind(pid)
    problem = record(pid, duration_s, raw)
    after = cpu_by_kind(pid)
    load.join(timeout=duration_s + 60)
    if problem:
        return problem + "\n"
    cores = os.cpu_count() or 1
    lines = [
        f"CPU seconds used while sampling ({duration_s:g} s on {cores} cores, "
        f"{duration_s * cores:g} core-seconds; the rest went to wrk, py-spy and idle):"
    ]
    for kind in sorted(after):
        lines.append(f"  {after[kind] - before.get(kind, 0.0):6.2f}  {kind}")
    lines += [
        "",
        "py-spy counts a thread blocked in select/read as active, so frames that wait "
        "(pool _fill, worker main reading stdin, epoll) are waiting, not computing.",
        "",
    ]
    return "\n".join(lines) + summarize(raw)
