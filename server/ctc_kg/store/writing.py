"""RDF written with pyoxigraph's serializers so that it reads like the build's dumps.

Every backend and the web layer write a graph answer (a resource's description, the
dataset description) through `serialize`, so they all agree on three things:

- In N-Quads and TriG the default graph holds every statement, each once, as the Turtle
  form and the dumps' default graph do, and the named graphs follow, unchanged: a client
  that reads only the default graph (Comunica's link traversal) sees what the resource
  says, and one that reads the named graphs still sees which source says what.
- Statements are written sorted (the described resource first, then by subject, then
  `rdf:type`, `rdfs:label` and the other predicates by IRI, then by object):
  pyoxigraph's Turtle and TriG writers group runs of one subject and one predicate, so
  each subject gets one block with its predicates grouped, as rdflib writes the Turtle
  dump (content.rdf_files.turtle).
- Turtle and TriG declare only the prefixes the text uses (pyoxigraph declares every
  prefix it is given).

This module imports only pyoxigraph and the standard library: the query workers use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pyoxigraph as ox

from ctc_kg import formats

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
LEADING_PREDICATES = {f"<{RDF_TYPE}>": 0, f"<{RDFS_LABEL}>": 1}  # N-Triples tokens
# Literals Turtle writes without their datatype (Turtle 1.1, productions 19-21 and 133s).
BARE_LITERALS = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    XSD + "boolean": re.compile(r"true|false"),
}
IMPLICIT_DATATYPES = frozenset(
    {XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
)
TermKey = tuple[int, str, str, str]
TextKey = tuple[bool, str, int, str, str]


def serialize(
    quads: Iterable[ox.Quad],
    fmt: ox.RdfFormat,
    prefixes: Mapping[str, str],
    first: ox.NamedNode | None = None,
) -> bytes:
    """`quads` in `fmt`: with every statement in the default graph for a dataset format,
    their union otherwise; sorted, the statements about `first` (the resource described)
    before the others; with the prefixes the text uses (all of them for RDF/XML, which
    needs its own namespace rules; none for the line-based formats)."""
    statements = Statements(quads, first)
    items: list[Any] = statements.published() if fmt.supports_datasets else statements.union()
    chosen: Mapping[str, str] | None = None
    if fmt is ox.RdfFormat.RDF_XML:
        chosen = prefixes
    elif fmt in formats.PREFIXED_RDF_FORMATS:
        chosen = used_prefixes(prefixes, statements.terms(), statements.predicates())
    body = ox.serialize(items, format=fmt, prefixes=dict(chosen) if chosen is not None else None)
    return body or b""


class Statements:
    """Quads read once, as the writers need them: each distinct statement, each named
    graph's statements, and a sort key per statement.

    pyoxigraph makes a new Python object at every attribute access and every term built,
    which is what a large description (a hub's 7,000 quads) spends its time on: each quad
    is read as one triple and its graph name, the named graphs' quads are written as they
    came, and statements are sorted by their N-Triples text, split into its subject,
    predicate and object (a subject or predicate token holds no space)."""

    def __init__(self, quads: Iterable[ox.Quad], first: ox.NamedNode | None = None) -> None:
        self._first = str(first) if first is not None else None
        self._statements: dict[ox.Triple, None] = {}
        self._named: dict[Any, dict[ox.Triple, ox.Quad]] = {}
        for quad in quads:
            triple = quad.triple
            self._statements[triple] = None
            graph = quad.graph_name
            if not isinstance(graph, ox.DefaultGraph):
                self._named.setdefault(graph, {})[triple] = quad

    def published(self) -> list[ox.Triple | ox.Quad]:
        """Each distinct statement once in the default graph (pyoxigraph's dataset writers
        put a triple there: tests/store/test_writing.py checks it), sorted, then the quads
        of each named graph, graph by graph in name order, sorted."""
        result: list[ox.Triple | ox.Quad] = list(self.union())
        for name in sorted(self._named, key=term_key):
            quads = self._named[name]
            result.extend(quads[triple] for triple in sorted(quads, key=self._key))
        return result

    def union(self) -> list[ox.Triple]:
        """The distinct statements of all graphs, sorted."""
        return sorted(self._statements, key=self._key)

    def terms(self) -> Iterator[Any]:
        """Every term written as a subject, an object or a graph name."""
        for triple in self._statements:
            yield triple.subject
            yield triple.object
        yield from self._named

    def predicates(self) -> set[Any]:
        return {triple.predicate for triple in self._statements}

    def _key(self, triple: ox.Triple) -> TextKey:
        text = str(triple)
        parts = text.split(" ", 2)
        if text.startswith("<<") or len(parts) < 3:  # a quoted triple as subject (RDF-star)
            return True, text, 0, "", ""
        subject, predicate, rest = parts
        rank = LEADING_PREDICATES.get(predicate, len(LEADING_PREDICATES))
        return subject != self._first, subject, rank, predicate, rest


def term_key(term: Any) -> TermKey:
    """A total order of terms: IRIs, then blank nodes, then literals, each by value."""
    if isinstance(term, ox.NamedNode):
        return 0, term.value, "", ""
    if isinstance(term, ox.BlankNode):
        return 1, term.value, "", ""
    if isinstance(term, ox.Literal):
        return 2, term.value, term.datatype.value, term.language or ""
    return 3, str(term), "", ""


def used_prefixes(
    prefixes: Mapping[str, str], terms: Iterable[Any], predicates: Iterable[Any]
) -> dict[str, str]:
    """The prefixes Turtle or TriG text uses for these subjects, objects and graph names
    and these predicates: for each IRI written as a prefixed name, the longest namespace
    it starts with (pyoxigraph escapes any local part, so every IRI under a namespace is
    abbreviated). `rdf:type` as a predicate is written `a`; xsd:string, rdf:langString
    and numbers and booleans in Turtle's own syntax are written without their datatype."""
    namespaces = sorted(set(prefixes.values()), key=len, reverse=True)
    iris = {p.value for p in predicates if p.value != RDF_TYPE}
    for term in set(terms):
        _collect_iris(term, iris)
    used: set[str] = set()
    for iri in iris:
        for namespace in namespaces:
            if iri.startswith(namespace):
                used.add(namespace)
                break
    return {name: namespace for name, namespace in prefixes.items() if namespace in used}


def _collect_iris(term: Any, iris: set[str]) -> None:
    if isinstance(term, ox.NamedNode):
        iris.add(term.value)
    elif isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in IMPLICIT_DATATYPES:
            return
        bare = BARE_LITERALS.get(datatype)
        if bare is None or not bare.fullmatch(term.value):
            iris.add(datatype)
    elif isinstance(term, ox.Triple):  # a quoted triple (RDF-star)
        _collect_iris(term.subject, iris)
        _collect_iris(term.object, iris)
        if term.predicate.value != RDF_TYPE:
            iris.add(term.predicate.value)
