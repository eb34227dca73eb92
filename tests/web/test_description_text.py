"""How a resource's description is written (issue 13, points 2 and 8), over both backends
and behind a public URL: the quad formats hold every statement in their default graph
(clients that read only the default graph found nothing) and keep the source graphs;
the Turtle form reads like the dump (it repeated predicates, one run per source graph,
and declared all 17 prefixes)."""

from __future__ import annotations

import json

import pytest
from ctc_kg.content.context import jsonld_to_nquads
from ctc_kg.content.load import load_content
from flask.testing import FlaskClient
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from tests.tidy import assert_reads_like_the_dump
from tests.web.conftest import BASE, content_files

QUAD_FORMATS = {"application/n-quads": "nquads", "application/trig": "trig"}
# A meeting stated by two source graphs, with a blank node and an incoming link; an
# organization, a place, a source graph and the ontology document.
PATHS = ["meeting/m1", "organization/o1", "place/p1", "graph/source-a/passage", "ontology"]


@pytest.fixture(scope="module")
def source() -> Dataset:
    return load_content(content_files()).dataset


def get(client: FlaskClient, path: str, media_type: str) -> bytes:
    response = client.get("/" + path, headers={"Accept": media_type})
    assert response.status_code == 200, response.data
    assert response.headers["Content-Type"].startswith(media_type)
    return response.data


def from_jsonld(body: bytes) -> Graph:
    """The JSON-LD answer, which rdflib writes (not pyoxigraph): the reference graph."""
    document = json.loads(body)
    context = document["@context"]
    base = context.removesuffix("context/v1.jsonld") if isinstance(context, str) else BASE
    return Graph().parse(data=jsonld_to_nquads(document, base), format="nt")


def default_graph(dataset: Dataset) -> Graph:
    graph = Graph()
    for triple in dataset.graph(DATASET_DEFAULT_GRAPH_ID):
        graph.add(triple)
    return graph


@pytest.mark.parametrize("media_type", sorted(QUAD_FORMATS))
@pytest.mark.parametrize("path", PATHS)
def test_quad_formats_hold_every_statement_in_the_default_graph(
    client: FlaskClient, public_client: FlaskClient, path: str, media_type: str
) -> None:
    for each in (client, public_client):
        dataset = Dataset().parse(data=get(each, path, media_type), format=QUAD_FORMATS[media_type])
        turtle = Graph().parse(data=get(each, path, "text/turtle"), format="turtle")
        assert isomorphic(default_graph(dataset), turtle)


@pytest.mark.parametrize("media_type", sorted(QUAD_FORMATS))
def test_quad_formats_keep_which_source_says_what(
    client: FlaskClient, source: Dataset, media_type: str
) -> None:
    dataset = Dataset().parse(
        data=get(client, "meeting/m1", media_type), format=QUAD_FORMATS[media_type]
    )
    meeting = URIRef(BASE + "meeting/m1")

    def named(quads: object) -> set[tuple[object, ...]]:
        return {
            quad
            for quad in quads  # type: ignore[attr-defined]
            if quad[3] not in (None, DATASET_DEFAULT_GRAPH_ID)
            and not any(isinstance(term, BNode) for term in quad[:3])
        }

    answered = named(dataset.quads((None, None, None, None)))
    stated = named(source.quads((meeting, None, None, None)))
    assert stated <= answered
    assert {str(quad[3]) for quad in stated} == {
        BASE + "graph/source-a/passage",
        BASE + "graph/source-b/passage",
    }
    assert answered <= named(source.quads((None, None, None, None)))


@pytest.mark.parametrize("path", PATHS)
def test_turtle_description_has_one_block_per_subject_and_only_the_prefixes_it_uses(
    client: FlaskClient, public_client: FlaskClient, path: str
) -> None:
    for each in (client, public_client):
        expected = from_jsonld(get(each, path, "application/ld+json"))
        assert_reads_like_the_dump(get(each, path, "text/turtle"), expected)


def test_turtle_description_starts_with_the_resource_described(client: FlaskClient) -> None:
    text = get(client, "meeting/m1", "text/turtle").decode("utf-8")
    first = next(line for line in text.splitlines() if not line.startswith("@prefix"))
    assert first.startswith(f"<{BASE}meeting/m1> ")
