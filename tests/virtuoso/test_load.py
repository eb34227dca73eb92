"""`ctc-kg load` into a real Virtuoso: the dataset arrives whole, a reload replaces it
atomically, and bad input or a bad store gives the documented exit status."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from ctc_kg.store.base import QueryRequest
from ctc_kg.store.remote import RemoteStore
from rdflib import Graph
from rdflib.compare import isomorphic

from .conftest import BASE, REPOSITORY, free_port

CTC_KG = Path(sys.executable).parent / "ctc-kg"
MINIMAL_ROOT = REPOSITORY / "tests" / "data" / "minimal"
JSON = "application/sparql-results+json"
RELOAD = "https://example.org/reload/"


def direct_select(endpoint: str, text: str) -> list[dict[str, dict[str, str]]]:
    """A query straight to Virtuoso, without the remote backend's scoping."""
    data = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(endpoint, data=data, headers={"Accept": JSON})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            rows: list[dict[str, dict[str, str]]] = json.load(response)["results"]["bindings"]
    except urllib.error.HTTPError as error:
        # Virtuoso says why in the body (an SR or SQ code); keep it in the failure.
        why = error.read().decode("utf-8", "replace")[:2000]
        raise AssertionError(f"Virtuoso answered {error.code} to {text!r}: {why}") from error
    return rows


def rows_of(store: RemoteStore, text: str) -> list[dict[str, dict[str, str]]]:
    body = store.query(QueryRequest(text, JSON, None)).body
    rows: list[dict[str, dict[str, str]]] = json.loads(body)["results"]["bindings"]
    return rows


def triples_graph(quads: list[ox.Quad]) -> Graph:
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    text = (ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b"").decode()
    return Graph().parse(data=text, format="nt")


def test_union_default_graph_is_the_datasets_union(remote_store, repository_quads):
    found = remote_store.query(
        QueryRequest("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", None, "text/turtle")
    )
    union = Graph().parse(data=found.body.decode("utf-8"), format="turtle")
    assert isomorphic(union, triples_graph(repository_quads))


def graphs_of(quads) -> dict[str, Graph]:
    """Named graph name -> rdflib Graph, to compare graph by graph by isomorphism."""
    grouped: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            grouped.setdefault(quad.graph_name.value, []).append(quad)
    return {name: triples_graph(members) for name, members in grouped.items()}


def test_named_graphs_keep_their_names_for_provenance(remote_store, repository_quads):
    body = remote_store.query(
        QueryRequest("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", JSON, None)
    ).body
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    found = [ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in solutions]
    got, expected = graphs_of(found), graphs_of(repository_quads)
    assert sorted(got) == sorted(expected)
    different = [name for name in expected if not isomorphic(got[name], expected[name])]
    assert different == []


def test_the_holder_graph_holds_the_merge_of_all_graphs(virtuoso_endpoint, repository_quads):
    rows = direct_select(
        virtuoso_endpoint,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BASE}graph/default> {{ ?s ?p ?o }} }}",
    )
    merge = {(q.subject, q.predicate, q.object) for q in repository_quads}
    assert int(rows[0]["n"]["value"]) == len(merge)


def test_a_triple_two_sources_state_is_answered_once(remote_store, repository_quads):
    """The union default graph is a merge: no duplicate rows for a plain SELECT."""
    rows = rows_of(remote_store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    merge = {(q.subject, q.predicate, q.object) for q in repository_quads}
    assert len(rows) == len(merge) < len(repository_quads)


def test_virtuoso_system_graphs_are_out_of_scope(remote_store, virtuoso_endpoint):
    # The graphs Virtuoso itself holds, asked for directly. Not `{ ?s ?p ?o }`: Virtuoso
    # 7.2 takes 13-19 s over that (measured here, against 0.09 s through the scoped
    # store), and under load it passed the test instance's 20 s query limit (SR171,
    # "Transaction timed out", in two full runs). Every system graph types its resources.
    everything = direct_select(
        virtuoso_endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a ?o } }"
    )
    assert any("openlinksw" in row["g"]["value"] for row in everything)
    scoped = rows_of(remote_store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert scoped
    assert all(row["g"]["value"].startswith(BASE) for row in scoped)
    assert not any(row["g"]["value"] == BASE + "graph/default" for row in scoped)


def test_loading_twice_replaces_without_duplicates(virtuoso, virtuoso_endpoint, repository_quads):
    virtuoso.load(repository_quads)
    rows = direct_select(
        virtuoso_endpoint,
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f'FILTER(STRSTARTS(STR(?g), "{BASE}") && !STRENDS(STR(?g), "/manifest")) }} GROUP BY ?g',
    )
    counts = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
    expected = Counter(
        q.graph_name.value for q in repository_quads if isinstance(q.graph_name, ox.NamedNode)
    )
    expected[BASE + "graph/default"] = len(
        {(q.subject, q.predicate, q.object) for q in repository_quads}
    )
    assert counts == dict(expected)
    assert not [g for g in counts if "-tmp-" in g]


def version(tag: str, graphs: int) -> list[ox.Quad]:
    """A small dataset whose every graph (default included) says which version it is."""
    marker, says = ox.NamedNode(RELOAD + "marker"), ox.NamedNode(RELOAD + "version")
    quads = [ox.Quad(marker, says, ox.Literal(tag))]
    for number in range(graphs):
        graph = ox.NamedNode(f"{RELOAD}graph/{number}")
        quads.append(ox.Quad(marker, says, ox.Literal(tag), graph))
        for item in range(40):
            subject = ox.NamedNode(f"{RELOAD}thing/{number}/{item}")
            quads.append(ox.Quad(subject, says, ox.Literal(f"{tag}-{item}"), graph))
        bnode = ox.BlankNode()
        quads.append(ox.Quad(marker, ox.NamedNode(RELOAD + "has"), bnode, graph))
        quads.append(ox.Quad(bnode, says, ox.Literal(tag), graph))
    return quads


def test_reload_drops_graphs_the_new_dataset_lacks(virtuoso):
    holder = RELOAD + "graph/default"
    store = virtuoso.store(holder_graph=holder)
    virtuoso.load(version("A", 4), holder)
    virtuoso.load(version("B", 2), holder)
    rows = direct_select(
        virtuoso.endpoint,
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{RELOAD}")) }}',
    )
    assert {row["g"]["value"] for row in rows} == {
        f"{RELOAD}graph/0",
        f"{RELOAD}graph/1",
        holder,
        holder + "/manifest",
    }
    values = rows_of(store, f"SELECT DISTINCT ?v WHERE {{ <{RELOAD}marker> <{RELOAD}version> ?v }}")
    assert [row["v"]["value"] for row in values] == ["B"]


def test_blank_nodes_stay_one_node_per_graph(virtuoso):
    holder = RELOAD + "graph/default"
    store = virtuoso.store(holder_graph=holder)
    virtuoso.load(version("A", 2), holder)
    rows = rows_of(
        store,
        f"SELECT ?g ?v WHERE {{ GRAPH ?g {{ <{RELOAD}marker> <{RELOAD}has> ?b . "
        f"?b <{RELOAD}version> ?v }} }}",
    )
    assert sorted((row["g"]["value"], row["v"]["value"]) for row in rows) == [
        (f"{RELOAD}graph/0", "A"),
        (f"{RELOAD}graph/1", "A"),
    ]


def test_a_blank_node_is_one_node_in_every_graph_that_holds_it(virtuoso):
    """As in the embedded store: the merge (default graph) shares its blank nodes with
    the named graphs, and a blank node two graphs hold is one node."""
    holder = RELOAD + "shared/default"
    node, has, says = ox.BlankNode(), ox.NamedNode(RELOAD + "has"), ox.NamedNode(RELOAD + "says")
    first, second = ox.NamedNode(RELOAD + "shared/1"), ox.NamedNode(RELOAD + "shared/2")
    marker = ox.NamedNode(RELOAD + "shared-marker")
    virtuoso.load(
        [
            ox.Quad(marker, has, node, first),
            ox.Quad(node, says, ox.Literal("one"), first),
            ox.Quad(node, says, ox.Literal("two"), second),
            ox.Quad(node, says, ox.Literal("zero")),
        ],
        holder,
    )
    store = virtuoso.store(holder_graph=holder)
    rows = rows_of(
        store,
        f"SELECT ?g ?v WHERE {{ <{marker.value}> <{has.value}> ?b . "
        f"GRAPH ?g {{ ?b <{says.value}> ?v }} }}",
    )
    assert sorted((row["g"]["value"], row["v"]["value"]) for row in rows) == [
        (first.value, "one"),
        (second.value, "two"),
    ]
    merged = rows_of(store, f"SELECT DISTINCT ?b WHERE {{ ?b <{says.value}> ?v }}")
    assert len(merged) == 1


def test_readers_during_a_reload_see_old_or_new_never_a_mixture(virtuoso):
    """Readers poll while the dataset flips between A (3 graphs) and B (5 graphs, new
    markers): every answer must be entirely A or entirely B."""
    holder = RELOAD + "graph/default"
    virtuoso.load(version("A", 3), holder)
    store = virtuoso.store(holder_graph=holder)
    query = (
        f"SELECT ?g ?v WHERE {{ {{ GRAPH ?g {{ <{RELOAD}marker> <{RELOAD}version> ?v }} }} "
        f'UNION {{ <{RELOAD}marker> <{RELOAD}version> ?v BIND("union" AS ?g) }} }}'
    )
    expected = {"A": 3, "B": 5}
    seen: list[tuple[str, ...]] = []
    mixtures: list[list[tuple[str, str]]] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            rows = [(r["g"]["value"], r["v"]["value"]) for r in rows_of(store, query)]
            tags = {value for _, value in rows}
            graphs = {g for g, _ in rows if g != "union"}
            if len(tags) != 1 or len(graphs) != expected[next(iter(tags))]:
                mixtures.append(rows)
            seen.append(tuple(sorted(tags)))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        virtuoso.load(version("B", 5), holder)
        virtuoso.load(version("A", 3), holder)
        virtuoso.load(version("B", 5), holder)
    finally:
        done.set()
        for reader in readers:
            reader.join(timeout=60)
    assert not mixtures, mixtures[:3]
    assert {("A",), ("B",)} <= set(seen)


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CTC_KG), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def base_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("CTC_KG_")}


def test_cli_load_of_the_minimal_root_exits_0(virtuoso):
    env = {**base_env(), **virtuoso.credentials}
    done = run_cli(
        [
            "--root",
            str(MINIMAL_ROOT),
            # Another base, so its graphs do not replace the repository's in the same store.
            "--base-iri",
            "https://example.org/minimal/",
            "load",
            "--endpoint",
            "sparql+" + virtuoso.update_endpoint,
            "--graph",
            "https://example.org/minimal/graph/default",
        ],
        env,
    )
    assert done.returncode == 0, done.stderr
    assert "loaded" in done.stdout


def test_cli_load_of_invalid_data_exits_1_and_sends_nothing(virtuoso, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(MINIMAL_ROOT, root)
    invalid = REPOSITORY / "tests" / "data" / "invalid" / "MeetingStartDateShape-missing.ttl"
    shutil.copy(invalid, root / "data" / "broken.ttl")
    holder = "https://example.org/invalid/graph/default"
    env = {**base_env(), **virtuoso.credentials}
    done = run_cli(
        ["--root", str(root), "load", "--endpoint", virtuoso.update_endpoint, "--graph", holder],
        env,
    )
    assert done.returncode == 1, done.stderr
    assert "MeetingStartDate" in done.stdout or "startDate" in done.stdout
    found = direct_select(
        virtuoso.endpoint, f"SELECT ?s WHERE {{ GRAPH <{holder}/manifest> {{ ?s ?p ?o }} }}"
    )
    assert found == []


def test_cli_load_to_an_unreachable_store_exits_2_with_the_reason():
    port = free_port()
    done = run_cli(
        ["--root", str(MINIMAL_ROOT), "load", "--endpoint", f"http://127.0.0.1:{port}/sparql"],
        base_env(),
    )
    assert done.returncode == 2
    assert f"cannot reach the SPARQL store at http://127.0.0.1:{port}/sparql" in done.stderr


def test_cli_load_with_a_wrong_password_exits_2_saying_refused(virtuoso):
    wrong = {"CTC_KG_ENDPOINT_USER": "ctckg_loader", "CTC_KG_ENDPOINT_PASSWORD": "wrong"}
    env = {**base_env(), **wrong}
    done = run_cli(
        ["--root", str(MINIMAL_ROOT), "load", "--endpoint", virtuoso.update_endpoint], env
    )
    assert done.returncode == 2
    assert "refused the update (401)" in done.stderr


def test_cli_load_of_a_file_that_does_not_parse_exits_2(virtuoso, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(MINIMAL_ROOT, root)
    (root / "data" / "broken.trig").write_text("<a> <b> .\n", encoding="utf-8")
    env = {**base_env(), **virtuoso.credentials}
    done = run_cli(["--root", str(root), "load", "--endpoint", virtuoso.update_endpoint], env)
    assert done.returncode == 2
    assert "broken.trig" in done.stderr


@pytest.mark.parametrize("endpoint", ["ftp://127.0.0.1/sparql", "not a url"])
def test_cli_load_refuses_an_endpoint_that_is_not_http(endpoint):
    done = run_cli(["--root", str(MINIMAL_ROOT), "load", "--endpoint", endpoint], base_env())
    assert done.returncode == 2
    assert "not an http(s) SPARQL endpoint URL" in done.stderr
