"""The landing page's view: the dataset, counts by class, the meetings, who organized them,
the downloads and the example queries, all read from the graph.

The page lists the first `bounds.MEETINGS` meetings by date (timeline, table and matrix)
and the first `bounds.MATRIX_ORGANIZATIONS` of their organizations by name, and says so
when there are more. Over a large graph the index holds only what the page shows
(`ctc_kg.web.html.gather`), and `LandingTotals` carries what is counted over the whole
graph: resources per class, meetings, and the coverage the schema.org markup states.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SDO, VOID
from rdflib.term import Node

from ctc_kg.content.names import ontology_namespace
from ctc_kg.web.html.bounds import (
    MATRIX_ORGANIZATIONS,
    MEETINGS,
    term_key,
)
from ctc_kg.web.html.examples import ExampleQuery
from ctc_kg.web.html.labels import comment, label, pick
from ctc_kg.web.html.matrix import MatrixRow, matrix
from ctc_kg.web.html.page import PageContext
from ctc_kg.web.html.quads import QuadIndex
from ctc_kg.web.html.terms import Shown, TermShower
from ctc_kg.web.html.timeline import Timeline, timeline
from ctc_kg.web.i18n import label_languages

SPDX = "http://spdx.org/rdf/terms#"

# Classes of the machinery rather than of the data: shapes, checksums, the ontology's own
# terms, the build's distributions. The counts table leaves them out.
_NOT_COUNTED = (
    "http://www.w3.org/ns/shacl#",
    SPDX,
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/ns/sparql-service-description#",
    str(DCAT.Distribution),
    str(DCAT.DataService),
    str(VOID.DatasetDescription),
)


@dataclass(frozen=True)
class ClassCount:
    cls: Shown
    count: int
    query_href: str


@dataclass(frozen=True)
class Organizer:
    org: Shown
    short: str
    co_organizer: bool
    node: Node | None = None


@dataclass(frozen=True)
class Meeting:
    meeting: Shown
    ordinal: int | None
    start: Literal | None
    end: Literal | None
    places: tuple[Shown, ...]
    organizers: tuple[Organizer, ...]
    node: Node | None = None


@dataclass(frozen=True)
class Download:
    title: str
    href: str
    media_type: str
    byte_size: int | None
    sha256: str | None


@dataclass(frozen=True)
class Example:
    title: str
    description: str
    text: str
    href: str


@dataclass(frozen=True)
class LandingTotals:
    """What is counted over the whole graph when the index holds only what the page
    shows: distinct resources per class, the number of meetings, the first meeting's
    start and the last one's end (xsd:date), and the cities meetings took place in."""

    class_counts: Mapping[URIRef, int]
    meetings: int
    temporal_coverage: tuple[Literal, Literal] | None
    host_cities: tuple[URIRef, ...]


@dataclass(frozen=True)
class LandingView:
    dataset: Shown
    title: str
    description: Shown | None
    licenses: tuple[Shown, ...]
    sources: tuple[Shown, ...]
    modified: Literal | None
    counts: tuple[ClassCount, ...]
    meetings: tuple[Meeting, ...]
    timeline: Timeline | None
    matrix: tuple[MatrixRow, ...]
    people: tuple[MatrixRow, ...]
    downloads: tuple[Download, ...]
    examples: tuple[Example, ...]
    # More meetings (organizations) than listed: how many in all, else None.
    meeting_total: int | None = None
    meetings_listing: str | None = None  # the editor link listing every meeting
    matrix_total: int | None = None
    people_total: int | None = None


def short_name(index: QuadIndex, org: Node, lang: str) -> str:
    """The organization's acronym in the page's language (a short skos:altLabel), else its label."""
    alts = [
        a
        for a in index.objects(org, URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))
        if isinstance(a, Literal) and len(str(a)) <= 16
    ]
    for code in label_languages(lang):
        for alt in sorted(alts, key=lambda a: len(str(a))):
            if (alt.language or "").split("-")[0] == code:
                return str(alt)
    return label(index, org, lang)


def _date_key(value: Literal | None) -> dt.date:
    if value is None:
        return dt.date.max
    text = str(value)
    parts = [int(p) for p in text.split("-")[:3] if p.isdigit()]
    while len(parts) < 3:
        parts.append(1)
    try:
        return dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return dt.date.max


def _most_precise(values: list[Node]) -> Literal | None:
    """The longest lexical date among `values` (a day beats a month)."""
    literals = [v for v in values if isinstance(v, Literal)]
    return max(literals, key=lambda v: (len(str(v)), str(v)), default=None)


def meetings(index: QuadIndex, ctx: PageContext, shower: TermShower) -> tuple[Meeting, ...]:
    ctckg = str(ontology_namespace(ctx.base_iri))
    special = URIRef(ctckg + "SpecialMeeting")
    co = URIRef(ctckg + "coOrganizer")
    ordinal_p = URIRef(ctckg + "ordinal")
    found = []
    for node in set(index.subjects(RDF.type, special)):
        ordinals = [int(o) for o in index.objects(node, ordinal_p) if isinstance(o, Literal)]
        start = _most_precise(index.objects(node, SDO.startDate))
        end = _most_precise(index.objects(node, SDO.endDate))
        places = [
            p for p in index.objects(node, SDO.location) if SDO.City in index.objects(p, RDF.type)
        ] or index.objects(node, SDO.location)
        co_orgs = set(index.objects(node, co))
        orgs = sorted(
            set(index.objects(node, SDO.organizer)) | co_orgs,
            key=lambda o: (short_name(index, o, ctx.lang).casefold(), str(o)),
        )
        found.append(
            Meeting(
                meeting=shower.show(node),
                ordinal=min(ordinals) if ordinals else None,
                start=start,
                end=end,
                places=tuple(shower.show(p) for p in places),
                organizers=tuple(
                    Organizer(shower.show(o), short_name(index, o, ctx.lang), o in co_orgs, o)
                    for o in orgs
                ),
                node=node,
            )
        )
    return tuple(
        sorted(found, key=lambda m: (_date_key(m.start), m.ordinal or 0, m.meeting.iri or ""))
    )


def class_counts(index: QuadIndex) -> dict[URIRef, int]:
    """Distinct resources per class, counted in the index."""
    members: dict[URIRef, set[Node]] = {}
    for s, p, o in index.triples():
        if p == RDF.type and isinstance(o, URIRef):
            members.setdefault(o, set()).add(s)
    return {cls: len(subjects) for cls, subjects in members.items()}


def counts(
    found: Mapping[URIRef, int], ctx: PageContext, shower: TermShower
) -> tuple[ClassCount, ...]:
    rows = []
    for cls, count in found.items():
        if str(cls).startswith(_NOT_COUNTED):
            continue
        query = (
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            f"SELECT ?resource ?label WHERE {{\n  ?resource a <{ctx.public_iri(str(cls))}> .\n"
            f'  OPTIONAL {{ ?resource rdfs:label ?label FILTER(lang(?label) = "{ctx.lang}") }}\n'
            "}\nORDER BY ?label"
        )
        rows.append(ClassCount(shower.show(cls), count, ctx.editor(query)))
    return tuple(sorted(rows, key=lambda r: (-r.count, r.cls.text.casefold(), r.cls.iri or "")))


def _checksum(index: QuadIndex, distribution: Node) -> str | None:
    for checksum in index.objects(distribution, URIRef(SPDX + "checksum")):
        algorithms = [str(a) for a in index.objects(checksum, URIRef(SPDX + "algorithm"))]
        if algorithms and not any("sha256" in a.lower() for a in algorithms):
            continue
        for value in index.objects(checksum, URIRef(SPDX + "checksumValue")):
            return str(value)
    return None


def downloads(index: QuadIndex, dataset: URIRef, ctx: PageContext) -> tuple[Download, ...]:
    found = []
    for distribution in index.objects(dataset, DCAT.distribution):
        urls = index.objects(distribution, DCAT.downloadURL) or index.objects(
            distribution, DCAT.accessURL
        )
        if not urls:
            continue
        url = str(urls[0])
        media = [str(m) for m in index.objects(distribution, DCAT.mediaType)]
        sizes = [
            int(s) for s in index.objects(distribution, DCAT.byteSize) if isinstance(s, Literal)
        ]
        title = pick(index.objects(distribution, DCTERMS.title), ctx.lang)
        found.append(
            Download(
                title=str(title) if title else url.rsplit("/", 1)[-1],
                href=ctx.link(url),
                media_type=media[0].rsplit("media-types/", 1)[-1] if media else "",
                byte_size=sizes[0] if sizes else None,
                sha256=_checksum(index, distribution),
            )
        )
    if not found:
        for dump in index.objects(dataset, VOID.dataDump):
            url = str(dump)
            found.append(Download(url.rsplit("/", 1)[-1], ctx.link(url), "", None, None))
    return tuple(sorted(found, key=lambda d: d.title))


def _in_order(values: list[Node]) -> list[Node]:
    """Values in term order, whatever order the store answered in."""
    return sorted(values, key=term_key)


def meetings_query(ctx: PageContext) -> str:
    """The query listing every meeting by date, for the link under a cut timeline."""
    ctckg = ctx.public_iri(str(ontology_namespace(ctx.base_iri)))
    return (
        f"PREFIX ctckg: <{ctckg}>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX schema: <https://schema.org/>\n"
        "SELECT ?meeting ?label ?start WHERE {\n"
        "  ?meeting a ctckg:SpecialMeeting .\n"
        "  OPTIONAL { ?meeting schema:startDate ?start }\n"
        f'  OPTIONAL {{ ?meeting rdfs:label ?label FILTER(lang(?label) = "{ctx.lang}") }}\n'
        "}\nORDER BY ?start ?meeting"
    )


def landing_view(
    index: QuadIndex,
    ctx: PageContext,
    examples: tuple[ExampleQuery, ...] = (),
    totals: LandingTotals | None = None,
) -> LandingView:
    """The landing page's content; `totals` when the index holds only what it shows."""
    shower = TermShower(index, ctx)
    dataset = URIRef(ctx.base_iri + "dataset")
    description = comment(index, dataset, ctx.lang)
    modified = _most_precise(index.objects(dataset, DCTERMS.modified))
    every = meetings(index, ctx, shower)
    found = every[:MEETINGS]
    meeting_total = max(len(every), totals.meetings if totals else 0)
    rows, people = matrix(index, ctx, shower, found)
    return LandingView(
        dataset=shower.show(dataset),
        title=label(index, dataset, ctx.lang),
        description=shower.show(description) if description is not None else None,
        licenses=tuple(shower.show(x) for x in _in_order(index.objects(dataset, DCTERMS.license))),
        sources=tuple(shower.show(x) for x in _in_order(index.objects(dataset, DCTERMS.source))),
        modified=modified,
        counts=counts(totals.class_counts if totals else class_counts(index), ctx, shower),
        meetings=found,
        timeline=timeline(found, ctx.lang) if found else None,
        matrix=rows[:MATRIX_ORGANIZATIONS],
        people=people[:MATRIX_ORGANIZATIONS],
        downloads=downloads(index, dataset, ctx),
        examples=tuple(
            Example(
                q.title(ctx.lang),
                q.description(ctx.lang),
                q.text,
                ctx.editor(q.text, q.title(ctx.lang)),
            )
            for q in examples
        ),
        meeting_total=meeting_total if meeting_total > len(found) else None,
        meetings_listing=ctx.editor(meetings_query(ctx)) if meeting_total > len(found) else None,
        matrix_total=len(rows) if len(rows) > MATRIX_ORGANIZATIONS else None,
        people_total=len(people) if len(people) > MATRIX_ORGANIZATIONS else None,
    )
