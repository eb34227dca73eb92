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

import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TypeVar

import pyoxigraph as ox

from ctc_kg import formats
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
    answer_media_type,
)
from ctc_kg.store.dataset_echo import allow_dataset_echo
from ctc_kg.store.description import (
    INCOMING_LINK_LIMIT,
    BoundedDescription,
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
from ctc_kg.store.querytext import Operation, check_analysis
from ctc_kg.store.remote_description import RemoteDescriptions
from ctc_kg.store.remote_http import (
    RESULTS_SOURCE,
    SORTED_TOP_REFUSED,
    Endpoint,
    EndpointClient,
    bindings,
)
from ctc_kg.store.remote_results import parse_ntriples, results, serialize
from ctc_kg.store.sparqltokens import Kind, tokens
from ctc_kg.store.version import DataVersion, tag_of

__all__ = ["VERSION_TTL_SECONDS", "Endpoint", "RemoteStore", "endpoint_of", "remote_store"]
SCHEME_PREFIX = "sparql+"
GRAPH_SOURCE = formats.NTRIPLES.media_type
# Media types whose bytes the store produces correctly for CONSTRUCT/DESCRIBE (checked
# against Virtuoso 7.2 in tests/virtuoso); anything else is converted from N-Triples.
GRAPH_PASS_THROUGH = frozenset(
    {formats.TURTLE.media_type, formats.NTRIPLES.media_type, formats.RDFXML.media_type}
)
SWAP_POLL_SECONDS = 0.05
#: How long a version read from the store's manifest is taken as current (`version()`):
#: a `ctc-kg load` into the running store is served at most this long after it
#: completes, and the manifest is asked at most once per this time when nothing else
#: asks it (every query and description reads it anyway; docs/scale-out.md).
VERSION_TTL_SECONDS = 2.0
T = TypeVar("T")


def endpoint_of(spec: str) -> str | None:
    """The endpoint URL of a `--store` value `sparql+http(s)://...`, else None."""
    if spec.startswith(SCHEME_PREFIX):
        url = spec[len(SCHEME_PREFIX) :]
        if urllib.parse.urlsplit(url).scheme in ("http", "https"):
            return url
    return None


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
        self._client = EndpointClient(self.endpoint, connect_timeout)
        self.base_iri = base_iri
        self.prefixes = dict(prefixes)
        self.holder = holder_graph or default_holder_graph(base_iri)
        iri(self.holder)  # fail early on a malformed IRI
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.service_allow_list = tuple(service_allow_list)
        self._lock = threading.Lock()
        self._descriptions = RemoteDescriptions(self._send, self.holder, timeout)
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
        wanted = answer_media_type(request, operation)
        timeout = request.timeout if request.timeout is not None else self.timeout
        # Relative IRIs resolve against the request's base; a BASE in the query, coming
        # later in the prologue, still overrides it. Same line: the store's syntax errors
        # keep the line numbers of the client's text.
        text = f"BASE {iri(request.base_iri)} {request.text}" if request.base_iri else request.text

        limit = request.max_rows

        def run(manifest: Manifest | None) -> tuple[bytes, bool]:
            default, named = _dataset_for(request, manifest)
            if form.returns_graph:
                passes = wanted in GRAPH_PASS_THROUGH and limit is None
                source = wanted if passes else GRAPH_SOURCE
                body = self._send(text, source, default, named, timeout)
                if passes:
                    return body, False
                triples = list(parse_ntriples(body))
                kept = triples if limit is None else triples[:limit]
                return serialize(kept, wanted, self.prefixes), len(kept) < len(triples)
            raw = self._capped_select(
                text, limit if form is QueryForm.SELECT else None, default, named, timeout
            )
            return results(raw, wanted, limit)

        body, truncated = self._consistently(run, timeout)
        return QueryResponse(form=form, body=body, truncated=truncated)

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
        """Asks the store now. A manifest read here is remembered as `version` remembers
        its own reads, so once /health says the store is back, requests are served
        (a failure remembered while it was down no longer answers for it)."""
        try:
            self._send("ASK {}", RESULTS_SOURCE, (), (), self.connect_timeout + 3.0)
            manifest = self.manifest()
        except (StoreUnavailableError, QueryTimeoutError) as error:
            return Health(ok=False, backend="sparql", triples=None, message=str(error))
        self._observed(manifest)
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
        return parse_manifest(self.holder, bindings(body))

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

    def _version_of(self, manifest: Manifest | None) -> DataVersion:
        """The version `manifest` says. Without a manifest (a store `ctc-kg load` did not
        fill) nothing tells when the data changes: one version for as long as none is
        recorded."""
        if manifest is None:
            return DataVersion(tag_of(self.endpoint.url, self.holder, "no load recorded"))
        state = "" if manifest.stable else "swapping"
        return DataVersion(
            tag_of(self.endpoint.url, self.holder, manifest.load_id, state),
            _moment(manifest.modified),
        )

    def _observed(self, manifest: Manifest | None) -> DataVersion:
        """The version `manifest` says, remembered as current when it is settled."""
        version = self._version_of(manifest)
        if manifest is None or manifest.stable:
            with self._lock:
                self._version_seen = (time.monotonic(), version)
                self._version_failed = None
        return version

    # -- concise bounded description (store.remote_description) -------------------------

    def description(
        self, iri_: str, manifest: Manifest | None, incoming_limit: int = INCOMING_LINK_LIMIT
    ) -> list[ox.Quad] | None:
        """The quads of `bounded_description`."""
        found = self.bounded_description(iri_, manifest, incoming_limit)
        return None if found is None else found.quads

    def bounded_description(
        self, iri_: str, manifest: Manifest | None, incoming_limit: int = INCOMING_LINK_LIMIT
    ) -> BoundedDescription | None:
        """`iri_`'s description in the dataset `manifest` records."""
        version = self._version_of(manifest).tag
        return self._descriptions.bounded_description(iri_, manifest, version, incoming_limit)

    # -- HTTP (store.remote_http) -------------------------------------------------------

    def _send(
        self,
        text: str,
        accept: str,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
        timeout: float,
    ) -> bytes:
        """POST one query; return the body or raise the error that says what happened."""
        return self._client.send(text, accept, default_graphs, named_graphs, timeout)


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


def _moment(value: str | None) -> datetime | None:
    """An xsd:dateTime lexical form as an aware datetime (UTC when it names no zone)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


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
