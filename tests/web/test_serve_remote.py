"""Serving from a remote store: the content is still validated and built (dumps and the
dataset's description come from the build), but no embedded store is written, and
`ctc-kg serve --store sparql+...` answers from the store."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from ctc_kg.config import Settings, replace
from ctc_kg.runtime.app import prepared_app
from ctc_kg.runtime.prepare import prepare
from rdflib import Graph

from tests.live import REPOSITORY, LiveServer, environment
from tests.web.conftest import World, web_settings

JSON = "application/sparql-results+json"
UNREACHABLE = "sparql+http://127.0.0.1:9/sparql"
MEETING = "https://w3id.org/ctc-kg/meeting/2003-new-york"


def test_prepare_for_a_remote_store_builds_but_writes_no_store(repository_settings: Settings):
    prepared = prepare(replace(repository_settings, store=UNREACHABLE))
    try:
        assert prepared.store_dir is None
        assert sorted(p.name for p in prepared.workdir.iterdir()) == ["dist"]
        assert (prepared.dist / "ctc-kg.nq").stat().st_size > 0
    finally:
        prepared.cleanup()
    assert not prepared.workdir.exists()


def test_prepare_for_the_embedded_store_writes_it(repository_settings: Settings):
    prepared = prepare(repository_settings)
    try:
        assert prepared.store_dir is not None
        assert prepared.store_dir.is_dir()
        assert prepared.triples
    finally:
        prepared.cleanup()


@pytest.mark.virtuoso
def test_app_for_a_remote_store_answers_from_it(virtuoso_world: World):
    endpoint = virtuoso_world.store.endpoint.url  # type: ignore[attr-defined]
    with prepared_app(web_settings(store="sparql+" + endpoint)) as app:
        client = app.test_client()
        health = client.get("/health").get_json()
        assert health["status"] == "ok"
        assert health["backend"] == "sparql"
        response = client.get("/meeting/m1", headers={"Accept": "text/turtle"})
        assert response.status_code == 200
        assert len(Graph().parse(data=response.data, format="turtle")) > 0
        assert client.get("/dump/ctc-kg.ttl").status_code == 200
        workdir = app.extensions["ctc_kg"].dist.parent
        assert sorted(p.name for p in workdir.iterdir()) == ["dist"]


@pytest.fixture(scope="module")
def remote_server(
    tmp_path_factory: pytest.TempPathFactory, virtuoso_endpoint: str
) -> Iterator[tuple[str, Path]]:
    """`ctc-kg serve --store sparql+<Virtuoso>` on a free port, its temporary files in a
    folder of its own; stopped with SIGTERM."""
    folder = tmp_path_factory.mktemp("serve-remote")
    scratch = folder / "tmp"
    scratch.mkdir()
    live = LiveServer.start(
        REPOSITORY,
        folder,
        "--workers",
        "1",
        "--store",
        "sparql+" + virtuoso_endpoint,
        timeout=60,
        env=environment(TMPDIR=str(scratch)),
    )
    yield live.url, scratch
    assert live.stop(timeout=30) == 0, live.log.read_text()


@pytest.mark.virtuoso
@pytest.mark.slow
def test_serve_with_a_remote_store_answers_from_it_and_writes_no_store(remote_server):
    url, scratch = remote_server
    with urllib.request.urlopen(url + "/health", timeout=10) as answer:
        assert json.load(answer)["backend"] == "sparql"
    query = f"ASK {{ <{MEETING}> ?p ?o }}"
    request = urllib.request.Request(
        url + "/sparql?" + urllib.parse.urlencode({"query": query}), headers={"Accept": JSON}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert json.load(answer)["boolean"] is True
    workdirs = list(scratch.glob("ctc-kg-serve-*"))
    assert len(workdirs) == 1
    assert sorted(p.name for p in workdirs[0].iterdir()) == ["dist"]
