"""Turtle, TriG and RDF/XML files: rdflib's bytes, by the one-pass writers where they can.

The one-pass writers (content/writers.py) lay the statements out as rdflib's writers do,
several times faster. Where they refuse (RDF lists, a graph named by a blank node, a
namespace rdflib would invent a prefix for), rdflib's own writers write the file, and the
caller's `note` (the build's progress) and the log say so. rdflib's writers, with the
order made stable, stay here as that fallback and as the reference the tests hold the
one-pass writers to (tests/test_writers.py, tests/test_fast_build.py).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node

from ctc_kg.content import writers
from ctc_kg.content.serialize import (
    _all_quads,
    _carry_namespaces,
    _copy_namespaces,
    add_quad,
    dataset_of,
    graph_of,
    new_dataset,
    new_graph,
    sorted_quads,
    statements_of,
)
from ctc_kg.content.writers import Statements

Note = Callable[[str], None]  # told when a file is written by rdflib's writer, and why
_log = logging.getLogger(__name__)


def turtle(source: Graph | Statements, note: Note | None = None) -> bytes:
    """Turtle as rdflib writes the sorted graph (content/writers.py, or rdflib's own writer
    where that one would not give rdflib's bytes: `note` is told why)."""
    try:
        return writers.turtle(_triples(source), _names(source))
    except writers.RefusedError as refusal:
        _fell_back("Turtle", refusal, note)
    return turtle_by_rdflib(_graph(source))


def turtle_by_rdflib(graph: Graph) -> bytes:
    """Turtle by rdflib's writer; rdflib sorts subjects, predicates and objects."""
    copy = new_graph()
    _copy_namespaces(graph, copy)
    for triple in sorted(graph):
        copy.add(triple)
    stream = io.BytesIO()
    _IndexedTurtleSerializer(copy).serialize(stream, encoding="utf-8")
    return stream.getvalue()


def trig(source: Dataset | Statements, note: Note | None = None) -> bytes:
    """TriG with the default graph first, then the named graphs in name order; as `turtle`."""
    if isinstance(source, Statements):
        statements = source
    else:
        statements = statements_of(_all_quads(source), source)
    try:
        return writers.trig(statements.graphs, DATASET_DEFAULT_GRAPH_ID, _names(statements))
    except writers.RefusedError as refusal:
        _fell_back("TriG", refusal, note)
    return trig_by_rdflib(_dataset(source))


def trig_by_rdflib(dataset: Dataset) -> bytes:
    """TriG by rdflib's writer, the graphs in a stable order (SortedTrigSerializer)."""
    copy = new_dataset()
    _copy_namespaces(dataset, copy)
    for quad in sorted_quads(dataset):
        add_quad(copy, quad)
    stream = io.BytesIO()
    SortedTrigSerializer(copy).serialize(stream, encoding="utf-8")
    return stream.getvalue()


def rdfxml(source: Graph | Statements, note: Note | None = None) -> bytes:
    """RDF/XML, subjects and their properties in sorted order; as `turtle`."""
    try:
        return writers.rdfxml(_triples(source), _names(source))
    except writers.RefusedError as refusal:
        _fell_back("RDF/XML", refusal, note)
    return rdfxml_by_rdflib(_graph(source))


def rdfxml_by_rdflib(graph: Graph) -> bytes:
    """RDF/XML by rdflib's writer, of the graph's statements in sorted order."""
    copy = Graph(store="SimpleMemory", bind_namespaces="none")
    _copy_namespaces(graph, copy)
    for triple in sorted(graph):
        copy.add(triple)
    return copy.serialize(format="xml", encoding="utf-8")


def _triples(source: Graph | Statements) -> Iterable[tuple[Node, Node, Node]]:
    if isinstance(source, Statements):
        return source.triples
    return source.triples((None, None, None))


def _names(source: Graph | Statements) -> Graph:
    """A graph holding no statement and the prefixes rdflib's writer would see."""
    names = new_graph()
    _carry_namespaces(source, names)
    return names


def _graph(source: Graph | Statements) -> Graph:
    return source if isinstance(source, Graph) else graph_of(source)


def _dataset(source: Dataset | Statements) -> Dataset:
    return source if isinstance(source, Dataset) else dataset_of(source)


def _fell_back(format_name: str, refusal: Exception, note: Note | None) -> None:
    message = f"{format_name} written by rdflib's writer, not the one-pass writer: {refusal}"
    _log.info(message)
    if note is not None:
        note(message)


class SortedTrigSerializer(TrigSerializer):
    """rdflib's TriG serializer with the graphs in a stable order (default graph first).

    rdflib lists a dataset's graphs in its store's set order, which changes between runs.
    """

    def preprocess(self) -> None:
        # rdflib counts references to subjects across the graphs in the order it meets
        # them, and orders each graph's subjects by those counts: meet them sorted.
        self.contexts = sorted(
            self.contexts,
            key=lambda graph: (graph.identifier != self.default_context, str(graph.identifier)),
        )
        super().preprocess()
        default = self.default_context
        ordered = sorted(
            self._contexts.items(),
            key=lambda item: (item[0].identifier != default, str(item[0].identifier)),
        )
        self._contexts = {cast(Graph, _SubjectIndex(graph)): found for graph, found in ordered}


class _IndexedTurtleSerializer(TurtleSerializer):
    """rdflib's Turtle serializer, reading each subject's statements from an index."""

    def preprocess(self) -> None:
        super().preprocess()
        self.store = cast(Graph, _SubjectIndex(self.store))


class _SubjectIndex:
    """A graph whose `triples((s, None, None))` is answered from an index of that graph alone;
    everything else is the graph's own.

    The serializers ask for each subject's statements. rdflib's Memory store answers for one
    graph of a dataset by going through the subject's statements in every graph and listing
    the graphs of each: most of a TriG dump's time (docs/performance.md). The output is
    the same: the serializers sort what they are given.
    """

    def __init__(self, graph: Graph) -> None:
        self._graph = graph
        index: dict[Node, list[tuple[Node, Node, Node]]] = {}
        for triple in graph:
            index.setdefault(triple[0], []).append(triple)
        self._index = index

    def triples(
        self, pattern: tuple[Node | None, Node | None, Node | None]
    ) -> Iterator[tuple[Node, Node, Node]]:
        subject, predicate, obj = pattern
        if subject is not None and predicate is None and obj is None:
            return iter(self._index.get(subject, ()))
        return cast(Iterator[tuple[Node, Node, Node]], self._graph.triples(pattern))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._graph, name)
