"""The default graph is the RDF merge of all graphs: a triple two sources state is one
triple there, and `GRAPH ?g` still finds both sources (regression: pyoxigraph's
union-as-default-graph returned such a triple once per graph)."""

from __future__ import annotations

import json

import rdflib
from flask.testing import FlaskClient

M1 = "https://w3id.org/ctc-kg/meeting/m1"
SELECT_START = f"SELECT ?d WHERE {{ <{M1}> <https://schema.org/startDate> ?d }}"
SELECT_SOURCES = (
    f"SELECT ?g WHERE {{ GRAPH ?g {{ <{M1}> <https://schema.org/startDate> ?d }} }} ORDER BY ?g"
)


def _bindings(client: FlaskClient, query: str) -> list[dict[str, dict[str, str]]]:
    response = client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    return list(json.loads(response.data)["results"]["bindings"])


def test_triple_stated_by_two_sources_is_one_triple_of_the_default_graph(
    client: FlaskClient,
) -> None:
    assert [row["d"]["value"] for row in _bindings(client, SELECT_START)] == ["2003-03-06"]


def test_graph_pattern_still_finds_every_source_of_a_triple(client: FlaskClient) -> None:
    assert [row["g"]["value"] for row in _bindings(client, SELECT_SOURCES)] == [
        "https://w3id.org/ctc-kg/graph/source-a/passage",
        "https://w3id.org/ctc-kg/graph/source-b/passage",
    ]


def test_trig_description_states_a_triple_once_in_the_default_graph_and_in_each_source(
    client: FlaskClient,
) -> None:
    """The default graph holds every statement once (issue 13: clients that read only
    the default graph found nothing), each source graph its own."""
    response = client.get("/meeting/m1", headers={"Accept": "application/trig"})
    assert response.status_code == 200
    dataset = rdflib.Dataset()
    dataset.parse(data=response.data, format="trig")
    start = (rdflib.URIRef(M1), rdflib.URIRef("https://schema.org/startDate"), None)
    graphs = sorted(str(g) for _, _, _, g in dataset.quads(start))
    assert graphs == [
        "https://w3id.org/ctc-kg/graph/source-a/passage",
        "https://w3id.org/ctc-kg/graph/source-b/passage",
        str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID),
    ]
