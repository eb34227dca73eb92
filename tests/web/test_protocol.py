"""The W3C SPARQL 1.1 Protocol tests, driven by tests/protocol/manifest.ttl.

Each pytest id is the local name of the W3C test IRI; a known gap is an xfail with
its reason, per IRI.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import Namespace

MANIFEST = Path(__file__).resolve().parents[1] / "protocol" / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
CTCT = Namespace("urn:x-ctc-kg:tests#")
NS = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest#"

KNOWN_GAPS = {
    "query_multiple_dataset": (
        "the W3C request percent-encodes '&' and '=' (%26, %3D), so it names one graph "
        "whose IRI contains 'named-graph-uri='; a conforming service answers false"
    ),
}

RESULT_TYPES = {
    "boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
    "tabular": (
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ),
    "RDF": ("text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json"),
}


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    method: str
    path: str
    body: bytes | None
    content_type: str | None
    status_class: int
    expected_format: str | None
    expected_boolean: bool | None


def _tests() -> list[ProtocolTest]:
    graph = rdflib.Graph().parse(MANIFEST)
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    found = []
    for test in Collection(graph, graph.value(manifest, MF.entries)):
        body_node = graph.value(test, HT.body)
        body = None
        if body_node is not None:
            encoding = str(graph.value(body_node, CNT.characterEncoding))
            body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
        content_type = None
        headers = graph.value(test, HT.headers)
        if headers is not None:
            for header in Collection(graph, headers):
                if str(graph.value(header, HT.fieldName)).lower() == "content-type":
                    content_type = str(graph.value(header, HT.fieldValue))
        status = str(graph.value(test, MF.expectedStatus)).rsplit("StatusCode", 1)[1]
        boolean = graph.value(test, MF.expectedBoolean)
        fmt = graph.value(test, MF.expectedFormat)
        found.append(
            ProtocolTest(
                name=str(test).removeprefix(NS),
                method=str(graph.value(test, HT.methodName)),
                path=str(graph.value(test, HT.absolutePath)),
                body=body,
                content_type=content_type,
                status_class=int(status[0]),
                expected_format=str(fmt) if fmt is not None else None,
                expected_boolean=bool(boolean.toPython()) if boolean is not None else None,
            )
        )
    return found


def _params() -> list[object]:
    params = []
    for test in _tests():
        marks = (
            [pytest.mark.xfail(reason=KNOWN_GAPS[test.name], strict=True)]
            if test.name in KNOWN_GAPS
            else []
        )
        params.append(pytest.param(test, id=test.name, marks=marks))
    return params


def _boolean(body: bytes, content_type: str) -> bool:
    if content_type.startswith("application/sparql-results+json"):
        value = json.loads(body)["boolean"]
        assert isinstance(value, bool)
        return value
    root = ET.fromstring(body)
    element = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert element is not None
    return element.text == "true"


def _check_tabular(body: bytes, content_type: str) -> None:
    if content_type.startswith("application/sparql-results+json"):
        assert "vars" in json.loads(body)["head"]
    elif content_type.startswith("application/sparql-results+xml"):
        ET.fromstring(body)
    else:
        delimiter = "\t" if "tab-separated" in content_type else ","
        rows = list(csv.reader(io.StringIO(body.decode("utf-8")), delimiter=delimiter))
        assert rows[0]


RDF_PARSERS = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}


@pytest.mark.parametrize("test", _params())
def test_w3c_protocol(client, test: ProtocolTest):
    headers = {"Content-Type": test.content_type} if test.content_type else {}
    response = client.open(test.path, method=test.method, data=test.body or b"", headers=headers)
    assert response.status_code // 100 == test.status_class, response.get_data(as_text=True)
    if test.status_class != 2:
        assert response.get_data(as_text=True).strip(), "an error names its reason"
        return
    content_type = response.headers["Content-Type"]
    if test.expected_format:
        assert content_type.split(";")[0] in RESULT_TYPES[test.expected_format]
    if test.expected_format == "boolean" and test.expected_boolean is not None:
        assert _boolean(response.data, content_type) is test.expected_boolean
    if test.expected_format == "tabular":
        _check_tabular(response.data, content_type)
    if test.expected_format == "RDF":
        rdflib.Graph().parse(data=response.data, format=RDF_PARSERS[content_type.split(";")[0]])


def test_bad_query_method_answers_405_with_allow(client):
    response = client.put("/sparql?query=ASK%7B%7D")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "POST" in response.headers["Allow"]


def test_update_is_refused_with_403_and_a_clear_message(client):
    response = client.post("/sparql", data={"update": "CLEAR ALL"})
    assert response.status_code == 403
    assert "read-only" in response.get_data(as_text=True)


def test_update_sent_as_a_query_is_refused_with_403(client):
    response = client.get("/sparql", query_string={"query": "INSERT DATA { <a:b> <a:c> 1 }"})
    assert response.status_code == 403


# How each engine's parser says where the error is (the rest of its words differ).
PARSER_POSITION = {"embedded": "error at 1:", "virtuoso": "line 1:"}


def test_bad_query_gets_400_with_the_parser_message(client, world):
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert text.startswith("Malformed query: ")
    assert PARSER_POSITION[world.backend] in text


def test_post_without_content_type_gets_415(client):
    response = client.post("/sparql", data=b"ASK {}")
    assert response.status_code == 415


def test_non_utf8_form_gets_400(client):
    response = client.post(
        "/sparql",
        data=b"query=ASK%20%7B%20%3Chttp%3A%2F%2Fa%2F%FF%3E%20%3Fp%20%3Fo%20%7D",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
