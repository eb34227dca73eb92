"""Checks that a Turtle text reads like the dump: one block per subject, each predicate
once in its block, and no prefix declared that the text does not use; each checked with
a real parser (rdflib), block by block."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.parsers.notation3 import BadSyntax


def prefix_lines_and_blocks(text: str) -> tuple[list[str], list[list[str]]]:
    """The `@prefix` lines, and the blocks: a block starts at a line that begins in the
    first column and goes on with the indented lines after it (pyoxigraph writes each
    predicate of a subject on a line of its own, indented, and never breaks a line
    inside a term). A wrong split would make a block fail to parse below."""
    prefixes: list[str] = []
    blocks: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("@prefix") or line.upper().startswith("PREFIX"):
            prefixes.append(line)
        elif line[0].isspace():
            assert blocks, f"an indented line before any subject: {line!r}"
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return prefixes, blocks


def assert_reads_like_the_dump(body: bytes, expected: Graph) -> None:
    """`body` (Turtle) holds `expected`, with one block per subject, each predicate on one
    line of its block only, and every declared prefix used."""
    text = body.decode("utf-8")
    whole = Graph().parse(data=text, format="turtle")
    assert isomorphic(whole, expected)
    prefixes, blocks = prefix_lines_and_blocks(text)
    subjects: list[object] = []
    statements = 0
    for block in blocks:
        graph = Graph().parse(data="\n".join(prefixes + block), format="turtle")
        statements += len(graph)
        (subject,) = set(graph.subjects())
        # A blank node gets a fresh label in every parse: it is known by its label here.
        subjects.append(subject if isinstance(subject, URIRef) else block[0].split()[0])
        predicates = set(graph.predicates())
        assert len(block) == len(predicates), f"a predicate is repeated in {block}"
    assert len(subjects) == len(set(subjects)), "a subject has more than one block"
    assert statements == len(whole)
    for line in prefixes:
        others = [other for other in prefixes if other != line]
        rest = "\n".join(others + [line for block in blocks for line in block])
        try:
            Graph().parse(data=rest, format="turtle")
        except BadSyntax:
            continue  # the text needs this prefix
        raise AssertionError(f"declared but unused: {line}")
