"""Every case of the hostile catalogue gets its expected 4xx (or a sound 2xx) and nothing
breaks: against the app, and the `live` subset against `ctc-kg serve` (granian)."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

import pytest

from tests.hostile.catalogue import ATTRIBUTE, CASES, SCRIPT, Case
from tests.live import Answer, LiveServer, raw_request
from tests.web.conftest import MINIMAL

MARKUP = (SCRIPT, "<img src=x onerror", ATTRIBUTE)


def check(case: Case, answer: Answer) -> None:
    low, high = case.expect
    assert low <= answer.status <= high, (answer.status, answer.body[:500])
    assert answer.status < 500
    names = {name.lower() for name, _ in answer.headers}
    assert "x-injected" not in names
    assert all("\r" not in v and "\n" not in v for _, v in answer.headers)
    content_type = (answer.header("Content-Type") or "").split(";")[0].strip()
    if not answer.body and answer.status == 400 and answer.header("Content-Type") is None:
        # The HTTP server's own refusal of a request it cannot parse (granian answers a raw
        # non-UTF-8 request target with an empty 400 and closes): nothing to sniff.
        assert answer.header("Content-Length") == "0"
        return
    if answer.status not in (204, 304) and case.method != "HEAD":
        assert content_type, "every answer says what it is"
    if content_type == "text/html":
        text = answer.body.decode("utf-8", "replace")
        assert not any(markup in text for markup in MARKUP), "markup reflected unescaped"
    else:
        # Plain text and JSON may carry the words of the request, never as a page.
        assert answer.header("X-Content-Type-Options") == "nosniff"
        if content_type.endswith("json"):
            assert b"<script" not in answer.body.lower()
    for forbidden in case.forbidden:
        assert forbidden.encode() not in answer.body


def through_app(client, case: Case) -> Answer:
    target = case.raw_target or case.target.encode("ascii")
    path, _, query = target.partition(b"?")
    environ = {
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query.decode("latin-1"),
        "RAW_URI": target.decode("latin-1"),
        "REQUEST_URI": target.decode("latin-1"),
    }
    headers = dict(case.headers)
    content_type = headers.pop("Content-Type", None)
    response = client.open(
        "/",
        method=case.method,
        headers=list(headers.items()),
        data=case.body,
        content_type=content_type,
        environ_overrides=environ,
    )
    return Answer(response.status_code, list(response.headers.items()), response.get_data())


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_request_through_the_app(hostile_client, case):
    check(case, through_app(hostile_client, case))
    # ...and the service still answers normally afterwards.
    assert hostile_client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = LiveServer.start(MINIMAL, tmp_path_factory.mktemp("hostile"), "--workers", "1")
    yield server
    assert server.stop() == 0, server.log.read_text()


LIVE = [case for case in CASES if case.live]


@pytest.mark.slow
@pytest.mark.parametrize("case", LIVE, ids=[case.id for case in LIVE])
def test_hostile_request_through_the_server(live, case):
    target = case.raw_target or case.target.encode("ascii")
    check(case, raw_request(live.port, case.method, target, case.headers, case.body))
    healthy = raw_request(live.port, "GET", b"/sparql?query=ASK%7B%7D")
    assert healthy.status == 200


def test_the_catalogue_is_large_and_its_ids_unique():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 100
    assert len(LIVE) >= 25
