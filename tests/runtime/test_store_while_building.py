"""A start writes the store while the build runs (runtime/store_writer.py): the store's
process starts as soon as the build has the data's N-Quads, before the build's folder is
written; the store and the dumps are those the serial path writes; and a failure on either
side fails the preparation, ends the other side and publishes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest
from ctc_kg.config import load_settings
from ctc_kg.content import build as build_module
from ctc_kg.content.build import build
from ctc_kg.content.load import Content, content_files, load_content
from ctc_kg.errors import StoreUnavailableError
from ctc_kg.runtime import prepare, store_writer
from ctc_kg.store.embedded import StoreWriting

from bench.generate import generate, write_root

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def generated_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated content: its data holds no blank node, so the store is written from the
    build's N-Quads (with one, it is written after the build, from the whole dataset)."""
    root = tmp_path_factory.mktemp("generated")
    write_root(generate(600, seed=5), root, REPOSITORY)
    return root


@pytest.fixture(scope="module")
def generated(generated_root: Path) -> Content:
    return load_content(content_files(load_settings({"root": generated_root}, environ={})))


class _Recorded(StoreWriting):
    """A store writing that notes what the build had written when it started."""

    made: ClassVar[list[_Recorded]] = []

    def __init__(self, directory: Path, chunks: Sequence[bytes], *, merged: bool = False) -> None:
        self.dist_existed = (directory.parent / "dist").exists()
        super().__init__(directory, chunks, merged=merged)
        _Recorded.made.append(self)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[_Recorded]:
    _Recorded.made = []
    monkeypatch.setattr(store_writer, "StoreWriting", _Recorded)
    return _Recorded.made


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _quads(directory: Path) -> ox.Dataset:
    """The store's quads, their blank nodes labelled canonically (pyoxigraph labels them
    afresh at every load)."""
    dataset = ox.Dataset(ox.Store.read_only(str(directory)).quads_for_pattern(None, None, None))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def test_store_starts_before_the_build_is_written_and_equals_the_serial_one(
    generated: Content, tmp_path: Path, recorded: list[_Recorded]
) -> None:
    phases: dict[str, float] = {}
    triples = prepare.build_and_store(generated, tmp_path / "overlapped", True, phases)

    assert [writing.dist_existed for writing in recorded] == [False]
    assert set(phases) == {"build", "store"}
    build(generated, tmp_path / "serial" / "dist")
    serial_triples = store_writer.write_store_beside(
        generated, tmp_path / "serial" / "dist", tmp_path / "serial" / "store"
    )
    overlapped_dist = _files(tmp_path / "overlapped" / "dist")
    assert overlapped_dist == _files(tmp_path / "serial" / "dist")
    assert len(overlapped_dist) > 30
    assert triples == serial_triples > 1000
    assert _quads(tmp_path / "overlapped" / "store") == _quads(tmp_path / "serial" / "store")


def test_a_failing_store_writer_fails_the_preparation_and_publishes_nothing(
    generated_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store's process is handed text that is not N-Quads: it fails while the build runs.
    monkeypatch.setattr(store_writer, "_vocabulary_nquads", lambda _: b"not N-Quads\n")
    cache_dir = tmp_path / "cache"
    settings = load_settings({"root": generated_root, "cache_dir": cache_dir}, environ={})

    with pytest.raises(StoreUnavailableError, match="Could not write the store"):
        prepare.prepare(settings)

    assert list(cache_dir.iterdir()) == []


def test_a_failing_build_ends_the_store_writer_and_writes_no_folder(
    generated: Content, tmp_path: Path, recorded: list[_Recorded], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_description(*_: object) -> None:
        raise RuntimeError("the description failed")

    monkeypatch.setattr(build_module, "describe_dataset", broken_description)

    with pytest.raises(RuntimeError, match="the description failed"):
        prepare.build_and_store(generated, tmp_path / "folder", True, {})

    assert len(recorded) == 1, "the store was being written when the build failed"
    assert recorded[0]._process.returncode is not None, "and its process was reaped"
    assert not (tmp_path / "folder" / "dist").exists()


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_store_writer_that_fails_before_reading_its_input_fails_cleanly(
    tmp_path: Path,
) -> None:
    # More than a pipe holds (64 KiB), and a store that cannot be created: the process ends
    # before it reads; the thread writing into the pipe gives up quietly, the error is the
    # process's.
    line = b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n"
    (tmp_path / "file").write_bytes(b"")
    writing = StoreWriting(tmp_path / "file" / "store", [line * 20_000, line])

    with pytest.raises(StoreUnavailableError, match="Could not write the store"):
        writing.wait()
    writing.stop()
