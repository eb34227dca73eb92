"""The access log: one JSON object per request, written by a background thread."""

from __future__ import annotations

import io
import json
import logging
import threading

from ctc_kg.web.access_log import AccessLogHandler


def access_record(path: str, user_agent: str, status: int = 200) -> logging.LogRecord:
    """A record as granian's access logger makes it: a format and a dict of fields."""
    fields = {
        "time": "2026-11-29 16:00:00 +0000",
        "addr": "127.0.0.1",
        "method": "GET",
        "path": path,
        "query_string": "format=ttl",
        "status": status,
        "dt_ms": 1.23456,
        "_h0": user_agent,
    }
    record = logging.LogRecord("granian.access", logging.INFO, __file__, 1, "%(path)s", (), None)
    record.args = fields
    return record


def test_every_line_is_json_even_with_quotes_and_newlines_in_the_request():
    out = io.StringIO()
    handler = AccessLogHandler(out)
    handler.handle(access_record('/meeting/"x"\n', 'agent "quoted"\r\n{}'))
    handler.drain()
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry == {
        "time": "2026-11-29 16:00:00 +0000",
        "remote": "127.0.0.1",
        "method": "GET",
        "path": '/meeting/"x"\n',
        "query": "format=ttl",
        "status": 200,
        "duration_ms": 1.235,
        "user_agent": 'agent "quoted"\r\n{}',
    }


def test_lines_from_many_threads_are_all_written_whole():
    out = io.StringIO()
    handler = AccessLogHandler(out)

    def log(thread: int) -> None:
        for index in range(200):
            handler.handle(access_record(f"/t{thread}/{index}", "wrk"))

    threads = [threading.Thread(target=log, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handler.drain()
    paths = [json.loads(line)["path"] for line in out.getvalue().splitlines()]
    assert sorted(paths) == sorted(f"/t{t}/{i}" for t in range(8) for i in range(200))
    for thread in range(8):  # each thread's lines keep their order
        mine = [p for p in paths if p.startswith(f"/t{thread}/")]
        assert mine == [f"/t{thread}/{i}" for i in range(200)]


def test_a_line_logged_after_a_drain_is_written_too():
    out = io.StringIO()
    handler = AccessLogHandler(out)
    handler.handle(access_record("/one", "a"))
    handler.drain()
    handler.handle(access_record("/two", "b"))
    handler.drain()
    assert [json.loads(line)["path"] for line in out.getvalue().splitlines()] == ["/one", "/two"]
