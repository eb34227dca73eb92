"""A query's answer as a table for the HTML results page (`/sparql?query=…` from a
browser, or the editor's plain form with "HTML table" chosen).

The answer comes from the store in canonical IRIs (SPARQL JSON results for SELECT and
ASK, N-Quads for CONSTRUCT and DESCRIBE) and is parsed with pyoxigraph: each IRI is shown
as users see it (`public_iri`) and links to where this server answers it (`link`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    note: str = ""  # a literal's language tag or datatype, a blank node's kind


@dataclass(frozen=True)
class ResultsTable:
    """What the page shows: column names and rows, or the answer of an ASK."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    boolean: bool | None = None
    truncated_at: int | None = None  # the server's row limit, when the answer was cut


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TermLike = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph | None


class CellMaker:
    def __init__(self, link: Callable[[str], str], public_iri: Callable[[str], str]) -> None:
        self.link = link
        self.public_iri = public_iri

    def __call__(self, term: TermLike) -> Cell:
        if term is None or isinstance(term, ox.DefaultGraph):
            return Cell("")
        if isinstance(term, ox.NamedNode):
            return Cell(self.public_iri(term.value), self.link(term.value))
        if isinstance(term, ox.Literal):
            if term.language:
                return Cell(term.value, note="@" + term.language)
            datatype = term.datatype.value
            short = datatype.rsplit("#", 1)[-1] if datatype != XSD_STRING else ""
            return Cell(term.value, note=short)
        if isinstance(term, ox.BlankNode):
            return Cell("_:" + term.value)
        return Cell(str(term))


def solutions_table(body: bytes, cell: CellMaker, truncated_at: int | None) -> ResultsTable:
    """The table of a SELECT or ASK answer given as SPARQL JSON results."""
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return ResultsTable((), (), boolean=bool(parsed), truncated_at=truncated_at)
    assert isinstance(parsed, ox.QuerySolutions)
    variables = [v.value for v in parsed.variables]
    rows = tuple(tuple(cell(row[name]) for name in variables) for row in parsed)
    return ResultsTable(tuple(variables), rows, truncated_at=truncated_at)


def graph_table(
    quads: Iterable[ox.Quad], cell: CellMaker, names: Sequence[str], truncated_at: int | None
) -> ResultsTable:
    """The table of a CONSTRUCT or DESCRIBE answer: one statement a row."""
    rows = tuple((cell(q.subject), cell(q.predicate), cell(q.object)) for q in quads)
    return ResultsTable(tuple(names), rows, truncated_at=truncated_at)


@dataclass(frozen=True)
class QueryForm:
    """What the editor page's plain form holds: the query in its text area, the format
    chosen, the name its editor tab takes (an example's title) and the answer, if run."""

    query: str
    format: str = "html"
    title: str | None = None
    results: ResultsTable | None = None
