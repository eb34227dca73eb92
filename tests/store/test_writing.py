"""store.writing: what every backend writes for a graph answer, parsed back with rdflib."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from ctc_kg.store.writing import serialize
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from tests.tidy import assert_reads_like_the_dump

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PREFIXES = {"ex": EX, "exa": EX + "a/", "rdf": RDF, "xsd": XSD, "unused": "http://unused.org/"}


def node(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def declared(body: bytes) -> set[str]:
    return {
        line.split()[1].rstrip(":")
        for line in body.decode().splitlines()
        if line.startswith("@prefix")
    }


def turtle_of(*quads: ox.Quad) -> bytes:
    return serialize(quads, ox.RdfFormat.TURTLE, PREFIXES)


@pytest.mark.parametrize(
    ("literal", "needs_xsd"),
    [
        (typed("57", "integer"), False),
        (typed("-1.5", "decimal"), False),
        (typed("1.5e3", "double"), False),
        (typed("true", "boolean"), False),
        (ox.Literal("plain"), False),
        (ox.Literal("tagged", language="en"), False),
        (typed("abc", "integer"), True),
        (typed("1", "boolean"), True),
        (typed("2003-03-06", "date"), True),
    ],
)
def test_xsd_is_declared_only_when_a_literal_is_written_with_its_datatype(
    literal: ox.Literal, needs_xsd: bool
) -> None:
    body = turtle_of(ox.Quad(node("s"), node("p"), literal))
    assert ("xsd" in declared(body)) is needs_xsd
    assert len(Graph().parse(data=body, format="turtle")) == 1


def test_rdf_type_as_predicate_is_written_a_and_needs_no_prefix() -> None:
    quad = ox.Quad(node("s"), ox.NamedNode(RDF + "type"), node("C"))
    assert declared(turtle_of(quad)) == {"ex"}
    as_object = ox.Quad(node("s"), node("p"), ox.NamedNode(RDF + "Property"))
    assert declared(turtle_of(as_object)) == {"ex", "rdf"}


def test_the_longest_namespace_is_the_one_declared() -> None:
    assert declared(turtle_of(ox.Quad(node("a/s"), node("a/p"), node("a/o")))) == {"exa"}


def test_statements_of_several_graphs_make_one_block_per_subject() -> None:
    quads = [
        ox.Quad(node("s"), node("p"), ox.Literal(str(number)), node(f"g{number % 3}"))
        for number in range(9)
    ] + [
        ox.Quad(node("s"), ox.NamedNode(RDF + "type"), node("C"), node("g1")),
        ox.Quad(node("t"), node("p"), node("s"), node("g0")),
        ox.Quad(node("t"), ox.NamedNode(RDF + "type"), node("C"), node("g2")),
    ]
    body = serialize(quads, ox.RdfFormat.TURTLE, PREFIXES, node("t"))
    expected = Graph()
    dataset = Dataset()
    dataset.parse(data=serialize(quads, ox.RdfFormat.N_QUADS, PREFIXES), format="nquads")
    for triple in dataset.graph(DATASET_DEFAULT_GRAPH_ID):
        expected.add(triple)
    assert len(expected) == 12
    assert_reads_like_the_dump(body, expected)
    assert body.decode().splitlines()[len(declared(body))].startswith("ex:t a ")


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [(ox.RdfFormat.TRIG, "trig"), (ox.RdfFormat.N_QUADS, "nquads")]
)
def test_dataset_formats_write_each_statement_once_in_the_default_graph_and_keep_the_graphs(
    fmt: ox.RdfFormat, rdflib_format: str
) -> None:
    quads = [
        ox.Quad(node("s"), node("p"), ox.Literal("both"), node("g1")),
        ox.Quad(node("s"), node("p"), ox.Literal("both"), node("g2")),
        ox.Quad(node("s"), node("q"), ox.Literal("default only")),
    ]
    dataset = Dataset()
    dataset.parse(data=serialize(quads, fmt, PREFIXES), format=rdflib_format)
    found = sorted((str(o), str(g)) for _, _, o, g in dataset.quads((None, None, None, None)))
    default = str(DATASET_DEFAULT_GRAPH_ID)
    assert found == [
        ("both", EX + "g1"),
        ("both", EX + "g2"),
        ("both", default),
        ("default only", default),
    ]
    assert isomorphic(
        Graph().parse(data=serialize(quads, ox.RdfFormat.TURTLE, PREFIXES), format="turtle"),
        dataset.graph(DATASET_DEFAULT_GRAPH_ID),
    )
