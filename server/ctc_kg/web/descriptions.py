"""The dataset description (VoID + DCAT, from the build) and the SPARQL Service
Description (from the content package), as pyoxigraph quads with canonical IRIs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from ctc_kg.content.describe import service_description as _service_description
from ctc_kg.content.names import dataset_iri, sparql_iri
from rdflib import Graph

VOID_FILE = "void.ttl"


def _quads(graph: Graph) -> list[ox.Quad]:
    data = graph.serialize(format="nt", encoding="utf-8")
    return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


def service_description(base_iri: str) -> list[ox.Quad]:
    """The SPARQL 1.1 Service Description of the endpoint `B sparql`."""
    return _quads(_service_description(str(sparql_iri(base_iri)), str(dataset_iri(base_iri))))


def dataset_description(dist: Path) -> list[ox.Quad]:
    """The build's VoID + DCAT description (`void.ttl` in the build folder)."""
    return list(ox.parse(path=str(dist / VOID_FILE), format=ox.RdfFormat.TURTLE))
