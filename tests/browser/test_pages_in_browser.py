"""The pages in a real browser: they load without errors, ask no other host for
anything, switch language, and the SPARQL editor runs an example query."""

from __future__ import annotations

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser


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
    assert page.locator("table.matrix tbody tr").count() == 11  # every organizer
    screenshot(page, "landing-en")
    _clean(watched)


def test_meeting_page_lists_sources_and_disagreement(watched, server):
    page = watched.page
    page.goto(server + "meeting/2003-new-york", wait_until="networkidle")
    assert "First special meeting" in page.locator("h1").inner_text()
    assert page.locator("section.sources li").count() >= 2
    assert page.locator("section.disagreements .disagreement").count() == 1
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


def test_sparql_editor_runs_an_example_query(watched, server):
    page = watched.page
    page.goto(server + "sparql", wait_until="networkidle")
    tabs = page.locator(".yasgui .tabsList .tab")
    assert tabs.count() == 6  # the default tab and one per file in queries/
    page.locator(".yasgui .tabsList .tab", has_text="The five special meetings, by date").click()
    page.locator(".yasgui .tabPanel.active .yasqe_queryButton").click()
    rows = page.locator(".yasgui .tabPanel.active .yasr table.dataTable tbody tr")
    rows.first.wait_for(timeout=15000)
    assert rows.count() == 5
    assert "Nairobi" in rows.nth(4).inner_text()
    screenshot(page, "sparql-en")
    _clean(watched)


def test_phone_sized_landing_page_has_no_horizontal_scroll(browser, server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(server + "?lang=fr", wait_until="networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    screenshot(page, "landing-fr-phone")
    context.close()
    assert overflow <= 0


def test_keyboard_reaches_the_skip_link_first(watched, server):
    page = watched.page
    page.goto(server + "place/vienna", wait_until="networkidle")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#content"
    _clean(watched)
