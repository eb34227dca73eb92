"""The policy lexer's remembered analyses: the same answer as a fresh one, never another
text's answer."""

from __future__ import annotations

import pytest
from ctc_kg.errors import ForbiddenError
from ctc_kg.store import querytext
from ctc_kg.store.querytext import Operation, analyse, check_query
from hypothesis import given, settings
from hypothesis import strategies as st

PIECES = st.sampled_from(
    [
        "SELECT",
        "ASK",
        "SERVICE",
        "SILENT",
        "PREFIX ex: <http://e/>",
        "ex:",
        "?x",
        "<http://a/>",
        "{",
        "}",
        "(",
        ")",
        "'",
        '"""',
        "#",
        "\n",
        " ",
        "FILTER",
        "<",
        ">",
        "1",
        "a",
        "INSERT",
    ]
)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(PIECES, max_size=30).map("".join))
def test_a_remembered_analysis_is_the_fresh_one(text):
    fresh = querytext._analyse(text)
    assert analyse(text) == fresh
    assert analyse(text) == fresh


@pytest.mark.parametrize("length", [100, 20_000])
def test_a_text_never_gets_the_analysis_of_another(length):
    padding = "#" + "x" * length + "\n"
    harmless = padding + "SELECT * { ?s ?p ?o }"
    service = padding + "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    assert check_query(harmless, ()) is Operation.SELECT
    with pytest.raises(ForbiddenError):
        check_query(service, ())
    # An equal text that is another object: analysed again, same answer.
    copy = "".join(list(harmless))
    assert copy is not harmless
    assert check_query(copy, ()) is Operation.SELECT
