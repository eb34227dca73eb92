"""A small read-only index over quads, the input of the rendering functions.

rdflib's Dataset would do, but in rdflib 7.6 adding or parsing quads into it emits
deprecation warnings, and the pages need only a few lookups: the union of all graphs
(what the statement says) and, per triple, the named graphs that hold it (who says it).
Quads come from pyoxigraph, from SPARQL JSON results or from tests; `quad_from_oxigraph`
and `term_from_json` convert their terms.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ctc_kg.content.terms import rdflib_term

Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, URIRef | None]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class QuadIndex:
    """The union of the graphs, and for each triple the named graphs that assert it."""

    def __init__(self, quads: Iterable[Quad]) -> None:
        graphs: dict[Triple, set[URIRef]] = defaultdict(set)
        by_subject: dict[Node, list[Triple]] = defaultdict(list)
        by_object: dict[Node, list[Triple]] = defaultdict(list)
        # (subject, predicate) and (predicate, object) lookups by hash: comparing rdflib
        # terms one by one is what the pages' many label lookups spent their time on.
        objects: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
        subjects: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
        for s, p, o, g in quads:
            triple = (s, p, o)
            if triple not in graphs:
                by_subject[s].append(triple)
                by_object[o].append(triple)
                objects[(s, p)].append(o)
                subjects[(p, o)].append(s)
            graphs[triple]
            if g is not None:
                graphs[triple].add(g)
        self._graphs = {t: frozenset(gs) for t, gs in graphs.items()}
        self._by_subject = dict(by_subject)
        self._by_object = dict(by_object)
        self._objects = dict(objects)
        self._subjects = dict(subjects)

    def __len__(self) -> int:
        return len(self._graphs)

    def __contains__(self, triple: object) -> bool:
        return triple in self._graphs

    def about(self, subject: Node) -> list[Triple]:
        """The triples whose subject is `subject`, in first-seen order."""
        return list(self._by_subject.get(subject, ()))

    def pointing_to(self, obj: Node) -> list[Triple]:
        """The triples whose object is `obj`."""
        return list(self._by_object.get(obj, ()))

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        return list(self._objects.get((subject, predicate), ()))

    def subjects(self, predicate: Node, obj: Node) -> list[Node]:
        return list(self._subjects.get((predicate, obj), ()))

    def graphs_of(self, triple: Triple) -> frozenset[URIRef]:
        """The named graphs holding `triple` (empty when only the default graph does)."""
        return self._graphs.get(triple, frozenset())

    def in_graph(self, graph: URIRef) -> list[Triple]:
        return [t for t, gs in self._graphs.items() if graph in gs]

    def triples(self) -> Iterator[Triple]:
        return iter(self._graphs)

    def union(self) -> Graph:
        """The union of all graphs as an rdflib Graph (for serializers)."""
        graph = Graph()
        for triple in self._graphs:
            graph.add(triple)
        return graph


def quad_from_oxigraph(quad: Any) -> Quad:
    """A pyoxigraph quad as rdflib terms (graph None for the default graph)."""
    graph = quad.graph_name
    g = URIRef(graph.value) if isinstance(graph, ox.NamedNode) else None
    return (
        rdflib_term(quad.subject),
        rdflib_term(quad.predicate),
        rdflib_term(quad.object),
        g,
    )


def from_oxigraph(quads: Iterable[Any]) -> QuadIndex:
    """Index pyoxigraph quads (from `pyoxigraph.parse` or `Store.quads_for_pattern`)."""
    return QuadIndex(quad_from_oxigraph(quad) for quad in quads)


def parse_trig(data: str | bytes) -> QuadIndex:
    """Parse TriG (or Turtle) text into an index: for tests and small fixed inputs."""
    raw = data.encode() if isinstance(data, str) else data
    return from_oxigraph(ox.parse(raw, format=ox.RdfFormat.TRIG))


def term_from_json(term: Mapping[str, str]) -> Node:
    """An RDF term of SPARQL 1.1 JSON results as an rdflib term."""
    kind = term["type"]
    value = term["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        lang = term.get("xml:lang")
        if lang:
            return Literal(value, lang=lang)
        datatype = term.get("datatype")
        if datatype in (None, _XSD_STRING, _LANG_STRING):
            return Literal(value)
        return Literal(value, datatype=URIRef(datatype))
    raise ValueError(f"unknown SPARQL JSON term type {kind!r}")
