"""The pages in a real browser: they load without errors, ask no other host for
anything, switch language, and the SPARQL editor runs an example query."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from ctc_kg.web.html.examples import ExampleQuery, parse_example
from playwright.sync_api import expect

from .conftest import REPOSITORY, screenshot

pytestmark = pytest.mark.browser

QUERIES = sorted((REPOSITORY / "queries").glob("*.rq"))
EXPECTED = REPOSITORY / "tests" / "competency"


def _example(name: str) -> ExampleQuery:
    (path,) = [q for q in QUERIES if q.stem.endswith(name)]
    return parse_example(path.stem, path.read_text(encoding="utf-8"))


def _shown(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """What a results table shows of a term, however YASR abbreviates IRIs: a literal's
    lexical form, an IRI's last segment."""
    if isinstance(term, ox.NamedNode):
        return term.value.rstrip("/").rsplit("/", 1)[-1]
    return term.value if isinstance(term, ox.Literal) else str(term)


def _disagreements_about(iri: str) -> int:
    """How many disagreements data/disagreements.trig records about a resource."""
    store = ox.Store()
    store.load(path=REPOSITORY / "data" / "disagreements.trig", format=ox.RdfFormat.TRIG)
    query = (
        "PREFIX ctckg: <https://w3id.org/ctc-kg/ontology#> "
        "PREFIX schema: <https://schema.org/> "
        "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a ctckg:Disagreement ; "
        f"schema:about <{iri}> }}"
    )
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    count = int(next(iter(solutions))["n"].value)
    assert count > 0
    return count


def _expected_rows(example: ExampleQuery) -> list[list[str]]:
    """The documented answer (tests/competency/<name>.tsv) as the values each row shows."""
    results = ox.parse_query_results(
        path=EXPECTED / f"{example.slug}.tsv", format=ox.QueryResultsFormat.TSV
    )
    assert isinstance(results, ox.QuerySolutions)
    names = [v.value for v in results.variables]
    return [[_shown(row[n]) for n in names if row[n] is not None] for row in results]


def _clean(watched) -> None:
    assert watched.console_errors == []
    assert watched.foreign_requests == []


def test_landing_page_shows_the_five_meetings(watched, server):
    page = watched.page
    page.goto(server, wait_until="networkidle")
    events = page.locator("figure.timeline svg g.event")
    assert events.count() == 5
    places = page.locator("figure.timeline svg g.event a text").all_text_contents()
    assert places[0] == "New York City"
    assert places[-1] == "Nairobi"
    # Every organizer of a meeting has its row in the organizations' matrix (which also
    # lists every other organization a source gives a role at a meeting).
    hrefs = "els => els.map(e => e.getAttribute('href'))"
    organizers = page.locator("table.meetings tbody td:nth-child(4) a").evaluate_all(hrefs)
    rows = page.locator("table.matrix:not(.people) tbody th a").evaluate_all(hrefs)
    assert len(set(organizers)) >= 11
    assert set(organizers) <= set(rows)
    screenshot(page, "landing-en")
    _clean(watched)


def test_meeting_page_lists_sources_and_disagreement(watched, server):
    page = watched.page
    page.goto(server + "meeting/2003-new-york", wait_until="networkidle")
    assert "First special meeting" in page.locator("h1").inner_text()
    assert page.locator("section.sources li").count() >= 2
    # as many as the data records about this meeting (3 once the press releases entered)
    assert page.locator("section.disagreements .disagreement").count() == _disagreements_about(
        "https://w3id.org/ctc-kg/meeting/2003-new-york"
    )
    assert page.locator("script[type='application/ld+json']").count() == 1
    screenshot(page, "meeting-en")
    _clean(watched)


def test_organization_page_in_french(watched, server):
    page = watched.page
    page.goto(server + "organization/oas", wait_until="networkidle")
    page.locator("nav.lang-switch a[hreflang='fr']").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Organisation des États américains"
    assert "Accueil" in page.locator("nav.site-nav").inner_text()
    screenshot(page, "organization-fr")
    _clean(watched)


def test_accept_language_chooses_french(browser, server):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(server + "meeting/2007-nairobi", wait_until="networkidle")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Cinquième" in page.locator("h1").inner_text()
    context.close()


def test_ontology_page_has_the_diagram(watched, server):
    page = watched.page
    page.goto(server + "ontology", wait_until="networkidle")
    assert page.locator("article#SpecialMeeting").count() == 1
    assert page.locator("figure.diagram-wrap svg").count() == 1
    screenshot(page, "ontology-en")
    _clean(watched)


def open_full_editor(page) -> None:
    """What a user does to get YASGUI: the page opens with the plain form only."""
    page.get_by_role("button", name="Open the full editor").click()
    page.locator(".yasgui .tabPanel.active .yasqe_queryButton").wait_for()


def _yasqe_value(page) -> str:
    return str(page.evaluate("window.ctcKgYasgui.getTab().getYasqe().getValue()"))


def test_the_editor_page_fetches_no_part_of_yasgui_before_the_form_is_used(watched, server):
    page = watched.page
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(server + "sparql", wait_until="networkidle")
    assert [url for url in fetched if "yasgui" in url] == []
    assert page.get_by_label("Query", exact=True).is_visible()  # the plain form
    assert page.locator(".yasgui").count() == 0
    page.get_by_label("Query", exact=True).click()  # the first use loads it
    page.locator(".yasgui .tabsList .tab").first.wait_for()
    assert {url.rsplit("/", 1)[-1] for url in fetched if "yasgui" in url} == {
        "yasgui.min.js",
        "yasgui.min.css",
    }
    _clean(watched)


def test_the_plain_form_runs_a_query_without_javascript(browser, server):
    example = _example("first-meeting-attendance-by-source")
    expected = _expected_rows(example)
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    page = context.new_page()
    try:
        page.goto(server + "sparql", wait_until="networkidle")
        # an example link fills the form (the server does, ?example=)
        page.locator("ul.examples a", has_text=example.title("en")).click()
        query = page.get_by_label("Query", exact=True)
        assert query.input_value() == example.text
        page.get_by_role("button", name="Run query").click()
        page.wait_for_load_state()
        assert "/sparql?query=" in page.url
        rows = page.locator("#plain-results table tbody tr")
        shown = rows.all_inner_texts()
        assert len(shown) == len(expected)
        for values in expected:
            assert any(all(v in row for v in values) for row in shown), values
        assert page.get_by_label("Query", exact=True).input_value() == example.text
        screenshot(page, "sparql-plain-results-en")
    finally:
        context.close()


def test_the_full_editor_takes_the_forms_query_and_runs_it(watched, server):
    example = _example("first-meeting-attendance-by-source")
    expected = _expected_rows(example)
    page = watched.page
    page.goto(server + "sparql", wait_until="networkidle")
    page.get_by_label("Query", exact=True).fill(example.text)  # typing starts the editor
    page.locator(".yasgui .tabPanel.active .yasqe_queryButton").wait_for()
    assert _yasqe_value(page) == example.text
    assert not page.locator("#query-form").is_visible()  # the editor replaced the form
    page.keyboard.type("# typed on")  # focus went on into the editor, at the caret
    assert _yasqe_value(page) == example.text + "# typed on"
    page.locator(".yasgui .tabPanel.active .yasqe_queryButton").click()
    rows = page.locator(".yasgui .tabPanel.active .yasr table.dataTable tbody tr")
    rows.first.wait_for(timeout=15000)
    shown = rows.all_inner_texts()
    assert len(shown) == len(expected)
    for values in expected:
        assert any(all(v in row for v in values) for row in shown), values
    _clean(watched)


def test_sparql_editor_has_a_tab_per_query(watched, server):
    page = watched.page
    page.goto(server + "sparql", wait_until="networkidle")
    open_full_editor(page)
    tabs = page.locator(".yasgui .tabsList .tab")
    # the form's query and one per file in queries/ (drawn one per task after it starts)
    expect(tabs).to_have_count(len(QUERIES) + 1)
    names = page.locator(".yasgui .tabsList .tab a > span").all_text_contents()[1:]
    titles = [parse_example(q.stem, q.read_text(encoding="utf-8")).title("en") for q in QUERIES]
    assert names == titles  # in the files' reading order
    screenshot(page, "sparql-tabs-en")
    _clean(watched)


def test_sparql_editor_runs_a_competency_query_and_shows_the_documented_rows(watched, server):
    example = _example("first-meeting-attendance-by-source")
    expected = _expected_rows(example)
    page = watched.page
    page.goto(server + "sparql", wait_until="networkidle")
    # an example in the list opens the full editor on the query, in a tab of its name
    page.locator("ul.examples a", has_text=example.title("en")).click()
    active = page.locator(".yasgui .tabsList .tab.active")
    expect(active).to_contain_text(example.title("en"))
    assert _yasqe_value(page) == example.text
    page.locator(".yasgui .tabPanel.active .yasqe_queryButton").click()
    rows = page.locator(".yasgui .tabPanel.active .yasr table.dataTable tbody tr")
    rows.first.wait_for(timeout=15000)
    shown = rows.all_inner_texts()
    assert len(shown) == len(expected)
    for values in expected:
        assert any(all(v in row for v in values) for row in shown), values
    # once the editor runs, the list selects the examples' tabs
    other = _example("01-meetings-by-date")
    page.locator("ul.examples a", has_text=other.title("en")).click()
    expect(active).to_contain_text(other.title("en"))
    screenshot(page, "sparql-en")
    _clean(watched)


def test_sparql_editor_in_french_names_tabs_and_list_in_french(watched, server):
    example = _example("01-meetings-by-date")
    page = watched.page
    page.goto(server + "sparql?lang=fr", wait_until="networkidle")
    page.get_by_role("button", name="Ouvrir l'éditeur complet").click()
    french = example.title("fr")
    assert french != example.title("en")
    expect(page.locator(".yasgui .tabsList .tab", has_text=french)).to_have_count(1)
    assert page.locator("ul.examples a", has_text=french).count() == 1
    assert page.locator(".yasgui .tabsList .tab", has_text=example.title("en")).count() == 0
    _clean(watched)


def test_landing_page_lists_the_queries_in_french(watched, server):
    page = watched.page
    page.goto(server + "?lang=fr", wait_until="networkidle")
    links = page.locator("ul.examples a")
    assert links.count() == len(QUERIES)
    first = _example("01-meetings-by-date")
    assert links.first.inner_text() == first.title("fr")
    links.first.click()
    page.wait_for_load_state("networkidle")
    # the link's query is in the form; the full editor opens it in a tab of its name
    assert page.locator("textarea#query-text").input_value() == first.text
    page.locator("button#open-editor").click()
    active = page.locator(".yasgui .tabsList .tab.active")
    expect(active).to_contain_text(first.title("fr"))
    # its example tab is that same tab, not a second one
    expect(page.locator(".yasgui .tabsList .tab")).to_have_count(len(QUERIES))
    _clean(watched)


def test_phone_sized_landing_page_has_no_horizontal_scroll(browser, server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(server + "?lang=fr", wait_until="networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    screenshot(page, "landing-fr-phone")
    context.close()
    assert overflow <= 0


def test_phone_sized_sparql_editor_keeps_its_tabs_in_one_scrolling_row(browser, server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(server + "sparql", wait_until="networkidle")
    open_full_editor(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    tabs = page.locator(".yasgui .tabsList")
    height = tabs.evaluate("e => e.getBoundingClientRect().height")
    row = page.locator(".yasgui .tabsList .tab").first.evaluate(
        "e => e.getBoundingClientRect().height"
    )
    screenshot(page, "sparql-en-phone")
    context.close()
    assert overflow <= 0
    assert height < 2 * row + 20  # one row of tabs (and its scroll bar), not a wall of them


def test_keyboard_reaches_the_skip_link_first(watched, server):
    page = watched.page
    page.goto(server + "place/vienna", wait_until="networkidle")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#content"
    _clean(watched)


def test_list_profiles_page_lists_every_representation_with_links_on_this_server(watched, server):
    page = watched.page
    page.goto(server + "meeting/2003-new-york?_profile=alt", wait_until="networkidle")
    rows = page.locator("section.alternates tbody tr")
    assert rows.count() == 15  # full: 7 formats, plain and schema: 4 each
    hrefs = page.locator("section.alternates a").evaluate_all("(links) => links.map(a => a.href)")
    assert all(href.startswith(server) for href in hrefs)
    _clean(watched)
