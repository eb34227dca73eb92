"""From a store's answer to the negotiated representation, with IRIs mapped outward.

The hot path does not come here: when no IRI needs rewriting and the format is not
JSON-LD, the store's own serializer already produced the answer. Otherwise the store
answers in a pivot format (N-Quads for graphs, SPARQL JSON for results), and this
module maps terms (rewrite.IriMap) and serializes with pyoxigraph again; JSON-LD is
compacted with the published context (content.context), which the document cites by IRI.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from ctc_kg import formats
from ctc_kg.content.context import to_compacted_jsonld
from ctc_kg.content.serialize import dataset_from_nquads
from ctc_kg.formats import Format
from ctc_kg.store import writing
from ctc_kg.web.rewrite import IriMap

GRAPH_PIVOT = formats.NQUADS
RESULTS_PIVOT = formats.RESULTS_JSON


def needs_pivot(fmt: Format, iri_map: IriMap) -> bool:
    return not iri_map.identity or fmt is formats.JSONLD


def quads_of(body: bytes, source: Format) -> list[ox.Quad]:
    return [q for q in ox.parse(body, format=source.rdf_format)]


def graph(
    quads: Iterable[ox.Quad],
    target: Format,
    iri_map: IriMap,
    prefixes: Mapping[str, str],
    about: str | None = None,
) -> bytes:
    """Serialize `quads` (canonical IRIs) in `target` with IRIs mapped outward, written as
    every backend writes them (store.writing: the default graph holds every statement);
    the statements about `about` (a canonical IRI: the resource described) come first."""
    mapped = [iri_map.quad(q) for q in quads]
    if target is formats.JSONLD:
        return jsonld(mapped, iri_map)
    first = ox.NamedNode(iri_map.outward(about)) if about is not None else None
    return writing.serialize(mapped, target.rdf_format, iri_map.prefixes(prefixes), first)


def jsonld(quads: Iterable[ox.Quad], iri_map: IriMap) -> bytes:
    """JSON-LD of the union of `quads` (IRIs already mapped), compacted with the published
    context of the public base and citing it by IRI, so the document and the context it
    names agree whatever the deployment's URL. Blank nodes keep their labels (rdflib's
    own N-Triples parser would invent new ones), so canonical input gives the same
    bytes in every process."""
    triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    ntriples = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    rdf = dataset_from_nquads(ntriples.decode("utf-8"), iri_map.public).default_graph
    return to_compacted_jsonld(rdf, iri_map.public)


def results(body: bytes, target: Format, iri_map: IriMap) -> bytes:
    """SPARQL JSON results (canonical IRIs) as `target`, with IRIs mapped outward."""
    data = iri_map.results_json(json.loads(body))
    mapped = json.dumps(data, ensure_ascii=False).encode("utf-8")
    if target is formats.RESULTS_JSON:
        return mapped
    parsed = ox.parse_query_results(mapped, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=target.results_format) or b""
