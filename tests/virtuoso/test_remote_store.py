"""The remote backend over Virtuoso gives the embedded backend's answers: the competency
questions by value, resource descriptions by isomorphism, every media type parseable;
and it refuses, times out and reports errors as the Store interface says."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from ctc_kg.content.names import prefixes
from ctc_kg.errors import (
    BadRequestError,
    ForbiddenError,
    NotAcceptableError,
    QueryTimeoutError,
)
from ctc_kg.store.base import QueryForm, QueryRequest
from ctc_kg.store.embedded import EmbeddedStore
from ctc_kg.store.remote import RemoteStore, endpoint_of
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from .conftest import BASE, REPOSITORY

COMPETENCY = sorted((REPOSITORY / "queries").glob("*.rq"))
JSON = "application/sparql-results+json"
RESULTS_TYPES = [JSON, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
GRAPH_TYPES = [
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/trig",
    "application/n-quads",
]
DESCRIBED = [
    "meeting/2003-new-york",
    "meeting/2005-almaty",
    "organization/interpol",
    "place/vienna",
    "series/special-meetings",
    "graph/ctc-cooperation-fr/first-meeting",
    "ontology",
    "dataset",
]


@pytest.fixture(scope="session")
def embedded_store(
    tmp_path_factory: pytest.TempPathFactory, repository_quads: list[ox.Quad]
) -> Iterator[EmbeddedStore]:
    data = ox.serialize(repository_quads, format=ox.RdfFormat.N_QUADS) or b""
    store = EmbeddedStore.create(
        data, tmp_path_factory.mktemp("embedded") / "store", prefixes=prefixes(BASE), workers=1
    )
    yield store
    store.close()


def solutions(body: bytes) -> Counter[tuple[tuple[str, str], ...]]:
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    names = [v.value for v in parsed.variables]
    rows: Counter[tuple[tuple[str, str], ...]] = Counter()
    for row in parsed:
        rows[tuple((name, str(row[name])) for name in names if row[name] is not None)] += 1
    return rows


@pytest.mark.parametrize("path", COMPETENCY, ids=[p.stem for p in COMPETENCY])
def test_competency_questions_get_the_embedded_answers(path: Path, remote_store, embedded_store):
    request = QueryRequest(path.read_text(encoding="utf-8"), JSON, "application/n-triples")
    remote = remote_store.query(request)
    embedded = embedded_store.query(request)
    assert remote.form is embedded.form
    if remote.form.returns_graph:
        assert isomorphic(
            Graph().parse(data=remote.body, format="nt"),
            Graph().parse(data=embedded.body, format="nt"),
        )
    else:
        assert solutions(remote.body) == solutions(embedded.body)


def as_dataset(body: bytes) -> Dataset:
    dataset = Dataset()
    dataset.parse(data=body.decode("utf-8"), format="nquads")
    return dataset


def graphs_by_name(dataset: Dataset) -> dict[str, Graph]:
    found: dict[str, Graph] = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        found.setdefault(str(g), Graph()).add((s, p, o))
    return found


@pytest.mark.parametrize("path", DESCRIBED)
def test_describe_gives_the_embedded_description(path: str, remote_store, embedded_store):
    remote = remote_store.describe(BASE + path, "application/n-quads")
    embedded = embedded_store.describe(BASE + path, "application/n-quads")
    assert remote is not None
    assert embedded is not None
    assert remote.cut_at is embedded.cut_at is None
    got = graphs_by_name(as_dataset(remote.body))
    expected = graphs_by_name(as_dataset(embedded.body))
    assert sorted(got) == sorted(expected)
    assert all(isomorphic(got[name], expected[name]) for name in expected)


def test_describe_of_an_unknown_iri_is_none(remote_store):
    assert remote_store.describe(BASE + "meeting/1999-nowhere", "text/turtle") is None


@pytest.mark.parametrize("media_type", RESULTS_TYPES)
def test_select_answers_parse_in_every_results_type(media_type: str, remote_store):
    text = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    response = remote_store.query(QueryRequest(text, media_type, None))
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    if fmt == ox.QueryResultsFormat.CSV:  # lossy: pyoxigraph does not parse it
        lines = response.body.decode("utf-8").splitlines()
        assert lines[0] == "s,label"
        assert len(lines) > 10
    else:
        parsed = ox.parse_query_results(response.body, format=fmt)
        assert len(list(parsed)) > 10


@pytest.mark.parametrize("media_type", GRAPH_TYPES)
def test_construct_answers_parse_in_every_rdf_type(media_type: str, remote_store):
    text = (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(?s = <{BASE}meeting/2003-new-york>) }}"
    )
    response = remote_store.query(QueryRequest(text, None, media_type))
    fmt = ox.RdfFormat.from_media_type(media_type)
    assert fmt is not None
    triples = {(q.subject, q.predicate, q.object) for q in ox.parse(response.body, format=fmt)}
    assert (
        ox.NamedNode(BASE + "meeting/2003-new-york"),
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(BASE + "ontology#SpecialMeeting"),
    ) in triples


@pytest.mark.parametrize(
    ("text", "results", "graphs"),
    [
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", JSON, None),
        ("CONSTRUCT WHERE { ?s ?p ?o }", None, "text/turtle"),
    ],
)
def test_answers_stop_at_max_rows_and_say_so(text, results, graphs, remote_store):
    capped = remote_store.query(QueryRequest(text, results, graphs, max_rows=5))
    assert capped.truncated
    if graphs:
        assert len(Graph().parse(data=capped.body, format="turtle")) == 5
    else:
        assert len(json.loads(capped.body)["results"]["bindings"]) == 5
    whole = remote_store.query(QueryRequest(text, results, graphs, max_rows=100_000))
    assert not whole.truncated


def test_ask_answers_true_and_false(remote_store):
    yes = remote_store.query(
        QueryRequest(f"ASK {{ <{BASE}meeting/2004-vienna> ?p ?o }}", JSON, None)
    )
    no = remote_store.query(QueryRequest(f"ASK {{ <{BASE}meeting/1999-x> ?p ?o }}", JSON, None))
    assert yes.form is QueryForm.ASK
    assert json.loads(yes.body)["boolean"] is True
    assert json.loads(no.body)["boolean"] is False


def test_relative_iris_resolve_against_the_requests_base(remote_store):
    text = "ASK { <meeting/2004-vienna> ?p ?o }"
    answer = remote_store.query(QueryRequest(text, JSON, None, base_iri=BASE))
    assert json.loads(answer.body)["boolean"] is True


def test_a_query_with_from_keeps_its_own_dataset(remote_store):
    text = (
        f"SELECT (COUNT(*) AS ?n) FROM <{BASE}graph/ctc-cooperation-fr/title> WHERE {{ ?s ?p ?o }}"
    )
    rows = json.loads(remote_store.query(QueryRequest(text, JSON, None)).body)
    assert rows["results"]["bindings"][0]["n"]["value"] == "2"


def test_updates_are_refused_before_reaching_the_store(remote_store):
    with pytest.raises(ForbiddenError):
        remote_store.query(QueryRequest(f"DROP GRAPH <{BASE}graph/editorial>", JSON, None))
    ask = f"ASK {{ GRAPH <{BASE}graph/editorial> {{ ?s ?p ?o }} }}"
    assert json.loads(remote_store.query(QueryRequest(ask, JSON, None)).body)["boolean"]


def test_service_outside_the_allow_list_is_refused(remote_store):
    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with pytest.raises(ForbiddenError):
        remote_store.query(QueryRequest(text, JSON, None))


def test_a_malformed_query_is_a_bad_request_with_the_stores_message(remote_store):
    with pytest.raises(BadRequestError) as caught:
        remote_store.query(QueryRequest("SELECT * WHERE { ?s ?p }", JSON, None))
    assert "syntax error" in str(caught.value)
    assert "SPARQL query:" not in str(caught.value)


def test_no_acceptable_type_for_the_form_is_not_acceptable(remote_store):
    with pytest.raises(NotAcceptableError):
        remote_store.query(QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }", JSON, None))


def test_a_query_past_the_time_limit_is_stopped_with_a_timeout(remote_store):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(QueryTimeoutError):
        remote_store.query(QueryRequest(text, JSON, None, timeout=1.0))


def test_health_reports_the_loaded_triples(remote_store, repository_quads):
    health = remote_store.health()
    assert health.ok
    assert health.backend == "sparql"
    assert health.triples == len({(q.subject, q.predicate, q.object) for q in repository_quads})


@pytest.mark.parametrize(
    ("spec", "endpoint"),
    [
        ("sparql+http://127.0.0.1:8890/sparql", "http://127.0.0.1:8890/sparql"),
        ("sparql+https://example.org/ds/query", "https://example.org/ds/query"),
        ("embedded", None),
        ("sparql+ftp://example.org/x", None),
        ("http://127.0.0.1:8890/sparql", None),
    ],
)
def test_store_specs_name_a_remote_endpoint_only_with_sparql_plus_http(spec, endpoint):
    assert endpoint_of(spec) == endpoint


def test_credentials_in_the_url_are_kept_out_of_messages():
    store = RemoteStore(
        "http://loader:secret@127.0.0.1:9/sparql", base_iri=BASE, prefixes=prefixes(BASE)
    )
    assert store.endpoint.url == "http://127.0.0.1:9/sparql"
    assert (store.endpoint.user, store.endpoint.password) == ("loader", "secret")
    assert "secret" not in store.health().message
