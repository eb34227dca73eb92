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
   chunks of INSERT DATA. A blank node is one node in every graph that holds it (the
   holder's merge shares its blank nodes with the named graphs, as in the embedded
   store), but an update puts a fresh node behind a label for each graph it is written
   to (and Virtuoso fails an `INSERT {...} WHERE {}` that names two graphs). So the quads
   with blank nodes are first written, one resource per quad (`q:s`, `q:p`, `q:o`, `q:g`),
   into a scratch graph with `INSERT {...} WHERE {}` (Virtuoso refuses blank nodes in
   INSERT DATA; quads linked by a blank node share a chunk, so it stays one node), then
   copied onto their graphs by one `INSERT { GRAPH ?g {...} } WHERE {...}`, which keeps
   each node's identity;
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
# Virtuoso compiles `INSERT {...} WHERE {}` to SQL; more than 10,000 lines of it fails.
BLANK_CHUNK_TRIPLES = 200
QUAD = "urn:x-ctc-kg:load#"
QUAD_SUBJECT = ox.NamedNode(QUAD + "s")
QUAD_PREDICATE = ox.NamedNode(QUAD + "p")
QUAD_OBJECT = ox.NamedNode(QUAD + "o")
QUAD_GRAPH = ox.NamedNode(QUAD + "g")


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


def _has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def blank_groups(quads: Sequence[ox.Quad]) -> list[list[ox.Quad]]:
    """`quads` (each with a blank node) grouped so that quads linked by a blank node, in
    whatever graphs, are in one group."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def find(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def blanks(quad: ox.Quad) -> list[ox.BlankNode]:
        return [t for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)]

    for quad in quads:
        found = blanks(quad)
        for other in found[1:]:
            parent[find(other)] = find(found[0])
        for node in found:
            find(node)
    groups: dict[ox.BlankNode, list[ox.Quad]] = {}
    for quad in quads:
        groups.setdefault(find(blanks(quad)[0]), []).append(quad)
    return list(groups.values())


def encoded(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """Each quad as a resource of the scratch graph: `[] q:s S ; q:p P ; q:o O ; q:g G`."""
    triples: list[ox.Triple] = []
    for quad in quads:
        node = ox.BlankNode()
        graph = quad.graph_name
        if not isinstance(graph, ox.NamedNode):  # target_graphs names every graph
            raise UnusableInputError(f"a quad outside a named graph cannot be staged: {quad}")
        triples += [
            ox.Triple(node, QUAD_SUBJECT, quad.subject),
            ox.Triple(node, QUAD_PREDICATE, quad.predicate),
            ox.Triple(node, QUAD_OBJECT, quad.object),
            ox.Triple(node, QUAD_GRAPH, graph),
        ]
    return triples


def blank_chunks(
    quads: Sequence[ox.Quad], size: int = BLANK_CHUNK_TRIPLES
) -> list[list[ox.Triple]]:
    """The scratch graph's triples for `quads`, in chunks of about `size` triples (a group
    linked by blank nodes is never split)."""
    return _packed([encoded(group) for group in blank_groups(quads)], size)


def unpack_request(scratch: str) -> str:
    """The update that copies the quads of the scratch graph onto their graphs (blank
    nodes keep their identity: they are bound, not written), then drops it."""
    return (
        f"INSERT {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH {iri(scratch)} {{ "
        f"?q {iri(QUAD_SUBJECT.value)} ?s ; {iri(QUAD_PREDICATE.value)} ?p ; "
        f"{iri(QUAD_OBJECT.value)} ?o ; {iri(QUAD_GRAPH.value)} ?g }} }} ;\n"
        f"DROP SILENT GRAPH {iri(scratch)}"
    )


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
    scratch = f"{holder}-tmp-{load_id}-blank-nodes"
    named = tuple(sorted(name for name in graphs if name != holder))
    old = previous.named_graphs if previous else ()
    removed = tuple(sorted(set(old) - set(graphs)))  # graphs the new dataset no longer has
    done = Manifest(holder, named, union, load_id, stable=True)
    swapped = False
    try:
        blank: list[ox.Quad] = []
        for name, triples in graphs.items():
            plain = [t for t in triples if not _has_blank(t)]
            for chunk in _packed([[t] for t in plain], CHUNK_TRIPLES):
                client.update(insert_request(moves[name], chunk))
            target = ox.NamedNode(moves[name])
            blank += [
                ox.Quad(t.subject, t.predicate, t.object, target) for t in triples if _has_blank(t)
            ]
            log(f"staged <{name}> ({len(triples)} triples)")
        if blank:
            for chunk in blank_chunks(blank):
                client.update(insert_request(scratch, chunk))
            client.update(unpack_request(scratch))
            log(f"staged {len(blank)} quads with blank nodes")
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
        _drop_quietly(client, [*moves.values(), scratch])
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
