"""The remote backend: any SPARQL 1.1 endpoint (Virtuoso, Fuseki, GraphDB, Oxigraph
server, QLever), reached through SPARQLWrapper.

- The same policy as the embedded backend runs first (store.querytext.check_query):
  updates and SERVICE outside the allow-list never leave this process.
- The dataset a query sees is the one `ctc-kg load` recorded (store.manifest): the merge
  of ctc-kg's graphs as default graph and its claim graphs as named graphs, passed as
  `default-graph-uri` / `named-graph-uri`; a query with its own FROM, or a request with
  its own dataset, keeps it. Without a manifest the store's own default applies.
  The manifest is read before and after every query, and the answer is kept only if it
  was stable and unchanged: Virtuoso reads without snapshots, and this is what keeps a
  reader from seeing half of a reload (store.manifest, store.load).
- Results come from the store as SPARQL JSON and RDF as N-Triples (the formats every
  store produces correctly); Turtle, N-Triples and RDF/XML answers pass the store's bytes
  through, everything else is re-serialized by pyoxigraph. Virtuoso's TSV is not SPARQL
  TSV, its CSV and XML write blank nodes as `nodeID://...` IRIs, and it has no TriG or
  N-Quads for CONSTRUCT: converting here gives the same answers as the embedded backend.
- The time limit goes to the store (`timeout`, in milliseconds, Virtuoso's "anytime
  query" parameter) and to the socket; Virtuoso answers a timed-out query with 200 and
  `X-SQL-State: S1TAT` over partial results, which is turned into QueryTimeoutError.
- A store that cannot be reached gives StoreUnavailableError at once (connection
  refused) or after a short connect probe once it has failed; the next request that
  reaches it again clears that state, so service resumes by itself.
"""

from __future__ import annotations

import ast
import http.client
import json
import math
import socket
import threading
import time
import urllib.error
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import pyoxigraph as ox
from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from ctc_kg.config import Settings
from ctc_kg.errors import (
    BadRequestError,
    NotAcceptableError,
    QueryTimeoutError,
    StoreUnavailableError,
)
from ctc_kg.store import writing
from ctc_kg.store.base import (
    Description,
    Health,
    QueryForm,
    QueryRequest,
    QueryResponse,
    Store,
)
from ctc_kg.store.dataset_echo import allow_dataset_echo
from ctc_kg.store.description import (
    GRAPH_CONTENT_LIMIT,
    INCOMING_LINK_LIMIT,
    LABEL_PREDICATES,
    BoundedDescription,
    named_nodes,
    truncation_note,
)
from ctc_kg.store.manifest import (
    Manifest,
    default_holder_graph,
    iri,
    manifest_query,
    parse_manifest,
)
from ctc_kg.store.querylimit import at_most
from ctc_kg.store.querytext import Kind, Operation, check_analysis, tokens
from ctc_kg.store.version import DataVersion, tag_of

SCHEME_PREFIX = "sparql+"
RESULTS_SOURCE = "application/sparql-results+json"
GRAPH_SOURCE = "application/n-triples"
# Media types whose bytes the store produces correctly for CONSTRUCT/DESCRIBE (checked
# against Virtuoso 7.2 in tests/virtuoso); anything else is converted from N-Triples.
GRAPH_PASS_THROUGH = frozenset({"text/turtle", "application/n-triples", "application/rdf+xml"})
BLANK_NODE_DEPTH = 4
LABEL_BATCH = 200
USER_AGENT = "ctc-kg (SPARQLWrapper)"
SWAP_POLL_SECONDS = 0.05
#: How long a version read from the store's manifest is taken as current (`version()`):
#: a `ctc-kg load` into the running store is served at most this long after it
#: completes, and the manifest is asked at most once per this time when nothing else
#: asks it (every query and description reads it anyway; docs/scale-out.md).
VERSION_TTL_SECONDS = 2.0
T = TypeVar("T")
HASH_SUBJECTS_QUERY = (
    'SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && CONTAINS(STR(?s), "#")) }'
)


def endpoint_of(spec: str) -> str | None:
    """The endpoint URL of a `--store` value `sparql+http(s)://...`, else None."""
    if spec.startswith(SCHEME_PREFIX):
        url = spec[len(SCHEME_PREFIX) :]
        if urllib.parse.urlsplit(url).scheme in ("http", "https"):
            return url
    return None


@dataclass(frozen=True)
class Endpoint:
    """An endpoint URL without credentials, and the credentials it carried."""

    url: str
    user: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) SPARQL endpoint URL: {url!r}")
        netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        if parts.port is not None:
            netloc += f":{parts.port}"
        clean = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        user = urllib.parse.unquote(parts.username) if parts.username else None
        password = urllib.parse.unquote(parts.password) if parts.password else None
        return cls(clean, user, password)

    @property
    def address(self) -> tuple[str, int]:
        parts = urllib.parse.urlsplit(self.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return parts.hostname or "", port


class RemoteStore(Store):
    """A Store over a SPARQL 1.1 endpoint."""

    def __init__(
        self,
        endpoint: str,
        *,
        base_iri: str,
        prefixes: Mapping[str, str],
        holder_graph: str | None = None,
        timeout: float = 30.0,
        connect_timeout: float = 2.0,
        service_allow_list: Sequence[str] = (),
        version_ttl: float = VERSION_TTL_SECONDS,
    ) -> None:
        allow_dataset_echo()  # every query names its dataset, which Virtuoso echoes
        self.endpoint = Endpoint.parse(endpoint)
        self.base_iri = base_iri
        self.prefixes = dict(prefixes)
        self.holder = holder_graph or default_holder_graph(base_iri)
        iri(self.holder)  # fail early on a malformed IRI
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.service_allow_list = tuple(service_allow_list)
        self._lock = threading.Lock()
        self._unreachable = False
        self._hash_children: tuple[str, dict[str, list[str]]] | None = None
        self.version_ttl = version_ttl
        self._version_seen: tuple[float, DataVersion] | None = None  # (monotonic time, version)
        self._version_failed: tuple[float, str] | None = None  # (monotonic time, why)

    # -- the Store interface -----------------------------------------------------------

    def query(self, request: QueryRequest) -> QueryResponse:
        operation = check_analysis(request.analysed(), self.service_allow_list)
        if operation is Operation.UNKNOWN:
            raise BadRequestError(
                "Malformed query: expected a SELECT, ASK, CONSTRUCT or DESCRIBE query."
            )
        form = QueryForm(operation.value)
        wanted = request.graph_media_type if form.returns_graph else request.results_media_type
        if wanted is None:
            raise NotAcceptableError(
                f"No acceptable media type for the results of a {form.value} query."
            )
        timeout = request.timeout if request.timeout is not None else self.timeout
        # Relative IRIs resolve against the request's base; a BASE in the query, coming
        # later in the prologue, still overrides it. Same line: the store's syntax errors
        # keep the line numbers of the client's text.
        text = f"BASE {iri(request.base_iri)} {request.text}" if request.base_iri else request.text

        limit = request.max_rows

        def run(manifest: Manifest | None) -> tuple[bytes, int | None, bool]:
            default, named = _dataset_for(request, manifest)
            if form.returns_graph:
                passes = wanted in GRAPH_PASS_THROUGH and limit is None
                source = wanted if passes else GRAPH_SOURCE
                body = self._send(text, source, default, named, timeout)
                if passes:
                    return body, None, False
                triples = list(_parse_ntriples(body))
                kept = triples if limit is None else triples[:limit]
                return self._serialize(kept, wanted), len(kept), len(kept) < len(triples)
            raw = self._capped_select(
                text, limit if form is QueryForm.SELECT else None, default, named, timeout
            )
            return _results(raw, wanted, limit)

        body, rows, truncated = self._consistently(run, timeout)
        return QueryResponse(
            form=form, media_type=wanted, body=body, truncated=truncated, row_count=rows
        )

    def _capped_select(
        self,
        text: str,
        limit: int | None,
        default: Sequence[str],
        named: Sequence[str],
        timeout: float,
    ) -> bytes:
        """The store's answer to `text`, asked for one row more than `limit`: the answer,
        and whether it was cut, in one evaluation that computes and sends no more.

        Virtuoso refuses a sorted LIMIT above MaxSortedTopRows (10,000 by default: SR353)
        before evaluating anything; such a query is then sent as written."""
        if limit is None:
            return self._send(text, RESULTS_SOURCE, default, named, timeout)
        try:
            return self._send(at_most(text, limit + 1), RESULTS_SOURCE, default, named, timeout)
        except StoreUnavailableError as error:
            if SORTED_TOP_REFUSED not in str(error):
                raise
        return self._send(text, RESULTS_SOURCE, default, named, timeout)

    def describe(self, iri_: str, media_type: str) -> Description | None:
        found = self._consistently(lambda m: self.bounded_description(iri_, m), self.timeout)
        if found is None:
            return None
        quads = found.quads
        if found.cut_at is not None:
            quads = quads + truncation_note(iri_, found.cut_at)
        fmt = ox.RdfFormat.from_media_type(media_type)
        if fmt is None:
            raise NotAcceptableError(f"Cannot produce {media_type}.")
        body = writing.serialize(quads, fmt, self.prefixes, ox.NamedNode(iri_))
        return Description(body, found.cut_at)

    def version(self) -> DataVersion:
        """The load the manifest records, read again once `version_ttl` has passed since
        the store was last seen settled (by this or by any query, which reads it too).

        Every request asks (the response cache is keyed on it), those served from the
        build too, so a store that does not answer must not hold them: the read has the
        health check's short time limit, and a failure is remembered for `version_ttl`
        (StoreUnavailableError at once meanwhile)."""
        with self._lock:
            seen, failed = self._version_seen, self._version_failed
        now = time.monotonic()
        if seen is not None and now - seen[0] < self.version_ttl:
            return seen[1]
        if failed is not None and now - failed[0] < self.version_ttl:
            raise StoreUnavailableError(failed[1])
        try:
            manifest = self.manifest(self.connect_timeout + 3.0)
        except (StoreUnavailableError, QueryTimeoutError) as error:
            with self._lock:
                self._version_failed = (time.monotonic(), str(error))
            raise
        return self._observed(manifest)

    def health(self) -> Health:
        try:
            self._send("ASK {}", RESULTS_SOURCE, (), (), self.connect_timeout + 3.0)
            manifest = self.manifest()
        except (StoreUnavailableError, QueryTimeoutError) as error:
            return Health(ok=False, backend="sparql", triples=None, message=str(error))
        if manifest is None:
            return Health(
                ok=True,
                backend="sparql",
                triples=None,
                message=f"{self.endpoint.url}: no ctc-kg load recorded for <{self.holder}>",
            )
        message = "" if manifest.stable else "a reload is being swapped in"
        return Health(ok=True, backend="sparql", triples=manifest.triples, message=message)

    def close(self) -> None:
        """Nothing is held open: every request uses its own connection."""

    # -- the dataset of a query, read consistently --------------------------------------

    def manifest(self, timeout: float | None = None) -> Manifest | None:
        """The manifest of the last load, as the store holds it now."""
        text = manifest_query(self.holder)
        body = self._send(text, RESULTS_SOURCE, (), (), timeout or self.timeout)
        return parse_manifest(self.holder, _bindings(body))

    def _consistently(self, run: Callable[[Manifest | None], T], timeout: float) -> T:
        """`run` over the recorded dataset, accepted only if the manifest was stable and
        the same before and after it (so no reload committed in between); retried while
        a reload is being swapped in, up to `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            before = self.manifest(timeout)
            if before is None or before.stable:
                result = run(before)
                if self.manifest(timeout) == before:
                    self._observed(before)
                    return result
            if time.monotonic() >= deadline:
                raise QueryTimeoutError(
                    "A reload of the dataset was being swapped in for the whole time limit."
                )
            time.sleep(SWAP_POLL_SECONDS)

    def _observed(self, manifest: Manifest | None) -> DataVersion:
        """The version `manifest` says, remembered as current when it is settled. Without a
        manifest (a store `ctc-kg load` did not fill) nothing tells when the data changes:
        one version for as long as none is recorded."""
        if manifest is None:
            version = DataVersion(tag_of(self.endpoint.url, self.holder, "no load recorded"))
        else:
            state = "" if manifest.stable else "swapping"
            version = DataVersion(
                tag_of(self.endpoint.url, self.holder, manifest.load_id, state),
                _moment(manifest.modified),
            )
        if manifest is None or manifest.stable:
            with self._lock:
                self._version_seen = (time.monotonic(), version)
                self._version_failed = None
        return version

    # -- concise bounded description ---------------------------------------------------

    def description(
        self, iri_: str, manifest: Manifest | None, incoming_limit: int = INCOMING_LINK_LIMIT
    ) -> list[ox.Quad] | None:
        """The quads of `bounded_description`."""
        found = self.bounded_description(iri_, manifest, incoming_limit)
        return None if found is None else found.quads

    def bounded_description(
        self, iri_: str, manifest: Manifest | None, incoming_limit: int = INCOMING_LINK_LIMIT
    ) -> BoundedDescription | None:
        """The same description as the embedded backend's: outgoing quads of the IRI and
        of its `#` children, the blank nodes they reach (to a bounded depth), the quads of
        at most `incoming_limit` incoming triples, a named graph's own contents, and the
        labels of every IRI named.

        When there are more incoming triples, the first `incoming_limit` by subject and
        predicate (ORDER BY ?s ?p) are kept: SPARQL promises the same answer on every
        request only to a query that orders its LIMIT, and on Virtuoso the order costs
        about a fifth more (1M quads, a hub of 29,353 links: 0.26 s without, 0.32 s
        with). The embedded store keeps the first in its index order instead (sorting
        there costs more than the rest of the description), so the two backends keep
        different samples of a hub, of the same size."""
        node = iri(iri_)
        graphs = manifest.all_graphs if manifest else ()
        roots = " ".join(iri(s) for s in [iri_, *self._hash_children_of(iri_, manifest)])
        branches = [f"{{ VALUES ?s {{ {roots} }} GRAPH ?g {{ ?s ?p ?o }} }}"]
        for depth in range(1, BLANK_NODE_DEPTH + 1):
            chain = [f"VALUES ?r {{ {roots} }}"]
            previous = "?r"
            for level in range(1, depth + 1):
                current = "?s" if level == depth else f"?b{level}"
                chain.append(f"{previous} ?p{level} {current} FILTER(isBlank({current}))")
                previous = current
            branches.append("{ " + " ".join(chain) + " GRAPH ?g { ?s ?p ?o } }")
        branches.append(
            f"{{ {{ SELECT DISTINCT ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p {node} }} }} "
            f"ORDER BY ?s ?p LIMIT {incoming_limit} }} "
            f"GRAPH ?g {{ ?s ?p {node} }} BIND({node} AS ?o) }}"
        )
        branches.append(
            f"{{ {{ SELECT ?s ?p ?o WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }} "
            f"LIMIT {GRAPH_CONTENT_LIMIT} }} BIND({node} AS ?g) }}"
        )
        text = "SELECT ?s ?p ?o ?g WHERE {\n" + "\n UNION ".join(branches) + "\n}"
        found = dict.fromkeys(self._quads(text, graphs))
        if not found:
            return None
        cut = self._cut(iri_, found, incoming_limit, graphs)
        # The holder graph repeats every named graph's triples (the merge); as in the
        # embedded store, a description keeps a triple in its source graphs only.
        in_named = {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in found
            if not isinstance(q.graph_name, ox.DefaultGraph)
        }
        found = {
            q: None
            for q in found
            if not isinstance(q.graph_name, ox.DefaultGraph)
            or ox.Triple(q.subject, q.predicate, q.object) not in in_named
        }
        mentioned = [n.value for n in named_nodes(found) if n.value != iri_]
        # One VALUES block of (resource, label property) pairs: Virtuoso answers it 16
        # times faster than two VALUES blocks, whose product it does not use as an index
        # lookup (200 resources of 1M quads: 0.14 s instead of 2.3 s).
        labels = [iri(p) for p in LABEL_PREDICATES]
        for start in range(0, len(mentioned), LABEL_BATCH):
            pairs = " ".join(
                f"({iri(m)} {label})"
                for m in mentioned[start : start + LABEL_BATCH]
                for label in labels
            )
            text = (
                f"SELECT ?s ?p ?o ?g WHERE {{ VALUES (?s ?p) {{ {pairs} }} "
                "GRAPH ?g { ?s ?p ?o } }"
            )
            found.update(dict.fromkeys(self._quads(text, graphs)))
        return BoundedDescription(list(found), incoming_limit if cut else None)

    def _cut(self, iri_: str, found: Iterable[ox.Quad], limit: int, graphs: Sequence[str]) -> bool:
        """True when more than `limit` triples point to `iri_` (so its description holds
        only `limit` of them). Asked of the store only when the description holds the
        limit: the other resources, nearly all, cost no query."""
        target = ox.NamedNode(iri_)
        if len({(q.subject, q.predicate) for q in found if q.object == target}) < limit:
            return False
        text = (
            "SELECT (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?s ?p WHERE { "
            f"GRAPH ?g {{ ?s ?p {iri(iri_)} }} }} LIMIT {limit + 1} }} }}"
        )
        rows = _bindings(self._send(text, RESULTS_SOURCE, graphs, graphs, self.timeout))
        return bool(rows) and int(rows[0]["n"]["value"]) > limit

    def _hash_children_of(self, iri_: str, manifest: Manifest | None) -> list[str]:
        """Subjects `iri#x`, computed once per load (a full scan, as in the embedded store)."""
        version = manifest.load_id if manifest else ""
        with self._lock:
            cached = self._hash_children
        if cached is None or cached[0] != version:
            graphs = manifest.default_graphs if manifest else ()
            rows = _bindings(
                self._send(
                    HASH_SUBJECTS_QUERY,
                    RESULTS_SOURCE,
                    graphs,
                    (),
                    self.timeout,
                )
            )
            groups: dict[str, list[str]] = {}
            for row in rows:
                subject = row["s"]["value"]
                document, _, fragment = subject.partition("#")
                if fragment:
                    groups.setdefault(document, []).append(subject)
            cached = (version, groups)
            with self._lock:
                self._hash_children = cached
        return cached[1].get(iri_, [])

    def _quads(self, text: str, graphs: Sequence[str]) -> Iterator[ox.Quad]:
        """Run a SELECT ?s ?p ?o ?g over ctc-kg's graphs; the holder graph is the default."""
        rows = _bindings(self._send(text, RESULTS_SOURCE, graphs, graphs, self.timeout))
        for row in rows:
            graph = _term(row["g"])
            graph_name: ox.NamedNode | ox.DefaultGraph = (
                ox.DefaultGraph()
                if isinstance(graph, ox.NamedNode) and graph.value == self.holder
                else graph
            )
            yield ox.Quad(_term(row["s"]), _term(row["p"]), _term(row["o"]), graph_name)

    def _serialize(self, quads: list[ox.Quad], media_type: str) -> bytes:
        fmt = ox.RdfFormat.from_media_type(media_type)
        if fmt is None:
            raise NotAcceptableError(f"Cannot produce {media_type}.")
        items: list[Any]
        if fmt.supports_datasets:
            items = quads
        else:
            items = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
        with_prefixes = fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)
        body = ox.serialize(items, format=fmt, prefixes=self.prefixes if with_prefixes else None)
        return body or b""

    # -- HTTP --------------------------------------------------------------------------

    def _send(
        self,
        text: str,
        accept: str,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
        timeout: float,
    ) -> bytes:
        """POST one query; return the body or raise the error that says what happened."""
        if self._unreachable:
            self._probe()
        wrapper = SPARQLWrapper(self.endpoint.url, agent=USER_AGENT)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)
        wrapper.setQuery(text)
        wrapper.addCustomHttpHeader("Accept", accept)
        wrapper.addParameter("timeout", str(max(1, round(timeout * 1000))))
        for graph in default_graphs:
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs:
            wrapper.addNamedGraph(graph)
        if self.endpoint.user and self.endpoint.password:
            wrapper.setCredentials(self.endpoint.user, self.endpoint.password)
        # The store stops the query itself; the socket waits a little longer for its answer.
        wrapper.setTimeout(math.ceil(timeout + max(2.0, timeout / 2)))
        try:
            result = wrapper.query()
            body: bytes = result.response.read()
            headers = result.response.headers  # case-insensitive, unlike result.info()
        except QueryBadFormed as error:
            raise BadRequestError(f"Malformed query: {_message(error)}") from error
        except URITooLong as error:
            raise BadRequestError(f"The query is too long: {_message(error)}") from error
        except EndPointInternalError as error:
            message = _message(error)
            if _is_timeout(message):
                raise QueryTimeoutError(
                    f"The query did not finish within {timeout:g} s and was stopped."
                ) from error
            raise StoreUnavailableError(f"The SPARQL store failed: {message}") from error
        except (EndPointNotFound, Unauthorized) as error:
            raise StoreUnavailableError(
                f"The SPARQL store refused the request: {_message(error)}"
            ) from error
        except urllib.error.HTTPError as error:
            raise StoreUnavailableError(
                f"The SPARQL store answered {error.code}: {_message(error)}"
            ) from error
        except SPARQLWrapperException as error:
            raise StoreUnavailableError(f"The SPARQL store failed: {error}") from error
        except TimeoutError as error:
            raise QueryTimeoutError(
                f"The SPARQL store did not answer within {timeout:g} s."
            ) from error
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            self._unreachable = True
            raise StoreUnavailableError(
                f"The SPARQL store at {self.endpoint.url} cannot be reached: {_reason(error)}"
            ) from error
        self._unreachable = False
        if headers.get("X-SQL-State", "").startswith("S1TAT"):
            raise QueryTimeoutError(
                f"The query did not finish within {timeout:g} s and was stopped."
            )
        return body

    def _probe(self) -> None:
        """After a failure: a short TCP connect, so a dead store answers 503 quickly."""
        try:
            with socket.create_connection(self.endpoint.address, timeout=self.connect_timeout):
                pass
        except OSError as error:
            raise StoreUnavailableError(
                f"The SPARQL store at {self.endpoint.url} cannot be reached: {_reason(error)}"
            ) from error


# -- helpers ---------------------------------------------------------------------------


def _dataset_for(
    request: QueryRequest, manifest: Manifest | None
) -> tuple[Sequence[str], Sequence[str]]:
    """The request's own dataset, the query's FROM clauses, or ctc-kg's graphs."""
    if request.default_graph_uris or request.named_graph_uris:
        return request.default_graph_uris, request.named_graph_uris
    if _has_dataset_clause(request.text) or manifest is None:
        return (), ()
    return manifest.default_graphs, manifest.named_graphs


def _has_dataset_clause(text: str) -> bool:
    """True when the query names its own dataset (FROM / FROM NAMED)."""
    return any(t.kind is Kind.WORD and t.text.upper() == "FROM" for t in tokens(text))


def _message(error: BaseException) -> str:
    """The store's own message, without the query text Virtuoso echoes after it."""
    if isinstance(error, urllib.error.HTTPError):
        text = error.read().decode("utf-8", "replace")
    else:
        # SPARQLWrapper keeps the response only as the repr() of its bytes in the message.
        text = str(error)
        _, found, raw = text.partition("\n\nResponse:\n")
        if found:
            try:
                value = ast.literal_eval(raw)
            except (ValueError, SyntaxError):
                value = raw
            text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return text.split("\n\nSPARQL query:", 1)[0].strip()


SORTED_TOP_REFUSED = "SR353"  # Virtuoso: "Sorted TOP clause specifies more then N rows"


def _is_timeout(message: str) -> bool:
    """Virtuoso's codes for a query stopped by a time limit, or refused because its
    estimated time exceeds MaxQueryCostEstimationTime."""
    markers = ("S1TAT", "SR171", "S1T00", "estimated execution time")
    return any(marker in message for marker in markers)


def _reason(error: BaseException) -> str:
    reason = getattr(error, "reason", None)
    return str(reason if reason is not None else error)


def _bindings(body: bytes) -> list[dict[str, dict[str, str]]]:
    try:
        data = json.loads(body)
    except ValueError as error:
        raise StoreUnavailableError(f"The SPARQL store sent unreadable results: {error}") from error
    rows: list[dict[str, dict[str, str]]] = data.get("results", {}).get("bindings", [])
    return rows


def _moment(value: str | None) -> datetime | None:
    """An xsd:dateTime lexical form as an aware datetime (UTC when it names no zone)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _blank_label(value: str) -> str:
    """Virtuoso names blank nodes `nodeID://b1234` in results; keep a valid label."""
    label = value.rsplit("/", 1)[-1] if value.startswith("nodeID://") else value
    return label if label and label.replace("_", "").replace("-", "").isalnum() else "b" + label


def _term(binding: Mapping[str, str]) -> Any:
    kind = binding["type"]
    value = binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(_blank_label(value))
    language = binding.get("xml:lang")
    if language:
        return ox.Literal(value, language=language)
    datatype = binding.get("datatype")
    if datatype:
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


def _fix_blank_nodes(data: Any) -> Any:
    """SPARQL JSON results with Virtuoso's `nodeID://` blank node labels made valid."""
    for row in data.get("results", {}).get("bindings", []):
        for binding in row.values():
            if binding.get("type") == "bnode":
                binding["value"] = _blank_label(binding["value"])
            if binding.get("type") == "typed-literal":  # the pre-2013 JSON spelling
                binding["type"] = "literal"
    return data


def _results(raw: bytes, media_type: str, limit: int | None) -> tuple[bytes, int | None, bool]:
    """SPARQL JSON from the store as `media_type`, serialized by pyoxigraph, with at most
    `limit` solutions; also the number of solutions and whether some were left out."""
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    if fmt is None:
        raise NotAcceptableError(f"Cannot produce {media_type}.")
    try:
        data = _fix_blank_nodes(json.loads(raw))
        rows: int | None = None
        truncated = False
        if "results" in data:
            bindings = data["results"].get("bindings", [])
            truncated = limit is not None and len(bindings) > limit
            if truncated:
                data["results"]["bindings"] = bindings = bindings[:limit]
            rows = len(bindings)
        parsed = ox.parse_query_results(
            json.dumps(data).encode("utf-8"), format=ox.QueryResultsFormat.JSON
        )
    except (ValueError, SyntaxError) as error:
        raise StoreUnavailableError(f"The SPARQL store sent unreadable results: {error}") from error
    return parsed.serialize(format=fmt) or b"", rows, truncated


def _parse_ntriples(body: bytes) -> Iterator[ox.Quad]:
    try:
        yield from ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as error:
        raise StoreUnavailableError(f"The SPARQL store sent unreadable RDF: {error}") from error


def remote_store(settings: Settings, prefixes: Mapping[str, str]) -> RemoteStore:
    """The RemoteStore a `--store sparql+http(s)://...` setting asks for.

    The URL's fragment may name the holder graph of the default graph's triples
    (`sparql+http://host:8890/sparql#https://example.org/graph/default`), for a dataset
    loaded with `ctc-kg load --graph`.
    """
    endpoint = endpoint_of(settings.store)
    if endpoint is None:
        raise ValueError(f"not a remote store: {settings.store!r} (use sparql+http://...)")
    url, _, holder = endpoint.partition("#")
    return RemoteStore(
        url,
        base_iri=settings.base_iri,
        prefixes=prefixes,
        holder_graph=holder or None,
        timeout=settings.query_timeout,
        service_allow_list=settings.service_allow_list,
    )
