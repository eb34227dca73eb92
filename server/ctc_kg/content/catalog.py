"""The DCAT catalogue record a national open-data portal harvests (`B catalog`).

DCAT-AP asks a harvested catalogue for a `dcat:Catalog` (title, description, publisher,
`dcat:dataset`), a `dcat:CatalogRecord` per dataset (`foaf:primaryTopic`,
`dcterms:modified`), datasets with title and description, distributions with
`dcat:accessURL`, and publishers that are `foaf:Agent`s with a `foaf:name`. Everything
about the dataset and its distributions is the build's VoID + DCAT description
(describe.py); this module adds the catalogue, the record, the publisher's name (from
its labels in the data) and the dataset's temporal and spatial coverage, computed from
the meetings' dates and places in the data, and the profiles resources are served in
(PROF). Nothing depends on the time of the build.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SDO, XSD
from rdflib.term import Node

from ctc_kg.content.names import dataset_iri, fragments_iri, ontology_namespace, sparql_iri
from ctc_kg.content.profiles import PROF, PROF_ROLE, describe_profiles
from ctc_kg.content.serialize import new_graph

EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
# ISO 639-1 codes the data uses -> the EU Publications Office language authority (DCAT-AP).
LANGUAGE_AUTHORITY = {"en": URIRef(EU_LANGUAGE + "ENG"), "fr": URIRef(EU_LANGUAGE + "FRA")}


def catalog_iri(base_iri: str) -> URIRef:
    return URIRef(base_iri + "catalog")


def record_iri(base_iri: str) -> URIRef:
    return URIRef(base_iri + "catalog#record")


def describe_catalog(description: Graph, data: Graph, base_iri: str) -> Graph:
    """The catalogue: `description` (the dataset's VoID + DCAT description) plus the
    catalogue, its record of the dataset, the publisher as an agent, and coverage."""
    graph = new_graph(base_iri)
    graph.bind("dcat", DCAT)
    for triple in description:
        graph.add(triple)
    dataset = dataset_iri(base_iri)
    catalog = catalog_iri(base_iri)
    record = record_iri(base_iri)

    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal("ctc-kg catalogue", lang="en")))
    graph.add((catalog, DCTERMS.title, Literal("Catalogue ctc-kg", lang="fr")))
    for description_text in description.objects(dataset, DCTERMS.description):
        graph.add((catalog, DCTERMS.description, description_text))
    graph.add((catalog, FOAF.homepage, URIRef(base_iri)))
    graph.add((catalog, DCAT.dataset, dataset))
    graph.add((catalog, DCAT.record, record))
    graph.add((catalog, DCAT.service, sparql_iri(base_iri)))
    graph.add((catalog, DCAT.service, fragments_iri(base_iri)))
    for key in (DCTERMS.publisher, DCTERMS.license, DCTERMS.modified):
        for value in description.objects(dataset, key):
            graph.add((catalog, key, value))
    for language in description.objects(dataset, DCTERMS.language):
        authority = LANGUAGE_AUTHORITY.get(str(language))
        if authority is not None:
            graph.add((catalog, DCTERMS.language, authority))

    graph.add((record, RDF.type, DCAT.CatalogRecord))
    graph.add((record, FOAF.primaryTopic, dataset))
    for modified in description.objects(dataset, DCTERMS.modified):
        graph.add((record, DCTERMS.modified, modified))

    _agents(graph, description, data, dataset)
    _temporal(graph, data, dataset, base_iri)
    _spatial(graph, data, dataset, base_iri)
    # The profiles each resource is served in (content.profiles), described with PROF.
    for prefix, namespace in (("prof", PROF), ("role", PROF_ROLE)):
        graph.bind(prefix, namespace)
    for triple in describe_profiles(base_iri):
        graph.add(triple)
    return graph


def _agents(graph: Graph, description: Graph, data: Graph, dataset: URIRef) -> None:
    """Publisher and creator as `foaf:Agent`s named by their labels in the data."""
    agents = {
        str(agent)
        for key in (DCTERMS.publisher, DCTERMS.creator)
        for agent in description.objects(dataset, key)
    }
    for name in sorted(agents):
        agent = URIRef(name)
        graph.add((agent, RDF.type, FOAF.Agent))
        for label in data.objects(agent, RDFS.label):
            graph.add((agent, FOAF.name, label))


class Triples(Protocol):
    """What the coverage helpers read: an rdflib Graph, or the pages' QuadIndex."""

    def objects(self, subject: Node, predicate: Node) -> Iterable[Node]: ...

    def subjects(self, predicate: Node, obj: Node) -> Iterable[Node]: ...


def _meetings(data: Triples, base_iri: str) -> list[URIRef]:
    special = ontology_namespace(base_iri).SpecialMeeting
    found = {m for m in data.subjects(RDF.type, special) if isinstance(m, URIRef)}
    return sorted(found)


def temporal_coverage(data: Triples, base_iri: str) -> tuple[Literal, Literal] | None:
    """The first meeting's start and the last meeting's end (xsd:date), if known."""
    starts: list[str] = []
    ends: list[str] = []
    for meeting in _meetings(data, base_iri):
        for key, into in ((SDO.startDate, starts), (SDO.endDate, ends)):
            into.extend(
                str(value)
                for value in data.objects(meeting, key)
                if isinstance(value, Literal) and value.datatype == XSD.date
            )
    if not starts or not ends:
        return None
    return Literal(min(starts), datatype=XSD.date), Literal(max(ends), datatype=XSD.date)


def host_cities(data: Triples, base_iri: str) -> list[URIRef]:
    """The places the meetings took place in that lie in a country (the cities, not the
    venues inside them nor the countries)."""
    cities: set[URIRef] = set()
    for meeting in _meetings(data, base_iri):
        for place in data.objects(meeting, SDO.location):
            within = list(data.objects(place, SDO.containedInPlace))
            if (
                isinstance(place, URIRef)
                and within
                and not any(list(data.objects(country, SDO.containedInPlace)) for country in within)
            ):
                cities.add(place)
    return sorted(cities)


def _temporal(graph: Graph, data: Graph, dataset: URIRef, base_iri: str) -> None:
    """`dcterms:temporal`: the first meeting's start to the last meeting's end."""
    coverage = temporal_coverage(data, base_iri)
    if coverage is None:
        return
    period = BNode("temporal-coverage")
    graph.add((dataset, DCTERMS.temporal, period))
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((period, DCAT.startDate, coverage[0]))
    graph.add((period, DCAT.endDate, coverage[1]))


def _spatial(graph: Graph, data: Graph, dataset: URIRef, base_iri: str) -> None:
    """`dcterms:spatial`: the cities the meetings took place in."""
    for place in host_cities(data, base_iri):
        graph.add((dataset, DCTERMS.spatial, place))
        graph.add((place, RDF.type, DCTERMS.Location))
        for label in data.objects(place, RDFS.label):
            graph.add((place, RDFS.label, label))
