"""The record of the meetings on their pages (issue 14): a meeting's participants by
role with announced and reported kept apart, its programme and outcomes; a person's and
an organization's meetings and roles; the landing page's matrix of roles. Each is read
from a store with the pages' bounded queries (pyoxigraph here; tests/web/test_record_live
serves the same fixture over both backends) and parsed as HTML5."""

from __future__ import annotations

import itertools
from pathlib import Path
from xml.etree.ElementTree import Element

import pyoxigraph as ox
import pytest
from ctc_kg.store.worker import Worker
from ctc_kg.web.html import gather
from ctc_kg.web.html.bounds import PER_PROPERTY, RECORD
from ctc_kg.web.html.matrix import RoleMark, matrix_cell
from ctc_kg.web.html.quads import QuadIndex

from .conftest import BASE, parse_html, text_of
from .test_gathered_pages import (
    Runner,
    gathered_page,
    listing_count,
    store_of,
    subjects_under_base,
    whole,
)

RECORD_ROOT = Path(__file__).resolve().parents[1] / "data" / "record"
NEW_YORK = BASE + "meeting/2003-new-york"
VIENNA = BASE + "meeting/2004-vienna"
GREENSTOCK = BASE + "person/jeremy-greenstock"


@pytest.fixture(scope="module")
def record_quads() -> list[ox.Quad]:
    quads: list[ox.Quad] = []
    for path in sorted((RECORD_ROOT / "data").glob("*.trig")):
        quads += ox.parse(path.read_bytes(), format=ox.RdfFormat.TRIG)
    return quads


@pytest.fixture(scope="module")
def record_store(record_quads) -> ox.Store:
    return store_of(record_quads)


@pytest.fixture
def page(record_store, renderer, make_ctx):
    def render(iri: str, lang: str = "en") -> Element:
        return parse_html(gathered_page(renderer, record_store, iri, make_ctx(lang)))

    return render


def section(doc: Element, name: str) -> Element:
    found = doc.find(f".//section[@aria-labelledby='h-{name}']")
    assert found is not None, name
    return found


def words(element: Element) -> str:
    """The text of `element` without its citations' superscript numbers."""
    parts: list[str] = []

    def walk(node: Element) -> None:
        if node.tag == "sup":
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(element)
    return " ".join("".join(parts).split())


def table_rows(table: Element) -> list[list[str]]:
    return [
        [words(cell) for cell in tr if cell.tag in ("th", "td")] for tr in table.findall("tbody/tr")
    ]


def cited_notes(doc: Element, cell: Element) -> list[str]:
    """The text of the source notes a cell's superscript links lead to."""
    notes = {li.get("id"): text_of(li) for li in doc.findall(".//section[@class='sources']/ol/li")}
    links = [a.get("href") for a in cell.findall("sup[@class='cites']/a")]
    assert links, text_of(cell)
    return [notes[href.removeprefix("#")] for href in links]


# -- a meeting's page -------------------------------------------------------------------


def test_meeting_page_lists_who_took_part_by_role_reported_apart_from_announced(page):
    participants = section(page(NEW_YORK), "participants")
    reported = participants.find(".//table[@id='participants-reported']")
    announced = participants.find(".//table[@id='participants-announced']")
    assert [row[:2] for row in table_rows(reported)] == [
        ["Jeremy Greenstock", "chair"],
        ["Kofi Annan", "opening speaker"],
        ["Organization of American States", "participant (present)"],
    ]
    # Invited and "speakers will include" are announced: never among those who took part.
    assert [row[:2] for row in table_rows(announced)] == [
        ["Kofi Annan", "opening speaker"],
        ["Jeremy Greenstock", "speaker or presenter"],
        ["Association of Southeast Asian Nations", "invited"],
    ]
    headings = [text_of(h) for h in participants.findall("h3")]
    assert headings == ["Reported as taking part", "Announced before the meeting"]


def test_each_participation_cites_the_passage_that_says_it(page):
    doc = page(NEW_YORK)
    participants = section(doc, "participants")
    reported = participants.find(".//table[@id='participants-reported']/tbody")
    announced = participants.find(".//table[@id='participants-announced']/tbody")
    chair_role = reported.find("tr/td[@class='role']")
    (note,) = cited_notes(doc, chair_role)
    assert "SC/7679: who took part" in note
    assert "Chairman of the Counter-Terrorism Committee, opened the meeting" in note
    assert "https://press.un.org/en/2003/sc7679.doc.htm" in note
    for role in announced.findall("tr/td[@class='role']"):
        (note,) = cited_notes(doc, role)
        assert "Note 5777: the programme and its speakers" in note


def test_post_held_is_the_source_words_with_their_citation(page):
    doc = page(NEW_YORK)
    rows = section(doc, "participants").findall(".//table[@id='participants-reported']/tbody/tr")
    greenstock = rows[0]
    post = greenstock.find("td[@class='post']")
    quoted = post.find("span[@class='words']")
    assert text_of(quoted) == "Chairman of the Counter-Terrorism Committee"
    assert quoted.get("lang") == "en"
    assert "SC/7679" in cited_notes(doc, post)[0]
    assert words(greenstock.findall("td")[2]) == "United Kingdom"


def test_programme_lists_the_sessions_in_order_with_their_speakers(page):
    programme = section(page(NEW_YORK), "programme")
    items = programme.findall("ol[@class='programme']/li")
    assert [li.get("value") for li in items] == ["1", "2", "3"]
    titles = [text_of(li.find("p[@class='session']/cite/span")) for li in items]
    assert titles == ["Global Standards on Counter-Terrorism", "Regional Action", "The Way Ahead"]
    links = [li.find("p[@class='session']/a").get("href") for li in items]
    assert links == [f"/session/2003-new-york-{n}" for n in (1, 2, 3)]
    (speakers,) = items[0].findall("ul")
    assert speakers.get("class") == "speakers announced"
    assert text_of(speakers).startswith("Jeremy Greenstock — speaker or presenter")
    assert not items[1].findall("ul")


def test_outcomes_link_the_document_the_meeting_adopted_with_what_the_source_says(page):
    doc = page(VIENNA)
    (item,) = section(doc, "outcomes").findall("ul[@class='outcomes']/li")
    outcome = item.find("p[@class='outcome']")
    assert outcome.find("a").get("href") == "/document/vienna-declaration"
    assert text_of(outcome.find("a")) == "Vienna Declaration"
    assert "adopted at this meeting" in text_of(outcome)
    assert outcome.find("time").get("datetime") == "2004-03-12"
    assert "SOC/CP/288" in cited_notes(doc, outcome)[0]
    abstract = item.find("blockquote/span[@class='words']")
    assert text_of(abstract).startswith("a declaration on cooperation against terrorism")
    assert cited_notes(doc, item.find("blockquote"))
    assert doc.find(".//section[@aria-labelledby='h-programme']") is None


def test_session_page_lists_its_speakers(page):
    doc = page(BASE + "session/2003-new-york-1")
    announced = section(doc, "participants").find(".//table[@id='participants-announced']")
    assert [row[0] for row in table_rows(announced)] == ["Jeremy Greenstock"]
    assert doc.find(".//table[@id='participants-reported']") is None


# -- a person's and an organization's page -------------------------------------------------


def test_person_page_lists_meetings_and_roles_with_the_post_held(page):
    doc = page(GREENSTOCK, "fr")
    roles = section(doc, "roles")
    reported = table_rows(roles.find(".//table[@id='roles-reported']"))
    announced = table_rows(roles.find(".//table[@id='roles-announced']"))
    assert reported == [
        [
            "Première réunion spéciale",
            "6 mars 2003",
            "présidence",
            "Chairman of the Counter-Terrorism Committee",
            "Royaume-Uni",
            "",
        ]
    ]
    assert announced == [
        [
            "Première réunion spéciale",
            "6 mars 2003",
            "orateur ou présentateur",
            "Chairman of the Committee",
            "",
            "Séance 1 : normes mondiales",
        ]
    ]
    assert roles.find(".//table/tbody/tr/th/a").get("href") == "/meeting/2003-new-york"


def test_organization_page_lists_its_meetings_and_roles(page):
    asean = section(page(BASE + "organization/asean"), "roles")
    assert asean.find(".//table[@id='roles-reported']") is None
    rows = table_rows(asean.find(".//table[@id='roles-announced']"))
    assert [row[:3] for row in rows] == [["First special meeting", "6 March 2003", "invited"]]
    unodc = section(page(BASE + "organization/unodc"), "roles")
    rows = table_rows(unodc.find(".//table[@id='roles-reported']"))
    assert [row[:3] for row in rows] == [["Third special meeting", "11 March 2004", "host"]]


def test_country_page_lists_the_people_who_represented_it(page):
    represented = section(page(BASE + "place/spain"), "represented")
    rows = table_rows(represented.find(".//table[@id='represented-reported']"))
    assert [row[:4] for row in rows] == [
        ["Inocencio Arias", "Third special meeting", "11 March 2004", "chair"]
    ]


def test_record_pages_have_ordered_headings_and_captioned_tables(page):
    for iri in (NEW_YORK, VIENNA, GREENSTOCK, BASE + "place/spain"):
        doc = page(iri)
        assert doc.findall(".//section[@class]/div/table[@class]"), iri  # the record's
        levels = [int(h.tag[1]) for h in doc.iter() if h.tag in ("h1", "h2", "h3", "h4")]
        assert levels[0] == 1
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), iri
        for table in doc.findall(".//table"):
            assert text_of(table.find("caption")), iri
            assert all(th.get("scope") in ("col", "row") for th in table.iter("th")), iri


def test_participations_are_not_repeated_under_referenced_by(page):
    doc = page(NEW_YORK)
    incoming = doc.find(".//dl[@class='statements incoming']")
    listed = text_of(incoming) if incoming is not None else ""
    assert "reported" not in listed
    assert "announced" not in listed


# -- gathered with bounded queries ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_record_pages_gathered_are_the_pages_of_the_whole_graph(
    record_quads, record_store, renderer, make_ctx, lang
):
    index, ctx = whole(record_quads), make_ctx(lang)
    with_record = 0
    for iri in subjects_under_base(record_quads):
        gathered = gathered_page(renderer, record_store, iri, ctx)
        assert gathered == renderer.resource(index, iri, ctx), iri
        with_record += 'class="record ' in gathered
    # 2 meetings, 1 session with speakers, 3 people, 3 organizations, 2 countries.
    assert with_record == 11


def test_record_query_runs_only_for_resources_with_a_record(record_store):
    def queries(path: str) -> int:
        iri = BASE + path
        runner = Runner(record_store)
        gather.resource(iri, Worker(record_store, {}).description(iri), BASE, runner)
        return len(runner.queries)

    assert queries("meeting/2003-new-york") == 3
    assert queries("person/jeremy-greenstock") == 3
    assert queries("source/sc-7679") == 2
    assert queries("role/chair") == 2


# -- the landing page's matrix ---------------------------------------------------------------


def test_landing_matrix_shows_roles_announced_apart_and_people(record_store, renderer, make_ctx):
    runner = Runner(record_store)
    facts = gather.landing(BASE, runner)
    assert len(runner.queries) == 2
    doc = parse_html(renderer.landing(QuadIndex(facts.quads), make_ctx(), (), facts.totals))
    matrix = section(doc, "matrix")
    organizations = {
        row[0]: row[1:] for row in table_rows(matrix.find(".//table[@class='matrix']"))
    }
    assert organizations == {
        "Association of Southeast Asian Nations": ["invited (announced)", ""],
        "Organization of American States": ["participant (present)", ""],
        "United Nations Office on Drugs and Crime": ["", "● organizer, host"],
    }
    people = {
        row[0]: row[1:] for row in table_rows(matrix.find(".//table[@class='matrix people']"))
    }
    assert people == {
        "Inocencio Arias": ["", "chair"],
        "Jeremy Greenstock": ["chair, speaker or presenter (announced)", ""],
        # Announced, then reported: once, as reported (the meeting's page lists both).
        "Kofi Annan": ["opening speaker", ""],
    }
    announced = matrix.find(".//td[@class='role announced']/span")
    assert announced.get("class") == "role-text announced"
    assert [text_of(c) for c in matrix.findall(".//table/caption")] == [
        "Organizations at each meeting",
        "People at each meeting",
    ]


def test_landing_page_with_participations_is_the_page_of_the_whole_graph(
    record_quads, record_store, renderer, make_ctx
):
    facts = gather.landing(BASE, Runner(record_store))
    for lang in ("en", "fr"):
        ctx = make_ctx(lang)
        expected = renderer.landing(whole(record_quads), ctx)
        assert renderer.landing(QuadIndex(facts.quads), ctx, (), facts.totals) == expected
        assert 'class="matrix people"' in expected


# -- a hub: bounded reads, a bounded page, and a note saying so -----------------------------


def hub_participations(count: int) -> list[ox.Quad]:
    """One person reported as speaker at `count` meetings, each in its own passage."""

    def n(path: str) -> ox.NamedNode:
        return ox.NamedNode(BASE + path)

    ctckg = BASE + "ontology#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    quads = [ox.Quad(n("person/hub"), rdf_type, ox.NamedNode("https://schema.org/Person"))]
    for i in range(count):
        part, graph = n(f"participation/m{i:04d}/hub/speaker-reported"), n(f"graph/s/m{i:04d}")
        for p, o in (
            (rdf_type, ox.NamedNode(ctckg + "Participation")),
            (ox.NamedNode(ctckg + "atMeeting"), n(f"meeting/m{i:04d}")),
            (ox.NamedNode(ctckg + "participant"), n("person/hub")),
            (ox.NamedNode("https://schema.org/roleName"), n("role/speaker")),
            (ox.NamedNode(ctckg + "status"), n("status/reported")),
        ):
            quads.append(ox.Quad(part, p, o, graph))
    return quads


def test_person_at_many_meetings_lists_some_says_how_many_and_reads_a_bounded_part(
    renderer, make_ctx
):
    count = RECORD + 50
    store = store_of(hub_participations(count))
    iri = BASE + "person/hub"
    runner = Runner(store)
    facts = gather.resource(iri, Worker(store, {}).description(iri), BASE, runner)
    assert len(runner.queries) == 3
    # What the queries return does not grow with the participations beyond the bound.
    assert runner.rows <= 7 * RECORD + 2 * PER_PROPERTY + 20
    doc = parse_html(renderer.resource(facts.index(), iri, make_ctx(), facts.totals))
    roles = section(doc, "roles")
    assert len(roles.findall(".//table/tbody/tr")) == RECORD
    note = roles.find("p[@class='partial']")
    assert text_of(note).startswith(f"{RECORD} of {count} shown.")
    assert listing_count(store, note.find("a").get("href")) == count


@pytest.mark.parametrize("path", ["meeting/2003-new-york", "meeting/2004-vienna"])
def test_record_does_not_depend_on_the_order_the_store_answers_in(
    record_quads, renderer, make_ctx, path
):
    """Regression: the programme cited its sessions' passages before ordering them, and an
    outcome showed whichever of two abstracts came first, so the same meeting's page
    came out differently from the store and from the whole graph."""
    ctx = make_ctx()
    forward = renderer.resource(whole(record_quads), BASE + path, ctx)
    backward = renderer.resource(whole(record_quads[::-1]), BASE + path, ctx)
    assert forward == backward


def test_matrix_cell_marks_a_co_organizer_once_and_an_announced_role_once_reported():
    found = {
        ("co_organizer", False): RoleMark("co-organizer", announced=False),
        ("organizer", False): RoleMark("organizer", announced=False),
        ("co_organizer", True): RoleMark("co-organizer", announced=True),
        ("speaker", True): RoleMark("speaker", announced=True),
    }
    cell = matrix_cell(found)
    assert cell.kind == "co_organizer"
    assert cell.marks == (RoleMark("co-organizer", False), RoleMark("speaker", True))
