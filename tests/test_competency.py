"""Competency questions: each queries/NN-name.rq asks a question the knowledge graph must
answer (its `# description:` header, in English and French, with a short `# title:` per
language and a `# source:` naming the document that answers it), and
tests/competency/NN-name.tsv holds the answer as the source documents give it (the French
CTC page and reference-facts.md), written from the documents, not from the data.

queries/ is the one place for them: the landing page lists them and the SPARQL editor
opens each as a tab, so every example shown to users is a tested question. A query
without an expected answer, or an answer without its query, fails the suite.

The queries go through the SPARQL endpoint of the app (HTTP layer, content negotiation,
store) over the repository's data, on each backend: the embedded store, and Virtuoso
loaded by `ctc-kg load` (marked `virtuoso`). Both must give the documented answer.
Results are compared as sets of solutions by value: order and duplicates do not matter,
unbound variables do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from ctc_kg.config import Settings, replace
from ctc_kg.content.build import build
from ctc_kg.content.load import content_files, load_content
from ctc_kg.content.names import prefixes
from ctc_kg.content.serialize import nquads
from ctc_kg.store.embedded import EmbeddedStore
from ctc_kg.web.app import create_app
from ctc_kg.web.html.examples import parse_example
from flask.testing import FlaskClient

from tests.backends import BASE, VirtuosoServer

ROOT = Path(__file__).resolve().parents[1]
QUERY_FOLDER = ROOT / "queries"
COMPETENCY = ROOT / "tests" / "competency"
QUERIES = sorted(QUERY_FOLDER.glob("*.rq"))
ANSWERS = sorted(COMPETENCY.glob("*.tsv"))
JSON = "application/sparql-results+json"
BACKENDS = [
    pytest.param("embedded", id="embedded"),
    pytest.param("virtuoso", id="virtuoso", marks=pytest.mark.virtuoso),
]

Solution = frozenset[tuple[str, str]]


@dataclass(frozen=True)
class RepositoryBuild:
    dist: Path
    nquads: bytes


@pytest.fixture(scope="module")
def repository_build(
    tmp_path_factory: pytest.TempPathFactory, repository_settings: Settings
) -> RepositoryBuild:
    """The repository's content, built once: the dumps and descriptions every app serves."""
    content = load_content(content_files(repository_settings), BASE)
    dist = tmp_path_factory.mktemp("competency") / "dist"
    build(content, dist)
    return RepositoryBuild(dist, nquads(content.dataset))


@pytest.fixture(scope="module")
def embedded_client(
    tmp_path_factory: pytest.TempPathFactory,
    repository_settings: Settings,
    repository_build: RepositoryBuild,
) -> Iterator[FlaskClient]:
    store = EmbeddedStore.create(
        repository_build.nquads,
        tmp_path_factory.mktemp("competency-store") / "store",
        prefixes=prefixes(BASE),
        workers=1,
    )
    app = create_app(repository_settings, store, dist=repository_build.dist)
    yield app.test_client()
    store.close()


@pytest.fixture(scope="module")
def virtuoso_client(
    virtuoso: VirtuosoServer,
    virtuoso_endpoint: str,
    repository_settings: Settings,
    repository_build: RepositoryBuild,
) -> Iterator[FlaskClient]:
    """The app in front of Virtuoso holding the repository's data (`ctc-kg load`)."""
    store = virtuoso.store(timeout=20.0)
    settings = replace(repository_settings, store="sparql+" + virtuoso_endpoint)
    app = create_app(settings, store, dist=repository_build.dist)
    yield app.test_client()
    store.close()


@pytest.fixture(scope="module", params=BACKENDS)
def client(request: pytest.FixtureRequest) -> FlaskClient:
    client: FlaskClient = request.getfixturevalue(f"{request.param}_client")
    return client


def _solutions(results: ox.QuerySolutions) -> tuple[list[str], set[Solution]]:
    variables = [v.value for v in results.variables]
    found = set()
    for row in results:
        found.add(frozenset((v, str(row[v])) for v in variables if row[v] is not None))
    return variables, found


def _expected(query_file: Path) -> Path:
    return COMPETENCY / (query_file.stem + ".tsv")


def test_there_are_at_least_eighteen_questions() -> None:
    assert len(QUERIES) >= 18


def test_every_query_has_an_expected_answer() -> None:
    missing = [q.name for q in QUERIES if not _expected(q).is_file()]
    assert missing == []


def test_every_expected_answer_has_its_query() -> None:
    orphans = [a.name for a in ANSWERS if not (QUERY_FOLDER / (a.stem + ".rq")).is_file()]
    assert orphans == []
    assert not list(COMPETENCY.glob("*.rq")), "queries live in queries/, not tests/competency/"


def test_queries_are_numbered_in_reading_order() -> None:
    numbers = [q.name.split("-", 1)[0] for q in QUERIES]
    assert numbers == [f"{n:02d}" for n in range(1, len(QUERIES) + 1)]


@pytest.mark.parametrize("query_file", QUERIES, ids=lambda p: p.name)
def test_query_states_its_question_in_english_and_french(query_file: Path) -> None:
    example = parse_example(query_file.stem, query_file.read_text(encoding="utf-8"))
    # `# title:` (untagged) is the English one; `@fr` must differ from it, or it is missing.
    assert example.title("en") != example.title("fr"), "no # title@fr of its own"
    assert example.description("en") != example.description("fr"), "no # description@fr"
    untitled = query_file.stem.replace("-", " ")
    assert untitled not in {example.title("en"), example.title("fr")}, "no # title"
    for lang in ("en", "fr"):
        assert example.description(lang).endswith("?"), f"{lang} description is not a question"
    assert example.source, "no # source: line naming the document that answers it"


@pytest.mark.parametrize("query_file", QUERIES, ids=lambda p: p.name)
def test_competency_question_gets_the_documented_answer(
    query_file: Path, client: FlaskClient
) -> None:
    response = client.post(
        "/sparql",
        data={"query": query_file.read_text(encoding="utf-8")},
        headers={"Accept": JSON},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith(JSON)
    results = ox.parse_query_results(response.data, format=ox.QueryResultsFormat.JSON)
    assert isinstance(results, ox.QuerySolutions)
    variables, got = _solutions(results)
    expected_file = _expected(query_file)
    expected = ox.parse_query_results(path=expected_file, format=ox.QueryResultsFormat.TSV)
    assert isinstance(expected, ox.QuerySolutions)
    expected_variables, wanted = _solutions(expected)
    assert variables == expected_variables
    assert wanted, f"{expected_file.name} holds no answer"
    assert got == wanted
