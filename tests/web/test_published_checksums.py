"""Every checksum and size the production server publishes matches the bytes it serves.

`ctc-kg serve` with two workers, at the canonical base and behind `--public-url`: every
file `SHA256SUMS` names is fetched at that name (under /dump/) and hashed; the VoID and
DCAT descriptions (/.well-known/void, /catalog, the landing page's RDF, the void.* dumps)
are parsed with rdflib and each distribution's `spdx:checksum` and `dcat:byteSize`
compared with the bytes its download URL answers. Each file is fetched several times on
fresh connections, so that both workers answer and a difference between them (blank-node
labels rendered afresh by each) shows as a mismatch.

Regression tests for issue 13, point 6: behind a public URL the description stated the
canonical files' checksums, /dump/void.ttl and void.jsonld differed between workers, and
SHA256SUMS named context/v1.jsonld, which /dump/ answered with 404.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import html5lib
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, RDF

from tests.live import LiveServer
from tests.web.conftest import BASE, MINIMAL

pytestmark = pytest.mark.slow
SPDX = "http://spdx.org/rdf/terms#"
# Fetches of each file: with two workers taking connections as they come, eight fresh
# connections all landing on the same worker is rare (and the suite fetches ~40 files).
REPEAT = 8
DESCRIPTIONS = (
    (".well-known/void", "text/turtle", "turtle"),
    ("catalog", "text/turtle", "turtle"),
    ("", "text/turtle", "turtle"),
    ("dump/void.ttl", "*/*", "turtle"),
    ("dump/void.nt", "*/*", "nt"),
    ("dump/void.jsonld", "*/*", "json-ld"),
)


@dataclass(frozen=True)
class Published:
    server: LiveServer
    public: str  # the public base the server writes into what it serves

    def path_of(self, url: str) -> str:
        assert url.startswith(self.public), url
        return url[len(self.public) :]


@dataclass(frozen=True)
class Fetched:
    body: bytes
    etag: str | None
    length: int


def fetch(server: LiveServer, path: str, accept: str = "*/*") -> Fetched:
    """One GET on a fresh connection, no compression asked for."""
    request = urllib.request.Request(
        f"{server.url}/{path}", headers={"Accept": accept, "Accept-Encoding": "identity"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        body = answer.read()
        return Fetched(body, answer.headers.get("ETag"), int(answer.headers["Content-Length"]))


@pytest.fixture(
    scope="module",
    params=[None, "http://data.example.org/un/ctc/"],
    ids=["canonical-base", "public-url"],
)
def published(request, tmp_path_factory) -> Iterator[Published]:
    """The server with two workers (the dumps do not depend on the store: embedded)."""
    public_url: str | None = request.param
    extra = ["--workers", "2"] + (["--public-url", public_url] if public_url else [])
    folder: Path = tmp_path_factory.mktemp("published")
    server = LiveServer.start(MINIMAL, folder, *extra, timeout=120)
    try:
        yield Published(server, public_url or BASE)
    finally:
        server.stop(timeout=30)


def sums_of(published: Published) -> dict[str, str]:
    """SHA256SUMS as name -> digest; every worker must send the same file."""
    answers = {fetch(published.server, "dump/SHA256SUMS").body for _ in range(REPEAT)}
    assert len(answers) == 1, "the workers send different SHA256SUMS"
    table: dict[str, str] = {}
    for line in answers.pop().decode("utf-8").splitlines():
        digest, _, name = line.partition("  ")
        table[name] = digest
    return table


def assert_serves(published: Published, path: str, digest: str, size: int | None = None) -> None:
    for _ in range(REPEAT):
        got = fetch(published.server, path)
        assert hashlib.sha256(got.body).hexdigest() == digest, path
        assert got.length == len(got.body), path
        if size is not None:
            assert len(got.body) == size, path
        assert got.etag == f'"{digest}"', path


def test_every_file_in_sha256sums_is_served_at_its_name_with_that_checksum(published):
    sums = sums_of(published)
    assert "context/v1.jsonld" in sums
    assert {"ctc-kg.ttl", "ctc-kg.nq.gz", "void.ttl", "void.jsonld"} <= set(sums)
    for name, digest in sorted(sums.items()):
        assert_serves(published, f"dump/{name}", digest)


def parse(published: Published, body: bytes, syntax: str) -> Graph:
    """rdflib's reading of `body`; a JSON-LD document's context (cited by IRI) is the one
    the server publishes at that IRI, fetched from it."""
    if syntax == "json-ld":
        document = json.loads(body)
        cited = document["@context"]
        context = json.loads(fetch(published.server, published.path_of(cited)).body)
        document["@context"] = context["@context"]
        body = json.dumps(document).encode("utf-8")
    return Graph().parse(data=body, format=syntax, publicID=published.public)


def distributions(graph: Graph) -> dict[str, tuple[str, int]]:
    """download URL -> (sha256, byte size) of every dcat:Distribution."""
    found: dict[str, tuple[str, int]] = {}
    for distribution in graph.subjects(RDF.type, DCAT.Distribution):
        (url,) = graph.objects(distribution, DCAT.downloadURL)
        (size,) = graph.objects(distribution, DCAT.byteSize)
        (checksum,) = graph.objects(distribution, URIRef(SPDX + "checksum"))
        (algorithm,) = graph.objects(checksum, URIRef(SPDX + "algorithm"))
        assert str(algorithm) == SPDX + "checksumAlgorithm_sha256"
        (value,) = graph.objects(checksum, URIRef(SPDX + "checksumValue"))
        assert isinstance(size, Literal)
        assert isinstance(value, Literal)
        found[str(url)] = (str(value), int(size))
    return found


@pytest.mark.parametrize(("path", "accept", "syntax"), DESCRIPTIONS)
def test_void_and_dcat_state_the_checksum_and_size_of_the_bytes_served(
    published, path, accept, syntax
):
    sums = sums_of(published)
    for _ in range(REPEAT // 2):  # every worker's description
        body = fetch(published.server, path, accept).body
        stated = distributions(parse(published, body, syntax))
        assert len(stated) == 12, sorted(stated)
        for url, (digest, size) in sorted(stated.items()):
            name = published.path_of(url)
            assert name.startswith("dump/"), url
            assert sums[name[len("dump/") :]] == digest, url
            assert_serves(published, name, digest, size)


def test_the_landing_page_shows_the_checksums_and_sizes_of_the_bytes_served(published):
    sums = sums_of(published)
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    page = parser.parse(fetch(published.server, "", "text/html").body)
    rows = page.findall(".//table[@class='downloads']/tbody/tr")
    assert len(rows) == 12
    for row in rows:
        href = row.find("th/a").get("href")
        name = href.rsplit("/dump/", 1)[1]
        shown = row.find(".//code[@class='checksum']").text
        size = int("".join(row.findall("td")[1].itertext()).split()[0].replace(",", ""))
        assert shown == sums[name], href
        assert_serves(published, f"dump/{name}", shown, size)


def test_a_dump_the_build_does_not_have_is_not_found(published):
    with pytest.raises(urllib.error.HTTPError) as error:
        fetch(published.server, "dump/context/v2.jsonld")
    assert error.value.code == 404
    error.value.close()
