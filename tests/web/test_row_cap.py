"""`X-CTC-KG-Truncated` at the edge of the row cap, on both backends: an answer of
exactly `max_result_rows` rows is whole and unmarked, one row more is cut to the cap and
says so, in every results format (the stores evaluate a capped SELECT once, asking for
one row more than the cap: tests/store/test_worker.py, tests/virtuoso/test_row_cap.py)."""

from __future__ import annotations

import csv
import io
import json
from xml.dom import minidom

import html5lib
import pyoxigraph as ox
import pytest
from ctc_kg.web.app import create_app

from tests.web.conftest import web_settings

CAP = 4
TRUNCATED = "X-CTC-KG-Truncated"


@pytest.fixture(scope="module")
def capped(world):
    return create_app(web_settings(max_result_rows=CAP), world.store, dist=world.dist).test_client()


def rows_of(fmt: str, body: bytes) -> list[str]:
    if fmt == "json":
        return [row["n"]["value"] for row in json.loads(body)["results"]["bindings"]]
    if fmt == "xml":
        document = minidom.parseString(body)
        return [node.firstChild.data for node in document.getElementsByTagName("literal")]
    if fmt == "csv":
        return [row[0] for row in list(csv.reader(io.StringIO(body.decode())))[1:]]
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
    return [solution["n"].value for solution in solutions]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize(("count", "truncated"), [(CAP, False), (CAP + 1, True)])
def test_an_answer_of_exactly_the_cap_is_whole_and_one_row_more_is_cut(
    capped, fmt, count, truncated
):
    numbers = " ".join(f'"{n}"' for n in range(count))
    query = f"SELECT ?n WHERE {{ VALUES ?n {{ {numbers} }} }}"
    response = capped.get("/sparql", query_string={"query": query, "format": fmt})
    assert response.status_code == 200
    assert response.headers.get(TRUNCATED) == (f"true; limit={CAP}" if truncated else None)
    assert sorted(rows_of(fmt, response.data)) == [str(n) for n in range(min(count, CAP))]


@pytest.mark.parametrize(("count", "truncated"), [(CAP, False), (CAP + 1, True)])
def test_the_results_page_shows_a_cut_answer_as_cut_in_words(capped, count, truncated):
    numbers = " ".join(f'"{n}"' for n in range(count))
    query = f"SELECT ?n WHERE {{ VALUES ?n {{ {numbers} }} }}"
    response = capped.get("/sparql", query_string={"query": query, "format": "html"})
    assert response.status_code == 200
    assert response.headers.get(TRUNCATED) == (f"true; limit={CAP}" if truncated else None)
    page = html5lib.parse(response.data, namespaceHTMLElements=False)
    cells = page.findall(".//section[@id='plain-results']//tbody/tr/td")
    assert sorted(cell.text for cell in cells) == [str(n) for n in range(min(count, CAP))]
    notes = page.findall(".//section[@id='plain-results']//p[@class='truncation-note']")
    assert [" ".join("".join(note.itertext()).split()) for note in notes] == (
        [
            "Results truncated: only the first rows are shown (the server's limit). "
            f"Narrow the query or page with LIMIT/OFFSET. Limit: {CAP}"
        ]
        if truncated
        else []
    )
