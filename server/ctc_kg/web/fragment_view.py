"""What the HTML page of a fragment shows: the pattern's form, the matches (each term a
link to the fragment with that term in its place), the count and the pages around."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from ctc_kg.store.fragments import Fragment
from ctc_kg.web.rewrite import IriMap

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
POSITIONS = ("subject", "predicate", "object", "graph")

#: The href of a fragment page from its pattern's parameters and page number.
Linker = Callable[[Mapping[str, str], int], str]


@dataclass(frozen=True)
class TermView:
    text: str
    href: str | None  # the fragment with this term in its place; None for a blank node
    kind: str  # "iri", "literal", "bnode", "default"


@dataclass(frozen=True)
class FragmentView:
    values: Mapping[str, str]  # the pattern's parameters as given
    rows: tuple[tuple[TermView, ...], ...]  # subject, predicate, object, graph
    count: int
    exact: bool
    first: int  # the number of the first match shown (1-based), 0 when none
    last: int
    previous: str | None
    next: str | None
    default_graph: str  # the default graph's name, as the form takes it


def explicit(term: ox.NamedNode | ox.Literal, iri_map: IriMap) -> str:
    """A term in Hydra's explicit representation, with its IRIs as the public sees them."""
    if isinstance(term, ox.NamedNode):
        return iri_map.outward(term.value)
    if term.language:
        return f'"{term.value}"@{term.language}'
    if term.datatype.value == XSD_STRING:
        return f'"{term.value}"'
    return f'"{term.value}"^^{iri_map.outward(term.datatype.value)}'


def _term(
    term: object, position: str, values: Mapping[str, str], iri_map: IriMap, link: Linker
) -> TermView:
    if isinstance(term, ox.DefaultGraph):
        return TermView("", None, "default")
    if isinstance(term, ox.NamedNode | ox.Literal):
        given = explicit(term, iri_map)
        href = link({**values, position: given}, 1)
        kind = "iri" if isinstance(term, ox.NamedNode) else "literal"
        return TermView(given, href, kind)
    return TermView(str(term), None, "bnode")


def fragment_view(
    found: Fragment,
    values: Mapping[str, str],
    page: int,
    page_size: int,
    iri_map: IriMap,
    link: Linker,
    *,
    default_graph: str,
) -> FragmentView:
    rows = tuple(
        tuple(
            _term(term, position, values, iri_map, link)
            for term, position in zip(
                (quad.subject, quad.predicate, quad.object, quad.graph_name),
                POSITIONS,
                strict=True,
            )
        )
        for quad in found.quads
    )
    first = (page - 1) * page_size + 1 if rows else 0
    return FragmentView(
        values=values,
        rows=rows,
        count=found.count,
        exact=found.exact,
        first=first,
        last=first + len(rows) - 1 if rows else 0,
        previous=link(values, page - 1) if page > 1 else None,
        next=link(values, page + 1) if found.has_next else None,
        default_graph=iri_map.outward(default_graph),
    )
