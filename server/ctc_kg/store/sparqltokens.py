"""SPARQL text as tokens: a small lexer, not a parser.

It finds the tokens that matter to the query policy (store.querytext) and to IRI
rewriting (`map_iris`) and never looks inside string literals, comments or IRIs.
Keyword tokens are case-insensitive; spargebra does not unescape `\\u` sequences outside
IRIs and strings, so neither do we, but `decode_iri` decodes an IRI's escapes.

Two readings of the same text: `tokens` keeps every character (to rewrite the text),
`SIGNIFICANT_TOKEN` / `significant` skip spaces and comments (to read its shape).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from enum import Enum
from typing import NamedTuple


class Kind(Enum):
    IRI = "iri"
    STRING = "string"
    COMMENT = "comment"
    VARIABLE = "variable"
    PNAME = "pname"
    WORD = "word"
    SPACE = "space"
    OTHER = "other"


class Token(NamedTuple):  # a tuple: a megabyte of one-character tokens stays cheap
    kind: Kind
    text: str
    start: int


_SPACE = r"\s+"
_COMMENT = r"#[^\r\n]*"
_LONG_STRINGS = (r'"""(?:[^"\\]|\\.|"(?!""))*"""', r"'''(?:[^'\\]|\\.|'(?!''))*'''")  # DOTALL
_SHORT_STRINGS = (r'"(?:[^"\\\r\n]|\\.)*"', r"'(?:[^'\\\r\n]|\\.)*'")
# IRIREF, with the \u and \U escapes the engine also accepts inside it. Loops are
# unrolled (a run of plain characters, then an escape and another run): the same tokens
# as one alternation per character (tests/store/test_lexer_unrolled.py), in a fraction
# of the time for an IRI or a prefixed name (issue 16).
_IRI_CHARS = r'[^<>"{}|^`\\\x00-\x20]*+'
_IRI = rf"<{_IRI_CHARS}(?:(?:\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}}){_IRI_CHARS})*+>"
_VARIABLE = r"[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+"
# A prefixed name: optional prefix, a colon, optional local part (with escapes).
_PNAME = r"(?:[^\W\d_][\w.\-]*+)?:[\w:%\-.]*+(?:\\.[\w:%\-.]*+)*+"
_WORD = r"[^\W\d][\w\-]*+|\d[\w.]*+"
_UNTERMINATED = r"[\"']"  # an unterminated string: the rest is opaque
# Punctuation that starts no other token comes as one run ("((", "})."), so a megabyte
# of brackets is a few tokens, not a million.
_PUNCTUATION = r"""[^\s\w#"'<?$:]+"""


def _patterns(iri: str, pname: str) -> tuple[tuple[Kind, str], ...]:
    """Every kind's pattern; order matters: long strings before short ones, IRIs before
    the `<` operator."""
    return (
        (Kind.SPACE, _SPACE),
        (Kind.COMMENT, _COMMENT),
        *((Kind.STRING, f"(?s:{pattern})") for pattern in _LONG_STRINGS),
        *((Kind.STRING, pattern) for pattern in _SHORT_STRINGS),
        (Kind.IRI, iri),
        (Kind.VARIABLE, _VARIABLE),
        (Kind.PNAME, pname),
        (Kind.WORD, _WORD),
        (Kind.STRING, _UNTERMINATED),
    )


def _master(iri: str, pname: str) -> re.Pattern[str]:
    """One alternation, tried in `_patterns`' order at each position: a single regex
    match per token keeps a megabyte of hostile text to a fraction of a second."""
    return re.compile(
        "|".join(f"(?P<g{index}>{p})" for index, (_, p) in enumerate(_patterns(iri, pname)))
        + rf"|(?P<other>{_PUNCTUATION}|[\s\S])"
    )


def _significant_token(iri: str, pname: str) -> re.Pattern[str]:
    """The same tokens for the policy, without a match for spaces and comments: they are
    skipped (possessively) before each significant token, and `\\Z` ends the text after
    the last one. First characters of the alternatives are disjoint but for names and
    words (names first, as above), so the most frequent come first."""
    return re.compile(
        rf"(?:{_SPACE}|{_COMMENT})*+(?:"
        rf"(?P<p>{pname})|(?P<w>{_WORD})|(?P<v>{_VARIABLE})|(?P<o>{_PUNCTUATION})|(?P<i>{iri})"
        + "".join(f"|(?P<s{n}>(?s:{p}))" for n, p in enumerate(_LONG_STRINGS))
        + "".join(f"|(?P<t{n}>{p})" for n, p in enumerate(_SHORT_STRINGS))
        + rf"|(?P<u>{_UNTERMINATED})|(?P<x>[\s\S])|\Z)"
    )


_PATTERNS = _patterns(_IRI, _PNAME)
_GROUPS = {f"g{index}": kind for index, (kind, _) in enumerate(_PATTERNS)}
_MASTER = _master(_IRI, _PNAME)
_TOKEN_UNTERMINATED = f"g{len(_PATTERNS) - 1}"
SIGNIFICANT_TOKEN = _significant_token(_IRI, _PNAME)
STRING_GROUPS = frozenset({"s0", "s1", "t0", "t1"})


def significant(text: str) -> Iterator[tuple[str, str]]:
    """The policy's tokens of `text` as (group, text): spaces and comments skipped; groups
    `p` prefixed name, `w` word, `v` variable, `o` a run of punctuation, `i` IRI, `s0`..`t1`
    strings, `u` an unterminated string (the rest of the text), `x` any other character."""
    for match in SIGNIFICANT_TOKEN.finditer(text):
        group = match.lastgroup
        if group is None:
            return
        yield group, match.group(group)


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def tokens(text: str) -> Iterator[Token]:
    """Split `text` into tokens; every character belongs to exactly one token."""
    for match in _MASTER.finditer(text):
        group = match.lastgroup
        if group == _TOKEN_UNTERMINATED:  # an unterminated string: the rest is opaque
            yield Token(Kind.STRING, text[match.start() :], match.start())
            return
        kind = _GROUPS.get(group or "", Kind.OTHER)
        yield Token(kind, match.group(), match.start())


def decode_iri(token_text: str) -> str:
    """The IRI inside `<...>`, with SPARQL's \\u / \\U escapes decoded."""
    inner = token_text[1:-1]
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), inner)


def map_iris(text: str, mapping: Callable[[str], str]) -> str:
    """`text` with every IRI token passed through `mapping` (strings, comments untouched).

    The IRI is compared in its written form (escapes are left as they are), so a query
    that spells the public URL with \\u escapes is not rewritten.
    """
    out: list[str] = []
    for token in tokens(text):
        if token.kind is Kind.IRI:
            out.append("<" + mapping(token.text[1:-1]) + ">")
        else:
            out.append(token.text)
    return "".join(out)
