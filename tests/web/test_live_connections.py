"""Connections that hold no request must not keep other clients waiting (issue 13, point 1).

The production server with its default settings (one worker per core, 8 threads each), real
sockets: silent ones, ones that stop in the middle of their headers, and kept-alive ones
that made one request and then say nothing. granian once accepted only `threads`
connections per worker and each of these held one until its header timeout closed it, so
16 of them made the next client wait about 30 s.
"""

from __future__ import annotations

import json
import resource
import selectors
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.live import Answer, LiveServer, environment, raw_request
from tests.web.conftest import MINIMAL

pytestmark = pytest.mark.slow

HELD = 64  # connections of each kind
ANSWER_BOUND = 5.0  # seconds; /health takes milliseconds, the defect made it about 30 s
HEADER_TIMEOUT = 30.0  # the default `header_timeout`
ASK = b"/sparql?query=ASK%7B%7D"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer.start(MINIMAL, tmp_path_factory.mktemp("connections"), timeout=120)
    yield live
    live.stop(timeout=30)


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=ANSWER_BOUND)


def half_open(port: int) -> socket.socket:
    """A client that sent its request line and one header, then stopped."""
    connection = connect(port)
    connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    return connection


def kept_alive(port: int) -> socket.socket:
    """A client that made one request, read the whole answer, and keeps the connection."""
    connection = connect(port)
    connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    received = b""
    while b"\r\n\r\n" not in received:
        received += connection.recv(65536)
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += connection.recv(65536)
    assert b"connection: close" not in head.lower()
    return connection


def timed(port: int, target: bytes, accept: str) -> tuple[Answer, float]:
    started = time.monotonic()
    answer = raw_request(port, "GET", target, (("Accept", accept),), timeout=ANSWER_BOUND)
    return answer, time.monotonic() - started


def assert_answers_at_once(port: int) -> None:
    health, health_seconds = timed(port, b"/health", "application/json")
    assert health.status == 200
    assert json.loads(health.body)["status"] == "ok"
    ask, ask_seconds = timed(port, ASK, "application/sparql-results+json")
    assert ask.status == 200
    assert json.loads(ask.body)["boolean"] is True
    assert health_seconds < ANSWER_BOUND
    assert ask_seconds < ANSWER_BOUND


def closed_by_server(connections: list[socket.socket], within: float) -> int:
    """How many of `connections` the server closes (EOF or reset) within `within` seconds."""
    selector = selectors.DefaultSelector()
    for connection in connections:
        connection.setblocking(False)
        selector.register(connection, selectors.EVENT_READ)
    closed = 0
    deadline = time.monotonic() + within
    while closed < len(connections) and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=1.0):
            connection = key.fileobj
            assert isinstance(connection, socket.socket)
            try:
                data = connection.recv(65536)
            except ConnectionResetError:
                data = b""
            assert data == b"", f"an idle connection was sent {data[:80]!r}"
            selector.unregister(connection)
            closed += 1
    selector.close()
    return closed


def test_idle_half_open_and_kept_alive_connections_never_keep_other_clients_waiting(server):
    port = server.port
    assert_answers_at_once(port)  # warm: the query processes are up
    held: list[socket.socket] = []
    try:
        held += [connect(port) for _ in range(HELD)]
        held += [half_open(port) for _ in range(HELD)]
        # Each of these is a client too: its own request is answered at once.
        held += [kept_alive(port) for _ in range(HELD)]
        time.sleep(0.5)  # every connection accepted and parked by the server
        for _ in range(3):
            assert_answers_at_once(port)
        # Not held for ever: the header timeout closes each of them, without an answer.
        assert closed_by_server(held, within=HEADER_TIMEOUT + 15) == len(held)
        assert_answers_at_once(port)
    finally:
        for connection in held:
            connection.close()


CAP_PROBE = (
    "import resource\n"
    "from ctc_kg.config import Settings\n"
    "from ctc_kg.runtime.serve import connection_cap\n"
    "print(connection_cap(Settings()), *resource.getrlimit(resource.RLIMIT_NOFILE))\n"
)


def cap_under_limit(soft: int, hard: int) -> tuple[list[int], str]:
    """connection_cap of the default settings in a process started with this open-file
    limit: [cap, soft limit, hard limit] once granian is imported (it raises the soft limit
    to the hard one), and what it printed on stderr."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

    done = subprocess.run(
        [sys.executable, "-c", CAP_PROBE],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=limit,
        env=environment(),
    )
    return [int(word) for word in done.stdout.split()], done.stderr


def test_connection_cap_fits_under_a_hard_open_file_limit_and_says_so():
    # Beyond the hard limit a flood would end in EMFILE, which also fails the worker's own
    # opens (dumps, query processes); the cap is lowered so the flood waits in the queue.
    (cap, soft, hard), said = cap_under_limit(300, 600)
    assert (cap, soft, hard) == (600 - 256, 600, 600)
    assert "max_connections lowered from 1024 to 344" in said
