"""Access-log lines: JSON, written by one background thread per process.

granian hands each request's fields to the `granian.access` logger as a dict; this handler
writes them with `json.dumps` (a quote or a control character in a path or a User-Agent
stays inside its string), one object per line.

With a plain StreamHandler every request thread takes the handler's lock and writes its
line to stdout itself; under load the threads queue on that lock, and logging cost about
40 % of the requests per second a worker could answer from its response cache
(1 worker, wrk -c20: 6,541 req/s without access log, 3,776 with). Here a request thread
formats its line and appends it to a queue (no lock held while writing); a writer thread
writes whatever has accumulated in one call and flushes. Lines are written in the order
they were logged. Lines still queued when a worker ends are written by its exit hooks
(`atexit` and multiprocessing's finalizers, which granian's forked workers run).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import sys
import threading
from collections.abc import Mapping
from multiprocessing import util
from typing import Any, TextIO

_STOP = None


class AccessLogHandler(logging.Handler):
    """A logging handler that hands JSON lines to a per-process writer thread."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__()
        self.stream = stream if stream is not None else sys.stdout
        self._lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._owner: int | None = None
        self._writer: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def handle(self, record: logging.LogRecord) -> bool:
        # No handler lock: formatting needs none and the queue is thread-safe.
        if not self.filter(record):
            return False
        self.emit(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = _json_line(record) + "\n"
        except Exception:  # a logging error must never fail the request
            self.handleError(record)
            return
        self._ensure_writer()
        self._lines.put(line)

    def _ensure_writer(self) -> None:
        """Start the writer in this process (again after a fork: threads do not survive it)."""
        if self._owner == os.getpid():
            return
        with self._start_lock:
            if self._owner == os.getpid():
                return
            self._lines = queue.SimpleQueue()
            self._writer = threading.Thread(
                target=self._write_forever, name="access-log", daemon=True
            )
            self._writer.start()
            self._owner = os.getpid()
            atexit.register(self.drain)
            util.Finalize(self, self.drain, exitpriority=100)

    def _write_forever(self) -> None:
        while True:
            line = self._lines.get()
            if line is None:  # _STOP
                return
            batch = [line]
            while True:
                try:
                    more = self._lines.get_nowait()
                except queue.Empty:
                    break
                if more is None:  # _STOP
                    self._write(batch)
                    return
                batch.append(more)
            self._write(batch)

    def _write(self, batch: list[str]) -> None:
        try:
            self.stream.write("".join(batch))
            self.stream.flush()
        except (OSError, ValueError):  # stdout closed: nothing more can be logged
            pass

    def drain(self) -> None:
        """Write every queued line now (exit hooks; tests)."""
        writer = self._writer
        if writer is None or self._owner != os.getpid() or not writer.is_alive():
            return
        self._lines.put(_STOP)
        writer.join(timeout=5)
        self._owner = None  # a later line starts a new writer

    def flush(self) -> None:
        self.drain()


def granian_logging() -> dict[str, object]:
    """granian's logging configuration, its access log on a background writer (granian
    replaces the top-level sections it is given and sets its loggers' levels itself)."""
    from granian.log import LOGGING_CONFIG

    defaults = LOGGING_CONFIG["handlers"]
    assert isinstance(defaults, dict)
    handlers: dict[str, object] = dict(defaults)
    handlers["access"] = {
        "()": f"{__name__}.AccessLogHandler",
        "formatter": "access",
        "stream": "ext://sys.stdout",
    }
    return {"handlers": handlers}


# granian computes for each request the fields its access-log format names, and hands them
# to the handler as a dict; the format itself is never printed (the handler writes JSON).
# `_h0` is the first header the format names, so User-Agent must stay the only one.
GRANIAN_ACCESS_FORMAT = (
    "%(time)s %(addr)s %(method)s %(path)s %(query_string)s %(status)d %(dt_ms).3f "
    "%(header{user-agent})s"
)

# granian's names for a request's fields -> ours (the access log's stable interface).
_FIELDS = (
    ("time", "time"),
    ("addr", "remote"),
    ("method", "method"),
    ("path", "path"),
    ("query_string", "query"),
    ("status", "status"),
    ("dt_ms", "duration_ms"),
    ("_h0", "user_agent"),  # the first header the format names: User-Agent
)


def _json_line(record: logging.LogRecord) -> str:
    """A request's fields as one JSON object; any other record as a JSON message."""
    fields: Any = record.args
    if isinstance(fields, Mapping) and "status" in fields:
        entry = {ours: fields.get(theirs) for theirs, ours in _FIELDS}
        if isinstance(entry["duration_ms"], float):
            entry["duration_ms"] = round(entry["duration_ms"], 3)
        return json.dumps(entry, ensure_ascii=False)
    return json.dumps({"message": record.getMessage()}, ensure_ascii=False)
