"""axe-core (the npm package, injected into Debian's Chromium) finds no WCAG 2.2 AA or
best-practice violation on any page type, in both languages and at phone width; and
every page tells search engines what it is (meta description) and where its other
language is (absolute `hreflang` alternates).

No page type is left out: landing, each kind of resource (the record's people, sessions,
participations, outcomes, posts and roles among them), a source document, the ontology and
shapes documentation, the SPARQL editor (before and after a query), a pattern fragment,
a resource's list of profiles, the releases, the 404 page. `/catalog` and
`/.well-known/void` have no HTML representation (a browser gets RDF/XML), so there is no
page to check there.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from .conftest import REPOSITORY

pytestmark = pytest.mark.browser

AXE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RESULTS_QUERY = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?meeting ?label WHERE "
    "{ ?meeting a <https://w3id.org/ctc-kg/ontology#SpecialMeeting> ; rdfs:label ?label }"
)
PAGES = {
    "landing": "",
    "meeting": "meeting/2003-new-york",
    "organization": "organization/oas",
    "place": "place/vienna",
    "theme": "theme/effective-border-security",
    "resolution": "resolution/1373-2001",
    "source": "source/sc-7158",
    "document": "sources/ctc-cooperation-fr.txt",
    "disagreement": "disagreement/almaty-dates",
    "ontology": "ontology",
    "shapes": "shapes",
    "sparql-editor": "sparql",
    # what a browser gets for a query: the editor's form and the answer as a table
    "sparql-results": "sparql?" + urlencode({"query": RESULTS_QUERY}),
    "not-found": "no/such/resource",
    # the record of the meetings (issue 14)
    "person": "person/inocencio-arias",
    "session": "session/2003-new-york-1",
    "participation": "participation/2003-new-york/asean/invitee-announced",
    "outcome": "document/vienna-declaration",
    "post": "post/ctc-chair",
    "role": "role/chair",
    # the views and versions (issue 17)
    "fragments": "fragments?subject=https%3A%2F%2Fw3id.org%2Fctc-kg%2Fmeeting%2F2003-new-york",
    "profiles": "meeting/2003-new-york?_profile=alt",
    "releases": "release/",
}
PUBLIC_BASE = "https://w3id.org/ctc-kg/"  # no --public-url: the canonical base


def violations(page) -> list[str]:
    """axe's violations on the page as it is now, one line per rule with its nodes."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): " + "; ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
    ]


def _open(browser, server, path: str, width: int = 1280, locale: str = "en-US"):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    page = context.new_page()
    response = page.goto(server + path, wait_until="networkidle")
    return context, page, response


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("kind", PAGES)
def test_axe_finds_no_violation(browser, server, kind, lang):
    separator = "&" if "?" in PAGES[kind] else "?"
    context, page, response = _open(browser, server, f"{PAGES[kind]}{separator}lang={lang}")
    try:
        assert response.status == (404 if kind == "not-found" else 200)
        assert violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("kind", ["landing", "meeting", "ontology", "sparql-editor"])
def test_axe_finds_no_violation_at_phone_width(browser, server, kind):
    context, page, _ = _open(browser, server, PAGES[kind], width=375)
    try:
        assert violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_full_sparql_editor_stays_accessible_once_open_and_once_a_query_has_run(
    watched, server, lang
):
    """YASGUI loads when the plain form is first used; its markup, repaired by sparql.js,
    is checked once drawn (with its 44 example tabs) and again with an answer shown."""
    page = watched.page
    page.goto(server + f"sparql?lang={lang}", wait_until="networkidle")
    page.locator("button#open-editor").click()
    page.locator(".yasgui .tabPanel.active .yasqe_queryButton").wait_for()
    page.locator(".yasgui .tabsList .tab").nth(44).wait_for()  # every example's tab
    assert violations(page) == []
    page.locator("ul.examples a").first.click()
    page.locator(".yasgui .tabPanel.active .yasqe_queryButton").click()
    page.locator(".yasgui .tabPanel.active .yasr table.dataTable tbody tr").first.wait_for()
    assert violations(page) == []
    assert watched.console_errors == []


def test_the_timelines_meeting_links_are_exposed_to_assistive_technology(watched, server):
    page = watched.page
    page.goto(server, wait_until="networkidle")
    timeline = page.locator("figure.timeline svg")
    assert timeline.get_attribute("role") != "img"  # an image hides what it contains
    links = page.get_by_role("group", name="The five special meetings").get_by_role("link")
    assert links.count() == 5
    assert links.first.text_content() == "New York City"


@pytest.mark.parametrize("kind", PAGES)
def test_every_page_has_its_own_meta_description(browser, server, kind):
    context, page, _ = _open(browser, server, PAGES[kind])
    try:
        descriptions = page.locator("meta[name='description']")
        assert descriptions.count() == 1
        text = descriptions.get_attribute("content") or ""
        assert 50 <= len(text) <= 300, text
        if kind not in (
            "landing",
            "not-found",
            "ontology",
            "shapes",
            "sparql-editor",
            "sparql-results",
        ):
            title = page.locator("h1").inner_text()
            assert title in text  # it says which resource the page is about
    finally:
        context.close()


@pytest.mark.parametrize("kind", ["landing", "meeting", "ontology", "sparql-editor"])
def test_hreflang_alternates_are_absolute_public_urls(browser, server, kind):
    context, page, _ = _open(browser, server, PAGES[kind])
    try:
        links = page.locator("link[rel='alternate'][hreflang]")
        found = {
            links.nth(i).get_attribute("hreflang"): links.nth(i).get_attribute("href")
            for i in range(links.count())
        }
        assert set(found) == {"en", "fr"}
        for code, href in found.items():
            parts = urlsplit(href)
            assert href.startswith(PUBLIC_BASE + PAGES[kind]), href
            assert parts.path == urlsplit(PUBLIC_BASE + PAGES[kind]).path
            assert parse_qs(parts.query)["lang"] == [code]
    finally:
        context.close()
