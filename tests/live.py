"""`ctc-kg serve` in a subprocess, and a raw HTTP client for it (tests of the real server).

The server runs in its own session (process group), so a test can signal the whole
group as systemd does, and every process it started is found and ended at teardown.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(**extra: str) -> dict[str, str]:
    """This process's environment without CTC_KG_* settings, plus `extra`. The version
    cache is off unless `extra` turns it on: no test fills the developer's ~/.cache."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("CTC_KG_")}
    return {**inherited, "CTC_KG_CACHE": "false", **extra}


def command(root: Path, port: int, *extra: str) -> list[str]:
    """The `ctc-kg serve` command line over `root` on `port`."""
    return [
        sys.executable,
        "-m",
        "ctc_kg.cli",
        "--root",
        str(root),
        "serve",
        "--port",
        str(port),
        *extra,
    ]


@contextlib.contextmanager
def listening() -> Iterator[tuple[int, list[socket.socket]]]:
    """A socket on 127.0.0.1 that records every connection made to it: (port, connections)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    seen: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            seen.append(connection)
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], seen
    finally:
        stop.set()
        thread.join()
        server.close()


def children(pid: int) -> list[int]:
    """Direct children of `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def rss_kib(pid: int) -> int:
    """Resident set size of `pid` in KiB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


@dataclass
class LiveServer:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    pid_file: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(
        cls,
        root: Path,
        folder: Path,
        *extra: str,
        timeout: float = 120,
        env: dict[str, str] | None = None,
        port: int | None = None,
    ) -> LiveServer:
        """`ctc-kg serve` over `root` on `port` (a free one by default: a test that must
        know it beforehand, for `--public-url`, picks it with free_port()), its log and
        pid file in `folder`; returns once /health answers 200 (or raises with the log)."""
        port = port or free_port()
        log = folder / "serve.log"
        pid_file = folder / "ctc-kg.pid"
        arguments = command(root, port, "--pid-file", str(pid_file), *extra)
        with log.open("wb") as output:
            process = subprocess.Popen(
                arguments,
                stdout=output,
                stderr=output,
                env=environment() if env is None else env,
                start_new_session=True,
            )
        server = cls(process, port, log, pid_file)
        server.wait_healthy(timeout)
        return server

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError(
                        "ctc-kg serve did not start:\n" + self.log.read_text()
                    ) from None
                time.sleep(0.2)

    def workers(self) -> list[int]:
        """The WSGI worker processes (children of the granian master)."""
        return children(self.process.pid)

    def query_workers(self) -> list[int]:
        return [pid for worker in self.workers() for pid in children(worker)]

    def tree(self) -> list[int]:
        return [self.process.pid, *self.workers(), *self.query_workers()]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self.kill()

    def kill(self) -> None:
        """End every process of the server's group (teardown; it ran in its own session)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def raw_request(
    port: int,
    method: str,
    target: bytes,
    headers: tuple[tuple[str, str], ...] = (),
    body: bytes = b"",
    timeout: float = 30,
) -> Answer:
    """Send exactly these bytes as the request line (no client-side quoting or checks)."""
    lines = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1"]
    lines += [f"{k}: {v}".encode("latin-1") for k, v in headers]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}".encode())
    lines.append(b"Connection: close")
    request = b"\r\n".join(lines) + b"\r\n\r\n" + body
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        # The server may answer (413, 414) before reading all of it.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(request)
        response = http.client.HTTPResponse(connection, method=method)
        response.begin()
        data = response.read()
        return Answer(response.status, list(response.getheaders()), data)
