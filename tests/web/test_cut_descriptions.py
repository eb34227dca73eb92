"""A description cut at INCOMING_LINK_LIMIT links says so: in its data (a note on the
description document, store.description.truncation_note), in the `X-CTC-KG-Truncated`
header (as /sparql says it for rows) and on the HTML page, over both backends.

Regression: a hub's description stopped at 1,000 of the links pointing to it and said
nothing about it.

The production server (granian, `ctc-kg serve`) over a benchmark graph (bench.generate)
just large enough for its committee to be pointed to by more than the limit.
"""

from __future__ import annotations

import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from ctc_kg.config import load_settings
from ctc_kg.content.load import content_files, load_content
from ctc_kg.content.serialize import nquads
from ctc_kg.store.description import INCOMING_LINK_LIMIT
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import FOAF, RDFS

from bench.generate import generate, write_root
from tests.backends import VirtuosoServers
from tests.live import REPOSITORY, LiveServer, environment
from tests.pages.conftest import parse_html, text_of

pytestmark = pytest.mark.slow

BASE = "https://w3id.org/ctc-kg/"
HUB = BASE + "organization/ctc"
SMALL = BASE + "theme/effective-border-security"  # a few hundred links: not cut
QUADS = 36_000  # the committee then has about 1,050 links (checked below)
TRUNCATED = "X-CTC-KG-Truncated"
CUT = f"true; limit={INCOMING_LINK_LIMIT}"


@pytest.fixture(scope="module")
def hub_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hub-root")
    synthetic = generate(QUADS, seed=1)
    write_root(synthetic, root, REPOSITORY)
    links = {
        (q.subject, q.predicate) for q in synthetic.all_quads() if q.object == ox.NamedNode(HUB)
    }
    assert len(links) > INCOMING_LINK_LIMIT
    return root


@pytest.fixture(
    scope="module",
    params=["embedded", pytest.param("virtuoso", marks=pytest.mark.virtuoso)],
)
def served(
    request: pytest.FixtureRequest,
    hub_root: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    folder = tmp_path_factory.mktemp(f"serve-hub-{request.param}")
    store: tuple[str, ...] = ()
    if request.param == "virtuoso":
        servers: VirtuosoServers = request.getfixturevalue("virtuoso_servers")
        server = servers.get("hub-root")
        server.load(folded(hub_root))
        store = ("--store", "sparql+" + server.endpoint)
    live = LiveServer.start(
        hub_root,
        folder,
        "--workers",
        "1",
        *store,
        timeout=180,
        env=environment(TMPDIR=str(folder)),
    )
    yield live.url
    assert live.stop(timeout=30) == 0, live.log.read_text()


def folded(root: Path, graphs: int = 16) -> list[ox.Quad]:
    """The root's dataset as `ctc-kg load` sends it, its ~1,400 source graphs folded into
    `graphs`: Virtuoso refuses one update that moves more than about a thousand graphs
    (issue 13, point 8, a fix of its own); the triples, and so the links, are the same."""
    settings = load_settings({"root": root}, environ={})
    content = load_content(content_files(settings), BASE)
    quads = []
    for quad in ox.parse(nquads(content.dataset), format=ox.RdfFormat.N_QUADS):
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(BASE + "graph/report-"):
            number = zlib.crc32(graph.value.encode()) % graphs
            graph = ox.NamedNode(f"{BASE}graph/report-folded-{number}")
        quads.append(ox.Quad(quad.subject, quad.predicate, quad.object, graph))
    return quads


def fetch(url: str, accept: str) -> tuple[bytes, str | None]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return answer.read(), answer.headers.get(TRUNCATED)


def path_of(iri: str) -> str:
    return "/" + iri.removeprefix(BASE)


def notes_on(graph: Graph, iri: str) -> list[str]:
    """The notes of the documents whose primary topic is `iri`."""
    return [
        str(note)
        for document in graph.subjects(FOAF.primaryTopic, URIRef(iri))
        for note in graph.objects(document, RDFS.comment)
        if isinstance(note, Literal)
    ]


def links_to(graph: Graph, iri: str) -> int:
    return sum(1 for _, p, _ in graph.triples((None, None, URIRef(iri))) if p != FOAF.primaryTopic)


@pytest.mark.parametrize(
    ("accept", "syntax"),
    [
        ("text/turtle", "turtle"),
        ("application/rdf+xml", "xml"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
def test_a_cut_description_says_so_in_its_data_and_its_header(
    served: str, accept: str, syntax: str
) -> None:
    body, truncated = fetch(served + path_of(HUB), accept)
    assert truncated == CUT
    graph = Graph()
    if syntax in ("nquads", "trig"):
        dataset = Dataset()
        dataset.parse(data=body, format=syntax)
        # The note is in the default graph, beside the description's statements.
        default = dataset.graph(DATASET_DEFAULT_GRAPH_ID)
        assert len(notes_on(default, HUB)) == 1
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
    else:
        graph.parse(data=body, format=syntax)
    (note,) = notes_on(graph, HUB)
    assert f"{INCOMING_LINK_LIMIT:,}" in note
    assert links_to(graph, HUB) == INCOMING_LINK_LIMIT


def test_a_cut_description_says_so_on_its_page(served: str) -> None:
    body, truncated = fetch(served + path_of(HUB), "text/html")
    assert truncated == CUT
    page = parse_html(body.decode("utf-8"))
    notes = [text_of(p) for p in page.iter("p") if p.get("class") == "partial"]
    assert any(f"lists {INCOMING_LINK_LIMIT:,} of the statements" in note for note in notes)


@pytest.mark.parametrize("accept", ["text/turtle", "text/html"])
def test_a_description_within_the_limit_says_nothing(served: str, accept: str) -> None:
    body, truncated = fetch(served + path_of(SMALL), accept)
    assert truncated is None
    if accept == "text/turtle":
        graph = Graph().parse(data=body, format="turtle")
        assert notes_on(graph, SMALL) == []
        assert links_to(graph, SMALL) > 100
    else:
        assert b"of the statements that point to this resource" not in body
