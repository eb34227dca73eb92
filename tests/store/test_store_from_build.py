"""The store written beside a build holds what the store of the whole dataset holds: the
same quads, blank nodes shared by the same statements, the same merged default graph and
the same count of triples, whether it is loaded from the build's N-Quads dump (data
without blank nodes) or from the dataset canonicalized again (data with them).

pyoxigraph gives every blank node it loads a random label, so the labels of the N-Quads
a store is written from never reach a client: stores are compared up to those labels."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from ctc_kg.config import Settings, load_settings
from ctc_kg.content.build import build
from ctc_kg.content.load import Content, content_files, load_content
from ctc_kg.content.serialize import nquads
from ctc_kg.runtime import prepare, store_writer
from ctc_kg.store.embedded import write_store

from bench.generate import generate, write_root

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Content:
    root = tmp_path_factory.mktemp("generated")
    write_root(generate(1500, seed=3), root, ROOT)
    return load_content(content_files(load_settings({"root": root}, environ={})))


def _quads(directory: Path) -> ox.Dataset:
    """The store's quads, their blank nodes labelled canonically."""
    store = ox.Store.read_only(str(directory))
    dataset = ox.Dataset(store.quads_for_pattern(None, None, None, None))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def _as_today(content: Content, directory: Path) -> tuple[int, ox.Dataset]:
    """The store as it was written before the build's dump was reused: the whole dataset
    canonicalized again, merged in the store."""
    triples = write_store(nquads(content.dataset), directory)
    return triples, _quads(directory)


def _beside_build(content: Content, folder: Path) -> tuple[int, ox.Dataset]:
    triples = prepare.build_and_store(content, folder, True, {})
    assert triples is not None
    return triples, _quads(folder / "store")


def test_store_loaded_from_the_build_holds_todays_quads_and_labels(
    generated: Content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _as_today(generated, tmp_path / "today")
    # The data has no blank node: the dataset is not canonicalized a second time.
    monkeypatch.setattr(store_writer, "nquads", _not_called)
    found = _beside_build(generated, tmp_path / "fast")
    assert found == expected
    blank = {q for q in found[1] if isinstance(q.subject, ox.BlankNode)}
    assert len(found[1]) == len(expected[1]) > 5000
    assert blank, "the shapes' blank nodes are in the store"
    assert {q.graph_name for q in blank} >= {ox.DefaultGraph()}, "and in its merged default"


def test_store_of_data_with_blank_nodes_is_canonicalized_whole(tmp_path: Path) -> None:
    repository = load_content(content_files(Settings(root=ROOT)))
    build(repository, tmp_path / "dist")
    assert b"_:" in (tmp_path / "dist" / "ctc-kg.nq").read_bytes()
    expected = _as_today(repository, tmp_path / "today")
    assert _beside_build(repository, tmp_path / "folder") == expected


def test_store_is_written_for_a_build_without_its_nquads_dump(
    generated: Content, tmp_path: Path
) -> None:
    expected = _as_today(generated, tmp_path / "today")
    (tmp_path / "dist").mkdir()
    triples = store_writer.write_store_beside(generated, tmp_path / "dist", tmp_path / "store")
    assert (triples, _quads(tmp_path / "store")) == expected


def test_store_labels_its_blank_nodes_itself(tmp_path: Path) -> None:
    """Why the store need not be written from canonical N-Quads: the same N-Quads written
    twice give two stores whose blank nodes are labelled otherwise."""
    text = b'_:c14n0 <https://example.org/p> "x" <https://example.org/g> .\n'
    write_store(text, tmp_path / "one")
    write_store(text, tmp_path / "two")
    one, two = (
        {q.subject for q in ox.Store.read_only(str(tmp_path / name))} for name in ("one", "two")
    )
    assert one != two
    assert ox.BlankNode("c14n0") not in one | two


def _not_called(*_: object) -> bytes:
    raise AssertionError("the whole dataset was canonicalized again")
