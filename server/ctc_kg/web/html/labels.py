"""Which label a page shows for a term, in which language.

Order: for each language of `label_languages(lang)` (the page's, then en, then fr), the
graph's labels (skos:prefLabel, rdfs:label, schema:name, dcterms:title, sh:name) and then
our table of reused-vocabulary labels; then an untagged label; then the IRI's local name.
So a label is never shown in a language picked at random.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SDO, SH, SKOS
from rdflib.term import Node

from ctc_kg.web.html.quads import QuadIndex
from ctc_kg.web.html.reused_terms import LABELS
from ctc_kg.web.i18n import label_languages

LABEL_PROPERTIES: tuple[URIRef, ...] = (
    SKOS.prefLabel,
    RDFS.label,
    SDO.name,
    DCTERMS.title,
    SH.name,
)
COMMENT_PROPERTIES: tuple[URIRef, ...] = (
    SKOS.definition,
    RDFS.comment,
    DCTERMS.description,
    SDO.description,
    SH.description,
)


def pick(literals: Iterable[Node], lang: str) -> Literal | None:
    """The literal to show among `literals`, following the language fallback order."""
    candidates = [lit for lit in literals if isinstance(lit, Literal)]
    for code in label_languages(lang):
        for lit in candidates:
            if lit.language and lit.language.lower().split("-")[0] == code:
                return lit
    for lit in candidates:
        if not lit.language:
            return lit
    return None


def local_name(iri: str) -> str:
    """The part after the last '#' or '/', or the whole IRI if that part is empty."""
    stripped = iri.rstrip("/#")
    for sep in ("#", "/"):
        if sep in stripped:
            tail = stripped.rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri


def label_in(
    index: QuadIndex,
    term: Node,
    lang: str,
    properties: Sequence[URIRef],
    table: Mapping[URIRef, Mapping[str, str]] | None = None,
) -> Literal | None:
    """The best literal among `properties` of `term`: language first, then property order,
    then `table` (labels we ship for reused vocabularies) in that language."""
    values = [v for p in properties for v in index.objects(term, p)]
    known = table.get(term) if table is not None and isinstance(term, URIRef) else None
    for code in label_languages(lang):
        for lit in values:
            if (
                isinstance(lit, Literal)
                and lit.language
                and lit.language.lower().split("-")[0] == code
            ):
                return lit
        if known and code in known:
            return Literal(known[code], lang=code)
    return pick(values, lang)


def label(index: QuadIndex, term: Node, lang: str) -> str:
    """The text to show for `term`: a label, or the local name, or the literal itself."""
    if isinstance(term, Literal):
        return str(term)
    found = label_in(index, term, lang, LABEL_PROPERTIES, LABELS)
    if found is not None:
        return str(found)
    if isinstance(term, BNode):
        return ""
    name = local_name(str(term))
    return name if any(c.isalpha() for c in name) else str(term)


def comment(index: QuadIndex, term: Node, lang: str) -> Literal | None:
    """The definition or comment to show for `term`, in the fallback order."""
    return label_in(index, term, lang, COMMENT_PROPERTIES)
