"""Releases and Memento (RFC 7089) on the production server (`ctc-kg serve`, granian) over
the repository's own data and its releases/ (1.0.0: the data before the record of
meetings; 2.0.0: with it), asked with a real HTTP client (http.client, redirects not
followed, so every step of datetime negotiation is seen)."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pyoxigraph as ox
import pytest
from ctc_kg.content.releases import DCAT, list_releases
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from tests.live import REPOSITORY, LiveServer

pytestmark = pytest.mark.slow
BASE = "https://w3id.org/ctc-kg/"
PERSON = URIRef("https://schema.org/Person")
OLD_RESOURCE = BASE + "meeting/2003-new-york"
RELEASES = list_releases(REPOSITORY / "releases")


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer.start(REPOSITORY, tmp_path_factory.mktemp("memento"), "--workers", "1")
    yield live
    assert live.stop(timeout=30) == 0, live.log.read_text()


def get(server: LiveServer, path: str, **headers: str) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request(
            "GET", path, headers={k.replace("_", "-"): v for k, v in headers.items()}
        )
        answer = connection.getresponse()
        return Reply(answer.status, answer.headers, answer.read())
    finally:
        connection.close()


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def release_quads(index: int) -> list[ox.Quad]:
    return list(ox.parse(RELEASES[index].nquads(), format=ox.RdfFormat.N_QUADS))


def new_person() -> str:
    """A person of release 2 that release 1 did not have (the record of meetings)."""
    people = [
        {q.subject.value for q in release_quads(i) if q.object == ox.NamedNode(str(PERSON))}
        for i in (0, 1)
    ]
    added = sorted(people[1] - people[0])
    assert added, "release 2.0.0 adds people"
    return added[0]


def link_format(text: str) -> list[tuple[str, dict[str, str]]]:
    """RFC 6690 link-format (RFC 7089 section 5.1.1): `<uri>; attr="value"; ...` entries
    separated by commas (never inside <> or quotes)."""
    entries = []
    pattern = re.compile(r'\s*<([^>]*)>((?:\s*;\s*[a-zA-Z-]+="[^"]*")*)\s*(?:,|$)')
    position = 0
    while position < len(text.strip()):
        found = pattern.match(text, position)
        assert found, f"not link-format at {text[position : position + 60]!r}"
        attributes = dict(re.findall(r'([a-zA-Z-]+)="([^"]*)"', found.group(2)))
        entries.append((found.group(1), attributes))
        position = found.end()
    return entries


def test_the_repository_holds_two_releases_the_second_adding_the_record_of_meetings() -> None:
    assert [r.version for r in RELEASES] == ["1.0.0", "2.0.0"]
    assert new_person()


def test_before_the_first_release_an_old_resource_is_its_first_release_version(
    server: LiveServer,
) -> None:
    before = http_date(RELEASES[0].generated - timedelta(days=365))
    gate = get(server, "/meeting/2003-new-york", Accept_Datetime=before)
    assert gate.status == 302
    location = gate.headers["Location"]
    assert location.endswith("/release/1.0.0/meeting/2003-new-york")
    assert "accept-datetime" in gate.headers["Vary"].lower()
    assert 'rel="timemap"' in gate.headers["Link"]
    assert 'rel="original timegate"' in gate.headers["Link"]
    memento = get(server, "/release/1.0.0/meeting/2003-new-york", Accept="application/n-quads")
    assert memento.status == 200
    assert parsedate_to_datetime(memento.headers["Memento-Datetime"]) == RELEASES[0].generated
    served = {
        (q.subject, q.predicate, q.object)
        for q in ox.parse(memento.body, format=ox.RdfFormat.N_QUADS)
        if q.subject == ox.NamedNode(OLD_RESOURCE)
    }
    expected = {
        (q.subject, q.predicate, q.object)
        for q in release_quads(0)
        if q.subject == ox.NamedNode(OLD_RESOURCE)
    }
    assert served == expected  # release 1's statements, not today's
    newer = {
        (q.subject, q.predicate, q.object)
        for q in release_quads(1)
        if q.subject == ox.NamedNode(OLD_RESOURCE)
    }
    assert newer - expected, "release 2 says more about the first meeting"


def test_a_person_added_in_the_second_release_is_404_at_an_earlier_date(
    server: LiveServer,
) -> None:
    path = "/" + new_person().removeprefix(BASE)
    for moment in (RELEASES[0].generated - timedelta(days=1), RELEASES[0].generated):
        gate = get(server, path, Accept_Datetime=http_date(moment), Accept="text/turtle")
        assert gate.status == 404
        assert "accept-datetime" in gate.headers["Vary"].lower()
    assert get(server, "/release/1.0.0" + path).status == 404


def test_after_the_second_release_the_timegate_gives_the_second(server: LiveServer) -> None:
    person = new_person()
    path = "/" + person.removeprefix(BASE)
    after = http_date(datetime.now(UTC))
    gate = get(server, path, Accept_Datetime=after)
    assert gate.status == 302
    assert gate.headers["Location"].endswith("/release/2.0.0" + path)
    memento = get(server, "/release/2.0.0" + path, Accept="text/turtle")
    assert memento.status == 200
    assert parsedate_to_datetime(memento.headers["Memento-Datetime"]) == RELEASES[1].generated
    graph = Graph().parse(data=memento.body, format="turtle")
    assert (URIRef(person), RDF.type, PERSON) in graph


def test_timemaps_list_each_release_holding_the_resource_in_link_format(
    server: LiveServer,
) -> None:
    answer = get(server, "/timemap/meeting/2003-new-york")
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("application/link-format")
    entries = link_format(answer.body.decode("utf-8"))
    by_rel = {attributes["rel"]: (uri, attributes) for uri, attributes in entries}
    assert by_rel["original"][0] == BASE + "meeting/2003-new-york"
    assert by_rel["timegate"][0] == BASE + "meeting/2003-new-york"
    assert by_rel["self"][1]["type"] == "application/link-format"
    mementos = [(uri, a) for uri, a in entries if "memento" in a["rel"].split()]
    assert [uri for uri, _ in mementos] == [
        f"{BASE}release/{r.version}/meeting/2003-new-york" for r in RELEASES
    ]
    assert [parsedate_to_datetime(a["datetime"]) for _, a in mementos] == [
        r.generated for r in RELEASES
    ]
    assert "first" in mementos[0][1]["rel"]
    assert "last" in mementos[-1][1]["rel"]
    person = get(server, "/timemap/" + new_person().removeprefix(BASE))
    person_mementos = [u for u, a in link_format(person.body.decode()) if "memento" in a["rel"]]
    assert [u.split("/")[5] for u in person_mementos] == ["2.0.0"]


def test_the_current_resource_names_its_timemap_and_varies_on_accept_datetime(
    server: LiveServer,
) -> None:
    answer = get(server, "/meeting/2003-new-york", Accept="text/turtle")
    assert answer.status == 200
    assert "accept-datetime" in answer.headers["Vary"].lower()
    assert f'<{BASE}timemap/meeting/2003-new-york>; rel="timemap"' in answer.headers["Link"]


def test_releases_are_listed_linked_as_versions_and_latest_follows_the_newest(
    server: LiveServer,
) -> None:
    latest = get(server, "/release/latest")
    assert latest.status == 302
    assert latest.headers["Location"].endswith("/release/2.0.0")
    listing = get(server, "/release/", Accept="text/turtle")
    graph = Graph().parse(data=listing.body, format="turtle")
    first, second = (URIRef(f"{BASE}release/{r.version}") for r in RELEASES)
    assert (URIRef(BASE + "dataset"), DCAT.hasVersion, first) in graph
    assert (URIRef(BASE + "dataset"), DCAT.hasVersion, second) in graph
    assert (first, DCTERMS.isReplacedBy, second) in graph
    assert (second, URIRef("http://www.w3.org/ns/prov#wasRevisionOf"), first) in graph
    assert (second, DCAT.version, Literal("2.0.0")) in graph
    page = get(server, "/release/", Accept="text/html")
    assert page.status == 200
    assert b"2.0.0" in page.body
    assert b"1.0.0" in page.body


def test_the_releases_page_in_french_has_its_table_in_french(server: LiveServer) -> None:
    page = get(server, "/release/?lang=fr", Accept="text/html").body.decode()
    headers = re.findall(r'<th scope="col">([^<]*)</th>', page)
    assert headers == ["Version", "Publiée le", "Export", "Modifications"]
    assert "résumé" in page
    assert "Released" not in page


def test_a_release_dump_has_the_bytes_its_checksums_record(server: LiveServer) -> None:
    sums = get(server, "/release/1.0.0/dump/SHA256SUMS").body.decode()
    recorded = dict(reversed(line.split("  ")) for line in sums.splitlines())
    dump = get(server, "/release/1.0.0/dump/ctc-kg.nq.gz").body
    assert hashlib.sha256(dump).hexdigest() == recorded["ctc-kg.nq.gz"]
    assert list(ox.parse(gzip.decompress(dump), format=ox.RdfFormat.N_QUADS))


def test_the_dataset_description_links_each_release_as_a_version(server: LiveServer) -> None:
    answer = get(server, "/.well-known/void", Accept="text/turtle")
    graph = Graph().parse(data=answer.body, format="turtle")
    versions = set(graph.objects(URIRef(BASE + "dataset"), DCAT.hasVersion))
    assert versions == {URIRef(f"{BASE}release/{r.version}") for r in RELEASES}
    first, second = (URIRef(f"{BASE}release/{r.version}") for r in RELEASES)
    assert (first, DCTERMS.isReplacedBy, second) in graph
