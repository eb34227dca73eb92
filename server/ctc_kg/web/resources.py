"""Blueprint: every IRI under the base dereferences (`B + p` is served at `/p`).

A resource's representation is its concise bounded description from the store; a
document IRI with `#` terms (the ontology, the shapes) stands for all of them. `/` is
the dataset description (RDF) or the landing page (HTML).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
from ctc_kg.errors import NotFoundError
from ctc_kg.web import conneg, http, memento, pages, render
from ctc_kg.web.conneg import Format
from ctc_kg.web.descriptions import dataset_description
from ctc_kg.web.rewrite import IriMap
from ctc_kg.web.site import Site, site
from flask import Blueprint, Response, request

bp = Blueprint("resources", __name__)


def _negotiate(offered: tuple[Format, ...]) -> Format:
    return conneg.negotiate(
        request.headers.get("Accept"), offered, override=conneg.override_of(request.args)
    )


def _variant(fmt: Format) -> str:
    return http.variant(request, fmt)


def _respond(
    state: Site,
    iri_map: IriMap,
    iri: str,
    fmt: Format,
    offered: tuple[Format, ...],
    make: Callable[[], Representation],
) -> Response:
    version = state.data_version()
    etag = http.etag_for(version.tag, iri_map.public, iri, _variant(fmt))
    if http.not_modified(request, etag, version.modified):
        response = http.vary(Response(status=304), fmt)
        return http.validators(response, etag, version.modified)
    made = make()
    response = Response(made.body)
    http.negotiated(response, fmt, offered, iri_map.outward(iri))
    if made.cut_at is not None:
        # Never a silent cut (as /sparql for rows): the description says it in its data
        # too (store.description.truncation_note).
        response.headers[http.TRUNCATED_HEADER] = f"true; limit={made.cut_at}"
    return http.validators(response, etag, version.modified)


@dataclass(frozen=True)
class Representation:
    body: bytes
    cut_at: int | None = None  # a description cut at this many incoming links


def _remembered(
    state: Site, key: tuple[str, ...], make: Callable[[], Representation]
) -> Representation:
    """A representation computed once per data version; unknown IRIs raise inside `make`
    and are never remembered."""
    found: Representation = state.cached((state.data_version().tag, *key), make)
    return found


def _dataset_description(state: Site) -> list[ox.Quad]:
    """The build's VoID + DCAT description, with the links to the dataset's releases."""

    def make() -> list[ox.Quad]:
        return dataset_description(state.dist) + memento.version_quads(state)

    found: list[ox.Quad] = state.cached(("void",), make)
    return found


@bp.route("/", methods=["GET"])
def landing() -> Response:
    state = site()
    iri_map = state.iri_map()
    fmt = _negotiate(conneg.RESOURCE_FORMATS)

    def make() -> Representation:
        quads = _dataset_description(state)
        if fmt is conneg.HTML:
            return Representation(pages.landing(iri_map, quads))
        return Representation(render.graph(quads, fmt, iri_map, state.prefixes))

    return _respond(state, iri_map, state.settings.base_iri, fmt, conneg.RESOURCE_FORMATS, make)


@bp.route("/.well-known/void", methods=["GET"])
def void() -> Response:
    state = site()
    iri_map = state.iri_map()
    fmt = _negotiate(conneg.GRAPH_FORMATS)
    iri = state.settings.base_iri + ".well-known/void"

    def make() -> Representation:
        quads = _dataset_description(state)
        return Representation(render.graph(quads, fmt, iri_map, state.prefixes))

    return _respond(state, iri_map, iri, fmt, conneg.GRAPH_FORMATS, make)


@bp.route("/<path:path>", methods=["GET"])
def resource(path: str) -> Response:
    # Memento: with Accept-Datetime, the resource's TimeGate answers (web.memento).
    return memento.dereference(path, lambda: _current(path))


def _current(path: str) -> Response:
    state = site()
    iri_map = state.iri_map()
    iri = state.settings.base_iri + path
    fmt = _negotiate(conneg.RESOURCE_FORMATS)

    def describe() -> Representation:
        direct = fmt is not conneg.HTML and not render.needs_pivot(fmt, iri_map)
        media_type = fmt.media_type if direct else render.GRAPH_PIVOT.media_type
        found = state.store.describe(iri, media_type)
        if found is None:
            raise NotFoundError(
                f"There is no resource <{iri_map.outward(iri)}> in this dataset. "
                f"Try the SPARQL endpoint at {iri_map.public}sparql or the dataset "
                f"description at {iri_map.public}."
            )
        if direct:
            return Representation(found.body, found.cut_at)
        quads = render.quads_of(found.body, render.GRAPH_PIVOT)
        if fmt is conneg.HTML:
            return Representation(pages.resource(iri_map, iri, quads, found.cut_at), found.cut_at)
        body = render.graph(quads, fmt, iri_map, state.prefixes, about=iri)
        return Representation(body, found.cut_at)

    def make() -> Representation:
        return _remembered(state, ("resource", iri_map.public, iri, _variant(fmt)), describe)

    return _respond(state, iri_map, iri, fmt, conneg.RESOURCE_FORMATS, make)
