"""Competency questions: each tests/competency/NN-name.rq asks a question the knowledge graph
must answer (stated in its comment header), and NN-name.tsv holds the answer as the source
documents give it (the French CTC page and reference-facts.md), written from the documents,
not from the data.

The queries run with pyoxigraph over the repository's data, the default graph being the union
of all graphs (as on the SPARQL endpoint). Results are compared as sets of solutions: order
and duplicates do not matter, unbound variables do.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from ctc_kg.config import Settings
from ctc_kg.content.load import content_files

ROOT = Path(__file__).resolve().parents[1]
COMPETENCY = ROOT / "tests" / "competency"
QUERIES = sorted(COMPETENCY.glob("*.rq"))

Solution = frozenset[tuple[str, str]]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    files = content_files(Settings(root=ROOT))
    store = ox.Store()
    for path in files.data:
        store.load(path=path, format=ox.RdfFormat.from_extension(path.suffix.lstrip(".")))
    for path in files.ontology:
        store.load(
            path=path,
            format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode("https://w3id.org/ctc-kg/ontology"),
        )
    return store


def _solutions(results: ox.QuerySolutions) -> tuple[list[str], set[Solution]]:
    variables = [v.value for v in results.variables]
    found = set()
    for row in results:
        found.add(frozenset((v, str(row[v])) for v in variables if row[v] is not None))
    return variables, found


def test_there_are_at_least_eighteen_questions() -> None:
    assert len(QUERIES) >= 18


@pytest.mark.parametrize("query_file", QUERIES, ids=lambda p: p.name)
def test_query_states_its_question_in_a_comment(query_file: Path) -> None:
    first = query_file.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# Q: ")
    assert first.rstrip().endswith("?")


@pytest.mark.parametrize("query_file", QUERIES, ids=lambda p: p.name)
def test_competency_question_gets_the_documented_answer(query_file: Path, store: ox.Store) -> None:
    results = store.query(query_file.read_text(encoding="utf-8"), use_default_graph_as_union=True)
    assert isinstance(results, ox.QuerySolutions)
    variables, got = _solutions(results)
    expected_file = query_file.with_suffix(".tsv")
    expected = ox.parse_query_results(path=expected_file, format=ox.QueryResultsFormat.TSV)
    assert isinstance(expected, ox.QuerySolutions)
    expected_variables, wanted = _solutions(expected)
    assert variables == expected_variables
    assert wanted, f"{expected_file.name} holds no answer"
    assert got == wanted
