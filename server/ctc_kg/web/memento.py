"""Releases on the web, and Memento (RFC 7089) for every resource.

    /release/                 the releases (HTML, or RDF: DCAT versions, PROV revisions)
    /release/latest           302 to the newest release
    /release/V                one release: its manifest (RDF) or its page with the changes
    /release/V/dump/NAME      the release's frozen files (N-Quads, change set, SHA256SUMS)
    /release/V/PATH           a memento: resource B+PATH as it was in release V
    /timemap/PATH             the TimeMap of B+PATH (application/link-format)

Every resource is its own TimeGate (RFC 7089 section 4.2, pattern 2.2): a GET with
`Accept-Datetime` is answered with 302 to the memento of the release in force at that
moment (the newest made at or before it; the first release for an earlier moment), or
404 when the resource was not in that release. Mementos are read from the frozen release
files (content.releases), never from the store: the same answers over a remote store.
Mementos are RDF only: a page gathers more from the current store than the description.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request
from rdflib import Graph
from rdflib.namespace import DCTERMS
from werkzeug.http import http_date, parse_date

from ctc_kg import formats
from ctc_kg.content.names import dataset_iri
from ctc_kg.content.releases import (
    DCAT,
    FILE_TYPES,
    Release,
    list_releases,
    release_iri,
)
from ctc_kg.errors import BadRequestError, NotFoundError
from ctc_kg.formats import Format
from ctc_kg.store.worker import Worker
from ctc_kg.web import conneg, http, outward, pages
from ctc_kg.web.site import Site, site

bp = Blueprint("memento", __name__)
ACCEPT_DATETIME = "Accept-Datetime"
LINK_FORMAT = "application/link-format"
IMMUTABLE = "public, max-age=31536000, immutable"


def releases(state: Site) -> list[Release]:
    from ctc_kg.content.releases import releases_folder

    found: list[Release] = state.cached(
        ("releases",), lambda: list_releases(releases_folder(state.settings))
    )
    return found


def _release(state: Site, version: str) -> Release:
    for release in releases(state):
        if release.version == version:
            return release
    raise NotFoundError(f"There is no release {version}; the releases are listed at /release/.")


def _worker(state: Site, release: Release) -> Worker:
    def load() -> Worker:
        store = ox.Store()
        store.bulk_load(release.nquads(), format=ox.RdfFormat.N_QUADS)
        return Worker(store, dict(state.prefixes), f"release {release.version}")

    worker: Worker = state.cached(("release-store", release.version), load)
    return worker


def _exists(state: Site, release: Release, iri: str) -> bool:
    try:
        return _worker(state, release).bounded_description(iri, 1) is not None
    except ValueError:
        return False


# -- the TimeGate, hooked into dereferencing (web.resources) -------------------------------


def dereference(path: str, answer: Callable[[], Response]) -> Response:
    """The resource at `path` as usual, or, with Accept-Datetime, its TimeGate's answer;
    either way saying where its TimeMap is and that it varies on Accept-Datetime."""
    state = site()
    if not releases(state):
        return answer()  # no release, no TimeGate: Accept-Datetime is ignored (RFC 7089 4.1)
    response = _timegate(state, path) if ACCEPT_DATETIME in request.headers else answer()
    http.add_vary(response.headers, ACCEPT_DATETIME)
    public = state.iri_map().public
    links = [
        f'<{public}{path}>; rel="original timegate"',
        f'<{public}timemap/{path}>; rel="timemap"; type="{LINK_FORMAT}"',
    ]
    existing = response.headers.get("Link")
    response.headers["Link"] = ", ".join([existing, *links] if existing else links)
    return response


def _timegate(state: Site, path: str) -> Response:
    moment = parse_date(request.headers[ACCEPT_DATETIME])
    if moment is None:
        raise BadRequestError(
            "Accept-Datetime must be an HTTP-date, e.g. 'Thu, 03 Dec 2026 09:00:00 GMT' "
            "(RFC 7089 section 2.1.1)."
        )
    known = releases(state)
    in_force = [r for r in known if r.generated <= moment] or known[:1]
    iri = state.settings.base_iri + path
    if not in_force or not _exists(state, in_force[-1], iri):
        when = http_date(moment)
        return _error(
            NotFoundError(f"There was no resource <{iri}> in the release in force at {when}.")
        )
    target = f"{state.iri_map().public}release/{in_force[-1].version}/{path}"
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    return _found(target)


def _found(target: str) -> Response:
    """302 to `target`: which release answers changes with time, so it is not cached."""
    return Response(status=302, headers={"Location": target, "Cache-Control": "no-cache"})


def _error(error: Exception) -> Response:
    """The app's one error handler's answer, so headers can be added to it."""
    response: Response = current_app.handle_user_exception(error)  # type: ignore[assignment]
    return response


# -- the TimeMap -----------------------------------------------------------------------------


@bp.route("/timemap/<path:path>", methods=["GET"])
def timemap(path: str) -> Response:
    state = site()
    iri = state.settings.base_iri + path
    public = state.iri_map().public
    held = [r for r in releases(state) if _exists(state, r, iri)]
    if not held:
        raise NotFoundError(f"No release holds <{iri}>: it has no TimeMap.")
    links = [
        f'<{public}{path}>; rel="original"',
        f'<{public}{path}>; rel="timegate"',
        f'<{public}timemap/{path}>; rel="self"; type="{LINK_FORMAT}"; '
        f'from="{http_date(held[0].generated)}"; until="{http_date(held[-1].generated)}"',
    ]
    for index, release in enumerate(held):
        rel = " ".join(
            word
            for word, wanted in (("first", index == 0), ("last", index == len(held) - 1))
            if wanted
        )
        rel = f"{rel} memento".strip()
        links.append(
            f'<{public}release/{release.version}/{path}>; rel="{rel}"; '
            f'datetime="{http_date(release.generated)}"'
        )
    response = Response(",\n".join(links) + "\n")
    response.headers["Content-Type"] = LINK_FORMAT
    response.headers["Cache-Control"] = "no-cache"
    return response


# -- releases ----------------------------------------------------------------------------------


@bp.route("/release/", methods=["GET"])
def listing() -> Response:
    state = site()
    known = releases(state)
    fmt = _negotiate((formats.HTML, *formats.GRAPH_FORMATS))
    if fmt is formats.HTML:
        return _page(state, known, None)
    return _rdf(state, _versions_graph(state, known), fmt)


@bp.route("/release/latest", methods=["GET"])
@bp.route("/release/latest/<path:path>", methods=["GET"])
def latest(path: str = "") -> Response:
    state = site()
    known = releases(state)
    if not known:
        raise NotFoundError("No release has been made yet.")
    target = f"{state.iri_map().public}release/{known[-1].version}"
    return _found(target + (f"/{path}" if path else ""))


@bp.route("/release/<version>", methods=["GET"])
def one_release(version: str) -> Response:
    state = site()
    release = _release(state, version)
    fmt = _negotiate((formats.HTML, *formats.GRAPH_FORMATS))
    if fmt is formats.HTML:
        changes = (release.folder / "CHANGES.md").read_text("utf-8")
        return _page(state, [release], changes)
    graph = _versions_graph(state, releases(state), only=release)
    return _rdf(state, graph, fmt)


@bp.route("/release/<version>/dump/<name>", methods=["GET"])
def release_file(version: str, name: str) -> Response:
    release = _release(site(), version)
    if name not in FILE_TYPES or not (release.folder / name).is_file():
        raise NotFoundError(f"Release {version} has no file {name}.")
    response = Response((release.folder / name).read_bytes())
    response.headers["Content-Type"] = FILE_TYPES[name]
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.route("/release/<version>/<path:path>", methods=["GET"])
def memento(version: str, path: str) -> Response:
    state = site()
    release = _release(state, version)
    iri = state.settings.base_iri + path
    fmt = _negotiate(formats.GRAPH_FORMATS)
    public = state.iri_map().public
    headers = {
        "Memento-Datetime": http_date(release.generated),
        "Link": f'<{public}{path}>; rel="original timegate", '
        f'<{public}timemap/{path}>; rel="timemap"; type="{LINK_FORMAT}"',
    }
    found = _worker(state, release).bounded_description(iri)
    if found is None:
        response = _error(NotFoundError(f"Release {version} holds no resource <{iri}>."))
        response.headers.update(headers)
        return response
    body = outward.graph(found.quads, fmt, state.iri_map(), state.prefixes, about=iri)
    response = Response(body, headers=headers)
    http.negotiated(response, fmt)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


def _negotiate(offered: tuple[Format, ...]) -> Format:
    return conneg.negotiate(
        request.headers.get("Accept"), offered, override=conneg.override_of(request.args)
    )


def _versions_graph(state: Site, known: list[Release], only: Release | None = None) -> Graph:
    """The manifests (all, or `only` one), with the links between the versions."""
    graph = _version_links(state.settings.base_iri, known, only)
    for release in known:
        if only is None or release is only:
            graph.parse(release.folder / "release.ttl", format="turtle")
    return graph


def _version_links(base: str, known: list[Release], only: Release | None = None) -> Graph:
    """`dcat:hasVersion` from the dataset, `dcterms:isReplacedBy` from each release to the
    next (a frozen manifest cannot name its successor)."""
    graph = Graph()
    dataset = dataset_iri(base)
    for index, release in enumerate(known):
        iri = release_iri(base, release.version)
        if only is None or release is only:
            graph.add((dataset, DCAT.hasVersion, iri))
            graph.add((iri, DCAT.isVersionOf, dataset))
            if index + 1 < len(known):
                graph.add((iri, DCTERMS.isReplacedBy, release_iri(base, known[index + 1].version)))
    return graph


def version_quads(state: Site) -> list[ox.Quad]:
    """The links from the dataset to its releases, for its VoID + DCAT description."""
    return _quads(_version_links(state.settings.base_iri, releases(state)))


def _quads(graph: Graph) -> list[ox.Quad]:
    triples = ox.parse(
        graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES
    )
    return [ox.Quad(t.subject, t.predicate, t.object) for t in triples]


def _rdf(state: Site, graph: Graph, fmt: Format) -> Response:
    quads = list(
        ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    )
    body = outward.graph(
        [ox.Quad(t.subject, t.predicate, t.object) for t in quads],
        fmt,
        state.iri_map(),
        state.prefixes,
    )
    response = Response(body)
    http.negotiated(response, fmt)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _page(state: Site, shown: list[Release], changes: str | None) -> Response:
    public = state.iri_map().public
    entries = [
        {
            "version": r.version,
            "generated": r.generated.isoformat(),
            "href": f"{request.script_root}/release/{r.version}",
            "iri": f"{public}release/{r.version}",
        }
        for r in reversed(shown)
    ]
    response = Response(pages.releases(entries, changes))
    http.negotiated(response, formats.HTML)
    response.headers["Cache-Control"] = "no-cache"
    return response
