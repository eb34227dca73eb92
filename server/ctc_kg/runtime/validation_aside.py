"""Validation in a process of its own while the build runs; nothing is published unless it
conforms.

Validation reads the loaded content and writes nothing; the build only needs the loaded
content too. Done one after the other, each left a core idle: pySHACL and pyshacl-turbo
run on one core (72 s of a 1M first start), while the build's serializations wait. So a
start forks the validation off as soon as the content is loaded, builds into its private
folder meanwhile, and then waits for the report (runtime/prepare.py). When the report
does not conform, the start raises ValidationFailedError and its caller removes the
folder: the build of invalid data is never published, as before. A build that fails on
data that does not conform reports the violations, not the build's error.

Forking is safe here for the reason content/parallel.py gives: the start runs in
`ctc-kg build`'s process or in the child `ctc-kg serve` prepares a version in, with no
thread that could hold a lock at the fork. Where fork is not available, the content is
validated first, as before.
"""

from __future__ import annotations

import multiprocessing
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from ctc_kg.content.load import Content
from ctc_kg.content.validate import validate_content
from ctc_kg.errors import UnusableInputError, ValidationFailedError


class ValidationAside:
    """The validation of `content` under way in a forked process (or done at once, where
    fork is not available): `check` waits for it, `stop` ends it."""

    def __init__(self, content: Content) -> None:
        self._outcome: tuple[str, Any] | None = None
        self._process: BaseProcess | None = None
        self._receiving: Connection | None = None
        if "fork" not in multiprocessing.get_all_start_methods():
            self._outcome = _outcome_of(content)
            return
        context = multiprocessing.get_context("fork")
        receiving, sending = context.Pipe(duplex=False)
        process = context.Process(
            target=_validate_into, args=(content, sending), name="ctc-kg validate", daemon=True
        )
        process.start()
        sending.close()  # so a process that dies unheard is seen as an end of file
        self._process, self._receiving = process, receiving

    def check(self) -> float:
        """Wait for the report; the seconds the validation took. ValidationFailedError when
        the content does not conform, the validation's own error when it could not run."""
        kind, value = self._wait()
        if kind == "error":
            raise value
        conforms, text, seconds = value
        if not conforms:
            raise ValidationFailedError(text)
        return float(seconds)

    def stop(self) -> None:
        """End the validation if it still runs (the start is given up), and reap it."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
        if self._receiving is not None:
            self._receiving.close()
            self._receiving = None

    def _wait(self) -> tuple[str, Any]:
        if self._outcome is None:
            assert self._receiving is not None
            assert self._process is not None
            try:
                self._outcome = self._receiving.recv()
            except EOFError:
                self._process.join()
                self._outcome = (
                    "error",
                    UnusableInputError(
                        "the validation ended without a report "
                        f"(its process exited with status {self._process.exitcode})"
                    ),
                )
        return self._outcome


def _outcome_of(content: Content) -> tuple[str, Any]:
    began = time.monotonic()
    try:
        report = validate_content(content)
    except Exception as error:  # any error: the start raises it as it was raised here
        return "error", error
    return "report", (report.conforms, report.text(), time.monotonic() - began)


def _validate_into(content: Content, sending: Connection) -> None:
    """In the forked process: the outcome of the validation, sent back."""
    outcome = _outcome_of(content)
    try:
        sending.send(outcome)
    except Exception:  # an error that cannot be pickled: its text
        failure = outcome[1]
        sending.send(("error", UnusableInputError(f"{type(failure).__name__}: {failure}")))
    finally:
        sending.close()
