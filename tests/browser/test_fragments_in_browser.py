"""The fragments page in a real browser: the form finds a pattern's matches, each term
leads to its own fragment, the pages link to each other, and axe-core finds no
accessibility violation."""

from __future__ import annotations

import pytest

from .conftest import REPOSITORY, screenshot

pytestmark = pytest.mark.browser

AXE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
NAIROBI = "https://w3id.org/ctc-kg/meeting/2007-nairobi"


def test_the_form_finds_a_subjects_quads_and_each_term_leads_to_its_fragment(watched, server):
    page = watched.page
    page.goto(server + "fragments", wait_until="networkidle")
    assert page.locator("table.fragment-quads tbody tr").count() == 100
    assert page.locator("a[rel='next']").get_attribute("href") == "/fragments?page=2"
    page.fill("#f-subject", NAIROBI)
    page.click("form.fragment-form button[type='submit']")
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.fragment-quads tbody tr")
    assert rows.count() > 10
    subjects = set(page.locator("table.fragment-quads tbody td:first-child").all_text_contents())
    assert subjects == {NAIROBI}
    page.locator("table.fragment-quads a.literal").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#f-object").input_value().startswith('"')
    assert page.locator("table.fragment-quads tbody tr").count() >= 1
    screenshot(page, "fragments-en")
    assert watched.console_errors == []
    assert watched.foreign_requests == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_fragments_page_has_no_accessibility_violations(watched, server, lang):
    page = watched.page
    page.goto(f"{server}fragments?lang={lang}", wait_until="networkidle")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document)).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    assert violations == []
