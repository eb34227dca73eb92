"""The query worker's answers and the frames that carry them.

Within the row cap an answer is pyoxigraph's own serialization; beyond it, exactly the
first `max_rows` rows, marked truncated; either way the query is evaluated once.
Literals that hold line breaks, tabs, braces or XML-looking text cannot make a cut
answer longer or a whole one shorter. Between the pool and a worker, answers and
requests of any size arrive whole."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from ctc_kg.store.base import QueryRequest
from ctc_kg.store.embedded import EmbeddedStore
from ctc_kg.store.worker import Worker, first_lines
from hypothesis import given, settings
from hypothesis import strategies as st

EX = "http://example.org/"
TRICKY = ["plain", "line\nbreak", "tab\there\r", '{"type":"uri"},{', "<result><binding>", ""]
ROWS = 600  # several 8 KiB writes of the serializer in every format
ALL = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o ?s"
FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def tricky_quads() -> list[ox.Quad]:
    quads = []
    for i in range(ROWS):
        text = TRICKY[i % len(TRICKY)] + str(i)
        value = ox.Literal(text, language="en") if i % 5 == 0 else ox.Literal(text)
        subject: ox.NamedNode | ox.BlankNode = (
            ox.BlankNode(f"b{i}") if i % 7 == 0 else ox.NamedNode(f"{EX}s{i}")
        )
        quads.append(ox.Quad(subject, ox.NamedNode(EX + "p"), value))
    return quads


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.extend(tricky_quads())
    return store


def terms(solutions: ox.QuerySolutions) -> list[tuple[object, ...]]:
    return [tuple(solution[v] for v in solutions.variables) for solution in solutions]


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("limit", [0, 1, 7, ROWS - 1, ROWS, ROWS + 1, 10 * ROWS])
def test_the_worker_answers_the_first_rows_up_to_the_cap_and_says_if_it_cut(store, name, limit):
    fmt = FORMATS[name]
    header, body = Worker(store, {}).query(
        {"text": ALL, "results_media_type": fmt.media_type, "max_rows": limit}
    )
    assert header["ok"]
    assert header["truncated"] is (limit < ROWS)
    expected = terms(store.query(ALL))[:limit]
    if fmt == ox.QueryResultsFormat.CSV:  # lossy, pyoxigraph does not read it: count rows
        assert len(list(csv.reader(io.StringIO(body.decode(), newline="")))) - 1 == len(expected)
    else:
        assert terms(ox.parse_query_results(body, format=fmt)) == expected


@pytest.mark.parametrize("name", FORMATS)
def test_within_the_cap_the_answer_is_the_engines_own_bytes(store, name):
    fmt = FORMATS[name]
    query = "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 40"
    header, body = Worker(store, {}).query(
        {"text": query, "results_media_type": fmt.media_type, "max_rows": 10_000}
    )
    assert header["truncated"] is False
    assert body == store.query(query).serialize(format=fmt)


class CountingStore:
    """The worker's store, counting the queries it is asked to evaluate."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.evaluations = 0

    def query(self, text: str, **options: object) -> object:
        self.evaluations += 1
        return self.store.query(text, **options)


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("limit", [1, ROWS // 4, ROWS - 1, ROWS, ROWS + 1])
def test_a_capped_select_is_evaluated_once_whatever_its_size(store, name, limit):
    """Regression (issue 13, point 8): an answer that might be longer than the cap was
    evaluated a second time to cut it; one evaluation, read one row past the cap, says
    both the rows and whether it was cut."""
    fmt = FORMATS[name]
    counting = CountingStore(store)
    worker = Worker(counting, {})  # type: ignore[arg-type]
    counting.evaluations = 0  # opening the store scanned its `#` subjects once
    header, body = worker.query(
        {"text": ALL, "results_media_type": fmt.media_type, "max_rows": limit}
    )
    assert counting.evaluations == 1
    assert header["truncated"] is (limit < ROWS)
    if fmt != ox.QueryResultsFormat.CSV:  # pyoxigraph does not read CSV
        assert terms(ox.parse_query_results(body, format=fmt)) == terms(store.query(ALL))[:limit]


class Written:
    """A stand-in for a result set: writes `data` to the output in the given pieces."""

    def __init__(self, data: bytes, cuts: list[int]) -> None:
        self.data = data
        self.cuts = sorted(cut % (len(data) + 1) for cut in cuts)

    def serialize(self, output, format=None):
        start = 0
        for end in [*self.cuts, len(self.data)]:
            output.write(self.data[start:end])
            start = end
        output.flush()


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.text(alphabet="ab\t", max_size=5), max_size=12),
    keep=st.integers(min_value=0, max_value=14),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=6),
)
def test_first_lines_keeps_exactly_the_first_lines_wherever_the_writes_fall(lines, keep, cuts):
    data = "".join(line + "\n" for line in lines).encode()
    kept, more = first_lines(Written(data, cuts), ox.QueryResultsFormat.TSV, keep)
    expected = "".join(line + "\n" for line in lines[:keep]).encode()
    assert kept == expected
    assert more is (len(lines) > keep)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> Iterator[EmbeddedStore]:
    nquads = ox.serialize(tricky_quads(), format=ox.RdfFormat.N_QUADS)
    store = EmbeddedStore.create(
        nquads, Path(tmp_path_factory.mktemp("frames")) / "store", prefixes={}, workers=2
    )
    store.start()
    yield store
    store.close()


def test_an_answer_larger_than_a_pipe_arrives_whole(embedded):
    numbers = " ".join(str(n) for n in range(150))
    query = f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {numbers} }} VALUES ?b {{ {numbers} }} }}"
    answer = embedded.query(QueryRequest(query, "application/sparql-results+json", None))
    assert len(answer.body) > 1 << 20
    pairs = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON)
    assert sorted((int(a.value), int(b.value)) for a, b in terms(pairs)) == [
        (a, b) for a in range(150) for b in range(150)
    ]


def test_a_request_larger_than_a_pipe_arrives_whole(embedded):
    query = "ASK { ?s ?p ?o } #" + "x" * (300 * 1024)
    answer = embedded.query(QueryRequest(query, "application/sparql-results+json", None))
    assert b"true" in answer.body
    assert embedded.health().triples == ROWS
