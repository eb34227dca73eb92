"""Deterministic bytes for representations that hold blank nodes.

The server labels blank nodes afresh each time it parses a file or loads its store, so
two runs give isomorphic graphs with different labels (and, where output follows the
labels, a different order). A representation with blank nodes is therefore rendered
again from its own N-Quads (or N-Triples) capture: canonical labels (URDNA2015, as the
build's dumps use), statements in canonical order, serialized by the server's renderer
(web.outward.graph) at the same public base. The graph is the one the server answered;
only labels and order are fixed. Representations without blank nodes keep the server's
bytes unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

import pyoxigraph as ox
from rdflib import Dataset

from ctc_kg import formats
from ctc_kg.content.context import to_compacted_jsonld
from ctc_kg.content.names import prefixes
from ctc_kg.content.serialize import canonical_nquads, dataset_from_nquads, union_of
from ctc_kg.formats import Format
from ctc_kg.web import outward
from ctc_kg.web.rewrite import IriMap


def has_blank_nodes(quads: list[ox.Quad]) -> bool:
    return any(
        isinstance(term, ox.BlankNode)
        for quad in quads
        for term in (quad.subject, quad.object, quad.graph_name)
    )


def canonical_quads(quads: list[ox.Quad]) -> list[ox.Quad]:
    text = (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")
    canonical = canonical_nquads(Dataset().parse(data=text, format="nquads"))
    return list(ox.parse(canonical.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


class Stabilizer:
    """Renders canonical forms at one public base with the server's prefixes."""

    def __init__(self, base_iri: str, public_base: str) -> None:
        self.iri_map = IriMap(public_base, public_base)  # the quads are already public
        self.prefixes = IriMap(base_iri, public_base).prefixes(prefixes(base_iri))

    def render(self, quads: list[ox.Quad], fmt: Format, about: str | None = None) -> bytes:
        if fmt is formats.JSONLD:
            # web.outward.jsonld, but parsing with the canonical labels kept (rdflib's
            # N-Triples parser would invent new ones).
            text = (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")
            union = union_of(dataset_from_nquads(text, self.iri_map.public))
            return to_compacted_jsonld(union, self.iri_map.public)
        return outward.graph(quads, fmt, self.iri_map, self.prefixes, about)

    def representations(
        self,
        files: MutableMapping[str, bytes],
        variants: Mapping[Format, str],
        source: str,
        about: str | None = None,
    ) -> bool:
        """Replace the RDF `variants` (format -> file name) in `files` by canonical
        renderings of the graph in `files[source]` (N-Quads or N-Triples), when it has
        blank nodes; the statements about `about` (a public IRI: the resource described)
        first, as the server writes them. Returns whether anything was replaced."""
        fmt = formats.NQUADS if source.endswith(".nq") else formats.NTRIPLES
        quads = outward.quads_of(files[source], fmt)
        if not has_blank_nodes(quads):
            return False
        canonical = canonical_quads(quads)
        for variant, name in variants.items():
            files[name] = self.render(canonical, variant, about)
        return True
