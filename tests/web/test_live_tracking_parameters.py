"""Through the production server (granian): a link's tracking parameters (`?utm_source=`)
never change an answer, so the response cache may keep one answer for all of them
(issue 15). With the cache off, the app itself answers each request: a resource, its page,
its other profiles and formats, the landing page, the dataset description, the list of
profiles and a query give the same bytes with and without the parameter. With the cache
on, a page asked with tracking parameters links to its other languages without them."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib

from tests.live import LiveServer
from tests.web.conftest import BASE, MINIMAL

pytestmark = pytest.mark.slow

MEETING = "/meeting/2003-new-york"
TURTLE = {"Accept": "text/turtle"}
HTML = {"Accept": "text/html"}
ASK = "/sparql?query=" + "ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"
# (path with its own query string or none, request headers)
ASKED = [
    (MEETING, TURTLE),
    (MEETING, HTML),
    (MEETING + "?lang=fr", HTML),
    (MEETING + "?_profile=plain", TURTLE),
    (MEETING + "?format=jsonld", {}),
    (MEETING + "?_profile=alt", HTML),
    ("/", HTML),
    ("/", TURTLE),
    ("/.well-known/void", TURTLE),
    ("/profile/plain", TURTLE),
    (ASK, {"Accept": "application/sparql-results+json"}),
]


def fetch(url: str, headers: dict[str, str]) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read()


def with_tracking(path: str) -> str:
    return path + ("&" if "?" in path else "?") + "utm_source=x&utm_campaign=y"


@pytest.fixture(scope="module")
def uncached(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("uncached")
    live = LiveServer.start(MINIMAL, folder, "--workers", "1", "--response-cache-bytes", "0")
    yield live.url
    assert live.stop(timeout=30) == 0, live.log.read_text()


@pytest.mark.parametrize(("path", "headers"), ASKED)
def test_tracking_parameters_never_change_an_answer(
    uncached: str, path: str, headers: dict[str, str]
) -> None:
    plain = fetch(uncached + path, headers)
    tracked = fetch(uncached + with_tracking(path), headers)
    assert plain[0] == 200
    assert tracked == plain


def test_the_parameters_read_still_choose_the_answer(uncached: str) -> None:
    _, turtle_type, turtle = fetch(uncached + MEETING, TURTLE)
    _, jsonld_type, _ = fetch(uncached + with_tracking(MEETING + "?format=jsonld"), TURTLE)
    assert turtle_type.startswith("text/turtle")
    assert jsonld_type.startswith("application/ld+json")
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    assert (rdflib.URIRef(BASE + MEETING[1:]), None, None) in graph
    _, _, french = fetch(uncached + with_tracking(MEETING + "?lang=fr"), HTML)
    assert b'<html lang="fr"' in french


def test_language_links_drop_tracking_parameters_and_keep_the_profile(tmp_path: Path) -> None:
    """With the response cache on (the default): the second page, under other tracking
    parameters, is the first one's answer, which is right for it too."""
    live = LiveServer.start(MINIMAL, tmp_path, "--workers", "1")
    try:
        pages = [
            fetch(f"{live.url}{MEETING}?utm_source={n}&lang=fr&_profile=full", HTML)[2]
            for n in ("first", "second")
        ]
    finally:
        assert live.stop(timeout=30) == 0, live.log.read_text()
    assert pages[0] == pages[1]
    text = pages[0].decode()
    assert "utm_source" not in text
    links = set(re.findall(r'href="([^"]*lang=en[^"]*)"', text))
    assert links
    assert all("_profile=full" in link for link in links)
