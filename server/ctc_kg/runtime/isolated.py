"""Run one function in a fresh Python process and get its result or its exception back.

Used by `runtime.prepare(isolated=True)`: the server's master forks its workers from
itself, so whatever it loads and validates in its own memory stays in every worker. A
child process gives that memory back to the system when it exits.

A plain `python -m ctc_kg.runtime.isolated REQUEST ANSWER` child, not multiprocessing: a
spawn or forkserver context starts a resource-tracker process that outlives the call as
another child of the master, and forking a master that runs granian's threads could copy
a lock held by one of them. The request and the answer are pickles in a private folder
(the child is our own code, never fed by a client); the child writes only to stderr.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ctc_kg.errors import UnusableInputError

_T = TypeVar("_T")
_PARENT_POLL_SECONDS = 1.0


def run_isolated(work: Callable[..., _T], *args: object) -> _T:
    """`work(*args)` in a child process: its return value, or its exception raised here.
    `work` must be a module-level function and `args` picklable."""
    with tempfile.TemporaryDirectory(prefix="ctc-kg-isolated-") as folder:
        request, answer = Path(folder) / "request", Path(folder) / "answer"
        request.write_bytes(pickle.dumps((work, args)))
        environment = dict(os.environ)
        # The child finds `work`'s module, and ctc_kg, where this process did (an editable
        # install, a checkout on PYTHONPATH, a path added at run time), as multiprocessing's
        # spawn does: the same interpreter, the same sys.path.
        environment["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
        command = [
            sys.executable,
            "-m",
            "ctc_kg.runtime.isolated",
            str(request),
            str(answer),
            str(os.getpid()),
        ]
        # The child's stdout goes to our stderr (fd 2): stdout is not the server's to use.
        done = subprocess.run(  # noqa: S603 - this interpreter, our module, our private files
            command, env=environment, stdout=2, check=False
        )
        if not answer.is_file():
            raise UnusableInputError(
                "the process validating and building the data ended without an answer "
                f"(exit status {done.returncode}: out of memory, or killed?)"
            )
        # Written by our own child into a folder only this user can read (mode 0700).
        succeeded, value = pickle.loads(answer.read_bytes())  # noqa: S301
    if succeeded:
        return value  # type: ignore[no-any-return]
    raise value


def _exit_with(parent: int) -> None:
    """Stop when `parent` is gone (a start interrupted, a master killed): nobody would
    open what this child builds, and a validation of a large graph runs for minutes."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_POLL_SECONDS)
        os._exit(3)

    threading.Thread(target=watch, name="ctc-kg-parent-watch", daemon=True).start()


def _child(request: Path, answer: Path, parent: int) -> int:
    _exit_with(parent)
    work, args = pickle.loads(request.read_bytes())  # noqa: S301 - from the parent, mode 0700
    try:
        outcome = (True, work(*args))
    except Exception as error:  # every failure goes back to the caller, which decides
        outcome = (False, error)
    try:
        data = pickle.dumps(outcome)
    except Exception as error:  # an answer that cannot travel: say what it was
        data = pickle.dumps((False, UnusableInputError(f"{outcome[1]!r} (not picklable: {error})")))
    partial = answer.with_suffix(".partial")
    partial.write_bytes(data)
    partial.rename(answer)  # all or nothing: a killed child leaves no answer
    return 0


if __name__ == "__main__":
    sys.exit(_child(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])))
