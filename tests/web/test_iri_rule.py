"""One rule moves IRIs from the base to another (ctc_kg.iris), and its three uses agree.

The load moves them when a deployment's base is not the canonical one; the answers move
them to the public URL (`--public-url`); the pages link to this server's paths and show
the public IRIs. Each must move the same terms: IRIs under the base, a literal equal to
the base, a literal that is an IRI under it (a `schema:url` written as a string, an
`xsd:anyURI`), and never a literal that merely contains the base or starts a sentence
with it, nor language-tagged text.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from ctc_kg.config import load_settings
from ctc_kg.content.build import build
from ctc_kg.content.load import ContentFiles, load_content
from ctc_kg.content.names import prefixes
from ctc_kg.content.serialize import nquads
from ctc_kg.store.embedded import EmbeddedStore
from ctc_kg.web.app import create_app
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SDO, VOID, XSD
from rdflib.term import Node

from tests.web.conftest import BASE, MINIMAL, PUBLIC

THING = "thing/iri-rule"
MEETING = "meeting/2003-new-york"
SENTENCE = Literal(BASE + " names the dataset")
QUOTE = Literal(f"Read {BASE}{MEETING} first.")
TAGGED = Literal(BASE + MEETING, lang="en")
# predicate -> (the term written at the base, the same term under PUBLIC)
CASES: dict[URIRef, tuple[Node, Node]] = {
    SDO.sameAs: (URIRef(BASE + MEETING), URIRef(PUBLIC + MEETING)),  # an IRI
    VOID.uriSpace: (Literal(BASE), Literal(PUBLIC)),  # equal to the base
    SDO.url: (Literal(BASE + MEETING), Literal(PUBLIC + MEETING)),  # an IRI as a string
    SDO.identifier: (
        Literal(BASE + "ontology#", datatype=XSD.anyURI),
        Literal(PUBLIC + "ontology#", datatype=XSD.anyURI),
    ),
    SDO.description: (SENTENCE, SENTENCE),  # starts with the base, but prose
    RDFS.comment: (QUOTE, QUOTE),  # merely contains it
    SDO.alternateName: (TAGGED, TAGGED),  # language-tagged text
}


def _data() -> str:
    graph = Graph()
    subject = URIRef(BASE + THING)
    graph.add((subject, RDFS.label, Literal("IRI rule", lang="en")))
    for predicate, (term, _) in CASES.items():
        graph.add((subject, predicate, term))
    return graph.serialize(format="turtle")


def _expected() -> set[tuple[URIRef, Node]]:
    return {(predicate, public) for predicate, (_, public) in CASES.items()}


def _statements(graph: Graph, subject: str) -> set[tuple[URIRef, Node]]:
    return {(p, o) for p, o in graph.predicate_objects(URIRef(subject)) if p in CASES}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> ContentFiles:
    folder = tmp_path_factory.mktemp("iri-rule")
    shutil.copytree(MINIMAL, folder / "root")
    extra = folder / "root" / "data" / "iri-rule.ttl"
    extra.write_text(_data(), encoding="utf-8")
    root = folder / "root"
    return ContentFiles(
        ontology=tuple(sorted((root / "ontology").glob("*.ttl"))),
        shapes=tuple(sorted((root / "shapes").glob("*.ttl"))),
        data=tuple(sorted((root / "data").glob("*.t*"))),
    )


@pytest.fixture(scope="module")
def public_client(
    files: ContentFiles, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FlaskClient]:
    folder = tmp_path_factory.mktemp("iri-rule-world")
    content = load_content(files)
    build(content, folder / "dist")
    store = EmbeddedStore.create(
        nquads(content.dataset), folder / "store", prefixes=prefixes(BASE), workers=1, timeout=20.0
    )
    settings = load_settings({"root": MINIMAL, "public_url": PUBLIC}, environ={})
    yield create_app(settings, store, dist=folder / "dist").test_client()
    store.close()


def test_load_under_another_base_moves_what_the_rule_moves(files: ContentFiles) -> None:
    content = load_content(files, PUBLIC)
    assert _statements(content.data, PUBLIC + THING) == _expected()


@pytest.mark.parametrize(
    "media_type", ["text/turtle", "application/n-triples", "application/rdf+xml"]
)
def test_answer_under_public_url_moves_what_the_load_moves(
    public_client: FlaskClient, media_type: str
) -> None:
    response = public_client.get("/" + THING, headers={"Accept": media_type})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format=media_type)
    assert _statements(graph, PUBLIC + THING) == _expected()


def test_sparql_results_under_public_url_move_what_the_load_moves(
    public_client: FlaskClient,
) -> None:
    query = f"SELECT ?p ?o WHERE {{ <{PUBLIC}{THING}> ?p ?o }}"
    response = public_client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    found: set[tuple[URIRef, Node]] = set()
    for row in response.get_json()["results"]["bindings"]:
        value = row["o"]
        term: Node
        if value["type"] == "uri":
            term = URIRef(value["value"])
        else:
            datatype = value.get("datatype")
            term = Literal(
                value["value"],
                lang=value.get("xml:lang"),
                datatype=URIRef(datatype) if datatype else None,
            )
        found.add((URIRef(row["p"]["value"]), term))
    assert {(p, o) for p, o in found if p in CASES} == _expected()


class _Page(HTMLParser):
    """The text and the link targets of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs.extend(value for name, value in attrs if name == "href" and value)

    def handle_data(self, data: str) -> None:
        self.text.append(data.strip())


def test_page_under_public_url_shows_what_the_answers_say(public_client: FlaskClient) -> None:
    response = public_client.get("/" + THING, headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = _Page()
    page.feed(response.get_data(as_text=True))
    shown = set(page.text)
    for _, public in CASES.values():
        if isinstance(public, Literal):
            assert str(public) in shown, public
    # The literals that moved are not shown at the base any more (the language-tagged text
    # is, once); links stay on this server.
    assert page.text.count(BASE + MEETING) == 1
    assert BASE not in shown
    assert "/" + MEETING in page.hrefs
    assert not any(href.startswith(BASE) for href in page.hrefs)
