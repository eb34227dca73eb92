"""A pool of query worker processes, each killed and replaced when it runs too long.

Why processes: pyoxigraph has no timeout or cancellation and a running query ignores
signals, so the only way to stop one is to end the process running it. The pool keeps
`size` warm workers; a worker that passes the deadline is killed at once and a
replacement starts in the background, while the other warm workers keep answering.

A pool belongs to the process that started it: after a fork (granian's workers) the
child starts its own workers on first use instead of sharing pipes with its parent.
"""

from __future__ import annotations

import json
import os
import queue
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from ctc_kg.errors import QueryTimeoutError, StoreUnavailableError

START_TIMEOUT = 60.0
RETRIES_AFTER_DEATH = 1


REQUEST = struct.Struct("<I")  # store.worker's frames: see its docstring
ANSWER = struct.Struct("<II")
READ_SIZE = 1 << 16  # a pipe holds 64 KiB: a larger first read only costs an allocation


class _Process:
    """One worker process: sends it a request, reads its answer before a deadline."""

    def __init__(self, command: Sequence[str]) -> None:
        self.popen = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,
            close_fds=True,
        )
        assert self.popen.stdin is not None
        assert self.popen.stdout is not None
        self._in = self.popen.stdin.fileno()
        self._fd = self.popen.stdout.fileno()
        self._poll = select.poll()
        self._poll.register(self._fd, select.POLLIN)

    def send(self, request: dict[str, Any]) -> None:
        payload = json.dumps(request).encode("utf-8")
        data = memoryview(REQUEST.pack(len(payload)) + payload)
        while data:
            data = data[os.write(self._in, data) :]

    def receive(self, deadline: float) -> tuple[dict[str, Any], bytes]:
        """The next answer, or TimeoutError when `deadline` (monotonic) passes first.

        The worker writes nothing but answers, one per request: a frame is all there is
        to read, usually in one piece."""
        frame: bytes | bytearray = self._read(deadline, READ_SIZE)
        while len(frame) < ANSWER.size:
            frame += self._read(deadline, READ_SIZE)
        header_length, body_length = ANSWER.unpack_from(frame)
        end = ANSWER.size + header_length + body_length
        if len(frame) < end:
            frame = self._read_rest(deadline, frame, end)
        if len(frame) != end:
            raise ValueError("query worker wrote more than its answer")
        header: dict[str, Any] = json.loads(frame[ANSWER.size : ANSWER.size + header_length])
        return header, bytes(frame[ANSWER.size + header_length :])

    def _read_rest(self, deadline: float, start: bytes | bytearray, end: int) -> bytearray:
        """`start` and what follows it up to `end` bytes, read into one buffer."""
        frame = bytearray(end + 1)  # one byte more shows a worker writing past its answer
        frame[: len(start)] = start
        got = len(start)
        with memoryview(frame) as view:
            while got < end:
                self._wait(deadline)
                count = os.readv(self._fd, [view[got:]])
                if not count:
                    raise EOFError("query worker ended")
                got += count
        del frame[got:]
        return frame

    def _read(self, deadline: float, size: int) -> bytes:
        self._wait(deadline)
        chunk = os.read(self._fd, size)
        if not chunk:
            raise EOFError("query worker ended")
        return chunk

    def _wait(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not self._poll.poll(remaining * 1000.0):
            raise TimeoutError

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()
        for stream in (self.popen.stdin, self.popen.stdout):
            if stream is not None:
                stream.close()


def worker_command(*arguments: str) -> list[str]:
    """`python -m ctc_kg.store.worker ARGUMENTS...` with this interpreter: a query process,
    or the store's writing (store.embedded)."""
    return [sys.executable, "-m", "ctc_kg.store.worker", *arguments]


class WorkerPool:
    """`size` warm worker processes running `python -m ctc_kg.store.worker ARGS...`."""

    def __init__(self, args: Sequence[str], size: int) -> None:
        self._command = worker_command(*args)
        self._size = max(1, size)
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._idle: queue.SimpleQueue[_Process] = queue.SimpleQueue()
        self._all: set[_Process] = set()
        self._closed = False

    def start(self) -> None:
        """Start the workers of this process (again after a fork); wait until they are ready."""
        if self._owner == os.getpid():
            return
        with self._lock:
            if self._owner == os.getpid() or self._closed:
                return
            self._owner = os.getpid()
            self._idle = queue.SimpleQueue()
            self._all = set()
            started = [_Process(self._command) for _ in range(self._size)]
        for process in started:
            self._admit(process)

    def _admit(self, process: _Process) -> None:
        try:
            header, _ = process.receive(time.monotonic() + START_TIMEOUT)
        except (TimeoutError, EOFError, ValueError):
            process.kill()
            return
        if not header.get("ready"):
            process.kill()
            return
        with self._lock:
            if self._closed or self._owner != os.getpid():
                process.kill()
                return
            self._all.add(process)
        self._idle.put(process)

    def _replace(self, process: _Process) -> None:
        """Kill `process` now; start its replacement in the background."""
        with self._lock:
            self._all.discard(process)
        process.kill()
        if not self._closed:
            threading.Thread(
                target=self._admit, args=(_Process(self._command),), daemon=True
            ).start()

    def call(self, request: dict[str, Any], timeout: float) -> tuple[dict[str, Any], bytes]:
        """Send `request` to an idle worker; its answer, or QueryTimeoutError after `timeout`
        seconds of running (the worker is then killed).

        A worker found dead before it was given the request (killed from outside, out of
        memory) is replaced and the request goes to another one: the caller never sees a
        failure that happened while no query of theirs was running. A worker that dies
        while it holds the request (it may have been killed a moment before; `poll()`
        does not see that yet) is replaced too and the request, read-only, is sent once
        more to another worker; a second death is reported.
        """
        self.start()
        deadline = time.monotonic() + timeout
        for attempt in range(RETRIES_AFTER_DEATH + 1):
            process = self._send_to_live_worker(request, deadline)
            try:
                answer = process.receive(time.monotonic() + timeout)
            except TimeoutError as error:
                self._replace(process)
                raise QueryTimeoutError(
                    f"The query ran longer than the limit of {timeout:g} s and was stopped."
                ) from error
            except (EOFError, OSError, ValueError) as error:
                self._replace(process)
                if attempt < RETRIES_AFTER_DEATH and time.monotonic() < deadline:
                    continue
                raise StoreUnavailableError(f"A query worker failed: {error}") from error
            self._idle.put(process)
            return answer
        raise AssertionError("unreachable: the loop returns or raises")

    def _send_to_live_worker(self, request: dict[str, Any], deadline: float) -> _Process:
        while True:
            process = self._take(deadline)
            if process.popen.poll() is not None:
                self._replace(process)
                continue
            try:
                process.send(request)
            except OSError:
                self._replace(process)  # it died between the check and the write
                continue
            return process

    def _take(self, deadline: float) -> _Process:
        try:
            return self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty as error:
            raise StoreUnavailableError(
                "All query workers are busy; try again in a moment."
            ) from error

    def close(self) -> None:
        with self._lock:
            self._closed = True
            processes = list(self._all) if self._owner == os.getpid() else []
            self._all = set()
        for process in processes:
            process.kill()
