"""What a resource's description holds, the same on every backend (see `Store.describe`):
the labels added for each resource it mentions, how much of a named graph it lists, and
how many of the links pointing to the resource it carries, and the note a description
cut at that bound carries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

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
#: (sh:PropertyShape; 35 under the base, a source document), so nothing of it is cut; a
#: hub of a large graph gets a description a few percent of its size
#: (docs/performance.md). 1,000 referrers are ten times what its HTML page lists per
#: property (web/html/bounds.py), and the page counts them all and links to the query
#: that lists them (docs/operations.md).
INCOMING_LINK_LIMIT = 1_000

FOAF_PRIMARY_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
#: The blank node that stands for the description document in a cut description. A fixed
#: label, so the same description is the same bytes on every request and every worker
#: (the store's own blank nodes have generated labels).
DOCUMENT_NODE = "description"


@dataclass(frozen=True)
class BoundedDescription:
    """A description's quads; `cut_at`: the bound its incoming links were cut at, None
    when every link pointing to the resource is in it."""

    quads: list[ox.Quad]
    cut_at: int | None = None


def truncation_note(iri: str, cut_at: int) -> list[ox.Quad]:
    """What a cut description says about itself, in the default graph:

        _:description foaf:primaryTopic <iri> ;
            rdfs:comment "This description lists 1,000 of the statements ..."@en .

    The node is the description document (the representation served), not the resource:
    nothing is claimed about <iri> itself. `foaf:primaryTopic` is the Linked Data way to
    link a document to the thing it is about (the catalogue record uses it too), and
    `rdfs:comment` the note every RDF browser shows. No standard vocabulary has a term for
    "this description is partial", so the number is in the note's words and, for
    programs, in the `X-CTC-KG-Truncated` header of the answer."""
    document = ox.BlankNode(DOCUMENT_NODE)
    # No IRI in the words: a literal is not rewritten under a public URL (web.rewrite).
    note = (
        f"This description lists {cut_at:,} of the statements that point to its primary "
        "topic, not all of them (the limit of a description); the SPARQL endpoint lists "
        "them all."
    )
    return [
        ox.Quad(document, ox.NamedNode(FOAF_PRIMARY_TOPIC), ox.NamedNode(iri)),
        ox.Quad(document, ox.NamedNode(RDFS_COMMENT), ox.Literal(note, language="en")),
    ]


def named_nodes(quads: Iterable[ox.Quad]) -> Iterator[ox.NamedNode]:
    """Every IRI the quads mention, each once, in order of first mention."""
    seen: set[ox.NamedNode] = set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and term not in seen:
                seen.add(term)
                yield term


#: The subjects a document IRI stands for: `doc#x` for every `x` (the ontology's terms).
HASH_SUBJECTS_QUERY = (
    'SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && CONTAINS(STR(?s), "#")) }'
)


@dataclass(frozen=True)
class HashChildren:
    """The subjects `doc#x` of one data version, grouped by `doc`: a document IRI such as
    the ontology's is described with the terms it defines. A full scan of the subjects,
    so made once per version (`version`: the store's data version tag) and replaced,
    never patched, when the store answers from another version."""

    version: str
    groups: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, version: str, subjects: Iterable[str]) -> HashChildren:
        groups: dict[str, list[str]] = {}
        for subject in subjects:
            document, _, fragment = subject.partition("#")
            if fragment:
                groups.setdefault(document, []).append(subject)
        return cls(version, {document: tuple(found) for document, found in groups.items()})

    def of_document(self, iri: str) -> tuple[str, ...]:
        return self.groups.get(iri, ())
