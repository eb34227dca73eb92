"""`/sparql` for a browser without JavaScript (production server, real sockets): a query
sent from the editor's plain form, or typed as `/sparql?query=…`, answers with a page
(the form holding the query, the answer as a table under it), while data clients keep
getting SPARQL results; an example link fills the form on the server (`?example=`)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode
from xml.etree.ElementTree import Element

import html5lib
import pyoxigraph as ox
import pytest
from ctc_kg.web.html.examples import parse_example

from tests.live import REPOSITORY, LiveServer
from tests.web.test_compression import ask

pytestmark = pytest.mark.slow

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
QUERY_FILE = REPOSITORY / "queries" / "01-meetings-by-date.rq"
EXAMPLE = parse_example(QUERY_FILE.stem, QUERY_FILE.read_text(encoding="utf-8"))
EXPECTED = REPOSITORY / "tests" / "competency" / f"{EXAMPLE.slug}.tsv"


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    live = LiveServer.start(REPOSITORY, tmp_path_factory.mktemp("sparql-page"), "--workers", "1")
    yield live.port
    live.stop(timeout=30)


def _page(body: bytes) -> Element:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(body)


def _text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _rows(page: Element) -> list[list[str]]:
    table = page.find(".//section[@id='plain-results']//table")
    assert table is not None
    return [[_text(cell) for cell in row.findall("td")] for row in table.iterfind("tbody/tr")]


def _query(port: int, query: str, headers: dict[str, str], **extra: str):
    return ask(port, "/sparql?" + urlencode({"query": query, **extra}), headers)


def test_a_browser_asking_a_select_gets_a_page_with_the_rows_in_a_table(port):
    answer = _query(port, EXAMPLE.text, BROWSER)
    assert answer.status == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert "accept" in answer.vary
    page = _page(answer.body)
    textarea = page.find(".//form[@id='query-form']//textarea[@name='query']")
    assert textarea is not None
    assert textarea.text == EXAMPLE.text
    expected = ox.parse_query_results(path=EXPECTED, format=ox.QueryResultsFormat.TSV)
    assert isinstance(expected, ox.QuerySolutions)
    names = [v.value for v in expected.variables]
    wanted = [[row[n].value for n in names if isinstance(row[n], ox.Literal)] for row in expected]
    shown = _rows(page)
    assert len(shown) == len(wanted)
    for values, row in zip(wanted, shown, strict=True):  # the query orders its rows
        assert all(any(v in cell for cell in row) for v in values), (values, row)


def test_data_clients_still_get_sparql_results_whatever_else_they_accept(port):
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "application/sparql-results+json"}):
        answer = _query(port, EXAMPLE.text, headers)
        assert answer.headers["content-type"].startswith("application/sparql-results+json")
    answer = _query(port, EXAMPLE.text, BROWSER, format="csv")  # the form's format choice
    assert answer.headers["content-type"].startswith("text/csv")


def test_a_describe_from_a_browser_lists_its_statements_with_links_on_this_server(port):
    answer = _query(port, "DESCRIBE <https://w3id.org/ctc-kg/place/vienna>", BROWSER)
    page = _page(answer.body)
    head = [_text(th) for th in page.iterfind(".//section[@id='plain-results']//thead//th")]
    assert head == ["Subject", "Predicate", "Object"]
    assert len(_rows(page)) > 0
    links = {a.get("href") for a in page.iterfind(".//section[@id='plain-results']//tbody//a")}
    assert "/place/vienna" in links  # shown as its IRI, followed on this server


def test_an_ask_from_a_browser_says_yes_or_no_in_words(port):
    yes = _page(_query(port, "ASK { ?s ?p ?o }", BROWSER, lang="fr").body)
    results = yes.find(".//section[@id='plain-results']")
    assert results is not None
    assert "oui (true)" in _text(results)
    no = _page(_query(port, "ASK { <urn:x:nothing> ?p ?o }", BROWSER).body)
    results = no.find(".//section[@id='plain-results']")
    assert results is not None
    assert "no (false)" in _text(results)


def test_each_language_of_the_results_page_has_its_own_etag(port):
    english = _query(port, EXAMPLE.text, BROWSER)
    french = _query(port, EXAMPLE.text, {**BROWSER, "Accept-Language": "fr"})
    data = _query(port, EXAMPLE.text, {})
    assert len({english.headers["etag"], french.headers["etag"], data.headers["etag"]}) == 3
    assert b'lang="fr"' in french.body
    again = _query(port, EXAMPLE.text, {**BROWSER, "If-None-Match": english.headers["etag"]})
    assert again.status == 304


def test_an_example_link_fills_the_form_on_the_server_without_javascript(port):
    plain = ask(port, "/sparql", BROWSER)
    page = _page(plain.body)
    link = page.find(f".//ul[@class='examples']//a[.='{EXAMPLE.title('en')}']")
    assert link is not None
    assert link.get("href") == "/sparql?" + urlencode({"example": EXAMPLE.slug}) + "#query-form"
    filled = ask(port, link.get("href", "").split("#")[0], BROWSER)
    textarea = _page(filled.body).find(".//textarea[@id='query-text']")
    assert textarea is not None
    assert textarea.text == EXAMPLE.text
    assert filled.headers["etag"] != plain.headers["etag"]
