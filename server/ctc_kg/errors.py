"""Typed exceptions, each carrying its HTTP status and its exit status.

The web layer maps each to one HTTP answer in one handler; the command line (`cli.main`)
maps each to one exit status and one message on stderr. The exit statuses are the ones
interface.md lists, and they are written here only.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """What `ctc-kg COMMAND` exits with."""

    OK = 0
    VIOLATIONS = 1  # the data (or a release's files) does not conform; a reload refused
    UNUSABLE = 2  # unusable input or options; a store or server that cannot be reached


class CtcKgError(Exception):
    """Base of every error ctc-kg raises on purpose."""

    status = 500
    exit_status = ExitStatus.UNUSABLE


class UnusableInputError(CtcKgError):
    """A file cannot be read or parsed (exit status 2). Names the file and the line."""

    status = 500

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = path if path else ""
        if path and line is not None:
            where = f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message)


class UsageError(CtcKgError, ValueError):
    """The command line, a setting or the config file cannot be used (exit status 2)."""


class NotConformingError(CtcKgError):
    """The data does not conform, so the command refused to act (exit status 1); the
    report it printed on stdout says why."""

    exit_status = ExitStatus.VIOLATIONS


class ValidationFailedError(NotConformingError):
    """The graph does not conform to the shapes (exit status 1); carries the report."""

    status = 500

    def __init__(self, report: str) -> None:
        self.report = report
        super().__init__(report)

    def __str__(self) -> str:
        return f"the data does not conform:\n\n{self.report}"


class ReloadRefusedError(CtcKgError):
    """The server refused the new data and still serves the old (exit status 1)."""

    exit_status = ExitStatus.VIOLATIONS


class ServerNotReachedError(CtcKgError):
    """No server to signal, or no answer from it in time (exit status 2)."""


class BadRequestError(CtcKgError):
    """The client's request is malformed: a bad query, bad parameters, bad encoding."""

    status = 400


class NotFoundError(CtcKgError):
    status = 404


class MethodNotAllowedError(CtcKgError):
    status = 405


class NotAcceptableError(CtcKgError):
    """Nothing we can produce satisfies the Accept header."""

    status = 406

    def __init__(self, message: str, available: tuple[str, ...] = ()) -> None:
        self.available = available
        super().__init__(message)


class UnsupportedMediaTypeError(CtcKgError):
    status = 415


class QueryTimeoutError(CtcKgError):
    """The query ran past the configured limit and was stopped."""

    status = 503


class ServiceBusyError(CtcKgError):
    """Every query slot of this worker stayed busy for the allowed wait: come back later
    (503 with Retry-After) rather than queue without bound."""

    status = 503

    def __init__(self, message: str, retry_after: int = 1) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class StoreUnavailableError(CtcKgError):
    """The backing store cannot answer (down, restarting, unreachable)."""

    status = 503


class ForbiddenError(CtcKgError):
    """The request asks for something the service refuses (updates, SERVICE off the list)."""

    status = 403


def exit_status(error: BaseException) -> ExitStatus:
    """The status a command ended by `error` exits with: its own, or UNUSABLE for a file
    or folder that cannot be read or written (OSError)."""
    if isinstance(error, CtcKgError):
        return error.exit_status
    return ExitStatus.UNUSABLE
