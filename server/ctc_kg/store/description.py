"""What a resource's description holds, the same on every backend (see `Store.describe`):
the labels added for each resource it mentions, how much of a named graph it lists, and
how many of the links pointing to the resource it carries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
LABEL_PREDICATES = (RDFS_LABEL, SKOS_PREF_LABEL)
GRAPH_CONTENT_LIMIT = 10_000
#: At most this many distinct triples `?s ?p <iri>` come into a description through its
#: incoming links, each with every graph that states it (outgoing statements, blank
#: nodes, `#` children and labels are never cut). Which ones: the first in pyoxigraph's
#: index order (embedded), the first by subject and predicate (remote, ORDER BY); the
#: same on every request to one store, a different sample on the other backend. The
#: real graph (data/, ontology, shapes) has at most 52 links into one IRI
#: (sh:PropertyShape; 35 under the base, a source document), so nothing of it is cut. A
#: hub of the 1M-quad benchmark graph (the committee: 29,353 links) gets 7,008 quads
#: (0.5 MB of Turtle, 0.47 s on disk) instead of 205,479 (15 MB, 12 s); 1,000 referrers
#: are ten times what its HTML page lists per property (web/html/bounds.py), and the page
#: counts them all and links to the query that lists them (docs/operations.md).
INCOMING_LINK_LIMIT = 1_000


def named_nodes(quads: Iterable[ox.Quad]) -> Iterator[ox.NamedNode]:
    """Every IRI the quads mention, each once, in order of first mention."""
    seen: set[ox.NamedNode] = set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and term not in seen:
                seen.add(term)
                yield term
