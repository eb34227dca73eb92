"""Quad pattern fragments read from any store, through the Store interface.

A fragment is one page of the quads that match a quad pattern, with the number of
matches. The store is asked two small SPARQL SELECT queries at most: the page (one quad
past it, to know whether another follows) and, only when the page does not already
show them all, a count bounded at `COUNT_LIMIT` (a subquery with a LIMIT, so a pattern
that matches millions costs what counting `COUNT_LIMIT` of them costs). Both go through
`Store.query`, so each backend answers over the dataset it already serves: the default
graph is the union of every graph, and `GRAPH ?g` ranges over the named graphs.

Pages follow the store's own order of the matches (no ORDER BY, as the Linked Data
Fragments server does over SPARQL): the data of one version is read-only, so the order
holds from one page to the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ctc_kg import formats
from ctc_kg.store.base import QueryRequest, Store

#: A count stops here: above it, a fragment says "at least this many" (an estimate).
COUNT_LIMIT = 10_000
RESULTS_JSON = formats.RESULTS_JSON.media_type

Subject = ox.NamedNode
Object = ox.NamedNode | ox.Literal
Graph = ox.NamedNode | ox.DefaultGraph


@dataclass(frozen=True)
class QuadPattern:
    """A quad pattern; None is a variable. `graph` None matches the default graph (the
    union) and every named graph, each quad in the graph that holds it."""

    subject: Subject | None = None
    predicate: ox.NamedNode | None = None
    object: Object | None = None
    graph: Graph | None = field(default_factory=ox.DefaultGraph)


@dataclass(frozen=True)
class Fragment:
    """One page of the quads matching a pattern.

    `count` is the number of matches when `exact`, else a lower bound (`COUNT_LIMIT`);
    `has_next`: more matches follow this page."""

    quads: tuple[ox.Quad, ...]
    count: int
    exact: bool
    has_next: bool


EMPTY = Fragment((), 0, True, False)


def _where(pattern: QuadPattern) -> str:
    """The group graph pattern matching `pattern`, binding ?s ?p ?o (and ?g) where free."""
    triple = " ".join(
        str(term) if term is not None else variable
        for term, variable in (
            (pattern.subject, "?s"),
            (pattern.predicate, "?p"),
            (pattern.object, "?o"),
        )
    )
    if pattern.graph is None:
        # The default graph first (?g unbound), then each named graph.
        return f"{{ {{ {triple} }} UNION {{ GRAPH ?g {{ {triple} }} }} }}"
    if isinstance(pattern.graph, ox.NamedNode):
        return f"{{ GRAPH {pattern.graph} {{ {triple} }} }}"
    return f"{{ {triple} }}"


def _projection(pattern: QuadPattern) -> str:
    free = [
        variable
        for term, variable in (
            (pattern.subject, "?s"),
            (pattern.predicate, "?p"),
            (pattern.object, "?o"),
        )
        if term is None
    ]
    if pattern.graph is None:
        free.append("?g")
    # A pattern without variables still has one solution per match.
    return " ".join(free) if free else "(1 AS ?match)"


def page_query(pattern: QuadPattern, offset: int, limit: int) -> str:
    """The matches from `offset`, at most `limit`."""
    return (
        f"SELECT {_projection(pattern)} WHERE {_where(pattern)} "
        f"OFFSET {max(0, offset)} LIMIT {max(0, limit)}"
    )


def count_query(pattern: QuadPattern, limit: int = COUNT_LIMIT) -> str:
    """The number of matches, counted up to `limit` + 1."""
    return (
        f"SELECT (COUNT(*) AS ?count) WHERE {{ SELECT {_projection(pattern)} "
        f"WHERE {_where(pattern)} LIMIT {limit + 1} }}"
    )


def _solutions(store: Store, text: str) -> ox.QuerySolutions:
    answer = store.query(
        QueryRequest(text=text, results_media_type=RESULTS_JSON, graph_media_type=None)
    )
    parsed = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    return parsed


def _quad(pattern: QuadPattern, solution: ox.QuerySolution) -> ox.Quad:
    def term(fixed: object, variable: str) -> object:
        return solution[variable] if fixed is None else fixed

    graph = term(pattern.graph, "g")
    return ox.Quad(
        term(pattern.subject, "s"),  # type: ignore[arg-type]
        term(pattern.predicate, "p"),  # type: ignore[arg-type]
        term(pattern.object, "o"),  # type: ignore[arg-type]
        ox.DefaultGraph() if graph is None else graph,  # type: ignore[arg-type]
    )


def read_fragment(
    store: Store, pattern: QuadPattern, offset: int, limit: int, count_limit: int = COUNT_LIMIT
) -> Fragment:
    """The page of `limit` matches of `pattern` from `offset`, and how many there are."""
    rows = [_quad(pattern, s) for s in _solutions(store, page_query(pattern, offset, limit + 1))]
    has_next = len(rows) > limit
    quads = tuple(rows[:limit])
    if not has_next and (quads or offset == 0):
        # The last page: every match has been read.
        return Fragment(quads, offset + len(quads), True, False)
    counted = next(iter(_solutions(store, count_query(pattern, count_limit))))["count"]
    assert isinstance(counted, ox.Literal)
    # At least the matches read (this page and the one past it), when it holds any.
    read = offset + len(rows) if rows else 0
    count = max(int(counted.value), read)
    if count > count_limit:
        return Fragment(quads, max(count_limit, read), False, has_next)
    return Fragment(quads, count, True, has_next)
