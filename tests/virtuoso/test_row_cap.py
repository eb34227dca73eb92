"""The remote store asks Virtuoso for one row more than the cap, once.

Regression (issue 13, point 8): a capped SELECT was sent as written, so the store
computed and sent every row, and the cut happened here. Now the one request sent (the
manifest reads around it aside) asks for at most `max_rows + 1` solutions, and the
answer still says exactly when it was cut: not at `max_rows` rows, yes at one more.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import pytest
from ctc_kg.content.names import prefixes
from ctc_kg.store.base import QueryRequest
from ctc_kg.store.manifest import manifest_query
from ctc_kg.store.remote import RemoteStore

from tests.backends import BASE

JSON = "application/sparql-results+json"
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
CAP = 5


class RecordingStore(RemoteStore):
    """The remote store, recording every query it sends and the answer it gets."""

    def __init__(self, *args: object, **options: object) -> None:
        super().__init__(*args, **options)  # type: ignore[arg-type]
        self.sent: list[tuple[str, bytes]] = []

    def _send(
        self,
        text: str,
        accept: str,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
        timeout: float,
    ) -> bytes:
        body = super()._send(text, accept, default_graphs, named_graphs, timeout)
        self.sent.append((text, body))
        return body

    def queries(self) -> list[tuple[str, bytes]]:
        """What was sent apart from the manifest reads."""
        manifest = manifest_query(self.holder)
        return [(text, body) for text, body in self.sent if text != manifest]


@pytest.fixture
def recording(virtuoso_endpoint: str) -> Iterator[RecordingStore]:
    store = RecordingStore(virtuoso_endpoint, base_iri=BASE, prefixes=prefixes(BASE), timeout=10.0)
    yield store
    store.close()


def values(count: int) -> str:
    return "SELECT ?n WHERE { VALUES ?n { " + " ".join(map(str, range(count))) + " } }"


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1000",
        "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 50 } } # no LIMIT here",
    ],
)
def test_a_capped_select_asks_the_store_once_for_one_row_more(recording, text):
    answer = recording.query(QueryRequest(text, JSON, None, max_rows=CAP))
    ((_, sent),) = recording.queries()
    assert len(json.loads(sent)["results"]["bindings"]) == CAP + 1
    assert answer.truncated
    assert len(json.loads(answer.body)["results"]["bindings"]) == CAP


@pytest.mark.parametrize(("count", "truncated"), [(CAP - 1, False), (CAP, False), (CAP + 1, True)])
def test_an_answer_of_the_cap_is_whole_and_one_row_more_is_cut(recording, count, truncated):
    answer = recording.query(QueryRequest(values(count), JSON, None, max_rows=CAP))
    assert len(recording.queries()) == 1
    assert answer.truncated is truncated
    assert len(json.loads(answer.body)["results"]["bindings"]) == min(count, CAP)


def test_a_sorted_select_at_the_default_cap_is_answered(recording):
    """Virtuoso refuses ORDER BY with a LIMIT over 10,000 (SR353, MaxSortedTopRows) before
    evaluating it: at the default cap (10,000 rows, so LIMIT 10,001) a sorted query is
    then sent as written, and answered; a smaller cap is asked for as usual."""
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    everything = recording.query(QueryRequest(ALL, JSON, None, max_rows=None))
    total = len(json.loads(everything.body)["results"]["bindings"])
    assert total < 10_000  # the repository's data: whole under the default cap
    answer = recording.query(QueryRequest(text, JSON, None, max_rows=10_000))
    assert not answer.truncated
    assert len(json.loads(answer.body)["results"]["bindings"]) == total
    small = recording.query(QueryRequest(text, JSON, None, max_rows=CAP))
    assert small.truncated
    assert len(json.loads(small.body)["results"]["bindings"]) == CAP
