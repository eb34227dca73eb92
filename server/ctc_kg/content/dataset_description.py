"""The dataset description (VoID + DCAT) and the SPARQL 1.1 Service Description.

Generated from the graph and the files actually written, never by hand: counts, sizes
and checksums are computed, everything else is copied from the data's own description
of the dataset (data/dataset.trig). Nothing here depends on the time of the build.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SDO, VOID, XSD, split_uri
from rdflib.term import Node

from ctc_kg import formats
from ctc_kg.config import CANONICAL_BASE_IRI
from ctc_kg.content.names import (
    SD,
    SPDX,
    dataset_iri,
    description_iri,
    dump_iri,
    fragments_iri,
    media_type_iri,
    ontology_iri,
    ontology_namespace,
    shapes_iri,
    sparql_iri,
)
from ctc_kg.content.serialize import new_graph
from ctc_kg.content.triple_index import TripleIndex
from ctc_kg.formats import Format

TPF_SPEC = URIRef("https://linkeddatafragments.org/specification/triple-pattern-fragments/")
QPF_SPEC = URIRef("https://linkeddatafragments.org/specification/quad-pattern-fragments/")

# The formats the SPARQL service answers in (SELECT and ASK results, CONSTRUCT and DESCRIBE
# graphs), by their W3C format IRIs as the SPARQL 1.1 Service Description names them.
RESULT_FORMATS: tuple[URIRef, ...] = tuple(
    sorted(
        URIRef(iri)
        for fmt in formats.RESULTS_FORMATS + formats.GRAPH_FORMATS
        if (iri := fmt.w3c_iri) is not None
    )
)


@dataclass(frozen=True)
class DumpFile:
    """A file of the build, as the description needs it."""

    name: str  # file name in the output folder and after `B dump/`, e.g. "ctc-kg.ttl.gz"
    fmt: Format  # of the content (also for the .gz)
    byte_size: int
    sha256: str
    compressed: bool = False


def describe_dataset(
    union: Graph | TripleIndex, dumps: Sequence[DumpFile], base_iri: str = CANONICAL_BASE_IRI
) -> Graph:
    """The VoID + DCAT description of the dataset whose union graph is `union`.

    `dumps` are the data dumps (not ontology or shapes files), with their real sizes and
    checksums.
    """
    data = TripleIndex(union) if isinstance(union, Graph) else union
    graph = new_graph(base_iri)
    dataset = dataset_iri(base_iri)
    _copy_description(data, dataset, graph)
    _document(graph, dataset, base_iri)
    _statistics(graph, data, dataset, base_iri)
    _access(graph, data, dataset, dumps, base_iri)
    _linksets(graph, data, dataset, base_iri)
    return graph


def service_description(
    endpoint_iri: str,
    dataset_iri: str,
    named_graphs: Iterable[str] = (),
    *,
    federated: bool = False,
) -> Graph:
    """The SPARQL 1.1 Service Description of the query service at endpoint_iri.

    The default graph is the union of all graphs (sd:UnionDefaultGraph); `named_graphs`
    lists the named graphs. `federated` adds sd:BasicFederatedQuery (SERVICE allowed).
    """
    graph = new_graph()
    service = URIRef(endpoint_iri)
    dataset = URIRef(dataset_iri)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if federated:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    for result_format in RESULT_FORMATS:
        graph.add((service, SD.resultFormat, result_format))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode("defaultGraph")
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, RDFS.comment, Literal("The union of all named graphs.", lang="en")))
    for number, name in enumerate(sorted(set(named_graphs))):
        entry = BNode(f"namedGraph-{number}")
        graph.add((dataset, SD.namedGraph, entry))
        graph.add((entry, RDF.type, SD.NamedGraph))
        graph.add((entry, SD.name, URIRef(name)))
    return graph


def _copy_description(data: TripleIndex, subject: URIRef, graph: Graph) -> None:
    """Copy the data's statements about the dataset, following blank nodes."""
    pending: list[Node] = [subject]
    seen: set[Node] = set()
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, obj in data.about(node):
            graph.add((node, predicate, obj))
            if isinstance(obj, BNode):
                pending.append(obj)


def _document(graph: Graph, dataset: URIRef, base_iri: str) -> None:
    """The description document itself (VoID, section 6.3)."""
    document = description_iri(base_iri)
    graph.add((document, RDF.type, VOID.DatasetDescription))
    graph.add((document, FOAF.primaryTopic, dataset))
    graph.add((document, RDFS.label, Literal("Description of ctc-kg", lang="en")))
    graph.add((document, RDFS.label, Literal("Description de ctc-kg", lang="fr")))


def _statistics(graph: Graph, data: TripleIndex, dataset: URIRef, base_iri: str) -> None:
    subjects = set(data.subjects())
    entities = {s for s in subjects if isinstance(s, URIRef) and s.startswith(base_iri)}
    objects = set(data.objects())
    properties = Counter(p for _, p, _ in data)
    members: dict[Node, set[Node]] = {}
    for member, cls in data.with_predicate(RDF.type):
        members.setdefault(cls, set()).add(member)

    graph.add((dataset, VOID.triples, Literal(len(data))))
    graph.add((dataset, VOID.entities, Literal(len(entities))))
    graph.add((dataset, VOID.distinctSubjects, Literal(len(subjects))))
    graph.add((dataset, VOID.distinctObjects, Literal(len(objects))))
    graph.add((dataset, VOID.properties, Literal(len(properties))))
    graph.add((dataset, VOID.classes, Literal(len(members))))
    for number, (cls, instances) in enumerate(sorted(members.items())):
        partition = BNode(f"class-{number}")
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], cls))
        graph.add((partition, VOID.entities, Literal(len(instances))))
    for number, (prop, count) in enumerate(sorted(properties.items())):
        partition = BNode(f"property-{number}")
        graph.add((dataset, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, prop))
        graph.add((partition, VOID.triples, Literal(count)))
    for vocabulary in _vocabularies(data, base_iri):
        graph.add((dataset, VOID.vocabulary, vocabulary))


def _vocabularies(data: TripleIndex, base_iri: str) -> list[URIRef]:
    """The namespaces of the properties and classes used; ours is the ontology document."""
    ours = str(ontology_namespace(base_iri))
    found: set[URIRef] = set()
    terms = {p for _, p, _ in data} | {c for _, c in data.with_predicate(RDF.type)}
    for term in terms:
        if not isinstance(term, URIRef):
            continue
        if term.startswith(ours):
            found.add(ontology_iri(base_iri))
            continue
        try:
            namespace, _ = split_uri(term)
        except ValueError:
            continue
        found.add(URIRef(namespace))
    return sorted(found)


def _access(
    graph: Graph, data: TripleIndex, dataset: URIRef, dumps: Sequence[DumpFile], base_iri: str
) -> None:
    endpoint = sparql_iri(base_iri)
    graph.add((dataset, VOID.sparqlEndpoint, endpoint))
    graph.set((dataset, VOID.uriSpace, Literal(base_iri)))
    graph.add((dataset, DCTERMS.conformsTo, shapes_iri(base_iri)))
    if data.value(dataset, VOID.rootResource) is None:
        roots = {s for s in data.subjects(RDF.type, SDO.EventSeries) if isinstance(s, URIRef)}
        for root in sorted(roots):
            graph.add((dataset, VOID.rootResource, root))

    graph.add((endpoint, RDF.type, DCAT.DataService))
    graph.add((endpoint, DCAT.endpointURL, endpoint))
    graph.add((endpoint, DCAT.servesDataset, dataset))
    graph.add((endpoint, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    graph.add((endpoint, RDFS.label, Literal("SPARQL endpoint of ctc-kg", lang="en")))
    graph.add((endpoint, RDFS.label, Literal("Point d'accès SPARQL de ctc-kg", lang="fr")))
    _fragments(graph, dataset, base_iri)

    for dump in dumps:
        iri = dump_iri(base_iri, dump.name)
        graph.add((dataset, VOID.dataDump, iri))
        graph.add((dataset, DCAT.distribution, iri))
        if dump.fmt.w3c_iri is not None and not dump.compressed:
            graph.add((dataset, VOID.feature, URIRef(dump.fmt.w3c_iri)))
        graph.add((iri, RDF.type, DCAT.Distribution))
        packed = " (gzip)" if dump.compressed else ""
        title_en = f"ctc-kg in {dump.fmt.label}{packed}"
        title_fr = f"ctc-kg au format {dump.fmt.label}{packed}"
        graph.add((iri, DCTERMS.title, Literal(title_en, lang="en")))
        graph.add((iri, DCTERMS.title, Literal(title_fr, lang="fr")))
        graph.add((iri, DCAT.downloadURL, iri))
        graph.add((iri, DCAT.accessURL, iri))
        graph.add((iri, DCAT.mediaType, media_type_iri(dump.fmt.media_type)))
        if dump.compressed:
            graph.add((iri, DCAT.compressFormat, media_type_iri(formats.GZIP)))
        graph.add(
            (iri, DCAT.byteSize, Literal(str(dump.byte_size), datatype=XSD.nonNegativeInteger))
        )
        checksum = BNode("checksum-" + dump.name)
        graph.add((iri, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
        for key in (DCTERMS.license, DCTERMS.modified):
            for value in data.objects(dataset, key):
                graph.add((iri, key, value))


def _fragments(graph: Graph, dataset: URIRef, base_iri: str) -> None:
    """The Triple/Quad Pattern Fragments interface (web.fragments): a data service, and
    VoID's URI lookup (the IRI appended to it gives the fragment of that subject). The
    fragments themselves carry the Hydra controls; the description does not, so that no
    client takes it for a fragment."""
    fragments = fragments_iri(base_iri)
    graph.add((dataset, VOID.uriLookupEndpoint, URIRef(fragments + "?subject=")))
    graph.add((fragments, RDF.type, DCAT.DataService))
    graph.add((fragments, DCAT.endpointURL, fragments))
    graph.add((fragments, DCAT.servesDataset, dataset))
    graph.add((fragments, DCTERMS.conformsTo, TPF_SPEC))
    graph.add((fragments, DCTERMS.conformsTo, QPF_SPEC))
    graph.add((fragments, RDFS.label, Literal("Triple Pattern Fragments of ctc-kg", lang="en")))
    graph.add(
        (fragments, RDFS.label, Literal("Fragments par motif de triplet de ctc-kg", lang="fr"))
    )


def _linksets(graph: Graph, data: TripleIndex, dataset: URIRef, base_iri: str) -> None:
    """Copy the data's linksets and count their links (void:triples)."""
    linksets = {s for s in data.subjects(RDF.type, VOID.Linkset) if isinstance(s, URIRef)}
    for linkset in sorted(linksets):
        _copy_description(data, linkset, graph)
        spaces = [
            str(space)
            for target in [
                *data.objects(linkset, VOID.target),
                *data.objects(linkset, VOID.objectsTarget),
            ]
            if target != dataset
            for space in data.objects(target, VOID.uriSpace)
        ]
        count = 0
        for predicate in data.objects(linkset, VOID.linkPredicate):
            for subject, obj in data.with_predicate(predicate):
                if not (isinstance(subject, URIRef) and subject.startswith(base_iri)):
                    continue
                if isinstance(obj, URIRef) and any(obj.startswith(s) for s in spaces):
                    count += 1
        graph.set((linkset, VOID.triples, Literal(count)))
