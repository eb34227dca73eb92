"""The SPARQL Service Description (from the content package), as pyoxigraph quads with
canonical IRIs. The dataset description (VoID + DCAT, from the build) is published.py's."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from ctc_kg.content.dataset_description import service_description as _service_description
from ctc_kg.content.names import dataset_iri, sparql_iri


def _quads(graph: Graph) -> list[ox.Quad]:
    data = graph.serialize(format="nt", encoding="utf-8")
    return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


def service_description(base_iri: str) -> list[ox.Quad]:
    """The SPARQL 1.1 Service Description of the endpoint `B sparql`."""
    return _quads(_service_description(str(sparql_iri(base_iri)), str(dataset_iri(base_iri))))
