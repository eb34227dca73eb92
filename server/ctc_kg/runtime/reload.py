"""Atomic reload of a new data version, and the `ctc-kg reload` command that asks for it.

How it works (docs/operations.md):

1. `ctc-kg reload` (or `kill -HUP $(cat PIDFILE)`) sends SIGHUP to the granian master.
2. The master validates and builds the new version BESIDE the serving one (a new
   private folder with its own `dist/` and store; `runtime.prepare`), while the old
   workers keep answering from the old folder.
3. Only when that succeeded does the master switch to the new folder; granian then
   starts new workers (each opens the new store) and stops the old ones gracefully, so
   every request is answered entirely by one version, old or new. When it failed, the
   old folder stays, the workers that granian restarts serve the old version again,
   and the failure is logged and recorded.
4. The master records each attempt in a status file beside the pid file
   (`<pidfile>.status.json`: generation, ok, version, message); `ctc-kg reload` waits
   for the generation to change (`request_reload`) and says whether it swapped or refused.
"""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ctc_kg.errors import ServerNotReachedError


@dataclass(frozen=True)
class ReloadStatus:
    generation: int  # 0 at start-up, +1 per reload attempt
    ok: bool
    version: str  # the version being served after this attempt
    message: str
    time: float


def status_path(pid_file: Path) -> Path:
    return pid_file.with_name(pid_file.name + ".status.json")


def write_status(pid_file: Path, status: ReloadStatus) -> None:
    """Replace the status file atomically (readers never see a partial file)."""
    target = status_path(pid_file)
    partial = target.with_name(target.name + f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(asdict(status)), encoding="utf-8")
    partial.replace(target)


def read_status(pid_file: Path) -> ReloadStatus | None:
    try:
        data = json.loads(status_path(pid_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return ReloadStatus(**data)


def request_reload(pid_file: Path, wait: float = 300.0) -> ReloadStatus:
    """Signal the server whose pid is in `pid_file` and wait for its answer: the status
    of its attempt (ok: the new version is served; else refused, the old one still is).

    ServerNotReachedError: no pid to read or process to signal, or no answer in `wait` s.
    """
    try:
        pid = int(pid_file.read_text(encoding="ascii").strip())
    except (OSError, ValueError) as error:
        raise ServerNotReachedError(f"cannot read the server's pid: {error}") from error
    before = read_status(pid_file)
    generation = before.generation if before is not None else -1
    try:
        os.kill(pid, signal.SIGHUP)
    except OSError as error:
        raise ServerNotReachedError(f"cannot signal process {pid}: {error}") from error
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        status = read_status(pid_file)
        if status is not None and status.generation > generation:
            return status
        time.sleep(0.2)
    raise ServerNotReachedError(f"no answer from process {pid} within {wait:g} s")
