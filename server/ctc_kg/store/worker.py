"""A query worker: a child process that holds a read-only pyoxigraph store and answers.

pyoxigraph cannot cancel a running query and ignores signals while it runs, so every
query runs here, in a process the parent can kill when the time limit passes. The
worker imports only pyoxigraph and the standard library, so a replacement starts in a
fraction of a second.

Protocol on stdin/stdout (one request at a time), length-prefixed frames:
  request:  a 4-byte length (little-endian), then that many bytes of JSON
  response: two 4-byte lengths H and B, then H bytes of JSON header {"ok": ..., ...},
            then the B bytes of the body, written in one system call
At start-up the worker writes one response frame with the header {"ok": true, "ready": true}.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import sys
import threading
import time
from collections.abc import Iterable
from itertools import islice
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

import pyoxigraph as ox

from ctc_kg import formats
from ctc_kg.store import degrees, writing
from ctc_kg.store.description import (
    INCOMING_LINK_LIMIT,
    BoundedDescription,
    HashChildren,
    truncation_note,
)
from ctc_kg.store.oxigraph_description import bounded_description, hash_children


class Worker:
    """Answers requests against one store, which holds one data version for the worker's
    life (`version`: its tag, as the parent's `Store.version()` says it); what is derived
    from that version is built here, once, when the worker opens it."""

    def __init__(
        self,
        store: ox.Store,
        prefixes: dict[str, str],
        version: str = "",
        children: HashChildren | None = None,
    ) -> None:
        self.store = store
        self.prefixes = prefixes
        self.hash_children = children or hash_children(store, version)

    # -- SPARQL ------------------------------------------------------------------------

    def query(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        options: dict[str, Any] = {"base_iri": request.get("base_iri")}
        if request.get("default_graphs") or request.get("named_graphs"):
            try:
                options["default_graph"] = [ox.NamedNode(g) for g in request["default_graphs"]]
                options["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
            except ValueError as error:
                message = f"A default-graph-uri or named-graph-uri is not an IRI: {error}"
                return {"ok": False, "error": "bad_request", "message": message}, b""
        limit: int | None = request.get("max_rows")
        try:
            result = self.store.query(request["text"], **options)
        except SyntaxError as error:
            return {"ok": False, "error": "syntax", "message": str(error)}, b""
        if isinstance(result, ox.QueryTriples):
            form = "CONSTRUCT" if request.get("operation") != "DESCRIBE" else "DESCRIBE"
            # The media types were checked before the request was sent
            # (store.base.answer_media_type).
            fmt = formats.rdf_format_of(request["graph_media_type"])
            triples, truncated = capped(result, limit)
            items: list[Any] = triples
            if fmt.supports_datasets:
                items = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
            body = ox.serialize(items, format=fmt, prefixes=self._prefixes_for(fmt))
            return _answer(form, truncated), body or b""
        form = "ASK" if isinstance(result, ox.QueryBoolean) else "SELECT"
        media_type = request["results_media_type"]
        results_fmt = formats.results_format_of(media_type)
        if isinstance(result, ox.QueryBoolean) or limit is None:
            body = result.serialize(format=results_fmt)
            return _answer(form, False), body or b""
        # One evaluation: the solutions are read once, as TSV (a row a line, so the cut is
        # exact), up to one row past the cap (the header line and `limit` rows are kept,
        # a row more says the answer was cut, and nothing after it is computed); then
        # written by the same serializer in the format asked for.
        tsv, truncated = first_lines(result, ox.QueryResultsFormat.TSV, limit + 1)
        body = tsv
        if results_fmt != ox.QueryResultsFormat.TSV:
            body = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(
                format=results_fmt
            )
        return _answer(form, truncated), body or b""

    # -- concise bounded description -----------------------------------------------------

    def describe(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        try:
            found = self.bounded_description(request["iri"])
        except ValueError:  # not even an IRI (a space, a NUL, a '>'): not in the graph
            return {"ok": True, "found": False}, b""
        if found is None:
            return {"ok": True, "found": False}, b""
        quads = found.quads
        if found.cut_at is not None:
            quads = quads + truncation_note(request["iri"], found.cut_at)
        media_type = request["media_type"]
        fmt = formats.rdf_format_of(media_type)
        body = writing.serialize(quads, fmt, self.prefixes, ox.NamedNode(request["iri"]))
        return {"ok": True, "found": True, "cut_at": found.cut_at}, body

    def description(
        self, iri: str, incoming_limit: int = INCOMING_LINK_LIMIT
    ) -> list[ox.Quad] | None:
        """The quads of `bounded_description`."""
        found = self.bounded_description(iri, incoming_limit)
        return None if found is None else found.quads

    def bounded_description(
        self, iri: str, incoming_limit: int = INCOMING_LINK_LIMIT
    ) -> BoundedDescription | None:
        """`iri`'s description in this worker's store (store.oxigraph_description)."""
        return bounded_description(self.store, self.hash_children, iri, incoming_limit)

    def _prefixes_for(self, fmt: ox.RdfFormat) -> dict[str, str] | None:
        if fmt in formats.PREFIXED_RDF_FORMATS:
            return self.prefixes
        return None

    def handle(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        operation = request.get("op")
        if operation == "query":
            return self.query(request)
        if operation == "describe":
            return self.describe(request)
        if operation == "count":
            return count(self.store)
        return {"ok": False, "error": "internal", "message": f"unknown op {operation!r}"}, b""


def count(store: ox.Store) -> tuple[dict[str, Any], bytes]:
    """The number of distinct triples of the union graph (the default graph: the merge)."""
    solutions = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(solutions, ox.QuerySolutions)
    value = next(iter(solutions))["n"]
    assert isinstance(value, ox.Literal)
    return {"ok": True, "triples": int(value.value)}, b""


def _answer(form: str, truncated: bool) -> dict[str, Any]:
    return {"ok": True, "form": form, "truncated": truncated}


def capped(items: Iterable[Any], limit: int | None) -> tuple[list[Any], bool]:
    """At most `limit` items of `items` (all when None), and whether some were left out.
    Reads one item past the limit, never more: the rest of the answer is not computed."""
    if limit is None:
        return list(items), False
    taken = list(islice(items, limit + 1))
    return taken[:limit], len(taken) > limit


class _EnoughError(Exception):
    """Raised from inside pyoxigraph's serializer to stop it: the rest is not computed."""


class _Lines:
    """An output that keeps the first `lines` lines written and stops the serializer as
    soon as a byte beyond them arrives."""

    __slots__ = ("chunks", "left", "more")

    def __init__(self, lines: int) -> None:
        self.chunks: list[bytes] = []
        self.left = lines
        self.more = False

    def write(self, data: bytes) -> int:
        if not data:
            return 0
        count = data.count(b"\n")
        if count < self.left or (count == self.left and data.endswith(b"\n")):
            self.chunks.append(data)
            self.left -= count
            return len(data)
        end = -1
        for _ in range(self.left):
            end = data.index(b"\n", end + 1)
        self.chunks.append(data[: end + 1])
        self.left = 0
        self.more = True
        raise _EnoughError

    def flush(self) -> None:
        pass


def first_lines(
    result: ox.QuerySolutions, fmt: ox.QueryResultsFormat, lines: int
) -> tuple[bytes, bool]:
    """The first `lines` lines of `result` in `fmt` (a line-per-row format whose terms
    escape line breaks: TSV), and whether anything followed them."""
    output = _Lines(lines)
    try:
        result.serialize(cast(IO[bytes], output), format=fmt)
    except Exception:
        if not output.more:
            raise
    return b"".join(output.chunks), output.more


REQUEST = struct.Struct("<I")  # the length of the JSON request that follows
ANSWER = struct.Struct("<II")  # the lengths of the JSON header and of the body that follow


def _read(source: BinaryIO) -> dict[str, Any] | None:
    """The next request, or None when the parent closed the pipe."""
    prefix = source.read(REQUEST.size)
    if len(prefix) < REQUEST.size:
        return None
    (length,) = REQUEST.unpack(prefix)
    payload = source.read(length)
    if len(payload) < length:
        return None
    request: dict[str, Any] = json.loads(payload)
    return request


def _write(fd: int, header: dict[str, Any], body: bytes) -> None:
    encoded = json.dumps(header).encode("utf-8")
    parts = [memoryview(ANSWER.pack(len(encoded), len(body))), memoryview(encoded)]
    if body:
        parts.append(memoryview(body))
    while parts:
        written = os.writev(fd, parts)
        while parts and written >= len(parts[0]):
            written -= len(parts.pop(0))
        if parts and written:
            parts[0] = parts[0][written:]


def _exit_with_parent(parent: int) -> None:
    """End this process when its parent is gone, even in the middle of a query."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def merge_into_default_graph(store: ox.Store) -> None:
    """Make the store's default graph the RDF merge of all its graphs.

    The SPARQL default graph ctc-kg serves is the union of every graph. pyoxigraph's
    `use_default_graph_as_union` matches each quad, so a triple that two sources state
    (two claim graphs) came back twice; a merge is a set, so it is stored once, in the
    default graph, and `GRAPH ?g` still ranges over the claim graphs only.
    """
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def merged_nquads(nquads: bytes) -> bytes:
    """The N-Quads with every statement of a named graph once more in the default graph
    (what `merge_into_default_graph` makes of them in a store, done before they are
    loaded), blank node labels kept, lines in no particular order."""
    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    default = ox.DefaultGraph()
    merged = [
        ox.Quad(quad.subject, quad.predicate, quad.object, default)
        for quad in quads
        if not isinstance(quad.graph_name, ox.DefaultGraph)
    ]
    return ox.serialize(quads + merged, format=ox.RdfFormat.N_QUADS) or b""


def hash_children_file(path: str) -> Path:
    """Where the `#` subjects of the store at `path` are written beside it, once, with
    the store: every worker that opens the store reads them instead of scanning it."""
    return Path(path + ".hash-children.json")


def write(path: str, files: Iterable[str] = (), *, merged: bool = False) -> int:
    """Write the N-Quads of `files` and those read from stdin into a new on-disk store at
    `path`, and its `#` subjects beside it; print the number of distinct triples of the
    union graph as JSON.

    `merged`: the default graph of the input already holds every statement of its named
    graphs (as the build's N-Quads dump does), so the store's merge is not run again (it
    would add nothing, and it is a third of the writing's time)."""
    memory_copy_file(path).unlink(missing_ok=True)  # a copy of what was there before
    store = ox.Store(path)
    for file in files:
        store.bulk_load(path=file, format=ox.RdfFormat.N_QUADS)
    store.bulk_load(sys.stdin.buffer.read(), format=ox.RdfFormat.N_QUADS)
    if not merged:
        merge_into_default_graph(store)
    store.flush()
    degrees.save(degrees.of_store(store), Path(path))
    groups = hash_children(store, "").groups
    hash_children_file(path).write_text(json.dumps(groups), encoding="utf-8")
    header, _ = count(store)
    sys.stdout.write(json.dumps(header) + "\n")
    return 0


def open_for_queries(path: str, in_memory: bool) -> ox.Store:
    """The store at `path`, read-only; or, `in_memory`, a copy of it in this process's
    memory: pyoxigraph's in-memory store answers several times faster than its RocksDB
    one (docs/performance.md), at the cost of a copy of the data per query process.

    The copy is read from the store's N-Quads beside it when they were written
    (`write_memory_copy`): parsed there in half the CPU time of reading the store quad by
    quad (100k quads: 0.7 against 1.5 CPU-s, for each of the 8 query processes and the 2
    web workers of a start), with the same blank node labels (`ox.parse` keeps them; a
    store's own `load` would not)."""
    if not in_memory:
        return ox.Store.read_only(path)
    memory = ox.Store()
    copy = memory_copy_file(path)
    if copy.is_file():
        memory.bulk_extend(ox.parse(path=str(copy), format=ox.RdfFormat.N_QUADS))
    else:
        disk = ox.Store.read_only(path)
        memory.bulk_extend(disk.quads_for_pattern(None, None, None, None))
    return memory


def memory_copy_file(path: str) -> Path:
    """Where the quads of the store at `path` are kept as N-Quads for the processes that
    copy it into memory."""
    return Path(path + ".nq")


def write_memory_copy(path: str) -> int:
    """Write the quads of the store at `path` beside it as N-Quads, blank nodes under the
    store's own labels; written under another name, then renamed: complete or absent."""
    target = memory_copy_file(path)
    partial = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    try:
        ox.Store.read_only(path).dump(output=str(partial), format=ox.RdfFormat.N_QUADS)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return 0


def written_children(path: str, version: str) -> HashChildren | None:
    """The `#` subjects `write` stored beside the store (None for a store without them:
    the worker scans it then)."""
    try:
        groups = json.loads(hash_children_file(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return HashChildren(version, {document: tuple(found) for document, found in groups.items()})


def main(argv: list[str]) -> int:
    if argv[0] == "--memory-copy":  # --memory-copy PATH
        return write_memory_copy(argv[1])
    if argv[0] == "--write":  # --write PATH [--merged] [N-Quads file ...]
        options = argv[2:]
        merged = "--merged" in options
        return write(argv[1], [o for o in options if o != "--merged"], merged=merged)
    path, prefixes_json = argv[0], argv[1]
    # A stop signal sent to the whole process group (systemd, Ctrl-C) must not end a query
    # its server is still draining: a worker ends with its parent, or is killed by it.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    in_memory = len(argv) > 2 and argv[2] == "memory"
    version = argv[3] if len(argv) > 3 else ""
    store = open_for_queries(path, in_memory)
    worker = Worker(store, json.loads(prefixes_json), version, written_children(path, version))
    out = sys.stdout.fileno()
    _write(out, {"ok": True, "ready": True}, b"")
    while (request := _read(sys.stdin.buffer)) is not None:
        try:
            header, body = worker.handle(request)
        except Exception as error:  # answer the parent whatever happened; never die silently
            header, body = {"ok": False, "error": "internal", "message": str(error)}, b""
        _write(out, header, body)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
