"""--public-url and X-Forwarded-*: the public base in everything returned, and back in queries."""

from __future__ import annotations

import json

import pytest
import rdflib
from ctc_kg.web.rewrite import ForwardedHeaders, IriMap, public_base
from rdflib import Graph, Literal, URIRef

from tests.web.conftest import BASE, PUBLIC


def test_resource_is_served_with_public_iris(public_client):
    response = public_client.get("/meeting/m1", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    subjects = {str(s) for s in graph.subjects()}
    assert PUBLIC + "meeting/m1" in subjects
    assert not any(
        str(t).startswith(BASE) for triple in graph for t in triple if isinstance(t, URIRef)
    )


def test_literal_mentioning_the_base_is_left_alone(public_client):
    query = f"SELECT ?q WHERE {{ <{PUBLIC}graph/source-a/passage> ?p ?q FILTER(isLiteral(?q)) }}"
    response = public_client.get("/sparql", query_string={"query": query})
    values = {row["q"]["value"] for row in response.get_json()["results"]["bindings"]}
    assert "The page at https://w3id.org/ctc-kg/meeting/m1 says so." in values


def test_uri_space_literal_follows_the_public_base(public_client):
    query = "SELECT ?space WHERE { ?d <http://rdfs.org/ns/void#uriSpace> ?space }"
    response = public_client.get("/sparql", query_string={"query": query})
    values = {row["space"]["value"] for row in response.get_json()["results"]["bindings"]}
    assert PUBLIC in values


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_query_with_public_iris_matches_and_answers_public_iris(public_client, accept):
    query = f"SELECT ?place WHERE {{ <{PUBLIC}meeting/m1> <https://schema.org/location> ?place }}"
    response = public_client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": accept}
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert PUBLIC + "place/p1" in text
    assert BASE + "place/p1" not in text


def test_prefix_declarations_are_rewritten_but_strings_are_not(public_client):
    query = (
        f"PREFIX m: <{PUBLIC}meeting/>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        f'SELECT ?l WHERE {{ m:m1 rdfs:label ?l FILTER(?l != "{PUBLIC}") }}'
    )
    response = public_client.get("/sparql", query_string={"query": query})
    assert len(response.get_json()["results"]["bindings"]) == 2


def test_construct_as_jsonld_cites_the_public_context(public_client):
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    query = f"CONSTRUCT WHERE {{ <{PUBLIC}meeting/m1> {label} ?l }}"
    response = public_client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/ld+json"}
    )
    document = json.loads(response.data)
    assert document["@context"] == PUBLIC + "context/v1.jsonld"


def test_public_context_maps_the_ontology_prefix_to_the_public_base(public_client):
    context = json.loads(public_client.get("/context/v1.jsonld").data)["@context"]
    assert context["ctckg"] == PUBLIC + "ontology#"


def test_dump_is_rewritten_term_by_term(public_client):
    response = public_client.get("/dump/ctc-kg.nt")
    graph = Graph().parse(data=response.data, format="nt")
    assert (
        URIRef(PUBLIC + "meeting/m1"),
        rdflib.RDFS.label,
        Literal("Test meeting", lang="en"),
    ) in graph
    assert not any(
        str(t).startswith(BASE) for triple in graph for t in triple if isinstance(t, URIRef)
    )


def test_forwarded_headers_set_the_base_when_trusted(proxied_app):
    client = proxied_app.test_client()
    headers = {
        "Accept": "text/turtle",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "data.example.org",
        "X-Forwarded-Prefix": "/ctc",
    }
    graph = Graph().parse(data=client.get("/meeting/m1", headers=headers).data, format="turtle")
    assert URIRef("https://data.example.org/ctc/meeting/m1") in set(graph.subjects())


def test_forwarded_headers_are_ignored_unless_trusted(client):
    headers = {"Accept": "text/turtle", "X-Forwarded-Host": "evil.example"}
    graph = Graph().parse(data=client.get("/meeting/m1", headers=headers).data, format="turtle")
    assert URIRef(BASE + "meeting/m1") in set(graph.subjects())


def test_public_base_order():
    forwarded = ForwardedHeaders("http", "h.example", None)
    assert public_base(BASE, PUBLIC, forwarded) == "http://h.example/"
    assert public_base(BASE, "http://x.example/kg", None) == "http://x.example/kg/"
    assert public_base(BASE, None, None) == BASE


def test_query_inward_leaves_strings_and_comments():
    iri_map = IriMap(BASE, PUBLIC)
    text = f'SELECT * {{ <{PUBLIC}a> ?p "{PUBLIC}a" }} # <{PUBLIC}b>'
    assert iri_map.query_inward(text) == f'SELECT * {{ <{BASE}a> ?p "{PUBLIC}a" }} # <{PUBLIC}b>'
