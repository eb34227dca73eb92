"""`ctc-kg load` into a real Virtuoso with a thousand named graphs, and a reload that
replaces them by a thousand others (regression, issue 13, point 8: the load failed at
1,000 graphs, "SP031: The length of generated SQL text has exceeded 10000 lines", so the
bench's 1M graph, one graph per source passage, could not be loaded). Each graph is
small, so this runs in seconds. The store is read directly (SPARQL protocol, no
dataset), as test_load.py does. It caps every answer at 500 rows (ResultSetMaxRows,
10,000 by default), fewer than the manifest's graphs: the 1M bench's manifest of 41,465
graphs came back cut at 10,000, and a reload must still see every graph of the last."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import pytest
from ctc_kg.store import push
from ctc_kg.store.manifest import Manifest, manifest_query

from tests.backends import BASE, VirtuosoServer, free_port

pytestmark = pytest.mark.slow
GRAPHS = 1_000
MAX_ROWS = 500
BLANK_EVERY = 100
JSON = "application/sparql-results+json"
HOLDER = BASE + "graph/default"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")


def many_graphs(prefix: str) -> list[ox.Quad]:
    """GRAPHS named graphs of three statements each, each graph described in the default
    graph; in every hundredth graph, two of the statements are about a blank node."""
    quads: list[ox.Quad] = []
    for i in range(GRAPHS):
        graph = ox.NamedNode(f"{BASE}{prefix}/passage-{i:04}")
        thing = ox.NamedNode(f"{BASE}{prefix}/thing-{i:04}")
        quote = (
            ox.BlankNode(f"quote{i}") if i % BLANK_EVERY == 0 else ox.NamedNode(f"{thing.value}#q")
        )
        quads.append(ox.Quad(thing, LABEL, ox.Literal(f"thing {i}", language="en"), graph))
        quads.append(ox.Quad(thing, SOURCE, quote, graph))
        quads.append(ox.Quad(quote, LABEL, ox.Literal(f"quote {i}"), graph))
        quads.append(ox.Quad(graph, SOURCE, ox.NamedNode(f"https://example.org/doc/{i}")))
    return quads


def select(endpoint: str, text: str) -> list[dict[str, dict[str, str]]]:
    data = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(endpoint, data=data, headers={"Accept": JSON})
    with urllib.request.urlopen(request, timeout=60) as response:
        rows: list[dict[str, dict[str, str]]] = json.load(response)["results"]["bindings"]
    return rows


def count(endpoint: str, where: str) -> int:
    return int(select(endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0]["n"]["value"])


def graphs_under(endpoint: str, prefix: str) -> int:
    under = f'FILTER(STRSTARTS(STR(?g), "{BASE}{prefix}/"))'
    return count(endpoint, f"{{ SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {under} }} }}")


@dataclass
class CappedVirtuoso(VirtuosoServer):
    """A Virtuoso that answers at most MAX_ROWS rows."""

    @property
    def environment(self) -> dict[str, str]:
        return {**super().environment, "VIRTUOSO_MAX_ROWS": str(MAX_ROWS)}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[CappedVirtuoso]:
    started = CappedVirtuoso(tmp_path_factory.mktemp("virtuoso-many"), free_port(), free_port())
    started.start()
    yield started
    started.stop()


def manifest_of(server: VirtuosoServer) -> Manifest | None:
    client = push.client_for(server.update_endpoint, server.credentials, 60.0)
    return push.read_manifest(client, HOLDER)


def test_a_thousand_named_graphs_load_and_reload(server, monkeypatch):
    endpoint = server.endpoint
    first = server.load(many_graphs("first"))
    assert first.graphs == GRAPHS + 1  # and the holder of the default graph
    assert len(select(endpoint, manifest_query(HOLDER))) == MAX_ROWS  # one answer is cut
    manifest = manifest_of(server)
    assert manifest is not None
    assert manifest.stable
    assert manifest.load_id == first.load_id
    assert len(manifest.named_graphs) == GRAPHS
    assert graphs_under(endpoint, "first") == GRAPHS
    assert count(endpoint, f"GRAPH <{HOLDER}> {{ ?s ?p ?o }}") == 4 * GRAPHS
    linked = f"GRAPH ?g {{ ?t <{SOURCE.value}> ?q . ?q <{LABEL.value}> ?l FILTER(isBlank(?q)) }}"
    assert count(endpoint, linked) == 2 * GRAPHS // BLANK_EVERY  # one node, in graph and holder
    assert count(endpoint, "GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), '-tmp-'))") == 0

    # The reload rewrites the holder graph in place, as a graph too large to move would be.
    monkeypatch.setattr(push, "IN_PLACE_TRIPLES", GRAPHS)
    second = server.load(many_graphs("second"))
    assert len(second.removed) == GRAPHS
    manifest = manifest_of(server)
    assert manifest is not None
    assert manifest.stable
    assert manifest.load_id == second.load_id
    assert {name.split("/")[-2] for name in manifest.named_graphs} == {"second"}
    assert graphs_under(endpoint, "first") == 0
    assert graphs_under(endpoint, "second") == GRAPHS
    assert count(endpoint, f"GRAPH <{HOLDER}> {{ ?s ?p ?o }}") == 4 * GRAPHS
    assert count(endpoint, linked) == 2 * GRAPHS // BLANK_EVERY
