"""Typed exceptions. The web layer maps each to one HTTP answer in one handler."""

from __future__ import annotations


class CtcKgError(Exception):
    """Base of every error ctc-kg raises on purpose."""

    status = 500


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


class ValidationFailedError(CtcKgError):
    """The graph does not conform to the shapes (exit status 1)."""

    status = 500

    def __init__(self, report: str) -> None:
        self.report = report
        super().__init__(report)


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
