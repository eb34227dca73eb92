"""The degree statistics the bound proof rests on (store.degrees): the store's grouped
counts must give exactly what counting every quad one by one gives, on the repository's
data and on a graph with hubs, blank nodes, literals and a triple stated in two graphs."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
from ctc_kg.config import load_settings
from ctc_kg.content.load import content_files, load_content
from ctc_kg.content.serialize import nquads
from ctc_kg.store import degrees, worker

EX = "http://example.org/"


def counted_one_by_one(store: ox.Store, listed: int = degrees.LISTED) -> degrees.Degrees:
    """The reference: every quad of every graph counted in Python."""
    subjects: Counter[object] = Counter()
    objects: Counter[object] = Counter()
    out: Counter[tuple[object, str]] = Counter()
    into: Counter[tuple[object, str]] = Counter()
    for quad in store.quads_for_pattern(None, None, None, None):
        subjects[quad.subject] += 1
        objects[quad.object] += 1
        out[quad.subject, quad.predicate.value] += 1
        into[quad.object, quad.predicate.value] += 1
    per_out: dict[str, int] = {}
    for (_, predicate), count in out.items():
        per_out[predicate] = max(per_out.get(predicate, 0), count)
    per_in: dict[str, int] = {}
    for (_, predicate), count in into.items():
        per_in[predicate] = max(per_in.get(predicate, 0), count)
    out_top, out_rest = listed_iris(subjects, listed)
    in_top, in_rest = listed_iris(objects, listed)
    return degrees.Degrees(
        out_any=max(subjects.values(), default=0),
        in_any=max(objects.values(), default=0),
        out=per_out,
        into=per_in,
        out_top=out_top,
        in_top=in_top,
        out_rest=out_rest,
        in_rest=in_rest,
    )


def listed_iris(counts: Counter[object], listed: int) -> tuple[dict[str, int], int]:
    """The IRIs whose count is above the (listed + 1)-th largest count, and that count."""
    ranked = sorted(counts.values(), reverse=True)
    rest = ranked[listed] if len(ranked) > listed else 0
    top = {
        term.value: count
        for term, count in counts.items()
        if isinstance(term, ox.NamedNode) and count > rest
    }
    return top, rest


def hubs() -> ox.Store:
    store = ox.Store()
    hub, link, name = ox.NamedNode(EX + "hub"), ox.NamedNode(EX + "link"), ox.NamedNode(EX + "n")
    for number in range(300):
        node = ox.NamedNode(f"{EX}n{number}")
        graph = ox.NamedNode(f"{EX}g{number % 7}")
        store.add(ox.Quad(node, link, hub, graph))
        store.add(ox.Quad(hub, link, node, graph))
        store.add(ox.Quad(node, name, ox.Literal(f"n{number}", language="en"), graph))
        store.add(ox.Quad(ox.BlankNode(f"b{number % 11}"), link, node, graph))
    store.add(ox.Quad(hub, name, ox.Literal("hub"), ox.NamedNode(EX + "g0")))
    store.add(ox.Quad(hub, name, ox.Literal("hub"), ox.NamedNode(EX + "g1")))  # twice
    worker.merge_into_default_graph(store)
    return store


def repository() -> ox.Store:
    settings = load_settings({"cache": False}, environ={})
    content = load_content(content_files(settings), settings.base_iri)
    store = ox.Store()
    store.bulk_load(nquads(content.dataset), format=ox.RdfFormat.N_QUADS)
    worker.merge_into_default_graph(store)
    return store


@pytest.mark.parametrize("make", [hubs, repository, ox.Store], ids=["hubs", "repository", "empty"])
@pytest.mark.parametrize("listed", [degrees.LISTED, 5, 0])
def test_the_stores_grouped_counts_equal_counting_every_quad(make, listed):
    store = make()
    assert degrees.of_store(store, listed) == counted_one_by_one(store, listed)


def test_an_iri_not_listed_is_bounded_by_the_next_count_and_a_listed_one_by_its_own() -> None:
    found = degrees.of_store(hubs(), listed=5)
    # The hub is the subject of 300 links, each in its graph and in the merged default
    # graph, and of its name in two graphs and the default graph: 603 quads.
    assert found.out_any == 603
    assert found.out_top[EX + "hub"] == found.out_any
    assert found.out_rest is not None
    assert found.out_rest < found.out_any
    assert found.out_of(None, EX + "hub") == found.out_any
    assert found.out_of(None, EX + "n1") == found.out_rest
    assert found.out_of(None, EX + "absent") == found.out_rest
    assert found.out_of(None) == found.out_any  # any subject: the largest
    # The per-predicate largest still caps it: `n` (a name) is at most 3 per subject.
    assert found.out_of(EX + "n", EX + "hub") == found.out[EX + "n"]
    # An object IRI: the hub is the object of every node's link.
    assert found.into_of(EX + "link", EX + "hub") == found.in_top[EX + "hub"]
    assert found.into_of(None, EX + "nowhere") == found.in_rest


def test_statistics_written_before_the_per_iri_degrees_bound_every_iri_by_the_largest() -> None:
    old = {"out_any": 70, "in_any": 80, "out": {EX + "p": 5}, "in": {EX + "p": 9}}
    found = degrees.Degrees.from_json(old)
    assert found.out_of(None, EX + "any") == 70
    assert found.into_of(None, EX + "any") == 80
    assert found.out_of(EX + "p", EX + "any") == 5
    assert degrees.Degrees.from_json(found.to_json()) == found
