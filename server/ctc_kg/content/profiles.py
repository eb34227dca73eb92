"""The profiles a resource is served in (W3C Content Negotiation by Profile), described
with PROF, and a resource's alternate representations (the recommendation's ALTR model).

- `full` (the default): the description with provenance, each statement in the named
  graph of the passage that says it (TriG, N-Quads); other formats give the union.
- `plain`: the same statements as triples only, no named graphs; its JSON-LD is framed
  (content.frames): the resource at the top, what it links to nested.
- `schema`: only schema.org terms (schema: predicates, schema: classes, labels as
  schema:name: web.profiled), for search engines and web developers; JSON-LD framed too.

Profile IRIs are `B profile/<token>`; each dereferences to its PROF description.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from ctc_kg import formats
from ctc_kg.content.frames import FRAMES, frame_iri
from ctc_kg.content.names import (
    SCHEMA,
    context_iri,
    dataset_iri,
    media_type_iri,
    ontology_iri,
    shapes_iri,
)
from ctc_kg.content.serialize import new_graph
from ctc_kg.formats import JSONLD, TURTLE

PROF = Namespace("http://www.w3.org/ns/dx/prof/")
PROF_ROLE = Namespace("http://www.w3.org/ns/dx/prof/role/")
ALTR = Namespace("http://www.w3.org/ns/dx/connegp/altr#")
#: The token of the list-profiles request (`?_profile=alt`), the recommendation's keyword.
ALTERNATES = "alt"

# The triples-only formats (the union of the graphs), the default first.
_GRAPH_TYPES = tuple(fmt.media_type for fmt in formats.GRAPH_FORMATS if not fmt.datasets)
_DATASET_TYPES = tuple(fmt.media_type for fmt in formats.GRAPH_FORMATS if fmt.datasets)


@dataclass(frozen=True)
class Profile:
    token: str
    title: str
    comment: str
    keeps_graphs: bool  # named graphs (TriG, N-Quads) in this profile
    framed: bool  # its JSON-LD is framed (content.frames)
    media_types: tuple[str, ...]  # what it is served in, the default first

    def iri(self, base_iri: str) -> str:
        return profile_iri(base_iri, self.token)


FULL = Profile(
    "full",
    "Full description with provenance",
    "Every statement about the resource, each in the named graph of the source passage "
    "that says it (TriG, N-Quads; the other formats give their union), with the labels "
    "of what it mentions.",
    keeps_graphs=True,
    framed=False,
    media_types=(formats.HTML.media_type, *_GRAPH_TYPES, *_DATASET_TYPES),
)
PLAIN = Profile(
    "plain",
    "Plain description (triples only)",
    "The same statements as the full profile without named graphs: plain triples. Its "
    "JSON-LD is framed: the resource at the top, what it links to nested under it.",
    keeps_graphs=False,
    framed=True,
    media_types=_GRAPH_TYPES,
)
SCHEMA_ORG = Profile(
    "schema",
    "schema.org view",
    "Only the statements whose predicate is a schema.org term (and schema.org classes), "
    "with rdfs:label as schema:name for what has no schema:name, for search engines and "
    "web developers; JSON-LD framed as in the plain profile.",
    keeps_graphs=False,
    framed=True,
    media_types=(
        JSONLD.media_type,
        TURTLE.media_type,
        formats.NTRIPLES.media_type,
        formats.RDFXML.media_type,
    ),
)
PROFILES: tuple[Profile, ...] = (FULL, PLAIN, SCHEMA_ORG)
DEFAULT = FULL


def profile_iri(base_iri: str, token: str) -> str:
    return f"{base_iri}profile/{token}"


def profile_of(value: str, base_iri: str) -> Profile | None:
    """The profile a token or profile IRI names (IRIs of the canonical or public base)."""
    for profile in PROFILES:
        if value in (profile.token, profile.iri(base_iri)):
            return profile
    return None


def describe_profiles(base_iri: str) -> Graph:
    """PROF descriptions of the profiles, with the formats each is served in."""
    graph = new_graph(base_iri)
    graph.bind("prof", PROF)
    graph.bind("role", PROF_ROLE)
    for profile in PROFILES:
        node = URIRef(profile.iri(base_iri))
        graph.add((node, RDF.type, PROF.Profile))
        graph.add((node, RDF.type, DCTERMS.Standard))
        graph.add((node, PROF.hasToken, Literal(profile.token)))
        graph.add((node, DCTERMS.title, Literal(profile.title, lang="en")))
        graph.add((node, RDFS.label, Literal(profile.title, lang="en")))
        graph.add((node, DCTERMS.description, Literal(profile.comment, lang="en")))
        graph.add((dataset_iri(base_iri), DCTERMS.conformsTo, node))
        for media_type in profile.media_types:
            graph.add((node, DCTERMS["format"], media_type_iri(media_type)))
        _resource(graph, node, PROF_ROLE.vocabulary, ontology_iri(base_iri), TURTLE.media_type)
        if profile is SCHEMA_ORG:
            graph.add((node, PROF.isProfileOf, URIRef(str(SCHEMA))))
            graph.add((node, DCTERMS.conformsTo, URIRef(str(SCHEMA))))
        else:
            _resource(graph, node, PROF_ROLE.validation, shapes_iri(base_iri), TURTLE.media_type)
        if profile.framed:
            for frame in FRAMES:
                artifact = URIRef(frame_iri(base_iri, frame.name))
                _resource(graph, node, PROF_ROLE.schema, artifact, JSONLD.media_type)
        _resource(graph, node, PROF_ROLE.mapping, context_iri(base_iri), JSONLD.media_type)
    return graph


def _resource(graph: Graph, profile: URIRef, role: URIRef, artifact: URIRef, fmt: str) -> None:
    """`profile prof:hasResource [ prof:hasRole role ; prof:hasArtifact artifact ]`; the
    descriptor's node is named after both, so the description has no blank nodes."""
    descriptor = URIRef(f"{profile}#{role.split('/')[-1]}-{artifact.split('/')[-1]}")
    graph.add((profile, PROF.hasResource, descriptor))
    graph.add((descriptor, RDF.type, PROF.ResourceDescriptor))
    graph.add((descriptor, PROF.hasRole, role))
    graph.add((descriptor, PROF.hasArtifact, artifact))
    graph.add((descriptor, DCTERMS["format"], media_type_iri(fmt)))


def describe_alternates(
    base_iri: str, resource: str, offered: dict[str, tuple[str, ...]], default: tuple[str, str]
) -> Graph:
    """The resource's representations (ALTR): one per profile and media type offered,
    `dcterms:conformsTo` its profile and `dcterms:format` its media type."""
    graph = new_graph(base_iri)
    graph.bind("altr", ALTR)
    subject = URIRef(resource)
    for token, media_types in offered.items():
        for media_type in media_types:
            node = BNode(f"{token}-{media_type.replace('/', '-').replace('+', '-')}")
            graph.add((subject, ALTR.hasRepresentation, node))
            if (token, media_type) == default:
                graph.add((subject, ALTR.hasDefaultRepresentation, node))
            graph.add((node, RDF.type, ALTR.Representation))
            graph.add((node, DCTERMS.conformsTo, URIRef(profile_iri(base_iri, token))))
            graph.add((node, DCTERMS["format"], Literal(media_type)))
    return graph
