"""run_isolated: a function run in a fresh process, its answer or its error brought back."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from ctc_kg.errors import UnusableInputError, ValidationFailedError
from ctc_kg.runtime.isolated import run_isolated


def pid_and_sum(a: int, b: int) -> tuple[int, int]:
    return os.getpid(), a + b


def refuse(report: str) -> None:
    raise ValidationFailedError(report)


def die() -> None:
    os._exit(9)  # as the kernel's OOM killer would leave it: no answer at all


def unpicklable_error() -> None:
    error = RuntimeError("with a lock attached")
    error.lock = threading.Lock()  # type: ignore[attr-defined]
    raise error


def test_the_answer_comes_back_from_another_process() -> None:
    pid, total = run_isolated(pid_and_sum, 2, 3)
    assert total == 5
    assert pid != os.getpid()


def test_an_error_is_raised_here_with_its_type_and_content() -> None:
    with pytest.raises(ValidationFailedError) as raised:
        run_isolated(refuse, "focus node <x>: no start date")
    assert raised.value.report == "focus node <x>: no start date"


def test_a_child_that_dies_is_a_clear_error() -> None:
    with pytest.raises(UnusableInputError, match="exit status 9"):
        run_isolated(die)


def test_an_error_that_cannot_travel_is_described() -> None:
    with pytest.raises(UnusableInputError, match="with a lock attached"):
        run_isolated(unpicklable_error)


def tell_and_wait(pid_file: str) -> None:
    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(120)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie not yet reaped by init counts as gone.
    with contextlib.suppress(OSError):
        if Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z":
            return False
    return True


def test_the_child_stops_when_its_parent_is_killed(tmp_path: Path) -> None:
    """A server killed during a long validation must not leave it running, orphaned."""
    pid_file = tmp_path / "child.pid"
    script = (
        f"from {tell_and_wait.__module__} import tell_and_wait\n"
        "from ctc_kg.runtime.isolated import run_isolated\n"
        f"run_isolated(tell_and_wait, {str(pid_file)!r})\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    parent = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text():
            assert parent.poll() is None, "the parent ended before its child started"
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.1)
        child = int(pid_file.read_text())
        assert _alive(child)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 30
        while _alive(child):
            assert time.monotonic() < deadline, "the child outlived its parent"
            time.sleep(0.2)
    finally:
        parent.kill()
        parent.wait()
