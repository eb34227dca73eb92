"""Comunica, a client nobody here wrote, reads the quad formats (issue 13, point 2).

Its link traversal engine dereferences the seed IRI asking for N-Quads first, then every
IRI it meets, and reads the default graph only: before the fix, a resource's N-Quads
had every statement in a source graph, and it found nothing. It runs here against the
production server (granian, `ctc-kg serve`) over both backends, behind `--public-url`
set to the server's own address so that every IRI it follows resolves to this server.
Comunica's SPARQL engine also reads the data dumps (N-Quads, TriG, and gzipped) as its
sources, from the build folder and as the server serves them.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from ctc_kg.cli import main
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from tests.live import REPOSITORY, LiveServer, free_port
from tests.web.conftest import BACKENDS, BASE

pytestmark = pytest.mark.slow

BIN = REPOSITORY / "node_modules" / ".bin"
LINK_TRAVERSAL = BIN / "comunica-sparql-link-traversal"
SPARQL = BIN / "comunica-sparql"
MEETING = "meeting/2003-washington"  # organized by the OAS and CICTE, and by the CTC
ORGANIZER = URIRef("https://schema.org/organizer")
MEDIA_TYPES = {"nq": "application/n-quads", "trig": "application/trig"}
DUMPS = ["ctc-kg.nq", "ctc-kg.trig", "ctc-kg.nq.gz", "ctc-kg.trig.gz"]


def organizer_query(meeting: str) -> str:
    return (
        "PREFIX schema: <https://schema.org/> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        f"SELECT ?name WHERE {{ <{meeting}> schema:organizer ?o . ?o rdfs:label ?name }}"
    )


def comunica(tool: Path, *arguments: str, timeout: float = 300) -> set[Literal]:
    """The names a Comunica command line answers, as rdflib literals."""
    done = subprocess.run(
        [str(tool), *arguments, "-t", "application/sparql-results+json"],
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    rows = json.loads(done.stdout)["results"]["bindings"]
    return {Literal(row["name"]["value"], lang=row["name"].get("xml:lang")) for row in rows}


def organizer_names(description: Graph, meeting: URIRef) -> set[Literal]:
    """The labels of the meeting's organizers, as its Turtle description gives them."""
    names = set()
    for organizer in description.objects(meeting, ORGANIZER):
        for name in description.objects(organizer, RDFS.label):
            assert isinstance(name, Literal)
            names.add(name)
    return names


def _serve(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`ctc-kg serve` over the repository's data, its public URL its own address."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    # Comunica fetches many documents at once: enough request threads for them.
    extra = ["--workers", "1", "--threads", "32", "--public-url", url]
    if backend == "virtuoso":
        extra += ["--store", "sparql+" + request.getfixturevalue("virtuoso_endpoint")]
    folder = tmp_path_factory.mktemp("comunica")
    live = LiveServer.start(REPOSITORY, folder, *extra, port=port, timeout=120)
    yield url
    assert live.stop(timeout=30) == 0, live.log.read_text()


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    yield from _serve(request.param, request, tmp_path_factory)


@pytest.fixture(scope="module")
def embedded_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The link traversal's server. Comunica follows every link it finds, so it reads the
    whole site (several hundred descriptions since the record of the meetings entered):
    over Virtuoso that took more than 5 minutes on this machine. The quad formats' default
    graph over Virtuoso is held by test_description_text and by the served dumps below."""
    yield from _serve("embedded", request, tmp_path_factory)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("comunica-build") / "dist"
    assert main(["--root", str(REPOSITORY), "build", "--out", str(out)]) == 0
    return out


def test_link_traversal_from_a_meeting_finds_its_organizers_names(embedded_server: str) -> None:
    meeting = embedded_server + MEETING
    request = urllib.request.Request(meeting, headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        expected = organizer_names(
            Graph().parse(data=answer.read(), format="turtle"), URIRef(meeting)
        )
    assert Literal("Organization of American States", lang="en") in expected
    assert len(expected) >= 4
    # Comunica fetches many documents at once; a busy server answers 503 with Retry-After
    # (its query slots are bounded), which a well-behaved client retries.
    retry = ["--httpRetryOnServerError", "--httpRetryCount", "5", "--httpRetryDelay", "1000"]
    names = comunica(LINK_TRAVERSAL, meeting, *retry, "-q", organizer_query(meeting))
    assert names == expected


@pytest.mark.parametrize("name", DUMPS)
def test_comunica_reads_every_statement_from_the_default_graph_of_a_built_dump(
    built: Path, tmp_path: Path, name: str
) -> None:
    """The file is given to Comunica as a serialized source (its command line reads no
    local files), gunzipped first for a `.gz`."""
    data = (built / name).read_bytes()
    plain = name.removesuffix(".gz")
    if plain != name:
        data = gzip.decompress(data)
    source = {
        "type": "serialized",
        "value": data.decode("utf-8"),
        "mediaType": MEDIA_TYPES[plain.rsplit(".", 1)[-1]],
        "baseIRI": BASE,
    }
    context = tmp_path / "context.json"
    context.write_text(json.dumps({"sources": [source]}), encoding="utf-8")
    meeting = BASE + MEETING
    expected = organizer_names(
        Graph().parse(built / "ctc-kg.ttl", format="turtle"), URIRef(meeting)
    )
    assert Literal("Organization of American States", lang="en") in expected
    assert comunica(SPARQL, "-c", str(context), "-q", organizer_query(meeting)) == expected


@pytest.mark.parametrize("name", ["ctc-kg.nq", "ctc-kg.trig"])
def test_comunica_reads_every_statement_from_the_default_graph_of_a_served_dump(
    server: str, name: str
) -> None:
    """Comunica fetches the dump from the server (which sends the gzipped file to a
    client that accepts gzip), with the IRIs under the server's public URL."""
    meeting = server + MEETING
    request = urllib.request.Request(meeting, headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        expected = organizer_names(
            Graph().parse(data=answer.read(), format="turtle"), URIRef(meeting)
        )
    source = server + "dump/" + name
    assert comunica(SPARQL, source, "-q", organizer_query(meeting)) == expected
