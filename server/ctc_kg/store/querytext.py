"""What the service must know about a SPARQL request before anything executes it.

A small lexer, not a parser: it finds the tokens that matter for the policy (the
operation's form, `SERVICE` targets, IRIs) and never looks inside string literals,
comments or IRIs. The engine parses the query afterwards and reports syntax errors
itself; this module only refuses what must never run (updates, `SERVICE` to an address
outside the allow-list) and lets the web layer rewrite IRIs token by token.

Why a lexer: pyoxigraph has no parser API and calls out over HTTP for any `SERVICE`
clause, so the check must happen on the text. Keyword tokens are case-insensitive;
spargebra does not unescape `\\u` sequences outside IRIs and strings, so neither do we,
but an IRI's escapes are decoded before comparing it with the allow-list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple
from urllib.parse import urljoin

from ctc_kg.errors import BadRequestError, ForbiddenError


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


# Order matters: long strings before short ones; IRIs before the `<` operator.
_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (Kind.SPACE, re.compile(r"\s+")),
    (Kind.COMMENT, re.compile(r"#[^\r\n]*")),
    (Kind.STRING, re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""', re.DOTALL)),
    (Kind.STRING, re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''", re.DOTALL)),
    (Kind.STRING, re.compile(r'"(?:[^"\\\r\n]|\\.)*"')),
    (Kind.STRING, re.compile(r"'(?:[^'\\\r\n]|\\.)*'")),
    (Kind.IRI, re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')),
    (Kind.VARIABLE, re.compile(r"[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+")),
    # A prefixed name: optional prefix, a colon, optional local part (with escapes).
    (Kind.PNAME, re.compile(r"(?:[^\W\d_][\w.\-]*)?:(?:[\w:%\-.]|\\.)*", re.UNICODE)),
    (Kind.WORD, re.compile(r"[^\W\d][\w\-]*|\d[\w.]*", re.UNICODE)),
    (Kind.STRING, re.compile(r"[\"']")),  # an unterminated string: the rest is opaque
)

_UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
_QUERY_KEYWORDS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


# One alternation, tried in the order above at each position: a single regex match per
# token keeps a megabyte of hostile text to a fraction of a second.
_GROUPS = {f"g{index}": kind for index, (kind, _) in enumerate(_PATTERNS)}
_MASTER = re.compile(
    "|".join(
        f"(?P<g{index}>(?s:{pattern.pattern}))"
        if pattern.flags & re.DOTALL
        else f"(?P<g{index}>{pattern.pattern})"
        for index, (_, pattern) in enumerate(_PATTERNS)
    )
    # Punctuation that starts no other token comes as one run ("((", "})."), so a
    # megabyte of brackets is a few tokens, not a million.
    + r"""|(?P<other>[^\s\w#"'<?$:]+|[\s\S])""",
    re.UNICODE,
)
_UNTERMINATED = f"g{len(_PATTERNS) - 1}"


def tokens(text: str) -> Iterator[Token]:
    """Split `text` into tokens; every character belongs to exactly one token."""
    for match in _MASTER.finditer(text):
        group = match.lastgroup
        if group == _UNTERMINATED:  # an unterminated string: the rest is opaque
            yield Token(Kind.STRING, text[match.start() :], match.start())
            return
        kind = _GROUPS.get(group or "", Kind.OTHER)
        yield Token(kind, match.group(), match.start())


def _significant(text: str) -> list[Token]:
    return [t for t in tokens(text) if t.kind not in (Kind.SPACE, Kind.COMMENT)]


def decode_iri(token_text: str) -> str:
    """The IRI inside `<...>`, with SPARQL's \\u / \\U escapes decoded."""
    inner = token_text[1:-1]
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), inner)


class Operation(Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"
    UPDATE = "UPDATE"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class Analysis:
    operation: Operation
    service_targets: tuple[str | None, ...]  # None: a variable or an unresolvable name
    depth: int = 0  # the deepest nesting of (), {} and []


# The engine's parser recurses once per level and overflows its stack (the query process
# dies) at a few thousand; no real query comes near this.
MAX_NESTING = 256
_OPEN = frozenset("({[")
_CLOSE = frozenset(")}]")


def _nesting(significant: Sequence[Token]) -> int:
    depth = deepest = 0
    for token in significant:
        if token.kind is Kind.OTHER:
            for char in token.text:
                if char in _OPEN:
                    depth += 1
                    deepest = max(deepest, depth)
                elif char in _CLOSE:
                    depth -= 1
    return deepest


def analyse(text: str) -> Analysis:
    """The operation a request text asks for and the targets of its SERVICE clauses."""
    significant = _significant(text)
    prefixes: dict[str, str] = {}
    base = ""
    operation = Operation.UNKNOWN
    targets: list[str | None] = []
    index = 0
    while index < len(significant):
        token = significant[index]
        word = token.text.upper() if token.kind is Kind.WORD else ""
        if word == "PREFIX" and index + 2 < len(significant):
            name, iri = significant[index + 1], significant[index + 2]
            if name.kind is Kind.PNAME and iri.kind is Kind.IRI:
                prefixes[name.text[:-1]] = urljoin(base, decode_iri(iri.text))
                index += 3
                continue
        elif word == "BASE" and index + 1 < len(significant):
            if significant[index + 1].kind is Kind.IRI:
                base = urljoin(base, decode_iri(significant[index + 1].text))
                index += 2
                continue
        elif word and operation is Operation.UNKNOWN:
            if word in _QUERY_KEYWORDS:
                operation = Operation(word)
            elif word in _UPDATE_KEYWORDS:
                operation = Operation.UPDATE
        if word == "SERVICE":
            targets.append(_service_target(significant, index + 1, prefixes, base))
        index += 1
    return Analysis(operation, tuple(targets), _nesting(significant))


def _service_target(
    significant: Sequence[Token], index: int, prefixes: dict[str, str], base: str
) -> str | None:
    if index < len(significant) and significant[index].text.upper() == "SILENT":
        index += 1
    if index >= len(significant):
        return None
    target = significant[index]
    if target.kind is Kind.IRI:
        return urljoin(base, decode_iri(target.text))
    if target.kind is Kind.PNAME:
        prefix, _, local = target.text.partition(":")
        if prefix in prefixes and "\\" not in local and "%" not in local:
            return prefixes[prefix] + local
    return None


def check_query(text: str, service_allow_list: Sequence[str]) -> Operation:
    """Refuse what must never run; return the operation of an acceptable query.

    Raises ForbiddenError for an update or a SERVICE clause whose target is not on the
    allow-list (a variable target is never allowed: it could name any address).
    """
    analysis = analyse(text)
    if analysis.depth > MAX_NESTING:
        raise BadRequestError(
            f"The query nests brackets {analysis.depth} levels deep; this endpoint accepts "
            f"at most {MAX_NESTING}."
        )
    if analysis.operation is Operation.UPDATE:
        raise ForbiddenError(
            "This endpoint is read-only: SPARQL Update operations are not accepted."
        )
    allowed = set(service_allow_list)
    for target in analysis.service_targets:
        if target is None:
            raise ForbiddenError(
                "SERVICE with a variable or unresolvable target is not allowed by this endpoint."
            )
        if target not in allowed:
            raise ForbiddenError(
                f"SERVICE <{target}> is not allowed: this endpoint only federates with "
                + (", ".join(f"<{iri}>" for iri in sorted(allowed)) if allowed else "no service")
                + "."
            )
    return analysis.operation


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


def require_text(raw: bytes) -> str:
    """Decode a request body as UTF-8 (the only encoding SPARQL allows)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequestError(f"The query is not valid UTF-8: {error}") from error
