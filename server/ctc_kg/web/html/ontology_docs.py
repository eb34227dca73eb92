"""The documentation views of the ontology (`/ontology`) and of the shapes (`/shapes`).

Like pyLODE: the document's metadata, then every class and property of the namespace
with its labels and definitions in every language, domains, ranges, alignments and the
shapes that constrain it; for the shapes, every node shape with its targets and
property constraints. The index must hold the ontology and the shapes together.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from ctc_kg.web.html.bounds import term_key
from ctc_kg.web.html.labels import COMMENT_PROPERTIES, LABEL_PROPERTIES, label, local_name
from ctc_kg.web.html.page import PageContext
from ctc_kg.web.html.quads import QuadIndex
from ctc_kg.web.html.terms import Shown, TermShower
from ctc_kg.web.i18n import label_languages

VANN_PREFIX = URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")


@dataclass(frozen=True)
class Relation:
    """A labelled row of links: 'Subclass of: schema:Event'."""

    key: str  # an interface string key (i18n)
    values: tuple[Shown, ...]


@dataclass(frozen=True)
class TermDoc:
    anchor: str
    term: Shown
    labels: tuple[Shown, ...]
    definitions: tuple[Shown, ...]
    relations: tuple[Relation, ...]


@dataclass(frozen=True)
class Section:
    key: str  # interface string key of the heading
    anchor: str
    terms: tuple[TermDoc, ...]


@dataclass(frozen=True)
class Constraint:
    path: str
    path_href: str | None
    details: tuple[tuple[str, tuple[Shown, ...]], ...]  # (property label, values)
    messages: tuple[Shown, ...]


@dataclass(frozen=True)
class ShapeDoc:
    anchor: str
    shape: Shown
    labels: tuple[Shown, ...]
    definitions: tuple[Shown, ...]
    targets: tuple[Shown, ...]
    constraints: tuple[Constraint, ...]
    messages: tuple[Shown, ...]


@dataclass(frozen=True)
class VocabularyView:
    document: Shown
    title: str
    metadata: tuple[tuple[Shown, tuple[Shown, ...]], ...]
    sections: tuple[Section, ...]
    shapes: tuple[ShapeDoc, ...]


def _ordered_literals(
    index: QuadIndex, node: Node, properties: tuple[URIRef, ...], lang: str
) -> list[Literal]:
    values = [v for p in properties for v in index.objects(node, p) if isinstance(v, Literal)]
    order = label_languages(lang)

    def key(lit: Literal) -> tuple[int, str]:
        code = (lit.language or "").split("-")[0]
        return (order.index(code) if code in order else len(order), str(lit))

    unique = list(dict.fromkeys(values))
    return sorted(unique, key=key)


def rdf_list(index: QuadIndex, node: Node) -> list[Node]:
    items = []
    seen = set()
    while node != RDF.nil and node not in seen:
        seen.add(node)
        firsts = index.objects(node, RDF.first)
        if not firsts:
            break
        items.append(firsts[0])
        rests = index.objects(node, RDF.rest)
        if not rests:
            break
        node = rests[0]
    return items


def path_text(
    index: QuadIndex, path: Node, lang: str, shower: TermShower
) -> tuple[str, str | None]:
    """A SHACL property path as text (SPARQL path syntax) and the href of its first IRI."""
    if isinstance(path, URIRef):
        shown = shower.show(path)
        return (shown.curie or shown.text, shown.href)
    for inverse in index.objects(path, SH.inversePath):
        text, href = path_text(index, inverse, lang, shower)
        return ("^" + text, href)
    for alternatives in index.objects(path, SH.alternativePath):
        parts = [path_text(index, p, lang, shower) for p in rdf_list(index, alternatives)]
        return (" | ".join(t for t, _ in parts), parts[0][1] if parts else None)
    items = rdf_list(index, path)
    if items:
        parts = [path_text(index, p, lang, shower) for p in items]
        return (" / ".join(t for t, _ in parts), parts[0][1])
    return (label(index, path, lang), None)


class _Documenter:
    def __init__(self, index: QuadIndex, ctx: PageContext) -> None:
        self.index = index
        self.ctx = ctx
        self.shower = TermShower(index, ctx)

    def shown(self, nodes: list[Node]) -> tuple[Shown, ...]:
        unique = list(dict.fromkeys(nodes))
        named = [n for n in unique if not isinstance(n, BNode)]
        shown = [self.shower.show(n) for n in named]
        for node in unique:
            if isinstance(node, BNode):
                members = [
                    *self.index.objects(node, OWL.unionOf),
                    *self.index.objects(node, SH["or"]),
                ]
                for member_list in members:
                    shown += [self.shower.show(m) for m in rdf_list(self.index, member_list)]
        return tuple(sorted(shown, key=lambda s: (s.text.casefold(), s.iri or "")))

    def term_doc(self, term: URIRef, is_class: bool) -> TermDoc:
        index = self.index
        labels = _ordered_literals(index, term, LABEL_PROPERTIES, self.ctx.lang)
        definitions = _ordered_literals(index, term, COMMENT_PROPERTIES, self.ctx.lang)
        relations: list[Relation] = []

        def add(key: str, nodes: list[Node]) -> None:
            if nodes:
                relations.append(Relation(key, self.shown(nodes)))

        if is_class:
            add("subclass_of", index.objects(term, RDFS.subClassOf))
            add(
                "equivalent_to",
                index.objects(term, OWL.equivalentClass)
                + index.subjects(OWL.equivalentClass, term),
            )
            add("constrained_by", index.subjects(SH.targetClass, term))
        else:
            add("domain", index.objects(term, RDFS.domain))
            add("range", index.objects(term, RDFS.range))
            add("subproperty_of", index.objects(term, RDFS.subPropertyOf))
            add(
                "equivalent_to",
                index.objects(term, OWL.equivalentProperty)
                + index.subjects(OWL.equivalentProperty, term),
            )
            add(
                "inverse_of",
                index.objects(term, OWL.inverseOf) + index.subjects(OWL.inverseOf, term),
            )
            shapes = [
                shape
                for prop_shape in index.subjects(SH.path, term)
                for shape in index.subjects(SH.property, prop_shape)
            ]
            add("constrained_by", shapes)
        return TermDoc(
            anchor=local_name(str(term)),
            term=self.shower.show(term),
            labels=tuple(self.shower.show(x) for x in labels),
            definitions=tuple(self.shower.show(x) for x in definitions),
            relations=tuple(relations),
        )

    def metadata(self, document: URIRef) -> tuple[tuple[Shown, tuple[Shown, ...]], ...]:
        rows = []
        for predicate in (
            DCTERMS.title,
            DCTERMS.description,
            RDFS.comment,
            OWL.versionInfo,
            OWL.versionIRI,
            DCTERMS.license,
            DCTERMS.creator,
            DCTERMS.publisher,
            DCTERMS.created,
            DCTERMS.modified,
            DCTERMS.issued,
            VANN_PREFIX,
            RDFS.seeAlso,
        ):
            # In term order, so the page never follows the order the store answered in.
            values = sorted(self.index.objects(document, predicate), key=term_key)
            literals = [v for v in values if isinstance(v, Literal)]
            if literals and any(v.language for v in literals):
                ordered = _ordered_literals(self.index, document, (predicate,), self.ctx.lang)
                values = [v for v in ordered]
            if values:
                rows.append(
                    (self.shower.show(predicate), tuple(self.shower.show(v) for v in values))
                )
        return tuple(rows)

    def constraint(self, prop_shape: Node) -> Constraint:
        index = self.index
        paths = index.objects(prop_shape, SH.path)
        text, href = path_text(index, paths[0], self.ctx.lang, self.shower) if paths else ("", None)
        details = []
        for predicate in (
            SH.minCount,
            SH.maxCount,
            SH.datatype,
            SH["class"],
            SH.node,
            SH.nodeKind,
            SH.hasValue,
            SH["in"],
            SH["or"],
            SH.pattern,
            SH.languageIn,
            SH.uniqueLang,
            SH.minInclusive,
            SH.maxInclusive,
            SH.severity,
        ):
            values = index.objects(prop_shape, predicate)
            if predicate in (SH["in"], SH.languageIn, SH["or"]):
                values = [m for v in values for m in rdf_list(index, v)]
                if predicate == SH["or"]:
                    values = [
                        x
                        for m in values
                        for x in index.objects(m, SH.datatype) + index.objects(m, SH["class"])
                    ]
            if values:
                details.append((label(index, predicate, self.ctx.lang), self.shown(values)))
        messages = _ordered_literals(index, prop_shape, (SH.message,), self.ctx.lang)
        return Constraint(text, href, tuple(details), tuple(self.shower.show(m) for m in messages))

    def shape_doc(self, shape: URIRef) -> ShapeDoc:
        index = self.index
        targets = [
            *index.objects(shape, SH.targetClass),
            *index.objects(shape, SH.targetNode),
            *index.objects(shape, SH.targetSubjectsOf),
            *index.objects(shape, SH.targetObjectsOf),
        ]
        constraints = [self.constraint(p) for p in index.objects(shape, SH.property)]
        return ShapeDoc(
            anchor=local_name(str(shape)),
            shape=self.shower.show(shape),
            labels=tuple(
                self.shower.show(x)
                for x in _ordered_literals(index, shape, LABEL_PROPERTIES, self.ctx.lang)
            ),
            definitions=tuple(
                self.shower.show(x)
                for x in _ordered_literals(index, shape, COMMENT_PROPERTIES, self.ctx.lang)
            ),
            targets=self.shown(targets),
            constraints=tuple(sorted(constraints, key=_constraint_key)),
            messages=tuple(
                self.shower.show(m)
                for m in _ordered_literals(index, shape, (SH.message,), self.ctx.lang)
            ),
        )


def _constraint_key(constraint: Constraint) -> tuple[str, tuple[str, ...], str]:
    """By path; constraints on the same path by their messages and details, so the order
    never depends on the order the store answered in."""
    details = repr([(key, [v.text for v in values]) for key, values in constraint.details])
    return (constraint.path.casefold(), tuple(m.text for m in constraint.messages), details)


def _in_namespace(node: Node, namespace: str) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(namespace)


def _typed(index: QuadIndex, types: tuple[URIRef, ...], namespace: str) -> list[URIRef]:
    found = {
        s
        for s, p, o in index.triples()
        if p == RDF.type and o in types and _in_namespace(s, namespace)
    }
    return sorted((s for s in found if isinstance(s, URIRef)), key=str)


def ontology_view(index: QuadIndex, ctx: PageContext) -> VocabularyView:
    document = URIRef(ctx.base_iri + "ontology")
    namespace = str(document) + "#"
    doc = _Documenter(index, ctx)
    classes = _typed(index, (OWL.Class, RDFS.Class), namespace)
    object_props = _typed(index, (OWL.ObjectProperty,), namespace)
    datatype_props = _typed(index, (OWL.DatatypeProperty,), namespace)
    others = [
        p
        for p in _typed(index, (RDF.Property, OWL.AnnotationProperty), namespace)
        if p not in object_props and p not in datatype_props
    ]
    concepts = _typed(index, (SKOS.Concept,), namespace)
    sections = [
        Section("classes", "classes", tuple(doc.term_doc(c, True) for c in classes)),
        Section(
            "object_properties",
            "object-properties",
            tuple(doc.term_doc(p, False) for p in object_props),
        ),
        Section(
            "datatype_properties",
            "datatype-properties",
            tuple(doc.term_doc(p, False) for p in datatype_props),
        ),
        Section(
            "other_properties",
            "other-properties",
            tuple(doc.term_doc(p, False) for p in others + concepts),
        ),
    ]
    return VocabularyView(
        document=doc.shower.show(document),
        title=label(index, document, ctx.lang),
        metadata=doc.metadata(document),
        sections=tuple(s for s in sections if s.terms),
        shapes=(),
    )


def shapes_view(index: QuadIndex, ctx: PageContext) -> VocabularyView:
    document = URIRef(ctx.base_iri + "shapes")
    namespace = str(document) + "#"
    doc = _Documenter(index, ctx)
    shapes = _typed(index, (SH.NodeShape,), namespace)
    return VocabularyView(
        document=doc.shower.show(document),
        title=label(index, document, ctx.lang),
        metadata=doc.metadata(document),
        sections=(),
        shapes=tuple(doc.shape_doc(s) for s in shapes),
    )
