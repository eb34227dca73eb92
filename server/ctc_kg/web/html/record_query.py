"""The record of a meeting, a session or an agent, asked of the store in one query.

A meeting's page shows who took part and in which role, its programme and its outcomes;
a session's page its speakers; a person's or an organization's page the meetings it
took part in (`ctc_kg.web.html.record` builds those views). The statements behind them
are not the resource's own: they sit on participation nodes (`ctckg:atMeeting`,
`ctckg:participant`, `ctckg:onBehalfOf`, `ctckg:inSession`), on sessions (sub-events of
type `ctckg:Session`) and on outcome documents (`prov:generated` /
`prov:wasGeneratedBy`). `record_query` reads, for at most `bounds.RECORD` of those
nodes: every quad about them (with its named graph, for the citations), the labels and
start dates of the terms they name, and the description of each passage graph that
holds them (`dcterms:source`, `ctckg:quote`, the document's URL and labels).

The query runs only when the first query of the page found something pointing to the
resource through one of those links (`wants_record`), so the pages of resources without
a record (a place, a source, a series of thousands of meetings) cost no more.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from rdflib import URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SDO, SKOS
from rdflib.term import Node

from ctc_kg.content.names import ontology_namespace
from ctc_kg.web.html.bounds import RECORD
from ctc_kg.web.html.labels import LABEL_PROPERTIES
from ctc_kg.web.html.quads import Quad
from ctc_kg.web.html.record import participation_links
from ctc_kg.web.html.sparql_text import Run, any_of, iri, quad, rows, select


def record_links(base_iri: str) -> tuple[URIRef, ...]:
    """The properties by which a record's nodes point to a meeting, session or agent."""
    return (*sorted(participation_links(base_iri)), PROV.wasGeneratedBy)


def wants_record(incoming: Collection[Node], base_iri: str) -> bool:
    """Whether a resource pointed to through `incoming` properties has a record."""
    return any(link in incoming for link in record_links(base_iri))


def _members(me: str, base_iri: str, meeting: bool) -> str:
    """A sub-select of ?x: the record's nodes about `me`, at most RECORD of them."""
    ctckg = ontology_namespace(base_iri)
    ways = [f"{{ ?x {iri(link)} {me} }}" for link in record_links(base_iri)]
    if meeting:
        ways.append(f"{{ {me} {iri(SDO.subEvent)} ?x . ?x a {iri(ctckg.Session)} }}")
        ways.append(f"{{ {me} {iri(PROV.generated)} ?x }}")
    return f"{{ SELECT DISTINCT ?x WHERE {{ {' UNION '.join(ways)} }} LIMIT {RECORD} }}"


def record_query(resource: str, base_iri: str, meeting: bool) -> str:
    """The record's quads for `resource`; `meeting` when it is a special meeting (whose
    sub-events may be sessions and which may have generated documents)."""
    me = iri(resource)
    ctckg = ontology_namespace(base_iri)
    members = _members(me, base_iri, meeting)
    passages = f"{{ SELECT DISTINCT ?c WHERE {{ {members} GRAPH ?c {{ ?x ?q ?v }} }} }}"
    named = (*LABEL_PROPERTIES, SKOS.altLabel, RDF.type, SDO.startDate)
    document = (SDO.url, *LABEL_PROPERTIES)
    return select(
        "?s ?p ?o ?g",
        [
            # The nodes' own statements, each with every graph that holds it (DISTINCT:
            # the union default graph gives a triple once per graph that holds it).
            f"{{ SELECT DISTINCT ?s ?p ?o ?g WHERE {{ {members} ?x ?p ?o "
            f"OPTIONAL {{ GRAPH ?g {{ ?x ?p ?o }} }} BIND(?x AS ?s) }} }}",
            # What the page shows of the terms they name: labels, kind, date.
            # (each term once: fifty participations name the same role and status)
            f"{{ SELECT DISTINCT ?s ?p ?o WHERE {{ "
            f"{{ SELECT DISTINCT ?s WHERE {{ {members} ?x ?q ?s FILTER(isIRI(?s)) }} }} "
            f"{any_of(named)} }} }}",
            # The passages: their labels, documents and quotes; the documents' URLs.
            f"{{ {passages} BIND(?c AS ?s) "
            f"{any_of((DCTERMS.source, URIRef(ctckg.quote), *LABEL_PROPERTIES))} }}",
            f"{{ {passages} ?c {iri(DCTERMS.source)} ?s . {any_of(document)} }}",
        ],
    )


def record(
    resource: str, types: Iterable[Node], incoming: Collection[Node], base_iri: str, run: Run
) -> list[Quad]:
    """The quads of `resource`'s record, or none (and no query) if it has none."""
    meeting = URIRef(ontology_namespace(base_iri).SpecialMeeting) in set(types)
    if not wants_record(incoming, base_iri) and not meeting:
        return []
    return [quad(row) for row in rows(run(record_query(resource, base_iri, meeting)))]
