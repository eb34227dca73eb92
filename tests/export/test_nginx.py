"""The exported folder behind stock nginx answers like `ctc-kg serve`: every resource
in every format, a table of Accept headers and query strings, the dumps, 404s."""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re

import pytest
from ctc_kg.content.context import jsonld_to_nquads
from ctc_kg.content.serialize import canonical_nquads
from rdflib import Dataset

from tests.export.conftest import Answer, SiteWorld, ask_app, fetch
from tests.export.tables import ACCEPT_HEADERS, LANGUAGE_HEADERS, QUERIES

pytestmark = pytest.mark.slow

PATHS = ("", "meeting/2003-new-york", ".well-known/void", "catalog", "ontology", "no-such-thing")
RDF_PARSERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}


def graph_of(body: bytes, content_type: str, public: str) -> Dataset | None:
    """The RDF in a body (None when the media type is not RDF); JSON-LD is read with the
    published context, never fetched."""
    media_type = content_type.split(";")[0].strip()
    if media_type == "application/ld+json":
        text = jsonld_to_nquads(json.loads(body), public)
        return Dataset().parse(data=text, format="nquads")
    if media_type in RDF_PARSERS:
        return Dataset().parse(data=body, format=RDF_PARSERS[media_type])
    return None


def assert_same_content(static: bytes, live: bytes, content_type: str, public: str, what: str):
    """RDF: isomorphic graphs (the server labels blank nodes afresh on every start, the
    site canonically); anything else: the same bytes."""
    if static == live:
        return
    ours = canonical(static, content_type, public)
    if ours is None:
        assert static == live, what
    else:
        assert ours, what
        # Canonical N-Quads (URDNA2015) are equal exactly when the datasets are isomorphic.
        assert canonical(live, content_type, public) == ours, what


@functools.lru_cache(maxsize=256)
def canonical(body: bytes, content_type: str, public: str) -> str | None:
    """Canonical N-Quads of an RDF body (the same bodies come back many times)."""
    graph = graph_of(body, content_type, public)
    return None if graph is None else canonical_nquads(graph)


def both(site: SiteWorld, nginx: int, server, target: str, headers: dict[str, str]):
    return fetch(nginx, target, headers), ask_app(server, site.public, target, headers)


def assert_same_answer(static: Answer, live: Answer, what: str, public: str) -> None:
    assert static.status == live.status, what
    if live.status == 200:
        assert static.content_type == live.content_type, what
        assert_same_content(static.body, live.body, live.content_type, public, what)
        assert "accept" in static.headers.get("vary", "").lower(), what
    if live.status in (200, 304) and "link" in live.headers:
        assert static.headers.get("link") == live.headers["link"], what


def test_every_representation_of_every_resource_is_the_servers(site, nginx, server):
    checked = 0
    for item in site.result.negotiables:
        for _, fmt, lang in item.files():
            headers = {"Accept": fmt.media_type, "Accept-Language": lang}
            static, live = both(site, nginx, server, "/" + item.path, headers)
            what = f"/{item.path} {fmt.media_type} {lang}"
            assert live.status == 200, what
            assert_same_answer(static, live, what, site.public)
            checked += 1
    assert checked >= 15 * 7


@pytest.mark.parametrize("accept", ACCEPT_HEADERS, ids=repr)
@pytest.mark.parametrize("path", PATHS)
def test_accept_header_gets_the_servers_answer(site, nginx, server, path, accept):
    headers = {} if accept is None else {"Accept": accept}
    static, live = both(site, nginx, server, "/" + path, headers)
    assert_same_answer(static, live, f"/{path} Accept: {accept!r}", site.public)


def without_format_in_links(answer: Answer) -> Answer:
    """The server's page for `?format=html` keeps that parameter in its language-switch
    links (`?format=html&lang=fr`); the site has one page per language, whose links carry
    `?lang=` alone. Everything else must be the same bytes."""
    if not answer.content_type.startswith("text/html"):
        return answer
    body = re.sub(rb"(?:format|_mediatype)=[^&\"]*&amp;", b"", answer.body)
    return Answer(answer.status, answer.headers, body)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("path", PATHS)
def test_query_string_gets_the_servers_answer(site, nginx, server, path, query):
    for accept in (None, "text/turtle", "text/html"):
        headers = {} if accept is None else {"Accept": accept}
        static, live = both(site, nginx, server, f"/{path}?{query}", headers)
        live = without_format_in_links(live)
        assert_same_answer(static, live, f"/{path}?{query} Accept: {accept!r}", site.public)


@pytest.mark.parametrize("language", LANGUAGE_HEADERS)
@pytest.mark.parametrize("path", ["", "meeting/2003-new-york", "ontology"])
def test_accept_language_gets_the_servers_page(site, nginx, server, path, language):
    headers = {"Accept": "text/html", "Accept-Language": language}
    static, live = both(site, nginx, server, "/" + path, headers)
    assert_same_answer(static, live, f"/{path} Accept-Language: {language}", site.public)


def test_french_page_is_french(site, nginx):
    answer = fetch(nginx, "/meeting/2003-new-york", {"Accept-Language": "fr"})
    assert answer.status == 200
    assert b'<html lang="fr">' in answer.body


def test_dumps_are_the_servers_graphs(site, nginx, server):
    names = sorted(n for n in site.result.files if n.startswith("dump/"))
    assert "dump/ctc-kg.ttl" in names
    assert "dump/SHA256SUMS" in names
    for name in names:
        static, live = both(site, nginx, server, "/" + name, {})
        assert static.status == live.status == 200, name
        assert static.content_type == live.content_type, name
        if name.endswith(".gz"):
            inner = fetch(nginx, "/" + name[: -len(".gz")]).content_type
            assert_same_content(
                gzip.decompress(static.body), gzip.decompress(live.body), inner, site.public, name
            )
        elif not name.endswith("SHA256SUMS"):
            assert_same_content(static.body, live.body, live.content_type, site.public, name)


def test_dump_checksums_match_the_dumps_served(site, nginx):
    sums = fetch(nginx, "/dump/SHA256SUMS")
    assert sums.status == 200
    assert sums.content_type == "text/plain; charset=utf-8"
    lines = sums.body.decode().splitlines()
    assert len(lines) >= 10
    for line in lines:
        digest, name = line.split("  ")
        served = fetch(nginx, "/dump/" + name)
        assert served.status == 200, name
        assert hashlib.sha256(served.body).hexdigest() == digest, name


def test_dumps_are_served_gzip_encoded_to_clients_that_accept_it(site, nginx, server):
    for name in ("dump/ctc-kg.ttl", "dump/ctc-kg.jsonld", "dump/ctc-kg.nq"):
        static, live = both(site, nginx, server, "/" + name, {"Accept-Encoding": "gzip"})
        assert static.headers.get("content-encoding") == "gzip", name
        assert live.headers.get("content-encoding") == "gzip", name
        assert static.content_type == live.content_type, name
        assert_same_content(
            gzip.decompress(static.body),
            gzip.decompress(live.body),
            live.content_type,
            site.public,
            name,
        )


def test_context_is_the_servers_bytes(site, nginx, server):
    static, live = both(site, nginx, server, "/context/v1.jsonld", {})
    assert static.status == live.status == 200
    assert static.content_type == live.content_type
    assert static.body == live.body


def test_versioned_context_is_cached_for_long_and_descriptions_briefly(site, nginx):
    context = fetch(nginx, "/context/v1.jsonld")
    assert "immutable" in context.headers["cache-control"]
    assert "max-age=31536000" in context.headers["cache-control"]
    resource = fetch(nginx, "/meeting/2003-new-york", {"Accept": "text/turtle"})
    assert resource.headers["cache-control"] == "public, max-age=300"


@pytest.mark.parametrize(
    "target",
    [
        "/no-such-thing",
        "/meeting/no-such-meeting",
        "/meeting/2003-new-york/",
        "/dump/no-such-dump.ttl",
        "/static/no-such.css",
        "/.deploy/nginx-http.conf",
        "/.htaccess",
        "/meeting/2003-new-york.var",
        "/context/v2.jsonld",
    ],
)
def test_unknown_paths_return_404_like_the_server(site, nginx, server, target):
    static, live = both(site, nginx, server, target, {"Accept": "text/html"})
    assert live.status == 404, target
    assert static.status == 404, target
    assert static.content_type.startswith("text/html")


def test_sparql_is_sent_to_the_configured_live_endpoint(site, nginx):
    answer = fetch(nginx, "/sparql?query=ASK%7B%7D")
    assert answer.status == 307
    assert answer.headers["location"] == "https://sparql.example.org/ctc-kg?query=ASK%7B%7D"
