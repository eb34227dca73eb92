"""Fuzzing the HTTP layer with the Flask test client (hypothesis, bounded): random methods,
paths, headers, query strings and bodies never get a 5xx (other than 503 for a query
stopped by the time limit) and never raise."""

from __future__ import annotations

from urllib.parse import quote, unquote_to_bytes, urlencode

import pytest
from ctc_kg.web.app import create_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.conftest import web_settings

METHODS = st.sampled_from(
    ["GET", "GET", "GET", "POST", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "TRACE"]
)
SEGMENTS = st.one_of(
    st.sampled_from(
        [
            "sparql",
            "dump",
            "meeting",
            "2003-new-york",
            "ctc-kg.ttl",
            "ctc-kg.jsonld.gz",
            "context",
            "v1.jsonld",
            ".well-known",
            "void",
            "static",
            "yasgui",
            "health",
            "catalog",
            "ontology",
            "..",
            "%2e%2e",
            "%00",
            "%FF",
            "%C3%A9",
            "%0D%0A",
        ]
    ),
    st.text(max_size=12).map(lambda text: quote(text, safe="")),
)
PATHS = st.lists(SEGMENTS, min_size=0, max_size=5).map(lambda parts: "/" + "/".join(parts))
QUERIES = st.one_of(
    st.sampled_from(
        [
            "ASK {}",
            "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
            "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2",
            "DESCRIBE <https://w3id.org/ctc-kg/meeting/2003-new-york>",
            "INSERT DATA { <a:b> <a:c> 1 }",
            "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
            "SELECT * WHERE { " * 300 + " }" * 300,
        ]
    ),
    st.text(max_size=80),
)
PARAMETERS = st.lists(
    st.tuples(
        st.sampled_from(
            ["query", "format", "lang", "default-graph-uri", "named-graph-uri", "update", "x"]
        ),
        st.one_of(QUERIES, st.sampled_from(["json", "ttl", "html", "fr", "<script>"])),
    ),
    max_size=4,
)
HEADER_NAMES = st.sampled_from(
    [
        "Accept",
        "Accept-Language",
        "Accept-Encoding",
        "If-None-Match",
        "If-Modified-Since",
        "X-Forwarded-Host",
        "Origin",
        "Range",
    ]
)
HEADER_VALUES = st.one_of(
    st.sampled_from(
        [
            "text/html",
            "application/ld+json",
            "*/*;q=NaN",
            "text/turtle;q=2, */*;q=-1",
            "fr",
            "gzip",
            '"abc"',
            "bytes=0-10",
        ]
    ),
    st.text(
        st.characters(min_codepoint=32, max_codepoint=126), max_size=60
    ),  # header values are latin-1 text without control characters
)
CONTENT_TYPES = st.sampled_from(
    [
        None,
        "application/x-www-form-urlencoded",
        "application/sparql-query",
        "application/sparql-query; charset=latin-1",
        "application/sparql-update",
        "text/plain",
        "multipart/form-data; boundary=x",
    ]
)
BODIES = st.one_of(st.binary(max_size=200), QUERIES.map(str.encode))


@pytest.fixture(scope="module")
def fuzz_app(hostile_world):
    return create_app(web_settings(query_timeout=5.0), hostile_world.store, dist=hostile_world.dist)


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    method=METHODS,
    path=PATHS,
    parameters=PARAMETERS,
    headers=st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=4),
    content_type=CONTENT_TYPES,
    body=BODIES,
)
def test_random_requests_never_get_a_server_error(
    fuzz_app, method, path, parameters, headers, content_type, body
):
    client = fuzz_app.test_client()
    # The path goes in as a server would decode it (PATH_INFO), so "//x" stays a path.
    environ = {
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": urlencode(parameters),
    }
    response = client.open(
        "/",
        environ_overrides=environ,
        method=method,
        headers=headers,
        data=body if method in ("POST", "PUT", "PATCH") else None,
        content_type=content_type,
    )
    status = response.status_code
    text = response.get_data(as_text=False)[:300]
    assert status < 500 or (status == 503 and b"stopped" in text), (status, text)
    assert response.headers.get("Content-Type") or status in (204, 304) or method == "HEAD"
