"""The exported folder behind stock nginx answers like `ctc-kg serve`: every resource
in every format, a table of Accept headers and query strings, the dumps, 404s."""

from __future__ import annotations

import gzip
import hashlib

import pytest
from ctc_kg.content.frames import FRAMES, RESOURCE_FRAME

from tests.export.compare import (
    assert_same_answer,
    assert_same_content,
    both,
    without_format_in_links,
)
from tests.export.conftest import fetch
from tests.export.tables import ACCEPT_HEADERS, LANGUAGE_HEADERS, QUERIES

pytestmark = pytest.mark.slow

PATHS = ("", "meeting/2003-new-york", ".well-known/void", "catalog", "ontology", "no-such-thing")


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


@pytest.mark.parametrize("name", [f.name for f in (*FRAMES, RESOURCE_FRAME)])
def test_frames_beside_the_context_are_the_servers_bytes(site, nginx, server, name):
    static, live = both(site, nginx, server, f"/context/v1/frames/{name}.jsonld", {})
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


def test_documented_difference_header_with_only_unreadable_q_values(site, nginx, server):
    """docs/publishing.md: the server treats such a header as absent (its default);
    the nginx maps see a media range and find no acceptable quality."""
    static, live = both(
        site, nginx, server, "/meeting/2003-new-york", {"Accept": "text/turtle;q=2"}
    )
    assert live.status == 200
    assert live.content_type.startswith("text/html")
    assert static.status == 406
