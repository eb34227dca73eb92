"""HTML views: the landing page, resource pages, the ontology and shapes documentation,
the SPARQL editor and error pages, plus the route serving YASGUI's files.

The other blueprints call `landing`, `resource`, `sparql_editor` and `error`; rendering
itself lives in `ctc_kg.web.html` (pure functions of quads). This module only gathers
what a page shows, from the store through the `Store` interface, and the request's
language and links:

- a snapshot of the whole dataset (all quads, with their graphs), read once per dataset
  version with one SPARQL query and kept by the Site's cache: the aggregate pages
  (landing, ontology, shapes) draw from it, and resource pages use it for what a
  concise bounded description lacks (sources of each graph, disagreements, labels).
  The dataset is a few thousand quads; a much larger one would need per-page queries.
- links to resources under the base stay on this server (root-relative paths);
  the IRIs shown and embedded (JSON-LD) are the public ones (`IriMap.outward`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
from ctc_kg.store.base import QueryRequest
from ctc_kg.web import conneg
from ctc_kg.web.html.diagram import Diagrams
from ctc_kg.web.html.examples import ExampleQuery, load_examples
from ctc_kg.web.html.page import Alternate, PageContext
from ctc_kg.web.html.quads import Quad, QuadIndex, from_oxigraph, quads_from_sparql_json
from ctc_kg.web.html.render import Renderer
from ctc_kg.web.i18n import choose_language
from ctc_kg.web.rewrite import IriMap
from ctc_kg.web.site import Site, site
from flask import Blueprint, Response, after_this_request, request, send_from_directory, url_for
from rdflib import URIRef

bp = Blueprint("pages", __name__)

YASGUI_BUILD = Path("node_modules") / "@zazuko" / "yasgui" / "build"
YASGUI_FILES = frozenset({"yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map"})
EXAMPLES_FOLDER = "queries"

_FORMAT_LABELS = {
    "ttl": "Turtle",
    "jsonld": "JSON-LD",
    "nt": "N-Triples",
    "rdf": "RDF/XML",
    "trig": "TriG",
    "nq": "N-Quads",
}

SNAPSHOT_QUERY = """SELECT ?s ?p ?o ?g WHERE {
  ?s ?p ?o .
  OPTIONAL { GRAPH ?g { ?s ?p ?o } }
}"""


@bp.route("/static/yasgui/<path:filename>", methods=["GET"])
def yasgui(filename: str) -> Response:
    """YASGUI's own build, installed by `npm ci` (package-lock.json), never from a CDN."""
    if filename not in YASGUI_FILES:
        return Response("Not found\n", status=404, content_type="text/plain; charset=utf-8")
    folder = site().settings.root / YASGUI_BUILD
    return send_from_directory(folder, filename, max_age=86400)


# -- what every page needs ---------------------------------------------------------------


def _language() -> str:
    lang = choose_language(request.args.get("lang"), request.headers.get("Accept-Language"))

    @after_this_request
    def vary(response: Response) -> Response:
        response.vary.add("Accept-Language")
        return response

    return lang


def _lang_url(code: str) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.script_root + request.path + "?" + urlencode([*args, ("lang", code)])


def _context(state: Site, iri_map: IriMap, alternates: bool = True) -> PageContext:
    base = state.settings.base_iri
    root = request.script_root

    def link(iri: str) -> str:
        if iri.startswith(base):
            return root + "/" + iri[len(base) :]
        return iri

    def static(name: str) -> str:
        if name.startswith("yasgui/"):
            return url_for("pages.yasgui", filename=name.removeprefix("yasgui/"))
        return url_for("static", filename=name)

    formats: tuple[Alternate, ...] = ()
    if alternates:
        formats = tuple(
            Alternate(
                fmt.media_type,
                _FORMAT_LABELS.get(fmt.name, fmt.name),
                request.script_root + request.path + "?" + urlencode({"format": fmt.name}),
            )
            for fmt in conneg.GRAPH_FORMATS
        )
    return PageContext(
        lang=_language(),
        base_iri=base,
        link=link,
        static=static,
        lang_url=_lang_url,
        public_iri=iri_map.outward,
        alternates=formats,
    )


def _renderer(state: Site) -> Renderer:
    renderer: Renderer = state.cached(("pages", "renderer"), Renderer)
    return renderer


def _snapshot_quads(state: Site) -> list[Quad]:
    def read() -> list[Quad]:
        response = state.store.query(
            QueryRequest(
                SNAPSHOT_QUERY,
                results_media_type=conneg.RESULTS_JSON.media_type,
                graph_media_type=None,
            )
        )
        return list(quads_from_sparql_json(json.loads(response.body)))

    quads: list[Quad] = state.cached(("pages", "snapshot", state.version), read)
    return quads


def _index(state: Site, *extra: Iterable[Quad]) -> QuadIndex:
    return QuadIndex(chain(_snapshot_quads(state), *extra))


def _examples(state: Site) -> tuple[ExampleQuery, ...]:
    found: tuple[ExampleQuery, ...] = state.cached(
        ("pages", "examples", state.version),
        lambda: load_examples(state.settings.root / EXAMPLES_FOLDER),
    )
    return found


def _diagram(state: Site, lang: str) -> str | None:
    diagrams: Diagrams = state.cached(
        ("pages", "diagrams", state.version),
        lambda: Diagrams(_index(state), state.settings.base_iri),
    )
    return diagrams.svg(lang) or ""


def _converted(quads: Iterable[ox.Quad]) -> Iterator[Quad]:
    index = from_oxigraph(quads)
    for s, p, o in index.triples():
        graphs = index.graphs_of((s, p, o))
        if not graphs:
            yield (s, p, o, None)
        for graph in graphs:
            yield (s, p, o, graph)


# -- the views the other blueprints call --------------------------------------------------


def resource(iri_map: IriMap, iri: str, quads: list[ox.Quad]) -> bytes:
    """The page of `iri` (canonical); `quads` is its description from the store.

    The ontology and shapes documents get their documentation pages.
    """
    state = site()
    ctx = _context(state, iri_map)
    renderer = _renderer(state)
    base = state.settings.base_iri
    index = _index(state)
    subject = URIRef(iri)
    if not index.about(subject) and not index.pointing_to(subject):
        # Not in the snapshot (the store changed since it was read): use the description.
        index = _index(state, _converted(quads))
    if iri in (base + "ontology", base + "shapes"):
        kind = "ontology" if iri == base + "ontology" else "shapes"
        html = renderer.vocabulary(index, ctx, kind, _diagram(state, ctx.lang))
    else:
        html = renderer.resource(index, iri, ctx)
    return html.encode("utf-8")


def landing(iri_map: IriMap, quads: list[ox.Quad]) -> bytes:
    """The landing page; `quads` is the build's dataset description (sizes, checksums)."""
    state = site()
    ctx = _context(state, iri_map)
    index = _index(state, _converted(quads))
    return _renderer(state).landing(index, ctx, _examples(state)).encode("utf-8")


def sparql_editor(iri_map: IriMap) -> bytes:
    state = site()
    ctx = _context(state, iri_map, alternates=False)
    endpoint = ctx.path("sparql")
    html = _renderer(state).sparql(ctx, endpoint, _examples(state), iri_map.public)
    return html.encode("utf-8")


def error(status: int, message: str) -> bytes:
    """An error page; works even when the store is what failed."""
    state = site()
    ctx = _context(state, state.iri_map(), alternates=False)
    return _renderer(state).error(ctx, status, message).encode("utf-8")
