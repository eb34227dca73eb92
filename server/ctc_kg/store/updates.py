"""From a dataset to the SPARQL Update requests `ctc-kg load` sends (store.load).

Every request is kept within what Virtuoso accepts in one request, measured on 7.2:
- a request body over 10 MB is refused ("string session is longer than 10Mb");
- its SPARQL parser runs out of stack at about 5,000 triples in one `INSERT DATA`
  ("memory exhausted");
- a request is compiled into one SQL text of at most 10,000 lines ("SP031: The length of
  generated SQL text has exceeded 10000 lines"): about 200 triples of `INSERT {...}
  WHERE {}`, some hundreds of separate operations (800 `INSERT DATA` operations fail,
  and 1,001 `MOVE`s with the manifest did, which stopped loads at a thousand graphs).

Nor may one request take longer than MaxQueryExecutionTime (30 s in scripts/virtuoso):
moving a graph of a million triples did. So triples are sent in requests of at most
CHUNK_TRIPLES triples and CHUNK_BYTES bytes,
many small graphs sharing one `INSERT DATA` (one operation, one `GRAPH` block each);
graph operations (`MOVE`, `DROP`) at most GRAPH_OPERATIONS to a request. The triples are
written by pyoxigraph's N-Triples serializer, which SPARQL's grammar accepts as a triples
block.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

import pyoxigraph as ox

from ctc_kg.errors import UnusableInputError
from ctc_kg.store.manifest import (
    ACTION_STATUS,
    ACTIVE,
    COMPLETED,
    Manifest,
    iri,
    manifest_graph,
    manifest_triples,
)

CHUNK_TRIPLES = 2_000
CHUNK_BYTES = 4_000_000
# A larger graph is not staged and moved but rewritten in place, in chunks, during the
# swap: Virtuoso copies a graph (MOVE) in one transaction, which MaxQueryExecutionTime
# stops ("SR171: Transaction timed out" on the 1M bench's holder graph).
IN_PLACE_TRIPLES = 20_000
BLANK_CHUNK_TRIPLES = 200
GRAPH_OPERATIONS = 200
QUAD = "urn:x-ctc-kg:load#"
QUAD_SUBJECT = ox.NamedNode(QUAD + "s")
QUAD_PREDICATE = ox.NamedNode(QUAD + "p")
QUAD_OBJECT = ox.NamedNode(QUAD + "o")
QUAD_GRAPH = ox.NamedNode(QUAD + "g")

Block = tuple[str, list[ox.Triple]]  # a graph's name and some of its triples


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


def has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _weight(triple: ox.Triple) -> int:
    """About the bytes of the triple in a request (its N-Triples form, percent-encoded
    for non-ASCII text, and a line end)."""
    return len(str(triple).encode("utf-8")) * 3 // 2 + 4


def staging_requests(blocks: Iterable[Block]) -> Iterator[str]:
    """`INSERT DATA` requests for the blocks' triples (no blank nodes), each within
    CHUNK_TRIPLES and CHUNK_BYTES; a graph may be split over requests, and many graphs
    share one."""
    pending: list[Block] = []
    count = size = 0
    for graph, triples in blocks:
        for triple in triples:
            weight = _weight(triple)
            if pending and (count + 1 > CHUNK_TRIPLES or size + weight > CHUNK_BYTES):
                yield insert_data_request(pending)
                pending, count, size = [], 0, 0
            if not pending or pending[-1][0] != graph:
                pending.append((graph, []))
            pending[-1][1].append(triple)
            count, size = count + 1, size + weight
    if pending:
        yield insert_data_request(pending)


def insert_data_request(blocks: Sequence[Block]) -> str:
    """One `INSERT DATA` adding each block's triples (no blank nodes) to its graph."""
    return "INSERT DATA {\n" + "".join(_graph_block(g, t) for g, t in blocks) + "}"


def _graph_block(graph: str, triples: Sequence[ox.Triple]) -> str:
    body = (ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    return f"GRAPH {iri(graph)} {{\n{body}}}\n"


def insert_request(graph: str, triples: Sequence[ox.Triple]) -> str:
    """One update that adds `triples` to `graph` (Virtuoso refuses blank nodes in
    `INSERT DATA`: with them, `INSERT {...} WHERE {}`)."""
    if any(has_blank(t) for t in triples):
        return f"INSERT {{ {_graph_block(graph, triples)}}} WHERE {{}}"
    return insert_data_request([(graph, list(triples))])


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
    """The scratch graph's triples for `quads`, in chunks of about `size` triples and at
    most CHUNK_BYTES (a group linked by blank nodes is never split)."""
    chunks: list[list[ox.Triple]] = []
    current: list[ox.Triple] = []
    weight = 0
    for group in (encoded(group) for group in blank_groups(quads)):
        added = sum(_weight(t) for t in group)
        if current and (len(current) + len(group) > size or weight + added > CHUNK_BYTES):
            chunks.append(current)
            current, weight = [], 0
        current.extend(group)
        weight += added
    if current:
        chunks.append(current)
    return chunks


def unpack_request(scratch: str) -> str:
    """The update that copies the quads of the scratch graph onto their graphs (blank
    nodes keep their identity: they are bound, not written), then drops it."""
    return (
        f"INSERT {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH {iri(scratch)} {{ "
        f"?q {iri(QUAD_SUBJECT.value)} ?s ; {iri(QUAD_PREDICATE.value)} ?p ; "
        f"{iri(QUAD_OBJECT.value)} ?o ; {iri(QUAD_GRAPH.value)} ?g }} }} ;\n"
        f"DROP SILENT GRAPH {iri(scratch)}"
    )


def manifest_requests(manifest: Manifest, modified: str) -> list[str]:
    """The requests that replace the manifest graph by `manifest`'s triples.

    A manifest names every graph (two triples each), so it may take several requests;
    every one but the last leaves the status Active, and only the last (a request of
    its own) says Completed when `manifest` is stable: a reader never accepts a manifest
    that is partly written (store.remote).
    """
    graph = manifest_graph(manifest.holder)
    triples = manifest_triples(replace(manifest, stable=False), modified)
    requests = list(staging_requests([(graph, triples)]))
    requests[0] = f"DROP SILENT GRAPH {iri(graph)} ;\n{requests[0]}"
    if manifest.stable:
        subject = ox.NamedNode(graph)
        before = ox.Triple(subject, ox.NamedNode(ACTION_STATUS), ox.NamedNode(ACTIVE))
        after = ox.Triple(subject, ox.NamedNode(ACTION_STATUS), ox.NamedNode(COMPLETED))
        requests.append(
            f"DELETE DATA {{\n{_graph_block(graph, [before])}}} ;\n"
            + insert_data_request([(graph, [after])])
        )
    return requests


def swap_requests(moves: Mapping[str, str], removed: Iterable[str]) -> list[str]:
    """The requests that move every temporary graph onto its target (`MOVE` replaces
    the target) and drop the graphs the new dataset no longer has, GRAPH_OPERATIONS at
    a time."""
    operations = [f"MOVE SILENT GRAPH {iri(tmp)} TO GRAPH {iri(g)}" for g, tmp in moves.items()]
    operations += [f"DROP SILENT GRAPH {iri(g)}" for g in removed]
    return [
        " ;\n".join(operations[start : start + GRAPH_OPERATIONS])
        for start in range(0, len(operations), GRAPH_OPERATIONS)
    ]


def drop_requests(graphs: Iterable[str]) -> list[str]:
    """`DROP SILENT` of every graph, GRAPH_OPERATIONS to a request."""
    return swap_requests({}, graphs)
