"""SPARQL query text and results for the pages' bounded queries (`gather`, `record_query`).

IRIs go into query text only through pyoxigraph's serializer (`iri`), never by string
concatenation of unchecked input. `any_of` is the way to read a few predicates of a bound
subject: pyoxigraph 0.5 joins `VALUES ?p {...}` with every triple of those predicates,
and `?s ?p ?o FILTER(?p IN (...))` reads every statement of ?s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from ctc_kg.web.html.quads import Quad, term_from_json

Run = Callable[[str], Mapping[str, Any]]
"""Runs a SPARQL SELECT against the store and returns its SPARQL 1.1 JSON results."""

Row = Mapping[str, Mapping[str, str]]


def iri(value: str | Node) -> str:
    """`<value>` for a query text; ValueError if it is not an IRI."""
    return str(ox.NamedNode(str(value)))


def values(var: str, iris: Iterable[str | Node]) -> str:
    return f"VALUES ?{var} {{ {' '.join(iri(i) for i in iris)} }}"


def among(var: str, predicates: Iterable[str | Node]) -> str:
    return f"FILTER(?{var} IN ({', '.join(iri(p) for p in predicates)}))"


def any_of(predicates: Iterable[str | Node], s: str = "s", p: str = "p", o: str = "o") -> str:
    """`?s ?p ?o` for ?p among `predicates`, ?s bound before: a UNION of one lookup per
    predicate. `?s ?p ?o FILTER(?p IN (...))` would read every statement of ?s, which
    for a series means all its sub-events (docs/performance.md)."""
    return (
        "{ "
        + " UNION ".join(f"{{ ?{s} {iri(x)} ?{o} BIND({iri(x)} AS ?{p}) }}" for x in predicates)
        + " }"
    )


def select(variables: str, branches: Sequence[str]) -> str:
    return f"SELECT {variables} WHERE {{\n  " + "\n  UNION\n  ".join(branches) + "\n}"


def rows(results: Mapping[str, Any]) -> list[Row]:
    found: list[Row] = results["results"]["bindings"]
    return found


def quad(row: Row, s: str = "s", p: str = "p", o: str = "o", g: str = "g") -> Quad:
    """The quad a result row binds (graph None when `g` is unbound or not an IRI)."""
    graph = row.get(g)
    return (
        term_from_json(row[s]),
        term_from_json(row[p]),
        term_from_json(row[o]),
        URIRef(graph["value"]) if graph and graph["type"] == "uri" else None,
    )


def integer(row: Row, name: str) -> int:
    return int(row[name]["value"])
