"""What a resource's description holds, the same on every backend (see `Store.describe`):
the labels added for each resource it mentions, and how much of a named graph it lists."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
LABEL_PREDICATES = (RDFS_LABEL, SKOS_PREF_LABEL)
GRAPH_CONTENT_LIMIT = 10_000


def named_nodes(quads: Iterable[ox.Quad]) -> Iterator[ox.NamedNode]:
    """Every IRI the quads mention, each once, in order of first mention."""
    seen: set[ox.NamedNode] = set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and term not in seen:
                seen.add(term)
                yield term
