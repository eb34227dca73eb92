"""A resource's description carries at most INCOMING_LINK_LIMIT of the triples pointing to
it (a hub of a large graph is pointed to by tens of thousands), the same ones on every
request, each in every graph that states it; its own statements, the blank nodes they
reach and the labels of what it mentions are never cut.

The bound is passed small (`incoming_limit=5`) to `Worker.description` in this process,
and left at its real value for the query processes of an `EmbeddedStore`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from ctc_kg.content.names import prefixes
from ctc_kg.store.description import (
    FOAF_PRIMARY_TOPIC,
    INCOMING_LINK_LIMIT,
    RDFS_COMMENT,
    RDFS_LABEL,
)
from ctc_kg.store.embedded import EmbeddedStore
from ctc_kg.store.worker import Worker, merge_into_default_graph

BASE = "https://w3id.org/ctc-kg/"
SCHEMA = "https://schema.org/"
HUB = ox.NamedNode(BASE + "organization/hub")
ORGANIZER = ox.NamedNode(SCHEMA + "organizer")
LABEL = ox.NamedNode(RDFS_LABEL)
SOURCES = 3
LIMIT = 5


def meeting(i: int) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}meeting/m{i:04d}")


def source(i: int) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}graph/report/r{i}")


def hub_dataset(referrers: int) -> list[ox.Quad]:
    """A hub organizing `referrers` meetings, each stated in one of SOURCES graphs, the
    first also in a second one; the hub has a label, a URL and an address (a blank node)."""
    address = ox.BlankNode("address")
    quads = [
        ox.Quad(HUB, LABEL, ox.Literal("The hub", language="en"), source(0)),
        ox.Quad(HUB, ox.NamedNode(SCHEMA + "url"), ox.NamedNode("https://hub.example/"), source(0)),
        ox.Quad(HUB, ox.NamedNode(SCHEMA + "address"), address, source(1)),
        ox.Quad(
            address, ox.NamedNode(SCHEMA + "addressLocality"), ox.Literal("Hubville"), source(1)
        ),
    ]
    for i in range(referrers):
        graph = source(i % SOURCES)
        quads.append(ox.Quad(meeting(i), ORGANIZER, HUB, graph))
        quads.append(ox.Quad(meeting(i), LABEL, ox.Literal(f"Meeting {i}", language="en"), graph))
    quads.append(ox.Quad(meeting(0), ORGANIZER, HUB, source(1)))
    return quads


def store_of(quads: list[ox.Quad], merged: bool = True) -> ox.Store:
    """The store as `ctc_kg.store.worker.write` makes it (the default graph is the merge),
    or, not `merged`, with the named graphs only (as tests/pages builds its stores)."""
    store = ox.Store()
    store.extend(quads)
    if merged:
        merge_into_default_graph(store)
    return store


def triple(quad: ox.Quad) -> ox.Triple:
    return ox.Triple(quad.subject, quad.predicate, quad.object)


def incoming(quads: list[ox.Quad]) -> set[ox.Triple]:
    """The data's links to the hub (not the note of a cut description, `cut_note`)."""
    return {triple(q) for q in quads if q.object == HUB and q.predicate != PRIMARY_TOPIC}


PRIMARY_TOPIC = ox.NamedNode(FOAF_PRIMARY_TOPIC)


def cut_note(quads: list[ox.Quad]) -> list[str]:
    """The notes of the documents whose primary topic is the hub, in the default graph."""
    documents = {
        q.subject
        for q in quads
        if q.predicate == PRIMARY_TOPIC
        and q.object == HUB
        and isinstance(q.graph_name, ox.DefaultGraph)
    }
    return [
        q.object.value
        for q in quads
        if q.subject in documents
        and q.predicate == ox.NamedNode(RDFS_COMMENT)
        and isinstance(q.graph_name, ox.DefaultGraph)
    ]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return store_of(hub_dataset(12))


def test_a_hub_description_holds_the_limit_of_incoming_triples(store: ox.Store) -> None:
    described = Worker(store, {}).description(HUB.value, incoming_limit=LIMIT)
    assert described is not None
    kept = incoming(described)
    assert len(kept) == LIMIT
    assert kept < {triple(q) for q in store.quads_for_pattern(None, None, HUB, None)}


def test_a_cut_description_keeps_every_outgoing_statement_and_blank_node(
    store: ox.Store,
) -> None:
    described = Worker(store, {}).description(HUB.value, incoming_limit=LIMIT)
    assert described is not None
    address = ox.BlankNode("address")
    own = {
        q for q in store.quads_for_pattern(None, None, None, None) if q.subject in (HUB, address)
    }
    named = {q for q in own if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert named == {q for q in described if q.subject in (HUB, address)}
    assert len(named) == 4


def test_kept_incoming_triples_are_in_each_source_graph_and_not_repeated_as_the_merge(
    store: ox.Store,
) -> None:
    described = Worker(store, {}).description(HUB.value, incoming_limit=LIMIT)
    assert described is not None
    for kept in incoming(described):
        stated = {
            q.graph_name
            for q in store.quads_for_pattern(kept.subject, kept.predicate, kept.object)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        }
        graphs = {q.graph_name for q in described if triple(q) == kept}
        assert graphs == stated


def test_labels_come_for_the_kept_referrers_only(store: ox.Store) -> None:
    described = Worker(store, {}).description(HUB.value, incoming_limit=LIMIT)
    assert described is not None
    referrers = {t.subject for t in incoming(described)}
    labelled = {q.subject for q in described if q.predicate == LABEL} - {HUB}
    assert labelled == referrers
    meetings = {
        term
        for q in described
        for term in (q.subject, q.object)
        if isinstance(term, ox.NamedNode) and term.value.startswith(BASE + "meeting/")
    }
    assert meetings == referrers


def test_the_same_store_gives_the_same_description_every_time(store: ox.Store) -> None:
    first = Worker(store, {}).description(HUB.value, incoming_limit=LIMIT)
    again = Worker(store, {}).description(HUB.value, incoming_limit=LIMIT)
    worker = Worker(store, {})
    assert first is not None
    assert first == again == worker.description(HUB.value, incoming_limit=LIMIT)
    assert first == worker.description(HUB.value, incoming_limit=LIMIT)


@pytest.mark.parametrize("merged", [True, False], ids=["merged", "named-graphs-only"])
@pytest.mark.parametrize("referrers", [LIMIT - 1, LIMIT])
def test_a_resource_within_the_limit_keeps_every_incoming_quad(
    merged: bool, referrers: int
) -> None:
    quads = hub_dataset(referrers)
    store = store_of(quads, merged)
    bounded = Worker(store, {}).description(HUB.value, incoming_limit=LIMIT)
    unbounded = Worker(store, {}).description(HUB.value, incoming_limit=len(store))
    assert bounded is not None
    assert bounded == unbounded
    assert {q for q in bounded if q.object == HUB} == {q for q in quads if q.object == HUB}


@pytest.mark.parametrize(("referrers", "cut_at"), [(LIMIT, None), (LIMIT + 1, LIMIT)])
def test_a_description_knows_whether_its_incoming_links_were_cut(
    referrers: int, cut_at: int | None
) -> None:
    found = Worker(store_of(hub_dataset(referrers)), {}).bounded_description(
        HUB.value, incoming_limit=LIMIT
    )
    assert found is not None
    assert found.cut_at == cut_at


def test_a_store_without_the_merge_is_cut_to_the_limit_too() -> None:
    quads = hub_dataset(12)
    described = Worker(store_of(quads, merged=False), {}).description(
        HUB.value, incoming_limit=LIMIT
    )
    assert described is not None
    kept = incoming(described)
    assert len(kept) == LIMIT
    stated = {q for q in quads if triple(q) in kept}
    assert {q for q in described if q.object == HUB} == stated


@pytest.fixture(scope="module", params=[False, True], ids=["on-disk", "in-memory"])
def big_hub(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, EmbeddedStore]]:
    """An embedded store whose hub has ten more referrers than the real limit."""
    data = ox.serialize(hub_dataset(INCOMING_LINK_LIMIT + 10), format=ox.RdfFormat.N_QUADS)
    directory = tmp_path_factory.mktemp("bounds") / "store"
    store = EmbeddedStore.create(
        data or b"", directory, prefixes=prefixes(BASE), workers=1, in_memory=request.param
    )
    yield directory, store
    store.close()


def test_the_query_processes_cut_a_hub_at_the_real_limit(
    big_hub: tuple[Path, EmbeddedStore],
) -> None:
    directory, store = big_hub
    found = store.describe(HUB.value, "application/n-quads")
    assert found is not None
    body = found.body
    described = list(ox.parse(body, format=ox.RdfFormat.N_QUADS))
    assert len(incoming(described)) == INCOMING_LINK_LIMIT
    turtle = store.describe(HUB.value, "text/turtle")
    assert turtle is not None
    triples = list(ox.parse(turtle.body, format=ox.RdfFormat.TURTLE))
    links = {t for t in triples if t.object == HUB and t.predicate != PRIMARY_TOPIC}
    assert len(links) == INCOMING_LINK_LIMIT
    # The same bytes from this query process again and from a new one over the same store.
    assert store.describe(HUB.value, "application/n-quads") == found
    reopened = EmbeddedStore(
        directory,
        triples=store.triples,
        prefixes=prefixes(BASE),
        workers=1,
        in_memory=store.in_memory,
    )
    try:
        assert reopened.describe(HUB.value, "application/n-quads") == found
    finally:
        reopened.close()


def test_a_hub_cut_at_the_real_limit_says_so_in_its_data(
    big_hub: tuple[Path, EmbeddedStore],
) -> None:
    """Regression: a description cut at INCOMING_LINK_LIMIT did not say it was cut."""
    _, store = big_hub
    found = store.describe(HUB.value, "application/n-quads")
    assert found is not None
    assert found.cut_at == INCOMING_LINK_LIMIT
    (note,) = cut_note(list(ox.parse(found.body, format=ox.RdfFormat.N_QUADS)))
    assert f"{INCOMING_LINK_LIMIT:,}" in note
