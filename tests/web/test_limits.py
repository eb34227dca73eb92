"""What must never run: runaway queries are stopped, SERVICE reaches nothing unlisted."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from ctc_kg.content.names import prefixes
from ctc_kg.errors import BadRequestError, ForbiddenError, QueryTimeoutError
from ctc_kg.store.base import QueryRequest
from ctc_kg.store.embedded import EmbeddedStore
from ctc_kg.store.querytext import Operation, analyse, check_query

from tests.web.conftest import BASE, embedded_only

JSON = "application/sparql-results+json"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIMIT = 1.0


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> EmbeddedStore:
    lines = [f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(3000)]
    store = EmbeddedStore.create(
        "".join(lines).encode(),
        Path(tmp_path_factory.mktemp("limits")) / "store",
        prefixes=prefixes(BASE),
        workers=2,
        timeout=LIMIT,
    )
    store.start()
    yield store
    store.close()


@pytest.mark.slow
def test_runaway_query_is_stopped_and_the_next_answers(small_store):
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError):
        small_store.query(QueryRequest(RUNAWAY, JSON, None))
    stopped = time.monotonic() - started
    assert stopped < LIMIT + 1.0
    answer = small_store.query(QueryRequest("ASK { ?s ?p ?o }", JSON, None))
    assert b"true" in answer.body
    assert small_store.health().ok


# Embedded only: the store is the small killable-worker pyoxigraph store above; the world
# gives only its build. The remote backend's time limit is tested against Virtuoso in
# tests/virtuoso/test_remote_store.py.
@embedded_only
def test_runaway_query_over_http_gets_503_with_a_clear_message(small_store, world):
    from ctc_kg.web.app import create_app

    from tests.web.conftest import web_settings

    client = create_app(web_settings(), small_store, dist=world.dist).test_client()
    response = client.get("/sparql", query_string={"query": RUNAWAY})
    assert response.status_code == 503
    assert "stopped" in response.get_data(as_text=True)
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_service_to_an_unlisted_address_is_refused_and_never_contacted(client, listener):
    port, seen = listener
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 403
    assert "SERVICE" in response.get_data(as_text=True)
    time.sleep(0.5)
    assert seen == []


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { service <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "PREFIX x: <http://127.0.0.1:9/> SELECT * { SERVICE x:sparql { ?s ?p ?o } }",
        "SELECT * { SERVICE ?where { ?s ?p ?o } }",
        "BASE <http://127.0.0.1:9/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE <http://127.0.0.1:9/\\u0041> { ?s ?p ?o } }",
        "SELECT * { ?s ?p 'x' SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * { FILTER(?a<?b) SERVICE<http://127.0.0.1:9/>{ ?s ?p ?o } }",
    ],
)
def test_service_is_refused_whatever_its_spelling(query):
    with pytest.raises(ForbiddenError):
        check_query(query, ())


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "SERVICE <http://127.0.0.1:9/> { }" }',
        "SELECT * { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/> { }",
        "PREFIX ex: <http://example.org/> SELECT * { ?s ex:SERVICE ?service }",
    ],
)
def test_service_inside_strings_comments_and_names_is_not_a_clause(query):
    assert check_query(query, ()) is Operation.SELECT


def test_service_on_the_allow_list_is_accepted():
    query = "SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }"
    assert check_query(query, ("https://query.wikidata.org/sparql",)) is Operation.SELECT


@pytest.mark.parametrize(
    ("text", "operation"),
    [
        ("PREFIX a: <http://a/> SELECT * {}", Operation.SELECT),
        ("BASE <http://a/> ASK {}", Operation.ASK),
        ("# comment\nCONSTRUCT WHERE { ?s ?p ?o }", Operation.CONSTRUCT),
        ("describe <http://a/>", Operation.DESCRIBE),
        ("INSERT DATA { <a:b> <a:c> 1 }", Operation.UPDATE),
        (
            "PREFIX a: <http://a/> WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
            Operation.UPDATE,
        ),
        ("LOAD <http://127.0.0.1:9/x.ttl>", Operation.UPDATE),
        ("CLEAR ALL", Operation.UPDATE),
    ],
)
def test_operation_is_recognised(text, operation):
    assert analyse(text).operation is operation


# Each of these reached the address through ctc-kg: the policy lexer read the text one way,
# pyoxigraph's parser another (it matches keywords without a word boundary, reads `<` after
# a value in an expression as less-than, `<<` as a quoted triple, and `\u` escapes in IRIs).
HIDDEN_SERVICE = {
    "less-than-quote": "SELECT * {{ ?s ?p ?o FILTER(?o<'>') SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "less-than-hash": (
        'PREFIX a: <http://a/> SELECT * {{ ?s ?p ?o FILTER(?o<a:b#>) """\n'
        '|| true) SERVICE <{url}> {{ ?s ?p ?o }} # """\n}}'
    ),
    "quoted-triple": (
        "SELECT * {{ ?s ?p ?o BIND(<<(?s?p'x>')>> AS ?t) SERVICE <{url}> {{ ?s ?p ?o }} #'\n}}"
    ),
    "escape-in-iri": "SELECT * {{ ?s ?p <x:a\\u0041'> SERVICE <{url}> {{ ?s ?p ?o }} #'\n}}",
    "after-integer": "SELECT * {{ ?s ?p 1SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "after-integer-dot": "SELECT * {{ ?s ?p 1.SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "after-boolean": "SELECT * {{ ?s ?p trueSERVICE <{url}> {{ ?s ?p ?o }} }}",
    "empty-prefix": "PREFIX : <{url}> SELECT * {{ ?s ?p ?o SERVICE:{{ ?s ?p ?o }} }}",
    "glued-prefix": "PREFIX ex: <{url}> SELECT * {{ ?s ?p ?o SERVICEex:{{ ?s ?p ?o }} }}",
    "glued-silent": "PREFIX ex: <{url}> SELECT * {{ ?s ?p ?o SERVICESILENT ex:{{ ?s ?p ?o }} }}",
    "in-local-name": (
        "PREFIX ex: <http://a/> SELECT * {{ ?s ?p ex:.SERVICE<{url}>{{ ?s ?p ?o }} }}"
    ),
}


def engine_calls(query: str, seen: list[object]) -> bool:
    """Whether pyoxigraph, on its own, calls the listener for `query` (over data that makes
    every pattern before the clause match)."""
    store = ox.Store()
    subject, predicate = ox.NamedNode("http://a/s"), ox.NamedNode("http://a/p")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    for value in (
        ox.Literal("!"),
        ox.Literal("1", datatype=ox.NamedNode(xsd + "integer")),
        ox.Literal("true", datatype=ox.NamedNode(xsd + "boolean")),
        ox.NamedNode("x:aA'"),
        ox.NamedNode("http://a/"),
    ):
        store.add(ox.Quad(subject, predicate, value))
    with contextlib.suppress(OSError):  # the listener hangs up
        list(store.query(query))
    deadline = time.monotonic() + 2
    while not seen and time.monotonic() < deadline:
        time.sleep(0.05)
    return bool(seen)


@pytest.mark.parametrize("template", HIDDEN_SERVICE.values(), ids=HIDDEN_SERVICE.keys())
def test_service_hidden_from_the_lexer_but_read_by_the_engine_is_refused(
    client, listener, template
):
    port, seen = listener
    query = template.format(url=f"http://127.0.0.1:{port}/sparql")
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code in (400, 403), response.get_data(as_text=True)
    time.sleep(0.3)
    assert seen == []
    assert engine_calls(query, seen), "the engine no longer reads a SERVICE clause here"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o FILTER(?o != <a:b#c>) }",
        "SELECT * { VALUES (?a ?b) { (<a:x#1> <a:y#2>) (UNDEF <a:z#3>) } }",
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
        "SELECT * { ?s rdf:value (<a:x#1> <a:y#2>) . ?t ?p (<a:x#1> <a:y#2>) }",
        "SELECT * { ?s ?p ?o FILTER(?p IN (<a:b#c>, <a:d#e>)) FILTER <a:f#g>(?o) }",
        "SELECT (COUNT(DISTINCT <a:b#c>) AS ?n) { ?s ?p ?o }",
        "SELECT * { ?s ?p ?o FILTER NOT EXISTS { ?s <a:x#p> ?o } FILTER(?o < 'x') }",
        "SELECT * { { SELECT ?x WHERE { ?x ?p ?y } ORDER BY ?x <a:f#g>(?y) } }",
        "PREFIX schema: <https://schema.org/> SELECT * { ?s schema:serviceType ?t . { ?a ?b ?c } }",
        "PREFIX service: <http://e/> SELECT * { service:x ?p ?o GRAPH service:g { ?a ?b ?c } }",
    ],
)
def test_iris_with_a_hash_and_names_with_service_in_ordinary_places_are_accepted(query):
    assert check_query(query, ()) is Operation.SELECT


def test_an_iri_that_may_be_a_comparison_with_a_quote_is_refused_as_ambiguous():
    with pytest.raises(BadRequestError, match="ambiguous"):
        check_query("SELECT * { ?s ?p ?o FILTER(?o<'5'&&?o>'3') }", ())
    assert check_query("SELECT * { ?s ?p ?o FILTER(?o < '5' && ?o > '3') }", ()) is Operation.SELECT
