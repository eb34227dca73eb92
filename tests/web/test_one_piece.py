"""Answers of known, bounded length reach granian as one piece (a list), not Flask's
iterator (which granian drives from Rust, taking the GIL back for every chunk); large or
unsized bodies, such as the dumps, are still streamed."""

from __future__ import annotations

from typing import Any

from ctc_kg.web.response_cache import in_one_piece
from flask import Flask, Response


def _app(body: bytes, *, sized: bool = True) -> Flask:
    app = Flask(__name__)

    @app.post("/x")
    def answer() -> Response:
        if sized:
            return Response(body)
        return Response(iter([body[:3], body[3:]]))  # no Content-Length: streamed

    return app


def _call(app: Any, max_bytes: int = 1 << 20) -> tuple[Any, list[str]]:
    statuses: list[str] = []
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/x",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": None,
    }
    wrapped = in_one_piece(app.wsgi_app, max_bytes)
    body = wrapped(environ, lambda status, headers, exc_info=None: statuses.append(status))
    return body, statuses


def test_a_sized_answer_is_handed_over_as_one_bytes_item():
    body, statuses = _call(_app(b"a SPARQL answer"))
    assert statuses == ["200 OK"]
    assert isinstance(body, list)
    assert body == [b"a SPARQL answer"]


def test_an_answer_larger_than_the_bound_is_streamed_as_before():
    body, _ = _call(_app(b"x" * 100), max_bytes=10)
    assert not isinstance(body, list)
    assert b"".join(body) == b"x" * 100


def test_an_answer_without_a_length_is_streamed_as_before():
    body, _ = _call(_app(b"streamed", sized=False))
    assert not isinstance(body, list)
    assert b"".join(body) == b"streamed"
