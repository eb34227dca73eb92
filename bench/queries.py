"""The query mix: what ctc-kg's users ask, as workloads every contender can run.

A workload is a rotation of requests of one kind (so a cache keyed on one query text
does not answer everything), built from the IRIs and words the generator sampled.
SPARQL texts use only SPARQL 1.1 that rdflib, Oxigraph and Virtuoso all evaluate the
same way on a union default graph; aggregates use DISTINCT so a store that keeps a
triple once per graph (Virtuoso without FROM) counts the same as one that merges them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bench.generate import B

PROLOGUE = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

SPARQL_JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
JSON_LD = "application/ld+json"
HTML = "text/html"


@dataclass(frozen=True)
class Samples:
    """IRIs and words the query mix draws from (so every query has answers)."""

    meetings: tuple[str, ...]
    organizations: tuple[str, ...]
    suborganizations: tuple[str, ...]
    #: Meetings with at least one organizer within a parent organization.
    meetings_with_parent: tuple[str, ...]
    places: tuple[str, ...]
    search_words: tuple[str, ...]
    #: Many resources of every kind (up to a few thousand), for the distinct workloads.
    subjects: tuple[str, ...] = ()


class Kind(Enum):
    SPARQL = "sparql"  # a SPARQL query sent to the contender's endpoint
    RESOURCE = "resource"  # GET a resource IRI's path under content negotiation
    DUMP = "dump"  # GET the whole-graph Turtle dump


@dataclass(frozen=True)
class Workload:
    name: str
    kind: Kind
    description: str
    accept: str
    #: SPARQL texts (Kind.SPARQL) or resource IRIs (Kind.RESOURCE); one dump for DUMP.
    items: tuple[str, ...]
    #: Touches a bounded part of the graph whatever its size (the 1M "selective" target).
    selective: bool
    #: Every request of a cell is a query never sent before (load.lua_script's
    #: `distinct`): no cache keyed on the request can answer it.
    distinct: bool = False

    @property
    def is_graph_result(self) -> bool:
        return self.kind is Kind.SPARQL and self.accept == TURTLE


def _lookup(iri: str) -> str:
    return PROLOGUE + f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"


# The distinct workloads' queries end with this LIMIT; the load tool appends digits to
# it for each request (a larger LIMIT, never reached: the answer stays the same).
DISTINCT_LIMIT = 1000000


def _lookup_distinct(iri: str) -> str:
    return _lookup(iri) + f" LIMIT {DISTINCT_LIMIT}"


def _listing(lang: str) -> str:
    return PROLOGUE + (
        "SELECT ?meeting ?label ?start WHERE {\n"
        "  ?meeting a schema:Event ; rdfs:label ?label ; schema:startDate ?start .\n"
        f'  FILTER (LANG(?label) = "{lang}")\n'
        "} ORDER BY DESC(?start) ?meeting LIMIT 50"
    )


def _counts() -> str:
    return PROLOGUE + (
        "SELECT ?organization ?label (COUNT(DISTINCT ?meeting) AS ?meetings) WHERE {\n"
        "  ?meeting schema:organizer ?organization .\n"
        '  ?organization rdfs:label ?label . FILTER (LANG(?label) = "en")\n'
        "} GROUP BY ?organization ?label ORDER BY DESC(?meetings) ?organization LIMIT 20"
    )


def _search(word: str) -> str:
    return PROLOGUE + (
        "SELECT DISTINCT ?resource ?label WHERE {\n"
        "  ?resource rdfs:label ?label .\n"
        f'  FILTER (CONTAINS(LCASE(STR(?label)), "{word.lower()}"))\n'
        "} ORDER BY ?resource ?label LIMIT 20"
    )


def _two_hop(iri: str) -> str:
    return PROLOGUE + (
        "SELECT ?organizer ?parent ?parentLabel WHERE {\n"
        f"  <{iri}> schema:organizer ?organizer .\n"
        "  ?organizer org:subOrganizationOf ?parent .\n"
        '  ?parent rdfs:label ?parentLabel . FILTER (LANG(?parentLabel) = "en")\n'
        "} ORDER BY ?organizer ?parent"
    )


def _neighbourhood(iri: str) -> str:
    return PROLOGUE + (
        f"CONSTRUCT {{ <{iri}> ?p ?o . ?o rdfs:label ?label }}\n"
        f"WHERE {{ <{iri}> ?p ?o OPTIONAL {{ ?o rdfs:label ?label }} }}"
    )


def workloads(samples: Samples) -> list[Workload]:
    """The query mix, in the order the results table lists it."""
    meetings = samples.meetings
    resources = (
        tuple(r for pair in zip(meetings, samples.organizations, strict=False) for r in pair)
        + samples.places[:8]
    )
    return [
        Workload(
            "lookup",
            Kind.SPARQL,
            "every property of one meeting",
            SPARQL_JSON,
            tuple(_lookup(m) for m in meetings),
            selective=True,
        ),
        Workload(
            "lookup-distinct",
            Kind.SPARQL,
            "every property of one resource, no two requests alike, over many IRIs",
            SPARQL_JSON,
            tuple(_lookup_distinct(iri) for iri in samples.subjects or meetings),
            selective=True,
            distinct=True,
        ),
        Workload(
            "listing",
            Kind.SPARQL,
            "50 latest meetings with labels, by date",
            SPARQL_JSON,
            (_listing("en"), _listing("fr")),
            selective=False,
        ),
        Workload(
            "counts",
            Kind.SPARQL,
            "meetings per organization, top 20",
            SPARQL_JSON,
            (_counts(),),
            selective=False,
        ),
        Workload(
            "search",
            Kind.SPARQL,
            "labels containing a word",
            SPARQL_JSON,
            tuple(_search(w) for w in samples.search_words),
            selective=False,
        ),
        Workload(
            "two-hop",
            Kind.SPARQL,
            "a meeting's organizers and their parent organizations",
            SPARQL_JSON,
            tuple(_two_hop(m) for m in samples.meetings_with_parent),
            selective=True,
        ),
        Workload(
            "construct",
            Kind.SPARQL,
            "CONSTRUCT one meeting's neighbourhood (Turtle)",
            TURTLE,
            tuple(_neighbourhood(m) for m in meetings),
            selective=True,
        ),
        Workload(
            "deref-ttl",
            Kind.RESOURCE,
            "dereference a resource IRI as Turtle",
            TURTLE,
            resources,
            selective=True,
        ),
        Workload(
            "deref-jsonld",
            Kind.RESOURCE,
            "dereference a resource IRI as JSON-LD",
            JSON_LD,
            resources,
            selective=True,
        ),
        Workload(
            "deref-html",
            Kind.RESOURCE,
            "dereference a resource IRI as an HTML page",
            HTML,
            resources,
            selective=True,
        ),
        Workload(
            "dump",
            Kind.DUMP,
            "download the Turtle dump",
            TURTLE,
            ("dump/ctc-kg.ttl",),
            selective=False,
        ),
    ]


def path_of(iri: str) -> str:
    """The server path that stands for `iri` (interface.md: `B + p` is served at `/p`)."""
    if not iri.startswith(B):
        raise ValueError(f"not under the base IRI: {iri}")
    return "/" + iri[len(B) :]
