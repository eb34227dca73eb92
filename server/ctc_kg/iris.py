"""IRIs under one base moved under another: the one rule every mapping of IRIs follows.

Three places move IRIs, and they must agree on what moves:

- the load (content.rebase), when a deployment's base IRI is not the canonical one the
  files are written with;
- the answers (web.rewrite.IriMap), from the base to the public URL (`--public-url`, the
  trusted forwarded headers) and back for the IRIs of a query;
- the pages (web.pages), from the base to this server's paths (its root stands for the
  base) for links, and to the public URL for the IRIs shown and embedded.

The rule (docs/modelling.md, "IRIs"):

- an IRI (subject, predicate, object, graph name, a literal's datatype) that starts with
  the base is moved: the new base followed by the rest;
- a literal is moved when it is an IRI written as text: no language tag, a plain string,
  `xsd:string` or `xsd:anyURI`, and nothing in it that an IRI cannot hold (white space,
  `<>"{}|\\^` and the backquote); then its value moves by the IRI rule. So
  `void:uriSpace "B"`, `vann:preferredNamespaceUri` (B + `ontology#`) and a `schema:url`
  written as a string follow the base; a sentence that starts with or quotes the base,
  and any language-tagged text, are left alone.

This module imports only the standard library: every layer uses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_ANY_URI = "http://www.w3.org/2001/XMLSchema#anyURI"
# The datatypes a literal holding an IRI is written with (None: a plain literal).
IRI_DATATYPES = frozenset({None, XSD_STRING, XSD_ANY_URI})
# What RFC 3987 excludes from an IRI (besides control characters, which \s and the
# range below cover).
_NOT_IN_AN_IRI = re.compile(r'[\s<>"{}|\\^`\x00-\x1f\x7f]')

Move = Callable[[str], str]


def moved(iri: str, from_base: str, to_base: str) -> str:
    """`iri` with `from_base` replaced by `to_base` when it starts with it."""
    if from_base == to_base or not iri.startswith(from_base):
        return iri
    return to_base + iri[len(from_base) :]


def document_path(iri: str, base: str) -> str | None:
    """The path after `base` of the document an IRI under it names (without its
    fragment: `B ontology#Meeting` is in `ontology`), None for an IRI not under it. The
    server's root stands for the base, so it is where the document is served."""
    if not iri.startswith(base):
        return None
    return iri[len(base) :].split("#", 1)[0]


def mover(from_base: str, to_base: str) -> Move:
    """The IRI rule from one base to another, as a function of an IRI."""

    def move(iri: str) -> str:
        return moved(iri, from_base, to_base)

    return move


def written_as_iri(value: str, datatype: str | None, language: str | None) -> bool:
    """Whether a literal is an IRI written as text (see the module docstring)."""
    return (
        not language
        and datatype in IRI_DATATYPES
        and bool(value)
        and _NOT_IN_AN_IRI.search(value) is None
    )


def moved_literal(
    value: str, datatype: str | None, language: str | None, move: Move
) -> tuple[str, str | None]:
    """A literal's value and datatype under the rule: the datatype moves as an IRI, the
    value only when the literal is an IRI written as text."""
    new_datatype = move(datatype) if datatype is not None else None
    if written_as_iri(value, datatype, language):
        value = move(value)
    return value, new_datatype
