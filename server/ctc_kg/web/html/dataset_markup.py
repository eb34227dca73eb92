"""schema.org `Dataset` markup for the landing page, as dataset search engines read it.

jsonld.schema_org_graph copies what the data says in schema.org (type, license, names);
the dataset is described in DCAT and Dublin Core, so this module says the same in
schema.org: description, creator and publisher, the dumps as `DataDownload`s
(`contentUrl`, `encodingFormat`), `temporalCoverage` and `spatialCoverage` (computed by
content.catalog from the meetings), `isBasedOn` the source documents, languages and
modification date. Every value comes from the data or the build's description.
Over a large graph the coverage is counted by the store (`landing.LandingTotals`), and
the spatial coverage names at most `bounds.HOST_CITIES` cities (the first by IRI).
"""

from __future__ import annotations

from collections.abc import Callable

from ctc_kg.content.catalog import host_cities, temporal_coverage
from ctc_kg.content.names import IANA_MEDIA_TYPES
from ctc_kg.web.html.bounds import HOST_CITIES
from ctc_kg.web.html.quads import QuadIndex
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SDO
from rdflib.term import Node


def _name(graph: Graph, index: QuadIndex, node: Node, target: Node) -> None:
    for label in index.objects(node, SDO.name) or index.objects(node, RDFS.label):
        graph.add((target, SDO.name, label))


def dataset_markup(
    index: QuadIndex,
    dataset_iri: str,
    base_iri: str,
    public_iri: Callable[[str], str],
    coverage: tuple[tuple[Literal, Literal] | None, tuple[URIRef, ...]] | None = None,
) -> Graph:
    """schema.org statements about the dataset, IRIs in their public form.

    `coverage` is (temporal coverage, host cities) as counted over the whole graph; by
    default both are computed from the index."""

    def public(node: Node) -> Node:
        return URIRef(public_iri(str(node))) if isinstance(node, URIRef) else node

    graph = Graph()
    dataset = URIRef(dataset_iri)
    me = public(dataset)
    graph.add((me, RDF.type, SDO.Dataset))
    graph.add((me, SDO.url, URIRef(public_iri(base_iri))))
    for text in index.objects(dataset, DCTERMS.description):
        graph.add((me, SDO.description, text))
    for value in index.objects(dataset, DCTERMS.license):
        graph.add((me, SDO.license, public(value)))
    for value in index.objects(dataset, DCTERMS.modified):
        graph.add((me, SDO.dateModified, value))
    for value in index.objects(dataset, DCTERMS.language):
        graph.add((me, SDO.inLanguage, Literal(str(value))))
    for key, target in ((DCTERMS.creator, SDO.creator), (DCTERMS.publisher, SDO.publisher)):
        for agent in index.objects(dataset, key):
            graph.add((me, target, public(agent)))
            graph.add((public(agent), RDF.type, SDO.Organization))
            _name(graph, index, agent, public(agent))
    for distribution in index.objects(dataset, DCAT.distribution):
        if index.objects(distribution, DCAT.compressFormat):
            continue  # the uncompressed file is listed; its .gz beside it is the same data
        node = public(distribution)
        graph.add((me, SDO.distribution, node))
        graph.add((node, RDF.type, SDO.DataDownload))
        for url in index.objects(distribution, DCAT.downloadURL):
            graph.add((node, SDO.contentUrl, public(url)))
        for media in index.objects(distribution, DCAT.mediaType):
            graph.add(
                (node, SDO.encodingFormat, Literal(str(media).removeprefix(IANA_MEDIA_TYPES)))
            )
        for title in index.objects(distribution, DCTERMS.title):
            graph.add((node, SDO.name, title))
    if coverage is None:
        coverage = (temporal_coverage(index, base_iri), tuple(host_cities(index, base_iri)))
    period, cities = coverage
    if period is not None:
        graph.add((me, SDO.temporalCoverage, Literal(f"{period[0]}/{period[1]}")))
    for city in sorted(cities)[:HOST_CITIES]:
        graph.add((me, SDO.spatialCoverage, public(city)))
        graph.add((public(city), RDF.type, SDO.Place))
        _name(graph, index, city, public(city))
        for same in index.objects(city, OWL.sameAs):
            graph.add((public(city), SDO.sameAs, same))
    for source in index.objects(dataset, DCTERMS.source):
        graph.add((me, SDO.isBasedOn, public(source)))
        graph.add((public(source), RDF.type, SDO.CreativeWork))
        _name(graph, index, source, public(source))
        for url in index.objects(source, SDO.url):
            graph.add((public(source), SDO.url, url))
    return graph
