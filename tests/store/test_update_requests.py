"""The requests `ctc-kg load` sends stay within Virtuoso's limits however many graphs
the dataset has (a thousand graphs failed in one swap request: issue 13, point 8), and a
swap that stops part-way leaves the manifest saying a reload is under way. A recording
client stands in for the store; tests/virtuoso/test_load_many_graphs.py loads a real one."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from ctc_kg.store import push as pushing
from ctc_kg.store.manifest import ACTIVE, COMPLETED
from ctc_kg.store.push import LoadFailedError, push
from ctc_kg.store.updates import (
    CHUNK_BYTES,
    CHUNK_TRIPLES,
    GRAPH_OPERATIONS,
    staging_requests,
)

EX = "http://example.org/"
HOLDER = EX + "graph/default"
LABEL = ox.NamedNode(EX + "label")


def dataset(graphs: int, per_graph: int = 3, text: str = "x") -> list[ox.Quad]:
    return [
        ox.Quad(
            ox.NamedNode(f"{EX}s{g}-{i}"),
            LABEL,
            ox.Literal(f"{text}{i}"),
            ox.NamedNode(f"{EX}graph/{g:05}"),
        )
        for g in range(graphs)
        for i in range(per_graph)
    ]


class RecordingClient:
    """Records every update; fails the `fail_at`-th one that starts with `fail_on`."""

    def __init__(self, fail_on: str = "", fail_at: int = 0) -> None:
        self.updates: list[str] = []
        self.fail_on = fail_on
        self.left = fail_at

    def select(self, text: str) -> list[dict[str, dict[str, str]]]:
        return []  # nothing loaded before

    def update(self, text: str) -> None:
        if self.fail_on and text.startswith(self.fail_on):
            self.left -= 1
            if self.left == 0:
                raise LoadFailedError("the store failed")
        self.updates.append(text)


def test_many_graphs_are_swapped_in_requests_of_a_few_hundred_operations():
    client = RecordingClient()
    push(dataset(1_000), client, HOLDER)  # type: ignore[arg-type]
    swaps = [u for u in client.updates if u.startswith("MOVE")]
    assert sum(u.count("MOVE SILENT GRAPH") for u in swaps) == 1_001
    assert max(u.count(" ;\n") + 1 for u in swaps) <= GRAPH_OPERATIONS
    assert COMPLETED in client.updates[-1]


def test_small_graphs_share_insert_requests_and_each_request_stays_small():
    blocks = [(f"{EX}g{n}", [q.triple for q in dataset(1, 2, "y" * 5_000)]) for n in range(2_000)]
    requests = list(staging_requests(blocks))
    assert len(requests) < 100
    assert all(len(r.encode()) <= CHUNK_BYTES for r in requests)
    assert all(r.count("\n<") <= CHUNK_TRIPLES for r in requests)
    parsed = [
        ox.parse(r[len("INSERT DATA {") : -1].replace("GRAPH ", ""), ox.RdfFormat.TRIG)
        for r in requests
    ]
    assert sum(len(list(p)) for p in parsed) == 4_000


def test_a_swap_that_stops_part_way_leaves_the_manifest_active():
    client = RecordingClient(fail_on="MOVE", fail_at=3)
    with pytest.raises(LoadFailedError, match="part-way"):
        push(dataset(1_000), client, HOLDER)  # type: ignore[arg-type]
    after = client.updates[client.updates.index(next(u for u in client.updates if "MOVE" in u)) :]
    assert not any(COMPLETED in u for u in after)  # never said Completed over a mixture
    assert any(ACTIVE in u for u in client.updates)


def test_a_graph_too_large_to_move_is_rewritten_in_place_during_the_swap(monkeypatch):
    """Regression: Virtuoso moves a graph in one transaction, and the 1M bench's holder
    graph (a million triples) outlasted MaxQueryExecutionTime (SR171). Such a graph is
    written in chunks while the manifest says Active, never staged nor moved."""
    monkeypatch.setattr(pushing, "IN_PLACE_TRIPLES", 100)
    client = RecordingClient()
    push(dataset(50), client, HOLDER)  # type: ignore[arg-type]  # holder: 150 triples
    active = next(i for i, u in enumerate(client.updates) if ACTIVE in u)
    moves = [u for u in client.updates if u.startswith("MOVE")]
    assert sum(u.count("MOVE SILENT") for u in moves) == 50  # the named graphs
    assert not any(f"TO GRAPH <{HOLDER}>" in u for u in moves)
    holder_writes = [i for i, u in enumerate(client.updates) if f"GRAPH <{HOLDER}> {{" in u]
    assert holder_writes
    assert min(holder_writes) > active
    assert COMPLETED in client.updates[-1]
