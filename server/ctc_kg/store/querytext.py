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

Where the lexer and the engine could read the same text differently, the policy takes
the reading that refuses (each case was a way past the allow-list, see
tests/web/test_limits.py):
- spargebra matches keywords without a word boundary, so `1SERVICE`, `trueSERVICE`,
  `SERVICESILENT` or `SERVICEex:` (a prefixed name) before `{` may be a SERVICE clause;
  such a clause has no target we can check and is refused;
- `<` right after a value inside an expression is the less-than operator for the engine
  but may look like an IRI here (`?a<'>'`, `?a<b:c#>`), and so may the second `<` of
  `<<`; when such an "IRI" holds a quote or a `#`, the readings would disagree on where
  strings and comments are, and the query is refused as ambiguous (400);
- an IRI may carry `\\u` escapes (`<http\\u003A//x/>`): it is one IRI token here too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
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


_SPACE = r"\s+"
_COMMENT = r"#[^\r\n]*"
_LONG_STRINGS = (r'"""(?:[^"\\]|\\.|"(?!""))*"""', r"'''(?:[^'\\]|\\.|'(?!''))*'''")  # DOTALL
_SHORT_STRINGS = (r'"(?:[^"\\\r\n]|\\.)*"', r"'(?:[^'\\\r\n]|\\.)*'")
# IRIREF, with the \u and \U escapes the engine also accepts inside it.
_IRI = r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>'
_VARIABLE = r"[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+"
# A prefixed name: optional prefix, a colon, optional local part (with escapes).
_PNAME = r"(?:[^\W\d_][\w.\-]*+)?:(?:[\w:%\-.]|\\.)*+"
_WORD = r"[^\W\d][\w\-]*+|\d[\w.]*+"
_UNTERMINATED = r"[\"']"  # an unterminated string: the rest is opaque
# Punctuation that starts no other token comes as one run ("((", "})."), so a megabyte
# of brackets is a few tokens, not a million.
_PUNCTUATION = r"""[^\s\w#"'<?$:]+"""

# Order matters: long strings before short ones; IRIs before the `<` operator.
_PATTERNS: tuple[tuple[Kind, str], ...] = (
    (Kind.SPACE, _SPACE),
    (Kind.COMMENT, _COMMENT),
    *((Kind.STRING, f"(?s:{pattern})") for pattern in _LONG_STRINGS),
    *((Kind.STRING, pattern) for pattern in _SHORT_STRINGS),
    (Kind.IRI, _IRI),
    (Kind.VARIABLE, _VARIABLE),
    (Kind.PNAME, _PNAME),
    (Kind.WORD, _WORD),
    (Kind.STRING, _UNTERMINATED),
)

# One alternation, tried in the order above at each position: a single regex match per
# token keeps a megabyte of hostile text to a fraction of a second.
_GROUPS = {f"g{index}": kind for index, (kind, _) in enumerate(_PATTERNS)}
_MASTER = re.compile(
    "|".join(f"(?P<g{index}>{pattern})" for index, (_, pattern) in enumerate(_PATTERNS))
    + rf"|(?P<other>{_PUNCTUATION}|[\s\S])"
)
_TOKEN_UNTERMINATED = f"g{len(_PATTERNS) - 1}"

# The same tokens for the policy, without a match for spaces and comments: they are
# skipped (possessively) before each significant token, and `\Z` ends the text after
# the last one. First characters of the alternatives are disjoint but for names and
# words (names first, as above), so the most frequent come first.
_SCAN = re.compile(
    rf"(?:{_SPACE}|{_COMMENT})*+(?:"
    rf"(?P<p>{_PNAME})|(?P<w>{_WORD})|(?P<v>{_VARIABLE})|(?P<o>{_PUNCTUATION})|(?P<i>{_IRI})"
    + "".join(f"|(?P<s{n}>(?s:{p}))" for n, p in enumerate(_LONG_STRINGS))
    + "".join(f"|(?P<t{n}>{p})" for n, p in enumerate(_SHORT_STRINGS))
    + rf"|(?P<u>{_UNTERMINATED})|(?P<x>[\s\S])|\Z)"
)
STRING_GROUPS = frozenset({"s0", "s1", "t0", "t1"})


def significant(text: str) -> Iterator[tuple[str, str]]:
    """The policy's tokens of `text` as (group, text): spaces and comments skipped; groups
    `p` prefixed name, `w` word, `v` variable, `o` a run of punctuation, `i` IRI, `s0`..`t1`
    strings, `u` an unterminated string (the rest of the text), `x` any other character."""
    for match in _SCAN.finditer(text):
        group = match.lastgroup
        if group is None:
            return
        yield group, match.group(group)


_UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
_QUERY_KEYWORDS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
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
    depth: int = 0  # the deepest nesting of (), {} and [] (an upper bound for the engine's)
    # Where an "IRI" begins that the engine may read as `<` followed by code (see above).
    ambiguous_at: int | None = None
    # The significant tokens read (`significant`'s pairs, up to an unterminated string,
    # included) of a text of at most KEPT_TOKENS_UP_TO characters: store.bounded reads
    # the query's shape from them without scanning again.
    tokens: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)


#: Texts up to this length keep their tokens in their analysis (store.bounded reads no
#: longer text: a query that provably touches few rows is short).
KEPT_TOKENS_UP_TO = 16_384

# The engine's parser recurses once per level and overflows its stack (the query process
# dies) at a few thousand; no real query comes near this.
MAX_NESTING = 256

# What the innermost open bracket holds: triple patterns (`{`, `[`, a collection or a
# VALUES row), an expression (where `<` after a value is less-than), or a query's own
# clauses (the top level and a sub-select: SELECT expressions, GROUP/ORDER BY, HAVING).
_PATTERN, _EXPRESSION, _QUERY = 0, 1, 2
_VALUE_KINDS = frozenset({"v", "i", "p", "w", "s0", "s1", "t0", "t1"})
_NAMED_SLOT = frozenset({"GRAPH", "SERVICE", "SILENT"})
_TARGET_KINDS = frozenset({"v", "i", "p"})


def analyse(text: str) -> Analysis:
    """The operation a request text asks for and the targets of its SERVICE clauses.

    Made once per request: the web layer analyses the text it sends and the analysis
    travels with it (`store.base.QueryRequest.analysis`), so no cache is needed.
    """
    return _analyse(text)


def _analyse(text: str) -> Analysis:
    prefixes: dict[str, str] = {}
    base = ""
    operation = Operation.UNKNOWN
    targets: list[str | None] = []
    depth = deepest = hidden = 0
    frames: list[int] = []
    ambiguous_at: int | None = None
    # The previous significant token: its group and text (upper case for a word), the
    # last character of a punctuation run; and the word before it, if it was one.
    prev, prev_text, prev_last, before_word = "", "", "", ""
    # What the previous tokens leave pending for this one.
    after = ""  # "PREFIX", "PREFIX:" (a name follows), "BASE", "SERVICE", "SILENT"
    prefix_name = ""
    # A name that may hide the SERVICE keyword (SERVICEex:, ex:.SERVICE): it is one if
    # `{` follows, after at most [SILENT] and a target; 1: next, 2: `{` next, 3: a target.
    glued = 0
    scanned: list[tuple[str, str]] = []
    keep = len(text) <= KEPT_TOKENS_UP_TO  # a megabyte of tokens is not kept
    for match in _SCAN.finditer(text):
        group = match.lastgroup
        if group is None:
            break
        token = match.group(group)
        if keep:
            scanned.append((group, token))
        if group == "u":  # an unterminated string: the rest is opaque
            break
        word = token.upper() if group == "w" else ""
        if glued:
            if group == "o" and token[0] == "{" and glued != 3:
                targets.append(None)
                glued = 0
            elif group in _TARGET_KINDS and glued != 2:
                glued = 2
            elif word == "SILENT" and glued == 1:
                glued = 3
            else:
                glued = 0
        if after:
            if after == "SERVICE" and word == "SILENT":
                after = "SILENT"
            elif after == "SERVICE" or after == "SILENT":
                after = ""
                targets.append(_target(group, token, prefixes, base))
            elif after == "PREFIX" and group == "p":
                after, prefix_name = "PREFIX:", token[:-1]
            elif after == "PREFIX:" and group == "i":
                after = ""
                prefixes[prefix_name] = urljoin(base, decode_iri(token))
            elif after == "BASE" and group == "i":
                after = ""
                base = urljoin(base, decode_iri(token))
            else:
                after = ""
        if group == "w":
            if word in ("PREFIX", "BASE", "SERVICE"):
                after = word
            elif "SERVICE" in word:  # 1SERVICE, trueSERVICE, SERVICESILENT: no checkable target
                targets.append(None)
            if operation is Operation.UNKNOWN:
                if word in _QUERY_KEYWORDS:
                    operation = Operation(word)
                elif word in _UPDATE_KEYWORDS:
                    operation = Operation.UPDATE
            if "SELECT" in word and frames and frames[-1] == _PATTERN:
                frames[-1] = _QUERY  # a sub-select: its clauses hold expressions
        elif group == "o":
            kind, kind_text, kind_before = prev, prev_text, before_word
            for char in token:
                if char in "({[":
                    if char == "(":
                        frames.append(_opened_by(frames, kind, kind_text, kind_before))
                    else:
                        frames.append(_PATTERN)
                    depth += 1
                    if depth + hidden > deepest:
                        deepest = depth + hidden
                elif char in ")}]":
                    depth -= 1
                    if frames:
                        frames.pop()
                kind, kind_text, kind_before = "o", "", ""
            prev_last = token[-1]
        elif group == "i":
            start = match.start(group)
            inner = frames[-1] if frames else _QUERY
            after_value = (prev in _VALUE_KINDS and prev_text != "DISTINCT") or (
                prev == "o" and prev_last in ")]"
            )
            if (inner == _EXPRESSION and after_value) or (start and text[start - 1] == "<"):
                # The engine may read this `<` as an operator and what follows as code.
                if ambiguous_at is None and ("'" in token or "#" in token):
                    ambiguous_at = start
                hidden += token.count("(") + token.count("[")
                if depth + hidden > deepest:
                    deepest = depth + hidden
        elif (
            group == "p"
            and "SERVICE" in token.upper()
            and not (prev == "w" and prev_text in _NAMED_SLOT)
        ):
            glued = 1  # SERVICEex:{ ... } is SERVICE ex: { ... }
        before_word = prev_text if prev == "w" else ""
        prev = group
        prev_text = word if group == "w" else (token if group == "p" else "")
    if after == "SERVICE" or after == "SILENT":
        targets.append(None)
    return Analysis(operation, tuple(targets), deepest, ambiguous_at, tuple(scanned))


def _opened_by(frames: list[int], prev: str, prev_text: str, before_word: str) -> int:
    """What a `(` opens, from where it is and the tokens before it (see _PATTERN)."""
    inner = frames[-1] if frames else _QUERY
    if inner != _PATTERN:
        return _EXPRESSION
    if prev == "w":  # FILTER(, BIND(, a built-in call; but `a (` starts a collection
        return _PATTERN if prev_text == "A" else _EXPRESSION
    if prev in ("i", "p") and ("FILTER" in before_word or "FILTER" in prev_text.upper()):
        return _EXPRESSION  # FILTER <fn>(...), FILTER ex:fn(...), FILTERex:fn(...)
    return _PATTERN


def _target(group: str, token: str, prefixes: dict[str, str], base: str) -> str | None:
    """The address a SERVICE clause names with `token`, or None when it cannot be known."""
    if group == "i":
        return urljoin(base, decode_iri(token))
    if group == "p":
        prefix, _, local = token.partition(":")
        if prefix in prefixes and "\\" not in local and "%" not in local:
            return prefixes[prefix] + local
    return None


def check_query(text: str, service_allow_list: Sequence[str]) -> Operation:
    """`check_analysis` of `text`."""
    return check_analysis(analyse(text), service_allow_list)


def check_analysis(analysis: Analysis, service_allow_list: Sequence[str]) -> Operation:
    """Refuse what must never run; return the operation of an acceptable query.

    Raises BadRequestError for brackets nested too deep or a text the engine may read
    otherwise than this module, ForbiddenError for an update or a SERVICE clause whose
    target is not on the allow-list (a variable target is never allowed: it could name
    any address).
    """
    if analysis.depth > MAX_NESTING:
        raise BadRequestError(
            f"The query nests brackets {analysis.depth} levels deep; this endpoint accepts "
            f"at most {MAX_NESTING}."
        )
    if analysis.ambiguous_at is not None:
        raise BadRequestError(
            "The query is ambiguous at character "
            f"{analysis.ambiguous_at}: a '<' after a value in an expression (or in '<<') "
            "followed by a quote or '#' before the next '>' may be the less-than operator "
            "or an IRI. Write a space after '<' when it compares."
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
