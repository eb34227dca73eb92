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

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SDO
from rdflib.term import Node

from ctc_kg.content.catalog import host_cities, temporal_coverage
from ctc_kg.content.names import IANA_MEDIA_TYPES
from ctc_kg.web.html.bounds import HOST_CITIES
from ctc_kg.web.html.quads import QuadIndex


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
    markup = _Markup(index, URIRef(dataset_iri), public_iri)
    markup.dataset(base_iri)
    markup.distributions()
    if coverage is None:
        coverage = (temporal_coverage(index, base_iri), tuple(host_cities(index, base_iri)))
    markup.coverage(*coverage)
    markup.sources()
    return markup.graph


class _Markup:
    """The schema.org graph being written about `dataset` from the DCAT in `index`."""

    def __init__(self, index: QuadIndex, dataset: URIRef, public_iri: Callable[[str], str]) -> None:
        self.index = index
        self.graph = Graph()
        self.data_iri = dataset  # as the data names it
        self.public_iri = public_iri
        self.me = self.public(dataset)

    def public(self, node: Node) -> Node:
        return URIRef(self.public_iri(str(node))) if isinstance(node, URIRef) else node

    def add(self, subject: Node, predicate: URIRef, value: Node) -> None:
        self.graph.add((subject, predicate, value))

    def named(self, node: Node, kind: URIRef) -> Node:
        """`node`'s public IRI, typed `kind` and named as the data names it."""
        target = self.public(node)
        self.add(target, RDF.type, kind)
        for label in self.index.objects(node, SDO.name) or self.index.objects(node, RDFS.label):
            self.add(target, SDO.name, label)
        return target

    def dataset(self, base_iri: str) -> None:
        """The Dataset itself: its URL, description, licence, dates, languages and agents."""
        index, dataset, me = self.index, self.data_iri, self.me
        self.add(me, RDF.type, SDO.Dataset)
        self.add(me, SDO.url, URIRef(self.public_iri(base_iri)))
        for text in index.objects(dataset, DCTERMS.description):
            self.add(me, SDO.description, text)
        for value in index.objects(dataset, DCTERMS.license):
            self.add(me, SDO.license, self.public(value))
        for value in index.objects(dataset, DCTERMS.modified):
            self.add(me, SDO.dateModified, value)
        for value in index.objects(dataset, DCTERMS.language):
            self.add(me, SDO.inLanguage, Literal(str(value)))
        for key, target in ((DCTERMS.creator, SDO.creator), (DCTERMS.publisher, SDO.publisher)):
            for agent in index.objects(dataset, key):
                self.add(me, target, self.public(agent))
                self.named(agent, SDO.Organization)

    def distributions(self) -> None:
        """The dumps as `DataDownload`s."""
        index = self.index
        for distribution in index.objects(self.data_iri, DCAT.distribution):
            if index.objects(distribution, DCAT.compressFormat):
                continue  # the uncompressed file is listed; its .gz beside it is the same data
            node = self.public(distribution)
            self.add(self.me, SDO.distribution, node)
            self.add(node, RDF.type, SDO.DataDownload)
            for url in index.objects(distribution, DCAT.downloadURL):
                self.add(node, SDO.contentUrl, self.public(url))
            for media in index.objects(distribution, DCAT.mediaType):
                media_type = str(media).removeprefix(IANA_MEDIA_TYPES)
                self.add(node, SDO.encodingFormat, Literal(media_type))
            for title in index.objects(distribution, DCTERMS.title):
                self.add(node, SDO.name, title)

    def coverage(self, period: tuple[Literal, Literal] | None, cities: tuple[URIRef, ...]) -> None:
        if period is not None:
            self.add(self.me, SDO.temporalCoverage, Literal(f"{period[0]}/{period[1]}"))
        for city in sorted(cities)[:HOST_CITIES]:
            self.add(self.me, SDO.spatialCoverage, self.public(city))
            place = self.named(city, SDO.Place)
            for same in self.index.objects(city, OWL.sameAs):
                self.add(place, SDO.sameAs, same)

    def sources(self) -> None:
        """The documents the dataset is based on."""
        for source in self.index.objects(self.data_iri, DCTERMS.source):
            self.add(self.me, SDO.isBasedOn, self.public(source))
            work = self.named(source, SDO.CreativeWork)
            for url in self.index.objects(source, SDO.url):
                self.add(work, SDO.url, url)
