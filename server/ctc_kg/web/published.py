"""The build's files as the server publishes them, and the checksums it states for them.

At the canonical base the files are served as built, and the build's SHA256SUMS and
VoID/DCAT description state their checksums and sizes. Behind a public URL every RDF
file is rewritten term by term (rewrite.IriMap), so its bytes are not the build's; the
server then states the checksums and sizes of the bytes it serves, byte for byte:
SHA256SUMS is computed from the served variants, and the description (/.well-known/void,
/, /catalog, the void.* files) has each distribution's `spdx:checksum` and
`dcat:byteSize` replaced by the served variant's.

That only holds if every worker renders the same bytes: RDF is rendered again from the
build's N-Triples or N-Quads file, whose blank nodes carry canonical labels that
pyoxigraph keeps (parsing a Turtle file's `[]` would give fresh labels in each worker,
and each worker would serve, and checksum, other bytes).

Every file of the build folder is served under `/dump/` at its relative name, the JSON-LD
context `context/v1.jsonld` included, so every name SHA256SUMS lists can be fetched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCAT, XSD

from ctc_kg import formats
from ctc_kg.content.build import checksums, gzip_bytes
from ctc_kg.content.context import context_bytes
from ctc_kg.content.names import SPDX
from ctc_kg.formats import CHECKSUMS, CONTEXT_FILE, Format
from ctc_kg.web import outward
from ctc_kg.web.rewrite import IriMap
from ctc_kg.web.site import Site

# The description's own statements are read from its N-Triples file: canonical labels.
DESCRIPTION_SOURCE = formats.file_name(formats.DESCRIPTION_DUMP, formats.NTRIPLES)
BYTE_SIZE = ox.NamedNode(str(DCAT.byteSize))
CHECKSUM = ox.NamedNode(str(SPDX.checksum))
CHECKSUM_VALUE = ox.NamedNode(str(SPDX.checksumValue))
NON_NEGATIVE_INTEGER = ox.NamedNode(str(XSD.nonNegativeInteger))
HEX_BINARY = ox.NamedNode(str(XSD.hexBinary))


@dataclass(frozen=True)
class Variant:
    """The bytes served for one file under one public base, and their ETag (the SHA-256
    that SHA256SUMS states for them)."""

    body: bytes
    etag: str


def files(state: Site) -> dict[str, Path]:
    """Every file of the build folder by its relative name (`/`-separated), sorted;
    nothing hidden (no part of the name starts with a dot)."""

    def listing() -> dict[str, Path]:
        found = {
            path.relative_to(state.dist).as_posix(): path
            for path in state.dist.rglob("*")
            if path.is_file()
        }
        return {
            name: found[name]
            for name in sorted(found)
            if not any(part.startswith(".") for part in name.split("/"))
        }

    listed: dict[str, Path] = state.cached(("dump-files",), listing)
    return listed


def variant(state: Site, name: str, iri_map: IriMap) -> Variant:
    """The bytes served for file `name` (a key of `files`) under this public base."""

    def make() -> Variant:
        if iri_map.identity:
            body = files(state)[name].read_bytes()
            stated = _build_checksums(state).get(name)
        else:
            body = _rewritten(state, name, iri_map)
            stated = None
        return Variant(body, f'"{stated or hashlib.sha256(body).hexdigest()}"')

    found: Variant = state.cached(("dump", iri_map.public, name), make)
    return found


def description(state: Site, iri_map: IriMap) -> list[ox.Quad]:
    """The build's VoID + DCAT description (canonical IRIs), stating the checksums and
    sizes of the files as served under this public base."""
    quads: list[ox.Quad] = state.cached(
        ("void",), lambda: _parsed(files(state)[DESCRIPTION_SOURCE])
    )
    return stating_served(state, iri_map, quads)


def stating_served(state: Site, iri_map: IriMap, quads: list[ox.Quad]) -> list[ox.Quad]:
    """`quads` (a description with distributions under `B dump/`) with every
    distribution's byte size and checksum value those of its bytes as served."""
    if iri_map.identity:
        return quads
    prefix = state.settings.base_iri + "dump/"
    listed = files(state)

    def served(node: ox.NamedNode | ox.BlankNode | ox.Triple) -> bytes | None:
        if not isinstance(node, ox.NamedNode) or not node.value.startswith(prefix):
            return None
        name = node.value[len(prefix) :]
        return variant(state, name, iri_map).body if name in listed else None

    checksum_of = {q.object: q.subject for q in quads if q.predicate == CHECKSUM}
    stated: list[ox.Quad] = []
    for quad in quads:
        value: ox.Literal | None = None
        if quad.predicate == BYTE_SIZE and (body := served(quad.subject)) is not None:
            value = ox.Literal(str(len(body)), datatype=NON_NEGATIVE_INTEGER)
        elif quad.predicate == CHECKSUM_VALUE and quad.subject in checksum_of:
            body = served(checksum_of[quad.subject])
            if body is not None:
                value = ox.Literal(hashlib.sha256(body).hexdigest(), datatype=HEX_BINARY)
        stated.append(
            quad if value is None else ox.Quad(quad.subject, quad.predicate, value, quad.graph_name)
        )
    return stated


def _build_checksums(state: Site) -> dict[str, str]:
    def table() -> dict[str, str]:
        sums = state.dist / CHECKSUMS
        found: dict[str, str] = {}
        if sums.exists():
            for line in sums.read_text("utf-8").splitlines():
                digest, _, name = line.partition("  ")
                if name:
                    found[name.lstrip("*")] = digest
        return found

    cached: dict[str, str] = state.cached(("build-checksums",), table)
    return cached


def _rewritten(state: Site, name: str, iri_map: IriMap) -> bytes:
    """The file's bytes under a public base other than the canonical one."""
    if name.endswith(formats.COMPRESSED_SUFFIX):
        return gzip_bytes(
            variant(state, name.removesuffix(formats.COMPRESSED_SUFFIX), iri_map).body
        )
    if name == CHECKSUMS:
        others = (other for other in files(state) if other != CHECKSUMS)
        return checksums({other: variant(state, other, iri_map).body for other in others})
    if name == CONTEXT_FILE:
        return context_bytes(iri_map.public)
    fmt = formats.of_file(name)
    if fmt is None:
        return files(state)[name].read_bytes()
    if name in formats.description_files():
        quads = description(state, iri_map)
    else:
        quads = _parsed(_source(state, name, fmt))
    return outward.graph(quads, fmt, iri_map, state.prefixes)


def _source(state: Site, name: str, fmt: Format) -> Path:
    """The N-Quads (TriG) or N-Triples (graph formats) file beside `name`: every dump,
    ontology and shapes file has one."""
    path = files(state)[name]
    return path.with_suffix((formats.NQUADS if fmt.datasets else formats.NTRIPLES).suffix)


def _parsed(path: Path) -> list[ox.Quad]:
    """The quads of an N-Triples or N-Quads file, blank-node labels as written."""
    source = formats.NQUADS if path.suffix == formats.NQUADS.suffix else formats.NTRIPLES
    quads: Iterable[ox.Quad] = ox.parse(path=str(path), format=source.rdf_format)
    return list(quads)
