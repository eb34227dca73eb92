"""Releases are served from their frozen files, never from the store: with a store that
answers nothing (a remote store that is down), every memento, TimeMap and TimeGate
answer is still given, while the current resource is not."""

from __future__ import annotations

from pathlib import Path

import pytest
from ctc_kg.config import load_settings
from ctc_kg.errors import StoreUnavailableError
from ctc_kg.store.base import Description, Health, QueryRequest, QueryResponse, Store
from ctc_kg.store.version import DataVersion
from ctc_kg.web.app import close_app, create_app

from tests.web.conftest import Built

REPOSITORY = Path(__file__).resolve().parents[2]
MEETING = "/meeting/2003-new-york"


class StoreThatIsDown(Store):
    def query(self, request: QueryRequest) -> QueryResponse:
        raise StoreUnavailableError("down")

    def describe(self, iri: str, media_type: str) -> Description | None:
        raise StoreUnavailableError("down")

    def health(self) -> Health:
        return Health(ok=False, backend="remote", triples=None, message="down")

    def version(self) -> DataVersion:
        return DataVersion("remote-version")

    def close(self) -> None:
        pass


def test_mementos_timemaps_and_timegates_need_no_store(built: Built) -> None:
    settings = load_settings({"root": REPOSITORY}, environ={})
    app = create_app(settings, StoreThatIsDown(), dist=built.dist)
    try:
        client = app.test_client()
        assert client.get(MEETING, headers={"Accept": "text/turtle"}).status_code == 503
        gate = client.get(MEETING, headers={"Accept-Datetime": "Thu, 01 Jan 2015 00:00:00 GMT"})
        assert gate.status_code == 302
        assert gate.headers["Location"].endswith("/release/1.0.0" + MEETING)
        memento = client.get("/release/1.0.0" + MEETING, headers={"Accept": "text/turtle"})
        assert memento.status_code == 200
        assert b"2003-new-york" in memento.data
        assert client.get("/timemap" + MEETING).status_code == 200
    finally:
        close_app(app)


@pytest.mark.parametrize("path", ["/release/", "/release/2.0.0", "/release/2.0.0/dump/SHA256SUMS"])
def test_release_pages_need_no_store(built: Built, path: str) -> None:
    settings = load_settings({"root": REPOSITORY}, environ={})
    app = create_app(settings, StoreThatIsDown(), dist=built.dist)
    try:
        assert app.test_client().get(path).status_code == 200
    finally:
        close_app(app)
