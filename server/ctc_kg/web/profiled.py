"""A resource's description in a profile without named graphs (content.profiles).

The plain profile is the description's triples; the schema.org profile keeps those whose
predicate is a schema.org term and the rdf:type statements naming a schema.org class,
and names each resource it mentions that has no `schema:name` with its `rdfs:label`s as
`schema:name` (what search engines show; the pages' embedded markup, web/html/jsonld.py,
does the same), with no bound on the number of values.
Their JSON-LD is framed for the resource (content.frames); the other formats are written
as every graph is (web.outward).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox
import rdflib

from ctc_kg import formats
from ctc_kg.content import profiles
from ctc_kg.content.frames import framed_bytes
from ctc_kg.content.names import SCHEMA
from ctc_kg.content.profiles import Profile
from ctc_kg.formats import Format
from ctc_kg.web import outward
from ctc_kg.web.rewrite import IriMap

SCHEMA_ORG = str(SCHEMA)
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SCHEMA_NAME = ox.NamedNode(SCHEMA_ORG + "name")


def representation(
    quads: Iterable[ox.Quad],
    profile: Profile,
    target: Format,
    iri_map: IriMap,
    prefixes: Mapping[str, str],
    iri: str,
) -> bytes:
    """The description `quads` (canonical IRIs) of `iri` in `profile`, as `target`."""
    triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
    if profile is profiles.SCHEMA_ORG:
        triples = _schema_org_view(triples)
    if target is formats.JSONLD and profile.framed:
        mapped = [iri_map.quad(ox.Quad(t.subject, t.predicate, t.object)) for t in triples]
        public = [ox.Triple(q.subject, q.predicate, q.object) for q in mapped]
        ntriples = ox.serialize(public, format=ox.RdfFormat.N_TRIPLES) or b""
        graph = rdflib.Graph().parse(data=ntriples.decode("utf-8"), format="nt")
        return framed_bytes(graph, iri_map.outward(iri), iri_map.public)
    in_default_graph = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    return outward.graph(in_default_graph, target, iri_map, prefixes)


def _schema_org_view(triples: list[ox.Triple]) -> list[ox.Triple]:
    kept = [t for t in triples if _schema_org(t)]
    named = {t.subject for t in kept if t.predicate == SCHEMA_NAME}
    mentioned = {t.subject for t in kept} | {t.object for t in kept if t.predicate != RDF_TYPE}
    labels = [
        ox.Triple(t.subject, SCHEMA_NAME, t.object)
        for t in triples
        if t.predicate == RDFS_LABEL and t.subject in mentioned and t.subject not in named
    ]
    return list(dict.fromkeys([*kept, *labels]))


def _schema_org(triple: ox.Triple) -> bool:
    if triple.predicate.value.startswith(SCHEMA_ORG):
        return True
    obj = triple.object
    return (
        triple.predicate == RDF_TYPE
        and isinstance(obj, ox.NamedNode)
        and obj.value.startswith(SCHEMA_ORG)
    )
