"""The policy's shortcut for plain texts (querytext._plain_analysis, issue 16) classifies
exactly as the full reading (querytext._read) does: the same operation, SERVICE targets,
nesting depth, ambiguity and tokens, on every query of the repository and on generated
texts built from the pieces where the two could part."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from ctc_kg.store import querytext
from ctc_kg.store.querytext import analyse
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.generate import B
from bench.queries import Samples, workloads

REPOSITORY = Path(__file__).resolve().parents[2]
_SPARQL_WORDS = ("select", "ask", "construct", "describe", "insert", "delete", "service")


def _string_constants(path: Path) -> list[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError):
        return []
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(word in node.value.lower() for word in _SPARQL_WORDS)
    ]


def _bench_texts() -> list[str]:
    samples = Samples(
        meetings=(B + "meeting/2003-03-06",),
        organizations=(B + "organization/ctc",),
        suborganizations=(B + "organization/ctc-cted",),
        meetings_with_parent=(B + "meeting/2003-03-06",),
        places=(B + "place/new-york",),
        search_words=("terror",),
        subjects=(B + "meeting/2003-03-06", "https://w3id.org/ctc-kg/ontology#Agreement"),
    )
    return [item for w in workloads(samples) if w.kind.value == "sparql" for item in w.items]


def repository_texts() -> list[str]:
    """Every example query, every bench query, and every string in the tests, the bench
    and the server that names a SPARQL form or SERVICE."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(REPOSITORY.glob("queries/*.rq"))]
    texts += _bench_texts()
    for folder in ("tests", "bench", "server"):
        for path in sorted((REPOSITORY / folder).rglob("*.py")):
            texts += _string_constants(path)
    return list(dict.fromkeys(texts))


def _same(text: str) -> None:
    shortcut, full = analyse(text), querytext._read(text)
    assert shortcut == full, text
    assert shortcut.tokens == full.tokens, text


def test_every_query_of_the_repository_is_classified_as_by_the_full_reading():
    texts = repository_texts()
    assert len(texts) > 300  # the queries, the tests' hostile texts, the bench's mix
    for text in texts:
        _same(text)


@pytest.mark.parametrize("text", _bench_texts())
def test_the_bench_queries_take_the_shortcut(text):
    # What issue 16's lookups and listings gain: their prologue's IRIs hold a `#`.
    tokens = querytext._significant_tokens(text)
    assert querytext._plain_analysis(tokens) is not None


PIECES = st.sampled_from(
    [
        "SELECT",
        "ask",
        "CONSTRUCT",
        "INSERT",
        "SERVICE",
        "\u017fervice",  # long s: upper-cases to SERVICE
        "SILENT",
        "1SERVICE",
        "PREFIX ex: <http://e/#>",
        "BASE <http://b/>",
        "ex:",
        "ex:a\\<",
        "ex:SERVICE",
        "?x",
        "$y",
        "<http://a/>",
        "<http://a/#b>",
        "<a'b>",
        "<a(b>",
        "<a[b>",
        "<<",
        "<",
        ">",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        "'",
        '"',
        '"""',
        "#",
        "\n",
        " ",
        "FILTER",
        "a",
        "1",
        "true",
        ".",
        ";",
        ",",
        "=",
        "\\",
    ]
)


@settings(max_examples=3000, deadline=None)
@given(text=st.lists(PIECES, max_size=40).map("".join))
def test_a_generated_text_is_classified_as_by_the_full_reading(text):
    _same(text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { ?s ?p ?o FILTER(?o<'>'#'>) }",  # ambiguous inside an expression
        "SELECT * { ?s ?p ?o FILTER(?a<b:c#>) }",
        "SELECT * WHERE { ex:a\\<<http://x#'> ?p ?o }",  # `<` ends the previous token
        "SELECT * { <<<a('#> ?p ?o }",
        "SELECT * { \u017fervice <http://x/> { ?s ?p ?o } }",
        "PREFIX ex: <http://e/#'> SELECT * { ?s ex:p ?o }",
        ") (<a#'> SELECT",
        "SELECT * { <http://a/#b> ?p ?o FILTER (?o = <http://a/#c>) }",
        "SELECT * { ?s ?p [ ?q <a#'> ] } ORDER BY (?s) LIMIT 1",
    ],
)
def test_the_shortcut_edges_are_classified_as_by_the_full_reading(text):
    _same(text)
