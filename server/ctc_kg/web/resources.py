"""Blueprint: every IRI under the base dereferences (`B + p` is served at `/p`).

A resource's representation is its concise bounded description from the store; a
document IRI with `#` terms (the ontology, the shapes) stands for all of them. `/` is
the dataset description (RDF) or the landing page (HTML).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, request

from ctc_kg import formats
from ctc_kg.content import profiles
from ctc_kg.content.profiles import Profile
from ctc_kg.content.serialize import ntriples
from ctc_kg.errors import NotFoundError
from ctc_kg.formats import Format
from ctc_kg.store.base import Description
from ctc_kg.web import conneg, http, memento, outward, pages, profiled, published
from ctc_kg.web.rewrite import IriMap
from ctc_kg.web.site import Site, site

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
    profile: Profile | None = None,
    listing: str | None = None,
) -> Response:
    """A negotiated representation with its validators; in a `profile` (resources), with
    the profile's headers too (web.http.profiled). The whole answer is kept by the
    response cache (web.response_cache), keyed on the parameters declared here."""
    # Everything in this answer reads the query through the parameters declared here:
    # a link's other parameters (`?utm_source=`) share the answer made without them.
    http.reads_parameters(http.RESOURCE_PARAMETERS)
    version = state.data_version()
    parts = [_variant(fmt)]
    if profile is not None and profile is not profiles.DEFAULT:
        parts.append(profile.token)
    if listing is not None:  # another answer than the description (`?_profile=alt`)
        parts.append(listing)
    etag = http.etag_for(version.tag, iri_map.public, iri, *parts)
    if http.not_modified(request, etag, version.modified):
        response = http.vary(Response(status=304), fmt, profiled=profile is not None)
        return http.validators(response, etag, version.modified)
    made = make()
    response = Response(made.body)
    http.negotiated(response, fmt, offered, iri_map.outward(iri))
    if profile is not None:
        asked = "Accept-Profile" in request.headers or conneg.PROFILE_PARAMETER in request.args
        http.profiled(response, profile, fmt, iri_map.outward(iri), iri_map.public, links=asked)
    if made.cut_at is not None:
        # Never a silent cut (as /sparql for rows): the description says it in its data
        # too (store.description.truncation_note).
        response.headers[http.TRUNCATED_HEADER] = f"true; limit={made.cut_at}"
    return http.validators(response, etag, version.modified)


@dataclass(frozen=True)
class Representation:
    body: bytes
    cut_at: int | None = None  # a description cut at this many incoming links


def _dataset_description(state: Site, iri_map: IriMap) -> list[ox.Quad]:
    """The VoID + DCAT description as served (web.published: the checksums and sizes of
    the files under this public base), with the links to the dataset's releases."""
    links: list[ox.Quad] = state.cached(("release-links",), lambda: memento.version_quads(state))
    return published.description(state, iri_map) + links


@bp.route("/", methods=["GET"])
def landing() -> Response:
    state = site()
    iri_map = state.iri_map()
    fmt = _negotiate(conneg.RESOURCE_FORMATS)

    def make() -> Representation:
        quads = _dataset_description(state, iri_map)
        if fmt is formats.HTML:
            return Representation(pages.landing(iri_map, quads))
        return Representation(outward.graph(quads, fmt, iri_map, state.prefixes))

    base = state.settings.base_iri
    return _respond(state, iri_map, base, fmt, conneg.RESOURCE_FORMATS, make)


@bp.route("/.well-known/void", methods=["GET"])
def void() -> Response:
    state = site()
    iri_map = state.iri_map()
    fmt = _negotiate(formats.GRAPH_FORMATS)
    iri = state.settings.base_iri + ".well-known/void"

    def make() -> Representation:
        quads = _dataset_description(state, iri_map)
        return Representation(outward.graph(quads, fmt, iri_map, state.prefixes))

    return _respond(state, iri_map, iri, fmt, formats.GRAPH_FORMATS, make)


@bp.route("/profile/<token>", methods=["GET"])
def profile(token: str) -> Response:
    """A profile's PROF description (content.profiles); the profile IRI dereferences here."""
    state = site()
    iri_map = state.iri_map()
    if profiles.profile_of(token, state.settings.base_iri) is None:
        raise NotFoundError(
            f"There is no profile {token!r}. Profiles: "
            + ", ".join(p.token for p in profiles.PROFILES)
            + "."
        )
    fmt = _negotiate(formats.GRAPH_FORMATS)
    iri = profiles.profile_iri(state.settings.base_iri, token)

    def make() -> Representation:
        graph = profiles.describe_profiles(state.settings.base_iri)
        quads = outward.quads_of(ntriples(graph), formats.NTRIPLES)
        return Representation(outward.graph(quads, fmt, iri_map, state.prefixes))

    return _respond(state, iri_map, iri, fmt, formats.GRAPH_FORMATS, make)


@bp.route("/<path:path>", methods=["GET"])
def resource(path: str) -> Response:
    # Memento: with Accept-Datetime, the resource's TimeGate answers (web.memento).
    return memento.dereference(path, lambda: _current(path))


def _current(path: str) -> Response:
    state = site()
    iri_map = state.iri_map()
    iri = state.settings.base_iri + path
    if conneg.wants_alternates(request.args):
        return _alternates(state, iri_map, iri)
    chosen = conneg.negotiate_profile(
        request.headers.get("Accept-Profile"),
        conneg.profile_override(request.args),
        (state.settings.base_iri, iri_map.public),
    )
    offered = conneg.PROFILE_FORMATS[chosen.token]
    fmt = _negotiate(offered)

    def make() -> Representation:
        if chosen is not profiles.FULL:
            found = _described(state, iri_map, iri, outward.GRAPH_PIVOT.media_type)
            quads = outward.quads_of(found.body, outward.GRAPH_PIVOT)
            body = profiled.representation(quads, chosen, fmt, iri_map, state.prefixes, iri)
            return Representation(body, found.cut_at)
        direct = fmt is not formats.HTML and not outward.needs_pivot(fmt, iri_map)
        media_type = fmt.media_type if direct else outward.GRAPH_PIVOT.media_type
        found = _described(state, iri_map, iri, media_type)
        if direct:
            return Representation(found.body, found.cut_at)
        quads = outward.quads_of(found.body, outward.GRAPH_PIVOT)
        if fmt is formats.HTML:
            return Representation(pages.resource(iri_map, iri, quads, found.cut_at), found.cut_at)
        body = outward.graph(quads, fmt, iri_map, state.prefixes, about=iri)
        return Representation(body, found.cut_at)

    return _respond(state, iri_map, iri, fmt, offered, make, chosen)


def _described(state: Site, iri_map: IriMap, iri: str, media_type: str) -> Description:
    found = state.store.describe(iri, media_type)
    if found is None:
        raise NotFoundError(
            f"There is no resource <{iri_map.outward(iri)}> in this dataset. "
            f"Try the SPARQL endpoint at {iri_map.public}sparql or the dataset "
            f"description at {iri_map.public}."
        )
    return found


def _alternates(state: Site, iri_map: IriMap, iri: str) -> Response:
    """The list-profiles answer (`?_profile=alt`): the resource's representations, one per
    profile and media type, as a page or in RDF (the recommendation's ALTR model), with
    the same list in the `Link` header. 404 for an IRI the store does not know."""
    fmt = _negotiate(ALTERNATES_FORMATS)
    public = iri_map.public
    url = iri_map.outward(iri)

    def make() -> Representation:
        _described(state, iri_map, iri, formats.NTRIPLES.media_type)
        offered = {p.token: p.media_types for p in profiles.PROFILES}
        default = (profiles.DEFAULT.token, profiles.DEFAULT.media_types[0])
        if fmt is formats.HTML:
            return Representation(pages.alternates(iri_map, iri, _rows()))
        graph = profiles.describe_alternates(state.settings.base_iri, iri, offered, default)
        quads = outward.quads_of(ntriples(graph), formats.NTRIPLES)
        return Representation(outward.graph(quads, fmt, iri_map, state.prefixes))

    response = _respond(
        state, iri_map, iri, fmt, ALTERNATES_FORMATS, make, listing=profiles.ALTERNATES
    )
    response.headers["Link"] = http.alternates_link(None, None, url, public)
    http.add_vary(response.headers, "Accept-Profile")
    return response


#: What a list-profiles request is answered in (HTML first, as the recommendation's
#: examples, then RDF).
ALTERNATES_FORMATS = (
    formats.HTML,
    formats.TURTLE,
    formats.JSONLD,
    formats.NTRIPLES,
    formats.RDFXML,
)


def _rows() -> list[tuple[str, str, str, str]]:
    """(profile link, profile token and title, media type, link) of each representation;
    links stay on this server (root-relative, as the pages' links)."""
    here = request.script_root + request.path
    rows = []
    for item in profiles.PROFILES:
        for fmt in conneg.PROFILE_FORMATS[item.token]:
            query = urlencode({conneg.PROFILE_PARAMETER: item.token, "_mediatype": fmt.media_type})
            described = f"{request.script_root}/profile/{item.token}"
            title = f"{item.token}: {item.title}"
            rows.append((described, title, fmt.media_type, f"{here}?{query}"))
    return rows
