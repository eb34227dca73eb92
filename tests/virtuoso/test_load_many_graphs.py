"""`ctc-kg load` into a real Virtuoso with a thousand named graphs, and a reload that
replaces them by a thousand others (regression, issue 13, point 8: the load failed at
1,000 graphs, "SP031: The length of generated SQL text has exceeded 10000 lines", so the
bench's 1M graph, one graph per source passage, could not be loaded). Each graph is
small, so this runs in seconds. The store is read directly (SPARQL protocol, no
dataset), as test_load.py does."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from ctc_kg.store import load
from ctc_kg.store.manifest import manifest_query, parse_manifest

from tests.backends import BASE, VirtuosoServers

pytestmark = pytest.mark.slow
GRAPHS = 1_000
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


def test_a_thousand_named_graphs_load_and_reload(virtuoso_servers: VirtuosoServers, monkeypatch):
    server = virtuoso_servers.get("many-graphs")
    endpoint = server.endpoint
    first = server.load(many_graphs("first"))
    assert first.graphs == GRAPHS + 1  # and the holder of the default graph
    manifest = parse_manifest(HOLDER, select(endpoint, manifest_query(HOLDER)))
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
    monkeypatch.setattr(load, "IN_PLACE_TRIPLES", GRAPHS)
    second = server.load(many_graphs("second"))
    assert len(second.removed) == GRAPHS
    manifest = parse_manifest(HOLDER, select(endpoint, manifest_query(HOLDER)))
    assert manifest is not None
    assert manifest.stable
    assert manifest.load_id == second.load_id
    assert {name.split("/")[-2] for name in manifest.named_graphs} == {"second"}
    assert graphs_under(endpoint, "first") == 0
    assert graphs_under(endpoint, "second") == GRAPHS
    assert count(endpoint, f"GRAPH <{HOLDER}> {{ ?s ?p ?o }}") == 4 * GRAPHS
    assert count(endpoint, linked) == 2 * GRAPHS // BLANK_EVERY
