"""The access log: one JSON object per request, noted by the outermost WSGI layer and
written by a background thread."""

from __future__ import annotations

import io
import json
import threading
from typing import Any

import pytest
from ctc_kg.runtime.access_log import AccessLog, logged


def environ(path: str, user_agent: str, query: str = "format=ttl") -> dict[str, Any]:
    return {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_USER_AGENT": user_agent,
    }


def answering(status: str) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response(status, [("Content-Type", "text/plain")])
        return [b"ok"]

    return app


def ignore_start(status: str, headers: Any, exc_info: Any = None) -> None:
    return None


def test_every_line_is_json_even_with_quotes_and_newlines_in_the_request():
    out = io.StringIO()
    log = AccessLog(out)
    app = logged(answering("404 NOT FOUND"), log)
    assert app(environ('/meeting/"x"\n', 'agent "quoted"\r\n{}'), ignore_start) == [b"ok"]
    log.drain()
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert isinstance(entry.pop("duration_ms"), float)
    assert len(entry.pop("time")) == len("2026-11-29 16:00:00 +0000")
    assert entry == {
        "remote": "127.0.0.1",
        "method": "GET",
        "path": '/meeting/"x"\n',
        "query": "format=ttl",
        "status": 404,
        "user_agent": 'agent "quoted"\r\n{}',
    }


def test_a_request_whose_app_raises_is_logged_as_500():
    out = io.StringIO()
    log = AccessLog(out)

    def failing(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        logged(failing, log)(environ("/boom", "a"), ignore_start)
    log.drain()
    assert json.loads(out.getvalue())["status"] == 500


def test_lines_from_many_threads_are_all_written_whole():
    out = io.StringIO()
    log = AccessLog(out)
    app = logged(answering("200 OK"), log)

    def requests(thread: int) -> None:
        for index in range(200):
            app(environ(f"/t{thread}/{index}", "wrk"), ignore_start)

    threads = [threading.Thread(target=requests, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log.drain()
    paths = [json.loads(line)["path"] for line in out.getvalue().splitlines()]
    assert sorted(paths) == sorted(f"/t{t}/{i}" for t in range(8) for i in range(200))
    for thread in range(8):  # each thread's lines keep their order
        mine = [p for p in paths if p.startswith(f"/t{thread}/")]
        assert mine == [f"/t{thread}/{i}" for i in range(200)]


def test_a_line_logged_after_a_drain_is_written_too():
    out = io.StringIO()
    log = AccessLog(out)
    app = logged(answering("200 OK"), log)
    app(environ("/one", "a"), ignore_start)
    log.drain()
    app(environ("/two", "b"), ignore_start)
    log.drain()
    assert [json.loads(line)["path"] for line in out.getvalue().splitlines()] == ["/one", "/two"]


def test_the_writer_writes_without_being_drained():
    out = io.StringIO()
    log = AccessLog(out)
    logged(answering("200 OK"), log)(environ("/soon", "a"), ignore_start)
    written = threading.Event()
    for _ in range(100):  # the writer wakes every FLUSH_INTERVAL (0.1 s): generous bound
        if out.getvalue():
            written.set()
            break
        threading.Event().wait(0.1)
    log.drain()
    assert written.is_set()
    assert json.loads(out.getvalue())["path"] == "/soon"
