"""Deterministic serializations: the same graph always gives the same bytes.

Blank nodes are relabelled with the W3C RDF Dataset Canonicalization (URDNA2015, as
implemented by pyld), so their labels depend on the graph only. The serializers below
then sort what rdflib leaves in store order (N-Triples lines, TriG graphs, RDF/XML
subjects); Turtle output is already sorted by rdflib.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

from pyld.canon import URDNA2015
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, XSD, NamespaceManager, split_uri
from rdflib.plugins.serializers.nt import _nt_row
from rdflib.term import Node

from ctc_kg.config import CANONICAL_BASE_IRI
from ctc_kg.content import oxigraph_canon
from ctc_kg.content.names import prefixes
from ctc_kg.content.writers import Statements
from ctc_kg.formats import NQUADS

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
    return canonical_nquads_of(_all_quads(dataset))


def canonical_nquads_of(quads: Iterable[Quad]) -> str:
    """The statements in canonical N-Quads (those of a dataset that holds them)."""
    text, _ = _canonical(quads)
    return text


def canonical_dataset_and_nquads(
    quads: Iterable[Quad], base_iri: str = CANONICAL_BASE_IRI
) -> tuple[Dataset, bytes]:
    """The statements as a dataset whose blank nodes carry canonical labels, and in canonical
    N-Quads (what `nquads` of that dataset gives: the canonical form of isomorphic datasets
    is the same), from one canonicalization."""
    text, relabelled = _canonical(quads)
    result = new_dataset(base_iri)
    graphs: dict[Node, Graph] = {}
    for subject, predicate, obj, name in relabelled:
        graph = graphs.get(name)
        if graph is None:
            graph = graphs[name] = _graph_named(result, name)
        graph.add((subject, predicate, obj))
    return result, text.encode("utf-8")


def with_union_in_default_graph(quads: Iterable[Quad]) -> Iterator[Quad]:
    """The quads, and every statement of a named graph once more in the default graph,
    each once: the default graph of a TriG or N-Quads file then holds all the statements
    (what the Turtle file holds), for clients that read only the default graph, and the
    named graphs still say which source says what. (store.writing does the same for the
    server's answers.)"""
    default: set[tuple[Node, Node, Node]] = set()
    later: list[tuple[Node, Node, Node]] = []
    for subject, predicate, obj, name in quads:
        triple = (subject, predicate, obj)
        if name == DATASET_DEFAULT_GRAPH_ID:
            if triple not in default:
                default.add(triple)
                yield subject, predicate, obj, name
        else:
            later.append(triple)
            yield subject, predicate, obj, name
    for triple in later:
        if triple not in default:
            default.add(triple)
            yield (*triple, DATASET_DEFAULT_GRAPH_ID)


def _canonical(quads: Iterable[Quad]) -> tuple[str, list[Quad]]:
    """The statements in canonical N-Quads, and the statements with their blank nodes
    relabelled the same way (content/oxigraph_canon.py writes what it can of them, pyld
    the rest)."""
    return oxigraph_canon.canonical_nquads(list(quads), canonical_by_pyld)


def canonical_by_pyld(quads: Iterable[Quad]) -> tuple[str, list[Quad]]:
    """The statements in canonical N-Quads (URDNA2015, pyld's implementation), and the
    statements with their blank nodes relabelled the same way.

    pyld's URDNA2015 is given the statements directly, as its RDF dataset: pyld's own
    N-Quads reader compares each statement with every earlier one of its graph (quadratic:
    most of a build's time, docs/performance.md), and a graph holds no statement twice
    anyway.
    """
    graphs: dict[str, list[dict[str, PyldTerm]]] = {}
    statements: list[Quad] = []
    for quad in quads:
        subject, predicate, obj, name = quad
        key = "@default" if name == DATASET_DEFAULT_GRAPH_ID else _pyld_id(name)
        graphs.setdefault(key, []).append(
            {
                "subject": _pyld_term(subject),
                "predicate": {"type": "IRI", "value": str(predicate)},
                "object": _pyld_term(obj),
            }
        )
        statements.append(quad)
    canonicalization = URDNA2015()
    text: str = canonicalization.main(graphs, {"format": NQUADS.media_type})
    labels: dict[str, str] = canonicalization.canonical_issuer.existing
    if not labels:
        return text, statements

    def relabel(term: Node) -> Node:
        return BNode(labels[f"_:{term}"][2:]) if isinstance(term, BNode) else term

    return text, [cast(Quad, tuple(relabel(term) for term in quad)) for quad in statements]


def _all_quads(dataset: Dataset) -> Iterable[Quad]:
    return cast(Iterable[Quad], dataset.quads((None, None, None, None)))


PyldTerm = dict[str, str]


def _pyld_id(term: Node) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _pyld_term(term: Node) -> PyldTerm:
    """A term as pyld's RDF dataset holds it (what pyld.nquads.parse_nquads makes)."""
    if isinstance(term, BNode):
        return {"type": "blank node", "value": f"_:{term}"}
    if not isinstance(term, Literal):
        return {"type": "IRI", "value": str(term)}
    if term.language:
        return {
            "type": "literal",
            "value": str(term),
            "datatype": str(RDF.langString),
            "language": term.language,
        }
    datatype = str(term.datatype) if term.datatype is not None else str(XSD.string)
    return {"type": "literal", "value": str(term), "datatype": datatype}


def dataset_from_nquads(text: str, base_iri: str = CANONICAL_BASE_IRI) -> Dataset:
    """Parse N-Quads keeping blank node labels as written (for canonical input)."""
    dataset = new_dataset(base_iri)
    dataset.parse(data=text, format="nquads", bnode_context=_KeepLabels())
    return dataset


def canonical_dataset(dataset: Dataset, base_iri: str = CANONICAL_BASE_IRI) -> Dataset:
    """A copy of the dataset whose blank nodes carry canonical labels."""
    copy, _ = canonical_dataset_and_nquads(_all_quads(dataset), base_iri)
    return copy


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


def ntriples(source: Graph | Statements) -> bytes:
    """N-Triples, one line per triple, lines sorted (rdflib's N-Triples lines)."""
    if isinstance(source, Graph):
        text = source.serialize(format="nt", encoding="utf-8")
    else:
        text = "".join(_nt_row(triple) for triple in source.triples).encode("utf-8")
    return _sorted_lines(text)


def nquads(dataset: Dataset) -> bytes:
    """N-Quads in canonical form (URDNA2015 labels, sorted lines)."""
    return canonical_nquads(dataset).encode("utf-8")


def statements_of(quads: Iterable[Quad], namespaces: Graph) -> Statements:
    """The writers' statements, by graph, with the prefixes `namespaces` carries."""
    graphs: dict[Node, list[tuple[Node, Node, Node]]] = {}
    # One object per IRI and blank node: the writers' dictionaries then find a term by
    # identity instead of calling rdflib's __eq__ (a literal is left alone: rdflib's
    # equality ignores the case of its language tag, its bytes do not).
    terms: dict[Node, Node] = {}
    same = terms.setdefault
    for subject, predicate, obj, name in quads:
        key = DATASET_DEFAULT_GRAPH_ID if name is None else name
        triple = (same(subject, subject), same(predicate, predicate), obj)
        if not isinstance(obj, Literal):
            triple = (triple[0], triple[1], same(obj, obj))
        graphs.setdefault(key, []).append(triple)
    names = sorted(graphs, key=lambda name: (name != DATASET_DEFAULT_GRAPH_ID, str(name)))
    ordered = [(name, graphs[name]) for name in names]
    # The namespaces of the distinct predicates and classes: one object per term, so the
    # sets below compare by identity.
    rdf_type = terms.get(RDF.type, RDF.type)
    predicates = {triple[1] for _, triples in ordered for triple in triples}
    classes = {t[2] for _, triples in ordered for t in triples if t[1] is rdf_type}
    met = namespaces_met(
        [(rdf_type, predicate, rdf_type) for predicate in predicates]
        + [(rdf_type, rdf_type, cls) for cls in classes]
    )
    return Statements(ordered, sorted(namespaces.namespaces()), frozenset(met))


def canonical_statements(
    quads: Iterable[Quad], base_iri: str = CANONICAL_BASE_IRI
) -> tuple[Statements, Statements, Callable[[], bytes]]:
    """The data's statements with canonical blank node labels, for the writers: by graph
    (the default graph holding their union as well, with_union_in_default_graph), and their
    union; and a function that writes their canonical N-Quads (in a job of the build). The
    prefixes are those of the rdflib dataset (`canonical_dataset_and_nquads`) and union
    graph (`union_of`) they stand for."""
    statements = list(with_union_in_default_graph(quads))
    relabelled, text = oxigraph_canon.canonical_later(statements, canonical_by_pyld)
    dataset_names = new_dataset(base_iri)
    data = statements_of(relabelled, dataset_names)
    union_names = new_graph()
    _copy_namespaces(dataset_names, union_names, data.met)
    union = Statements(data.graphs[:1], sorted(union_names.namespaces()), data.met)
    return data, union, lambda: text().encode("utf-8")


def _carry_namespaces(source: Graph | Statements, target: Graph) -> None:
    """The prefixes rdflib's writers would see: the source's, and `ns1`, ... for the rest."""
    if isinstance(source, Statements):
        for prefix, namespace in source.namespaces:
            target.bind(prefix, namespace, override=False)
        _bind_needed(target, source.met)
    else:
        _copy_namespaces(source, target)


def graph_of(statements: Statements) -> Graph:
    """An rdflib graph of the statements (their union), with their prefixes."""
    graph = new_graph()
    _carry_namespaces(statements, graph)
    for triple in statements.triples:
        graph.add(triple)
    return graph


def dataset_of(statements: Statements) -> Dataset:
    """An rdflib dataset of the statements, with their prefixes."""
    dataset = new_dataset()
    _carry_namespaces(statements, dataset)
    for name, triples in statements.graphs:
        for triple in triples:
            add_quad(dataset, (*triple, name))
    return dataset


def add_quad(dataset: Dataset, quad: Quad) -> None:
    """Add (s, p, o, graph name) to the dataset; the name may be the default graph's."""
    subject, predicate, obj, name = quad
    _graph_named(dataset, name).add((subject, predicate, obj))


def _graph_named(dataset: Dataset, name: Node) -> Graph:
    if name == DATASET_DEFAULT_GRAPH_ID:
        return cast(Graph, dataset.default_graph)
    return dataset.graph(cast(URIRef | BNode, name))


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


def _copy_namespaces(source: Graph, target: Graph, met: Iterable[str] | None = None) -> None:
    """Copy the source's prefixes, and name every other namespace the serializer will need
    (`met`: those of the source's predicates and classes, found here when not given).

    rdflib invents `ns1`, `ns2`, ... for unbound namespaces of predicates and classes in
    the order it meets them, which is store order; binding them here, sorted, fixes them.
    """
    for prefix, namespace in sorted(source.namespaces()):
        target.bind(prefix, namespace, override=False)
    _bind_needed(target, namespaces_met(_statements(source)) if met is None else met)


def namespaces_met(statements: Iterable[tuple[Node, ...]]) -> set[str]:
    """The namespaces of the statements' predicates and classes (split as rdflib splits)."""
    met: set[str] = set()
    seen: set[Node] = set()  # a few dozen predicates and classes, met on every statement
    for _, predicate, obj, *_ in statements:
        for term in (predicate, obj) if predicate == RDF.type else (predicate,):
            if isinstance(term, URIRef) and term not in seen:
                seen.add(term)
                try:
                    met.add(str(split_uri(term)[0]))
                except ValueError:
                    continue
    return met


def _bind_needed(target: Graph, met: Iterable[str]) -> None:
    bound = {str(namespace) for _, namespace in target.namespaces()}
    needed = {space for space in met if space not in bound}
    for number, space in enumerate(sorted(needed), start=1):
        target.bind(f"ns{number}", space, override=False)


def _statements(source: Graph) -> Iterable[tuple[Node, ...]]:
    if isinstance(source, Dataset):
        return cast(Iterable[Quad], source.quads((None, None, None, None)))
    return source.triples((None, None, None))


def _sorted_lines(text: bytes) -> bytes:
    lines = sorted({line for line in text.decode("utf-8").splitlines() if line.strip()})
    return "".join(line + "\n" for line in lines).encode("utf-8")
