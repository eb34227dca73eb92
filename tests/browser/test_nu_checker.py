"""The Nu HTML Checker (vnu, the W3C validator's engine, from npm's `vnu-jar` run by
Java 17) finds no error on any page type, in both languages: the pages' markup is the
HTML the standard defines, not what one browser forgives.

The pages are the ones axe-core checks (test_accessibility.PAGES), fetched over HTTP
from the production server and checked in one run of the checker (one JVM start)."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import REPOSITORY
from .test_accessibility import PAGES

pytestmark = pytest.mark.browser

VNU = REPOSITORY / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.read()
    except urllib.error.HTTPError as error:  # the 404 page is a page too
        return error.read()


# The editor as the browser has it once YASGUI took over the form (its markup, repaired by
# sparql.js), and once it showed an answer: the DOM, serialized by Chromium.
DRAWN = ("sparql-editor-open", "sparql-editor-answered")


def _drawn_editor(browser, server: str, lang: str) -> dict[str, str]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}sparql?lang={lang}", wait_until="networkidle")
        page.locator("button#open-editor").click()
        page.locator(".yasgui .tabsList .tab").nth(44).wait_for()  # every example's tab
        drawn = {"sparql-editor-open": page.content()}
        page.locator(".yasgui .tabPanel.active .yasqe_queryButton").click()
        page.locator(".yasgui .tabPanel.active .yasr table.dataTable tbody tr").first.wait_for()
        drawn["sparql-editor-answered"] = page.content()
        return drawn
    finally:
        context.close()


@pytest.fixture(scope="module")
def nu_messages(browser, server: str, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    java = shutil.which("java")
    assert java, "java (Java 17) is needed to run the Nu HTML Checker: scripts/setup --test"
    assert VNU.is_file(), f"{VNU} is missing: npm ci installs vnu-jar"
    folder = tmp_path_factory.mktemp("nu")
    files = []
    for kind, path in PAGES.items():
        for lang in ("en", "fr"):
            separator = "&" if "?" in path else "?"
            target = folder / f"{kind}-{lang}.html"
            target.write_bytes(_fetch(f"{server}{path}{separator}lang={lang}"))
            files.append(str(target))
    for lang in ("en", "fr"):
        for kind, html in _drawn_editor(browser, server, lang).items():
            target = folder / f"{kind}-{lang}.html"
            target.write_text(html, encoding="utf-8")
            files.append(str(target))
    run = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--stdout", "--exit-zero-always", *files],
        capture_output=True,
        timeout=300,
        check=True,
    )
    messages: list[dict] = json.loads(run.stdout)["messages"]
    return messages


def test_the_checker_read_every_page(nu_messages: list[dict]) -> None:
    """No page was unreadable to it (a non-document error names the file it could not read)."""
    assert [m for m in nu_messages if m.get("type") == "non-document-error"] == []


@pytest.mark.parametrize("kind", [*PAGES, *DRAWN])
def test_nu_finds_no_error(nu_messages: list[dict], kind: str) -> None:
    errors = [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}"
        for m in nu_messages
        if m.get("type") == "error"
        and Path(m.get("url", "")).name in (f"{kind}-en.html", f"{kind}-fr.html")
    ]
    assert errors == []
