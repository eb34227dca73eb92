"""The meetings' record over real HTTP: `ctc-kg serve` (granian) on the record fixture
(tests/data/record), answering from the embedded store and from a real Virtuoso, serves
a meeting's participants by role (announced apart from reported), its programme in
order and its outcomes, a person's meetings and roles, and the landing page's matrix of
roles, each with its citations; both backends serve the same pages."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.live import LiveServer
from tests.pages.conftest import parse_html, text_of
from tests.web.conftest import BACKENDS

pytestmark = pytest.mark.slow
RECORD_ROOT = Path(__file__).resolve().parents[1] / "data" / "record"


def record_quads() -> list[ox.Quad]:
    quads: list[ox.Quad] = []
    for path in sorted((RECORD_ROOT / "data").glob("*.trig")):
        quads += ox.parse(path.read_bytes(), format=ox.RdfFormat.TRIG)
    return quads


@pytest.fixture(scope="module", params=BACKENDS)
def record_server(request, tmp_path_factory) -> Iterator[str]:
    """The server over the record fixture; on `virtuoso`, answering from its own
    Virtuoso loaded with the same quads."""
    extra = ["--workers", "1"]
    if request.param == "virtuoso":
        virtuoso = request.getfixturevalue("virtuoso_servers").get("record")
        virtuoso.load(record_quads())
        extra += ["--store", "sparql+" + virtuoso.store().endpoint.url]
    live = LiveServer.start(RECORD_ROOT, tmp_path_factory.mktemp("serve"), *extra, timeout=60)
    yield live.url
    assert live.stop(timeout=30) == 0, live.log.read_text()


def get(server: str, path: str, lang: str = "en") -> str:
    request = urllib.request.Request(
        f"{server}/{path}?lang={lang}", headers={"Accept": "text/html"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        body: bytes = response.read()
    return body.decode("utf-8")


def first_cells(doc, table_id: str) -> list[str]:
    return [text_of(tr.find("th")) for tr in doc.findall(f".//table[@id='{table_id}']/tbody/tr")]


def test_meeting_page_over_http_shows_roles_programme_and_citations(record_server):
    doc = parse_html(get(record_server, "meeting/2003-new-york"))
    assert first_cells(doc, "participants-reported") == [
        "Jeremy Greenstock",
        "Kofi Annan",
        "Organization of American States",
    ]
    assert first_cells(doc, "participants-announced") == [
        "Kofi Annan",
        "Jeremy Greenstock",
        "Association of Southeast Asian Nations",
    ]
    sessions = doc.findall(".//ol[@class='programme']/li")
    assert [li.get("value") for li in sessions] == ["1", "2", "3"]
    notes = {li.get("id") for li in doc.findall(".//section[@class='sources']/ol/li")}
    cites = {
        a.get("href").removeprefix("#")
        for a in doc.findall(".//section[@class='record participants']//sup/a")
    }
    assert cites
    assert cites <= notes


def test_vienna_page_over_http_links_its_declaration(record_server):
    doc = parse_html(get(record_server, "meeting/2004-vienna"))
    (link,) = doc.findall(".//ul[@class='outcomes']/li/p/a")
    assert link.get("href") == "/document/vienna-declaration"


def test_person_page_over_http_lists_meetings_and_roles(record_server):
    doc = parse_html(get(record_server, "person/jeremy-greenstock", "fr"))
    reported = doc.findall(".//table[@id='roles-reported']/tbody/tr")
    assert [text_of(tr.find("td[@class='role']/a")) for tr in reported] == ["présidence"]
    assert first_cells(doc, "roles-announced") == ["Première réunion spéciale"]


def test_landing_page_over_http_shows_people_and_roles(record_server):
    doc = parse_html(get(record_server, ""))
    people = doc.findall(".//table[@class='matrix people']/tbody/tr")
    assert [text_of(tr.find("th")) for tr in people] == [
        "Inocencio Arias",
        "Jeremy Greenstock",
        "Kofi Annan",
    ]
    marks = [text_of(s) for s in doc.findall(".//table[@class='matrix']//span")]
    assert "invited (announced)" in marks
