"""Blueprint: every IRI under the base dereferences (`B + p` is served at `/p`).

A resource's representation is its concise bounded description from the store; a
document IRI with `#` terms (the ontology, the shapes) stands for all of them. `/` is
the dataset description (RDF) or the landing page (HTML).
"""

from __future__ import annotations

from collections.abc import Callable

from ctc_kg.errors import NotFoundError
from ctc_kg.web import conneg, http, pages, published, render
from ctc_kg.web.conneg import Format
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
    make: Callable[[], bytes],
) -> Response:
    etag = http.etag_for(state.version, iri_map.public, iri, _variant(fmt))
    if http.not_modified(request, etag, state.last_modified):
        response = http.vary(Response(status=304), fmt)
        return http.validators(response, etag, state.last_modified)
    response = Response(make())
    http.negotiated(response, fmt, offered, iri_map.outward(iri))
    return http.validators(response, etag, state.last_modified)


def _remembered(state: Site, key: tuple[str, ...], make: Callable[[], bytes]) -> bytes:
    """A representation computed once per dataset version (the data never changes while
    the server runs); unknown IRIs raise inside `make` and are never remembered."""
    body: bytes = state.cached(key, make)
    return body


@bp.route("/", methods=["GET"])
def landing() -> Response:
    state = site()
    iri_map = state.iri_map()
    fmt = _negotiate(conneg.RESOURCE_FORMATS)

    def make() -> bytes:
        quads = published.description(state, iri_map)
        if fmt is conneg.HTML:
            return pages.landing(iri_map, quads)
        return render.graph(quads, fmt, iri_map, state.prefixes)

    return _respond(state, iri_map, state.settings.base_iri, fmt, conneg.RESOURCE_FORMATS, make)


@bp.route("/.well-known/void", methods=["GET"])
def void() -> Response:
    state = site()
    iri_map = state.iri_map()
    fmt = _negotiate(conneg.GRAPH_FORMATS)
    iri = state.settings.base_iri + ".well-known/void"

    def make() -> bytes:
        quads = published.description(state, iri_map)
        return render.graph(quads, fmt, iri_map, state.prefixes)

    return _respond(state, iri_map, iri, fmt, conneg.GRAPH_FORMATS, make)


@bp.route("/<path:path>", methods=["GET"])
def resource(path: str) -> Response:
    state = site()
    iri_map = state.iri_map()
    iri = state.settings.base_iri + path
    fmt = _negotiate(conneg.RESOURCE_FORMATS)

    def describe() -> bytes:
        direct = fmt is not conneg.HTML and not render.needs_pivot(fmt, iri_map)
        media_type = fmt.media_type if direct else render.GRAPH_PIVOT.media_type
        body = state.store.describe(iri, media_type)
        if body is None:
            raise NotFoundError(
                f"There is no resource <{iri_map.outward(iri)}> in this dataset. "
                f"Try the SPARQL endpoint at {iri_map.public}sparql or the dataset "
                f"description at {iri_map.public}."
            )
        if direct:
            return body
        quads = render.quads_of(body, render.GRAPH_PIVOT)
        if fmt is conneg.HTML:
            return pages.resource(iri_map, iri, quads)
        return render.graph(quads, fmt, iri_map, state.prefixes)

    def make() -> bytes:
        return _remembered(state, ("resource", iri_map.public, iri, _variant(fmt)), describe)

    return _respond(state, iri_map, iri, fmt, conneg.RESOURCE_FORMATS, make)
