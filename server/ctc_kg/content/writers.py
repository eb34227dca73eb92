"""Turtle, TriG and RDF/XML in one pass: rdflib's bytes, written without rdflib's writers.

rdflib's serializers spent most of a build (docs/performance.md): they ask the store for
each subject's statements, call a method per token and
encode every piece on its own. The writers here lay the statements out the way rdflib's
`TurtleSerializer`, `TrigSerializer` and `XMLSerializer` do, in one pass over the
statements grouped by subject, and leave every term to rdflib itself: prefixed names come
from the serializer's own `get_pname` (or the namespace manager's `qname_strict`), literals
from `Literal._literal_n3`, IRIs from `n3()`, XML escaping from `xml.sax.saxutils`. So the
escaping, the literal shortcuts and the prefix choice are rdflib's by construction; what is
ours is the order and the layout:

- Turtle: subjects typed `rdfs:Class` first, then by the number of statements naming them
  as object, then by IRI; predicates `rdf:type`, `rdfs:label`, then by IRI; objects in
  rdflib's order; `"\\n"` before each subject, `" ;\\n"` and `",\\n"` with four spaces per
  level, `" .\\n"` after it.
- TriG: the same, per graph, the default graph first (rdflib meets it twice, so its
  counts are doubled) and the counts carried from graph to graph, as rdflib counts them.
- RDF/XML: subjects, predicates and objects in rdflib's order of the sorted statements.

What these writers do not lay out as rdflib would, they refuse (`None`), and the caller
writes the file with rdflib: blank nodes (rdflib nests them, and lists), and a namespace
rdflib would have to invent a prefix for (`ns1`, ... in the order it meets them).
tests/test_writers.py holds every writer to rdflib's bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.plugins.serializers.xmlwriter import ESCAPE_ENTITIES
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
Predicates = dict[Node, list[Node]]
INDENT = "    "
# rdflib's namespace attributes are looked up by a Python __getattr__: once, here.
_RDF_TYPE, _RDF_NIL, _RDF_FIRST, _RDFS_CLASS = RDF.type, RDF.nil, RDF.first, RDFS.Class
_FIRST_PREDICATES = (_RDF_TYPE, RDFS.label)


class RefusedError(Exception):
    """Statements these writers would not lay out as rdflib does."""


@dataclass(frozen=True)
class Statements:
    """Statements as the writers read them, without an rdflib graph to hold them.

    `graphs`: (graph name, triples), the default graph first, then by name (a graph's
    triples are its union when there is one graph); `namespaces`: the prefixes an rdflib
    graph of them would carry, sorted; `met`: the namespaces of their predicates and
    classes (serialize.namespaces_met), which get `ns1`, ... when they have no prefix.
    """

    graphs: Sequence[tuple[Node, Sequence[Triple]]]
    namespaces: Sequence[tuple[str, str]]
    met: frozenset[str]

    @property
    def triples(self) -> Iterator[Triple]:
        for _, triples in self.graphs:
            yield from triples


def turtle(triples: Iterable[Triple], names: Graph) -> bytes:
    """rdflib's Turtle of the statements; `names` holds the prefixes (and no statement).
    Raises RefusedError when rdflib's bytes are not certain (the caller then asks rdflib)."""
    terms = _Terms(names)
    subjects = _by_subject(triples)
    terms.meet_statements(subjects)
    terms.refuse_invented_prefixes()
    references = _references(subjects)
    out: list[str] = [terms.prefix_lines()]
    _Layout(out, subjects, references, terms).statements(_ordered_subjects(subjects, references), 0)
    out.append("\n")
    return "".join(out).encode("utf-8", "replace")


def trig(graphs: Sequence[tuple[Node, Iterable[Triple]]], default: Node, names: Graph) -> bytes:
    """rdflib's TriG of the graphs (name, statements), in the order given (the default graph,
    named `default`, first); as `turtle`."""
    terms = _Terms(names)
    references: dict[Node, int] = {}
    ordered: list[tuple[Node, dict[Node, Predicates], list[Node]]] = []
    for name, triples in graphs:
        subjects = _by_subject(triples)
        if not subjects:
            continue  # rdflib skips an empty graph
        if type(name) is not URIRef:
            raise RefusedError(f"a graph named by {name!r}")
        # rdflib lists the default graph twice (Dataset.contexts() and its own
        # default_context) and counts it each time; the second count orders it.
        for _ in range(2 if name == default else 1):
            terms.pname(name, verb=False)
            terms.meet_statements(subjects)
            _count_references(subjects, references)
            for subject in subjects:
                references[subject] = references.get(subject, 0) + 1
            order = _ordered_subjects(subjects, references)
        ordered.append((name, subjects, order))
    terms.refuse_invented_prefixes()
    out: list[str] = [terms.prefix_lines()]
    for name, subjects, order in ordered:
        label = "" if name == default else (terms.pname(name, verb=False) or name.n3()) + " "
        out.append(f"\n{label}{{")
        _Layout(out, subjects, references, terms).statements(order, 1)
        out.append("}\n")
    out.append("\n")
    return "".join(out).encode("utf-8", "replace")


def rdfxml(triples: Iterable[Triple], names: Graph) -> bytes:
    """rdflib's RDF/XML (format "xml") of the statements, sorted as rdflib sorts them; as
    `turtle`."""
    subjects = _by_subject(triples)
    qnames, bindings = _xml_names(subjects, names)
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF\n']
    for prefix, namespace in sorted(bindings.items()):
        out.append(f'   xmlns:{prefix}="{namespace}"\n' if prefix else f'   xmlns="{namespace}"\n')
    out.append(">\n")
    for subject in sorted(subjects, key=_node_key):
        if type(subject) is BNode:
            out.append(f'  <rdf:Description rdf:nodeID="{subject}">\n')
        else:
            out.append(f"  <rdf:Description rdf:about={quoteattr(str(subject))}>\n")
        predicates = subjects[subject]
        for predicate in sorted(predicates, key=str):
            qname = qnames[predicate]
            for obj in _sorted_terms(predicates[predicate]):
                out.append(_xml_property(qname, obj))
        out.append("  </rdf:Description>\n")
    out.append("</rdf:RDF>\n")
    return "".join(out).encode("utf-8", "replace")


def _xml_names(
    subjects: dict[Node, Predicates], names: Graph
) -> tuple[dict[Node, str], dict[str, str]]:
    """Each predicate's element name and the namespaces to declare, as rdflib's
    XMLSerializer finds them (`qname_strict`, `compute_qname_strict`, and rdf)."""
    manager = names.namespace_manager
    before = set(manager.namespaces())
    qnames: dict[Node, str] = {}
    bindings: dict[str, str] = {}
    for predicates in subjects.values():
        for predicate in predicates:
            if predicate not in qnames:
                prefix, namespace, _ = manager.compute_qname_strict(str(predicate))
                bindings[prefix] = namespace
                qnames[predicate] = manager.qname_strict(str(predicate))
    if set(manager.namespaces()) != before:
        raise RefusedError("a namespace rdflib would invent a prefix for")
    bindings.setdefault("rdf", str(RDF))
    return qnames, bindings


def _xml_property(qname: str, obj: Node) -> str:
    if isinstance(obj, Literal):
        attributes = ""
        if obj.language:
            attributes += f' xml:lang="{obj.language}"'
        if obj.datatype:
            attributes += f' rdf:datatype="{obj.datatype}"'
        return f"    <{qname}{attributes}>{escape(obj, ESCAPE_ENTITIES)}</{qname}>\n"
    if type(obj) is BNode:
        return f'    <{qname} rdf:nodeID="{obj}"/>\n'
    return f"    <{qname} rdf:resource={quoteattr(str(obj))}/>\n"


def _by_subject(triples: Iterable[Triple]) -> dict[Node, Predicates]:
    """subject -> predicate -> objects; refuses what is neither an IRI nor a blank node where
    rdflib would write it otherwise (a literal or variable as subject, a non-IRI predicate)."""
    subjects: dict[Node, Predicates] = {}
    for subject, predicate, obj in triples:
        if type(predicate) is not URIRef or type(subject) not in (URIRef, BNode):
            raise RefusedError((subject, predicate, obj))
        predicates = subjects.get(subject)
        if predicates is None:
            predicates = subjects[subject] = {}
        objects = predicates.get(predicate)
        if objects is None:
            predicates[predicate] = [obj]
        else:
            objects.append(obj)
    return subjects


def _references(subjects: dict[Node, Predicates]) -> dict[Node, int]:
    references: dict[Node, int] = {}
    _count_references(subjects, references)
    return references


def _count_references(subjects: dict[Node, Predicates], references: dict[Node, int]) -> None:
    """Add the times each IRI or blank node is an object (rdflib's `_references`)."""
    for predicates in subjects.values():
        for objects in predicates.values():
            for obj in objects:
                if type(obj) is URIRef or type(obj) is BNode:
                    references[obj] = references.get(obj, 0) + 1


def _node_key(node: Node) -> tuple[int, str]:
    """rdflib's order of IRIs and blank nodes (term.py `_ORDERING`, then the string)."""
    return (10 if type(node) is BNode else 30), str(node)


def _ordered_subjects(subjects: dict[Node, Predicates], references: dict[Node, int]) -> list[Node]:
    """rdflib's `orderSubjects`: members of rdfs:Class first, sorted; then the others by
    (blank node, references, term)."""
    classes = sorted(
        (
            subject
            for subject, predicates in subjects.items()
            if _RDFS_CLASS in predicates.get(_RDF_TYPE, ())
        ),
        key=_node_key,
    )
    first = set(classes)
    rest = sorted(
        (subject for subject in subjects if subject not in first),
        key=lambda subject: (type(subject) is BNode, references.get(subject, 0), str(subject)),
    )
    return classes + rest


class _Layout:
    """rdflib's `TurtleSerializer.statement` and what it calls, for one graph: blank nodes
    named once are nested (`[ ... ]`), the others written by label."""

    def __init__(
        self,
        out: list[str],
        subjects: dict[Node, Predicates],
        references: dict[Node, int],
        terms: _Terms,
    ) -> None:
        self._out = out
        self._subjects = subjects
        self._references = references
        self._terms = terms
        self._done: set[Node] = set()

    def statements(self, order: Sequence[Node], depth: int) -> None:
        for subject in order:
            if subject not in self._done:
                self._statement(subject, depth)

    def _statement(self, subject: Node, depth: int) -> None:
        self._done.add(subject)
        if type(subject) is BNode and self._references.get(subject, 0) == 0:
            self._out.append("\n" + INDENT * depth + "[]")
        else:
            self._out.append("\n" + INDENT * depth + self._terms.label(subject, verb=False))
        self._predicate_list(subject, depth)
        self._out.append(" .\n")

    def _predicate_list(self, subject: Node, depth: int) -> None:
        predicates = self._subjects.get(subject)
        if not predicates:
            return
        separator = " "
        for predicate in _ordered_predicates(predicates):
            self._out.append(separator + self._terms.label(predicate, verb=True))
            separator = " ;\n" + INDENT * (depth + 1)
            # rdflib's objectList means to go one level deeper for several objects only, but
            # its `(count == 1) and 0 or 1` always gives 1: it matters for nested nodes.
            objects = predicates[predicate]
            if len(objects) > 1:
                objects = _sorted_terms(objects)
            self._object(objects[0], depth + 1, newline=False)
            between = ",\n" + INDENT * (depth + 2)
            for obj in objects[1:]:
                self._out.append(between)
                self._object(obj, depth + 1, newline=True)

    def _object(self, node: Node, depth: int, *, newline: bool) -> None:
        """rdflib's `path` for an object: `p_squared`, else `p_default`."""
        if not newline:
            self._out.append(" ")
        if type(node) is not BNode or node in self._done or self._references.get(node, 0) > 1:
            self._out.append(self._terms.label(node, verb=False))
            return
        if _RDF_FIRST in self._subjects.get(node, ()):
            raise RefusedError("an RDF list, which rdflib may write as ( ... )")
        self._done.add(node)
        self._out.append("[")
        self._predicate_list(node, depth + 1)
        self._out.append(" ]")


def _sorted_terms(terms: list[Node]) -> list[Node]:
    """Objects in rdflib's order (its writers sort them with the terms' own comparisons)."""
    return sorted(cast(list[Any], terms))


def _ordered_predicates(predicates: Predicates) -> list[Node]:
    first = [predicate for predicate in _FIRST_PREDICATES if predicate in predicates]
    rest = sorted((p for p in predicates if p not in _FIRST_PREDICATES), key=str)
    return first + rest


class _Terms:
    """Terms as rdflib's Turtle serializer writes them, each computed once by rdflib."""

    def __init__(self, names: Graph) -> None:
        self._names = names
        self._before = set(names.namespace_manager.namespaces())
        self._serializer = TurtleSerializer(names)
        self._pnames: dict[tuple[Node, bool], str | None] = {}
        self._labels: dict[tuple[object, ...], str] = {}
        self._datatype: Callable[[str], str | None] = lambda uri: self.pname(
            URIRef(uri), verb=False
        )

    def pname(self, node: Node, *, verb: bool) -> str | None:
        key = (node, verb)
        try:
            return self._pnames[key]
        except KeyError:
            found = self._pnames[key] = self._serializer.get_pname(node, gen_prefix=verb)
            return found

    def meet_statements(self, subjects: dict[Node, Predicates]) -> None:
        """What rdflib's `preprocessTriple` asks of every term, for the prefixes it declares."""
        pname = self.pname
        for subject, predicates in subjects.items():
            pname(subject, verb=False)
            for predicate, objects in predicates.items():
                if predicate != _RDF_TYPE:
                    pname(predicate, verb=True)
                for obj in objects:
                    if type(obj) is URIRef:
                        pname(obj, verb=False)
                    elif isinstance(obj, Literal) and obj.datatype:
                        pname(obj.datatype, verb=False)

    def refuse_invented_prefixes(self) -> None:
        if set(self._names.namespace_manager.namespaces()) != self._before:
            raise RefusedError("rdflib would invent a prefix, in the order it meets the statements")
        if self._serializer._ns_rewrite:
            raise RefusedError("rdflib would rename a prefix")

    def prefix_lines(self) -> str:
        namespaces = sorted(self._serializer.namespaces.items())
        return "".join(f"@prefix {prefix}: <{uri}> .\n" for prefix, uri in namespaces)

    def label(self, node: Node, *, verb: bool) -> str:
        """rdflib's `TurtleSerializer.label`, computed once per term and place."""
        if isinstance(node, Literal):
            # rdflib's literals are equal whatever their language tag's case: key exactly
            key: tuple[object, ...] = (str(node), node.language, node.datatype)
        else:
            key = (node, verb)
        try:
            return self._labels[key]
        except KeyError:
            pass
        if node == _RDF_NIL:
            text = "()"
        elif verb and node == _RDF_TYPE:
            text = "a"
        elif isinstance(node, Literal):
            text = node._literal_n3(use_plain=True, qname_callback=self._datatype)
        else:
            text = self.pname(node, verb=verb) or node.n3()
        self._labels[key] = text
        return text
