"""`ctc-kg load --endpoint URL [--graph IRI]`: push the validated dataset into a SPARQL
1.1 store with SPARQL Update, so that readers see the old dataset or the new one, never
a mixture.

How the dataset maps onto the store (docs/scale-out.md):
- each named graph (one per source passage, plus the ontology and the shapes) keeps
  its name, so provenance queries (`GRAPH ?g`) work unchanged;
- the *holder* graph `--graph` (default `B graph/default`) gets the RDF merge of all
  graphs (the default graph's triples and every named graph's, each once): the default
  graph of every query, as in the embedded store;
- a manifest graph (store.manifest) lists them; the remote backend scopes every query
  to them, which hides the store's own graphs (Virtuoso's system graphs) and any
  temporary graph.

Steps:
1. every target graph is written into a fresh temporary graph `<g>-tmp-<random>`, in
   chunks of INSERT DATA (chunks with blank nodes use `INSERT {...} WHERE {}`, because
   Virtuoso refuses blank nodes in INSERT DATA; the triples that share a blank node go in
   the same chunk, so it stays one node);
2. the manifest is marked Active (a swap is under way), listing old + new graphs;
3. ONE update request moves every temporary graph onto its target (`MOVE` replaces the
   target), drops the graphs the new dataset no longer has and records the new load;
   it is one transaction (Virtuoso commits it once, at the end);
4. the manifest is marked Completed. Readers (store.remote) accept an answer only when
   the manifest said Completed with the same load id before and after their query, so
   they see the old dataset or the new one even though Virtuoso reads without snapshots;
5. on any failure the temporary graphs are dropped and the manifest restored.

HTTP goes through urllib with a private opener (digest and basic authentication):
SPARQLWrapper installs its digest handler process-wide, which a library must not do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TextIO

import pyoxigraph as ox

from ctc_kg.config import Settings
from ctc_kg.errors import StoreUnavailableError, UnusableInputError
from ctc_kg.store.manifest import (
    Manifest,
    default_holder_graph,
    iri,
    manifest_graph,
    manifest_query,
    manifest_triples,
    parse_manifest,
)
from ctc_kg.store.remote import Endpoint, endpoint_of

OK, VIOLATIONS, UNUSABLE = 0, 1, 2
CHUNK_TRIPLES = 2_000
BLANK_CHUNK_TRIPLES = 200


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
        body = self._post({"query": text}, "application/sparql-results+json")
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


# -- from a dataset to update requests -------------------------------------------------


def target_graphs(quads: Iterable[ox.Quad], holder: str) -> dict[str, list[ox.Triple]]:
    """The dataset's triples by target graph: named graphs keep their names; `holder`
    gets the RDF merge of all graphs (the default graph's triples and every named
    graph's, each once), the union default graph the embedded store serves too."""
    graphs: dict[str, dict[ox.Triple, None]] = {holder: {}}
    for quad in quads:
        name = quad.graph_name
        triple = ox.Triple(quad.subject, quad.predicate, quad.object)
        graphs[holder][triple] = None
        if isinstance(name, ox.NamedNode):
            graphs.setdefault(name.value, {})[triple] = None
        elif not isinstance(name, ox.DefaultGraph):
            raise UnusableInputError(f"a graph named by a blank node ({name}) cannot be loaded")
    if manifest_graph(holder) in graphs:
        raise UnusableInputError(f"the dataset uses the manifest graph <{manifest_graph(holder)}>")
    return {name: list(triples) for name, triples in graphs.items()}


def chunks(
    triples: Sequence[ox.Triple],
    size: int = CHUNK_TRIPLES,
    blank_size: int = BLANK_CHUNK_TRIPLES,
) -> list[list[ox.Triple]]:
    """`triples` in chunks; triples linked by a blank node share a chunk."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def find(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for triple in triples:
        blanks = [t for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]
        for other in blanks[1:]:
            parent[find(other)] = find(blanks[0])
        for node in blanks:
            find(node)
    groups: dict[object, list[ox.Triple]] = {}
    plain: list[ox.Triple] = []
    for triple in triples:
        first = next(
            (t for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)), None
        )
        if first is None:
            plain.append(triple)
        else:
            groups.setdefault(find(first), []).append(triple)
    # Triples without blank nodes go in INSERT DATA chunks; the groups that share blank
    # nodes in smaller `INSERT {...} WHERE {}` chunks, which Virtuoso compiles to SQL
    # (more than 10,000 lines of it is an error).
    return _packed([[t] for t in plain], size) + _packed(list(groups.values()), blank_size)


def _packed(groups: Sequence[list[ox.Triple]], size: int) -> list[list[ox.Triple]]:
    """Consecutive groups packed into chunks of at most `size` (a bigger group alone)."""
    result: list[list[ox.Triple]] = []
    current: list[ox.Triple] = []
    for group in groups:
        if current and len(current) + len(group) > size:
            result.append(current)
            current = []
        current.extend(group)
    if current:
        result.append(current)
    return result


def insert_request(graph: str, triples: Sequence[ox.Triple]) -> str:
    """One update that adds `triples` to `graph`; the triples are written by pyoxigraph's
    N-Triples serializer, which SPARQL's grammar accepts as a triples block."""
    body = (ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    if any(
        isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples
    ):
        return f"INSERT {{ GRAPH {iri(graph)} {{\n{body}}} }} WHERE {{}}"
    return f"INSERT DATA {{ GRAPH {iri(graph)} {{\n{body}}} }}"


def replace_request(graph: str, triples: Sequence[ox.Triple]) -> str:
    """One update that replaces the contents of `graph` by `triples`."""
    return f"DROP SILENT GRAPH {iri(graph)} ;\n" + insert_request(graph, triples)


def manifest_request(manifest: Manifest, modified: str) -> str:
    return replace_request(manifest_graph(manifest.holder), manifest_triples(manifest, modified))


def swap_request(
    moves: Mapping[str, str], removed: Iterable[str], manifest: Manifest, modified: str
) -> str:
    """The one request that makes the new dataset visible."""
    operations = [f"MOVE SILENT GRAPH {iri(tmp)} TO GRAPH {iri(g)}" for g, tmp in moves.items()]
    operations += [f"DROP SILENT GRAPH {iri(g)}" for g in removed]
    operations.append(manifest_request(manifest, modified))
    return " ;\n".join(operations)


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
    previous = parse_manifest(holder, client.select(manifest_query(holder)))
    load_id = secrets.token_hex(8)
    moves = {name: f"{name}-tmp-{load_id}" for name in graphs}
    named = tuple(sorted(name for name in graphs if name != holder))
    old = previous.named_graphs if previous else ()
    removed = tuple(sorted(set(old) - set(graphs)))  # graphs the new dataset no longer has
    done = Manifest(holder, named, union, load_id, stable=True)
    swapped = False
    try:
        for name, triples in graphs.items():
            for chunk in chunks(triples):
                client.update(insert_request(moves[name], chunk))
            log(f"staged <{name}> ({len(triples)} triples)")
        marked = Manifest(
            holder,
            tuple(sorted({*old, *named})),
            previous.triples if previous else union,
            previous.load_id if previous else load_id,
            stable=False,
        )
        client.update(manifest_request(marked, _now()))
        client.update(swap_request(moves, removed, replace(done, stable=False), _now()))
        swapped = True
        client.update(manifest_request(done, _now()))
    except BaseException:
        _drop_quietly(client, moves.values())
        if swapped:
            _quietly(client, manifest_request(done, _now()))
        elif previous is not None:
            _quietly(client, manifest_request(replace(previous, stable=True), _now()))
        else:
            _quietly(client, f"DROP SILENT GRAPH {iri(manifest_graph(holder))}")
        raise
    return LoadResult(len(graphs), union, removed, load_id)


def _quietly(client: UpdateClient, text: str) -> None:
    with contextlib.suppress(StoreUnavailableError):
        client.update(text)


def _drop_quietly(client: UpdateClient, graphs: Iterable[str]) -> None:
    with contextlib.suppress(StoreUnavailableError):
        client.update(" ;\n".join(f"DROP SILENT GRAPH {iri(g)}" for g in graphs))


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def client_for(endpoint: str, environ: Mapping[str, str], timeout: float) -> UpdateClient:
    """An UpdateClient for `endpoint` (a URL, or `sparql+URL`); credentials from the URL,
    else from CTC_KG_ENDPOINT_USER / CTC_KG_ENDPOINT_PASSWORD."""
    parsed = Endpoint.parse(endpoint_of(endpoint) or endpoint)
    user = parsed.user or environ.get("CTC_KG_ENDPOINT_USER") or None
    password = parsed.password or environ.get("CTC_KG_ENDPOINT_PASSWORD") or None
    return UpdateClient(parsed, user, password, timeout)


def run_load(
    settings: Settings,
    endpoint: str,
    graph: str | None,
    *,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Validate the content, then push it into the store at `endpoint`.

    Exit statuses: 0 loaded, 1 the data does not conform (nothing sent), 2 unusable input
    or a store that cannot be reached or refuses the update.
    """
    from ctc_kg.content.load import content_files, load_content
    from ctc_kg.content.serialize import nquads
    from ctc_kg.content.validate import validate_content

    environ = os.environ if environ is None else environ
    out = out or sys.stdout
    err = err or sys.stderr
    holder = graph or default_holder_graph(settings.base_iri)
    try:
        iri(holder)
        client = client_for(endpoint, environ, max(settings.query_timeout, 60.0))
    except ValueError as error:
        print(f"ctc-kg load: {error}", file=err)
        return UNUSABLE
    try:
        content = load_content(content_files(settings), settings.base_iri)
        report = validate_content(content)
        if not report.conforms:
            print(report.text(), file=out)
            print("ctc-kg load: the data does not conform; nothing sent", file=err)
            return VIOLATIONS
        quads = list(ox.parse(nquads(content.dataset), format=ox.RdfFormat.N_QUADS))
        result = push(quads, client, holder, log=lambda line: print(line, file=err))
    except UnusableInputError as error:
        print(f"ctc-kg load: {error}", file=err)
        return UNUSABLE
    except StoreUnavailableError as error:
        print(f"ctc-kg load: {error}", file=err)
        return UNUSABLE
    print(
        f"loaded {result.triples} triples in {result.graphs} graphs into {client.endpoint.url}"
        f" (default graph in <{holder}>, load {result.load_id})"
        + (f"; removed {len(result.removed)} graphs" if result.removed else ""),
        file=out,
    )
    return OK
