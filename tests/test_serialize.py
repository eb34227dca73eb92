"""The deterministic serializations give what the slower ways they replace gave, byte for
byte: canonical N-Quads without pyld's N-Quads reader (quadratic in a graph's size), and
Turtle and TriG read through a per-graph subject index."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from ctc_kg.config import Settings
from ctc_kg.content.load import Content, content_files, load_content
from ctc_kg.content.rdf_files import trig, turtle
from ctc_kg.content.serialize import (
    _copy_namespaces,
    canonical_dataset,
    canonical_dataset_and_nquads,
    canonical_nquads,
    new_dataset,
    new_graph,
    nquads,
    sorted_quads,
    union_of,
)
from pyld import jsonld
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.serializers.trig import TrigSerializer

ROOT = Path(__file__).resolve().parents[1]
E = "http://example.org/"


@pytest.fixture(scope="module")
def repository() -> Content:
    return load_content(content_files(Settings(root=ROOT)))


def tangled() -> Dataset:
    """Blank nodes that only their neighbours tell apart: a cycle, twins, a blank graph."""
    dataset = new_dataset()
    a, b, c, twin1, twin2, name = BNode(), BNode(), BNode(), BNode(), BNode(), BNode()
    knows = URIRef(E + "knows")
    default = dataset.default_graph
    for s, o in ((a, b), (b, c), (c, a)):
        default.add((s, knows, o))
    default.add((URIRef(E + "x"), knows, twin1))
    default.add((URIRef(E + "x"), knows, twin2))
    default.add((twin1, URIRef(E + "label"), Literal("same", lang="en")))
    default.add((twin2, URIRef(E + "label"), Literal("same", lang="en")))
    named = dataset.graph(name)
    named.add((a, URIRef(E + "says"), Literal('quote "and" new\nline')))
    named.add((URIRef(E + "y"), URIRef(E + "n"), Literal("7", datatype=URIRef(E + "int"))))
    dataset.graph(URIRef(E + "g")).add((c, knows, name))
    return dataset


def pyld_reading_nquads(dataset: Dataset) -> str:
    """What canonical_nquads did before: rdflib's N-Quads, read by pyld, canonicalized."""
    result: str = jsonld.normalize(
        dataset.serialize(format="nquads"),
        {
            "algorithm": "URDNA2015",
            "inputFormat": "application/n-quads",
            "format": "application/n-quads",
        },
    )
    return result


def test_canonical_nquads_are_pylds_of_the_repository(repository: Content) -> None:
    assert canonical_nquads(repository.dataset) == pyld_reading_nquads(repository.dataset)


def test_canonical_nquads_are_pylds_of_tangled_blank_nodes() -> None:
    dataset = tangled()
    assert "_:c14n" in canonical_nquads(dataset)
    assert canonical_nquads(dataset) == pyld_reading_nquads(dataset)


def test_canonical_dataset_and_its_nquads_agree() -> None:
    dataset = tangled()
    quads = dataset.quads((None, None, None, None))
    copy, text = canonical_dataset_and_nquads(quads)  # type: ignore[arg-type]
    assert text == nquads(copy) == canonical_nquads(dataset).encode("utf-8")
    assert len(copy) == len(dataset)
    for graph in dataset.graphs():
        if isinstance(graph.identifier, URIRef) and graph.identifier != DATASET_DEFAULT_GRAPH_ID:
            assert isomorphic(copy.graph(graph.identifier), graph)
    labels = {str(t) for q in copy.quads((None, None, None, None)) for t in q[:4]}
    assert {label for label in labels if label.startswith("c14n")}


def test_turtle_is_what_rdflibs_turtle_writer_gives(repository: Content) -> None:
    graph = union_of(canonical_dataset(repository.data_dataset()))
    reference = new_graph()
    _copy_namespaces(graph, reference)
    for triple in sorted(graph):
        reference.add(triple)
    assert turtle(graph) == reference.serialize(format="turtle", encoding="utf-8")


class _ReferenceTrig(TrigSerializer):
    """rdflib's TriG writer with the graphs in name order: trig() without its index."""

    def preprocess(self) -> None:
        self.contexts = sorted(
            self.contexts,
            key=lambda graph: (graph.identifier != self.default_context, str(graph.identifier)),
        )
        super().preprocess()
        default = self.default_context
        self._contexts = dict(
            sorted(
                self._contexts.items(),
                key=lambda item: (item[0].identifier != default, str(item[0].identifier)),
            )
        )


def test_trig_is_what_rdflibs_trig_writer_gives(repository: Content) -> None:
    data = canonical_dataset(repository.data_dataset())
    copy = new_dataset()
    _copy_namespaces(data, copy)
    for s, p, o, g in sorted_quads(data):
        target: Graph = copy.default_graph if g == DATASET_DEFAULT_GRAPH_ID else copy.graph(g)  # type: ignore[arg-type]
        target.add((s, p, o))
    stream = io.BytesIO()
    _ReferenceTrig(copy).serialize(stream, encoding="utf-8")
    assert trig(data) == stream.getvalue()
