"""Blueprint: the dumps (`/dump/<file>`), the JSON-LD context, and /health.

Dumps are the files of the build folder (published.py), served at their relative name
with their media type, Content-Length, an ETag from their SHA-256 (as SHA256SUMS states
it), Last-Modified, 304 on revalidation, and the prebuilt `.gz` with
`Content-Encoding: gzip` when the client accepts gzip. Only names listed in the folder
are served: no path can leave it. Behind a public URL the dumps are rewritten term by
term (rewrite.IriMap) once per public base and kept in memory, and the checksums follow.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, request
from rdflib import Graph

from ctc_kg import formats
from ctc_kg.content.catalog import catalog_iri, describe_catalog
from ctc_kg.content.context import context_bytes
from ctc_kg.content.frames import FRAMES, RESOURCE_FRAME, frame_bytes, frame_named
from ctc_kg.content.serialize import dataset_from_nquads, ntriples, union_of
from ctc_kg.errors import NotFoundError
from ctc_kg.web import conneg, http, outward, published
from ctc_kg.web.site import site

bp = Blueprint("dumps", __name__)


@bp.route("/dump/<path:name>", methods=["GET"])
def dump(name: str) -> Response:
    state = site()
    files = published.files(state)
    if name not in files:
        raise NotFoundError(f"No dump named {name!r}. Available: {', '.join(n for n in files)}.")
    iri_map = state.iri_map()
    served = name
    if not name.endswith(".gz") and f"{name}.gz" in files and _accepts_gzip():
        served = f"{name}.gz"
    variant = published.variant(state, served, iri_map)
    if http.not_modified(request, variant.etag, state.last_modified):
        response = Response(status=304)
    else:
        response = Response(variant.body)
        response.headers["Content-Type"] = formats.file_content_type(name)
        response.headers["Content-Length"] = str(len(variant.body))
        if served != name:
            response.headers["Content-Encoding"] = "gzip"
    http.add_vary(response.headers, "Accept-Encoding")
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
    response = Response(body, headers={"Content-Type": formats.JSONLD.content_type})
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
    response = Response(body, headers={"Content-Type": formats.JSONLD.content_type})
    return http.validators(response, etag, state.last_modified)


@bp.route("/catalog", methods=["GET"])
def catalog() -> Response:
    """The DCAT catalogue record (content.catalog), negotiated like the VoID description."""
    state = site()
    iri_map = state.iri_map()
    fmt = conneg.negotiate(
        request.headers.get("Accept"),
        formats.GRAPH_FORMATS,
        override=conneg.override_of(request.args),
    )
    iri = str(catalog_iri(state.settings.base_iri))

    def quads() -> list[ox.Quad]:
        # The description's canonical blank-node labels are kept: the same bytes from
        # every worker.
        void = published.files(state)[published.DESCRIPTION_SOURCE].read_text("utf-8")
        description = union_of(dataset_from_nquads(void, state.settings.base_iri))
        data_file = state.dist / formats.file_name(formats.DATA_DUMP, formats.NTRIPLES)
        data = Graph().parse(data_file, format=formats.NTRIPLES.rdflib_name)
        graph = describe_catalog(description, data, state.settings.base_iri)
        return outward.quads_of(ntriples(graph), formats.NTRIPLES)

    def make() -> bytes:
        stated = published.stating_served(state, iri_map, state.cached(("catalog",), quads))
        return outward.graph(stated, fmt, iri_map, state.prefixes)

    body: bytes = state.cached(("catalog", iri_map.public, fmt.name), make)
    etag = http.etag_for(state.version, iri_map.public, iri, fmt.name)
    if http.not_modified(request, etag, state.last_modified):
        response = Response(status=304)
        http.add_vary(response.headers, "Accept")
        return http.validators(response, etag, state.last_modified)
    response = http.negotiated(Response(body), fmt, formats.GRAPH_FORMATS, iri_map.outward(iri))
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
