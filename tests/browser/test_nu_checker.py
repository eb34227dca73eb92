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


@pytest.fixture(scope="module")
def nu_messages(server: str, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
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


@pytest.mark.parametrize("kind", PAGES)
def test_nu_finds_no_error(nu_messages: list[dict], kind: str) -> None:
    errors = [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}"
        for m in nu_messages
        if m.get("type") == "error" and Path(m.get("url", "")).name.startswith(f"{kind}-")
    ]
    assert errors == []
