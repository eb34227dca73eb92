"""The one-pass Turtle, TriG and RDF/XML writers (content/writers.py) write rdflib's bytes.

rdflib's own writers are the reference (`serialize.*_by_rdflib`): every test writes the same
graph both ways and compares the bytes, on the repository's data, vocabularies and shapes,
on generated benchmark graphs, and on generated graphs with awkward terms (languages,
datatypes and their shortcuts, escapes, long and multi-line strings, blank nodes nested,
shared and in loops, IRIs that cannot be prefixed names). Where the writers refuse (RDF
lists, a graph named by a blank node, a namespace rdflib would invent a prefix for), the
file is rdflib's and the build log says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ctc_kg.config import Settings, load_settings
from ctc_kg.content.load import Content, content_files, load_content
from ctc_kg.content.rdf_files import (
    rdfxml,
    rdfxml_by_rdflib,
    trig,
    trig_by_rdflib,
    turtle,
    turtle_by_rdflib,
)
from ctc_kg.content.serialize import (
    canonical_graph,
    canonical_statements,
    graph_of,
    new_dataset,
    new_graph,
)
from ctc_kg.content.writers import Statements
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from bench.generate import generate, write_root

ROOT = Path(__file__).resolve().parents[1]
E = "https://example.org/"
B = "https://w3id.org/ctc-kg/"


def _assert_graph_written_as_rdflib_does(graph: Graph | Statements, *, fast: bool) -> None:
    """Turtle and RDF/XML of the graph are rdflib's bytes; `fast`: without falling back."""
    notes: list[str] = []
    reference = graph_of(graph) if isinstance(graph, Statements) else graph
    assert turtle(graph, notes.append) == turtle_by_rdflib(reference)
    assert rdfxml(graph, notes.append) == rdfxml_by_rdflib(reference)
    if fast:
        assert notes == []


def _content(root: Path) -> Content:
    return load_content(content_files(load_settings({"root": root}, environ={})))


def _assert_data_written_as_rdflib_does(content: Content) -> None:
    data, union, _ = canonical_statements(content.data_quads(), content.base_iri)
    _assert_graph_written_as_rdflib_does(union, fast=True)
    notes: list[str] = []
    dataset = new_dataset()
    for name, triples in data.graphs:
        graph = dataset.default_graph if name == DATASET_DEFAULT_GRAPH_ID else dataset.graph(name)  # type: ignore[arg-type]
        for triple in triples:
            graph.add(triple)
    assert trig(data, notes.append) == trig_by_rdflib(dataset)
    assert notes == []


@pytest.fixture(scope="module")
def repository() -> Content:
    return load_content(content_files(Settings(root=ROOT)))


def test_the_repositorys_data_dumps_are_rdflibs_bytes(repository: Content) -> None:
    _assert_data_written_as_rdflib_does(repository)


def test_the_ontology_is_rdflibs_bytes(repository: Content) -> None:
    _assert_graph_written_as_rdflib_does(canonical_graph(repository.ontology), fast=True)


def test_the_shapes_lists_fall_back_to_rdflib_and_say_so(repository: Content) -> None:
    shapes = canonical_graph(repository.shapes)
    notes: list[str] = []
    assert turtle(shapes, notes.append) == turtle_by_rdflib(shapes)
    assert len(notes) == 1
    assert "Turtle written by rdflib's writer" in notes[0]
    assert "RDF list" in notes[0]
    _assert_graph_written_as_rdflib_does(shapes, fast=False)


@pytest.mark.parametrize("size", [1000, 3000])
def test_generated_benchmark_graphs_are_rdflibs_bytes(
    size: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp(f"generated-{size}")
    write_root(generate(size, seed=size), root, ROOT)
    _assert_data_written_as_rdflib_does(_content(root))


def test_a_graph_named_by_a_blank_node_falls_back_to_rdflib() -> None:
    dataset = new_dataset()
    dataset.graph(BNode("g")).add((URIRef(E + "s"), RDFS.label, Literal("in a blank graph")))
    notes: list[str] = []
    assert trig(dataset, notes.append) == trig_by_rdflib(dataset)
    assert notes
    assert "TriG written by rdflib's writer" in notes[0]


# Terms chosen to reach every branch of rdflib's term writing.
IRIS = [
    E + "a",
    E + "b/c",
    E + "x#y",
    E + "ends.with.dot.",
    E + "with(parens)",
    E + "percent%zz",
    E + "percent%41",
    E + "é",
    E + "1starts-with-digit",
    E + "",
    "urn:x:1",
    B + "id/meeting/1",
    B + "ontology#Meeting",
    "https://schema.org/Event",
    str(RDF.nil),
    str(RDFS.Class),
    str(XSD.integer),
    "http://unbound.example/ns#thing",
]
PREDICATES = [
    RDF.type,
    RDFS.label,
    RDFS.comment,
    RDF.value,
    URIRef("https://schema.org/name"),
    URIRef(B + "ontology#organizer"),
    URIRef(E + "p"),
    URIRef("http://unbound.example/ns#q"),
]
LEXICAL = [
    "1",
    "01",
    "-0",
    "+5",
    " 1",
    "1.0",
    "1.",
    ".5",
    "1e3",
    "1.0E3",
    "INF",
    "NaN",
    "true",
    "false",
    "True",
    "0",
    "abc",
    "2007-01-01",
]
DATATYPES = [
    XSD.integer,
    XSD.decimal,
    XSD.double,
    XSD.float,
    XSD.boolean,
    XSD.string,
    XSD.date,
    XSD.nonNegativeInteger,
    XSD.hexBinary,
    URIRef(E + "datatype"),
    URIRef("http://unbound.example/dt#t"),
]
AWKWARD_TEXT = st.lists(
    st.sampled_from(
        [*list("ab \"'\\\n\r\t\x0b\x0c\x00\x1f\x7f\x85é中\u2028\u2029\ufeff😀<>&]"), '"""']
    ),
    max_size=12,
).map("".join)
LITERALS = st.one_of(
    AWKWARD_TEXT.map(Literal),
    st.builds(Literal, AWKWARD_TEXT, lang=st.sampled_from(["en", "fr", "en-GB", "EN", "de-1996"])),
    st.builds(
        Literal,
        st.sampled_from(LEXICAL),
        datatype=st.sampled_from(DATATYPES),
    ),
    st.builds(Literal, AWKWARD_TEXT, datatype=st.sampled_from(DATATYPES)),
    st.text(min_size=200, max_size=400).map(Literal),
)
BLANKS = st.sampled_from([BNode(f"b{number}") for number in range(5)])
SUBJECTS = st.one_of(st.sampled_from([URIRef(iri) for iri in IRIS]), BLANKS)
OBJECTS = st.one_of(SUBJECTS, LITERALS)
TRIPLES = st.lists(
    st.tuples(SUBJECTS, st.sampled_from(PREDICATES), OBJECTS), min_size=1, max_size=30
)
GRAPH_NAMES = st.sampled_from([DATASET_DEFAULT_GRAPH_ID, URIRef(E + "g1"), URIRef(B + "g/2")])
HYPOTHESIS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _graph(triples: list[tuple[Node, Node, Node]]) -> Graph:
    graph = new_graph()
    for triple in triples:
        graph.add(triple)
    return graph


@pytest.mark.filterwarnings("ignore::UserWarning")
@HYPOTHESIS
@given(TRIPLES)
def test_turtle_of_awkward_graphs_is_rdflibs_bytes(triples: list[tuple[Node, Node, Node]]) -> None:
    graph = _graph(triples)
    notes: list[str] = []
    assert turtle(graph, notes.append) == turtle_by_rdflib(graph)
    assert notes == []


@pytest.mark.filterwarnings("ignore::UserWarning")
@HYPOTHESIS
@given(TRIPLES)
def test_rdfxml_of_awkward_graphs_is_rdflibs_bytes(triples: list[tuple[Node, Node, Node]]) -> None:
    graph = _graph(triples)
    notes: list[str] = []
    assert rdfxml(graph, notes.append) == rdfxml_by_rdflib(graph)
    assert notes == []


@pytest.mark.filterwarnings("ignore::UserWarning")
@HYPOTHESIS
@given(st.lists(st.tuples(TRIPLES, GRAPH_NAMES), min_size=1, max_size=3))
def test_trig_of_awkward_datasets_is_rdflibs_bytes(
    graphs: list[tuple[list[tuple[Node, Node, Node]], Node]],
) -> None:
    dataset: Dataset = new_dataset()
    for triples, name in graphs:
        target = dataset.default_graph if name == DATASET_DEFAULT_GRAPH_ID else dataset.graph(name)  # type: ignore[arg-type]
        for triple in triples:
            target.add(triple)
    notes: list[str] = []
    assert trig(dataset, notes.append) == trig_by_rdflib(dataset)
    assert notes == []


def test_an_rdf_list_falls_back_to_rdflib() -> None:
    head, rest = BNode("l1"), BNode("l2")
    graph = _graph(
        [
            (URIRef(E + "s"), URIRef(E + "p"), head),
            (head, RDF.first, Literal(1)),
            (head, RDF.rest, rest),
            (rest, RDF.first, Literal(2)),
            (rest, RDF.rest, RDF.nil),
        ]
    )
    notes: list[str] = []
    assert turtle(graph, notes.append) == turtle_by_rdflib(graph)
    assert b"( 1 2 )" in turtle(graph)
    assert notes
