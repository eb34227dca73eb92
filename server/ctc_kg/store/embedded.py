"""The embedded backend: pyoxigraph, queried in worker processes that can be killed.

`EmbeddedStore.create(nquads, directory)` writes the dataset once into an on-disk
pyoxigraph store; every worker opens it read-only (`Store.read_only`), so a replacement
worker is ready in a fraction of a second whatever the size of the data, and the
operating system's page cache is shared by all of them. With `in_memory` (the server
sets it for data of at most `memory_store_max_triples` triples) each worker copies the
store into its own memory when it starts: queries run faster (docs/performance.md), for
a copy of the data per worker and a replacement that takes the copy's time to be ready.

The default graph of a query is the RDF merge of all graphs (materialized once, when the
store is written) unless the request names its own dataset (`default-graph-uri` /
`named-graph-uri`).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ctc_kg.errors import (
    BadRequestError,
    StoreUnavailableError,
)
from ctc_kg.store.base import (
    Description,
    Health,
    QueryForm,
    QueryRequest,
    QueryResponse,
    Store,
    answer_media_type,
)
from ctc_kg.store.inprocess import InProcess
from ctc_kg.store.pool import WorkerPool, worker_command
from ctc_kg.store.querytext import Operation, check_analysis
from ctc_kg.store.version import TAG_LENGTH, DataVersion, tag_of
from ctc_kg.store.worker import memory_copy_file


def write_store(
    nquads: bytes, directory: Path, *, files: Sequence[Path] = (), merged: bool = False
) -> int:
    """Write N-Quads (and the N-Quads files `files`) into a new on-disk pyoxigraph store
    at `directory`; return the number of distinct triples of the union graph.

    `merged`: the input's default graph already holds every statement of its named graphs
    (store.worker.write then does not merge them into it again).

    The writing happens in a child process, so RocksDB's threads never run in this one:
    a WSGI master that forks its workers after this call must not hold them.
    """
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        _writer_command(directory, files, merged), input=nquads, capture_output=True, check=False
    )
    return _written_triples(done.returncode, done.stdout, done.stderr)


class StoreWriting:
    """A store being written (by `write_store`'s child process) while this process does
    other work: `wait` for its triples, or `stop` it.

    The N-Quads (`chunks`, one after the other) reach the child through its stdin, written
    by a thread of this process: nothing is copied to a file, and this process goes on
    while the child reads them. The thread holds no lock while it writes, so a process
    forked meanwhile (the build's) inherits none held."""

    def __init__(self, directory: Path, chunks: Sequence[bytes], *, merged: bool = False) -> None:
        reading, writing = os.pipe()
        try:
            self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                _writer_command(directory, (), merged),
                stdin=reading,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except BaseException:
            os.close(writing)
            raise
        finally:
            os.close(reading)
        self._feeder = threading.Thread(target=_feed, args=(writing, chunks), daemon=True)
        self._feeder.start()

    def wait(self) -> int:
        """The store's triples, once it is written; StoreUnavailableError if it failed."""
        out, err = self._process.communicate()
        self._feeder.join()
        return _written_triples(self._process.returncode, out, err)

    def stop(self) -> None:
        """End the writing if it is still under way (what it wrote is left to the caller to
        remove), and reap the process."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.communicate()
        self._feeder.join()


def _feed(descriptor: int, chunks: Sequence[bytes]) -> None:
    """Write the chunks into the pipe and close it; a reader that is gone (it failed, or
    was stopped) ends the writing: its exit status says why."""
    try:
        for chunk in chunks:
            view = memoryview(chunk)
            while view:
                view = view[os.write(descriptor, view) :]
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _write_memory_copy(directory: Path) -> None:
    """The store's N-Quads beside it, once per store, for the processes that copy it into
    memory (store.worker.open_for_queries); in a child process, like the writing (RocksDB's
    threads must not start in a process that forks the workers). Without them the copies
    are read from the store itself: slower, the same quads."""
    if memory_copy_file(str(directory)).is_file():
        return
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        worker_command("--memory-copy", str(directory)), capture_output=True, check=False
    )
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        print(
            f"ctc-kg: the store's N-Quads for its in-memory copies could not be written"
            f" ({' '.join(reason) or done.returncode}); the copies read the store instead",
            file=sys.stderr,
            flush=True,
        )


def _writer_command(directory: Path, files: Sequence[Path], merged: bool) -> list[str]:
    options = ["--merged"] if merged else []
    return worker_command("--write", str(directory), *options, *map(str, files))


def _written_triples(returncode: int, out: bytes, err: bytes) -> int:
    if returncode != 0:
        reason = err.decode("utf-8", "replace").strip() or f"exit status {returncode}"
        raise StoreUnavailableError(f"Could not write the store: {reason}")
    return int(json.loads(out)["triples"])


class EmbeddedStore(Store):
    """pyoxigraph in a pool of killable worker processes."""

    def __init__(
        self,
        directory: Path,
        *,
        triples: int,
        prefixes: Mapping[str, str],
        workers: int = 2,
        timeout: float = 30.0,
        service_allow_list: Sequence[str] = (),
        in_memory: bool = False,
        version: DataVersion | None = None,
    ) -> None:
        self.directory = directory
        # The workers open a read-only store no one writes while it is served: one version
        # for the store's life, the build's it was written from (runtime.prepare passes it).
        self._version = version or DataVersion(tag_of("store", str(directory.resolve())))
        self.in_memory = in_memory
        self.triples = triples
        self.timeout = timeout
        self.service_allow_list = tuple(service_allow_list)
        where = "memory" if in_memory else "disk"
        if in_memory:
            _write_memory_copy(directory)
        # Each worker opens this version and builds what derives from it (store.worker).
        arguments = [str(directory), json.dumps(dict(prefixes)), where, self._version.tag]
        self._pool = WorkerPool(arguments, workers)
        self._in_process = InProcess(directory, prefixes, in_memory, self._version.tag)

    def version(self) -> DataVersion:
        return self._version

    @classmethod
    def create(cls, nquads: bytes, directory: Path, **options: Any) -> EmbeddedStore:
        triples = write_store(nquads, directory)
        options.setdefault("version", DataVersion(hashlib.sha256(nquads).hexdigest()[:TAG_LENGTH]))
        return cls(directory, triples=triples, **options)

    def start(self) -> None:
        """Start the worker processes now rather than on the first query."""
        self._pool.start()

    def query(self, request: QueryRequest) -> QueryResponse:
        """Answer in this process when the query provably cannot run long
        (store.inprocess), else in a query process killed at the time limit."""
        analysis = request.analysed()
        operation = check_analysis(analysis, self.service_allow_list)
        if operation is not Operation.UNKNOWN:
            answer_media_type(request, operation)  # 406 before any work
        message = {
            "op": "query",
            "text": request.text,
            "operation": operation.value,
            "results_media_type": request.results_media_type,
            "graph_media_type": request.graph_media_type,
            "default_graphs": list(request.default_graph_uris),
            "named_graphs": list(request.named_graph_uris),
            "base_iri": request.base_iri,
            "max_rows": request.max_rows,
        }
        bound = self._in_process.bound(request.text, analysis, message)
        answer = None if bound is None else self._in_process.answer(message, bound)
        if answer is None:
            timeout = request.timeout if request.timeout is not None else self.timeout
            answer = self._pool.call(message, timeout)
        header, body = answer
        if not header["ok"]:
            _raise(header)
        return QueryResponse(
            form=QueryForm(header["form"]),
            body=body,
            truncated=bool(header.get("truncated")),
        )

    def describe(self, iri: str, media_type: str) -> Description | None:
        header, body = self._pool.call(
            {"op": "describe", "iri": iri, "media_type": media_type}, self.timeout
        )
        if not header["ok"]:
            _raise(header)
        return Description(body, header.get("cut_at")) if header["found"] else None

    def health(self) -> Health:
        try:
            header, _ = self._pool.call({"op": "count"}, self.timeout)
        except StoreUnavailableError as error:
            return Health(ok=False, backend="embedded", triples=None, message=str(error))
        return Health(ok=True, backend="embedded", triples=int(header["triples"]))

    def close(self) -> None:
        self._pool.close()


def _raise(header: Mapping[str, Any]) -> None:
    error = header.get("error")
    if error == "syntax":
        raise BadRequestError(f"Malformed query: {header['message']}")
    if error == "bad_request":
        raise BadRequestError(str(header["message"]))
    raise StoreUnavailableError(f"The query worker failed: {header.get('message')}")
