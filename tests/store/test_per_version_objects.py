"""What is derived from a data version (the `#` subjects a document IRI stands for) is
made once for that version and never outlives it: a remote store reloaded in place is
scanned again, a query worker reads what was written with its store."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
from ctc_kg.store.embedded import EmbeddedStore, write_store
from ctc_kg.store.remote_description import RemoteDescriptions
from ctc_kg.store.worker import hash_children_file

DOCUMENT = "https://w3id.org/ctc-kg/ontology"


class Endpoint:
    """Answers the `#` subjects query with `subjects`, counting the queries."""

    def __init__(self, subjects: list[str]) -> None:
        self.subjects = subjects
        self.asked = 0

    def send(
        self, text: str, accept: str, default: Sequence[str], named: Sequence[str], timeout: float
    ) -> bytes:
        self.asked += 1
        rows = [{"s": {"type": "uri", "value": subject}} for subject in self.subjects]
        return json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": rows}}).encode()


def test_a_remote_stores_hash_subjects_are_found_once_per_data_version() -> None:
    endpoint = Endpoint([DOCUMENT + "#Meeting"])
    descriptions = RemoteDescriptions(endpoint.send, DOCUMENT + "/holder", 5.0)
    first = descriptions.hash_children(None, "v1")
    assert first.of_document(DOCUMENT) == (DOCUMENT + "#Meeting",)
    endpoint.subjects.append(DOCUMENT + "#Venue")  # a reload adds a term...
    assert descriptions.hash_children(None, "v1") is first  # ...unseen until the version moves
    assert endpoint.asked == 1
    second = descriptions.hash_children(None, "v2")
    assert second.of_document(DOCUMENT) == (DOCUMENT + "#Meeting", DOCUMENT + "#Venue")
    assert second.version == "v2"
    assert endpoint.asked == 2


def test_a_written_store_carries_its_hash_subjects_and_its_workers_use_them(tmp_path: Path) -> None:
    quads = [
        ox.Quad(
            ox.NamedNode(DOCUMENT + "#Meeting"), ox.NamedNode(DOCUMENT + "#p"), ox.Literal("x")
        ),
        ox.Quad(ox.NamedNode(DOCUMENT), ox.NamedNode(DOCUMENT + "#p"), ox.Literal("y")),
    ]
    directory = tmp_path / "store"
    write_store(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"", directory)
    written = json.loads(hash_children_file(str(directory)).read_text(encoding="utf-8"))
    assert written == {DOCUMENT: [DOCUMENT + "#Meeting"]}  # subjects only
    store = EmbeddedStore(directory, triples=2, prefixes={}, workers=1)
    try:
        described = store.describe(DOCUMENT, "application/n-quads")
    finally:
        store.close()
    assert described is not None
    subjects = {q.subject for q in ox.parse(described.body, format=ox.RdfFormat.N_QUADS)}
    assert subjects == {ox.NamedNode(DOCUMENT), ox.NamedNode(DOCUMENT + "#Meeting")}
