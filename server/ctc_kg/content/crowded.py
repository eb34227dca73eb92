"""The shapes pyshacl-turbo would be slow on, which `auto` gives to pySHACL instead.

pyshacl-turbo 0.6.5 takes time that grows with the square of the number of values one
focus node has on a property shape's path, whatever the constraints (one focus node with
5,000, 10,000 and 20,000 values of a path and no constraint but `sh:name`: 0.6, 2.7 and
20 CPU-s; 2,000 focus nodes with 10 values each: 0.2 s). A node shape alone, or a
SHACL-SPARQL constraint over the same values, takes a few hundredths of a second. The
benchmark's generated graph has one such focus node: the series of special meetings, its
`schema:subEvent` to every meeting (8,800 at 300k quads, 29,000 at 1M, where pyshacl-turbo
took 186 CPU-s on ctcsh:EventSeriesShape against 32 for every other shape).

pySHACL's time on such a node grows linearly, but it needs the data as an rdflib graph
(about 12 CPU-s to build at 1M quads). So a shape goes to pySHACL only when a node has more
than `CROWDED` values of a predicate one of its paths uses (in either direction: an
inverse path counts the subjects of an object): below that, pyshacl-turbo is the faster.
Which engine checks a shape never changes its results (tests/test_shacl_engines.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

CROWDED = 10_000  # values of one path for one focus node (see above)

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
_SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)
_ONE_SHAPE = (SH.property, SH.node, SH.qualifiedValueShape, SH["not"])
_SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)


@dataclass(frozen=True)
class Split:
    """Which shapes each engine validates, as `use_shapes` names them: each list holds
    whole families (a shape with every shape it reaches through sh:property, sh:node,
    sh:or, ...: both engines skip a named shape that is reached but not listed), and no
    shape is in both, so no result is reported twice or missed."""

    turbo: list[URIRef]
    pyshacl: list[URIRef]


def split_shapes(store: ox.Store, shapes: Graph, limit: int = CROWDED) -> Split | None:
    """The families of shapes with a focus node that has more than `limit` values of a
    path they check, in `store` (its default graph), go to pySHACL; None when there is
    none, or when a shape with a target is a blank node, which `use_shapes` cannot name."""
    named = _shape_names(shapes)
    if named is None:
        return None
    crowded = _Crowded(store, limit)
    reach = {name: _reached_shapes(shapes, name) for name in named}
    slow: set[URIRef] = set()
    for family in _families(reach):
        if any(_meets_crowded_node(crowded, shapes, name, reach[name]) for name in family):
            slow.update(family)
    if not slow:
        return None
    return Split(sorted(set(named) - slow), sorted(slow))


class _Crowded:
    """The nodes with more than `limit` values of a predicate (or subjects, inverse)."""

    def __init__(self, store: ox.Store, limit: int) -> None:
        self.store, self.limit = store, limit
        self._nodes: dict[tuple[URIRef, bool], list[Any]] = {}

    def nodes(self, predicate: URIRef, inverse: bool) -> list[Any]:
        key = (predicate, inverse)
        if key not in self._nodes:
            self._nodes[key] = _most_values(self.store, predicate, inverse, self.limit)
        return self._nodes[key]

    def is_target(self, shapes: Graph, shape: URIRef, node: Any) -> bool:
        """Whether `node` (a pyoxigraph term) is a target of `shape` in the store."""
        for kind, value in shapes.predicate_objects(shape):
            if kind == SH.target or (kind == SH.targetNode and str(value) == node.value):
                return True  # a SPARQL-based target: no telling, so yes; or the node
            if kind == RDF.type and value in _CLASSES:  # an implicit class target
                kind, value = SH.targetClass, shape
            query = _TARGET_QUERIES.get(kind)
            if query is None or not isinstance(value, URIRef):
                continue
            if bool(self.store.query(query.format(node=node, value=ox.NamedNode(value)))):
                return True
        return False


# A node (N-Triples) is a target of a shape's sh:targetClass, sh:targetSubjectsOf and
# sh:targetObjectsOf (an IRI), the terms written by pyoxigraph.
_TARGET_QUERIES: dict[Node, str] = {
    SH.targetClass: (
        "ASK {{ {node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/"
        "<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {value} }}"
    ),
    SH.targetSubjectsOf: "ASK {{ {node} {value} ?any }}",
    SH.targetObjectsOf: "ASK {{ ?any {value} {node} }}",
}
_CLASSES = (RDFS.Class, OWL.Class)


def _meets_crowded_node(crowded: _Crowded, shapes: Graph, shape: URIRef, reach: set[Node]) -> bool:
    """Whether a shape reached from `shape` checks a path on which one of its focus nodes
    may have more than the limit of values. The focus nodes of `shape` and of its own
    property shapes are its targets; those of shapes reached through values (sh:node, a
    property shape's property shapes, ...) are not looked for: any crowded node counts."""
    own = {shape, *shapes.objects(shape, SH.property)}
    for node in reach:
        for predicate, inverse in _predicates(shapes, node):
            found = crowded.nodes(predicate, inverse)
            if found and (
                node not in own or any(crowded.is_target(shapes, shape, n) for n in found)
            ):
                return True
    return False


def _shape_names(shapes: Graph) -> list[URIRef] | None:
    """Every shape named by an IRI; None when a shape with a target is a blank node."""
    found: set[Node] = set()
    for predicate in _TARGETS:
        found.update(shapes.subjects(predicate, None))
    if any(not isinstance(shape, URIRef) for shape in found):
        return None
    for kind in _SHAPE_TYPES:
        found.update(shapes.subjects(RDF.type, kind))
    for predicate in _ONE_SHAPE:
        found.update(shapes.objects(None, predicate))
    for predicate in _SHAPE_LISTS:
        for members in shapes.objects(None, predicate):
            found.update(shapes.items(members))
    return sorted(shape for shape in found if isinstance(shape, URIRef))


def _reached_shapes(shapes: Graph, shape: Node) -> set[Node]:
    """The shape and every shape it reaches through shape-expecting parameters."""
    seen: set[Node] = {shape}
    pending: list[Node] = [shape]
    while pending:
        node = pending.pop()
        reached = [o for p in _ONE_SHAPE for o in shapes.objects(node, p)]
        for predicate in _SHAPE_LISTS:
            for members in shapes.objects(node, predicate):
                reached.extend(shapes.items(members))
        for other in reached:
            if other not in seen:
                seen.add(other)
                pending.append(other)
    return seen


def _families(reach: dict[URIRef, set[Node]]) -> list[set[URIRef]]:
    """The named shapes grouped so that two shapes reaching a common shape are together."""
    families: list[tuple[set[URIRef], set[Node]]] = []
    for name, reached in reach.items():
        members, nodes = {name}, set(reached)
        for family in [f for f in families if f[1] & nodes]:
            families.remove(family)
            members |= family[0]
            nodes |= family[1]
        families.append((members, nodes))
    return [members for members, _ in families]


def _predicates(shapes: Graph, node: Node) -> Iterator[tuple[URIRef, bool]]:
    """The predicates of the node's paths, with whether to count subjects per object
    (for a path that is not a plain IRI, which may be inverse)."""
    for path in shapes.objects(node, SH.path):
        if isinstance(path, URIRef):
            yield path, False
            continue
        for inner in _iris_in(shapes, path):
            yield inner, False
            yield inner, True


def _iris_in(shapes: Graph, start: Node) -> Iterator[URIRef]:
    """Every IRI reached from `start` (a complex path) in the shapes graph."""
    seen: set[Node] = {start}
    pending = [start]
    while pending:
        for obj in shapes.objects(pending.pop(), None):
            if isinstance(obj, URIRef) and obj != RDF.nil:
                yield obj
            if obj not in seen and (obj, None, None) in shapes:
                seen.add(obj)
                pending.append(obj)


def _most_values(store: ox.Store, predicate: URIRef, inverse: bool, limit: int) -> list[Any]:
    """The nodes with more than `limit` values of `predicate` (subjects per object when
    `inverse`) in the store's default graph, as pyoxigraph terms."""
    node, other = ("?o", "?s") if inverse else ("?s", "?o")
    written = ox.NamedNode(predicate)  # the IRI in SPARQL, as pyoxigraph writes it
    query = (
        f"SELECT {node} WHERE {{ {{ SELECT {node} (COUNT({other}) AS ?n) "
        f"WHERE {{ ?s {written} ?o }} GROUP BY {node} }} FILTER (?n > {int(limit)}) }}"
    )
    return [row[0] for row in cast(ox.QuerySolutions, store.query(query))]
