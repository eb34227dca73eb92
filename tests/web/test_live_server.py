"""`ctc-kg serve` in a subprocess on a free port, driven by real clients (SPARQLWrapper)."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from rdflib import Graph, URIRef
from SPARQLWrapper import GET, JSON, POST, RDFXML, TURTLE, XML, SPARQLWrapper

from tests.live import REPOSITORY, LiveServer, command, environment, free_port
from tests.web.conftest import BACKENDS, BASE, MINIMAL

pytestmark = pytest.mark.slow
MEETING = BASE + "meeting/2003-new-york"


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, tmp_path_factory) -> Iterator[str]:
    """The server on a free port; waits for /health, stops with SIGTERM (graceful).
    On `virtuoso`, it serves from the web tests' Virtuoso, which holds the minimal data."""
    extra = ["--workers", "1"]
    if request.param == "virtuoso":
        extra += [
            "--store",
            "sparql+" + request.getfixturevalue("virtuoso_world").store.endpoint.url,
        ]
    live = LiveServer.start(MINIMAL, tmp_path_factory.mktemp("serve"), *extra, timeout=60)
    yield live.url
    assert live.stop(timeout=30) == 0, live.log.read_text()
    access = [
        json.loads(line) for line in live.log.read_text().splitlines() if line.startswith("{")
    ]
    assert any(entry["path"] == "/health" and entry["status"] == 200 for entry in access)
    assert all(isinstance(entry["duration_ms"], float) for entry in access)


def wrapper(server: str, method: str) -> SPARQLWrapper:
    client = SPARQLWrapper(server + "/sparql")
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", [GET, POST])
def test_select_json(server, method):
    client = wrapper(server, method)
    client.setQuery(
        f"SELECT ?label WHERE {{ <{MEETING}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
    )
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert "First special meeting (New York, 2003)" in {row["label"]["value"] for row in rows}


@pytest.mark.parametrize("method", [GET, POST])
def test_select_xml(server, method):
    client = wrapper(server, method)
    client.setQuery(f"SELECT ?p WHERE {{ <{MEETING}> ?p ?o }}")
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert document.getElementsByTagName("result")


@pytest.mark.parametrize("method", [GET, POST])
def test_ask(server, method):
    client = wrapper(server, method)
    client.setQuery(f"ASK {{ <{MEETING}> ?p ?o }}")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [TURTLE, RDFXML])
def test_construct(server, method, fmt):
    client = wrapper(server, method)
    client.setQuery(f"CONSTRUCT WHERE {{ <{MEETING}> ?p ?o }}")
    client.setReturnFormat(fmt)
    answer = client.query()
    media_type = answer.info()["content-type"].split(";")[0]
    assert media_type == {TURTLE: "text/turtle", RDFXML: "application/rdf+xml"}[fmt]
    graph = Graph().parse(data=answer.response.read(), format="turtle" if fmt == TURTLE else "xml")
    assert len(graph) > 0


def test_resource_over_http(server):
    request = urllib.request.Request(
        server + "/meeting/2003-new-york", headers={"Accept": "text/turtle"}
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        graph = Graph().parse(data=answer.read(), format="turtle")
        # a gzip variant and profiles (Accept-Profile) exist
        assert answer.headers["Vary"] == "Accept, Accept-Profile, Accept-Encoding"
    assert len(graph) > 0


def test_serve_refuses_invalid_data_with_the_report(tmp_path):
    """The repository's ontology and shapes, and data that trips DatasetLicenseShape."""
    tests = Path(__file__).resolve().parents[1]
    root = tmp_path / "root"
    shutil.copytree(REPOSITORY / "ontology", root / "ontology")
    shutil.copytree(REPOSITORY / "shapes", root / "shapes")
    (root / "data").mkdir()
    shutil.copy(tests / "data" / "valid" / "minimal.trig", root / "data")
    shutil.copy(tests / "data" / "invalid" / "DatasetLicenseShape-missing.ttl", root / "data")
    done = subprocess.run(
        command(root, free_port()), capture_output=True, timeout=120, env=environment(), check=False
    )
    assert done.returncode == 1
    assert b"DatasetLicenseShape" in done.stderr


# Every format /sparql answers in, by the W3C format IRI a service description names it with.
SPARQL_ANSWER_FORMATS = {
    "application/sparql-results+json": ("SELECT", "SPARQL_Results_JSON"),
    "application/sparql-results+xml": ("SELECT", "SPARQL_Results_XML"),
    "text/csv": ("SELECT", "SPARQL_Results_CSV"),
    "text/tab-separated-values": ("SELECT", "SPARQL_Results_TSV"),
    "text/turtle": ("CONSTRUCT", "Turtle"),
    "application/ld+json": ("CONSTRUCT", "JSON-LD"),
    "application/n-triples": ("CONSTRUCT", "N-Triples"),
    "application/rdf+xml": ("CONSTRUCT", "RDF_XML"),
    "application/trig": ("CONSTRUCT", "TriG"),
    "application/n-quads": ("CONSTRUCT", "N-Quads"),
}


def test_service_description_lists_every_format_sparql_answers_in(server):
    """The description omitted TriG and N-Quads, which /sparql serves for CONSTRUCT."""
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    request = urllib.request.Request(server + "/sparql", headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        description = Graph().parse(data=answer.read(), format="turtle")
    listed = set(description.objects(URIRef(BASE + "sparql"), sd.resultFormat))
    for media_type, (form, name) in SPARQL_ANSWER_FORMATS.items():
        if form == "SELECT":
            query = f"SELECT ?p WHERE {{ <{MEETING}> ?p ?o }}"
        else:
            query = f"CONSTRUCT WHERE {{ <{MEETING}> ?p ?o }}"
        url = server + "/sparql?" + urllib.parse.urlencode({"query": query})
        asked = urllib.request.Request(url, headers={"Accept": media_type})
        with urllib.request.urlopen(asked, timeout=10) as answer:
            assert answer.headers["Content-Type"].split(";")[0] == media_type
        assert URIRef("http://www.w3.org/ns/formats/" + name) in listed, media_type
