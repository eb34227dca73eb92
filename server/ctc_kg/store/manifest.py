"""Which graphs of an external store hold ctc-kg, as `ctc-kg load` records it.

A store such as Virtuoso keeps every triple in some graph and, without FROM, answers
over all of them, its own system graphs included. So `ctc-kg load` puts the dataset's
default-graph triples in a *holder* graph (`--graph`, by default `B graph/default`),
keeps each named graph under its own name, and writes a *manifest* graph listing them:

    <holder/manifest> sd:defaultGraph <holder> ;
        sd:namedGraph <g1>, <g2> ... ;          # each <gi> sd:name <gi>
        void:triples N ;                          # distinct triples of the union
        dcterms:identifier "load id" ; dcterms:modified "..."^^xsd:dateTime .

The remote backend reads it and sends every query with `default-graph-uri` = holder +
named graphs and `named-graph-uri` = the named graphs: the same dataset the embedded
backend answers over (union default graph; GRAPH ranges over the claim graphs only).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID_TRIPLES = "http://rdfs.org/ns/void#triples"
DCTERMS = "http://purl.org/dc/terms/"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def default_holder_graph(base_iri: str) -> str:
    """Where the default graph's triples go unless `--graph` says otherwise."""
    return base_iri + "graph/default"


def manifest_graph(holder: str) -> str:
    """The graph that records a load into `holder` (also its subject)."""
    return holder.rstrip("/") + "/manifest"


@dataclass(frozen=True)
class Manifest:
    """The dataset of the last completed load."""

    holder: str
    named_graphs: tuple[str, ...]
    triples: int | None
    load_id: str

    @property
    def default_graphs(self) -> tuple[str, ...]:
        """The graphs whose merge is the union default graph."""
        return (self.holder, *self.named_graphs)


def iri(value: str) -> str:
    """`<value>` for a SPARQL text; ValueError if `value` is not a valid IRI."""
    return str(ox.NamedNode(value))


def manifest_query(holder: str) -> str:
    """A SELECT that returns one row per named graph (and the load's id and size)."""
    manifest = iri(manifest_graph(holder))
    return f"""SELECT ?g ?triples ?id WHERE {{
  GRAPH {manifest} {{
    {manifest} <{DCTERMS}identifier> ?id .
    OPTIONAL {{ {manifest} <{VOID_TRIPLES}> ?triples }}
    OPTIONAL {{ {manifest} <{SD}namedGraph> ?g }}
  }}
}}"""


def manifest_quads(manifest: Manifest, modified: str) -> list[ox.Quad]:
    """The manifest as quads in its own graph; `modified` is an xsd:dateTime lexical form."""
    subject = ox.NamedNode(manifest_graph(manifest.holder))
    holder = ox.NamedNode(manifest.holder)
    quads = [
        ox.Quad(subject, ox.NamedNode(SD + "defaultGraph"), holder, subject),
        ox.Quad(
            subject, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(manifest.load_id), subject
        ),
        ox.Quad(
            subject,
            ox.NamedNode(DCTERMS + "modified"),
            ox.Literal(modified, datatype=ox.NamedNode(XSD_DATETIME)),
            subject,
        ),
    ]
    if manifest.triples is not None:
        quads.append(
            ox.Quad(
                subject,
                ox.NamedNode(VOID_TRIPLES),
                ox.Literal(str(manifest.triples), datatype=ox.NamedNode(XSD_INTEGER)),
                subject,
            )
        )
    for name in manifest.named_graphs:
        graph = ox.NamedNode(name)
        quads.append(ox.Quad(subject, ox.NamedNode(SD + "namedGraph"), graph, subject))
        quads.append(ox.Quad(graph, ox.NamedNode(SD + "name"), graph, subject))
    return quads
