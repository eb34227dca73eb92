"""The store down at start-up or in the middle of traffic: 503 with a clear message, never
a hang; /health says so; service resumes by itself when the store returns, and nothing
loaded is lost."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ctc_kg.config import Settings, replace
from ctc_kg.content.build import build
from ctc_kg.content.load import content_files, load_content
from ctc_kg.errors import StoreUnavailableError
from ctc_kg.store.base import QueryRequest
from ctc_kg.store.remote import VERSION_TTL_SECONDS
from ctc_kg.web.app import create_app
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

from .conftest import BASE, VirtuosoServer, free_port

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory, repository_settings: Settings) -> Path:
    folder = tmp_path_factory.mktemp("virtuoso-dist") / "dist"
    build(load_content(content_files(repository_settings), BASE), folder)
    return folder


def client_for(settings: Settings, store, dist: Path) -> Iterator[FlaskClient]:
    app = create_app(replace(settings, store="sparql+" + store.endpoint.url), store, dist=dist)
    app.config["TESTING"] = True
    with app.test_client() as client:
        yield client


def count(client: FlaskClient) -> int:
    response = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": JSON})
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])


def test_store_down_at_start_up_answers_503_at_once(repository_settings, dist):
    port = free_port()  # nothing listens here
    store = VirtuosoServer(Path("."), port, port).store(timeout=5.0)
    with pytest.raises(StoreUnavailableError, match="cannot be reached"):
        store.query(QueryRequest(COUNT, JSON, None))
    client = next(client_for(repository_settings, store, dist))
    answer = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": JSON})
    assert answer.status_code == 503
    assert "cannot be reached" in json.loads(answer.data)["error"]
    health = client.get("/health")
    assert health.status_code == 503
    assert health.json["status"] == "unavailable"
    assert "cannot be reached" in health.json["message"]


def test_store_going_down_mid_traffic_gives_503_then_recovers(
    virtuoso, virtuoso_endpoint, repository_settings, dist
):
    store = virtuoso.store(timeout=5.0, connect_timeout=1.0)
    client = next(client_for(repository_settings, store, dist))
    before = count(client)
    assert client.get("/health").json["status"] == "ok"
    resource = client.get("/meeting/2003-new-york", headers={"Accept": "text/turtle"})
    assert resource.status_code == 200
    virtuoso.stop()
    try:
        # A query not asked before: an answer already given may be repeated from the
        # response cache for the data version's time to live (store.remote).
        unasked = COUNT + " LIMIT 1"
        down = client.get("/sparql", query_string={"query": unasked}, headers={"Accept": JSON})
        assert down.status_code == 503
        assert "cannot be reached" in json.loads(down.data)["error"]
        # A description not served before (the app may cache those it has served).
        again = client.get("/meeting/2004-vienna", headers={"Accept": "text/turtle"})
        assert again.status_code == 503
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json["status"] == "unavailable"
    finally:
        virtuoso.start()
    # A failed read of the data version is remembered for its time to live (a store that
    # is down must not hold every request), so recovery comes within that time; once
    # /health says ok, requests are served (the test below).
    deadline = time.monotonic() + VERSION_TTL_SECONDS + 10
    while client.get("/health").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert count(client) == before
    assert client.get("/health").json["status"] == "ok"
    back = client.get("/meeting/2004-vienna", headers={"Accept": "text/turtle"})
    assert back.status_code == 200
    vienna = Graph().parse(data=back.data, format="turtle")
    assert (URIRef(BASE + "meeting/2004-vienna"), None, None) in vienna


def test_once_health_finds_the_store_back_requests_are_served(virtuoso, virtuoso_endpoint):
    """Regression: /health asked the store afresh, but the failure remembered while the
    store was down kept answering requests ("cannot be reached") for its time to live, so
    a client that waited for /health to say ok could still get a 503 (seen in CI)."""
    store = virtuoso.store(timeout=5.0, connect_timeout=1.0, version_ttl=600.0)
    virtuoso.stop()
    try:
        with pytest.raises(StoreUnavailableError):
            store.version()
        with pytest.raises(StoreUnavailableError, match="cannot be reached"):
            store.version()  # remembered: the store is not asked again meanwhile
        assert not store.health().ok
    finally:
        virtuoso.start()
    assert store.health().ok
    assert store.version() is not None
