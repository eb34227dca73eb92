r"""Canonical N-Quads (URDNA2015 / RDFC-1.0) written by pyoxigraph where that gives pyld's bytes.

Canonicalization only relabels blank nodes, and a blank node's label depends only on the
statements that hold a blank node. So the statements without one are written here by
pyoxigraph's N-Quads writer, in Rust, and only those with one go through pyld's URDNA2015
(`by_pyld`); the lines of both are sorted together, as pyld sorts its own. The data has
no blank node (docs/performance.md has the time saved); the shapes have a few hundred.
pyoxigraph's own RDFC-1.0 is not used: it labels some graphs otherwise than pyld (a blank
node with a loop to itself beside another blank node), tests/test_fast_build.py.

The two writers escape alike but for control characters: pyld writes U+0000-U+0008,
U+000B, U+000C, U+000E-U+001F and U+007F as they are, pyoxigraph as `\u` and four hex
digits, `\b` or `\f`; and pyoxigraph lower-cases language tags. Statements holding either
are all left to pyld, so the output never changes; tests/test_fast_build.py holds the two
to the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

Quad = tuple[Node, Node, Node, Node]
Canonical = tuple[str, list[Quad]]  # canonical N-Quads; the statements, relabelled

# An escape pyld never writes: `\b`, `\f` or `\u` (with its hex digits), after an even
# number of backslashes.
_OTHER_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\[bfuU]")
_DEFAULT = ox.DefaultGraph()


class _OtherBytesError(Exception):
    """A term pyoxigraph would write otherwise than pyld (a language tag's case)."""


def canonical_nquads(
    statements: Sequence[Quad], by_pyld: Callable[[Sequence[Quad]], Canonical]
) -> Canonical:
    """The statements in canonical N-Quads, and the statements with their blank nodes
    relabelled the same way: what `by_pyld(statements)` gives, sooner."""
    plain, blank = _split(statements)
    lines = written_lines(plain)
    if lines is None:
        return by_pyld(statements)
    if not blank:
        return b"".join(lines).decode("utf-8"), plain
    blank_text, relabelled = by_pyld(blank)
    lines.extend(line.encode("utf-8") for line in blank_text.splitlines(keepends=True))
    lines.sort()  # UTF-8 byte order is code point order, pyld's order for its strings
    return b"".join(lines).decode("utf-8"), plain + relabelled


def canonical_later(
    statements: Sequence[Quad], by_pyld: Callable[[Sequence[Quad]], Canonical]
) -> tuple[list[Quad], Callable[[], str]]:
    """The statements with their blank nodes relabelled canonically, now, and a function
    that writes their canonical N-Quads (what `canonical_nquads` gives), later: the build
    runs it in one of its parallel jobs rather than before them all."""
    plain, blank = _split(statements)
    blank_text, relabelled = by_pyld(blank) if blank else ("", [])
    return plain + relabelled, partial(_joined, statements, plain, blank_text, by_pyld)


def _joined(
    statements: Sequence[Quad],
    plain: Sequence[Quad],
    blank_text: str,
    by_pyld: Callable[[Sequence[Quad]], Canonical],
) -> str:
    lines = written_lines(plain)
    if lines is None:
        return by_pyld(statements)[0]
    lines.extend(line.encode("utf-8") for line in blank_text.splitlines(keepends=True))
    lines.sort()  # UTF-8 byte order is code point order, pyld's order for its strings
    return b"".join(lines).decode("utf-8")


def _split(statements: Iterable[Quad]) -> tuple[list[Quad], list[Quad]]:
    """The statements without a blank node, and those with one (a test per term rather
    than a generator per statement: a tenth of the build's serial part at 100k quads)."""
    plain: list[Quad] = []
    blank: list[Quad] = []
    for quad in statements:
        subject, predicate, obj, name = quad
        if (
            isinstance(subject, BNode)
            or isinstance(obj, BNode)
            or isinstance(name, BNode)
            or isinstance(predicate, BNode)
        ):
            blank.append(quad)
        else:
            plain.append(quad)
    return plain, blank


def written_lines(statements: Sequence[Quad]) -> list[bytes] | None:
    """The sorted N-Quads lines of statements without blank nodes, as pyld writes them;
    None when pyld would write other bytes."""
    try:
        written = ox.serialize(_to_oxigraph(statements), format=ox.RdfFormat.N_QUADS)
    except (ValueError, _OtherBytesError):
        return None
    if written is None or (b"\\" in written and _OTHER_ESCAPE.search(written)):
        return None
    lines = [line + b"\n" for line in written.split(b"\n")[:-1]]
    lines.sort()
    return lines


def _to_oxigraph(statements: Sequence[Quad]) -> Iterator[ox.Quad]:
    # Keyed by the term and its language tag as written: rdflib's equality ignores the
    # tag's case, so "a"@EN would otherwise be written as an "a"@en met before it.
    terms: dict[tuple[Node, str | None], Any] = {}  # pyoxigraph terms

    def term(node: Node) -> Any:
        key = (node, node.language if isinstance(node, Literal) else None)
        found = terms.get(key)
        if found is None:
            found = terms[key] = _oxigraph_term(node)
        return found

    for subject, predicate, obj, name in statements:
        yield ox.Quad(term(subject), term(predicate), term(obj), term(name))


def oxigraph_triples(
    triples: Iterable[tuple[Node, Node, Node]], terms: dict[Node, Any]
) -> Iterator[tuple[Any, Any, Any]]:
    """The triples in pyoxigraph's terms (blank nodes keep their labels); `terms` gets each
    rdflib term met and its pyoxigraph term."""

    def term(node: Node) -> Any:
        found = terms.get(node)
        if found is None:
            found = terms[node] = (
                ox.BlankNode(str(node)) if isinstance(node, BNode) else _oxigraph_term(node)
            )
        return found

    for subject, predicate, obj in triples:
        yield term(subject), term(predicate), term(obj)


def _oxigraph_term(node: Node) -> Any:
    if node == DATASET_DEFAULT_GRAPH_ID:
        return _DEFAULT
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            literal = ox.Literal(str(node), language=node.language)
            if literal.language != node.language:
                raise _OtherBytesError(f"a language tag in upper case: {node.language}")
            return literal
        if node.datatype is None:
            return ox.Literal(str(node))
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
    raise ValueError(f"not a term pyoxigraph writes as pyld does: {node!r}")
