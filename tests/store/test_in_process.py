"""Queries answered in the web worker (store.inprocess) give the query process's answer,
and a runaway query is still stopped at the time limit while bounded ones answer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from ctc_kg.content.names import prefixes
from ctc_kg.errors import NotAcceptableError, QueryTimeoutError
from ctc_kg.store import degrees
from ctc_kg.store.base import QueryRequest
from ctc_kg.store.bounded import MAX_ROWS, rows_bound
from ctc_kg.store.embedded import EmbeddedStore
from ctc_kg.store.queryshape import shape
from ctc_kg.store.querytext import analyse

from tests.backends import BASE

ROOT = Path(__file__).resolve().parents[2]
COMPETENCY_QUERIES = sorted((ROOT / "queries").glob("*.rq"))
JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def repository_store(
    tmp_path_factory: pytest.TempPathFactory, repository_quads: list[ox.Quad]
) -> Iterator[EmbeddedStore]:
    data = ox.serialize(repository_quads, format=ox.RdfFormat.N_QUADS) or b""
    store = EmbeddedStore.create(
        data, tmp_path_factory.mktemp("in-process") / "store", prefixes=prefixes(BASE), workers=1
    )
    yield store
    store.close()


def both_paths(store: EmbeddedStore, text: str, bound: int = MAX_ROWS + 1) -> tuple[bytes, bytes]:
    """The body the query process gives and the one the web worker gives, for `text`
    (whose rows stay under `bound`: above the row cap, the web worker applies it)."""
    request = QueryRequest(text, JSON, TURTLE, base_iri=BASE + "sparql", max_rows=10_000)
    message = {
        "op": "query",
        "text": text,
        "operation": analyse(text).operation.value,
        "results_media_type": request.results_media_type,
        "graph_media_type": request.graph_media_type,
        "default_graphs": [],
        "named_graphs": [],
        "base_iri": request.base_iri,
        "max_rows": request.max_rows,
    }
    by_process = store._pool.call(dict(message), 30.0)
    in_process = store._in_process.answer(dict(message), bound=bound, wait=60.0)
    assert in_process is not None
    # The same status, form, media type and truncation (`rows`, unread, is not counted
    # when no cap can apply).
    assert {**by_process[0], "rows": None} == {**in_process[0], "rows": None}
    return by_process[1], in_process[1]


def solutions(body: bytes) -> set[frozenset[tuple[str, str]]]:
    results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if isinstance(results, ox.QueryBoolean):
        return {frozenset({("ask", str(bool(results)))})}
    variables = results.variables
    return {
        frozenset((v.value, str(row[v])) for v in variables if row[v] is not None)
        for row in results
    }


@pytest.mark.slow
@pytest.mark.parametrize("query_file", COMPETENCY_QUERIES, ids=lambda p: p.name)
def test_every_competency_query_gets_the_same_answer_in_the_web_worker(
    repository_store: EmbeddedStore, query_file: Path
) -> None:
    by_process, in_process = both_paths(repository_store, query_file.read_text(encoding="utf-8"))
    assert solutions(in_process) == solutions(by_process)
    assert solutions(by_process)  # every question has an answer


def test_one_resource_lookups_are_answered_in_the_web_worker_with_the_same_rows(
    repository_store: EmbeddedStore, repository_quads: list[ox.Quad]
) -> None:
    found = degrees.load(repository_store.directory)
    assert found is not None
    subjects = sorted(
        {q.subject.value for q in repository_quads if isinstance(q.subject, ox.NamedNode)}
    )
    assert len(subjects) > 50
    for iri in subjects[:: max(1, len(subjects) // 60)]:
        text = f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} LIMIT 1000000"
        parsed = shape(text)
        assert parsed is not None
        bound = rows_bound(parsed, found)
        assert bound is not None
        request = QueryRequest(text, JSON, None, analysis=analyse(text), max_rows=10_000)
        assert repository_store._in_process.bound(text, analyse(text), {}) is not None
        by_process, in_process = both_paths(repository_store, text, bound)
        assert in_process == by_process
        assert repository_store.query(request).body == by_process


def test_a_construct_of_a_neighbourhood_is_the_same_graph_on_both_paths(
    repository_store: EmbeddedStore,
) -> None:
    meeting = BASE + "meeting/2003-new-york"
    text = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        f"CONSTRUCT {{ <{meeting}> ?p ?o . ?o rdfs:label ?label }}\n"
        f"WHERE {{ <{meeting}> ?p ?o OPTIONAL {{ ?o rdfs:label ?label }} }}"
    )
    assert repository_store._in_process.bound(text, analyse(text), {}) is not None
    by_process, in_process = both_paths(repository_store, text)
    graphs = [set(ox.parse(body, format=ox.RdfFormat.TURTLE)) for body in (by_process, in_process)]
    assert graphs[0] == graphs[1]
    assert len(graphs[0]) > 5


def test_degrees_are_written_with_the_store(repository_store: EmbeddedStore) -> None:
    found = degrees.load(repository_store.directory)
    assert found is not None
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    assert 1 <= found.out[label] <= found.out_any
    assert 1 <= found.into[label] <= found.in_any


@pytest.fixture
def one_process_store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    lines = [f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(3000)]
    store = EmbeddedStore.create(
        "".join(lines).encode(), tmp_path / "store", prefixes={}, workers=1, timeout=2.0
    )
    store.start()
    yield store
    store.close()


@pytest.mark.slow
def test_a_runaway_is_stopped_at_the_limit_while_a_bounded_query_answers_meanwhile(
    one_process_store: EmbeddedStore,
) -> None:
    outcome: list[BaseException] = []

    def runaway() -> None:
        try:
            one_process_store.query(QueryRequest(RUNAWAY, JSON, None))
        except QueryTimeoutError as error:
            outcome.append(error)

    bounded = "SELECT ?o { <http://example.org/s7> <http://example.org/p> ?o }"
    # The web worker opens its own view of the store in the background on its first
    # query (which meanwhile goes to the process): open it first.
    message = {"op": "query", "text": bounded, "operation": "SELECT"}
    assert one_process_store._in_process.answer({**message, "results_media_type": JSON}, 1, 60)
    thread = threading.Thread(target=runaway)
    thread.start()
    try:
        # The only query process is busy with the runaway: this answer comes from the
        # web worker itself, while the runaway still runs.
        answer = one_process_store.query(QueryRequest(bounded, JSON, None))
        assert thread.is_alive()
        assert ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON)
        assert b'"7"' in answer.body
    finally:
        thread.join(30)
    assert outcome
    assert isinstance(outcome[0], QueryTimeoutError)


def test_a_store_without_degrees_sends_every_query_to_the_process(
    one_process_store: EmbeddedStore,
) -> None:
    text = "SELECT ?o { <http://example.org/s7> <http://example.org/p> ?o }"
    assert one_process_store._in_process.bound(text, analyse(text), {}) is not None
    own_dataset = {"named_graphs": ["http://example.org/g"]}
    assert one_process_store._in_process.bound(text, analyse(text), own_dataset) is None
    degrees.path_beside(one_process_store.directory).unlink()
    reopened = EmbeddedStore(one_process_store.directory, triples=3000, prefixes={}, workers=1)
    try:
        assert reopened._in_process.bound(text, analyse(text), {}) is None
    finally:
        reopened.close()


def test_beside_a_hub_over_the_row_bound_other_resources_are_still_answered_here(
    tmp_path: Path,
) -> None:
    # Like the 1M benchmark graph: one series with more members than MAX_ROWS. Its
    # members' lookups are bounded by their own degree; the series' goes to the process.
    series, member = "http://example.org/series", "http://example.org/m"
    lines = [
        f"<{series}> <http://example.org/subEvent> <{member}{i}> .\n"
        f'<{member}{i}> <http://example.org/name> "m{i}" .\n'
        for i in range(MAX_ROWS + 5)
    ]
    store = EmbeddedStore.create(
        "".join(lines).encode(), tmp_path / "store", prefixes={}, workers=1
    )
    try:
        member_lookup = f"SELECT ?p ?o {{ <{member}7> ?p ?o }}"
        assert store._in_process.bound(member_lookup, analyse(member_lookup), {}) == 1
        incoming = f"SELECT ?s ?p {{ ?s ?p <{member}7> }}"
        assert store._in_process.bound(incoming, analyse(incoming), {}) == 1
        hub_lookup = f"SELECT ?p ?o {{ <{series}> ?p ?o }}"
        assert store._in_process.bound(hub_lookup, analyse(hub_lookup), {}) is None
        # The answer given here is the query process's.
        message = {
            "op": "query",
            "text": member_lookup,
            "operation": "SELECT",
            "results_media_type": JSON,
        }
        here = store._in_process.answer(dict(message), bound=1, wait=60.0)
        there = store._pool.call(dict(message), 30.0)
        assert here is not None
        assert (
            solutions(here[1])
            == solutions(there[1])
            == {frozenset({("p", "<http://example.org/name>"), ("o", '"m7"')})}
        )
    finally:
        store.close()


@pytest.mark.parametrize(
    ("text", "results", "graph"),
    [
        (f"SELECT ?p WHERE {{ <{BASE}committee> ?p ?o }}", None, "text/turtle"),
        (f"ASK {{ <{BASE}committee> ?p ?o }}", None, "text/turtle"),
        (
            f"CONSTRUCT {{ <{BASE}committee> ?p ?o }} WHERE {{ <{BASE}committee> ?p ?o }}",
            "application/sparql-results+json",
            None,
        ),
    ],
    ids=["select", "ask", "construct"],
)
def test_a_request_without_a_format_for_its_form_is_refused_before_any_query_runs(
    repository_store: EmbeddedStore,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    results: str | None,
    graph: str | None,
) -> None:
    """store.base.answer_media_type is the store's one 406 check, made before the request
    reaches the web worker's store or a query process."""

    def never(*_: object, **__: object) -> None:
        raise AssertionError("the query ran")

    monkeypatch.setattr(repository_store._pool, "call", never)
    monkeypatch.setattr(repository_store._in_process, "answer", never)
    request = QueryRequest(text=text, results_media_type=results, graph_media_type=graph)
    with pytest.raises(NotAcceptableError):
        repository_store.query(request)
