"""`at_most`: a SELECT asks for at most so many solutions, whatever the text around its
modifiers; checked by running both texts on pyoxigraph."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from ctc_kg.store.querylimit import at_most

EX = "http://example.org/"
ROWS = 12


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    for i in range(ROWS):
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{i:02}"), ox.NamedNode(EX + "p"), ox.Literal(i)))
    return store


def rows(store: ox.Store, text: str) -> list[tuple[object, ...]]:
    result = store.query(text)
    assert isinstance(result, ox.QuerySolutions)
    return [tuple(solution[v] for v in result.variables) for solution in result]


QUERIES = [
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s",
    "select ?s where { ?s ?p ?o } order by desc(?s) limit 9",
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 2",
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s OFFSET 3",
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 8 OFFSET 2",
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s OFFSET 1 LIMIT 10",
    "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 7 } } ORDER BY ?s",
    "SELECT ?s WHERE { ?s ?p ?o FILTER(?o != 'LIMIT 1') } ORDER BY ?s # LIMIT 1",
    "PREFIX limit: <http://example.org/LIMIT/> SELECT ?s WHERE { ?s ?p ?o } ORDER BY (?s)",
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s VALUES ?o { 1 2 3 4 5 6 7 8 }",
    "SELECT (COUNT(*) AS ?n) ?o WHERE { ?s ?p ?o } GROUP BY ?o ORDER BY (?o)",
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s # a comment at the very end",
]


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("cap", [0, 1, 4, ROWS, ROWS + 1])
def test_the_capped_query_gives_the_first_rows_of_the_query(store, text, cap):
    assert rows(store, at_most(text, cap)) == rows(store, text)[:cap]


def test_a_lower_limit_of_the_query_itself_is_kept_as_written():
    text = "SELECT * WHERE { ?s ?p ?o } LIMIT 3"
    assert at_most(text, 10) == text
