"""HTML views: the landing page, resource pages, the ontology and shapes documentation,
the SPARQL editor and error pages, plus the route serving the editor's files (web.assets).

The other blueprints call `landing`, `resource`, `sparql_editor` and `error`; rendering
itself lives in `ctc_kg.web.html` (pure functions of quads). This module only gathers
what a page shows, from the store through the `Store` interface, and the request's
language and links:

- no page reads the whole graph: `ctc_kg.web.html.gather` asks the store a few bounded
  SPARQL queries per page. A resource page starts from the store's description of the
  resource and asks for what that lacks (sources of each passage, disagreements,
  labels, a bounded sample of what points to it); the landing page's aggregates and
  the ontology and shapes documentation are read once per dataset version and kept in
  the Site's cache.
- links to resources under the base stay on this server (root-relative paths);
  the IRIs shown and embedded (JSON-LD) are the public ones (`IriMap.outward`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, after_this_request, request, send_file, url_for

from ctc_kg import formats, iris
from ctc_kg.errors import NotFoundError
from ctc_kg.store.base import QueryRequest
from ctc_kg.web import http
from ctc_kg.web.assets import IMMUTABLE, EditorAssets, editor_assets
from ctc_kg.web.fragment_view import FragmentView
from ctc_kg.web.html import gather
from ctc_kg.web.html.diagram import Diagrams
from ctc_kg.web.html.examples import ExampleQuery, load_examples
from ctc_kg.web.html.landing import LandingTotals
from ctc_kg.web.html.page import Alternate, PageContext
from ctc_kg.web.html.quads import QuadIndex, quad_from_oxigraph
from ctc_kg.web.html.render import Renderer
from ctc_kg.web.html.sparql_results import CellMaker, QueryForm, graph_table, solutions_table
from ctc_kg.web.i18n import choose_language
from ctc_kg.web.rewrite import IriMap
from ctc_kg.web.site import Site, site

bp = Blueprint("pages", __name__)

EXAMPLES_FOLDER = "queries"


@bp.route("/assets/<version>/<path:name>", methods=["GET"])
def editor_asset(version: str, name: str) -> Response:
    """The SPARQL editor's files, cached for a year under a versioned URL (web.assets)."""
    found = _assets(site())
    path = found.files.get(name)
    if version != found.version or path is None:
        raise NotFoundError(f"No file {name!r} in this server's assets version {version!r}.")
    response = send_file(
        path, mimetype=found.media_type(name), conditional=True, etag=found.digests[name]
    )
    response.headers["Cache-Control"] = IMMUTABLE
    return response


def _assets(state: Site) -> EditorAssets:
    return editor_assets(Path(state.settings.root))


# -- what every page needs ---------------------------------------------------------------


def _language() -> str:
    lang = choose_language(request.args.get("lang"), request.headers.get("Accept-Language"))

    @after_this_request
    def vary(response: Response) -> Response:
        http.add_vary(response.headers, "Accept-Language")
        return response

    return lang


def _lang_query(code: str) -> str:
    """This page's query string with `lang=code`: the parameters its answer reads
    (web.http.reads_parameters; all of them when it did not say), so a link's tracking
    parameters are not carried on, and the page is one answer whatever they are."""
    read = http.parameters_read()
    args = [
        (k, v)
        for k, v in request.args.items(multi=True)
        if k != "lang" and (read is None or k in read)
    ]
    return urlencode([*args, ("lang", code)])


def _lang_url(code: str) -> str:
    return request.script_root + request.path + "?" + _lang_query(code)


def _public_lang_url(iri_map: IriMap) -> Callable[[str], str]:
    """This page in another language under the public base (`--public-url`, the trusted
    forwarded headers, else the base IRI): the server's root stands for the base."""

    def url(code: str) -> str:
        return iri_map.public + request.path.removeprefix("/") + "?" + _lang_query(code)

    return url


def _context(state: Site, iri_map: IriMap, alternates: bool = True) -> PageContext:
    base = state.settings.base_iri
    root = request.script_root

    def static(name: str) -> str:
        editor = _assets(state)
        if name in editor.files:
            return root + editor.url_path(name)
        return url_for("static", filename=name)

    other_formats: tuple[Alternate, ...] = ()
    if alternates:
        other_formats = tuple(
            Alternate(
                fmt.media_type,
                fmt.label,
                request.script_root + request.path + "?" + urlencode({"format": fmt.name}),
            )
            for fmt in formats.GRAPH_FORMATS
        )
    return PageContext(
        lang=_language(),
        base_iri=base,
        link=iris.mover(base, root + "/"),  # the server's root stands for the base
        static=static,
        lang_url=_lang_url,
        public_iri=iri_map.outward,
        alternates=other_formats,
        public_lang_url=_public_lang_url(iri_map),
    )


def _renderer(state: Site) -> Renderer:
    renderer: Renderer = state.cached(("pages", "renderer"), Renderer)
    return renderer


def _runner(state: Site) -> gather.Run:
    """Sends a page's SPARQL SELECT to the store and reads its JSON results."""

    def run(text: str) -> Mapping[str, Any]:
        response = state.store.query(
            QueryRequest(
                text,
                results_media_type=formats.RESULTS_JSON.media_type,
                graph_media_type=None,
            )
        )
        found: Mapping[str, Any] = json.loads(response.body)
        return found

    return run


def _vocabulary_index(state: Site) -> QuadIndex:
    """The ontology's and the shapes' graphs (and labels they need), once per version."""
    index: QuadIndex = state.cached(
        ("pages", "vocabulary", state.data_version().tag),
        lambda: QuadIndex(gather.vocabulary(state.settings.base_iri, _runner(state))),
    )
    return index


def _examples(state: Site) -> tuple[ExampleQuery, ...]:
    found: tuple[ExampleQuery, ...] = state.cached(
        ("pages", "examples", state.version),
        lambda: load_examples(state.settings.root / EXAMPLES_FOLDER),
    )
    return found


def _diagram(state: Site, lang: str) -> str | None:
    diagrams: Diagrams = state.cached(
        ("pages", "diagrams", state.data_version().tag),
        lambda: Diagrams(_vocabulary_index(state), state.settings.base_iri),
    )
    return diagrams.svg(lang) or ""


# -- the views the other blueprints call --------------------------------------------------


def resource(iri_map: IriMap, iri: str, quads: list[ox.Quad], cut_at: int | None = None) -> bytes:
    """The page of `iri` (canonical); `quads` is its description from the store, cut at
    `cut_at` incoming links when that is set (the page says so).

    The ontology and shapes documents get their documentation pages.
    """
    state = site()
    ctx = _context(state, iri_map)
    renderer = _renderer(state)
    base = state.settings.base_iri
    if iri in (base + "ontology", base + "shapes"):
        kind = "ontology" if iri == base + "ontology" else "shapes"
        index = _vocabulary_index(state)
        html = renderer.vocabulary(index, ctx, kind, _diagram(state, ctx.lang))
    else:
        facts = gather.resource(iri, quads, base, _runner(state))
        html = renderer.resource(facts.index(), iri, ctx, facts.totals, cut_at)
    return html.encode("utf-8")


def landing(iri_map: IriMap, quads: list[ox.Quad]) -> bytes:
    """The landing page; `quads` is the build's dataset description (sizes, checksums),
    the same for the whole dataset version and public base."""
    state = site()
    ctx = _context(state, iri_map)

    def read() -> tuple[QuadIndex, LandingTotals]:
        facts = gather.landing(state.settings.base_iri, _runner(state))
        described = (quad_from_oxigraph(q) for q in quads)
        return QuadIndex(chain(facts.quads, described)), facts.totals

    # The description states the checksums of the files served at this public base.
    key = ("pages", "landing", state.data_version().tag, iri_map.public)
    index, totals = state.cached(key, read)
    html = _renderer(state).landing(index, ctx, _examples(state), totals)
    return html.encode("utf-8")


def sparql_editor(iri_map: IriMap, example: str | None = None) -> bytes:
    """The editor page; its plain form holds the example query named `example` (its
    slug), or the default query when none is named or known."""
    state = site()
    ctx = _context(state, iri_map, alternates=False)
    examples = _examples(state)
    chosen = [q for q in examples if q.slug == example]
    form = QueryForm(chosen[0].text, title=chosen[0].title(ctx.lang)) if chosen else None
    html = _renderer(state).sparql(ctx, ctx.path("sparql"), examples, iri_map.public, form)
    return html.encode("utf-8")


def sparql_results(
    iri_map: IriMap, query: str, answer: bytes, returns_graph: bool, truncated_at: int | None
) -> bytes:
    """The editor page with `query` in its form and the store's `answer` (canonical IRIs:
    SPARQL JSON results, or N-Quads for a graph) as a table under it."""
    state = site()
    ctx = _context(state, iri_map, alternates=False)
    cell = CellMaker(ctx.link, ctx.public_iri)
    if returns_graph:
        columns = (ctx.t("subject"), ctx.t("predicate"), ctx.t("object"))
        quads = ox.parse(answer, format=ox.RdfFormat.N_QUADS)
        table = graph_table(quads, cell, columns, truncated_at)
    else:
        table = solutions_table(answer, cell, truncated_at)
    form = QueryForm(query, results=table)
    html = _renderer(state).sparql(ctx, ctx.path("sparql"), _examples(state), iri_map.public, form)
    return html.encode("utf-8")


def error(status: int, message: str) -> bytes:
    """An error page; works even when the store is what failed."""
    state = site()
    ctx = _context(state, state.iri_map(), alternates=False)
    return _renderer(state).error(ctx, status, message).encode("utf-8")


def fragments(iri_map: IriMap, view: FragmentView) -> bytes:
    """The page of a Triple/Quad Pattern Fragment (web.fragments)."""
    state = site()
    ctx = _context(state, iri_map, alternates=False)
    return _renderer(state).fragments(ctx, view).encode("utf-8")


def alternates(iri_map: IriMap, iri: str, rows: Sequence[tuple[str, str, str, str]]) -> bytes:
    """The list-profiles page of a resource (`?_profile=alt`, web.resources)."""
    state = site()
    ctx = _context(state, iri_map, alternates=False)
    html = _renderer(state).alternates(ctx, iri_map.outward(iri), rows)
    return html.encode("utf-8")


def releases(entries: list[dict[str, str]], changes: str | None = None) -> bytes:
    """The list of releases (or one release with its readable change summary)."""
    state = site()
    ctx = _context(state, state.iri_map())
    html = _renderer(state)._render("releases.html", ctx, releases=entries, changes=changes)
    return html.encode("utf-8")
