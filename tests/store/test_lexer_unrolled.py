"""The lexer's unrolled IRI and prefixed-name patterns (issue 16) cut every text into the
same tokens as the patterns they replace, one alternation per character: for the policy
(`SIGNIFICANT_TOKEN`) and for IRI rewriting (`tokens`), on every query of the repository
and on generated texts full of escapes, brackets and quotes."""

from __future__ import annotations

import re

from ctc_kg.store import sparqltokens
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.store.test_plain_analysis import repository_texts

# The patterns as they were, verbatim.
OLD_IRI = r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>'
OLD_PNAME = r"(?:[^\W\d_][\w.\-]*+)?:(?:[\w:%\-.]|\\.)*+"
OLD_SIGNIFICANT = sparqltokens._significant_token(OLD_IRI, OLD_PNAME)
OLD_MASTER = sparqltokens._master(OLD_IRI, OLD_PNAME)


def _cut(pattern: re.Pattern[str], text: str) -> list[tuple[str | None, int, int]]:
    return [(m.lastgroup, m.start(), m.end()) for m in pattern.finditer(text)]


def _same(text: str) -> None:
    assert _cut(sparqltokens.SIGNIFICANT_TOKEN, text) == _cut(OLD_SIGNIFICANT, text), text
    assert _cut(sparqltokens._MASTER, text) == _cut(OLD_MASTER, text), text


def test_the_replaced_patterns_are_the_ones_the_lexer_was_built_from():
    # Only the two patterns changed: what the rest of the lexer builds around them is
    # the same, so the comparison below compares the lexers as they were and are.
    assert sparqltokens._IRI != OLD_IRI
    assert sparqltokens._PNAME != OLD_PNAME
    assert OLD_IRI in OLD_SIGNIFICANT.pattern
    assert OLD_PNAME in OLD_MASTER.pattern


def test_every_query_of_the_repository_is_cut_as_before():
    for text in repository_texts():
        _same(text)


PIECES = st.sampled_from(
    [
        "<",
        ">",
        "<http://a/b#c>",
        "\\u0041",
        "\\u00",
        "\\U0001F600",
        "\\U0001",
        "\\",
        "\\.",
        "\\\n",
        "ex:",
        ":",
        "a",
        "_",
        "1",
        "%",
        "%2F",
        "-",
        ".",
        "é",
        " ",
        "\n",
        "'",
        '"',
        "{",
        "}",
        "|",
        "^",
        "`",
        "#",
        "?x",
        "\x00",
    ]
)


@settings(max_examples=4000, deadline=None)
@given(text=st.lists(PIECES, max_size=30).map("".join))
def test_a_generated_text_is_cut_as_before(text):
    _same(text)


_INSIDE = ["a", "\\", "\\u0041", "\\u00", "\\U0001F600", "\\U0001", "#", " ", "<", '"', ".", "%"]
_IRI_LIKE = st.lists(st.sampled_from(_INSIDE), max_size=6).map(lambda p: "<" + "".join(p) + ">")
_NAME_LIKE = st.lists(st.sampled_from([*_INSIDE, ":", "-", "\\.", "\\\n"]), max_size=6).map(
    lambda p: "ex:" + "".join(p)
)


@settings(max_examples=3000, deadline=None)
@given(text=st.lists(st.one_of(_IRI_LIKE, _NAME_LIKE, PIECES), max_size=6).map(" ".join))
def test_a_generated_iri_or_name_is_cut_as_before(text):
    _same(text)
