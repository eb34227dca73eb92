"""Blueprint: Triple and Quad Pattern Fragments at /fragments (docs/fragments.md).

`/fragments?subject=&predicate=&object=&graph=&page=` answers one page of the quads
matching the pattern (store.fragments), the number of matches, and the Hydra controls
that lead to every other fragment, as the Linked Data Fragments specifications say:

- terms in Hydra's explicit representation: an IRI as it is, a literal in double quotes
  followed by `@lang` or `^^datatype`; a parameter left out (or a `?variable`) is free;
- `graph` left out matches every graph: the default graph (the union of all graphs) and
  each named graph, each quad in the graph that holds it; `graph=` the default graph's
  name (`DEFAULT_GRAPH`, declared with `sd:defaultGraph`) matches the union alone;
- the metadata and controls are about the page, whose IRI is the request's own URL;
  in TriG and N-Quads they sit in their own graph (`<page#metadata>`, whose
  `foaf:primaryTopic` is the page) beside the data, as the LDF server writes them;
- a subject, predicate or graph that is a literal, and a blank node anywhere, match
  nothing (blank node labels are scoped to one document): the fragment is empty.

Fragments are answers computed from the store, cached per data version like the
descriptions (ETag, Last-Modified, and the response cache).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, request

from ctc_kg import formats
from ctc_kg.content.names import FRAGMENTS_PATH
from ctc_kg.errors import BadRequestError
from ctc_kg.formats import Format
from ctc_kg.store.fragments import EMPTY, Fragment, QuadPattern, read_fragment
from ctc_kg.web import conneg, http, outward, pages
from ctc_kg.web.fragment_view import FragmentView, fragment_view
from ctc_kg.web.rewrite import IriMap
from ctc_kg.web.site import Site, site

bp = Blueprint("fragments", __name__)

PATH = FRAGMENTS_PATH
PAGE_SIZE = 100
#: The name the fragments give the default graph (the union of every graph).
DEFAULT_GRAPH = PATH + "#default-graph"
PARAMETERS = ("subject", "predicate", "object", "graph")
TEMPLATE = "{?" + ",".join(PARAMETERS) + "}"
FRAGMENT_FORMATS = (
    formats.HTML,
    formats.TURTLE,
    formats.TRIG,
    formats.NQUADS,
    formats.JSONLD,
    formats.NTRIPLES,
)

HYDRA = "http://www.w3.org/ns/hydra/core#"
VOID = "http://rdfs.org/ns/void#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SD = "http://www.w3.org/ns/sparql-service-description#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
# Hydra's explicit representation of a literal: quotes around the value (not escaped
# inside), then a language tag or `^^` and the datatype IRI.
_LITERAL = re.compile(r'"(.*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(.+))?', re.DOTALL)


class _MatchesNothingError(Exception):
    """A term that no quad of the store can hold in its position."""


@dataclass(frozen=True)
class Selector:
    """A request's pattern (None: it matches nothing), its parameters as given, its page."""

    pattern: QuadPattern | None
    values: Mapping[str, str]
    page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE


def parse_term(value: str, iri_map: IriMap) -> ox.NamedNode | ox.Literal | None:
    """A term in Hydra's explicit representation (None: a variable); BadRequestError for
    one that is not well formed, _MatchesNothingError for a blank node."""
    if not value or value.startswith("?"):
        return None
    if value.startswith("_:"):
        raise _MatchesNothingError
    try:
        if value.startswith('"'):
            found = _LITERAL.fullmatch(value)
            if found is None:
                raise ValueError("a literal is a quoted value, then @lang or ^^datatype")
            text, language, datatype = found.groups()
            if language:
                return ox.Literal(text, language=language)
            if datatype:
                return ox.Literal(text, datatype=ox.NamedNode(iri_map.inward(datatype)))
            return ox.Literal(text)
        return ox.NamedNode(iri_map.inward(value))
    except ValueError as error:
        raise BadRequestError(f"Not an IRI or a literal: {value!r} ({error}).") from error


def _pattern(values: Mapping[str, str], iri_map: IriMap, base_iri: str) -> QuadPattern | None:
    try:
        terms = [parse_term(values.get(name, ""), iri_map) for name in PARAMETERS]
    except _MatchesNothingError:
        return None
    subject, predicate, obj, graph = terms
    if isinstance(subject, ox.Literal) or isinstance(predicate, ox.Literal):
        return None
    if isinstance(graph, ox.Literal):
        return None
    if graph is not None and graph.value == base_iri + DEFAULT_GRAPH:
        return QuadPattern(subject, predicate, obj, ox.DefaultGraph())
    return QuadPattern(subject, predicate, obj, graph)


def parse_selector(args: Mapping[str, list[str]], iri_map: IriMap, base_iri: str) -> Selector:
    """The selector of a request's parameters (each given at most once), or 400."""
    for name in (*PARAMETERS, "page"):
        if len(args.get(name, [])) > 1:
            raise BadRequestError(f"The parameter {name!r} is given more than once.")
    values = {name: args[name][0] for name in PARAMETERS if args.get(name, [""])[0]}
    page_text = args.get("page", ["1"])[0] or "1"
    if not page_text.isdigit() or int(page_text) < 1:
        raise BadRequestError(f"'page' is a page number (1, 2, ...), not {page_text!r}.")
    return Selector(_pattern(values, iri_map, base_iri), values, int(page_text))


def fragment_iri(base_iri: str, values: Mapping[str, str], page: int = 1) -> str:
    """The IRI of a page of the fragment: the template filled in (RFC 6570 encoding)."""
    pairs = [(name, values[name]) for name in PARAMETERS if values.get(name)]
    if page > 1:
        pairs.append(("page", str(page)))
    query = "&".join(f"{name}={quote(value, safe='')}" for name, value in pairs)
    return base_iri + PATH + ("?" + query if query else "")


@dataclass(frozen=True)
class Page:
    """A fragment page and the IRIs (canonical) its metadata names."""

    selector: Selector
    found: Fragment
    iri: str  # this page: the request's own URL
    fragment: str  # the fragment (all its pages)
    base_iri: str
    public_template: str

    def link(self, page: int) -> str:
        return fragment_iri(self.base_iri, self.selector.values, page)


def _request_iri(base_iri: str) -> str:
    """The page's IRI: this request's URL (what the client will look its metadata up by),
    unless it is not a valid IRI (raw bytes a client did not encode)."""
    query = request.query_string.decode("latin-1")
    candidate = base_iri + PATH + ("?" + query if query else "")
    try:
        ox.NamedNode(candidate)
    except ValueError:
        return ""
    return candidate


def metadata(page: Page) -> list[ox.Quad]:
    """The page's metadata and controls, in the graph `<page#metadata>`."""
    graph = ox.NamedNode(page.iri + "#metadata")
    this = ox.NamedNode(page.iri)
    dataset = ox.NamedNode(page.base_iri + "dataset")
    search = ox.BlankNode("tpfsearch")
    found = page.found
    triples: list[tuple[ox.NamedNode | ox.BlankNode, str, ox.NamedNode | ox.BlankNode | ox.Literal]]
    triples = [
        (graph, FOAF + "primaryTopic", this),
        (dataset, RDF + "type", ox.NamedNode(VOID + "Dataset")),
        (dataset, RDF + "type", ox.NamedNode(HYDRA + "Collection")),
        (dataset, VOID + "subset", this),
        (dataset, SD + "defaultGraph", ox.NamedNode(page.base_iri + DEFAULT_GRAPH)),
        (dataset, HYDRA + "search", search),
        (search, RDF + "type", ox.NamedNode(HYDRA + "IriTemplate")),
        (search, HYDRA + "template", ox.Literal(page.public_template)),
        (search, HYDRA + "variableRepresentation", ox.NamedNode(HYDRA + "ExplicitRepresentation")),
    ]
    for name, prop in zip(PARAMETERS, ("subject", "predicate", "object", "graph"), strict=True):
        mapping = ox.BlankNode("tpf" + name)
        triples.append((search, HYDRA + "mapping", mapping))
        triples.append((mapping, HYDRA + "variable", ox.Literal(name)))
        namespace = SD if name == "graph" else RDF
        triples.append((mapping, HYDRA + "property", ox.NamedNode(namespace + prop)))
    if page.fragment != page.iri:
        whole = ox.NamedNode(page.fragment)
        triples += [(dataset, VOID + "subset", whole), (whole, VOID + "subset", this)]
    count = ox.Literal(str(found.count), datatype=XSD_INTEGER)
    triples += [
        (this, RDF + "type", ox.NamedNode(HYDRA + "PartialCollectionView")),
        (this, DCTERMS + "title", ox.Literal("A Linked Data Fragment of ctc-kg", language="en")),
        (this, DCTERMS + "source", dataset),
        (this, HYDRA + "totalItems", count),
        (this, VOID + "triples", count),
        (this, HYDRA + "itemsPerPage", ox.Literal(str(PAGE_SIZE), datatype=XSD_INTEGER)),
        (this, HYDRA + "first", ox.NamedNode(page.link(1))),
    ]
    if page.selector.page > 1:
        triples.append((this, HYDRA + "previous", ox.NamedNode(page.link(page.selector.page - 1))))
    if found.has_next:
        triples.append((this, HYDRA + "next", ox.NamedNode(page.link(page.selector.page + 1))))
    return [ox.Quad(s, ox.NamedNode(p), o, graph) for s, p, o in triples]


def _read(state: Site, selector: Selector) -> Fragment:
    if selector.pattern is None:
        return EMPTY
    with state.query_slot():
        return read_fragment(state.store, selector.pattern, selector.offset, PAGE_SIZE)


@bp.route("/" + PATH, methods=["GET"])
def fragments() -> Response:
    state = site()
    iri_map = state.iri_map()
    base = state.settings.base_iri
    fmt = conneg.negotiate(
        request.headers.get("Accept"), FRAGMENT_FORMATS, override=conneg.override_of(request.args)
    )
    selector = parse_selector(request.args.to_dict(flat=False), iri_map, base)
    version = state.data_version()
    etag = http.etag_for(
        version.tag,
        iri_map.public,
        PATH,
        request.query_string.decode("latin-1"),
        http.variant(request, fmt),
    )
    if http.not_modified(request, etag, version.modified):
        return http.validators(http.vary(Response(status=304), fmt), etag, version.modified)
    fragment = fragment_iri(base, selector.values)
    page = Page(
        selector=selector,
        found=_read(state, selector),
        iri=_request_iri(base) or fragment_iri(base, selector.values, selector.page),
        fragment=fragment,
        base_iri=base,
        public_template=iri_map.outward(base + PATH) + TEMPLATE,
    )
    if fmt is formats.HTML:
        body = pages.fragments(iri_map, _view(page, iri_map))
    else:
        body = serialize([*page.found.quads, *metadata(page)], fmt, iri_map, state.prefixes)
    response = Response(body)
    http.negotiated(response, fmt)
    return http.validators(response, etag, version.modified)


def serialize(
    quads: list[ox.Quad], fmt: Format, iri_map: IriMap, prefixes: Mapping[str, str]
) -> bytes:
    """The fragment in `fmt`. TriG and N-Quads write each quad in its own graph and
    nothing more: a client tells the data (the matches, in the graphs that hold them) from
    the metadata (`<page#metadata>`) by graph, so the convention of the dumps and
    descriptions, which repeat every statement in the default graph, would turn the
    metadata into default-graph data. The other formats hold one graph anyway."""
    if not fmt.datasets:
        return outward.graph(quads, fmt, iri_map, prefixes)
    mapped = [iri_map.quad(quad) for quad in quads]
    chosen = iri_map.prefixes(prefixes) if fmt is formats.TRIG else None
    return ox.serialize(mapped, format=fmt.rdf_format, prefixes=chosen) or b""


def _view(page: Page, iri_map: IriMap) -> FragmentView:
    root = request.script_root + "/" + PATH
    return fragment_view(
        page.found,
        page.selector.values,
        page.selector.page,
        PAGE_SIZE,
        iri_map,
        lambda values, number: root + fragment_iri("", values, number)[len(PATH) :],
        default_graph=page.base_iri + DEFAULT_GRAPH,
    )
