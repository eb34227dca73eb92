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


def counted_one_by_one(store: ox.Store) -> degrees.Degrees:
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
    return degrees.Degrees(
        out_any=max(subjects.values(), default=0),
        in_any=max(objects.values(), default=0),
        out=per_out,
        into=per_in,
    )


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
def test_the_stores_grouped_counts_equal_counting_every_quad(make):
    store = make()
    assert degrees.of_store(store) == counted_one_by_one(store)
