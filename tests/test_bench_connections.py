"""bench: a cell at N clients must serve N clients (issue 16, target 3).

A server that accepts only a few connections leaves the others in its listen queue; wrk
reports no error for them. The harness's connection watch must see it, and fail the cell.
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bench.connections import Served
from bench.load import HttpRequest, lua_script, run_wrk

pytestmark = pytest.mark.skipif(
    shutil.which("wrk") is None or shutil.which("ss") is None,
    reason="wrk and ss (iproute2) are needed",
)

_ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


def _serve(connection: socket.socket) -> None:
    """Answer every GET on a kept-alive connection until the client closes it."""
    pending = b""
    with connection:
        while True:
            try:
                data = connection.recv(65536)
            except OSError:
                return
            if not data:
                return
            pending += data
            while b"\r\n\r\n" in pending:
                _, pending = pending.split(b"\r\n\r\n", 1)
                connection.sendall(_ANSWER)


@contextmanager
def tiny_server(accepts: int | None) -> Iterator[str]:
    """An HTTP server on a free port that accepts only `accepts` connections (None: all);
    the rest wait in its listen queue, their handshake done by the kernel."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]

    def accept_loop() -> None:
        accepted = 0
        while accepts is None or accepted < accepts:
            try:
                connection, _ = listener.accept()
            except OSError:  # the listener was closed
                return
            accepted += 1
            threading.Thread(target=_serve, args=(connection,), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        listener.close()


def test_a_cell_whose_server_accepts_only_two_of_six_connections_fails():
    with tiny_server(accepts=2) as base_url:
        result = run_wrk(
            base_url, [HttpRequest("GET", "/")], concurrency=6, duration_s=1, request_timeout_s=5
        )
    assert result.requests > 0  # wrk itself sees a working server...
    assert result.errors == 0  # ...and no error at all
    assert result.connections.opened >= 6
    # wrk's own first connection (it checks the address, then closes) may be one of the
    # two accepted: at most two of the cell's six were served.
    assert 1 <= result.connections.served <= 2
    assert f"only {result.connections.served} of 6 connections got an answer" in (
        result.connections.verdict(6)
    )


def test_a_cell_whose_server_answers_every_connection_passes():
    with tiny_server(accepts=None) as base_url:
        result = run_wrk(
            base_url, [HttpRequest("GET", "/")], concurrency=6, duration_s=1, request_timeout_s=5
        )
    assert result.connections.served == 6
    assert result.connections.verdict(6) == ""


def test_without_samples_the_check_does_not_claim_a_failure():
    assert Served(opened=0, served=0, samples=0).verdict(50) == ""


def test_a_distinct_workload_appends_a_per_request_number_to_the_body():
    plain = lua_script([HttpRequest("POST", "/sparql", {}, b"query=x+LIMIT+1000000")])
    distinct = lua_script(
        [HttpRequest("POST", "/sparql", {}, b"query=x+LIMIT+1000000")], distinct=True
    )
    assert "local distinct = false" in plain
    assert "local distinct = true" in distinct
