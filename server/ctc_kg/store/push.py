"""What `ctc-kg load --endpoint URL [--graph IRI]` does (commands.run_load): push the
validated dataset into a SPARQL 1.1 store with SPARQL Update, so that readers see the old
dataset or the new one, never a mixture.

How the dataset maps onto the store (docs/scale-out.md):
- each named graph (one per source passage, plus the ontology and the shapes) keeps
  its name, so provenance queries (`GRAPH ?g`) work unchanged;
- the *holder* graph `--graph` (default `B graph/default`) gets the RDF merge of all
  graphs (the default graph's triples and every named graph's, each once): the default
  graph of every query, as in the embedded store;
- a manifest graph (store.manifest) lists them; the remote backend scopes every query
  to them, which hides the store's own graphs (Virtuoso's system graphs) and any
  temporary graph.

Steps (each request within Virtuoso's limits on a request's size and time: store.updates):
1. every target graph is written into a fresh temporary graph `<g>-tmp-<random>`, in
   `INSERT DATA` requests of a few thousand triples that many small graphs share. A
   blank node is one node in every graph that holds it (the holder's merge shares its
   blank nodes with the named graphs, as in the embedded store), but an update puts a
   fresh node behind a label for each graph it is written to (and Virtuoso fails an
   `INSERT {...} WHERE {}` that names two graphs). So the quads with blank nodes are
   written, one resource per quad (`q:s`, `q:p`, `q:o`, `q:g`), into a scratch graph
   with `INSERT {...} WHERE {}` (Virtuoso refuses blank nodes in INSERT DATA; quads
   linked by a blank node share a chunk, so it stays one node), and copied onto their
   graphs during the swap by one `INSERT { GRAPH ?g {...} } WHERE {...}`, which keeps
   each node's identity;
2. the manifest is marked Active (a swap is under way), listing old + new graphs;
3. the temporary graphs are moved onto their targets (`MOVE` replaces the target) and
   the graphs the new dataset no longer has are dropped, a couple of hundred graphs per
   request (Virtuoso compiles a request into one SQL text of at most 10,000 lines: a
   thousand graphs in one request failed); a graph too large to move in one
   transaction (IN_PLACE_TRIPLES: the holder of a large dataset) is dropped and written
   again in chunks instead, and the quads with blank nodes are copied from the scratch
   graph;
4. the new load is recorded, the manifest marked Completed by a request of its own.
   Readers (store.remote) accept an answer only when the manifest said Completed with
   the same load id before and after their query, so they see the old dataset or the
   new one, never the mixture that Virtuoso (which reads without snapshots) holds
   during step 3;
5. on a failure before step 3 the temporary graphs are dropped and the manifest
   restored; during step 3 the manifest stays Active (readers wait, then time out)
   until a load completes: run `ctc-kg load` again.

HTTP goes through urllib with a private opener (digest and basic authentication):
SPARQLWrapper installs its digest handler process-wide, which a library must not do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import pyoxigraph as ox

from ctc_kg import formats
from ctc_kg.errors import StoreUnavailableError
from ctc_kg.store.manifest import (
    Manifest,
    iri,
    manifest_graph,
    manifest_query,
    named_graph_count_query,
    parse_manifest,
)
from ctc_kg.store.remote import Endpoint, endpoint_of
from ctc_kg.store.updates import (
    IN_PLACE_TRIPLES,
    blank_chunks,
    drop_requests,
    has_blank,
    insert_request,
    manifest_requests,
    staging_requests,
    swap_requests,
    target_graphs,
    unpack_request,
)

MANIFEST_PAGE = 5_000  # rows of the manifest asked for at once


class LoadFailedError(StoreUnavailableError):
    """The store refused or failed an update; the message says which and why."""


@dataclass(frozen=True)
class LoadResult:
    graphs: int
    triples: int
    removed: tuple[str, ...]
    load_id: str


class UpdateClient:
    """SPARQL Update (and the few queries the loader needs) over one endpoint."""

    def __init__(
        self, endpoint: Endpoint, user: str | None, password: str | None, timeout: float
    ) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        handlers: list[urllib.request.BaseHandler] = []
        if user and password:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(None, endpoint.url, user, password)
            handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
            handlers.append(urllib.request.HTTPBasicAuthHandler(manager))
        self._opener = urllib.request.build_opener(*handlers)

    def update(self, text: str) -> None:
        self._post({"update": text}, "text/plain, */*;q=0.1")

    def select(self, text: str) -> list[dict[str, dict[str, str]]]:
        body = self._post({"query": text}, formats.RESULTS_JSON.media_type)
        try:
            rows: list[dict[str, dict[str, str]]] = json.loads(body)["results"]["bindings"]
        except (ValueError, KeyError, TypeError) as error:
            raise LoadFailedError(
                f"{self.endpoint.url} sent unreadable SPARQL results: {error}"
            ) from error
        return rows

    def _post(self, form: Mapping[str, str], accept: str) -> bytes:
        data = urllib.parse.urlencode(form).encode("utf-8")
        # Endpoint.parse admits only http and https URLs.
        request = urllib.request.Request(self.endpoint.url, data=data, method="POST")  # noqa: S310
        request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        request.add_header("Accept", accept)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as error:
            raise _http_error(error, self.endpoint.url) from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise StoreUnavailableError(
                f"cannot reach the SPARQL store at {self.endpoint.url}: {reason}"
            ) from error


def _http_error(error: urllib.error.HTTPError, url: str) -> LoadFailedError:
    text = error.read().decode("utf-8", "replace").split("\n\nSPARQL query:", 1)[0].strip()
    if error.code in (401, 403):
        return LoadFailedError(
            f"{url} refused the update ({error.code}): give a user allowed to update "
            f"(CTC_KG_ENDPOINT_USER / CTC_KG_ENDPOINT_PASSWORD, or user:password@ in the URL)"
            + (f": {text}" if text else "")
        )
    return LoadFailedError(f"{url} answered {error.code}: {text[:2000]}")


# -- the load --------------------------------------------------------------------------


def push(
    quads: Sequence[ox.Quad],
    client: UpdateClient,
    holder: str,
    *,
    log: Callable[[str], None] = lambda _: None,
) -> LoadResult:
    """Replace what the store holds for `holder` by `quads` (see the module docstring)."""
    iri(holder)
    graphs = target_graphs(quads, holder)
    union = len({ox.Triple(q.subject, q.predicate, q.object) for q in quads})
    previous = read_manifest(client, holder)
    load_id = secrets.token_hex(8)
    in_place = sorted(name for name, triples in graphs.items() if len(triples) > IN_PLACE_TRIPLES)
    moves = {name: f"{name}-tmp-{load_id}" for name in graphs if name not in in_place}
    scratch = f"{holder}-tmp-{load_id}-blank-nodes"
    named = tuple(sorted(name for name in graphs if name != holder))
    old = previous.named_graphs if previous else ()
    removed = tuple(sorted(set(old) - set(graphs)))  # graphs the new dataset no longer has
    done = Manifest(holder, named, union, load_id, stable=True)
    moving = swapped = False
    try:
        _stage(client, graphs, moves, scratch, log)
        marked = Manifest(
            holder,
            tuple(sorted({*old, *named})),
            previous.triples if previous else union,
            previous.load_id if previous else load_id,
            stable=False,
        )
        _send(client, manifest_requests(marked, _now()))
        moving = True
        swap = swap_requests(moves, removed)
        _send(client, swap)
        log(f"swapped {len(moves)} graphs in, {len(removed)} out ({len(swap)} requests)")
        for name in in_place:
            rewrite = [f"DROP SILENT GRAPH {iri(name)}", *staging_requests([_plain(graphs, name)])]
            _send(client, rewrite)
            log(f"rewrote <{name}> in place ({len(rewrite)} requests)")
        if any(has_blank(t) for triples in graphs.values() for t in triples):
            client.update(unpack_request(scratch))
        swapped = True
        _send(client, manifest_requests(done, _now()))
    except BaseException as error:
        _drop_quietly(client, [*moves.values(), scratch])
        if swapped:  # the new dataset is all there: record it
            _quietly(client, manifest_requests(done, _now()))
        elif moving:  # part of it is: the manifest stays Active, readers keep waiting
            if isinstance(error, StoreUnavailableError):
                raise LoadFailedError(
                    f"{error}; the swap stopped part-way, so the store holds part of the new "
                    "dataset: its manifest says a reload is under way (readers wait, then "
                    "time out) until `ctc-kg load` is run again"
                ) from error
        elif previous is not None:  # none of it is: the previous load stands
            _quietly(client, manifest_requests(replace(previous, stable=True), _now()))
        else:
            _quietly(client, [f"DROP SILENT GRAPH {iri(manifest_graph(holder))}"])
        raise
    return LoadResult(len(graphs), union, removed, load_id)


def read_manifest(client: UpdateClient, holder: str) -> Manifest | None:
    """The manifest of the last load into `holder`, read in pages: a store caps the rows
    of one answer (Virtuoso's ResultSetMaxRows, 10,000 by default, so a manifest of the
    1M bench's 41,465 graphs came back cut), and the manifest has a row per graph. The
    pages are unordered (Virtuoso refuses ORDER BY beyond its sort limit), so their
    graphs are checked against the manifest's own count."""
    rows: list[dict[str, dict[str, str]]] = []
    while page := client.select(
        f"{manifest_query(holder)} LIMIT {MANIFEST_PAGE} OFFSET {len(rows)}"
    ):  # pages as long as the store's cap, whatever it is, until one is empty
        rows += page
    manifest = parse_manifest(holder, rows)
    if manifest is None:
        return None
    counted = client.select(named_graph_count_query(holder))
    expected = int(counted[0]["n"]["value"]) if counted else 0
    if len(manifest.named_graphs) != expected:
        raise LoadFailedError(
            f"read {len(manifest.named_graphs)} of the {expected} graphs the manifest of "
            f"<{holder}> lists: run the load again"
        )
    return manifest


def _stage(
    client: UpdateClient,
    graphs: Mapping[str, Sequence[ox.Triple]],
    moves: Mapping[str, str],
    scratch: str,
    log: Callable[[str], None],
) -> None:
    """Write every graph to be moved into its temporary graph, the triples without blank
    nodes in requests shared by many graphs; and every quad with a blank node (whatever
    its graph) into the scratch graph, unpacked onto the target graphs during the swap
    (see the module docstring)."""
    plain = ((moves[name], _plain(graphs, name)[1]) for name in moves)
    requests = list(staging_requests(plain))
    _send(client, requests)
    log(f"staged {len(moves)} graphs ({len(requests)} requests)")
    blank = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
        for name, triples in graphs.items()
        for t in triples
        if has_blank(t)
    ]
    if blank:
        _send(client, [insert_request(scratch, chunk) for chunk in blank_chunks(blank)])
        log(f"staged {len(blank)} quads with blank nodes")


def _plain(graphs: Mapping[str, Sequence[ox.Triple]], name: str) -> tuple[str, list[ox.Triple]]:
    return name, [t for t in graphs[name] if not has_blank(t)]


def _send(client: UpdateClient, requests: Iterable[str]) -> None:
    for request in requests:
        client.update(request)


def _quietly(client: UpdateClient, requests: Iterable[str]) -> None:
    with contextlib.suppress(StoreUnavailableError):
        _send(client, requests)


def _drop_quietly(client: UpdateClient, graphs: Iterable[str]) -> None:
    _quietly(client, drop_requests(graphs))


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def client_for(endpoint: str, environ: Mapping[str, str], timeout: float) -> UpdateClient:
    """An UpdateClient for `endpoint` (a URL, or `sparql+URL`); credentials from the URL,
    else from CTC_KG_ENDPOINT_USER / CTC_KG_ENDPOINT_PASSWORD."""
    parsed = Endpoint.parse(endpoint_of(endpoint) or endpoint)
    user = parsed.user or environ.get("CTC_KG_ENDPOINT_USER") or None
    password = parsed.password or environ.get("CTC_KG_ENDPOINT_PASSWORD") or None
    return UpdateClient(parsed, user, password, timeout)
