"""A resource's concise bounded description read from a pyoxigraph store (the embedded
backend's query workers, and the releases' stores: web.memento). What it holds is the
same on every backend (store.description); store.remote_description reads it from a
SPARQL endpoint."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from ctc_kg.store.description import (
    GRAPH_CONTENT_LIMIT,
    HASH_SUBJECTS_QUERY,
    INCOMING_LINK_LIMIT,
    LABEL_PREDICATES,
    BoundedDescription,
    HashChildren,
    named_nodes,
)

LABELS = tuple(ox.NamedNode(predicate) for predicate in LABEL_PREDICATES)


def hash_children(store: ox.Store, version: str) -> HashChildren:
    """The `doc#x` subjects of `store`, which holds the data version `version`."""
    solutions = store.query(HASH_SUBJECTS_QUERY)
    assert isinstance(solutions, ox.QuerySolutions)
    subjects = (solution["s"] for solution in solutions)
    return HashChildren.of(version, (s.value for s in subjects if isinstance(s, ox.NamedNode)))


def bounded_description(
    store: ox.Store,
    children: HashChildren,
    iri: str,
    incoming_limit: int = INCOMING_LINK_LIMIT,
) -> BoundedDescription | None:
    """Outgoing quads (of the IRI and of its `#` children), the blank nodes they reach,
    the quads of at most `incoming_limit` incoming triples (`_incoming`), a named
    graph's own contents, and the labels of every IRI named."""
    node = ox.NamedNode(iri)
    subjects = [node, *(ox.NamedNode(child) for child in children.of_document(iri))]
    found: dict[ox.Quad, None] = {}
    for subject in subjects:
        found.update(dict.fromkeys(store.quads_for_pattern(subject, None, None, None)))
    _add_blank_nodes(store, found)
    incoming, cut = _incoming(store, node, incoming_limit)
    found.update(dict.fromkeys(incoming))
    if store.contains_named_graph(node):
        for count, quad in enumerate(store.quads_for_pattern(None, None, None, node)):
            if count >= GRAPH_CONTENT_LIMIT:
                break
            found[quad] = None
    if not found:
        return None
    found = {quad: None for quad in found if not _is_merged_copy(store, quad)}
    for mentioned in list(named_nodes(list(found))):
        if mentioned == node:
            continue
        for predicate in LABELS:
            found.update(dict.fromkeys(store.quads_for_pattern(mentioned, predicate, None, None)))
    return BoundedDescription(list(found), incoming_limit if cut else None)


def _add_blank_nodes(store: ox.Store, found: dict[ox.Quad, None]) -> None:
    """Add to `found` the quads of every blank node its objects reach, at any depth."""
    frontier: list[ox.BlankNode] = []
    seen_blank: set[ox.BlankNode] = set()
    while True:
        for quad in list(found):
            if isinstance(quad.object, ox.BlankNode) and quad.object not in seen_blank:
                seen_blank.add(quad.object)
                frontier.append(quad.object)
        if not frontier:
            return
        while frontier:
            found.update(dict.fromkeys(store.quads_for_pattern(frontier.pop(), None, None, None)))


def _incoming(store: ox.Store, node: ox.NamedNode, limit: int) -> tuple[list[ox.Quad], bool]:
    """The quads of the first `limit` distinct triples `?s ?p node` in the store's index
    order, each in every graph that states it (the merged copy is dropped later, so
    the description holds at most `limit` incoming triples). Reads about `limit`
    quads, not the hub's thousands; the order is the store's, so the same store gives
    the same triples on every request. True with them when more triples point to it."""
    quads: list[ox.Quad] = []
    triples: dict[tuple[Any, ox.NamedNode], None] = {}
    for quad in store.quads_for_pattern(None, None, node, None):
        key = (quad.subject, quad.predicate)
        if key not in triples:
            if len(triples) >= limit:
                # Cut: a kept triple's other graphs may come later in the scan.
                kept = [
                    found
                    for subject, predicate in triples
                    for found in store.quads_for_pattern(subject, predicate, node)
                ]
                return kept, True
            triples[key] = None
        quads.append(quad)
    return quads, False


def _is_merged_copy(store: ox.Store, quad: ox.Quad) -> bool:
    """A default-graph quad that only repeats a named graph's triple (store.worker's
    `merge_into_default_graph`)."""
    if not isinstance(quad.graph_name, ox.DefaultGraph):
        return False
    return any(
        not isinstance(other.graph_name, ox.DefaultGraph)
        for other in store.quads_for_pattern(quad.subject, quad.predicate, quad.object)
    )
