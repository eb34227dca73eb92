"""The triple index the dataset description reads answers as rdflib's graph of the same
triples does, for every pattern the description asks (the counts and linksets of
void.ttl, the copied description of the dataset), on the repository's data and on a
generated graph."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from ctc_kg.config import Settings, load_settings
from ctc_kg.content.load import Content, content_files, load_content, union_graph
from ctc_kg.content.triple_index import TripleIndex
from rdflib import Graph
from rdflib.namespace import RDF, VOID

from bench.generate import generate, write_root

ROOT = Path(__file__).resolve().parents[1]


def _repository() -> Content:
    return load_content(content_files(Settings(root=ROOT)))


def _generated(root: Path) -> Content:
    write_root(generate(1200, seed=11), root, ROOT)
    return load_content(content_files(load_settings({"root": root}, environ={})))


@pytest.mark.parametrize("source", ["repository", "generated"])
def test_index_answers_as_rdflibs_graph(source: str, tmp_path: Path) -> None:
    content = _repository() if source == "repository" else _generated(tmp_path)
    graph: Graph = union_graph(content.data_dataset())
    index = TripleIndex(list(graph))
    assert len(index) == len(graph)
    assert Counter(index) == Counter(graph)
    assert Counter(index.subjects()) == Counter(graph.subjects())
    assert Counter(index.objects()) == Counter(graph.objects())
    for subject in set(graph.subjects()):
        assert Counter(index.about(subject)) == Counter(graph.predicate_objects(subject))
    for predicate in set(graph.predicates()):
        assert Counter(index.with_predicate(predicate)) == Counter(graph.subject_objects(predicate))
        some = next(graph.subject_objects(predicate))
        assert index.value(some[0], predicate) in set(graph.objects(some[0], predicate))
        assert Counter(index.objects(some[0], predicate)) == Counter(
            graph.objects(some[0], predicate)
        )
    for cls in set(graph.objects(None, RDF.type)):
        assert Counter(index.subjects(RDF.type, cls)) == Counter(graph.subjects(RDF.type, cls))
    assert index.value(VOID.Linkset, RDF.type) is None
    assert index.about(VOID.Linkset) == []
    assert index.with_predicate(VOID.Linkset) == []
