"""Deterministic serializations: the same graph always gives the same bytes.

Blank nodes are relabelled with the W3C RDF Dataset Canonicalization (URDNA2015, as
implemented by pyld), so their labels depend on the graph only. The serializers below
then sort what rdflib leaves in store order (N-Triples lines, TriG graphs, RDF/XML
subjects); Turtle output is already sorted by rdflib.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any, cast

from pyld import jsonld
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, NamespaceManager, split_uri
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.term import Node

from ctc_kg.config import CANONICAL_BASE_IRI
from ctc_kg.content.names import prefixes

Quad = tuple[Node, Node, Node, Node]


class _KeepLabels(dict[str, BNode]):
    """An rdflib bnode context that keeps the labels it is given (the canonical ones).

    rdflib's N-Triples/N-Quads parser asks `bnode_context.get(label)` and invents a fresh
    blank node when that is None; answering with the label itself keeps it.
    """

    def get(self, key: str, default: Any = None) -> BNode:
        return BNode(key)


def new_graph(base_iri: str = CANONICAL_BASE_IRI) -> Graph:
    """An empty graph with our prefixes and no others."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in prefixes(base_iri).items():
        graph.bind(prefix, namespace)
    return graph


def new_dataset(base_iri: str = CANONICAL_BASE_IRI) -> Dataset:
    """An empty dataset with our prefixes and no others."""
    dataset = Dataset()
    dataset.namespace_manager = NamespaceManager(dataset, "none")
    for prefix, namespace in prefixes(base_iri).items():
        dataset.bind(prefix, namespace)
    return dataset


def canonical_nquads(dataset: Dataset) -> str:
    """The dataset in canonical N-Quads (URDNA2015): canonical blank node labels, sorted lines."""
    text = dataset.serialize(format="nquads")
    result: str = jsonld.normalize(
        text,
        {
            "algorithm": "URDNA2015",
            "inputFormat": "application/n-quads",
            "format": "application/n-quads",
        },
    )
    return result


def dataset_from_nquads(text: str, base_iri: str = CANONICAL_BASE_IRI) -> Dataset:
    """Parse N-Quads keeping blank node labels as written (for canonical input)."""
    dataset = new_dataset(base_iri)
    dataset.parse(data=text, format="nquads", bnode_context=_KeepLabels())
    return dataset


def canonical_dataset(dataset: Dataset, base_iri: str = CANONICAL_BASE_IRI) -> Dataset:
    """A copy of the dataset whose blank nodes carry canonical labels."""
    return dataset_from_nquads(canonical_nquads(dataset), base_iri)


def canonical_graph(graph: Graph, base_iri: str = CANONICAL_BASE_IRI) -> Graph:
    """A copy of the graph whose blank nodes carry canonical labels."""
    wrapper = new_dataset(base_iri)
    default = wrapper.default_graph
    for triple in graph:
        default.add(triple)
    result = new_graph(base_iri)
    for triple in canonical_dataset(wrapper, base_iri).default_graph:
        result.add(triple)
    return result


def ntriples(graph: Graph) -> bytes:
    """N-Triples, one line per triple, lines sorted."""
    text = graph.serialize(format="nt", encoding="utf-8")
    return _sorted_lines(text)


def nquads(dataset: Dataset) -> bytes:
    """N-Quads in canonical form (URDNA2015 labels, sorted lines)."""
    return canonical_nquads(dataset).encode("utf-8")


def turtle(graph: Graph) -> bytes:
    """Turtle; rdflib sorts subjects, predicates and objects."""
    copy = new_graph()
    _copy_namespaces(graph, copy)
    for triple in sorted(graph):
        copy.add(triple)
    return copy.serialize(format="turtle", encoding="utf-8")


def trig(dataset: Dataset) -> bytes:
    """TriG with the default graph first, then the named graphs in name order."""
    copy = new_dataset()
    _copy_namespaces(dataset, copy)
    for quad in sorted_quads(dataset):
        add_quad(copy, quad)
    stream = io.BytesIO()
    SortedTrigSerializer(copy).serialize(stream, encoding="utf-8")
    return stream.getvalue()


def rdfxml(graph: Graph) -> bytes:
    """RDF/XML, subjects and their properties in sorted order."""
    copy = Graph(store="SimpleMemory", bind_namespaces="none")
    _copy_namespaces(graph, copy)
    for triple in sorted(graph):
        copy.add(triple)
    return copy.serialize(format="xml", encoding="utf-8")


def add_quad(dataset: Dataset, quad: Quad) -> None:
    """Add (s, p, o, graph name) to the dataset; the name may be the default graph's."""
    subject, predicate, obj, name = quad
    if name == DATASET_DEFAULT_GRAPH_ID:
        target = dataset.default_graph
    else:
        target = dataset.graph(cast(URIRef | BNode, name))
    target.add((subject, predicate, obj))


def sorted_quads(dataset: Dataset) -> list[Quad]:
    quads = cast(Iterable[Quad], dataset.quads((None, None, None, None)))
    return sorted(quads, key=lambda q: (q[3] != DATASET_DEFAULT_GRAPH_ID, q[3], q[0], q[1], q[2]))


def union_of(dataset: Dataset, exclude: Iterable[Node] = ()) -> Graph:
    """All triples of all graphs of the dataset, except the graphs named in `exclude`."""
    excluded = set(exclude)
    union = new_graph()
    _copy_namespaces(dataset, union)
    for graph in dataset.graphs():
        if graph.identifier in excluded:
            continue
        for triple in graph:
            union.add(triple)
    return union


def _copy_namespaces(source: Graph, target: Graph) -> None:
    """Copy the source's prefixes, and name every other namespace the serializer will need.

    rdflib invents `ns1`, `ns2`, ... for unbound namespaces of predicates and classes in
    the order it meets them, which is store order; binding them here, sorted, fixes them.
    """
    for prefix, namespace in sorted(source.namespaces()):
        target.bind(prefix, namespace, override=False)
    bound = {str(namespace) for _, namespace in target.namespaces()}
    needed: set[str] = set()
    for _, predicate, obj, *_ in _statements(source):
        for term in (predicate, obj) if predicate == RDF.type else (predicate,):
            if isinstance(term, URIRef):
                try:
                    space = str(split_uri(term)[0])
                except ValueError:
                    continue
                if space not in bound:
                    needed.add(space)
    for number, space in enumerate(sorted(needed), start=1):
        target.bind(f"ns{number}", space, override=False)


def _statements(source: Graph) -> Iterable[tuple[Node, ...]]:
    if isinstance(source, Dataset):
        return cast(Iterable[Quad], source.quads((None, None, None, None)))
    return source.triples((None, None, None))


def _sorted_lines(text: bytes) -> bytes:
    lines = sorted({line for line in text.decode("utf-8").splitlines() if line.strip()})
    return "".join(line + "\n" for line in lines).encode("utf-8")


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
        self._contexts = dict(ordered)
