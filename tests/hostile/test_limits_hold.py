"""Limits that hold: result rows are capped with an explicit signal, concurrent queries
beyond the slots get 503 with Retry-After, long request lines 414, bodies 413, and
pages are cached and validated per language."""

from __future__ import annotations

import csv
import io
import json
import threading
from xml.dom import minidom

import pytest
from ctc_kg.content.context import jsonld_to_nquads
from ctc_kg.store.base import (
    Description,
    Health,
    QueryForm,
    QueryRequest,
    QueryResponse,
    Store,
)
from ctc_kg.store.version import DataVersion
from ctc_kg.web.app import create_app
from rdflib import Graph

from tests.web.conftest import BASE, PUBLIC, web_settings

CAP = 3
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
TRUNCATED = "X-CTC-KG-Truncated"


@pytest.fixture(scope="module")
def capped(hostile_world):
    return create_app(
        web_settings(max_result_rows=CAP), hostile_world.store, dist=hostile_world.dist
    ).test_client()


@pytest.fixture(scope="module")
def capped_public(hostile_world):
    settings = web_settings(max_result_rows=CAP, public_url=PUBLIC)
    return create_app(settings, hostile_world.store, dist=hostile_world.dist).test_client()


def rows_of(fmt: str, body: bytes) -> int:
    if fmt == "json":
        return len(json.loads(body)["results"]["bindings"])
    if fmt == "xml":
        return len(minidom.parseString(body).getElementsByTagName("result"))
    if fmt == "csv":
        return len(list(csv.reader(io.StringIO(body.decode())))) - 1
    return len(body.decode().strip("\n").split("\n")) - 1  # tsv: header + rows


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("which", ["canonical", "public"])
def test_select_beyond_the_cap_is_cut_at_the_cap_and_says_so(capped, capped_public, fmt, which):
    client = capped if which == "canonical" else capped_public
    response = client.get("/sparql", query_string={"query": ALL, "format": fmt})
    assert response.status_code == 200
    assert response.headers[TRUNCATED] == f"true; limit={CAP}"
    assert rows_of(fmt, response.data) == CAP
    assert TRUNCATED in response.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_construct_beyond_the_cap_returns_cap_triples_and_says_so(capped, fmt):
    response = capped.get(
        "/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": fmt}
    )
    assert response.status_code == 200
    assert response.headers[TRUNCATED] == f"true; limit={CAP}"
    if fmt == "jsonld":  # read offline, with the published context (never fetched)
        parsed = Graph().parse(data=jsonld_to_nquads(json.loads(response.data)), format="nquads")
    else:
        parsed = Graph().parse(data=response.data, format={"ttl": "turtle", "nt": "nt"}[fmt])
    assert len(parsed) == CAP


def test_an_answer_within_the_cap_is_whole_and_unmarked(capped):
    query = f"SELECT ?p WHERE {{ <{BASE}meeting/2003-new-york> ?p ?o }} LIMIT {CAP}"
    response = capped.get("/sparql", query_string={"query": query, "format": "json"})
    assert response.status_code == 200
    assert TRUNCATED not in response.headers
    exact = capped.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }", "format": "json"})
    assert TRUNCATED not in exact.headers


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize(("limit", "truncated"), [(CAP - 1, False), (CAP, False), (CAP + 1, True)])
def test_an_answer_up_to_the_cap_is_whole_and_one_row_more_is_cut(capped, fmt, limit, truncated):
    query = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {limit}"
    response = capped.get("/sparql", query_string={"query": query, "format": fmt})
    assert response.status_code == 200
    assert (TRUNCATED in response.headers) is truncated
    assert rows_of(fmt, response.data) == min(limit, CAP)


def test_the_default_cap_does_not_cut_the_small_world(hostile_client):
    response = hostile_client.get("/sparql", query_string={"query": ALL, "format": "json"})
    assert TRUNCATED not in response.headers
    assert rows_of("json", response.data) > CAP


class BlockingStore(Store):
    """A store whose queries wait until released: a stand-in for slow queries."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Semaphore(0)

    def query(self, request: QueryRequest) -> QueryResponse:
        self.entered.release()
        self.release.wait(10)
        body = b'{"head":{},"boolean":true}'
        return QueryResponse(QueryForm.ASK, body)

    def describe(self, iri: str, media_type: str) -> Description | None:
        return None

    def version(self) -> DataVersion:
        return DataVersion("blocking")

    def health(self) -> Health:
        return Health(ok=True, backend="blocking", triples=0)

    def close(self) -> None:
        self.release.set()


def test_a_query_beyond_the_concurrent_slots_gets_503_with_retry_after(hostile_world):
    store = BlockingStore()
    settings = web_settings(max_concurrent_queries=1, query_queue_timeout=0.2)
    app = create_app(settings, store, dist=hostile_world.dist)
    results: list[int] = []

    def first() -> None:
        results.append(app.test_client().post("/sparql", data={"query": "ASK {}"}).status_code)

    thread = threading.Thread(target=first)
    thread.start()
    assert store.entered.acquire(timeout=10)
    busy = app.test_client().post(
        "/sparql", data={"query": "ASK {}"}, headers={"Accept": "application/json"}
    )
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "1"
    assert "busy" in busy.json["error"]
    assert app.test_client().get("/health").status_code == 200  # other routes still answer
    store.release.set()
    thread.join(10)
    assert results == [200]
    assert app.test_client().post("/sparql", data={"query": "ASK {}"}).status_code == 200


def test_a_request_line_longer_than_the_limit_gets_414(hostile_world):
    app = create_app(web_settings(max_url_bytes=2000), hostile_world.store, dist=hostile_world.dist)
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 3000
    response = app.test_client().get("/sparql", query_string={"query": query})
    assert response.status_code == 414
    assert "POST" in response.get_data(as_text=True)
    posted = app.test_client().post("/sparql", data=query, content_type="application/sparql-query")
    assert posted.status_code == 200


def test_a_body_larger_than_the_limit_gets_413(hostile_world):
    app = create_app(
        web_settings(max_request_bytes=1000), hostile_world.store, dist=hostile_world.dist
    )
    response = app.test_client().post(
        "/sparql", data="ASK {} #" + "x" * 2000, content_type="application/sparql-query"
    )
    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/meeting/2003-new-york", "/", "/sparql"])
def test_pages_vary_on_language_and_validate_per_language(hostile_client, path):
    client = hostile_client
    english = client.get(path, headers={"Accept": "text/html", "Accept-Language": "en"})
    french = client.get(path, headers={"Accept": "text/html", "Accept-Language": "fr"})
    for response in (english, french):
        assert response.status_code == 200
        assert {"Accept", "Accept-Language"} <= set(response.vary.as_set(preserve_casing=True))
    assert english.headers["ETag"] != french.headers["ETag"]
    assert 'lang="fr"' in french.get_data(as_text=True)
    assert 'lang="en"' in english.get_data(as_text=True)
    # A browser that switched to French must not revalidate the English copy.
    revalidated = client.get(
        path,
        headers={
            "Accept": "text/html",
            "Accept-Language": "fr",
            "If-None-Match": english.headers["ETag"],
        },
    )
    assert revalidated.status_code == 200
    assert 'lang="fr"' in revalidated.get_data(as_text=True)
    same = client.get(
        path,
        headers={
            "Accept": "text/html",
            "Accept-Language": "fr",
            "If-None-Match": french.headers["ETag"],
        },
    )
    assert same.status_code == 304
    assert "Accept-Language" in same.headers["Vary"]
