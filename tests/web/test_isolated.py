"""run_isolated: a function run in a fresh process, its answer or its error brought back."""

from __future__ import annotations

import os
import threading

import pytest
from ctc_kg.errors import UnusableInputError, ValidationFailedError
from ctc_kg.web.isolated import run_isolated


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
