"""schema.org JSON-LD for a page's `<script type="application/ld+json">`.

Search engines read only schema.org, so the embedded graph holds the resource's schema.org
statements (types included), the blank nodes they reach, a `schema:name` for it and for
every resource it links to (from rdfs:label where schema:name is missing), with IRIs in
their public form. Like the page, it holds at most `bounds.PER_PROPERTY` values of each
property (the same ones the page lists). The text is made safe to sit inside a script
element by escaping `<`, `>` and `&` as JSON unicode escapes, which leaves the JSON value
unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SDO
from rdflib.term import Node

from ctc_kg.content.rebase import moved_term
from ctc_kg.web.html.bounds import PER_PROPERTY, first_values
from ctc_kg.web.html.quads import QuadIndex, Triple

_SCHEMA = str(SDO)


def _is_schema(term: Node) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(_SCHEMA)


def _names(index: QuadIndex, node: Node) -> list[Node]:
    names = index.objects(node, SDO.name)
    return names if names else index.objects(node, RDFS.label)


def _bounded(triples: list[Triple]) -> list[Triple]:
    """`triples` with at most PER_PROPERTY values per predicate (bounds.first_values)."""
    values: dict[Node, list[Node]] = {}
    for _, p, o in triples:
        values.setdefault(p, []).append(o)
    kept = {p: set(first_values(v, PER_PROPERTY)) for p, v in values.items()}
    return [t for t in triples if t[2] in kept[t[1]]]


def schema_org_graph(index: QuadIndex, iri: str, public_iri: Callable[[str], str]) -> Graph:
    def public(term: Node) -> Node:
        return moved_term(term, public_iri)

    graph = Graph()
    todo: list[Node] = [URIRef(iri)]
    done: set[Node] = set()
    linked: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in done:
            continue
        done.add(node)
        for s, p, o in _bounded(index.about(node)):
            if p == RDF.type and _is_schema(o):
                graph.add((public(s), p, o))
            elif _is_schema(p) and p != SDO.name:
                graph.add((public(s), p, public(o)))
                if isinstance(o, BNode):
                    todo.append(o)
                elif isinstance(o, URIRef):
                    linked.add(o)
        for name in _names(index, node):
            graph.add((public(node), SDO.name, name))
    for node in linked - done:
        for name in _names(index, node):
            graph.add((public(node), SDO.name, name))
    return graph


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_sorted(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def script_json(graph: Graph) -> str:
    """JSON-LD text that is safe inside `<script type="application/ld+json">`.

    Nodes and values are sorted: rdflib writes them in an order that follows Python's
    per-process set order, and a page must be the same bytes on every run (the static
    export publishes it). JSON-LD arrays here are sets (no `@list`), so order is free."""
    compact = json.loads(graph.serialize(format="json-ld", context={"@vocab": _SCHEMA}))
    text = json.dumps(_sorted(compact), indent=1, ensure_ascii=False, sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
