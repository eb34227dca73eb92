"""Blueprint: the SPARQL 1.1 Protocol query service at /sparql (read-only).

GET with `query=`; POST urlencoded; POST direct (`application/sparql-query`);
`default-graph-uri` / `named-graph-uri`. Without a query: the Service Description for
RDF clients, the editor page for browsers. Updates are refused with 403 whatever way
they arrive; a second `query` parameter, a body that is not UTF-8 or a malformed query
get 400; an unsupported Content-Type 415.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from flask import Blueprint, Request, Response, request

from ctc_kg import formats
from ctc_kg.errors import BadRequestError, ForbiddenError, UnsupportedMediaTypeError
from ctc_kg.formats import Format
from ctc_kg.store.base import QueryRequest, QueryResponse
from ctc_kg.store.querytext import Operation, analyse, require_text
from ctc_kg.web import conneg, http, outward, pages
from ctc_kg.web.rewrite import IriMap
from ctc_kg.web.service_description import service_description
from ctc_kg.web.site import Site, site

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
READ_ONLY = "This endpoint is read-only: SPARQL Update operations are not accepted."


@dataclass(frozen=True)
class ProtocolRequest:
    """A protocol request, decoded: the query (None: no query) and its dataset."""

    query: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    override: str | None


MAX_PARAMETERS = 1000
TRUNCATED_HEADER = http.TRUNCATED_HEADER
# Without a query: the editor page or the Service Description (one tuple, so conneg can
# remember the choice per Accept header).
WITHOUT_QUERY_FORMATS = (formats.HTML, *formats.GRAPH_FORMATS)
# With a query: the answer in a data format, or as a page (the editor with the answer
# under its form) for a browser; the page comes last, so `*/*` still gets data.
RESULTS_OR_PAGE = (*formats.RESULTS_FORMATS, formats.HTML)
GRAPH_OR_PAGE = (*formats.GRAPH_FORMATS, formats.HTML)


def _pairs(raw: bytes) -> list[tuple[str, str]]:
    if not raw:  # most POSTs have no query string
        return []
    try:
        return parse_qsl(
            raw.decode("latin-1"),
            keep_blank_values=True,
            errors="strict",
            max_num_fields=MAX_PARAMETERS,
        )
    except UnicodeDecodeError as error:
        raise BadRequestError(f"The parameters are not valid UTF-8: {error}") from error
    except ValueError as error:  # more than MAX_PARAMETERS fields
        raise BadRequestError(
            f"Too many parameters: at most {MAX_PARAMETERS} are accepted."
        ) from error


def parse_protocol(req: Request) -> ProtocolRequest:
    """Decode a protocol request or raise the 4xx error it deserves."""
    pairs = _pairs(req.query_string)
    if req.method == "POST":
        mimetype = req.mimetype
        if mimetype == FORM:
            pairs += _pairs(req.get_data())
        elif mimetype == DIRECT:
            charset = req.mimetype_params.get("charset", "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                raise BadRequestError(f"The query must be encoded in UTF-8, not {charset}.")
            if any(name in ("query", "update") for name, _ in pairs):
                raise BadRequestError("A direct POST carries the query in its body only.")
            pairs.append(("query", require_text(req.get_data())))
        elif mimetype == UPDATE:
            raise ForbiddenError(READ_ONLY)
        else:
            raise UnsupportedMediaTypeError(
                f"POST to /sparql needs Content-Type {FORM} or {DIRECT}"
                + (f", not {mimetype}." if mimetype else "; none was given.")
            )
    names = [name for name, _ in pairs]
    if "update" in names:
        raise ForbiddenError(READ_ONLY)
    queries = [value for name, value in pairs if name == "query"]
    if len(queries) > 1:
        raise BadRequestError("Exactly one 'query' parameter is allowed; several were given.")
    overrides = [value for name, value in pairs if name in ("format", "_mediatype") and value]
    return ProtocolRequest(
        query=queries[0] if queries else None,
        default_graphs=tuple(v for n, v in pairs if n == "default-graph-uri"),
        named_graphs=tuple(v for n, v in pairs if n == "named-graph-uri"),
        override=overrides[0] if overrides else None,
    )


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def endpoint() -> Response:
    protocol = parse_protocol(http.current_request())  # read five times: not the proxy
    if protocol.query is None:
        return _without_query(protocol.override)
    return _query(protocol)


def _query(protocol: ProtocolRequest) -> Response:
    state = site()
    iri_map = state.iri_map()
    assert protocol.query is not None
    text = iri_map.query_inward(protocol.query)
    analysis = analyse(text)  # once: it travels with the request to the store
    results_fmt, graph_fmt, page = _answer_formats(analysis.operation, protocol.override)
    etag = None
    if request.method == "GET":
        etag = _query_etag(state, iri_map, page, results_fmt, graph_fmt)
        if http.not_modified(request, etag, None):
            return _not_modified(etag, formats.HTML if page else None)
    plan = _Plan(
        results_fmt,
        graph_fmt,
        page,
        pivot_results=results_fmt is not None and not iri_map.identity and not page,
        pivot_graph=graph_fmt is not None and outward.needs_pivot(graph_fmt, iri_map) and not page,
    )
    max_rows = state.settings.max_result_rows if state.settings.max_result_rows > 0 else None
    with state.query_slot():
        answer = state.store.query(
            QueryRequest(
                text=text,
                results_media_type=plan.results_media_type(),
                graph_media_type=plan.graph_media_type(),
                default_graph_uris=tuple(iri_map.inward(g) for g in protocol.default_graphs),
                named_graph_uris=tuple(iri_map.inward(g) for g in protocol.named_graphs),
                base_iri=state.settings.base_iri + "sparql",
                max_rows=max_rows,
                analysis=analysis,
            )
        )
    body, fmt = _public_answer(state, iri_map, plan, answer)
    if page:
        cut = max_rows if answer.truncated else None
        body = pages.sparql_results(iri_map, protocol.query, body, answer.form.returns_graph, cut)
        fmt = formats.HTML
    return _query_response(body, fmt, max_rows if answer.truncated else None, etag)


@dataclass(frozen=True)
class _Plan:
    """The formats a query's answer is given in (results or graph; `page`: as the editor
    page) and whether the store answers in the pivot format instead, to be rendered
    again with public IRIs."""

    results: Format | None
    graph: Format | None
    page: bool
    pivot_results: bool
    pivot_graph: bool

    def results_media_type(self) -> str | None:
        if self.pivot_results:
            return outward.RESULTS_PIVOT.media_type
        return self.results.media_type if self.results else None

    def graph_media_type(self) -> str | None:
        if self.pivot_graph:
            return outward.GRAPH_PIVOT.media_type
        return self.graph.media_type if self.graph else None


def _query_etag(
    state: Site, iri_map: IriMap, page: bool, results: Format | None, graph: Format | None
) -> str:
    """A GET query's validator: the data version, the public base, the query string and
    the formats (and the page's variant)."""
    return http.etag_for(
        state.data_version().tag,
        iri_map.public,
        request.query_string.decode("latin-1"),
        http.variant(request, formats.HTML) if page else "",
        results.name if results else "",
        graph.name if graph else "",
    )


def _public_answer(
    state: Site, iri_map: IriMap, plan: _Plan, answer: QueryResponse
) -> tuple[bytes, Format]:
    """The store's answer in the format asked, rendered again with public IRIs when the
    store answered in the pivot format."""
    if answer.form.returns_graph:
        assert plan.graph is not None
        if plan.pivot_graph:
            quads = outward.quads_of(answer.body, outward.GRAPH_PIVOT)
            return outward.graph(quads, plan.graph, iri_map, state.prefixes), plan.graph
        return answer.body, plan.graph
    assert plan.results is not None
    if plan.pivot_results:
        return outward.results(answer.body, plan.results, iri_map), plan.results
    return answer.body, plan.results


def _query_response(
    body: bytes | str, fmt: Format, truncated_at: int | None, etag: str | None
) -> Response:
    response = Response(body, status=200)
    http.negotiated(response, fmt)
    if truncated_at is not None:
        # Never a silent cut: the client is told the answer stops at the limit.
        response.headers[TRUNCATED_HEADER] = f"true; limit={truncated_at}"
    if etag is not None:
        http.validators(response, etag)
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


def _answer_formats(
    operation: Operation, override: str | None
) -> tuple[Format | None, Format | None, bool]:
    """The formats to ask the store for (results, graph) and whether the answer is a
    page; 406 when the client accepts nothing the operation can give."""
    accept = request.headers.get("Accept")
    results_fmt = conneg.choose(accept, RESULTS_OR_PAGE, override=override)
    graph_fmt = conneg.choose(accept, GRAPH_OR_PAGE, override=override)
    graphs = operation in (Operation.CONSTRUCT, Operation.DESCRIBE)
    if operation in (Operation.SELECT, Operation.ASK) and results_fmt is None:
        raise conneg.not_acceptable(RESULTS_OR_PAGE)
    if graphs and graph_fmt is None:
        raise conneg.not_acceptable(GRAPH_OR_PAGE)
    if formats.HTML is (graph_fmt if graphs else results_fmt):
        # the page shows the store's answer in canonical IRIs, parsed
        return outward.RESULTS_PIVOT, outward.GRAPH_PIVOT, True
    return results_fmt, graph_fmt, False


def _without_query(override: str | None) -> Response:
    """The editor page for browsers, the Service Description for RDF clients."""
    state = site()
    iri_map = state.iri_map()
    offered = WITHOUT_QUERY_FORMATS
    fmt = conneg.negotiate(request.headers.get("Accept"), offered, override=override)
    example = request.args.get("example") if fmt is formats.HTML else None
    variant = http.variant(request, fmt)
    etag = http.etag_for(state.version, iri_map.public, "sparql", variant, example or "")
    if http.not_modified(request, etag, state.last_modified):
        return http.validators(http.vary(Response(status=304), fmt), etag)
    if fmt is formats.HTML:
        body = pages.sparql_editor(iri_map, example)
    else:
        body = state.cached(
            ("sd", iri_map.public, fmt.name),
            lambda: outward.graph(
                service_description(state.settings.base_iri), fmt, iri_map, state.prefixes
            ),
        )
    response = Response(body)
    http.negotiated(response, fmt, offered, iri_map.public + "sparql")
    return http.validators(response, etag, state.last_modified)


def _not_modified(etag: str, page: Format | None = None) -> Response:
    response = Response(status=304)
    http.add_vary(response.headers, "Accept")
    if page is not None:
        http.vary(response, page)  # a page varies with the language too
    return http.validators(response, etag)
