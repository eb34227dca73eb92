"""Which graphs of an external store hold ctc-kg, and whether a reload is being swapped
in, as `ctc-kg load` records it.

A store such as Virtuoso keeps every triple in some graph and, without FROM, answers
over all of them, its own system graphs included. So `ctc-kg load` puts the dataset's
default-graph triples in a *holder* graph (`--graph`, by default `B graph/default`),
keeps each named graph under its own name, and writes a *manifest* graph listing them.
Like the embedded store, the holder graph holds the RDF merge of every graph (each
distinct triple once), so the union default graph has no duplicate triples:

    <holder/manifest> sd:defaultGraph <holder> ;
        sd:namedGraph <g1>, <g2> ... ;          # each <gi> sd:name <gi>
        void:triples N ;                          # distinct triples of the union
        dcterms:identifier "load id" ; dcterms:modified "..."^^xsd:dateTime ;
        schema:actionStatus schema:CompletedActionStatus .   # Active while swapping

The remote backend reads it and sends every query with `default-graph-uri` = holder and
`named-graph-uri` = the named graphs: the same dataset the embedded backend answers over
(the merge as default graph; GRAPH ranges over the claim graphs only).

Virtuoso reads at READ COMMITTED without snapshots, so one query that runs across the
commit of a reload could see some graphs old and some new. The status makes reads
consistent: the loader marks the manifest Active in its own transaction, swaps the
graphs, and only then marks it Completed; the remote backend reads the manifest before
and after each query and accepts an answer only when both say Completed with the same
load id (store.remote), retrying otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID_TRIPLES = "http://rdfs.org/ns/void#triples"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
ACTION_STATUS = SCHEMA + "actionStatus"
ACTIVE = SCHEMA + "ActiveActionStatus"
COMPLETED = SCHEMA + "CompletedActionStatus"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

Row = Mapping[str, Mapping[str, str]]


def default_holder_graph(base_iri: str) -> str:
    """Where the default graph's triples go unless `--graph` says otherwise."""
    return base_iri + "graph/default"


def manifest_graph(holder: str) -> str:
    """The graph that records a load into `holder` (also its subject)."""
    return holder.rstrip("/") + "/manifest"


def iri(value: str) -> str:
    """`<value>` for a SPARQL text; ValueError if `value` is not a valid IRI."""
    return str(ox.NamedNode(value))


@dataclass(frozen=True)
class Manifest:
    """The dataset of a load, and whether it is settled (`stable`)."""

    holder: str
    named_graphs: tuple[str, ...]
    triples: int | None
    load_id: str
    stable: bool = True
    modified: str | None = None  # xsd:dateTime lexical form, as recorded

    @property
    def default_graphs(self) -> tuple[str, ...]:
        """The default graph of a query: the holder, which holds the merge."""
        return (self.holder,)

    @property
    def all_graphs(self) -> tuple[str, ...]:
        return (self.holder, *self.named_graphs)


def manifest_query(holder: str) -> str:
    """A SELECT that returns one row per named graph, with the load's id, size, status and
    time."""
    manifest = iri(manifest_graph(holder))
    return f"""SELECT ?g ?triples ?id ?status ?modified WHERE {{
  GRAPH {manifest} {{
    {manifest} <{DCTERMS}identifier> ?id .
    OPTIONAL {{ {manifest} <{ACTION_STATUS}> ?status }}
    OPTIONAL {{ {manifest} <{DCTERMS}modified> ?modified }}
    OPTIONAL {{ {manifest} <{VOID_TRIPLES}> ?triples }}
    OPTIONAL {{ {manifest} <{SD}namedGraph> ?g }}
  }}
}}"""


def named_graph_count_query(holder: str) -> str:
    """A SELECT of `?n`, the number of named graphs the manifest lists."""
    manifest = iri(manifest_graph(holder))
    return (
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH {manifest} "
        f"{{ {manifest} <{SD}namedGraph> ?g }} }}"
    )


def parse_manifest(holder: str, rows: Sequence[Row]) -> Manifest | None:
    """The manifest from the rows of `manifest_query`; None when no load is recorded.

    Two ids or two statuses (a reader between the two halves of an update) or an
    Active status make it unstable.
    """
    if not rows:
        return None
    ids = {row["id"]["value"] for row in rows if "id" in row}
    statuses = {row["status"]["value"] for row in rows if "status" in row}
    graphs = tuple(sorted({row["g"]["value"] for row in rows if "g" in row}))
    triples = next((int(row["triples"]["value"]) for row in rows if "triples" in row), None)
    modified = max((row["modified"]["value"] for row in rows if "modified" in row), default=None)
    stable = len(ids) == 1 and statuses == {COMPLETED}
    return Manifest(holder, graphs, triples, min(ids), stable, modified)


def manifest_triples(manifest: Manifest, modified: str) -> list[ox.Triple]:
    """The manifest's triples; `modified` is an xsd:dateTime lexical form."""
    subject = ox.NamedNode(manifest_graph(manifest.holder))
    status = COMPLETED if manifest.stable else ACTIVE
    triples = [
        ox.Triple(subject, ox.NamedNode(SD + "defaultGraph"), ox.NamedNode(manifest.holder)),
        ox.Triple(subject, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(manifest.load_id)),
        ox.Triple(subject, ox.NamedNode(ACTION_STATUS), ox.NamedNode(status)),
        ox.Triple(
            subject,
            ox.NamedNode(DCTERMS + "modified"),
            ox.Literal(modified, datatype=ox.NamedNode(XSD_DATETIME)),
        ),
    ]
    if manifest.triples is not None:
        triples.append(
            ox.Triple(
                subject,
                ox.NamedNode(VOID_TRIPLES),
                ox.Literal(str(manifest.triples), datatype=ox.NamedNode(XSD_INTEGER)),
            )
        )
    for name in manifest.named_graphs:
        graph = ox.NamedNode(name)
        triples.append(ox.Triple(subject, ox.NamedNode(SD + "namedGraph"), graph))
        triples.append(ox.Triple(graph, ox.NamedNode(SD + "name"), graph))
    return triples
