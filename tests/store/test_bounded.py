"""Which queries skip the killable query process (store.bounded): only those that
provably touch few rows; everything else, including every adversarial shape, goes to
the process."""

from __future__ import annotations

import pytest
from ctc_kg.store.bounded import MAX_ROWS, rows_bound
from ctc_kg.store.degrees import Degrees
from ctc_kg.store.queryshape import shape
from ctc_kg.store.querytext import KEPT_TOKENS_UP_TO, analyse

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PROLOGUE = f"PREFIX rdfs: <{RDFS}>\nPREFIX schema: <{SCHEMA}>\nPREFIX org: <{ORG}>\n"
M = "<https://w3id.org/ctc-kg/meeting/1>"
HUB = "<https://w3id.org/ctc-kg/country/at>"

# A store where a subject has at most 60 quads, a label predicate 4 per subject, and
# rdf:type 50,000 subjects per class (a hub).
DEGREES = Degrees(
    out_any=60,
    in_any=20_000,
    out={f"{SCHEMA}organizer": 6, f"{RDFS}label": 4, f"{ORG}subOrganizationOf": 2, RDF_TYPE: 3},
    into={
        RDF_TYPE: 50_000,
        f"{SCHEMA}organizer": 40,
        f"{RDFS}label": 3,
        f"{SCHEMA}location": 90_000,
    },
)


def bound_of(text: str) -> int | None:
    found = shape(PROLOGUE + text)
    return None if found is None else rows_bound(found, DEGREES)


BOUNDED = {
    "one resource": (f"SELECT ?p ?o WHERE {{ {M} ?p ?o }}", 60),
    "one resource, distinct LIMIT": (f"SELECT ?p ?o WHERE {{ {M} ?p ?o }} LIMIT 100000012", 60),
    "incoming, known predicate": (f"SELECT ?s WHERE {{ ?s schema:organizer {M} }}", 40),
    "constant at both ends": (f"ASK {{ {M} ?p {HUB} }}", 60),
    "two hops down a tree": (
        f"SELECT ?organizer ?parent ?label WHERE {{ {M} schema:organizer ?organizer . "
        "?organizer org:subOrganizationOf ?parent . ?parent rdfs:label ?label . "
        'FILTER (LANG(?label) = "en") } ORDER BY ?organizer DESC(?parent)',
        6 * 2 * 4,
    ),
    "neighbourhood with optional labels": (
        f"CONSTRUCT {{ {M} ?p ?o . ?o rdfs:label ?label }} "
        f"WHERE {{ {M} ?p ?o OPTIONAL {{ ?o rdfs:label ?label }} }}",
        60 * 4,
    ),
    "construct where": (f"CONSTRUCT WHERE {{ {M} rdfs:label ?l ; schema:organizer ?o }}", 24),
    "two constants, small product": (f"SELECT * {{ {M} rdfs:label ?a . {HUB} rdfs:label ?b }}", 16),
    "literal object": ('SELECT ?s { ?s rdfs:label "Vienna"@en }', 3),
    "semicolon and comma lists": (f"SELECT * {{ {M} rdfs:label ?a , ?b ; a ?t . }}", 4 * 4 * 3),
    "glued name and dot": (f"SELECT ?o {{ {M} schema:organizer ?o.}} OFFSET 2 LIMIT 3", 6),
    "cheap filter": (
        f'SELECT ?o {{ {M} ?p ?o FILTER(isIRI(?o) && !CONTAINS(STR(?o), "x") || ?o IN (1, 2)) }}',
        60,
    ),
}


@pytest.mark.parametrize("name", BOUNDED)
def test_bounded_queries_are_recognised_with_their_bound(name: str) -> None:
    text, expected = BOUNDED[name]
    assert bound_of(text) == expected


UNBOUNDED = {
    "every triple": "SELECT * { ?s ?p ?o }",
    "the runaway cartesian product": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "a constant beside an unbound pattern": f"SELECT * {{ {M} ?p ?o . ?s ?q ?r }}",
    "a predicate alone": "SELECT * { ?s rdfs:label ?o }",
    "a class's members (huge in-degree)": "SELECT ?m { ?m a schema:Event }",
    "a hub's incoming links": f"SELECT ?s ?p {{ ?s ?p {HUB} }}",
    "a huge-degree constant by predicate": f"SELECT ?s {{ ?s schema:location {HUB} }}",
    "cartesian product over the bound": f"SELECT * {{ {M} ?a ?b . {HUB} ?c ?d . <x:y> ?e ?f }}",
    "a property path": f"SELECT * {{ {M} schema:organizer/org:subOrganizationOf* ?o }}",
    "an inverse path": f"SELECT * {{ {M} ^schema:organizer ?o }}",
    "an alternative path": f"SELECT * {{ {M} rdfs:label|schema:name ?o }}",
    "reached only through its object": f"SELECT * {{ {M} ?p ?o . ?x schema:organizer ?o }}",
    "object reused beside a constant": (
        f"SELECT * {{ {M} ?p ?s . ?s ?q ?o . ?o schema:location {HUB} }}"
    ),
    "a predicate variable shared": f"SELECT * {{ {M} ?p ?o . ?o ?p ?z }}",
    "a subject bound only by an optional": (
        f"SELECT * {{ {M} ?p ?o OPTIONAL {{ ?o rdfs:label ?l }} ?l ?q ?r }}"
    ),
    "an optional before its anchor": f"SELECT * {{ OPTIONAL {{ ?o rdfs:label ?l }} {M} ?p ?o }}",
    "an optional of two patterns": (f"SELECT * {{ {M} ?p ?o OPTIONAL {{ ?o ?q ?r . ?r ?s ?t }} }}"),
    "a sub-select": f"SELECT * {{ {{ SELECT * {{ ?s ?p ?o }} }} {M} ?a ?s }}",
    "a nested group": f"SELECT * {{ {{ {M} ?p ?o }} }}",
    "a union": f"SELECT * {{ {{ {M} ?p ?o }} UNION {{ ?s ?p ?o }} }}",
    "an aggregate": f"SELECT (COUNT(*) AS ?n) {{ {M} ?p ?o }}",
    "group by": f"SELECT ?p {{ {M} ?p ?o }} GROUP BY ?p",
    "a service": f"SELECT * {{ SERVICE <http://example.org/sparql> {{ {M} ?p ?o }} }}",
    "a graph block": f"SELECT * {{ GRAPH ?g {{ {M} ?p ?o }} }}",
    "values": f"SELECT * {{ VALUES ?s {{ {M} }} ?s ?p ?o }}",
    "bind": f"SELECT * {{ {M} ?p ?o BIND(STR(?o) AS ?x) }}",
    "minus": f"SELECT * {{ {M} ?p ?o MINUS {{ ?o ?q ?r }} }}",
    "exists in a filter": f"SELECT * {{ {M} ?p ?o FILTER EXISTS {{ ?o ?q ?r }} }}",
    "not exists": f"SELECT * {{ {M} ?p ?o FILTER (NOT EXISTS {{ ?o ?q ?r }}) }}",
    "a regular expression": f'SELECT * {{ {M} ?p ?o FILTER(REGEX(STR(?o), "(a+)+b")) }}',
    "a function IRI": f"SELECT * {{ {M} ?p ?o FILTER(<http://example.org/f>(?o)) }}",
    "an ambiguous less-than": f"SELECT * {{ {M} ?p ?o FILTER(?o<http://x/>) }}",
    "describe": f"DESCRIBE {M}",
    "a base": f"BASE <http://example.org/> SELECT * {{ {M} ?p ?o }}",
    "a dataset clause": f"SELECT * FROM <http://example.org/g> {{ {M} ?p ?o }}",
    "an update": f"INSERT DATA {{ {M} rdfs:label 'x' }}",
    "a trailing values block": f"SELECT * {{ {M} ?p ?o }} VALUES ?o {{ 1 }}",
    "an expression in ORDER BY": f"SELECT * {{ {M} ?p ?o }} ORDER BY STR(?o)",
    "a quoted triple": f"SELECT * {{ << {M} ?p ?o >> ?q ?r }}",
    "a blank node property list": f"SELECT * {{ {M} ?p [ ?q ?r ] }}",
    "a collection": f"SELECT * {{ {M} ?p ( ?a ?b ) }}",
    "an unterminated string": f"SELECT * {{ {M} ?p 'oops }}",
    "a number glued to a dot": f"SELECT * {{ {M} ?p 1. }}",
    "a keyword glued to a word": f"SELECT * {{ {M} ?p ?o }} LIMITX 3",
    "two limits": f"SELECT * {{ {M} ?p ?o }} LIMIT 1 LIMIT 2",
    "text after the query": f"SELECT * {{ {M} ?p ?o }} junk",
    "a blank node label (not read here)": f"SELECT ?p {{ {M} ?p _:x . }}",
    "a same-variable loop": f"SELECT * {{ {M} ?p ?o . ?o ?q ?o }}",
}


@pytest.mark.parametrize("name", UNBOUNDED)
def test_queries_that_could_run_long_go_to_the_process(name: str) -> None:
    assert bound_of(UNBOUNDED[name]) is None


def test_a_product_over_the_bound_goes_to_the_process() -> None:
    # 60 * 60 * 60 rows could come out of three independent lookups.
    text = f"SELECT * {{ {M} ?a ?b . {HUB} ?c ?d . <https://example.org/z> ?e ?f }}"
    found = shape(PROLOGUE + text)
    assert found is not None
    assert rows_bound(found, DEGREES) is None
    assert rows_bound(found, DEGREES, limit=60**3) == 60**3
    assert MAX_ROWS < 60**3


def test_a_huge_degree_makes_even_a_one_resource_lookup_go_to_the_process() -> None:
    hub = Degrees(out_any=MAX_ROWS + 1, in_any=1, out={}, into={})
    found = shape(f"SELECT ?p ?o WHERE {{ {M} ?p ?o }}")
    assert found is not None
    assert rows_bound(found, hub) is None


SERIES = "https://w3id.org/ctc-kg/series/special-meetings"
# The 1M benchmark graph: a series with 58,712 meetings, every other resource under 60.
WITH_A_HUB = Degrees(
    out_any=58_712,
    in_any=58_712,
    out={f"{SCHEMA}subEvent": 58_712, f"{RDFS}label": 4},
    into={f"{SCHEMA}superEvent": 58_712, f"{RDFS}label": 3},
    out_top={SERIES: 58_712},
    in_top={SERIES: 58_712},
    out_rest=60,
    in_rest=45,
)


def hub_bound(text: str) -> int | None:
    found = shape(PROLOGUE + text)
    return None if found is None else rows_bound(found, WITH_A_HUB)


def test_a_hub_no_longer_sends_every_other_resources_lookup_to_the_process() -> None:
    assert hub_bound(f"SELECT ?p ?o WHERE {{ {M} ?p ?o }}") == 60
    assert hub_bound(f"SELECT ?s ?p WHERE {{ ?s ?p {M} }}") == 45
    assert hub_bound(f"SELECT ?o WHERE {{ {M} rdfs:label ?o }}") == 4
    assert hub_bound(f"ASK {{ {M} ?p <{SERIES}> }}") == 60


def test_the_hub_itself_and_what_cannot_be_named_for_certain_still_go_to_the_process() -> None:
    assert hub_bound(f"SELECT ?p ?o WHERE {{ <{SERIES}> ?p ?o }}") is None
    assert hub_bound(f"SELECT ?m WHERE {{ ?m schema:superEvent <{SERIES}> }}") is None
    # The same IRI written with an escape, or through a prefix declared with one: the
    # engine reads the hub, the proof could not tell, so it counts as any resource.
    escaped = SERIES.replace("series", "s\\u0065ries")
    assert hub_bound(f"SELECT ?p ?o WHERE {{ <{escaped}> ?p ?o }}") is None
    hub_prefix = "PREFIX h: <https://w3id.org/ctc-kg/s\\u0065ries/>\n"
    assert hub_bound(f"{hub_prefix}SELECT ?p ?o WHERE {{ h:special-meetings ?p ?o }}") is None
    # A literal object counts as any object.
    assert hub_bound('SELECT ?s ?p WHERE { ?s ?p "x" }') is None


def test_a_predicate_we_cannot_resolve_for_certain_counts_as_any_predicate() -> None:
    # An escaped local name: the any-predicate degree (60), not rdfs:label's (4).
    assert bound_of(f"SELECT ?o {{ {M} rdfs:lab\\el ?o }}") == 60
    assert bound_of(f"SELECT ?o {{ {M} undeclared:label ?o }}") == 60
    assert bound_of(f"SELECT ?o {{ {M} rdfs:label ?o }}") == 4


@pytest.mark.parametrize("text", [*(t for t, _ in BOUNDED.values()), *UNBOUNDED.values()])
def test_the_shape_read_from_the_analysis_tokens_is_the_shape_of_the_text(text: str) -> None:
    # The web layer's analysis carries the tokens, so the text is scanned once.
    full = PROLOGUE + text
    assert shape(full, analyse(full).tokens) == shape(full)


def test_a_long_text_is_not_read_for_its_shape_nor_are_its_tokens_kept() -> None:
    # A megabyte of variables would otherwise be held as a quarter of a million tokens.
    padding = " ".join(["?o"] * 10_000)
    text = f"SELECT ?p {padding} WHERE {{ {M} ?p ?o }}"
    assert len(text) > KEPT_TOKENS_UP_TO
    assert analyse(text).tokens == ()
    assert shape(text) is None
    assert shape(f"SELECT ?p ?o WHERE {{ {M} ?p ?o }}") is not None
