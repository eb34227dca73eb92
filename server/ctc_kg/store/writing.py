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
  dump (content.serialize.turtle).
- Turtle and TriG declare only the prefixes the text uses (pyoxigraph declares every
  prefix it is given).

This module imports only pyoxigraph and the standard library: the query workers use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
LEADING_PREDICATES = {RDF_TYPE: 0, RDFS_LABEL: 1}
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
WITH_PREFIXES = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)
TermKey = tuple[int, str, str, str]
TripleKey = tuple[bool, TermKey, int, str, TermKey]


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
    items: list[Any] = (
        published_quads(quads, first) if fmt.supports_datasets else sorted_triples(quads, first)
    )
    chosen: Mapping[str, str] | None = None
    if fmt is ox.RdfFormat.RDF_XML:
        chosen = prefixes
    elif fmt in WITH_PREFIXES:
        chosen = used_prefixes(prefixes, items)
    body = ox.serialize(items, format=fmt, prefixes=dict(chosen) if chosen is not None else None)
    return body or b""


def published_quads(quads: Iterable[ox.Quad], first: ox.NamedNode | None = None) -> list[ox.Quad]:
    """Each distinct statement once in the default graph, sorted, then the quads of each
    named graph, graph by graph in name order, sorted."""
    named: dict[Any, set[ox.Triple]] = {}
    union: set[ox.Triple] = set()
    for quad in quads:
        triple = ox.Triple(quad.subject, quad.predicate, quad.object)
        union.add(triple)
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            named.setdefault(quad.graph_name, set()).add(triple)
    result = [ox.Quad(t.subject, t.predicate, t.object) for t in _sorted(union, first)]
    for name in sorted(named, key=term_key):
        triples = _sorted(named[name], first)
        result.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
    return result


def sorted_triples(quads: Iterable[ox.Quad], first: ox.NamedNode | None = None) -> list[ox.Triple]:
    """The distinct statements of all graphs, sorted."""
    return _sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, first)


def _sorted(triples: Iterable[ox.Triple], first: ox.NamedNode | None) -> list[ox.Triple]:
    def key(triple: ox.Triple) -> TripleKey:
        predicate = triple.predicate.value
        rank = LEADING_PREDICATES.get(predicate, len(LEADING_PREDICATES))
        subject = triple.subject
        return subject != first, term_key(subject), rank, predicate, term_key(triple.object)

    return sorted(triples, key=key)


def term_key(term: Any) -> TermKey:
    """A total order of terms: IRIs, then blank nodes, then literals, each by value."""
    if isinstance(term, ox.NamedNode):
        return 0, term.value, "", ""
    if isinstance(term, ox.BlankNode):
        return 1, term.value, "", ""
    if isinstance(term, ox.Literal):
        return 2, term.value, term.datatype.value, term.language or ""
    return 3, str(term), "", ""


def used_prefixes(prefixes: Mapping[str, str], items: Iterable[Any]) -> dict[str, str]:
    """The prefixes Turtle or TriG text of `items` (triples or quads) uses: for each IRI
    written as a prefixed name, the longest namespace it starts with (pyoxigraph escapes
    any local part, so every IRI under a namespace is abbreviated). `rdf:type` as a
    predicate is written `a`; xsd:string, rdf:langString and numbers and booleans in
    Turtle's own syntax are written without their datatype."""
    namespaces = sorted(set(prefixes.values()), key=len, reverse=True)
    iris: set[str] = set()
    for item in items:
        terms = [item.subject, item.object]
        if item.predicate.value != RDF_TYPE:
            terms.append(item.predicate)
        if isinstance(item, ox.Quad):
            terms.append(item.graph_name)
        for term in terms:
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
