"""A resource's concise bounded description read from a SPARQL endpoint (the remote
backend): the same description as store.oxigraph_description's (store.description says
what it holds), asked in a few SPARQL queries over the graphs `ctc-kg load` recorded."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence

import pyoxigraph as ox

from ctc_kg.store.description import (
    GRAPH_CONTENT_LIMIT,
    HASH_SUBJECTS_QUERY,
    INCOMING_LINK_LIMIT,
    LABEL_PREDICATES,
    BoundedDescription,
    HashChildren,
    named_nodes,
)
from ctc_kg.store.manifest import Manifest, iri
from ctc_kg.store.remote_http import RESULTS_SOURCE, bindings
from ctc_kg.store.remote_results import term

BLANK_NODE_DEPTH = 4
LABEL_BATCH = 200
#: How a query reaches the store: (text, accept, default graphs, named graphs, timeout).
Send = Callable[[str, str, Sequence[str], Sequence[str], float], bytes]


class RemoteDescriptions:
    """Descriptions over one endpoint (`send`: the store's transport; `holder`: the graph
    `ctc-kg load` put the default graph's triples in). The `#` subjects of a document
    are found once per data version (`HashChildren`, replaced when another version is
    asked for)."""

    def __init__(self, send: Send, holder: str, timeout: float) -> None:
        self.send = send
        self.holder = holder
        self.timeout = timeout
        self._lock = threading.Lock()
        self._children: HashChildren | None = None

    def bounded_description(
        self,
        iri_: str,
        manifest: Manifest | None,
        version: str,
        incoming_limit: int = INCOMING_LINK_LIMIT,
    ) -> BoundedDescription | None:
        """The same description as the embedded backend's: outgoing quads of the IRI and
        of its `#` children, the blank nodes they reach (to a bounded depth), the quads of
        at most `incoming_limit` incoming triples, a named graph's own contents, and the
        labels of every IRI named; `version`: the data version `manifest` records.

        When there are more incoming triples, the first `incoming_limit` by subject and
        predicate (ORDER BY ?s ?p) are kept: SPARQL promises the same answer on every
        request only to a query that orders its LIMIT (on Virtuoso the order costs about
        a fifth more: docs/performance.md). The embedded store keeps the first in its index
        order instead (sorting there costs more than the rest of the description), so the
        two backends keep different samples of a hub, of the same size."""
        graphs = manifest.all_graphs if manifest else ()
        roots = [iri_, *self.hash_children(manifest, version).of_document(iri_)]
        text = _description_query(iri_, roots, incoming_limit)
        found = dict.fromkeys(self._quads(text, graphs))
        if not found:
            return None
        cut = self._cut(iri_, found, incoming_limit, graphs)
        found = _without_merged_copies(found)
        mentioned = [n.value for n in named_nodes(found) if n.value != iri_]
        found.update(dict.fromkeys(self._labels(mentioned, graphs)))
        return BoundedDescription(list(found), incoming_limit if cut else None)

    def _labels(self, mentioned: list[str], graphs: Sequence[str]) -> Iterator[ox.Quad]:
        """The labels of `mentioned`, asked in batches of one VALUES block of (resource,
        label property) pairs: Virtuoso does not use the product of two VALUES blocks as
        an index lookup, so that form is many times slower (docs/performance.md)."""
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
            yield from self._quads(text, graphs)

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
        rows = bindings(self.send(text, RESULTS_SOURCE, graphs, graphs, self.timeout))
        return bool(rows) and int(rows[0]["n"]["value"]) > limit

    def hash_children(self, manifest: Manifest | None, version: str) -> HashChildren:
        """The `#` subjects of data version `version` (a full scan, as in the embedded
        store): made when a description first asks for that version, kept until one asks
        for another."""
        with self._lock:
            known = self._children
        if known is not None and known.version == version:
            return known
        graphs = manifest.default_graphs if manifest else ()
        body = self.send(HASH_SUBJECTS_QUERY, RESULTS_SOURCE, graphs, (), self.timeout)
        made = HashChildren.of(version, (row["s"]["value"] for row in bindings(body)))
        with self._lock:
            self._children = made
        return made

    def _quads(self, text: str, graphs: Sequence[str]) -> Iterator[ox.Quad]:
        """Run a SELECT ?s ?p ?o ?g over ctc-kg's graphs; the holder graph is the default."""
        rows = bindings(self.send(text, RESULTS_SOURCE, graphs, graphs, self.timeout))
        for row in rows:
            graph = term(row["g"])
            graph_name: ox.NamedNode | ox.DefaultGraph = (
                ox.DefaultGraph()
                if isinstance(graph, ox.NamedNode) and graph.value == self.holder
                else graph
            )
            yield ox.Quad(term(row["s"]), term(row["p"]), term(row["o"]), graph_name)


def _description_query(iri_: str, roots: Sequence[str], incoming_limit: int) -> str:
    """One SELECT ?s ?p ?o ?g for everything of a description but the labels: the roots'
    statements, those of the blank nodes they reach (one branch per depth), the first
    incoming triples, and a named graph's own contents."""
    node = iri(iri_)
    values = " ".join(iri(s) for s in roots)
    branches = [f"{{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"]
    for depth in range(1, BLANK_NODE_DEPTH + 1):
        chain = [f"VALUES ?r {{ {values} }}"]
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
    return "SELECT ?s ?p ?o ?g WHERE {\n" + "\n UNION ".join(branches) + "\n}"


def _without_merged_copies(found: dict[ox.Quad, None]) -> dict[ox.Quad, None]:
    """The holder graph repeats every named graph's triples (the merge); as in the
    embedded store, a description keeps a triple in its source graphs only."""
    in_named = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in found
        if not isinstance(q.graph_name, ox.DefaultGraph)
    }
    return {
        q: None
        for q in found
        if not isinstance(q.graph_name, ox.DefaultGraph)
        or ox.Triple(q.subject, q.predicate, q.object) not in in_named
    }
