"""RDF terms as the templates show them: text, link, language, datatype, nesting."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ctc_kg.content.rebase import moved_term
from ctc_kg.web.html.labels import label
from ctc_kg.web.html.page import PageContext
from ctc_kg.web.html.quads import QuadIndex
from ctc_kg.web.html.reused_terms import curie, prefixes


@dataclass(frozen=True)
class Shown:
    """One term ready for a template.

    kind is "iri", "literal" or "bnode". For an IRI, `text` is its label, `href` where the
    link goes, `iri` the (public) IRI and `curie` its prefixed name when one fits. For a
    literal, `text` is the lexical form, `lang` its language tag, `datatype` the shown
    datatype. For a blank node, `nested` holds its own statements.
    """

    kind: str
    text: str
    href: str | None = None
    iri: str | None = None
    curie: str | None = None
    lang: str | None = None
    datatype: Shown | None = None
    nested: tuple[Statement, ...] = ()
    sources: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class Statement:
    """A property and its values, as one row of a description.

    When the property has more values than a page lists (`bounds.PER_PROPERTY`), `total`
    is how many it has in all and `listing` the SPARQL editor link that lists them all.
    """

    predicate: Shown
    values: tuple[Shown, ...]
    total: int | None = None
    listing: str | None = None


class TermShower:
    """Turns terms into `Shown` for one page: one language, one link function."""

    def __init__(self, index: QuadIndex, ctx: PageContext) -> None:
        self.index = index
        self.ctx = ctx
        self._prefixes: Mapping[str, str] = prefixes(ctx.base_iri)

    def iri(self, term: URIRef) -> Shown:
        text = label(self.index, term, self.ctx.lang)
        return Shown(
            kind="iri",
            text=text,
            href=self.ctx.link(str(term)),
            iri=self.ctx.public_iri(str(term)),
            curie=curie(str(term), self._prefixes),
        )

    def literal(self, term: Literal) -> Shown:
        datatype = None
        if term.datatype is not None:
            datatype = self.iri(URIRef(term.datatype))
        # An IRI written as text is shown as the answers write it (public, ctc_kg.iris).
        text = str(moved_term(term, self.ctx.public_iri))
        return Shown(kind="literal", text=text, lang=term.language, datatype=datatype)

    def show(self, term: Node, sources: tuple[int, ...] = ()) -> Shown:
        if isinstance(term, Literal):
            shown = self.literal(term)
        elif isinstance(term, URIRef):
            shown = self.iri(term)
        elif isinstance(term, BNode):
            shown = Shown(kind="bnode", text=label(self.index, term, self.ctx.lang))
        else:
            shown = Shown(kind="literal", text=str(term))
        return replace(shown, sources=sources) if sources else shown
