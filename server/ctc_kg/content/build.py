"""Write the dumps, the JSON-LD context, the description and the checksums, atomically.

The output folder (flat; the server maps `B dump/<name>` to `<out>/<name>`):

    ctc-kg.{ttl,nt,jsonld,rdf}      the union of the data graphs (+ .gz each)
    ctc-kg.{trig,nq}                the data with its named graphs, the default graph
                                    holding their union as well (+ .gz each)
    ontology.{ttl,nt,jsonld,rdf}    the ontology alone (+ .gz each)
    shapes.{ttl,nt,jsonld,rdf}      the SHACL shapes alone (+ .gz each)
    context/v1.jsonld               the JSON-LD context the .jsonld files cite
    void.{ttl,nt,jsonld}            the VoID + DCAT description (describe.py)
    SHA256SUMS                      sha256sum format, every other file, sorted

The data dumps hold the default graph and the claim graphs, not the ontology and the
shapes: those are published beside them and named by the description (void:vocabulary,
dcterms:conformsTo). Output is byte-identical for the same input: blank nodes get
canonical labels, serializations are sorted, gzip headers carry no time and no name.

The files are written into a fresh sibling folder which then replaces the old one with
renames, so a reader sees either the old complete folder or the new complete one.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rdflib import Graph

from ctc_kg import formats
from ctc_kg.content.collector import collector_paused
from ctc_kg.content.context import context_bytes, to_compacted_jsonld
from ctc_kg.content.dataset_description import DumpFile, describe_dataset
from ctc_kg.content.load import Content
from ctc_kg.content.parallel import Job, default_processes, run_jobs_while
from ctc_kg.content.rdf_files import rdfxml, trig, turtle
from ctc_kg.content.serialize import canonical_graph, canonical_statements, ntriples
from ctc_kg.content.triple_index import TripleIndex
from ctc_kg.content.writers import Statements
from ctc_kg.errors import UnusableInputError
from ctc_kg.formats import (
    CHECKSUMS,
    COMPRESSED_SUFFIX,
    CONTEXT_FILE,
    DATA_DUMP,
    DESCRIPTION_DUMP,
    DESCRIPTION_FORMATS,
    ONTOLOGY_DUMP,
    SHAPES_DUMP,
    Format,
    file_name,
)

Progress = Callable[[str], None]
DataNQuads = Callable[[bytes], None]
# CPU time of the data dumps' serializations and gzip (100k quads, tenths of a second,
# python -m bench.formats), to start the longest first.
_SERIALIZING_COST = {
    file_name(DATA_DUMP, fmt): cost
    for fmt, cost in (
        (formats.JSONLD, 45),
        (formats.TRIG, 24),
        (formats.NQUADS, 17),
        (formats.TURTLE, 14),
        (formats.NTRIPLES, 8),
        (formats.RDFXML, 6),
    )
}


# The data dumps: the union of the data graphs, then the data with its named graphs.
UNION_FORMATS = tuple(fmt for fmt in formats.GRAPH_FORMATS if not fmt.datasets)
DATASET_FORMATS = tuple(fmt for fmt in formats.GRAPH_FORMATS if fmt.datasets)
DUMP_FORMATS = UNION_FORMATS + DATASET_FORMATS


@dataclass(frozen=True)
class BuildResult:
    out: Path
    files: tuple[str, ...]  # relative to out, sorted


def build(
    content: Content,
    out: Path,
    progress: Progress | None = None,
    *,
    processes: int | None = None,
    on_data_nquads: DataNQuads | None = None,
) -> BuildResult:
    """Serialize the (already validated) content into `out`, replacing it atomically.

    The files are serialized in `processes` parallel processes (default: two, or one on a
    one-core machine; content/parallel.py); the bytes do not depend on it.

    `on_data_nquads(body)` is called in this process with the bytes of the data's N-Quads
    dump as soon as they are serialized (here, while the processes serialize the other
    files), before anything is written into `out`: the start writes the store from them
    meanwhile (runtime/store_writer.py). What it raises fails the build.
    """
    # The cycle collector is paused (content.collector); in the forked processes each
    # collection would also copy every page it touches.
    with collector_paused():
        return _build(content, out, progress, processes, on_data_nquads)


def _build(
    content: Content,
    out: Path,
    progress: Progress | None,
    processes: int | None,
    on_data_nquads: DataNQuads | None,
) -> BuildResult:
    step = progress or (lambda _: None)
    base = content.base_iri
    files: dict[str, bytes] = {}

    step("canonicalize blank nodes")
    data, union, data_nquads = canonical_statements(content.data_quads(), base)

    jobs: dict[str, Job] = {}
    for fmt in DUMP_FORMATS:
        name = file_name(DATA_DUMP, fmt)
        if fmt == formats.NQUADS:
            if on_data_nquads is None:  # canonical N-Quads, written in a job of their own
                jobs[name] = data_nquads
        elif fmt.datasets:
            jobs[name] = partial(_dataset_bytes, fmt, data, step)
        else:
            jobs[name] = partial(_graph_bytes, fmt, union, base, step)
    for stem, graph in ((ONTOLOGY_DUMP, content.ontology), (SHAPES_DUMP, content.shapes)):
        canonical = canonical_graph(graph, base)
        for fmt in UNION_FORMATS:
            jobs[file_name(stem, fmt)] = partial(_graph_bytes, fmt, canonical, base, step)
    processes = default_processes() if processes is None else processes
    step(f"serialize {len(jobs)} files in {processes} processes")
    # The description reads the union's triples by subject and predicate: indexed here
    # while the jobs run.
    meanwhile = partial(_index_and_nquads, union, data_nquads, on_data_nquads)
    built, (union_index, handed) = run_jobs_while(
        jobs, _SERIALIZING_COST, processes, gzip_bytes, meanwhile
    )
    built.update(handed)
    dumps: list[DumpFile] = []
    for fmt in DUMP_FORMATS:
        body, packed = built[file_name(DATA_DUMP, fmt)]
        dumps.append(_dump_file(DATA_DUMP, fmt, body, compressed=False))
        dumps.append(_dump_file(DATA_DUMP, fmt, packed, compressed=True))
    for name, (body, packed) in built.items():
        files[name] = body
        files[name + COMPRESSED_SUFFIX] = packed

    files[CONTEXT_FILE] = context_bytes(base)

    step("describe the dataset")
    description = describe_dataset(union_index, dumps, base)
    for fmt in DESCRIPTION_FORMATS:
        files[file_name(DESCRIPTION_DUMP, fmt)] = _graph_bytes(fmt, description, base, step)

    files[CHECKSUMS] = checksums(files)
    step(f"write {out}")
    write_folder(out, files)
    return BuildResult(out, tuple(sorted(files)))


def _index_and_nquads(
    union: Statements, data_nquads: Job, on_data_nquads: DataNQuads | None
) -> tuple[TripleIndex, dict[str, tuple[bytes, bytes]]]:
    """The union's index; with `on_data_nquads`, the data's N-Quads too, written here while
    the other files are serialized, handed to it as soon as they are, then gzipped (their
    bytes need not come back from another process)."""
    index = TripleIndex(union.triples)
    if on_data_nquads is None:
        return index, {}
    body = data_nquads()
    on_data_nquads(body)
    return index, {file_name(DATA_DUMP, formats.NQUADS): (body, gzip_bytes(body))}


def gzip_bytes(data: bytes) -> bytes:
    """gzip with no file name and mtime 0, so the bytes depend on the content only."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as out:
        out.write(data)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checksums(files: Mapping[str, bytes]) -> bytes:
    """`sha256sum` output for every file (binary-safe two-space format), sorted by name."""
    lines = [f"{sha256(files[name])}  {name}\n" for name in sorted(files) if name != CHECKSUMS]
    return "".join(lines).encode("utf-8")


def write_folder(out: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` (relative name -> bytes) as the folder `out`, replacing it atomically.

    Everything is written into `<out>.tmp-<random>` beside it; the old folder is renamed away,
    the new one renamed in, the old one deleted. If anything fails before the swap, the
    old folder is untouched and the temporary one removed.
    """
    if out.exists() and not out.is_dir():
        raise UnusableInputError("the output path exists and is not a folder", str(out))
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{out.name}.tmp-", dir=parent))
    try:
        os.chmod(staging, 0o755)  # noqa: S103 - a published folder, readable by the server
        for name, data in sorted(files.items()):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.replace(staging, out)
        return
    retired = staging.with_name(staging.name + "-old")
    os.replace(out, retired)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(retired, out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


# The serializers that write canonical bytes (content.rdf_files, content.serialize);
# compared by value, not identity: the jobs run in other processes, with their own copy.
def _graph_bytes(fmt: Format, graph: Graph | Statements, base_iri: str, note: Progress) -> bytes:
    if fmt == formats.TURTLE:
        return turtle(graph, note)
    if fmt == formats.NTRIPLES:
        return ntriples(graph)
    if fmt == formats.JSONLD:
        return to_compacted_jsonld(graph, base_iri)
    if fmt == formats.RDFXML:
        return rdfxml(graph, note)
    raise ValueError(fmt.name)


def _dataset_bytes(fmt: Format, dataset: Statements, note: Progress) -> bytes:
    if fmt == formats.TRIG:
        return trig(dataset, note)
    raise ValueError(fmt.name)


def _dump_file(stem: str, fmt: Format, body: bytes, *, compressed: bool) -> DumpFile:
    return DumpFile(
        name=file_name(stem, fmt, compressed=compressed),
        fmt=fmt,
        byte_size=len(body),
        sha256=sha256(body),
        compressed=compressed,
    )
