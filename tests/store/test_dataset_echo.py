"""Regression: a remote store that echoes the request's dataset in its answer's headers,
as Virtuoso does (one `X-SPARQL-default-graph` and one `X-SPARQL-named-graph` per graph),
could not be read once a dataset named about 50 graphs: Python's http.client refused the
answer ("got more than 100 headers"), and the repository's own data has 91 graphs."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from ctc_kg.store.base import QueryRequest
from ctc_kg.store.remote import RemoteStore

BASE = "https://w3id.org/ctc-kg/"
GRAPHS = [f"{BASE}graph/source-{n}/passage" for n in range(300)]


class EchoesItsDataset(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        form = urllib.parse.parse_qs(
            self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
        )
        query = form["query"][0]
        answer = (
            {"head": {}, "boolean": True}
            if "ASK" in query
            else {"head": {"vars": []}, "results": {"bindings": []}}
        )
        body = json.dumps(answer).encode("utf-8")
        self.send_response(200)
        for graph in form.get("default-graph-uri", []):
            self.send_header("X-SPARQL-default-graph", graph)
        for graph in form.get("named-graph-uri", []):
            self.send_header("X-SPARQL-named-graph", graph)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def echoing_store() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoesItsDataset)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def test_a_dataset_of_hundreds_of_graphs_echoed_in_headers_is_read(echoing_store: str) -> None:
    store = RemoteStore(echoing_store, base_iri=BASE, prefixes={})
    answer = store.query(
        QueryRequest(
            "ASK {}",
            "application/sparql-results+json",
            None,
            default_graph_uris=GRAPHS,
            named_graph_uris=GRAPHS,
        )
    )
    assert json.loads(answer.body) == {"head": {}, "boolean": True}
