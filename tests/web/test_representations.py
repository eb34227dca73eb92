"""Every media type of every route, parsed with a real parser and compared as RDF."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import rdflib
from ctc_kg.content.context import jsonld_to_nquads
from ctc_kg.content.load import load_content
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, SKOS

from tests.web.conftest import BASE, content_files

RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}
DATASET_TYPES = {"application/trig", "application/n-quads"}
M1 = URIRef(BASE + "meeting/m1")


@pytest.fixture(scope="module")
def source() -> Dataset:
    return load_content(content_files()).dataset


def expected_description(dataset: Dataset, iri: URIRef) -> Graph:
    """The concise bounded description, computed independently with rdflib: outgoing
    statements and the blank nodes they reach, incoming statements, and the labels of
    every IRI named, including the graphs the statements come from."""
    quads = list(dataset.quads((None, None, None, None)))
    found: set[tuple] = set()
    pending = [iri]
    seen = set()
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for quad in quads:
            if quad[0] == node:
                found.add(quad)
                if isinstance(quad[2], BNode):
                    pending.append(quad[2])
    found.update(quad for quad in quads if quad[2] == iri)
    mentioned = {t for quad in found for t in quad if isinstance(t, URIRef)} - {iri}
    labels = {q for q in quads if q[0] in mentioned and q[1] in (RDFS.label, SKOS.prefLabel)}
    graph = Graph()
    for s, p, o, _ in found | labels:
        graph.add((s, p, o))
    return graph


def parse(body: bytes, content_type: str) -> Graph:
    media_type = content_type.split(";")[0]
    if media_type == "application/ld+json":
        # Offline: the document cites the published context, which the loader serves.
        document = json.loads(body)
        context = document.get("@context") if isinstance(document, dict) else None
        base = context.removesuffix("context/v1.jsonld") if isinstance(context, str) else BASE
        nquads = jsonld_to_nquads(document, base)
        return Graph().parse(data=nquads, format="nt")
    if media_type in DATASET_TYPES:
        dataset = Dataset()
        dataset.parse(data=body, format=RDF_TYPES[media_type])
        union = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    return Graph().parse(data=body, format=RDF_TYPES[media_type])


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
def test_resource_description_is_the_concise_bounded_description(client, source, media_type):
    response = client.get("/meeting/m1", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(media_type)
    assert "Accept" in response.headers["Vary"]
    assert isomorphic(
        parse(response.data, response.headers["Content-Type"]), expected_description(source, M1)
    )


@pytest.mark.parametrize("media_type", sorted(DATASET_TYPES))
def test_dataset_formats_keep_the_source_graphs(client, media_type):
    response = client.get("/meeting/m1", headers={"Accept": media_type})
    dataset = Dataset()
    dataset.parse(data=response.data, format=RDF_TYPES[media_type])
    graphs = {str(g) for _, _, _, g in dataset.quads((M1, None, None, None))}
    assert BASE + "graph/source-a/passage" in graphs
    assert BASE + "graph/source-b/passage" in graphs


def test_resource_html_is_the_default(client):
    response = client.get("/meeting/m1")
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Test meeting" in response.get_data(as_text=True)


def test_resource_links_name_the_other_formats(client):
    response = client.get("/meeting/m1", headers={"Accept": "text/turtle"})
    link = response.headers["Link"]
    assert f'<{BASE}meeting/m1?format=jsonld>; rel="alternate"; type="application/ld+json"' in link
    assert 'type="text/turtle"' not in link


def test_format_parameter_overrides_accept(client):
    response = client.get("/meeting/m1?format=nt", headers={"Accept": "text/html"})
    assert response.headers["Content-Type"].startswith("application/n-triples")


def test_unknown_iri_returns_404(client):
    response = client.get("/meeting/none", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert BASE + "meeting/none" in response.get_data(as_text=True)


def test_unacceptable_type_returns_406_with_the_list(client):
    response = client.get("/meeting/m1", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)


def test_ontology_hash_terms_are_served_by_the_document(client, source):
    response = client.get("/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    terms = {s for s in graph.subjects() if str(s).startswith(BASE + "ontology#")}
    expected = {
        s
        for s, _, _, _ in source.quads((None, None, None, None))
        if str(s).startswith(BASE + "ontology#")
    }
    assert terms == expected
    assert terms


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
def test_construct_in_every_rdf_type(client, source, media_type):
    query = f"CONSTRUCT {{ <{M1}> ?p ?o }} WHERE {{ <{M1}> ?p ?o FILTER(!isBlank(?o)) }}"
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": media_type})
    assert response.status_code == 200
    expected = Graph()
    for s, p, o, _ in source.quads((M1, None, None, None)):
        if not isinstance(o, BNode):
            expected.add((s, p, o))
    assert isomorphic(parse(response.data, response.headers["Content-Type"]), expected)


SELECT = f"SELECT ?label WHERE {{ <{M1}> <{RDFS.label}> ?label }} ORDER BY ?label"
EXPECTED_LABELS = ["Réunion de test", "Test meeting"]


def _labels(body: bytes, media_type: str) -> list[str]:
    if media_type == "application/sparql-results+json":
        return [row["label"]["value"] for row in json.loads(body)["results"]["bindings"]]
    if media_type == "application/sparql-results+xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        return [e.text or "" for e in ET.fromstring(body).iter(f"{ns}literal")]
    if media_type == "text/csv":
        return [row[0] for row in list(csv.reader(io.StringIO(body.decode())))[1:]]
    rows = list(csv.reader(io.StringIO(body.decode()), delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    return [rdflib.util.from_n3(row[0]).value for row in rows]


@pytest.mark.parametrize(
    "media_type",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_select_in_every_results_type(client, media_type):
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(media_type)
    assert sorted(_labels(response.data, media_type)) == EXPECTED_LABELS


@pytest.mark.parametrize("path", ["/", "/.well-known/void", "/sparql"])
@pytest.mark.parametrize("media_type", list(RDF_TYPES))
def test_descriptions_agree_in_every_rdf_type(client, path, media_type):
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    response = client.get(path, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(media_type)
    assert isomorphic(parse(response.data, media_type), parse(turtle.data, "text/turtle"))


def test_service_description_names_the_endpoint(client):
    graph = Graph().parse(
        data=client.get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle"
    )
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (URIRef(BASE + "sparql"), sd.endpoint, URIRef(BASE + "sparql")) in graph


def test_sparql_without_query_for_a_browser_is_the_editor(client):
    response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<form" in response.get_data(as_text=True)


def test_void_names_a_sparql_endpoint_and_dumps(client):
    graph = Graph().parse(data=client.get("/.well-known/void").data, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    assert URIRef(BASE + "sparql") in set(graph.objects(None, void.sparqlEndpoint))
    assert URIRef(BASE + "dump/ctc-kg.ttl") in set(graph.objects(None, void.dataDump))


def test_etag_revalidation_answers_304(client):
    first = client.get("/meeting/m1", headers={"Accept": "text/turtle"})
    assert first.headers["Cache-Control"].startswith("public")
    again = client.get(
        "/meeting/m1", headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    other = client.get(
        "/meeting/m1",
        headers={"Accept": "application/n-triples", "If-None-Match": first.headers["ETag"]},
    )
    assert other.status_code == 200


def test_cors_on_responses_and_preflight(client):
    assert client.get("/meeting/m1").headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/meeting/none").headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


def test_health_reports_the_backend_and_triples(client, world):
    body = client.get("/health").get_json()
    assert body["status"] == "ok"
    assert body["backend"] == world.health_backend
    assert body["triples"] > 0
