"""What a page shows, asked of a store with a few bounded SPARQL queries.

No page reads the whole graph. Each function here takes `run`, which sends one SPARQL
SELECT to the store and returns its SPARQL 1.1 JSON results (pages.py passes the
`Store` interface; tests can pass pyoxigraph), and returns the quads the views render
plus, where the quads hold only part of something, how much there is in all:

- `resource`: the concise bounded description the store already gave, cut to
  `bounds.PER_PROPERTY` values per property (what a disagreement's claim graphs say
  about the resource is kept whole), then two queries keyed on the resource: the
  source passages its statements come from (and their documents), the disagreements
  about it, labels of every term shown, how many resources point to it through each
  property (query 1); at most `PER_PROPERTY` of those per property, with their labels
  (query 2, only when something points to it); the record of a meeting, a session or
  an agent: participations, programme, outcomes (query 3, `record_query`, only for
  those);
- `landing`: counts per class, the number of meetings, the first `bounds.MEETINGS` by
  date, the temporal coverage and the host cities (one query of aggregates), then what
  the page shows of the dataset, those meetings, their places, organizers and
  participations (`bounds.MATRIX_PARTICIPATIONS` at most) (one query);
- `vocabulary`: the ontology's and the shapes' own named graphs, and the labels of the
  terms they mention from elsewhere (two queries).

The queries read the default graph (the union of all graphs on both backends) and use
`GRAPH ?g` only for what a given passage says. Subjects are bound with VALUES, and a few
predicates of a bound subject are read with one lookup each (`_any_of`): pyoxigraph 0.5
joins `VALUES ?p {...}` with every triple of those predicates, and
`?s ?p ?o FILTER(?p IN (...))` reads every statement of ?s (a series' 29,000 sub-events
for its label). Patterns whose join order pyoxigraph gets wrong are avoided: the host
cities' containment test is a MINUS after the places are found, and what the claim
graphs say comes from the description rather than from `GRAPH ?g { <iri> ?p ?o }`
(docs/performance.md has the times).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SDO, SKOS, XSD
from rdflib.term import Node

from ctc_kg.content.names import ontology_iri, ontology_namespace, shapes_iri
from ctc_kg.store.description import LABEL_PREDICATES
from ctc_kg.web.html.bounds import HOST_CITIES, MATRIX_PARTICIPATIONS, MEETINGS, PER_PROPERTY
from ctc_kg.web.html.labels import LABEL_PROPERTIES
from ctc_kg.web.html.landing import LandingTotals
from ctc_kg.web.html.quads import Quad, QuadIndex, quad_from_oxigraph, term_from_json
from ctc_kg.web.html.record_query import record
from ctc_kg.web.html.resource import ResourceTotals
from ctc_kg.web.html.sparql_text import Run as Run
from ctc_kg.web.html.sparql_text import among as _among
from ctc_kg.web.html.sparql_text import any_of as _any_of
from ctc_kg.web.html.sparql_text import integer as _int
from ctc_kg.web.html.sparql_text import iri as _iri
from ctc_kg.web.html.sparql_text import quad as _quad
from ctc_kg.web.html.sparql_text import rows as _rows
from ctc_kg.web.html.sparql_text import select as _select
from ctc_kg.web.html.sparql_text import values as _values


@dataclass(frozen=True)
class ResourceFacts:
    quads: list[Quad]
    totals: ResourceTotals

    def index(self) -> QuadIndex:
        return QuadIndex(self.quads)


@dataclass(frozen=True)
class LandingFacts:
    quads: list[Quad]
    totals: LandingTotals


# -- resource pages -----------------------------------------------------------------------


def _iris_shown(quads: Iterable[Quad]) -> set[URIRef]:
    """Every IRI a page may show for `quads`: terms, datatypes and graph names."""
    found: set[URIRef] = set()
    for s, p, o, g in quads:
        for term in (s, p, o, g):
            if isinstance(term, URIRef):
                found.add(term)
        if isinstance(o, Literal) and o.datatype is not None:
            found.add(URIRef(o.datatype))
    return found


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _key(term: Any) -> tuple[int, str, str]:
    """`bounds.term_key` of a pyoxigraph term, without converting it to rdflib."""
    if isinstance(term, ox.NamedNode):
        return (0, term.value, "")
    if isinstance(term, ox.Literal):
        datatype = (
            "" if term.language or term.datatype.value == _XSD_STRING else term.datatype.value
        )
        return (1, term.value, f"{term.language or ''}^{datatype}")
    if isinstance(term, ox.BlankNode):
        return (2, term.value, "")
    return (3, str(term), "")


def _own_statements(
    iri: str, description: Iterable[ox.Quad]
) -> tuple[list[Quad], dict[URIRef, int]]:
    """The resource's own quads from its description, at most PER_PROPERTY values per
    property (the first in `bounds.term_key` order), with the blank nodes those reach;
    and how many values each property has in all. Only what is kept is converted to
    rdflib terms: a series' description holds thousands of sub-events."""
    node = ox.NamedNode(iri)
    by_predicate: dict[ox.NamedNode, list[ox.Quad]] = {}
    blank: dict[ox.BlankNode, list[ox.Quad]] = {}
    for quad in description:
        if quad.subject == node:
            by_predicate.setdefault(quad.predicate, []).append(quad)
        elif isinstance(quad.subject, ox.BlankNode):
            blank.setdefault(quad.subject, []).append(quad)
    kept: list[ox.Quad] = []
    totals: dict[URIRef, int] = {}
    for predicate, quads in by_predicate.items():
        values = {q.object for q in quads}
        totals[URIRef(predicate.value)] = len(values)
        first = set(sorted(values, key=_key)[:PER_PROPERTY])
        kept += [q for q in quads if q.object in first]
    todo = [q.object for q in kept if isinstance(q.object, ox.BlankNode)]
    seen: set[ox.BlankNode] = set()
    while todo:
        bnode = todo.pop()
        if bnode in seen:
            continue
        seen.add(bnode)
        for reached in blank.get(bnode, ()):
            kept.append(reached)
            if isinstance(reached.object, ox.BlankNode):
                todo.append(reached.object)
    return [quad_from_oxigraph(q) for q in kept], totals


def _claimed(iri: str, description: list[ox.Quad], claims: set[Node]) -> list[Quad]:
    """What the claim graphs of a disagreement say about `iri` that the cut left out,
    from its description (which holds all of it), with the labels it gives."""
    if not claims:
        return []
    node = ox.NamedNode(iri)
    names = {ox.NamedNode(str(c)) for c in claims if isinstance(c, URIRef)}
    said = [q for q in description if q.subject == node and q.graph_name in names]
    objects = {q.object for q in said}
    labelled = [
        q for q in description if q.subject in objects and q.predicate.value in LABEL_PREDICATES
    ]
    return [quad_from_oxigraph(q) for q in chain(said, labelled)]


def resource_queries(
    iri: str, shown: Iterable[URIRef], graphs: Iterable[URIRef], base_iri: str
) -> str:
    """The first query of a resource page (see the module's docstring)."""
    me = _iri(iri)
    ctckg = ontology_namespace(base_iri)
    labels = LABEL_PROPERTIES
    note = (DCTERMS.source, ctckg.quote)
    document = (SDO.url, *labels)
    branches = []
    shown, graphs = sorted(shown), sorted(graphs)
    if shown:
        branches.append(f"{{ {_values('s', shown)} {_any_of(labels)} }}")
    if graphs:
        branches.append(f"{{ {_values('s', graphs)} ?s ?p ?o {_among('p', note)} }}")
        branches.append(
            f"{{ {_values('c', graphs)} ?c {_iri(DCTERMS.source)} ?s . {_any_of(document)} }}"
        )
    disputed = f"?d {_iri(SDO.about)} {me} ; a {_iri(ctckg.Disagreement)} ; {_iri(ctckg.claim)}"
    branches += [
        f"{{ ?s {_iri(SDO.about)} {me} ; a {_iri(ctckg.Disagreement)} ; ?p ?o }}",
        f"{{ {disputed} ?s . {_any_of((*note, *labels))} }}",
        f"{{ {disputed} ?c . ?c {_iri(DCTERMS.source)} ?s . {_any_of(document)} }}",
        f"{{ SELECT ?p (COUNT(DISTINCT ?r) AS ?n) WHERE {{ ?r ?p {me} FILTER(?r != {me}) }} "
        "GROUP BY ?p }",
    ]
    return _select("?s ?p ?o ?g ?n", branches)


def referrers_query(iri: str, counts: Mapping[URIRef, int]) -> str:
    """The second query of a resource page: at most PER_PROPERTY resources pointing to
    `iri` through each property of `counts`, with their labels and the property's."""
    me = _iri(iri)
    labels = LABEL_PROPERTIES
    branches = []
    for predicate in sorted(counts):
        pointing = (
            f"{{ SELECT DISTINCT ?s WHERE {{ ?s {_iri(predicate)} {me} FILTER(?s != {me}) }} "
            f"LIMIT {PER_PROPERTY} }}"
        )
        branches.append(
            f"{{ {pointing} BIND({_iri(predicate)} AS ?p) "
            f"OPTIONAL {_any_of(labels, p='lp', o='l')} }}"
        )
    branches.append(f"{{ {_values('s', sorted(counts))} {_any_of(labels, p='lp', o='l')} }}")
    return _select("?s ?p ?lp ?l", branches)


def resource(iri: str, description: Iterable[ox.Quad], base_iri: str, run: Run) -> ResourceFacts:
    """What the page of `iri` shows, from its description (the store's concise bounded
    description, any size) and at most three queries (the third, the record of a
    meeting, session or agent, only for those: `record_query`)."""
    description = list(description)
    own, outgoing = _own_statements(iri, description)
    graphs = {q[3] for q in own if q[3] is not None}
    shown = _iris_shown(own) | {URIRef(iri)}
    quads = list(own)
    incoming: dict[URIRef, int] = {}
    for row in _rows(run(resource_queries(iri, shown, graphs, base_iri))):
        if "n" in row:
            predicate = term_from_json(row["p"])
            if isinstance(predicate, URIRef):
                incoming[predicate] = _int(row, "n")
        else:
            quads.append(_quad(row))
    claim = URIRef(ontology_namespace(base_iri).claim)
    quads += _claimed(iri, description, {q[2] for q in quads if q[1] == claim})
    if incoming:
        me = URIRef(iri)
        for row in _rows(run(referrers_query(iri, incoming))):
            if "p" in row:
                quads.append((term_from_json(row["s"]), term_from_json(row["p"]), me, None))
            if "lp" in row:
                quads.append(_quad(row, p="lp", o="l"))
    types = [q[2] for q in own if q[0] == URIRef(iri) and q[1] == RDF.type]
    quads += record(iri, types, incoming, base_iri, run)
    return ResourceFacts(quads, ResourceTotals(outgoing=outgoing, incoming=incoming))


# -- the landing page -----------------------------------------------------------------------


def landing_aggregates_query(base_iri: str) -> str:
    """Counts per class, meetings, the first MEETINGS meetings by their earliest start
    date (then IRI), the temporal coverage and the first HOST_CITIES host cities."""
    meeting = _iri(ontology_namespace(base_iri).SpecialMeeting)
    start, end, within = _iri(SDO.startDate), _iri(SDO.endDate), _iri(SDO.containedInPlace)
    date = _iri(XSD.date)
    return _select(
        "?class ?count ?meetings ?meeting ?key ?first ?last ?city",
        [
            "{ SELECT ?class (COUNT(DISTINCT ?x) AS ?count) WHERE { ?x a ?class } "
            "GROUP BY ?class }",
            f"{{ SELECT (COUNT(DISTINCT ?m) AS ?meetings) WHERE {{ ?m a {meeting} }} }}",
            f'{{ SELECT ?meeting (MIN(COALESCE(STR(?d), "~")) AS ?key) WHERE {{ '
            f"?meeting a {meeting} OPTIONAL {{ ?meeting {start} ?d }} }} "
            f"GROUP BY ?meeting ORDER BY ?key ?meeting LIMIT {MEETINGS} }}",
            f"{{ SELECT (MIN(STR(?d)) AS ?first) WHERE {{ ?m a {meeting} ; {start} ?d "
            f"FILTER(datatype(?d) = {date}) }} }}",
            f"{{ SELECT (MAX(STR(?d)) AS ?last) WHERE {{ ?m a {meeting} ; {end} ?d "
            f"FILTER(datatype(?d) = {date}) }} }}",
            # The places of the meetings first, then the containment test as MINUS:
            # FILTER NOT EXISTS per meeting is a hundred times slower (docs/performance.md).
            f"{{ SELECT DISTINCT ?city WHERE {{ "
            f"{{ SELECT DISTINCT ?city WHERE {{ ?m a {meeting} ; {_iri(SDO.location)} ?city }} }} "
            f"?city {within} ?country FILTER(isIRI(?city)) "
            f"MINUS {{ ?city {within} ?c . ?c {within} ?x }} }} "
            f"ORDER BY ?city LIMIT {HOST_CITIES} }}",
        ],
    )


def landing_details_query(base_iri: str, meetings: Sequence[str], named: Sequence[str]) -> str:
    """The dataset's statements and its links' labels and URLs; the shown meetings'
    dates, places, organizers and labels, and those places' and organizers' types and
    labels; the labels (and owl:sameAs) of `named` (classes counted, host cities)."""
    ctckg = ontology_namespace(base_iri)
    dataset = _iri(base_iri + "dataset")
    labels = LABEL_PROPERTIES
    roles = (SDO.location, SDO.organizer, ctckg.coOrganizer)
    branches = [
        f"{{ {dataset} ?p ?o BIND({dataset} AS ?s) }}",
        f"{{ {dataset} ?q ?s FILTER(isIRI(?s)) {_any_of((*labels, SDO.url))} }}",
    ]
    if meetings:
        own = (RDF.type, ctckg.ordinal, SDO.startDate, SDO.endDate, *roles, *labels)
        branches += [
            f"{{ {_values('s', meetings)} ?s ?p ?o {_among('p', own)} }}",
            f"{{ {_values('m', meetings)} ?m ?q ?s {_among('q', roles)} "
            f"{_any_of((RDF.type, SKOS.altLabel, *labels))} }}",
            *_participation_branches(base_iri, meetings),
        ]
    if named:
        branches.append(f"{{ {_values('s', named)} {_any_of((*labels, OWL.sameAs))} }}")
    return _select("?s ?p ?o", branches)


def _participation_branches(base_iri: str, meetings: Sequence[str]) -> list[str]:
    """The matrix's participations at `meetings` (at most MATRIX_PARTICIPATIONS): their
    meeting, agent, role and status; the agents' types and labels, the roles' and the
    statuses' labels."""
    ctckg = ontology_namespace(base_iri)
    said = (ctckg.participant, SDO.roleName, ctckg.status)
    parts = (
        f"{{ SELECT DISTINCT ?x WHERE {{ {_values('m', meetings)} "
        f"?x {_iri(ctckg.atMeeting)} ?m }} LIMIT {MATRIX_PARTICIPATIONS} }}"
    )
    return [
        f"{{ {parts} {_any_of((ctckg.atMeeting, *said), s='x')} BIND(?x AS ?s) }}",
        f"{{ SELECT DISTINCT ?s ?p ?o WHERE {{ {parts} {_any_of(said, s='x', p='q', o='s')} "
        f"{_any_of((RDF.type, SKOS.altLabel, *LABEL_PROPERTIES))} }} }}",
    ]


def landing(base_iri: str, run: Run) -> LandingFacts:
    """What the landing page shows of the graph (the build's description aside)."""
    counts: dict[URIRef, int] = {}
    total = 0
    keyed: list[tuple[str, str]] = []
    first: Literal | None = None
    last: Literal | None = None
    cities: list[URIRef] = []
    for row in _rows(run(landing_aggregates_query(base_iri))):
        if "class" in row and "count" in row:
            cls = term_from_json(row["class"])
            if isinstance(cls, URIRef):
                counts[cls] = _int(row, "count")
        elif "meetings" in row:
            total = _int(row, "meetings")
        elif "meeting" in row:
            keyed.append((row.get("key", {}).get("value", "~"), row["meeting"]["value"]))
        elif "first" in row:
            first = Literal(row["first"]["value"], datatype=XSD.date)
        elif "last" in row:
            last = Literal(row["last"]["value"], datatype=XSD.date)
        elif "city" in row:
            cities.append(URIRef(row["city"]["value"]))
    meetings = [m for _, m in sorted(keyed)[:MEETINGS]]
    named = sorted({str(c) for c in chain(counts, cities)})
    quads = [_quad(row) for row in _rows(run(landing_details_query(base_iri, meetings, named)))]
    totals = LandingTotals(
        class_counts=counts,
        meetings=total,
        temporal_coverage=(first, last) if first is not None and last is not None else None,
        host_cities=tuple(sorted(cities)),
    )
    return LandingFacts(quads, totals)


# -- the ontology and shapes documentation --------------------------------------------------


def vocabulary_query(base_iri: str) -> str:
    graphs = (ontology_iri(base_iri), shapes_iri(base_iri))
    return f"SELECT ?s ?p ?o ?g WHERE {{ {_values('g', graphs)} GRAPH ?g {{ ?s ?p ?o }} }}"


def labels_query(iris: Iterable[str | Node]) -> str:
    return f"SELECT ?s ?p ?o WHERE {{ {_values('s', iris)} {_any_of(LABEL_PROPERTIES)} }}"


def vocabulary(base_iri: str, run: Run) -> list[Quad]:
    """The ontology's and the shapes' graphs, and the labels of the IRIs they mention
    that are described elsewhere."""
    quads = [_quad(row) for row in _rows(run(vocabulary_query(base_iri)))]
    subjects = {q[0] for q in quads}
    mentioned = sorted(
        str(i) for i in _iris_shown((s, p, o, None) for s, p, o, _ in quads) if i not in subjects
    )
    if mentioned:
        quads += [_quad(row) for row in _rows(run(labels_query(mentioned)))]
    return quads
