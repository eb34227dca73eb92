"""Over Virtuoso, a hub's description is bounded as over pyoxigraph: at most the limit of
incoming triples, each in every graph that states it, the same ones on every request,
with all of the hub's own statements and the labels of the referrers kept.

Virtuoso keeps the first referrers by IRI (the query orders its LIMIT), pyoxigraph the
first in its index order, so the two backends are compared on what they must agree on,
not on the sample."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from ctc_kg.store.description import INCOMING_LINK_LIMIT
from ctc_kg.store.remote import RemoteStore
from ctc_kg.store.worker import Worker
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.backends import VirtuosoServers
from tests.store.test_description_bounds import (
    BASE,
    HUB,
    LABEL,
    LIMIT,
    cut_note,
    hub_dataset,
    incoming,
    store_of,
    triple,
)

REFERRERS = INCOMING_LINK_LIMIT + 10


@pytest.fixture(scope="module")
def quads() -> list[ox.Quad]:
    return hub_dataset(REFERRERS)


@pytest.fixture(scope="module")
def remote(virtuoso_servers: VirtuosoServers, quads: list[ox.Quad]) -> Iterator[RemoteStore]:
    server = virtuoso_servers.get("bounds")
    server.load(quads)
    store = server.store(timeout=20.0)
    yield store
    store.close()


@pytest.fixture(scope="module")
def worker(quads: list[ox.Quad]) -> Worker:
    return Worker(store_of(quads), {})


def described(remote: RemoteStore, limit: int = LIMIT) -> list[ox.Quad]:
    found = remote.description(HUB.value, remote.manifest(), incoming_limit=limit)
    assert found is not None
    return found


def own_statements(quads: list[ox.Quad]) -> Graph:
    """The hub's statements and its blank node's, as an rdflib graph (blank node labels
    differ between stores)."""
    hub_and_blank = [q for q in quads if q.subject == HUB or isinstance(q.subject, ox.BlankNode)]
    data = ox.serialize(hub_and_blank, format=ox.RdfFormat.N_QUADS) or b""
    return Graph().parse(data=data.decode("utf-8"), format="nquads")


def test_a_hub_over_virtuoso_holds_the_limit_of_incoming_triples(
    remote: RemoteStore, quads: list[ox.Quad]
) -> None:
    kept = incoming(described(remote))
    every = {triple(q) for q in quads if q.object == HUB}
    assert len(kept) == LIMIT
    first = sorted(every, key=lambda t: (str(t.subject).strip("<>"), t.predicate.value))[:LIMIT]
    assert kept == set(first)


def test_the_real_limit_holds_over_virtuoso(remote: RemoteStore) -> None:
    found = remote.describe(HUB.value, "application/n-quads")
    assert found is not None
    described = list(ox.parse(found.body, format=ox.RdfFormat.N_QUADS))
    assert len(incoming(described)) == INCOMING_LINK_LIMIT


def test_a_hub_cut_over_virtuoso_says_so_in_its_data(remote: RemoteStore) -> None:
    """Regression: a description cut at INCOMING_LINK_LIMIT did not say it was cut."""
    found = remote.describe(HUB.value, "text/turtle")
    assert found is not None
    assert found.cut_at == INCOMING_LINK_LIMIT
    (note,) = cut_note(list(ox.parse(found.body, format=ox.RdfFormat.TURTLE)))
    assert f"{INCOMING_LINK_LIMIT:,}" in note


@pytest.mark.parametrize(("referrers", "cut_at"), [(LIMIT, None), (LIMIT + 1, LIMIT)])
def test_virtuoso_knows_whether_a_description_was_cut(
    virtuoso_servers: VirtuosoServers, referrers: int, cut_at: int | None
) -> None:
    server = virtuoso_servers.get("bounds")
    # Graphs of their own: named graphs are global in a store, and the module's hub uses
    # the same names.
    holder = f"{BASE}graph/cut-{referrers}"
    own = [
        ox.Quad(q.subject, q.predicate, q.object, renamed(q.graph_name, f"-cut{referrers}"))
        for q in hub_dataset(referrers)
    ]
    server.load(own, holder)
    store = server.store(holder_graph=holder, timeout=20.0)
    found = store.bounded_description(HUB.value, store.manifest(), incoming_limit=LIMIT)
    assert found is not None
    assert found.cut_at == cut_at


def test_virtuoso_keeps_the_hubs_own_statements_and_the_referrers_labels(
    remote: RemoteStore, worker: Worker
) -> None:
    got = described(remote)
    expected = worker.description(HUB.value, incoming_limit=LIMIT)
    assert expected is not None
    assert isomorphic(own_statements(got), own_statements(expected))
    referrers = {t.subject for t in incoming(got)}
    assert {q.subject for q in got if q.predicate == LABEL} - {HUB} == referrers


def test_kept_triples_over_virtuoso_are_in_each_source_graph_not_in_the_merge(
    remote: RemoteStore, quads: list[ox.Quad]
) -> None:
    got = described(remote)
    for kept in incoming(got):
        stated = {q.graph_name for q in quads if triple(q) == kept}
        assert {q.graph_name for q in got if triple(q) == kept} == stated


def test_virtuoso_gives_the_same_description_every_time(remote: RemoteStore) -> None:
    first = remote.describe(HUB.value, "application/n-quads")
    assert first is not None
    again = remote.describe(HUB.value, "application/n-quads")
    assert again is not None
    assert first.cut_at == again.cut_at == INCOMING_LINK_LIMIT
    as_set = {str(q) for q in ox.parse(first.body, format=ox.RdfFormat.N_QUADS)}
    assert as_set == {str(q) for q in ox.parse(again.body, format=ox.RdfFormat.N_QUADS)}
    assert incoming(described(remote)) == incoming(described(remote))


def renamed(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph, suffix: str) -> ox.NamedNode:
    assert isinstance(graph, ox.NamedNode)
    return ox.NamedNode(graph.value + suffix)
