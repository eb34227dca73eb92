"""The shape of a SPARQL query: its triple patterns, when it is in a strict subset that
store.bounded can reason about (the bound proof reads only this shape).

What is recognised (a strict subset of SPARQL 1.1, read token by token; any other token,
keyword or form is "not provable"):
- SELECT [DISTINCT|REDUCED] variables or `*`, ASK, or CONSTRUCT with a template of plain
  triples (or CONSTRUCT WHERE over plain triples); PREFIX declarations; no BASE, FROM,
  DESCRIBE, sub-queries, GROUP BY, aggregates or expressions in the projection;
- a WHERE clause of triple patterns (`;` and `,` lists; IRIs, prefixed names, `a`,
  variables, literals; blank node labels are not read), FILTERs built from variables, constants,
  operators and a list of cheap built-ins (no REGEX/REPLACE, no EXISTS, no function IRIs),
  and OPTIONAL blocks of one triple pattern; no property paths, `[]`, collections,
  GRAPH, SERVICE, VALUES, BIND, UNION, MINUS or nested groups;
- ORDER BY variables, LIMIT and OFFSET.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from ctc_kg.store.querytext import KEPT_TOKENS_UP_TO
from ctc_kg.store.sparqltokens import STRING_GROUPS, significant

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# Built-ins whose cost per row is linear in their arguments (no regular expressions, no
# patterns, nothing random or time-dependent).
_CHEAP_CALLS = frozenset(
    {
        "STR", "LANG", "LANGMATCHES", "DATATYPE", "BOUND", "SAMETERM", "ISIRI", "ISURI",
        "ISBLANK", "ISLITERAL", "ISNUMERIC", "STRLEN", "UCASE", "LCASE", "CONTAINS",
        "STRSTARTS", "STRENDS", "STRBEFORE", "STRAFTER", "YEAR", "MONTH", "DAY", "ABS",
        "COALESCE", "IF", "IN", "NOT",
    }
)  # fmt: skip
_EXPRESSION_CHARS = frozenset("()=!<>&|+-*/,")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")  # an absolute IRI's scheme (RFC 3987)


class Term(NamedTuple):  # a tuple: made several times per query, three times cheaper
    variable: bool
    value: str | None  # a variable's name; a constant's IRI (None: not known for certain)


Pattern = tuple[Term, Term, Term]


@dataclass(frozen=True)
class Shape:
    """The triple patterns of a recognised query: the mandatory ones, and each OPTIONAL
    pattern with the variables the mandatory patterns written before it bind."""

    patterns: tuple[Pattern, ...]
    optionals: tuple[tuple[Pattern, frozenset[str]], ...]


def pattern_variables(pattern: Pattern) -> Iterator[str]:
    """The names of the variables in `pattern`."""
    for term in pattern:
        if term.variable and term.value is not None:
            yield term.value


class _NotProvableError(Exception):
    pass


def shape(text: str, tokens: Iterable[tuple[str, str]] | None = None) -> Shape | None:
    """The shape of `text` when it is in the recognised subset, else None. `tokens`:
    its significant tokens when already read (querytext.Analysis.tokens). A text longer
    than querytext.KEPT_TOKENS_UP_TO is not read (its tokens would be held in memory)."""
    if len(text) > KEPT_TOKENS_UP_TO:
        return None
    try:
        return _Reader(significant(text) if tokens is None else tokens).query()
    except (_NotProvableError, IndexError):
        return None


class _Reader:
    """A strict reader of the recognised subset; raises _NotProvableError on anything else."""

    def __init__(self, tokens: Iterable[tuple[str, str]]) -> None:
        self.tokens = _split(tokens)
        self.at = 0
        self.prefixes: dict[str, str | None] = {}
        self.base = False
        self.patterns: list[Pattern] = []
        self.optionals: list[tuple[Pattern, frozenset[str]]] = []

    # -- tokens ---------------------------------------------------------------------------

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("", "")

    def take(self) -> tuple[str, str]:
        lexeme = self.tokens[self.at]
        self.at += 1
        return lexeme

    def keyword(self, *words: str) -> str | None:
        group, lexeme = self.peek()
        if group == "w" and lexeme.upper() in words:
            self.at += 1
            return lexeme.upper()
        return None

    def char(self, wanted: str) -> bool:
        if self.peek() == ("o", wanted):
            self.at += 1
            return True
        return False

    def expect(self, wanted: str) -> None:
        if not self.char(wanted):
            raise _NotProvableError

    # -- the query ------------------------------------------------------------------------

    def query(self) -> Shape:
        while (word := self.keyword("PREFIX", "BASE")) is not None:
            if word == "BASE":
                raise _NotProvableError  # relative IRIs: resolved otherwise than we can check
            group, name = self.take()
            iri_group, iri = self.take()
            if group != "p" or not name.endswith(":") or name.count(":") != 1 or iri_group != "i":
                raise _NotProvableError
            self.prefixes[name[:-1]] = _absolute(iri)
        form = self.keyword("SELECT", "ASK", "CONSTRUCT")
        if form == "SELECT":
            self.keyword("DISTINCT", "REDUCED")
            if not self.char("*"):
                if self.peek()[0] != "v":
                    raise _NotProvableError
                while self.peek()[0] == "v":
                    self.at += 1
        elif form == "CONSTRUCT":
            if self.keyword("WHERE"):
                self.group(template_only=True)
                return self.modifiers()
            self.template()
        elif form is None:
            raise _NotProvableError
        self.keyword("WHERE")
        self.group(template_only=False)
        return self.modifiers()

    def modifiers(self) -> Shape:
        if self.keyword("ORDER"):
            if not self.keyword("BY"):
                raise _NotProvableError
            keys = 0
            while True:
                if self.peek()[0] == "v":
                    self.at += 1
                elif self.keyword("ASC", "DESC"):
                    self.expect("(")
                    if self.take()[0] != "v":
                        raise _NotProvableError
                    self.expect(")")
                else:
                    break
                keys += 1
            if not keys:
                raise _NotProvableError
        seen: set[str] = set()
        while (word := self.keyword("LIMIT", "OFFSET")) is not None:
            group, number = self.take()
            if word in seen:
                raise _NotProvableError
            seen.add(word)
            if group != "w" or not number.isdigit():
                raise _NotProvableError
        if self.at != len(self.tokens):
            raise _NotProvableError
        return Shape(tuple(self.patterns), tuple(self.optionals))

    def template(self) -> None:
        self.expect("{")
        while not self.char("}"):
            if not self.char("."):
                self.triples(into=[])

    def group(self, template_only: bool) -> None:
        self.expect("{")
        while not self.char("}"):
            if self.char("."):
                continue
            if not template_only and self.keyword("FILTER"):
                self.constraint()
            elif not template_only and self.keyword("OPTIONAL"):
                before = frozenset(v for p in self.patterns for v in pattern_variables(p))
                found: list[Pattern] = []
                self.expect("{")
                self.triples(into=found)
                self.char(".")
                self.expect("}")
                if len(found) != 1:
                    raise _NotProvableError
                self.optionals.append((found[0], before))
            else:
                self.triples(into=self.patterns)

    def triples(self, into: list[Pattern]) -> None:
        """One subject with its predicate-object lists."""
        subject = self.term(subject=True)
        while True:
            predicate = self.verb()
            into.append((subject, predicate, self.term(subject=False)))
            while self.char(","):
                into.append((subject, predicate, self.term(subject=False)))
            if not self.char(";"):
                return
            while self.char(";"):
                pass
            group, lexeme = self.peek()
            if (group, lexeme) in (("o", "."), ("o", "}")):
                return

    def verb(self) -> Term:
        group, lexeme = self.take()
        if group == "w" and lexeme == "a":
            return Term(False, RDF_TYPE)
        found = self._variable_or_iri(group, lexeme)
        if found is None:
            raise _NotProvableError
        return found

    def term(self, subject: bool) -> Term:
        group, lexeme = self.take()
        found = self._variable_or_iri(group, lexeme)
        if found is not None:
            return found
        if subject:
            raise _NotProvableError
        if group in STRING_GROUPS:
            if self.char("@"):
                if self.take()[0] != "w":
                    raise _NotProvableError
            elif self.char("^"):
                self.expect("^")
                if self.take()[0] not in ("i", "p"):
                    raise _NotProvableError
            return Term(False, None)
        if group == "w" and (lexeme in ("true", "false") or _NUMBER.fullmatch(lexeme)):
            return Term(False, None)
        raise _NotProvableError

    def _variable_or_iri(self, group: str, lexeme: str) -> Term | None:
        if group == "v":
            return Term(True, lexeme[1:])
        if group == "i":
            return Term(False, _absolute(lexeme))
        if group == "p":
            return Term(False, self.resolve(lexeme))
        return None

    def resolve(self, name: str) -> str | None:
        prefix, _, local = name.partition(":")
        base = self.prefixes.get(prefix)
        if base is None or "\\" in local or "%" in local:
            return None
        return base + local

    def constraint(self) -> None:
        """FILTER (...) or FILTER call(...): only cheap, pattern-free expressions."""
        group, lexeme = self.peek()
        if group == "w" and lexeme.upper() in _CHEAP_CALLS:
            self.at += 1
        if self.peek() != ("o", "("):
            raise _NotProvableError
        depth = 0
        after_value = False
        while True:
            group, lexeme = self.take()
            if group == "i" and (after_value or any(c in lexeme for c in "(){}")):
                raise _NotProvableError  # where the engine may read `<` as less-than
            after_value = group in ("v", "i", "p", "w", *STRING_GROUPS) or lexeme == ")"
            if group == "o":
                if lexeme not in _EXPRESSION_CHARS:
                    raise _NotProvableError
                depth += {"(": 1, ")": -1}.get(lexeme, 0)
                if depth == 0:
                    return
            elif group == "w":
                known = lexeme.upper() in _CHEAP_CALLS or lexeme in ("true", "false")
                if not known and not _NUMBER.fullmatch(lexeme):
                    raise _NotProvableError
            elif group == "x" and lexeme in "<>":
                pass
            elif group in ("i", "p"):
                if self.peek() == ("o", "("):
                    raise _NotProvableError  # a function IRI
            elif group == "o" or group not in ("v", *STRING_GROUPS):
                raise _NotProvableError


def _absolute(lexeme: str) -> str | None:
    """The IRI of an `<...>` lexeme when it is certainly what the engine reads: absolute,
    without escapes (a relative IRI depends on the request's base)."""
    if "\\" in lexeme:
        return None
    iri = lexeme[1:-1]
    return iri if _SCHEME.match(iri) else None


def _split(tokens: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Significant tokens, punctuation one character at a time; a prefixed name's
    trailing dots (which the grammar leaves out of the name) become `.` tokens."""
    split: list[tuple[str, str]] = []
    append = split.append
    for token in tokens:
        group, lexeme = token
        if group == "o" and len(lexeme) > 1:
            split += [("o", char) for char in lexeme]
        elif group == "p" and lexeme[-1] == ".":
            name = lexeme.rstrip(".")
            append(("p", name))
            split += [("o", ".")] * (len(lexeme) - len(name))
        elif group == "u":
            raise _NotProvableError
        else:
            append(token)
    return split
