"""The embedded store of the content, written from its build's N-Quads dump.

The store holds the whole dataset (data, ontology, shapes), its default graph the merge of
every graph. pyoxigraph labels each blank node it loads afresh, so what matters of the
N-Quads it loads is only which statements share a blank node. The build's N-Quads dump is
the data with that merge in its default graph: when it holds no blank node (none can then
be shared with the ontology's or the shapes'), the store loads it as it is, beside the
ontology and the shapes (1,500 statements, written by the canonical writer, which keeps
their blank nodes apart) merged here; the data is neither canonicalized a second time nor
merged by a query (3 of the store's 4.6 s at 100k quads, bench/README.md). Otherwise the
whole dataset is canonicalized and merged in the store, as before. The store holds the
same quads either way (tests/store/test_store_from_build.py).

A start writes the store while the build goes on (`StoreWriter`): the build hands over the
dump's bytes as soon as it has written them, while its processes serialize the other
files (content.build), and the store's process works beside them, then on the core the
build leaves idle while it describes the dataset and writes its folder (bench/README.md,
issue 16).
"""

from __future__ import annotations

import mmap
from pathlib import Path

from ctc_kg.content.load import Content
from ctc_kg.content.serialize import canonical_nquads_of, nquads
from ctc_kg.formats import DATA_DUMP, NQUADS, file_name
from ctc_kg.store.embedded import StoreWriting, write_store
from ctc_kg.store.worker import merged_nquads


class StoreWriter:
    """The store of `content` in `directory`, written while `content` is built: `start` is
    the build's `on_data_nquads` (content.build.build), `finish` waits for the store, and
    `stop` ends a writing still under way (the build failed).
    """

    def __init__(self, content: Content, directory: Path) -> None:
        self._content = content
        self._directory = directory
        self._writing: StoreWriting | None = None

    def start(self, data: bytes) -> None:
        """Start writing the store from the data's canonical N-Quads (the build's dump, not
        yet written where the build publishes it); with a blank node in them, the store is
        written by `finish`, from the whole dataset. Without a `_:` in the data (a blank
        node's or a literal's), the data and the vocabulary can be loaded as one text: no
        blank node of the vocabulary can meet one of the data."""
        if b"_:" in data or self._writing is not None:
            return
        vocabulary = _vocabulary_nquads(self._content)
        self._writing = StoreWriting(self._directory, [data, vocabulary], merged=True)

    def finish(self) -> int:
        """The store's triples, once it is written (StoreUnavailableError if it failed)."""
        if self._writing is None:
            return write_store(nquads(self._content.dataset), self._directory)
        return self._writing.wait()

    def stop(self) -> None:
        """End the store's process if it still runs (the build failed)."""
        if self._writing is not None:
            self._writing.stop()


def write_store_beside(content: Content, dist: Path, directory: Path) -> int:
    """The embedded store of `content` in `directory`, beside its build in `dist` (written
    before); its triples."""
    dump = dist / file_name(DATA_DUMP, NQUADS)
    if not dump.is_file() or _holds_blank_node(dump):
        return write_store(nquads(content.dataset), directory)
    return write_store(_vocabulary_nquads(content), directory, files=[dump], merged=True)


def _vocabulary_nquads(content: Content) -> bytes:
    """The ontology's and the shapes' statements in their graphs and merged into the default
    graph, as N-Quads."""
    ontology, shapes = content.vocabulary_graphs
    vocabulary = [
        (subject, predicate, obj, name)
        for name, graph in ((ontology, content.ontology), (shapes, content.shapes))
        for subject, predicate, obj in graph
    ]
    return merged_nquads(canonical_nquads_of(vocabulary).encode("utf-8"))


def _holds_blank_node(dump: Path) -> bool:
    """Whether the N-Quads file may hold a blank node (it holds `_:`: a literal can too)."""
    if dump.stat().st_size == 0:
        return False
    with dump.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as text:
        return text.find(b"_:") >= 0
