"""The record of a meeting, a session or an agent, as its page shows it.

- a meeting's (or a session's) page: who took part, by role, with announced and reported
  participations kept apart ("speakers will include", "invited" is not "took part");
  a meeting's programme (its sessions in order, with their speakers) and its outcomes
  (the documents it produced or adopted);
- a person's or an organization's page: the meetings it took part in and its roles,
  with the post held as the source words it; an organization's page also lists the
  people the sources say represented it.

Every row cites the passages that say it, through the page's numbered source notes.
The quads come from the whole graph or from `record_query` (which reads at most
`bounds.RECORD` of the record's nodes); at most `RECORD` participations are shown, the
first by IRI, so both give the same page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SDO
from rdflib.term import Node

from ctc_kg.content.names import ontology_namespace
from ctc_kg.web.html.bounds import RECORD, first_values
from ctc_kg.web.html.labels import label, pick
from ctc_kg.web.html.page import PageContext
from ctc_kg.web.html.quads import QuadIndex
from ctc_kg.web.html.terms import Shown, TermShower
from ctc_kg.web.i18n import label_languages

Cite = Callable[[Iterable[URIRef]], tuple[int, ...]]
"""Numbers the passages (named graphs) a row cites, in the page's source notes."""

# The order of the roles in a table (their slugs under `role/`); other roles follow by label.
ROLE_ORDER = (
    "chair",
    "opening-speaker",
    "speaker",
    "moderator",
    "host",
    "co-host",
    "organizer",
    "co-organizer",
    "participant",
    "invitee",
)
# Reported participations first: what happened, then what was announced beforehand.
STATUS_ORDER = ("reported", "announced")


@dataclass(frozen=True)
class ParticipationRow:
    """One participation: an agent in a role at a meeting (or one of its sessions)."""

    agent: Shown
    role: Shown
    meeting: Shown
    start: Literal | None
    session: Shown | None
    posts: tuple[Shown, ...]  # the post held, in the source's words, each cited
    on_behalf_of: tuple[Shown, ...]
    sources: tuple[int, ...]


@dataclass(frozen=True)
class StatusGroup:
    """The participations of one status; `key` is "reported", "announced" or "other"."""

    key: str
    status: Shown
    rows: tuple[ParticipationRow, ...]


@dataclass(frozen=True)
class SessionRow:
    session: Shown
    position: int | None
    titles: tuple[Shown, ...]  # schema:name as the programme words it, cited
    scheduled: bool  # the source is a programme published beforehand
    speakers: tuple[StatusGroup, ...]


@dataclass(frozen=True)
class OutcomeRow:
    document: Shown  # cited by the passages linking it to the meeting
    adopted: bool
    identifiers: tuple[Shown, ...]
    issued: tuple[Shown, ...]
    abstracts: tuple[Shown, ...]  # what each source says it contains, page language first


@dataclass(frozen=True)
class RecordView:
    participants: tuple[StatusGroup, ...] = ()  # a meeting's or a session's
    programme: tuple[SessionRow, ...] = ()
    outcomes: tuple[OutcomeRow, ...] = ()
    roles: tuple[StatusGroup, ...] = ()  # an agent's own participations
    represented: tuple[StatusGroup, ...] = ()  # people who spoke for an organization
    # More participations than listed (`bounds.RECORD`): how many in all, else None.
    participants_total: int | None = None
    roles_total: int | None = None
    # The editor links listing them all, when there are more.
    participants_listing: str | None = None
    roles_listing: str | None = None

    @property
    def participants_shown(self) -> int:
        return sum(len(group.rows) for group in self.participants)

    @property
    def roles_shown(self) -> int:
        return sum(len(group.rows) for group in self.roles)

    def __bool__(self) -> bool:
        return any((self.participants, self.programme, self.outcomes, self.roles, self.represented))


def _date_key(value: Literal | None) -> str:
    return str(value) if value is not None else "~"


class _Record:
    def __init__(self, index: QuadIndex, ctx: PageContext, shower: TermShower, cite: Cite) -> None:
        self.index, self.ctx, self.shower, self.cite = index, ctx, shower, cite
        self.ns = ontology_namespace(ctx.base_iri)
        self.role_prefix = ctx.base_iri + "role/"
        self.status_prefix = ctx.base_iri + "status/"

    def one(self, node: Node, predicate: Node) -> Node | None:
        found = sorted(self.index.objects(node, predicate), key=str)
        return found[0] if found else None

    def cited(self, node: Node, predicate: Node, values: Iterable[Node]) -> tuple[Shown, ...]:
        return tuple(
            self.shower.show(v, self.cite(self.index.graphs_of((node, predicate, v))))
            for v in values
        )

    def participations(self, predicate: Node, target: URIRef) -> list[Node]:
        nodes = [
            p
            for p in self.index.subjects(predicate, target)
            if URIRef(self.ns.Participation) in self.index.objects(p, RDF.type)
        ]
        return first_values(nodes, RECORD)

    def start(self, meeting: Node) -> Literal | None:
        dates = [d for d in self.index.objects(meeting, SDO.startDate) if isinstance(d, Literal)]
        return min(dates, key=str, default=None)

    def row(self, part: Node) -> ParticipationRow | None:
        ns = self.ns
        agent = self.one(part, ns.participant)
        role = self.one(part, SDO.roleName)
        meeting = self.one(part, ns.atMeeting)
        if agent is None or role is None or meeting is None:
            return None
        graphs: set[URIRef] = set()
        for predicate, value in ((ns.participant, agent), (SDO.roleName, role)):
            graphs |= self.index.graphs_of((part, URIRef(predicate), value))
        session = self.one(part, ns.inSession)
        posts = sorted(self.index.objects(part, ns.postHeld), key=str)
        behalf = sorted(self.index.objects(part, ns.onBehalfOf), key=self.label_key)
        return ParticipationRow(
            agent=self.shower.show(agent, self.cite(graphs)),
            role=self.shower.show(role),
            meeting=self.shower.show(meeting),
            start=self.start(meeting),
            session=self.shower.show(session) if session is not None else None,
            posts=self.cited(part, ns.postHeld, posts),
            on_behalf_of=self.cited(part, ns.onBehalfOf, behalf),
            sources=self.cite(graphs),
        )

    def language_key(self, value: Node) -> tuple[int, str]:
        """The page's language first, then the fallback languages, then the rest."""
        order = label_languages(self.ctx.lang)
        lang = (value.language or "").split("-")[0] if isinstance(value, Literal) else ""
        return (order.index(lang) if lang in order else len(order), str(value))

    def label_key(self, node: Node) -> tuple[str, str]:
        return (label(self.index, node, self.ctx.lang).casefold(), str(node))

    def role_key(self, node: Node) -> tuple[int, str, str]:
        slug = str(node).removeprefix(self.role_prefix)
        rank = ROLE_ORDER.index(slug) if slug in ROLE_ORDER else len(ROLE_ORDER)
        return (rank, *self.label_key(node))

    def groups(self, parts: Iterable[Node], by_meeting: bool) -> tuple[StatusGroup, ...]:
        """`parts` grouped by status (reported, then announced, then any other), each
        ordered by role then agent, or (`by_meeting`) by meeting date first. Rows are
        built in that order, so the citations are numbered as the page shows them."""
        ns = self.ns
        grouped: dict[Node, list[Node]] = {}
        for part in parts:
            status = self.one(part, ns.status)
            if status is not None:
                grouped.setdefault(status, []).append(part)
        rank = {k: i for i, k in enumerate((*STATUS_ORDER, "other"))}

        def status_key(status: Node) -> tuple[int, str, str]:
            slug = str(status).removeprefix(self.status_prefix)
            return (rank.get(slug, len(STATUS_ORDER)), *self.label_key(status))

        def order(part: Node) -> tuple[object, ...]:
            role = self.role_key(self.one(part, SDO.roleName) or part)
            agent = self.label_key(self.one(part, ns.participant) or part)
            if not by_meeting:
                return (role, agent, str(part))
            meeting = self.one(part, ns.atMeeting) or part
            start = _date_key(self.start(meeting))
            return (start, self.label_key(meeting), role, agent, str(part))

        found = []
        for status in sorted(grouped, key=status_key):
            slug = str(status).removeprefix(self.status_prefix)
            rows = (self.row(part) for part in sorted(grouped[status], key=order))
            found.append(
                StatusGroup(
                    key=slug if slug in STATUS_ORDER else "other",
                    status=self.shower.show(status),
                    rows=tuple(row for row in rows if row is not None),
                )
            )
        return tuple(group for group in found if group.rows)

    def position(self, session: Node) -> int | None:
        values = self.index.objects(session, SDO.position)
        found = [int(p) for p in values if isinstance(p, Literal)]
        return min(found) if found else None

    def programme(self, meeting: URIRef, parts: list[Node]) -> tuple[SessionRow, ...]:
        """The meeting's sessions by position (then IRI), built in that order."""
        session_class = URIRef(self.ns.Session)
        sessions = {
            s
            for s in (
                *self.index.objects(meeting, SDO.subEvent),
                *self.index.subjects(SDO.superEvent, meeting),
            )
            if session_class in self.index.objects(s, RDF.type)
        }

        def order(session: Node) -> tuple[bool, int, str]:
            position = self.position(session)
            return (position is None, position or 0, str(session))

        rows = []
        for session in sorted(sessions, key=order):
            titles = sorted(self.index.objects(session, SDO.name), key=str)
            best = pick(titles, self.ctx.lang)
            speakers = [p for p in parts if session in self.index.objects(p, self.ns.inSession)]
            rows.append(
                SessionRow(
                    session=self.shower.show(session),
                    position=self.position(session),
                    titles=self.cited(session, SDO.name, [best] if best is not None else []),
                    scheduled=SDO.EventScheduled in self.index.objects(session, SDO.eventStatus),
                    speakers=self.groups(speakers, by_meeting=False),
                )
            )
        return tuple(rows)

    def outcomes(self, meeting: URIRef) -> tuple[OutcomeRow, ...]:
        generated = set(self.index.objects(meeting, PROV.generated))
        generated |= set(self.index.subjects(PROV.wasGeneratedBy, meeting))
        adopted_at = URIRef(self.ns.adoptedAt)
        rows = []
        for doc in sorted(generated, key=self.label_key):
            graphs = self.index.graphs_of((meeting, PROV.generated, doc))
            graphs |= self.index.graphs_of((doc, PROV.wasGeneratedBy, meeting))
            abstracts = sorted(self.index.objects(doc, SDO.abstract), key=self.language_key)
            identifiers = sorted(
                set(self.index.objects(doc, DCTERMS.identifier))
                | set(self.index.objects(doc, SDO.identifier)),
                key=str,
            )
            issued = sorted(self.index.objects(doc, DCTERMS.issued), key=str)
            rows.append(
                OutcomeRow(
                    document=self.shower.show(doc, self.cite(graphs)),
                    adopted=meeting in self.index.objects(doc, adopted_at),
                    identifiers=tuple(self.shower.show(i) for i in identifiers),
                    issued=self.cited(doc, DCTERMS.issued, issued),
                    abstracts=self.cited(doc, SDO.abstract, abstracts),
                )
            )
        return tuple(rows)


def record_view(
    index: QuadIndex,
    iri: str,
    ctx: PageContext,
    shower: TermShower,
    cite: Cite,
    incoming: Mapping[URIRef, int] | None = None,
) -> RecordView:
    """The record `iri`'s page shows: as a meeting, a session, and as an agent.
    `incoming` counts what points to `iri` by property in the whole store, when the
    index holds only part of it (`ResourceTotals.incoming`)."""
    subject = URIRef(iri)
    record = _Record(index, ctx, shower, cite)
    ns = record.ns
    types = set(index.objects(subject, RDF.type))
    meeting = URIRef(ns.SpecialMeeting) in types
    session = URIRef(ns.Session) in types
    link = URIRef(ns.atMeeting if meeting else ns.inSession)
    at = record.participations(link, subject) if meeting or session else []
    own = record.participations(ns.participant, subject)
    for_it = [p for p in record.participations(ns.onBehalfOf, subject) if p not in own]

    def cut(predicate: URIRef, shown: list[Node]) -> tuple[int | None, str | None]:
        """How many participations there are in all, when more than `shown`, and the
        editor link listing them all."""
        total = max((incoming or {}).get(predicate, 0), len(shown))
        if not shown or total <= len(shown):
            return None, None
        return total, listing(ctx, predicate, subject)

    participants_total, participants_listing = cut(link, at)
    roles_total, roles_listing = cut(URIRef(ns.participant), own)
    return RecordView(
        participants=record.groups(at, by_meeting=False),
        programme=record.programme(subject, at) if meeting else (),
        outcomes=record.outcomes(subject) if meeting else (),
        roles=record.groups(own, by_meeting=True),
        represented=record.groups(for_it, by_meeting=True),
        participants_total=participants_total,
        roles_total=roles_total,
        participants_listing=participants_listing,
        roles_listing=roles_listing,
    )


def listing(ctx: PageContext, link: URIRef, subject: URIRef) -> str:
    """An editor link to the query listing every participation linked to `subject`."""
    ctckg = ctx.public_iri(str(ontology_namespace(ctx.base_iri)))
    me = ctx.public_iri(str(subject))
    query = (
        f"PREFIX ctckg: <{ctckg}>\n"
        "PREFIX schema: <https://schema.org/>\n"
        "SELECT ?participation ?meeting ?agent ?role ?status WHERE {\n"
        f"  ?participation <{ctx.public_iri(str(link))}> <{me}> ;\n"
        "    ctckg:atMeeting ?meeting ; ctckg:participant ?agent ;\n"
        "    schema:roleName ?role ; ctckg:status ?status .\n"
        "}\nORDER BY ?meeting ?role ?agent"
    )
    return ctx.editor(query)


def participation_links(base_iri: str) -> frozenset[URIRef]:
    """The properties by which participations point to what they are about."""
    ns = ontology_namespace(base_iri)
    return frozenset(URIRef(p) for p in (ns.atMeeting, ns.participant, ns.onBehalfOf, ns.inSession))
