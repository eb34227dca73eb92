"""Every text answer of the production server (granian, real sockets) is gzipped for a
client that accepts it, as its own representation: own ETag, `Vary: Accept-Encoding`,
304 on revalidation of either variant, ranges and the prebuilt `.gz` dumps untouched."""

from __future__ import annotations

import gzip
import http.client
import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from ctc_kg.web.app import create_app
from rdflib import Graph

from tests.live import LiveServer
from tests.web.conftest import MINIMAL, embedded_only, web_settings
from tests.web.test_response_cache import cache_of

pytestmark = pytest.mark.slow

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
MEETING = "/meeting/2003-new-york"
SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 50"


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    live = LiveServer.start(MINIMAL, tmp_path_factory.mktemp("gzip"), "--workers", "1")
    yield live.port
    live.stop(timeout=30)


class Answer:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = {name.lower(): value for name, value in response.getheaders()}
        self.body = response.read()

    @property
    def vary(self) -> set[str]:
        return {v.strip().lower() for v in self.headers.get("vary", "").split(",")}

    def decoded(self) -> bytes:
        if self.headers.get("content-encoding") == "gzip":
            return gzip.decompress(self.body)
        return self.body


def ask(port: int, target: str, headers: dict[str, str], method: str = "GET", body: bytes = b""):
    """One request with exactly these headers (http.client adds Host and
    `Accept-Encoding: identity` unless the headers name one)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, target, body=body or None, headers=headers)
        return Answer(connection.getresponse())
    finally:
        connection.close()


def _yasgui_script(port: int) -> str:
    page = ask(port, "/sparql", {"Accept": "text/html"}).body.decode()
    (src,) = set(re.findall(r"/assets/[0-9a-f]+/yasgui\.min\.js", page))  # sparql.js loads it
    return src


TEXT_ANSWERS = [
    ("/", {"Accept": "text/html"}, "text/html"),
    (MEETING, {"Accept": "text/html"}, "text/html"),
    (MEETING, {"Accept": "text/turtle"}, "text/turtle"),
    (MEETING, {"Accept": "application/ld+json"}, "application/ld+json"),
    ("/.well-known/void", {"Accept": "application/rdf+xml"}, "application/rdf+xml"),
    ("/static/style.css", {}, "text/css"),
    ("/sparql?" + urlencode({"query": SELECT}), {}, "application/sparql-results+json"),
    ("/no/such/thing", {"Accept": "text/html"}, "text/html"),
]


@pytest.mark.parametrize(("target", "headers", "media_type"), TEXT_ANSWERS)
def test_text_answers_are_gzipped_for_clients_that_accept_it(port, target, headers, media_type):
    plain = ask(port, target, headers)
    packed = ask(port, target, {**headers, **GZIP})
    assert packed.status == plain.status
    assert packed.headers["content-type"].startswith(media_type)
    assert packed.headers.get("content-encoding") == "gzip"
    assert "content-encoding" not in plain.headers
    assert "accept-encoding" in packed.vary
    assert "accept-encoding" in plain.vary
    assert int(packed.headers["content-length"]) == len(packed.body) < len(plain.body)
    assert packed.decoded() == plain.body


def test_the_sparql_editors_script_is_gzipped(port):
    src = _yasgui_script(port)
    plain = ask(port, src, {})
    packed = ask(port, src, GZIP)
    assert packed.headers.get("content-encoding") == "gzip"
    assert len(packed.body) < len(plain.body) / 3
    assert packed.decoded() == plain.body


def test_a_post_query_answer_is_gzipped(port):
    headers = {"Content-Type": "application/sparql-query", "Accept": "text/turtle"}
    query = b"CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 100"
    packed = ask(port, "/sparql", {**headers, **GZIP}, "POST", query)
    assert packed.status == 200
    assert packed.headers.get("content-encoding") == "gzip"
    assert len(Graph().parse(data=packed.decoded(), format="turtle")) == 100


def test_the_gzipped_variant_has_its_own_etag_and_each_revalidates(port):
    accept = {"Accept": "text/turtle"}
    plain = ask(port, MEETING, accept)
    packed = ask(port, MEETING, {**accept, **GZIP})
    assert packed.headers["etag"] == plain.headers["etag"][:-1] + '-gzip"'
    again = ask(port, MEETING, {**accept, **GZIP, "If-None-Match": packed.headers["etag"]})
    assert again.status == 304
    assert again.headers["etag"] == packed.headers["etag"]
    assert "accept-encoding" in again.vary
    both = f'"other", {plain.headers["etag"]}'
    plain_again = ask(port, MEETING, {**accept, "If-None-Match": both})
    assert plain_again.status == 304
    assert plain_again.headers["etag"] == plain.headers["etag"]
    assert "accept-encoding" in plain_again.vary


def test_a_gzip_etag_never_validates_the_plain_answer(port):
    accept = {"Accept": "text/turtle"}
    packed = ask(port, MEETING, {**accept, **GZIP})
    plain = ask(port, MEETING, {**accept, "If-None-Match": packed.headers["etag"]})
    assert plain.status == 200
    assert "content-encoding" not in plain.headers
    assert plain.headers["etag"] != packed.headers["etag"]


def test_head_reports_what_get_sends(port):
    headers = {"Accept": "text/html", **GZIP}
    get = ask(port, MEETING, headers)
    head = ask(port, MEETING, headers, "HEAD")
    assert get.headers["content-encoding"] == "gzip"
    for name in ("content-encoding", "content-length", "etag", "vary", "content-type"):
        assert head.headers.get(name) == get.headers.get(name), name
    assert head.body == b""


def test_a_range_request_gets_bytes_of_the_plain_representation(port):
    whole = ask(port, "/static/style.css", {})
    assert ask(port, "/static/style.css", GZIP).headers["content-encoding"] == "gzip"
    part = ask(port, "/static/style.css", {**GZIP, "Range": "bytes=10-29"})
    assert part.status == 206
    assert "content-encoding" not in part.headers
    assert part.body == whole.body[10:30]


def test_prebuilt_gzip_dumps_are_not_compressed_twice(port):
    sums = ask(port, "/dump/SHA256SUMS", GZIP)  # a text file without a prebuilt .gz
    assert sums.headers["content-encoding"] == "gzip"
    assert b"ctc-kg.ttl" in sums.decoded()
    plain = ask(port, "/dump/ctc-kg.ttl", {})
    packed = ask(port, "/dump/ctc-kg.ttl", GZIP)
    assert packed.headers["content-encoding"] == "gzip"
    assert gzip.decompress(packed.body) == plain.body
    archive = ask(port, "/dump/ctc-kg.ttl.gz", GZIP)
    assert "content-encoding" not in archive.headers
    assert gzip.decompress(archive.body) == plain.body


def test_gzip_is_chosen_by_its_quality(port):
    refused = ask(port, MEETING, {"Accept": "text/html", "Accept-Encoding": "gzip;q=0, br"})
    assert "content-encoding" not in refused.headers
    assert refused.body.startswith(b"<!DOCTYPE html>")
    for accepted in ("gzip;q=0.5", "*", "br, x-gzip"):
        answer = ask(port, MEETING, {"Accept": "text/html", "Accept-Encoding": accepted})
        assert answer.headers.get("content-encoding") == "gzip", accepted


@embedded_only
def test_the_cache_keeps_one_gzipped_answer_for_every_spelling_of_accept_encoding(world):
    app = create_app(web_settings(), world.store, dist=world.dist)
    client = app.test_client()
    answers = [
        client.get(MEETING, headers={"Accept": "text/turtle", "Accept-Encoding": spelling})
        for spelling in ("gzip, deflate, br, zstd", "gzip", "deflate, gzip;q=0.8")
    ]
    assert [a.headers["Content-Encoding"] for a in answers] == ["gzip"] * 3
    assert answers[0].data == answers[1].data == answers[2].data
    assert cache_of(app).hits == 2
