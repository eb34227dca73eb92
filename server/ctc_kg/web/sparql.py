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

from ctc_kg.errors import BadRequestError, ForbiddenError, UnsupportedMediaTypeError
from ctc_kg.formats import Format
from ctc_kg.store.base import QueryRequest
from ctc_kg.store.querytext import Operation, analyse, require_text
from ctc_kg.web import conneg, http, pages, render
from ctc_kg.web.service_description import service_description
from ctc_kg.web.site import site
from flask import Blueprint, Request, Response, request

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
WITHOUT_QUERY_FORMATS = (conneg.HTML, *conneg.GRAPH_FORMATS)
# With a query: the answer in a data format, or as a page (the editor with the answer
# under its form) for a browser; the page comes last, so `*/*` still gets data.
RESULTS_OR_PAGE = (*conneg.RESULTS_FORMATS, conneg.HTML)
GRAPH_OR_PAGE = (*conneg.GRAPH_FORMATS, conneg.HTML)


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
    formats = [value for name, value in pairs if name in ("format", "_mediatype") and value]
    return ProtocolRequest(
        query=queries[0] if queries else None,
        default_graphs=tuple(v for n, v in pairs if n == "default-graph-uri"),
        named_graphs=tuple(v for n, v in pairs if n == "named-graph-uri"),
        override=formats[0] if formats else None,
    )


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def endpoint() -> Response:
    protocol = parse_protocol(request)
    if protocol.query is None:
        return _without_query(protocol.override)
    return _query(protocol)


def _query(protocol: ProtocolRequest) -> Response:
    state = site()
    iri_map = state.iri_map()
    assert protocol.query is not None
    text = iri_map.query_inward(protocol.query)
    analysis = analyse(text)  # once: it travels with the request to the store
    operation = analysis.operation
    results_fmt, graph_fmt, page = _answer_formats(operation, protocol.override)
    etag = None
    if request.method == "GET":
        etag = http.etag_for(
            state.data_version().tag,
            iri_map.public,
            request.query_string.decode("latin-1"),
            http.variant(request, conneg.HTML) if page else "",
            results_fmt.name if results_fmt else "",
            graph_fmt.name if graph_fmt else "",
        )
        if http.not_modified(request, etag, None):
            return _not_modified(etag, conneg.HTML if page else None)
    pivot_results = results_fmt is not None and not iri_map.identity and not page
    pivot_graph = graph_fmt is not None and render.needs_pivot(graph_fmt, iri_map) and not page
    max_rows = state.settings.max_result_rows if state.settings.max_result_rows > 0 else None
    with state.query_slot():
        answer = state.store.query(
            QueryRequest(
                text=text,
                results_media_type=(
                    render.RESULTS_PIVOT.media_type
                    if pivot_results
                    else (results_fmt.media_type if results_fmt else None)
                ),
                graph_media_type=(
                    render.GRAPH_PIVOT.media_type
                    if pivot_graph
                    else (graph_fmt.media_type if graph_fmt else None)
                ),
                default_graph_uris=tuple(iri_map.inward(g) for g in protocol.default_graphs),
                named_graph_uris=tuple(iri_map.inward(g) for g in protocol.named_graphs),
                base_iri=state.settings.base_iri + "sparql",
                max_rows=max_rows,
                analysis=analysis,
            )
        )
    if answer.form.returns_graph:
        assert graph_fmt is not None
        fmt = graph_fmt
        body = answer.body
        if pivot_graph:
            quads = render.quads_of(body, render.GRAPH_PIVOT)
            body = render.graph(quads, fmt, iri_map, state.prefixes)
    else:
        assert results_fmt is not None
        fmt = results_fmt
        body = render.results(answer.body, fmt, iri_map) if pivot_results else answer.body
    if page:
        cut = max_rows if answer.truncated else None
        body = pages.sparql_results(iri_map, protocol.query, body, answer.form.returns_graph, cut)
        fmt = conneg.HTML
    response = Response(body, status=200)
    http.negotiated(response, fmt)
    if answer.truncated:
        # Never a silent cut: the client is told the answer stops at the limit.
        response.headers[TRUNCATED_HEADER] = f"true; limit={max_rows}"
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
    if conneg.HTML is (graph_fmt if graphs else results_fmt):
        # the page shows the store's answer in canonical IRIs, parsed
        return render.RESULTS_PIVOT, render.GRAPH_PIVOT, True
    return results_fmt, graph_fmt, False


def _without_query(override: str | None) -> Response:
    """The editor page for browsers, the Service Description for RDF clients."""
    state = site()
    iri_map = state.iri_map()
    offered = WITHOUT_QUERY_FORMATS
    fmt = conneg.negotiate(request.headers.get("Accept"), offered, override=override)
    example = request.args.get("example") if fmt is conneg.HTML else None
    variant = http.variant(request, fmt)
    etag = http.etag_for(state.version, iri_map.public, "sparql", variant, example or "")
    if http.not_modified(request, etag, state.last_modified):
        return http.validators(http.vary(Response(status=304), fmt), etag)
    if fmt is conneg.HTML:
        body = pages.sparql_editor(iri_map, example)
    else:
        body = state.cached(
            ("sd", iri_map.public, fmt.name),
            lambda: render.graph(
                service_description(state.settings.base_iri), fmt, iri_map, state.prefixes
            ),
        )
    response = Response(body)
    http.negotiated(response, fmt, offered, iri_map.public + "sparql")
    return http.validators(response, etag, state.last_modified)


def _not_modified(etag: str, page: Format | None = None) -> Response:
    response = Response(status=304)
    response.vary.add("Accept")
    if page is not None:
        http.vary(response, page)  # a page varies with the language too
    return http.validators(response, etag)
