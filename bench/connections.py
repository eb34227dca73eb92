"""Did every connection the load tool opened get answers? (issue 16, target 3)

wrk reports no error for a connection that the server never accepts: the kernel completes
the handshake, the connection waits in the listen queue with its request sent, and wrk
simply counts fewer requests. A cell "at 50 clients" could then measure 16. So while wrk
runs, the client side of every TCP connection to the server's port is sampled with `ss`
(iproute2): its `bytes_received` is what the server sent back on it. A connection that
received nothing by the end of the cell was never served.

Sampling starts when wrk does and ends when it exits; an answer is seen at the first
sample after it arrives (they are cumulative counters), so only a connection whose very
first answer came within the last sampling interval of the cell can be missed — one that
waited almost the whole cell anyway.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from types import TracebackType

_BYTES_RECEIVED = re.compile(r"\bbytes_received:(\d+)")
INTERVAL_S = 0.25


@dataclass(frozen=True)
class Served:
    """What the sampling saw: distinct client connections to the port, and how many
    of them received at least one byte from the server."""

    opened: int
    served: int
    samples: int

    def verdict(self, concurrency: int) -> str:
        """Empty when the cell served `concurrency` clients; otherwise why it failed."""
        if self.samples == 0:
            return ""
        if self.served < concurrency:
            return (
                f"only {self.served} of {concurrency} connections got an answer "
                f"({self.opened} seen open)"
            )
        return ""


def available() -> bool:
    return shutil.which("ss") is not None


def client_sockets(port: int) -> dict[str, int]:
    """Client-side TCP connections to 127.0.0.1:`port` (established, or still in their
    handshake): local address -> bytes received on it so far."""
    completed = subprocess.run(
        [
            "ss",
            "-tinH",
            "state",
            "established",
            "state",
            "syn-sent",
            f"( dport = :{port} )",
        ],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    sockets: dict[str, int] = {}
    local = ""
    for line in completed.stdout.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            # "[State] Recv-Q Send-Q Local:Port Peer:Port" (the state column is there
            # when the filter names several states).
            fields = line.split()
            local = fields[-2] if len(fields) >= 4 else ""
            sockets.setdefault(local, 0)
            continue
        found = _BYTES_RECEIVED.search(line)
        if local and found:
            sockets[local] = max(sockets[local], int(found.group(1)))
    return sockets


class ConnectionWatch:
    """Samples the connections to `port` in a thread while the `with` block runs."""

    def __init__(self, port: int, interval_s: float = INTERVAL_S) -> None:
        self.port = port
        self.interval_s = interval_s
        self._received: dict[str, int] = {}
        self._samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="connection-watch", daemon=True)

    def __enter__(self) -> ConnectionWatch:
        if available():
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=15)

    def sample(self) -> None:
        for local, received in client_sockets(self.port).items():
            self._received[local] = max(self._received.get(local, 0), received)
        self._samples += 1

    def _run(self) -> None:
        while not self._stop.is_set():
            began = time.monotonic()
            try:
                self.sample()
            except (OSError, subprocess.SubprocessError):
                return
            self._stop.wait(max(0.0, self.interval_s - (time.monotonic() - began)))

    @property
    def result(self) -> Served:
        served = sum(1 for received in self._received.values() if received > 0)
        return Served(len(self._received), served, self._samples)
