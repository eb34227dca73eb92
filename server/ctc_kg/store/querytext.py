"""What the service must know about a SPARQL request before anything executes it.

The policy reads the request's tokens (store.sparqltokens: a lexer, not a parser) for
the operation's form, the `SERVICE` targets and the nesting depth. The engine parses the
query afterwards and reports syntax errors itself; this module only refuses what must
never run (updates, `SERVICE` to an address outside the allow-list).

Why the text: pyoxigraph has no parser API and calls out over HTTP for any `SERVICE`
clause, so the check must happen on the text. An IRI's escapes are decoded before it is
compared with the allow-list.

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import urljoin

from ctc_kg.errors import BadRequestError, ForbiddenError
from ctc_kg.store.sparqltokens import SIGNIFICANT_TOKEN, decode_iri

_UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
_QUERY_KEYWORDS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


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
    # Upper-casing works a character at a time, so a token that reads as SERVICE
    # upper-cased makes the whole text take `_read` (the tokens are not scanned twice).
    if len(text) <= KEPT_TOKENS_UP_TO and "SERVICE" not in text.upper():
        scanned = _significant_tokens(text)
        plain = _plain_analysis(scanned)
        if plain is not None:
            return plain
    return _read(text)


def _significant_tokens(text: str) -> tuple[tuple[str, str], ...]:
    """The tokens `_read` keeps: up to the end, or to an unterminated string included."""
    scanned: list[tuple[str, str]] = []
    append = scanned.append
    for match in SIGNIFICANT_TOKEN.finditer(text):
        group = match.lastgroup
        if group is None:
            break
        append((group, match[group]))
        if group == "u":
            break
    return tuple(scanned)


def _plain_analysis(scanned: tuple[tuple[str, str], ...]) -> Analysis | None:
    """The analysis of a text without anything that needs `_Reading`'s state, read from
    its tokens alone; None when `_read` must read it (issue 16: most queries take this
    path, at a third of `_Reading`'s cost per token).

    Plain: no `SERVICE` anywhere (`_analyse` checks it before the tokens are scanned):
    no targets, no prefixes to resolve; and an IRI token holding a quote, `#`, `(` or `[`
    only where the engine reads an IRI too: not right after a `<`, and not inside `(`
    (only a `(` opens an expression, `_opened_by`): nothing is ambiguous, no bracket is
    hidden. What remains: the first query or update keyword, the deepest nesting
    (test_plain_analysis.py).
    """
    operation = Operation.UNKNOWN
    depth = deepest = 0
    frames: list[str] = []  # the opening bracket of each of `_Reading.frames`
    previous = ""  # the previous token's last character
    for group, token in scanned:
        if group == "o":
            for char in token:
                if char in "({[":
                    depth += 1
                    frames.append(char)
                    if depth > deepest:
                        deepest = depth
                elif char in ")}]":
                    depth -= 1
                    if frames:
                        frames.pop()
        elif group == "i":
            in_parentheses = frames and frames[-1] == "("
            if (in_parentheses or previous == "<") and any(c in token for c in "'#(["):
                return None
        elif group == "w" and operation is Operation.UNKNOWN:
            word = token.upper()
            if word in _QUERY_KEYWORDS:
                operation = Operation(word)
            elif word in _UPDATE_KEYWORDS:
                operation = Operation.UPDATE
        previous = token[-1]  # `<` as the last character of any token (`ex:a\\<`)
    return Analysis(operation, (), deepest, None, scanned)


def _read(text: str) -> Analysis:
    """The analysis of any text, read token by token by `_Reading`."""
    reading = _Reading(text)
    read = reading.read
    scanned: list[tuple[str, str]] = []
    keep = len(text) <= KEPT_TOKENS_UP_TO  # a megabyte of tokens is not kept
    for match in SIGNIFICANT_TOKEN.finditer(text):
        group = match.lastgroup
        if group is None:
            break
        token = match.group(group)
        if keep:
            scanned.append((group, token))
        if group == "u":  # an unterminated string: the rest is opaque
            break
        read(group, token, match)
    return reading.analysis(tuple(scanned))


class _Reading:
    """The policy's state while `_analyse` reads a text's significant tokens in order."""

    __slots__ = (
        "after",
        "ambiguous_at",
        "base",
        "before_word",
        "deepest",
        "depth",
        "frames",
        "glued",
        "hidden",
        "operation",
        "prefix_name",
        "prefixes",
        "prev",
        "prev_last",
        "prev_text",
        "targets",
        "text",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self.prefixes: dict[str, str] = {}
        self.base = ""
        self.operation = Operation.UNKNOWN
        self.targets: list[str | None] = []
        self.depth = self.deepest = self.hidden = 0
        self.frames: list[int] = []
        self.ambiguous_at: int | None = None
        # The previous significant token: its group and text (upper case for a word), the
        # last character of a punctuation run; and the word before it, if it was one.
        self.prev, self.prev_text, self.prev_last, self.before_word = "", "", "", ""
        # What the previous tokens leave pending for this one.
        self.after = ""  # "PREFIX", "PREFIX:" (a name follows), "BASE", "SERVICE", "SILENT"
        self.prefix_name = ""
        # A name that may hide the SERVICE keyword (SERVICEex:, ex:.SERVICE): it is one if
        # `{` follows, after at most [SILENT] and a target; 1: next, 2: `{` next, 3: a target.
        self.glued = 0

    def read(self, group: str, token: str, match: re.Match[str]) -> None:
        """One significant token: `significant`'s group and text, and its match."""
        word = token.upper() if group == "w" else ""
        if self.glued:
            self._follow_glued_service(group, token, word)
        if self.after:
            self._complete_pending(group, token, word)
        if group == "w":
            self._word(word)
        elif group == "o":
            self._punctuation(token)
        elif group == "i":
            self._iri(token, match.start(group))
        elif (
            group == "p"
            and "SERVICE" in token.upper()
            and not (self.prev == "w" and self.prev_text in _NAMED_SLOT)
        ):
            self.glued = 1  # SERVICEex:{ ... } is SERVICE ex: { ... }
        self.before_word = self.prev_text if self.prev == "w" else ""
        self.prev = group
        self.prev_text = word if group == "w" else (token if group == "p" else "")

    def analysis(self, scanned: tuple[tuple[str, str], ...]) -> Analysis:
        if self.after == "SERVICE" or self.after == "SILENT":
            self.targets.append(None)
        return Analysis(
            self.operation, tuple(self.targets), self.deepest, self.ambiguous_at, scanned
        )

    def _follow_glued_service(self, group: str, token: str, word: str) -> None:
        """A name that may hide SERVICE is a SERVICE clause (with no checkable target)
        when `{` follows it, after at most SILENT and a target."""
        glued = self.glued
        if group == "o" and token[0] == "{" and glued != 3:
            self.targets.append(None)
            self.glued = 0
        elif group in _TARGET_KINDS and glued != 2:
            self.glued = 2
        elif word == "SILENT" and glued == 1:
            self.glued = 3
        else:
            self.glued = 0

    def _complete_pending(self, group: str, token: str, word: str) -> None:
        """The token a PREFIX, BASE or SERVICE keyword before it was waiting for."""
        after = self.after
        if after == "SERVICE" and word == "SILENT":
            self.after = "SILENT"
        elif after == "SERVICE" or after == "SILENT":
            self.after = ""
            self.targets.append(_target(group, token, self.prefixes, self.base))
        elif after == "PREFIX" and group == "p":
            self.after, self.prefix_name = "PREFIX:", token[:-1]
        elif after == "PREFIX:" and group == "i":
            self.after = ""
            self.prefixes[self.prefix_name] = urljoin(self.base, decode_iri(token))
        elif after == "BASE" and group == "i":
            self.after = ""
            self.base = urljoin(self.base, decode_iri(token))
        else:
            self.after = ""

    def _word(self, word: str) -> None:
        if word in ("PREFIX", "BASE", "SERVICE"):
            self.after = word
        elif "SERVICE" in word:  # 1SERVICE, trueSERVICE, SERVICESILENT: no checkable target
            self.targets.append(None)
        if self.operation is Operation.UNKNOWN:
            if word in _QUERY_KEYWORDS:
                self.operation = Operation(word)
            elif word in _UPDATE_KEYWORDS:
                self.operation = Operation.UPDATE
        if "SELECT" in word and self.frames and self.frames[-1] == _PATTERN:
            self.frames[-1] = _QUERY  # a sub-select: its clauses hold expressions

    def _punctuation(self, token: str) -> None:
        """A run of punctuation: the brackets it opens and closes."""
        frames, depth, deepest, hidden = self.frames, self.depth, self.deepest, self.hidden
        kind, kind_text, kind_before = self.prev, self.prev_text, self.before_word
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
        self.depth, self.deepest = depth, deepest
        self.prev_last = token[-1]

    def _iri(self, token: str, start: int) -> None:
        """An IRI token, which the engine may read as `<` followed by code instead."""
        inner = self.frames[-1] if self.frames else _QUERY
        after_value = (self.prev in _VALUE_KINDS and self.prev_text != "DISTINCT") or (
            self.prev == "o" and self.prev_last in ")]"
        )
        if (inner == _EXPRESSION and after_value) or (start and self.text[start - 1] == "<"):
            if self.ambiguous_at is None and ("'" in token or "#" in token):
                self.ambiguous_at = start
            self.hidden += token.count("(") + token.count("[")
            self.deepest = max(self.deepest, self.depth + self.hidden)


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


def require_text(raw: bytes) -> str:
    """Decode a request body as UTF-8 (the only encoding SPARQL allows)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequestError(f"The query is not valid UTF-8: {error}") from error
