"""Query processes that copy the store into memory answer exactly as those reading it on
disk: the 25 competency queries over the repository's data, in every results format, and
the resources' descriptions."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from ctc_kg.config import Settings
from ctc_kg.content.load import content_files, load_content
from ctc_kg.content.names import prefixes
from ctc_kg.content.serialize import nquads
from ctc_kg.runtime.prepare import Prepared
from ctc_kg.store import worker
from ctc_kg.store.base import QueryRequest
from ctc_kg.store.embedded import EmbeddedStore, write_store

REPOSITORY = Path(__file__).resolve().parents[2]
QUERIES = sorted((REPOSITORY / "queries").glob("*.rq"))
BASE = "https://w3id.org/ctc-kg/"


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmbeddedStore, ...]]:
    settings = Settings(root=REPOSITORY)
    content = load_content(content_files(settings), settings.base_iri)
    directory = tmp_path_factory.mktemp("in-memory") / "store"
    triples = write_store(nquads(content.dataset), directory)
    opened = tuple(
        EmbeddedStore(
            directory, triples=triples, prefixes=prefixes(BASE), workers=1, in_memory=in_memory
        )
        for in_memory in (False, True)
    )
    yield opened
    for store in opened:
        store.close()


def _solutions(body: bytes) -> list[tuple[tuple[str, str], ...]]:
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    names = [v.value for v in parsed.variables]
    return [tuple((n, str(row[n])) for n in names if row[n] is not None) for row in parsed]


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_competency_queries_get_the_same_answers(stores, path):
    on_disk, in_memory = stores
    assert in_memory.in_memory
    assert not on_disk.in_memory
    request = QueryRequest(
        text=path.read_text(encoding="utf-8"),
        results_media_type="application/sparql-results+json",
        graph_media_type="application/n-triples",
        max_rows=10_000,
    )
    disk_answer, memory_answer = on_disk.query(request), in_memory.query(request)
    assert memory_answer.form == disk_answer.form
    if disk_answer.form.returns_graph:
        assert set(memory_answer.body.splitlines()) == set(disk_answer.body.splitlines())
    else:
        assert sorted(_solutions(memory_answer.body)) == sorted(_solutions(disk_answer.body))
        assert _solutions(disk_answer.body), "each competency query has answers"


@pytest.mark.parametrize(
    "path", ["meeting/2003-new-york", "organization/icao", "resolution/1373-2001", "ontology"]
)
def test_descriptions_are_the_same(stores, path):
    on_disk, in_memory = stores
    disk = on_disk.describe(BASE + path, "application/n-quads")
    memory = in_memory.describe(BASE + path, "application/n-quads")
    assert disk is not None
    assert memory is not None
    assert sorted(memory.body.splitlines()) == sorted(disk.body.splitlines())


def test_the_server_copies_small_data_into_memory_and_reads_large_data_on_disk(tmp_path):
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "SHA256SUMS").write_text("0" * 64 + "  ctc-kg.nq\n")  # the version
    prepared = Prepared(tmp_path, tmp_path / "dist", tmp_path / "store", 805)
    small = prepared.open_store(Settings(memory_store_max_triples=1000), {})
    large = prepared.open_store(Settings(memory_store_max_triples=500), {})
    off = prepared.open_store(Settings(memory_store_max_triples=0), {})
    try:
        assert (small.in_memory, large.in_memory, off.in_memory) == (True, False, False)
    finally:
        for store in (small, large, off):
            store.close()


def _quads(store: ox.Store) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, None))


def test_the_copies_are_read_from_the_stores_n_quads_with_its_own_blank_node_labels(
    stores: tuple[EmbeddedStore, ...],
) -> None:
    # Opening the store in memory wrote its N-Quads beside it, once; every copy read from
    # them holds the store's quads, blank node labels included (the processes agree).
    on_disk, _ = stores
    copy = worker.memory_copy_file(str(on_disk.directory))
    assert copy.is_file()
    disk = _quads(ox.Store.read_only(str(on_disk.directory)))
    assert any(isinstance(quad.subject, ox.BlankNode) for quad in disk)
    first = _quads(worker.open_for_queries(str(on_disk.directory), in_memory=True))
    second = _quads(worker.open_for_queries(str(on_disk.directory), in_memory=True))
    assert first == second == disk


def test_without_its_n_quads_the_copy_is_read_from_the_store(tmp_path: Path) -> None:
    directory = tmp_path / "store"
    write_store(b'_:b <http://example.org/p> "x" <http://example.org/g> .\n', directory)
    assert not worker.memory_copy_file(str(directory)).exists()
    disk = _quads(ox.Store.read_only(str(directory)))
    assert _quads(worker.open_for_queries(str(directory), in_memory=True)) == disk


def test_a_store_written_again_drops_the_n_quads_of_what_it_held(tmp_path: Path) -> None:
    directory = tmp_path / "store"
    write_store(b'<http://example.org/a> <http://example.org/p> "old" .\n', directory)
    EmbeddedStore(directory, triples=1, prefixes={}, workers=1, in_memory=True).close()
    assert worker.memory_copy_file(str(directory)).is_file()
    shutil.rmtree(directory)
    write_store(b'<http://example.org/a> <http://example.org/p> "new" .\n', directory)
    assert not worker.memory_copy_file(str(directory)).exists()
    copied = worker.open_for_queries(str(directory), in_memory=True)
    assert {quad.object for quad in _quads(copied)} == {ox.Literal("new")}
