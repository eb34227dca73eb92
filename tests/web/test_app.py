"""The app over a prepared version, and the one error handler."""

from __future__ import annotations

import pytest
from ctc_kg.runtime.app import prepared_app

from tests.web.conftest import web_settings


@pytest.mark.slow
def test_prepared_app_prepares_its_own_build_and_store_and_cleans_up():
    with prepared_app(web_settings()) as app:
        site = app.extensions["ctc_kg"]
        workdir = site.dist.parent
        client = app.test_client()
        assert client.get("/health").get_json()["status"] == "ok"
        assert client.get("/dump/ctc-kg.ttl").status_code == 200
    assert not workdir.exists()


def test_error_is_json_for_json_clients(client):
    response = client.get(
        "/sparql",
        query_string={"query": "ASK {"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 400
    assert response.get_json()["status"] == 400
    message = response.get_json()["error"]
    assert message.startswith("Malformed query: ")
    assert len(message) > len("Malformed query: ")  # the parser's own words follow


def test_error_is_html_for_browsers(client):
    response = client.get("/nowhere", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"


def test_error_is_text_for_curl(client):
    response = client.get("/nowhere", headers={"Accept": "*/*"})
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_406_for_json_clients_lists_available_types(client):
    response = client.get("/meeting/m1", headers={"Accept": "application/json;q=0.1, image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_json()["available"]


def test_oversized_request_gets_413(client):
    response = client.post(
        "/sparql", data=b"x" * 2_000_000, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413
