"""Comunica, a real Triple/Quad Pattern Fragments client, answers every competency query
(queries/*.rq) from `ctc-kg serve`'s /fragments alone, and gets what /sparql answers.

The server runs over the repository's data behind `--public-url` (its own address, so
the fragments' IRIs are the URLs Comunica requests); the queries' IRIs are written in
that public form for both. Answers are compared as sets of solutions (Comunica and the
store may order and repeat rows differently). The access log proves Comunica read
fragments and never asked /sparql.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from ctc_kg.store.sparqltokens import map_iris
from ctc_kg.web.rewrite import IriMap

from tests.live import REPOSITORY, LiveServer, free_port

pytestmark = pytest.mark.slow
BASE = "https://w3id.org/ctc-kg/"
QUERIES = sorted((REPOSITORY / "queries").glob("*.rq"))
RUNNER = REPOSITORY / "tests" / "clients" / "comunica-queries.cjs"
CLI = REPOSITORY / "node_modules" / ".bin" / "comunica-sparql"
NODE = shutil.which("node")
# scripts/setup --test installs both; a missing client is a failure, never a skip.
assert NODE is not None, "Node.js is needed to run Comunica (scripts/setup --test)"
assert CLI.exists(), f"{CLI} is missing: npm ci installs Comunica"

Solution = frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Served:
    server: LiveServer
    public: str
    queries: dict[str, Path]  # query name -> the query with public IRIs
    answers: dict[str, Any]  # query name -> Comunica's answer (see RUNNER)


@pytest.fixture(
    scope="module", params=["embedded", pytest.param("virtuoso", marks=pytest.mark.virtuoso)]
)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    port = free_port()
    public = f"http://127.0.0.1:{port}/"
    extra = ["--workers", "1", "--public-url", public]
    if request.param == "virtuoso":
        extra += ["--store", "sparql+" + request.getfixturevalue("virtuoso_endpoint")]
    folder = tmp_path_factory.mktemp("fragments-comunica")
    server = LiveServer.start(REPOSITORY, folder, *extra, port=port, timeout=180)
    try:
        iri_map = IriMap(BASE, public)
        queries = {}
        for query in QUERIES:
            written = folder / query.name
            written.write_text(map_iris(query.read_text(encoding="utf-8"), iri_map.outward))
            queries[query.stem] = written
        done = subprocess.run(
            [NODE, str(RUNNER), public + "fragments", *map(str, queries.values())],
            capture_output=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        by_file = json.loads(done.stdout)
        answers = {name: by_file[str(path)] for name, path in queries.items()}
        yield Served(server, public, queries, answers)
    finally:
        server.kill()


def solutions(body: bytes) -> set[Solution]:
    """SPARQL JSON results as a set of solutions, each a set of (variable, term) pairs;
    blank nodes compare equal whatever their labels (each client names its own). Comunica
    adds a `metadata` member (its request count) that SPARQL JSON does not have."""
    document = json.loads(body)
    standard = json.dumps({"head": document["head"], "results": document["results"]})
    parsed = ox.parse_query_results(standard.encode(), format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    names = [v.value for v in parsed.variables]
    return {
        frozenset(
            (name, "_:" if isinstance(row[name], ox.BlankNode) else str(row[name]))
            for name in names
            if row[name] is not None
        )
        for row in parsed
    }


def sparql_answer(served: Served, query: Path) -> set[Solution]:
    url = served.public + "sparql?" + urllib.parse.urlencode({"query": query.read_text()})
    asked = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(asked, timeout=60) as answer:
        return solutions(answer.read())


def access_log(served: Served) -> list[dict[str, Any]]:
    lines = served.server.log.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


@pytest.mark.parametrize("query", [q.stem for q in QUERIES])
def test_comunica_over_the_fragments_answers_as_sparql_does(served: Served, query: str) -> None:
    answer = served.answers[query]
    assert answer["ok"], answer.get("error")
    expected = sparql_answer(served, served.queries[query])
    assert expected, "a competency query has an answer: the comparison must mean something"
    assert solutions(json.dumps(answer["results"]).encode()) == expected


def test_comunica_read_fragments_and_never_the_sparql_endpoint(served: Served) -> None:
    by_comunica = [e for e in access_log(served) if "Comunica" in (e.get("user_agent") or "")]
    paths = {entry["path"] for entry in by_comunica}
    assert paths == {"/fragments"}
    assert all(entry["status"] == 200 for entry in by_comunica)
    # Patterns with bound terms and later pages: the client used the controls.
    queries = [urllib.parse.parse_qs(entry["query"]) for entry in by_comunica]
    assert any("predicate" in q and "object" in q for q in queries)
    assert any("graph" in q for q in queries)


def test_the_comunica_sparql_command_queries_the_fragments(served: Served) -> None:
    query = served.queries[QUERIES[0].stem]
    done = subprocess.run(
        [
            str(CLI),
            served.public + "fragments",
            "-f",
            str(query),
            "-t",
            "application/sparql-results+json",
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert solutions(done.stdout) == sparql_answer(served, query)
