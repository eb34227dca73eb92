"""Triple and Quad Pattern Fragments at /fragments, over both backends: the data a
fragment holds, its Hydra controls, paging and counts, read back with rdflib."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from ctc_kg.content.context import jsonld_to_nquads
from ctc_kg.store.base import Description, Health, QueryRequest, QueryResponse, Store
from ctc_kg.store.fragments import QuadPattern, read_fragment
from ctc_kg.store.version import DataVersion
from ctc_kg.web.app import create_app
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, RDF, VOID, XSD

from tests.pages.conftest import parse_html
from tests.web.conftest import BASE, PUBLIC, World, embedded_only, web_settings

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SCHEMA = Namespace("https://schema.org/")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
M1 = BASE + "meeting/m1"
SOURCE_A = BASE + "graph/source-a/passage"
SOURCE_B = BASE + "graph/source-b/passage"
DEFAULT_GRAPH = BASE + "fragments#default-graph"
TRIG = {"Accept": "application/trig"}


def fetch(client: FlaskClient, url: str, **params: str) -> Dataset:
    response = client.get(url, query_string=params or None, headers=TRIG)
    assert response.status_code == 200, response.data
    assert response.headers["Content-Type"].startswith("application/trig")
    return Dataset().parse(data=response.data, format="trig")


def metadata_graph(dataset: Dataset) -> tuple[URIRef, Graph]:
    """The page IRI and its metadata graph: the one graph whose primary topic is a page."""
    found = [(g, s, o) for s, _, o, g in dataset.quads((None, FOAF.primaryTopic, None, None))]
    assert len(found) == 1, found
    graph, subject, page = found[0]
    assert subject == graph  # the graph names itself as about the page
    return URIRef(page), dataset.graph(graph)


def data_quads(dataset: Dataset) -> set[tuple[str, str, str, str | None]]:
    """The data of a fragment: every quad outside the metadata graph (None: the default
    graph)."""
    _, meta = metadata_graph(dataset)
    found = set()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if g == meta.identifier:
            continue
        name = None if g is None or g == dataset.default_graph.identifier else str(g)
        found.add((str(s), str(p), o.n3() if isinstance(o, Literal) else str(o), name))
    return found


def count_of(meta: Graph, page: URIRef) -> int:
    total = meta.value(page, HYDRA.totalItems)
    assert total is not None
    assert meta.value(page, VOID.triples) == total
    assert total.datatype == XSD.integer
    return int(total)


def sparql_rows(client: FlaskClient, query: str) -> list[dict[str, dict[str, str]]]:
    response = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200, response.data
    return list(json.loads(response.data)["results"]["bindings"])


def test_a_subject_fragment_holds_its_quads_in_every_graph_and_the_union(client):
    dataset = fetch(client, "/fragments", subject=M1, predicate=str(SCHEMA.startDate))
    start = '"2003-03-06"^^<http://www.w3.org/2001/XMLSchema#date>'
    triple = (M1, str(SCHEMA.startDate), start)
    # Two sources state it; the default graph (the union) holds it once.
    assert data_quads(dataset) == {(*triple, None), (*triple, SOURCE_A), (*triple, SOURCE_B)}
    page, meta = metadata_graph(dataset)
    assert count_of(meta, page) == 3
    assert meta.value(page, HYDRA.next) is None


def test_the_default_graph_fragment_is_the_union_with_each_triple_once(client):
    dataset = fetch(client, "/fragments", subject=M1, graph=DEFAULT_GRAPH)
    found = data_quads(dataset)
    expected = {
        (row["p"]["value"], row["o"]["value"])
        for row in sparql_rows(client, f"SELECT ?p ?o WHERE {{ <{M1}> ?p ?o }}")
    }
    assert {graph for *_, graph in found} == {None}
    assert len(found) == len(expected) == count_of(*reversed(metadata_graph(dataset)))
    assert (str(SCHEMA.startDate), '"2003-03-06"^^<http://www.w3.org/2001/XMLSchema#date>') in {
        (p, o) for _, p, o, _ in found
    }


def test_a_named_graph_fragment_holds_that_graph_alone(client):
    dataset = fetch(client, "/fragments", graph=SOURCE_B)
    found = data_quads(dataset)
    expected = sparql_rows(client, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{SOURCE_B}> {{ ?s ?p ?o }} }}")
    assert {graph for *_, graph in found} == {SOURCE_B}
    assert {(s, p) for s, p, _, _ in found} == {
        (r["s"]["value"], r["p"]["value"]) for r in expected
    }
    assert count_of(*reversed(metadata_graph(dataset))) == len(expected)


def test_literals_in_hydras_explicit_representation_select_their_triples(client):
    by_label = fetch(client, "/fragments", object='"Réunion de test"@fr', graph=DEFAULT_GRAPH)
    assert {(s, p) for s, p, _, _ in data_quads(by_label)} == {(M1, str(RDFS_LABEL))}
    typed = '"2003-03-06"^^http://www.w3.org/2001/XMLSchema#date'
    by_date = fetch(client, "/fragments", object=typed, graph=DEFAULT_GRAPH)
    dated = sparql_rows(
        client, 'SELECT ?s ?p { ?s ?p "2003-03-06"^^<http://www.w3.org/2001/XMLSchema#date> }'
    )
    assert {(s, p) for s, p, _, _ in data_quads(by_date)} == {
        (row["s"]["value"], row["p"]["value"]) for row in dated
    }
    assert M1 in {s for s, _, _, _ in data_quads(by_date)}


@pytest.mark.parametrize(
    "params",
    [{"subject": '"a literal"'}, {"predicate": '"x"@en'}, {"subject": "_:b0"}, {"object": "_:b1"}],
)
def test_terms_no_quad_can_hold_there_give_an_empty_fragment(client, params):
    dataset = fetch(client, "/fragments", **params)
    assert data_quads(dataset) == set()
    assert count_of(*reversed(metadata_graph(dataset))) == 0


@pytest.mark.parametrize(
    "params",
    [
        {"subject": "https://exa mple.org/x"},
        {"object": '"unterminated'},
        {"object": '"x"@not a tag'},
        {"page": "0"},
        {"page": "two"},
    ],
)
def test_malformed_terms_and_pages_are_rejected_with_400(client, params):
    assert client.get("/fragments", query_string=params, headers=TRIG).status_code == 400


def test_controls_describe_the_quad_pattern_template_and_the_default_graph(client):
    dataset = fetch(client, "/fragments", subject=M1)
    page, meta = metadata_graph(dataset)
    source = URIRef(BASE + "dataset")
    assert (source, VOID.subset, page) in meta
    assert (source, RDF.type, HYDRA.Collection) in meta
    assert (source, SD.defaultGraph, URIRef(DEFAULT_GRAPH)) in meta
    search = meta.value(source, HYDRA.search)
    assert meta.value(search, HYDRA.template) == Literal(
        BASE + "fragments{?subject,predicate,object,graph}"
    )
    assert meta.value(search, HYDRA.variableRepresentation) == HYDRA.ExplicitRepresentation
    mappings = {
        str(meta.value(m, HYDRA.variable)): meta.value(m, HYDRA.property)
        for m in meta.objects(search, HYDRA.mapping)
    }
    assert mappings == {
        "subject": RDF.subject,
        "predicate": RDF.predicate,
        "object": RDF.object,
        "graph": SD.graph,
    }
    assert (page, RDF.type, HYDRA.PartialCollectionView) in meta
    assert int(meta.value(page, HYDRA.itemsPerPage)) == 100
    assert meta.value(page, HYDRA.first) == URIRef(BASE + "fragments?subject=" + _quoted(M1))


@pytest.mark.parametrize("accept", ["application/trig", "application/n-quads"])
def test_quad_formats_keep_the_metadata_and_named_graphs_out_of_the_default_graph(client, accept):
    """The dumps and descriptions repeat every statement in the default graph; a fragment
    must not, or its metadata would be default-graph data to a QPF client."""
    response = client.get(
        "/fragments", query_string={"graph": SOURCE_B}, headers={"Accept": accept}
    )
    dataset = Dataset().parse(data=response.data, format="trig" if "trig" in accept else "nquads")
    assert len(dataset.default_graph) == 0
    page, meta = metadata_graph(dataset)
    assert count_of(meta, page) == len(data_quads(dataset))


def _quoted(iri: str) -> str:
    return iri.replace(":", "%3A").replace("/", "%2F")


def walk(client: FlaskClient, start: str) -> Iterator[tuple[URIRef, Graph, Dataset]]:
    """Every page of a fragment, following hydra:next from `start`."""
    url: str | None = start
    while url is not None:
        dataset = fetch(client, url.removeprefix(BASE[:-1]))
        page, meta = metadata_graph(dataset)
        assert str(page) == url
        yield page, meta, dataset
        following = meta.value(page, HYDRA.next)
        url = None if following is None else str(following)


def test_pages_of_a_hundred_cover_every_quad_once_and_link_to_each_other(client):
    pages = list(walk(client, BASE + "fragments"))
    assert len(pages) >= 3
    seen: list[tuple[str, str, str, str | None]] = []
    for number, (page, meta, dataset) in enumerate(pages, start=1):
        quads = data_quads(dataset)
        seen += quads
        assert len(quads) == (100 if number < len(pages) else len(quads))
        assert meta.value(page, HYDRA.first) == URIRef(BASE + "fragments")
        previous = meta.value(page, HYDRA.previous)
        assert previous == (None if number == 1 else pages[number - 2][0])
        assert count_of(meta, page) == count_of(pages[0][1], pages[0][0])
    assert len(seen) == len(set(seen)) == count_of(pages[0][1], pages[0][0])
    in_graphs = sparql_rows(client, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    in_union = sparql_rows(client, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert len(seen) == int(in_graphs[0]["n"]["value"]) + int(in_union[0]["n"]["value"])


def test_a_page_past_the_end_is_empty_and_keeps_the_count(client):
    dataset = fetch(client, "/fragments", subject=M1, page="7")
    page, meta = metadata_graph(dataset)
    assert data_quads(dataset) == set()
    assert count_of(meta, page) == len(data_quads(fetch(client, "/fragments", subject=M1)))
    assert meta.value(page, HYDRA.next) is None


def test_counts_stop_at_their_limit_and_say_they_are_an_estimate(world: World):
    pattern = QuadPattern(graph=None)
    whole = read_fragment(world.store, pattern, 0, 10, count_limit=1_000_000)
    assert whole.exact
    assert whole.count > 40
    assert whole.has_next
    capped = read_fragment(world.store, pattern, 10, 10, count_limit=25)
    assert (capped.count, capped.exact, capped.has_next) == (25, False, True)
    assert len(capped.quads) == 10
    assert set(capped.quads).isdisjoint(whole.quads)
    last = read_fragment(world.store, pattern, whole.count - 3, 10, count_limit=25)
    assert (len(last.quads), last.count, last.exact, last.has_next) == (3, whole.count, True, False)
    single = read_fragment(
        world.store,
        QuadPattern(ox.NamedNode(M1), ox.NamedNode(str(SCHEMA.startDate)), None, None),
        0,
        10,
    )
    assert {q.graph_name for q in single.quads} == {
        ox.DefaultGraph(),
        ox.NamedNode(SOURCE_A),
        ox.NamedNode(SOURCE_B),
    }


@pytest.mark.parametrize(
    ("accept", "parse"),
    [
        ("text/turtle", "turtle"),
        ("application/n-quads", "nquads"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
    ],
)
def test_every_rdf_format_holds_the_data_and_the_count(client, accept, parse):
    response = client.get(
        "/fragments", query_string={"subject": M1, "graph": SOURCE_B}, headers={"Accept": accept}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(accept)
    dataset = Dataset()
    if parse == "json-ld":  # expanded with the published context, served locally
        dataset.parse(data=jsonld_to_nquads(json.loads(response.data), BASE), format="nquads")
    else:
        dataset.parse(data=response.data, format=parse)
    union = {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}
    assert (URIRef(M1), SCHEMA.startDate, Literal("2003-03-06", datatype=XSD.date)) in union
    counts = {o for s, p, o in union if p == HYDRA.totalItems}
    assert [int(c) for c in counts] == [1]


def test_rdf_xml_is_not_offered(client):
    response = client.get("/fragments", headers={"Accept": "application/rdf+xml"})
    assert response.status_code == 406


def test_the_html_page_has_a_form_the_matches_and_the_next_page(client):
    response = client.get("/fragments", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.data.decode("utf-8")
    parse_html(page)  # strict HTML5: any parse error raises
    for name in ("subject", "predicate", "object", "graph"):
        assert f'name="{name}"' in page
    assert 'rel="next" href="/fragments?page=2"' in page
    assert page.count("<tr>") == 101  # the header and a hundred quads
    found = client.get(
        "/fragments", query_string={"subject": M1, "lang": "fr"}, headers={"Accept": "text/html"}
    ).data.decode("utf-8")
    parse_html(found)
    assert "Réunion de test" in found
    assert 'lang="fr"' in found
    assert "/fragments?subject=" + _quoted(M1) + "&amp;predicate=" in found


def test_behind_a_public_url_the_iris_and_the_template_are_the_public_ones(public_client):
    public_m1 = PUBLIC + "meeting/m1"
    response = public_client.get("/fragments", query_string={"subject": public_m1}, headers=TRIG)
    dataset = Dataset().parse(data=response.data, format="trig")
    page, meta = metadata_graph(dataset)
    assert str(page).startswith(PUBLIC + "fragments?subject=")
    assert {s for s, _, _, _ in data_quads(dataset)} == {public_m1}
    search = meta.value(URIRef(PUBLIC + "dataset"), HYDRA.search)
    assert str(meta.value(search, HYDRA.template)).startswith(PUBLIC + "fragments{?")
    assert (
        URIRef(PUBLIC + "dataset"),
        SD.defaultGraph,
        URIRef(PUBLIC + "fragments#default-graph"),
    ) in meta
    assert BASE.encode() not in response.data.replace(_quoted(BASE).encode(), b"")


class Versioned(Store):
    """The world's store with a data version the test sets (as `ctc-kg load` changes a
    remote store's)."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.current = DataVersion("first")

    def version(self) -> DataVersion:
        return self.current

    def query(self, request: QueryRequest) -> QueryResponse:
        return self.inner.query(request)

    def describe(self, iri: str, media_type: str) -> Description | None:
        return self.inner.describe(iri, media_type)

    def health(self) -> Health:
        return self.inner.health()

    def close(self) -> None:
        """The world's store is closed by its fixture."""


@embedded_only  # the version is the test's, whatever store answers
def test_fragments_are_validated_and_cached_per_data_version(world: World):
    store = Versioned(world.store)
    client = create_app(web_settings(), store, dist=world.dist).test_client()
    url = "/fragments?subject=" + _quoted(M1)
    first = client.get(url, headers=TRIG)
    assert first.headers["Cache-Control"].startswith("public")
    assert (
        client.get(url, headers={**TRIG, "If-None-Match": first.headers["ETag"]}).status_code == 304
    )
    store.current = DataVersion("second")
    again = client.get(url, headers={**TRIG, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]


def test_the_dataset_description_advertises_the_fragments(client):
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    fragments = URIRef(BASE + "fragments")
    assert (
        URIRef(BASE + "dataset"),
        VOID.uriLookupEndpoint,
        URIRef(BASE + "fragments?subject="),
    ) in graph
    assert graph.value(fragments, URIRef("http://www.w3.org/ns/dcat#endpointURL")) == fragments
    conforms = set(graph.objects(fragments, URIRef("http://purl.org/dc/terms/conformsTo")))
    assert (
        URIRef("https://linkeddatafragments.org/specification/triple-pattern-fragments/")
        in conforms
    )
