"""Blueprint: the dumps (`/dump/<file>`), the JSON-LD context, and /health.

Dumps are files of the build folder, served with their media type, Content-Length, an
ETag from their SHA-256 (SHA256SUMS), Last-Modified, 304 on revalidation, and the
prebuilt `.gz` with `Content-Encoding: gzip` when the client accepts gzip. Only names
listed in the folder are served: no path can leave it. Behind a public URL the dumps
are rewritten term by term (rewrite.IriMap) once per public base and kept in memory.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from ctc_kg.content.catalog import catalog_iri, describe_catalog
from ctc_kg.content.context import context_bytes
from ctc_kg.content.frames import FRAMES, RESOURCE_FRAME, frame_bytes, frame_named
from ctc_kg.content.serialize import ntriples
from ctc_kg.errors import NotFoundError
from ctc_kg.web import conneg, http, render
from ctc_kg.web.rewrite import IriMap
from ctc_kg.web.site import CHECKSUMS, Site, site
from flask import Blueprint, Response, jsonify, request
from rdflib import Graph

bp = Blueprint("dumps", __name__)

MEDIA_TYPES = {
    ".ttl": "text/turtle; charset=utf-8",
    ".nt": "application/n-triples; charset=utf-8",
    ".nq": "application/n-quads; charset=utf-8",
    ".trig": "application/trig; charset=utf-8",
    ".rdf": "application/rdf+xml; charset=utf-8",
    ".jsonld": "application/ld+json; charset=utf-8",
    ".gz": "application/gzip",
    "": "text/plain; charset=utf-8",
}
FORMAT_OF = {
    ".ttl": conneg.TURTLE,
    ".nt": conneg.NTRIPLES,
    ".nq": conneg.NQUADS,
    ".trig": conneg.TRIG,
    ".rdf": conneg.RDFXML,
    ".jsonld": conneg.JSONLD,
}
CONTEXT_TYPE = "application/ld+json; charset=utf-8"


@dataclass(frozen=True)
class Variant:
    body: bytes
    etag: str


def _checksums(dist: Path) -> dict[str, str]:
    sums = dist / CHECKSUMS
    table: dict[str, str] = {}
    if sums.exists():
        for line in sums.read_text("utf-8").splitlines():
            digest, _, name = line.partition("  ")
            if name:
                table[name.lstrip("*")] = digest
    return table


def _files(state: Site) -> dict[str, Path]:
    def listing() -> dict[str, Path]:
        return {p.name: p for p in sorted(state.dist.iterdir()) if p.is_file()}

    found: dict[str, Path] = state.cached(("dump-files",), listing)
    return found


def _variant(state: Site, name: str, iri_map: IriMap) -> Variant:
    """The bytes served for dump `name` under this public base, and their ETag."""

    def make() -> Variant:
        path = _files(state)[name]
        if iri_map.identity:
            digest = _checksums(state.dist).get(name)
            body = path.read_bytes()
            return Variant(body, f'"{digest or hashlib.sha256(body).hexdigest()}"')
        body = _rewritten(state, name, iri_map)
        return Variant(body, f'"{hashlib.sha256(body).hexdigest()}"')

    found: Variant = state.cached(("dump", iri_map.public, name), make)
    return found


def _rewritten(state: Site, name: str, iri_map: IriMap) -> bytes:
    if name.endswith(".gz"):
        return gzip.compress(_variant(state, name[:-3], iri_map).body, mtime=0)
    if name == CHECKSUMS:
        lines = [
            f"{hashlib.sha256(_variant(state, other, iri_map).body).hexdigest()}  {other}"
            for other in _files(state)
            if other != CHECKSUMS
        ]
        return ("\n".join(lines) + "\n").encode("utf-8")
    fmt = FORMAT_OF.get(Path(name).suffix)
    path = _files(state)[name]
    if fmt is None:
        return path.read_bytes()
    # JSON-LD is rendered again from the N-Triples file beside it (every dump, ontology
    # and shapes file has one; only the data has an N-Quads file).
    source = FORMAT_OF[".nt"] if fmt is conneg.JSONLD else fmt
    source_path = path.with_suffix(".nt") if fmt is conneg.JSONLD else path
    quads = render.quads_of(source_path.read_bytes(), source)
    return render.graph(quads, fmt, iri_map, state.prefixes)


@bp.route("/dump/<name>", methods=["GET"])
def dump(name: str) -> Response:
    state = site()
    files = _files(state)
    if name not in files or name.startswith("."):
        raise NotFoundError(f"No dump named {name!r}. Available: {', '.join(n for n in files)}.")
    iri_map = state.iri_map()
    served = name
    if not name.endswith(".gz") and f"{name}.gz" in files and _accepts_gzip():
        served = f"{name}.gz"
    variant = _variant(state, served, iri_map)
    if http.not_modified(request, variant.etag, state.last_modified):
        response = Response(status=304)
    else:
        response = Response(variant.body)
        suffix = Path(name).suffix if Path(name).suffix in MEDIA_TYPES else ""
        response.headers["Content-Type"] = MEDIA_TYPES[suffix]
        response.headers["Content-Length"] = str(len(variant.body))
        if served != name:
            response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return http.validators(response, variant.etag, state.last_modified)


def _accepts_gzip() -> bool:
    return any(
        encoding in ("gzip", "x-gzip") and quality > 0
        for encoding, quality in request.accept_encodings
    )


@bp.route("/context/v1.jsonld", methods=["GET"])
def context() -> Response:
    state = site()
    iri_map = state.iri_map()
    body: bytes = state.cached(("context", iri_map.public), lambda: context_bytes(iri_map.public))
    etag = http.etag_for(state.version, iri_map.public, "context", hashlib.sha256(body).hexdigest())
    if http.not_modified(request, etag, state.last_modified):
        return http.validators(Response(status=304), etag, state.last_modified)
    response = Response(body, headers={"Content-Type": CONTEXT_TYPE})
    return http.validators(response, etag, state.last_modified)


@bp.route("/context/v1/frames/<name>.jsonld", methods=["GET"])
def frame(name: str) -> Response:
    """A JSON-LD frame of the v1 context (content.frames), versioned with it."""
    state = site()
    iri_map = state.iri_map()
    found = frame_named(name)
    if found is None:
        raise NotFoundError(
            f"No frame named {name!r}. Frames: "
            + ", ".join(f.name for f in (*FRAMES, RESOURCE_FRAME))
            + "."
        )
    body: bytes = state.cached(
        ("frame", iri_map.public, name), lambda: frame_bytes(found, iri_map.public)
    )
    etag = http.etag_for(state.version, iri_map.public, "frame", hashlib.sha256(body).hexdigest())
    if http.not_modified(request, etag, state.last_modified):
        return http.validators(Response(status=304), etag, state.last_modified)
    response = Response(body, headers={"Content-Type": CONTEXT_TYPE})
    return http.validators(response, etag, state.last_modified)


@bp.route("/catalog", methods=["GET"])
def catalog() -> Response:
    """The DCAT catalogue record (content.catalog), negotiated like the VoID description."""
    state = site()
    iri_map = state.iri_map()
    fmt = conneg.negotiate(
        request.headers.get("Accept"),
        conneg.GRAPH_FORMATS,
        override=conneg.override_of(request.args),
    )
    iri = str(catalog_iri(state.settings.base_iri))

    def quads() -> list[ox.Quad]:
        description = Graph().parse(state.dist / "void.ttl", format="turtle")
        data = Graph().parse(state.dist / "ctc-kg.nt", format="nt")
        graph = describe_catalog(description, data, state.settings.base_iri)
        return render.quads_of(ntriples(graph), conneg.NTRIPLES)

    def make() -> bytes:
        return render.graph(state.cached(("catalog",), quads), fmt, iri_map, state.prefixes)

    body: bytes = state.cached(("catalog", iri_map.public, fmt.name), make)
    etag = http.etag_for(state.version, iri_map.public, iri, fmt.name)
    if http.not_modified(request, etag, state.last_modified):
        response = Response(status=304)
        response.vary.add("Accept")
        return http.validators(response, etag, state.last_modified)
    response = http.negotiated(Response(body), fmt, conneg.GRAPH_FORMATS, iri_map.outward(iri))
    return http.validators(response, etag, state.last_modified)


@bp.route("/health", methods=["GET"])
def health() -> Response:
    state = site()
    status = state.store.health()
    response = jsonify(
        status="ok" if status.ok else "unavailable",
        triples=status.triples,
        backend=status.backend,
        version=state.version,
        message=status.message,
    )
    response.status_code = 200 if status.ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
