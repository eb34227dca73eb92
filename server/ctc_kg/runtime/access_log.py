"""Access-log lines: JSON, one object per request, written by one background thread per
process.

The request thread does as little as it can: `logged` (the outermost WSGI layer) notes
the request's fields and status in a tuple and appends it to a deque (atomic: no lock, no
formatting, no wake-up). A writer thread wakes every `FLUSH_INTERVAL` seconds, formats what
has accumulated with `json` (a quote or a control character in a path or a User-Agent stays
inside its string) and writes it in one call. A line reaches stdout at most
`FLUSH_INTERVAL` after its request, in the order the requests ended.

Why not granian's own access log: it builds a dict of fields (a time zone conversion and a
`strftime` per request), then goes through `logging` (a LogRecord per request) to a handler,
all in the request thread with the GIL held. With a plain StreamHandler every thread also
took the handler's lock to write; a queue with a writer woken per line still cost a thread
switch and a GIL hand-over per request (the measurements: docs/performance.md).

Lines still pending when a worker ends are written by its exit hooks (`atexit` and
multiprocessing's finalizers, which granian's forked workers run).
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime
from multiprocessing import util
from typing import Any, TextIO

FLUSH_INTERVAL = 0.1  # seconds between two writes of the pending lines

# (time.time() at the start, remote address, method, path, query string, status,
# duration in ms, User-Agent)
Entry = tuple[float, str | None, str | None, str | None, str | None, int, float, str | None]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


class AccessLog:
    """Pending entries of this process and the thread that writes them."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self._pending: deque[Entry] = deque()
        self._stop = threading.Event()
        self._owner: int | None = None
        self._writer: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._second = -1
        self._second_text = ""

    def record(self, entry: Entry) -> None:
        if self._owner != os.getpid():
            self._start_writer()
        self._pending.append(entry)

    def _start_writer(self) -> None:
        """Start the writer in this process (again after a fork: threads do not survive it)."""
        with self._start_lock:
            if self._owner == os.getpid():
                return
            self._pending = deque()
            self._stop = threading.Event()
            self._writer = threading.Thread(
                target=self._write_forever, args=(self._stop,), name="access-log", daemon=True
            )
            self._writer.start()
            self._owner = os.getpid()
            atexit.register(self.drain)
            util.Finalize(self, self.drain, exitpriority=100)

    def _write_forever(self, stop: threading.Event) -> None:
        while not stop.wait(FLUSH_INTERVAL):
            self._write_pending()

    def _write_pending(self) -> None:
        lines: list[str] = []
        pending = self._pending
        while True:
            try:
                entry = pending.popleft()
            except IndexError:
                break
            lines.append(self._line(entry))
        if not lines:
            return
        try:
            self.stream.write("".join(lines))
            self.stream.flush()
        except (OSError, ValueError):  # stdout closed: nothing more can be logged
            pass

    def _line(self, entry: Entry) -> str:
        began, remote, method, path, query, status, duration_ms, user_agent = entry
        return (
            _ENCODE(
                {
                    "time": self._time_text(began),
                    "remote": remote,
                    "method": method,
                    "path": path,
                    "query": query,
                    "status": status,
                    "duration_ms": round(duration_ms, 3),
                    "user_agent": user_agent,
                }
            )
            + "\n"
        )

    def _time_text(self, moment: float) -> str:
        """`2026-11-29 16:00:00 +0000` in local time (granian's format), computed once a second."""
        second = int(moment)
        if second != self._second:
            local = datetime.fromtimestamp(second).astimezone()
            self._second_text = local.strftime("%Y-%m-%d %H:%M:%S %z")
            self._second = second
        return self._second_text

    def drain(self) -> None:
        """Write every pending line now and stop the writer (exit hooks; tests); a later
        line starts a new writer."""
        writer = self._writer
        if writer is None or self._owner != os.getpid():
            return
        self._stop.set()
        writer.join(timeout=5)
        self._write_pending()
        self._owner = None


def logged(app: WsgiApp, log: AccessLog) -> WsgiApp:
    """`app`, with an access-log line for every request. The duration runs until the app
    returns its response (the body object: a file or a cached answer is sent after it)."""

    def access_logged(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        began_at, began = time.time(), time.perf_counter()
        status = [500]  # an exception that escapes the app becomes granian's 500

        def start(status_line: str, headers: Any, exc_info: Any = None) -> Any:
            status[0] = int(status_line[:3])
            return start_response(status_line, headers, exc_info)

        try:
            return app(environ, start)
        finally:
            log.record(
                (
                    began_at,
                    environ.get("REMOTE_ADDR"),
                    environ.get("REQUEST_METHOD"),
                    environ.get("PATH_INFO"),
                    environ.get("QUERY_STRING"),
                    status[0],
                    (time.perf_counter() - began) * 1000.0,
                    environ.get("HTTP_USER_AGENT"),
                )
            )

    return access_logged
