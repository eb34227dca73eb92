"""The view of one resource: what its page shows, built from quads.

The quads must hold the resource's own statements (with the named graphs that hold
them), the blank nodes they reach, the statements pointing to it, labels of every term
mentioned, the description of each named graph (`dcterms:source`, `ctckg:quote`) and of
its document, and the disagreements about the resource. `ctc_kg.web.html.gather` asks a
store for exactly that, and for at most `bounds.PER_PROPERTY` values and referrers per
property; `ResourceTotals` then says how many there are in all, and the page says how
many it shows ("100 of 2,345") with a link to a query that lists them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SDO, SKOS
from rdflib.term import Node

from ctc_kg.content.names import ontology_namespace
from ctc_kg.web.html.bounds import PER_PROPERTY, first_values
from ctc_kg.web.html.labels import comment, label, pick
from ctc_kg.web.html.page import PageContext
from ctc_kg.web.html.quads import QuadIndex, Triple
from ctc_kg.web.html.record import RecordView, participation_links, record_view
from ctc_kg.web.html.reused_terms import prefixes
from ctc_kg.web.html.terms import Shown, Statement, TermShower

MAX_NESTING = 4
_PREFIXED = re.compile(r"\b([a-z][a-z0-9]*):([A-Za-z_][A-Za-z0-9_]*)")

# Shown first, in this order; every other property follows, sorted by its label.
_LEADING: tuple[URIRef, ...] = (
    SKOS.prefLabel,
    RDFS.label,
    SDO.name,
    DCTERMS.title,
    SKOS.altLabel,
    SDO.alternateName,
    SKOS.definition,
    RDFS.comment,
    DCTERMS.description,
    SDO.description,
)


@dataclass(frozen=True)
class SourceNote:
    """A numbered named graph: the passage, its document and the words it quotes."""

    number: int
    passage: Shown
    documents: tuple[Shown, ...]
    urls: tuple[str, ...]
    quotes: tuple[Shown, ...]


@dataclass(frozen=True)
class Claim:
    note: int
    passage: Shown
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class DisagreementView:
    about: Shown
    explanation: Shown | None
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class Incoming:
    """Resources pointing to this one through `predicate`; `total` and `listing` as in
    `Statement` when there are more than the page lists."""

    predicate: Shown
    subjects: tuple[Shown, ...]
    total: int | None = None
    listing: str | None = None


@dataclass(frozen=True)
class ResourceTotals:
    """How many values (`outgoing`) and referring resources (`incoming`) each property
    has in the store, for an index that holds only the part a page shows. A property
    missing here counts what the index holds."""

    outgoing: Mapping[URIRef, int] = field(default_factory=dict)
    incoming: Mapping[URIRef, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ResourceView:
    iri: str
    href: str
    title: str
    summary: Shown | None
    types: tuple[Shown, ...]
    statements: tuple[Statement, ...]
    incoming: tuple[Incoming, ...]
    sources: tuple[SourceNote, ...]
    disagreements: tuple[DisagreementView, ...]
    record: RecordView = field(default_factory=RecordView)


class _Notes:
    """Numbers named graphs in the order the page first cites them."""

    def __init__(self) -> None:
        self.numbers: dict[URIRef, int] = {}

    def cite(self, graphs: Iterable[URIRef]) -> tuple[int, ...]:
        cited = []
        for graph in sorted(graphs):
            if graph not in self.numbers:
                self.numbers[graph] = len(self.numbers) + 1
            cited.append(self.numbers[graph])
        return tuple(sorted(cited))


class _Builder:
    def __init__(self, index: QuadIndex, ctx: PageContext) -> None:
        self.index = index
        self.ctx = ctx
        self.shower = TermShower(index, ctx)
        self.notes = _Notes()
        self.ctckg = str(ontology_namespace(ctx.base_iri))

    # Ties (two values with the same label) are broken by the terms themselves, so the
    # order never depends on the order in which the store answered.

    def _value_key(self, value: Node) -> tuple[int, int, str, str]:
        if isinstance(value, Literal):
            order = (self.ctx.lang, "en", "fr")
            lang = (value.language or "").split("-")[0]
            rank = order.index(lang) if lang in order else len(order)
            return (0, rank, str(value), str(value.datatype or value.language or ""))
        return (1, 0, label(self.index, value, self.ctx.lang).casefold(), str(value))

    def _predicate_key(self, predicate: URIRef) -> tuple[int, str, str]:
        if predicate in _LEADING:
            return (_LEADING.index(predicate), "", "")
        label_text = label(self.index, predicate, self.ctx.lang).casefold()
        return (len(_LEADING), label_text, str(predicate))

    def statements(
        self,
        triples: list[Triple],
        depth: int,
        seen: frozenset[Node],
        totals: Mapping[URIRef, int] | None = None,
    ) -> tuple[Statement, ...]:
        """Rows of `triples` grouped by predicate. With `totals` (the resource's own
        statements), each property lists at most `PER_PROPERTY` values."""
        grouped: dict[URIRef, list[Triple]] = {}
        for triple in triples:
            predicate = triple[1]
            if isinstance(predicate, URIRef):
                grouped.setdefault(predicate, []).append(triple)
        rows = []
        for predicate in sorted(grouped, key=self._predicate_key):
            found = grouped[predicate]
            subject = found[0][0]
            total = None
            if totals is not None:
                kept = set(first_values((t[2] for t in found), PER_PROPERTY))
                count = max(totals.get(predicate, 0), len({t[2] for t in found}))
                found = [t for t in found if t[2] in kept]
                total = count if count > len(kept) else None
            values = []
            for triple in sorted(found, key=lambda t: self._value_key(t[2])):
                values.append(self.value(triple, depth, seen))
            listing = None if total is None else self._listing(str(subject), predicate, True)
            rows.append(Statement(self.shower.show(predicate), tuple(values), total, listing))
        return tuple(rows)

    def _listing(self, iri: str, predicate: URIRef, outgoing: bool) -> str:
        """A link that opens the query listing every value (or referrer) in the editor."""
        me = f"<{self.ctx.public_iri(iri)}>"
        prop = f"<{self.ctx.public_iri(str(predicate))}>"
        name, pattern = (
            ("value", f"{me} {prop} ?value") if outgoing else ("resource", f"?resource {prop} {me}")
        )
        query = (
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            f"SELECT ?{name} ?label WHERE {{\n  {pattern} .\n"
            f'  OPTIONAL {{ ?{name} rdfs:label ?label FILTER(lang(?label) = "{self.ctx.lang}") }}\n'
            f"}}\nORDER BY ?label ?{name}"
        )
        return self.ctx.editor(query)

    def value(self, triple: Triple, depth: int, seen: frozenset[Node]) -> Shown:
        obj = triple[2]
        sources = self.notes.cite(self.index.graphs_of(triple))
        shown = self.shower.show(obj, sources)
        if isinstance(obj, BNode) and depth < MAX_NESTING and obj not in seen:
            nested = self.statements(self.index.about(obj), depth + 1, seen | {obj})
            return Shown(kind="bnode", text=shown.text, nested=nested, sources=sources)
        return shown

    def incoming(
        self, iri: URIRef, totals: Mapping[URIRef, int], shown: frozenset[URIRef] = frozenset()
    ) -> tuple[Incoming, ...]:
        """What points to `iri`, by property, but for the properties in `shown` (the
        participations the record lists in full)."""
        grouped: dict[URIRef, list[Node]] = {}
        for s, p, _ in self.index.pointing_to(iri):
            if isinstance(p, URIRef) and s != iri and p not in shown:
                grouped.setdefault(p, []).append(s)
        rows = []
        for p in sorted(grouped, key=self._predicate_key):
            kept = first_values(grouped[p], PER_PROPERTY)
            count = max(totals.get(p, 0), len(set(grouped[p])))
            hidden = count > len(kept)
            rows.append(
                Incoming(
                    self.shower.show(p),
                    tuple(self.shower.show(s) for s in sorted(kept, key=self._value_key)),
                    count if hidden else None,
                    self._listing(str(iri), p, outgoing=False) if hidden else None,
                )
            )
        return tuple(rows)

    def disagreements(self, iri: URIRef) -> tuple[DisagreementView, ...]:
        disagreement_class = URIRef(self.ctckg + "Disagreement")
        claim = URIRef(self.ctckg + "claim")
        views = []
        # In IRI order: the index's order is the store's, and a page must not depend on it.
        for node in sorted(self.index.subjects(SDO.about, iri), key=str):
            if disagreement_class not in self.index.objects(node, RDF.type):
                continue
            explanation = comment(self.index, node, self.ctx.lang)
            named = self._named_properties(node)
            claims = []
            graphs = [g for g in self.index.objects(node, claim) if isinstance(g, URIRef)]
            for graph in sorted(graphs):
                (number,) = self.notes.cite([graph])
                said = [t for t in self.index.in_graph(graph) if t[0] == iri]
                if any(t[1] in named for t in said):
                    said = [t for t in said if t[1] in named]
                claims.append(
                    Claim(number, self.shower.show(graph), self.statements(said, 1, frozenset()))
                )
            views.append(
                DisagreementView(
                    about=self.shower.show(node),
                    explanation=self.shower.show(explanation) if explanation else None,
                    claims=tuple(claims),
                )
            )
        return tuple(views)

    def _named_properties(self, node: Node) -> set[Node]:
        """The properties a disagreement's explanation names (as prefixed names), so each
        claim shows what it says on the disputed point rather than all it says."""
        known = prefixes(self.ctx.base_iri)
        named: set[Node] = set()
        for text in self.index.objects(node, RDFS.comment):
            for prefix, local in _PREFIXED.findall(str(text)):
                if prefix in known:
                    named.add(URIRef(known[prefix] + local))
        return named

    def source_notes(self) -> tuple[SourceNote, ...]:
        quote = URIRef(self.ctckg + "quote")
        notes = []
        for graph, number in sorted(self.notes.numbers.items(), key=lambda item: item[1]):
            documents = [d for d in self.index.objects(graph, DCTERMS.source)]
            urls = sorted({str(u) for d in documents for u in self.index.objects(d, SDO.url)})
            quotes = self.index.objects(graph, quote)
            best = pick(quotes, self.ctx.lang)
            notes.append(
                SourceNote(
                    number=number,
                    passage=self.shower.show(graph),
                    documents=tuple(self.shower.show(d) for d in documents),
                    urls=tuple(urls),
                    quotes=tuple(self.shower.show(q) for q in ([best] if best else [])),
                )
            )
        return tuple(notes)


def resource_view(
    index: QuadIndex, iri: str, ctx: PageContext, totals: ResourceTotals | None = None
) -> ResourceView:
    """Everything the resource page shows about `iri` (a canonical IRI); `totals` when the
    index holds only part of the resource's statements or referrers."""
    subject = URIRef(iri)
    totals = totals or ResourceTotals()
    builder = _Builder(index, ctx)
    # The record comes first on the page, so it cites first.
    record = record_view(index, iri, ctx, builder.shower, builder.notes.cite, totals.incoming)
    own = [t for t in index.about(subject) if t[1] != RDF.type]
    types = sorted(
        (
            o
            for o in first_values(index.objects(subject, RDF.type), PER_PROPERTY)
            if isinstance(o, URIRef)
        ),
        key=lambda o: (label(index, o, ctx.lang).casefold(), str(o)),
    )
    statements = builder.statements(own, 0, frozenset({subject}), totals.outgoing)
    disagreements = builder.disagreements(subject)
    summary = comment(index, subject, ctx.lang)
    return ResourceView(
        iri=ctx.public_iri(iri),
        href=ctx.link(iri),
        title=label(index, subject, ctx.lang),
        summary=builder.shower.show(summary) if summary is not None else None,
        types=tuple(
            builder.shower.show(t, builder.notes.cite(index.graphs_of((subject, RDF.type, t))))
            for t in types
        ),
        statements=statements,
        incoming=builder.incoming(
            subject, totals.incoming, participation_links(ctx.base_iri) if record else frozenset()
        ),
        sources=builder.source_notes(),
        disagreements=disagreements,
        record=record,
    )
