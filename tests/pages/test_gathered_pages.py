"""Pages gathered from a store with a few bounded queries (ctc_kg.web.html.gather) show
what pages drawn from the whole graph show, and on a hub say how much they leave out.

The store here is pyoxigraph in memory, queried over the union of its graphs like the
embedded backend, and a resource's description is the embedded backend's own
(`Worker.description`); tests/web runs the same pages over both real backends.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from ctc_kg.store.worker import Worker
from ctc_kg.web.html import gather
from ctc_kg.web.html.bounds import MATRIX_ORGANIZATIONS, MEETINGS, PER_PROPERTY
from ctc_kg.web.html.quads import QuadIndex, quad_from_oxigraph
from rdflib import Graph, URIRef
from rdflib.namespace import SDO

from .conftest import BASE, HERE, parse_html, text_of

SVG = "{http://www.w3.org/2000/svg}"
HUB_MEETINGS = 1000
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")


@dataclass
class Runner:
    """Answers the gather queries from an in-memory store and counts what it returned."""

    store: ox.Store
    queries: list[str] = field(default_factory=list)
    rows: int = 0

    def __call__(self, text: str) -> dict[str, Any]:
        self.queries.append(text)
        solutions = self.store.query(text, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        results: dict[str, Any] = json.loads(solutions.serialize(format=ox.QueryResultsFormat.JSON))
        self.rows += len(results["results"]["bindings"])
        return results


def store_of(quads: list[ox.Quad]) -> ox.Store:
    store = ox.Store()
    store.extend(quads)
    return store


def subjects_under_base(quads: list[ox.Quad]) -> list[str]:
    found = {
        q.subject.value
        for q in quads
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(BASE)
    }
    return sorted(
        i for i in found if "#" not in i and i not in (BASE + "ontology", BASE + "shapes")
    )


def gathered_page(renderer, store: ox.Store, iri: str, ctx) -> str:
    description = Worker(store, {}).description(iri)
    assert description is not None, iri
    facts = gather.resource(iri, description, BASE, Runner(store))
    return renderer.resource(facts.index(), iri, ctx, facts.totals)


@pytest.fixture(scope="module")
def small_quads() -> list[ox.Quad]:
    return list(ox.parse((HERE / "small.trig").read_bytes(), format=ox.RdfFormat.TRIG))


@pytest.fixture(scope="module")
def repository_store(repository_quads: list[ox.Quad]) -> ox.Store:
    return store_of(repository_quads)


def whole(quads: list[ox.Quad]) -> QuadIndex:
    return QuadIndex(quad_from_oxigraph(q) for q in quads)


# -- the same pages as from the whole graph --------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_small_graph_pages_are_the_pages_of_the_whole_graph(small_quads, renderer, make_ctx, lang):
    store, index, ctx = store_of(small_quads), whole(small_quads), make_ctx(lang)
    for iri in subjects_under_base(small_quads):
        assert gathered_page(renderer, store, iri, ctx) == renderer.resource(index, iri, ctx), iri


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_repository_pages_are_the_pages_of_the_whole_graph(
    repository_quads, repository_store, renderer, make_ctx, lang
):
    index, ctx = whole(repository_quads), make_ctx(lang)
    iris = subjects_under_base(repository_quads)
    assert len(iris) > 50
    for iri in iris:
        gathered = gathered_page(renderer, repository_store, iri, ctx)
        assert gathered == renderer.resource(index, iri, ctx), iri


@pytest.mark.parametrize("kind", ["ontology", "shapes"])
def test_vocabulary_pages_are_read_from_their_own_graphs(
    repository_quads, repository_store, renderer, make_ctx, kind
):
    runner = Runner(repository_store)
    gathered = QuadIndex(gather.vocabulary(BASE, runner))
    assert len(runner.queries) == 2
    for lang in ("en", "fr"):
        ctx = make_ctx(lang)
        expected = renderer.vocabulary(whole(repository_quads), ctx, kind, None)
        assert renderer.vocabulary(gathered, ctx, kind, None) == expected


def test_landing_page_is_the_page_of_the_whole_graph(repository_quads, renderer, make_ctx):
    runner = Runner(store_of(repository_quads))
    facts = gather.landing(BASE, runner)
    assert len(runner.queries) == 2
    index = QuadIndex(facts.quads)
    for lang in ("en", "fr"):
        ctx = make_ctx(lang)
        expected = renderer.landing(whole(repository_quads), ctx)
        assert renderer.landing(index, ctx, (), facts.totals) == expected


# -- hubs: bounded reads, bounded pages, and a note saying so --------------------------


def hub_quads(meetings: int, graphs: int | None = None) -> Iterator[ox.Quad]:
    """`meetings` meetings, each organized by one hub and by an organization of its own,
    in a city of a country; a series with all of them as sub-events. Each meeting is
    stated in a passage graph of its own, or in one of `graphs` graphs."""

    def n(path: str) -> ox.NamedNode:
        return ox.NamedNode(BASE + path)

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    special = n("ontology#SpecialMeeting")
    hub, series, city, country = n("organization/hub"), n("series/s"), n("place/c"), n("place/k")
    yield ox.Quad(hub, label, ox.Literal("The hub", language="en"))
    yield ox.Quad(series, label, ox.Literal("The series", language="en"))
    yield ox.Quad(city, rdf_type, ox.NamedNode(str(SDO.City)))
    yield ox.Quad(city, ox.NamedNode(str(SDO.containedInPlace)), country)
    for i in range(meetings):
        meeting, own = n(f"meeting/m{i:04d}"), n(f"organization/o{i:04d}")
        graph = n(f"graph/report/m{i if graphs is None else i % graphs:04d}")
        day = (dt.date(2000, 1, 1) + dt.timedelta(days=3 * i)).isoformat()
        for quad in (
            (meeting, rdf_type, special),
            (meeting, label, ox.Literal(f"Meeting {i}", language="en")),
            (meeting, ox.NamedNode(str(SDO.startDate)), ox.Literal(day, datatype=XSD_DATE)),
            (meeting, ox.NamedNode(str(SDO.location)), city),
            (meeting, ox.NamedNode(str(SDO.organizer)), hub),
            (meeting, ox.NamedNode(str(SDO.organizer)), own),
            (series, ox.NamedNode(str(SDO.subEvent)), meeting),
        ):
            yield ox.Quad(*quad, graph)
        yield ox.Quad(own, label, ox.Literal(f"Organization {i:04d}", language="en"))


@pytest.fixture(scope="module")
def hub_store() -> ox.Store:
    return store_of(list(hub_quads(HUB_MEETINGS)))


def listing_count(store: ox.Store, href: str) -> int:
    """How many rows the query behind an editor link answers."""
    query = parse_qs(urlsplit(href).fragment)["query"][0]
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return len(list(solutions))


def test_hub_page_lists_some_referrers_says_how_many_and_links_to_all(
    hub_store, renderer, make_ctx
):
    iri = BASE + "organization/hub"
    description = Worker(hub_store, {}).description(iri)
    runner = Runner(hub_store)
    facts = gather.resource(iri, description, BASE, runner)
    assert len(runner.queries) == 2
    # What the queries return does not grow with the thousand meetings.
    assert runner.rows <= 2 * PER_PROPERTY + 20
    doc = parse_html(renderer.resource(facts.index(), iri, make_ctx(), facts.totals))
    (row,) = doc.findall(".//dl[@class='statements incoming']/div")
    listed = [dd for dd in row.findall("dd") if dd.get("class") != "partial"]
    assert len(listed) == PER_PROPERTY
    (note,) = row.findall("dd[@class='partial']")
    assert text_of(note).startswith(f"{PER_PROPERTY} of {HUB_MEETINGS:,} shown.")
    assert listing_count(hub_store, note.find("a").get("href")) == HUB_MEETINGS


def test_property_with_many_values_lists_some_and_says_how_many(hub_store, renderer, make_ctx):
    iri = BASE + "series/s"
    description = Worker(hub_store, {}).description(iri)
    facts = gather.resource(iri, description, BASE, Runner(hub_store))
    html = renderer.resource(facts.index(), iri, make_ctx(), facts.totals)
    doc = parse_html(html)
    rows = doc.findall(".//section[@aria-labelledby='h-description']//div[@class='statement']")
    (row,) = [r for r in rows if text_of(r.find("dt")).startswith("sub-event")]
    assert len(row.findall("dd/ul/li")) == PER_PROPERTY
    note = row.find("dd/p[@class='partial']")
    assert text_of(note).startswith(f"{PER_PROPERTY} of {HUB_MEETINGS:,} shown.")
    assert listing_count(hub_store, note.find("a").get("href")) == HUB_MEETINGS
    # One source note per value shown, no more; the markup holds the same values.
    assert len(doc.findall(".//section[@class='sources']/ol/li")) == PER_PROPERTY
    (script,) = doc.findall(".//script[@type='application/ld+json']")
    markup = Graph().parse(data=script.text, format="json-ld")
    assert len(list(markup.objects(URIRef(iri), SDO.subEvent))) == PER_PROPERTY


def test_landing_page_shows_the_first_meetings_by_date_and_says_how_many(
    hub_store, renderer, make_ctx
):
    runner = Runner(hub_store)
    facts = gather.landing(BASE, runner)
    assert len(runner.queries) == 2
    assert runner.rows < 20 * MEETINGS
    html = renderer.landing(QuadIndex(facts.quads), make_ctx(), (), facts.totals)
    doc = parse_html(html)
    events = doc.findall(f".//figure[@class='timeline']/{SVG}svg/{SVG}g[@class='event']")
    assert len(events) == MEETINGS
    rows = doc.findall(".//table[@class='meetings']/tbody/tr")
    assert [text_of(r.find("th")) for r in rows[:2]] == ["Meeting 0", "Meeting 1"]
    assert text_of(rows[-1].find("th")) == f"Meeting {MEETINGS - 1}"
    section = doc.find(".//section[@aria-labelledby='h-timeline']")
    note = section.find("p[@class='partial']")
    assert text_of(note).startswith(f"The first {MEETINGS} of {HUB_MEETINGS:,} meetings")
    assert listing_count(hub_store, note.find("a").get("href")) == HUB_MEETINGS
    # The hub and one organization per meeting shown: more than the matrix lists.
    matrix = doc.find(".//section[@aria-labelledby='h-matrix']")
    assert len(matrix.findall(".//table[@class='matrix']/tbody/tr")) == MATRIX_ORGANIZATIONS
    assert text_of(matrix.find("p[@class='partial']")).startswith(
        f"The first {MATRIX_ORGANIZATIONS} of the {MEETINGS + 1} organizations"
    )
    counts = {
        text_of(tr.find("th")): text_of(tr.find("td"))
        for tr in doc.findall(".//table[@class='counts']/tbody/tr")
    }
    assert counts["SpecialMeeting ctckg:SpecialMeeting"] == f"{HUB_MEETINGS}"
