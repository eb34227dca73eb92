"""The landing page's matrix: who took part in which meeting, and in what role.

Organizations and people (two tables) by meeting: the organizers each meeting names
(`schema:organizer`, `ctckg:coOrganizer`, as before participations were recorded) and
every participation at it (`ctckg:atMeeting`, its agent, role and status), roles that
were only announced ("invited", "speakers will include") marked apart from those
reported. At most `bounds.MATRIX_PARTICIPATIONS` participations are read (the landing
query's bound), and shown per meeting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import RDF, SDO
from rdflib.term import Node

from ctc_kg.content.names import ontology_namespace
from ctc_kg.web.html.bounds import MATRIX_PARTICIPATIONS, first_values
from ctc_kg.web.html.labels import label
from ctc_kg.web.html.page import PageContext
from ctc_kg.web.html.quads import QuadIndex
from ctc_kg.web.html.record import ROLE_ORDER
from ctc_kg.web.html.terms import Shown, TermShower

if TYPE_CHECKING:
    from ctc_kg.web.html.landing import Meeting


@dataclass(frozen=True)
class RoleMark:
    """One role of an agent at a meeting: its label, and whether it was only announced."""

    text: str
    announced: bool


@dataclass(frozen=True)
class MatrixCell:
    """An agent's roles at one meeting. `kind` is the strongest: "co_organizer",
    "organizer", "took_part" (a reported role), "announced" (announced roles only) or ""."""

    kind: str
    marks: tuple[RoleMark, ...]


@dataclass(frozen=True)
class MatrixRow:
    org: Shown  # the agent: an organization, or a person in the people's matrix
    cells: tuple[MatrixCell, ...]  # one per meeting


def matrix(
    index: QuadIndex, ctx: PageContext, shower: TermShower, found: tuple[Meeting, ...]
) -> tuple[tuple[MatrixRow, ...], tuple[MatrixRow, ...]]:
    """Organizations and people (two matrices) by meeting, with their roles: the
    organizers the meetings name and every participation (`participation_marks`)."""
    roles: dict[Node, dict[int, dict[tuple[str, bool], RoleMark]]] = {}
    for column, meeting in enumerate(found):
        for organizer in meeting.organizers:
            agent: Node | None = organizer.node
            if agent is None:
                continue
            key = "co_organizer" if organizer.co_organizer else "organizer"
            mark = RoleMark(ctx.t(key), announced=False)
            roles.setdefault(agent, {}).setdefault(column, {})[(key, False)] = mark
        if meeting.node is None:
            continue
        for agent, key, mark in participation_marks(index, ctx, meeting.node):
            # A reported organizer is marked once, by the meeting's own statement.
            cell = roles.setdefault(agent, {}).setdefault(column, {})
            cell.setdefault((key, mark.announced), mark)
    people = {a for a in roles if SDO.Person in index.objects(a, RDF.type)}
    rows = {
        agent: MatrixRow(
            shower.show(agent),
            tuple(matrix_cell(cells.get(c, {})) for c in range(len(found))),
        )
        for agent, cells in roles.items()
    }

    def by_name(agents: set[Node]) -> tuple[MatrixRow, ...]:
        return tuple(
            rows[a] for a in sorted(agents, key=lambda a: (rows[a].org.text.casefold(), str(a)))
        )

    return by_name(set(roles) - people), by_name(people)


def matrix_cell(found: Mapping[tuple[str, bool], RoleMark]) -> MatrixCell:
    """The marks of a cell in their order: the meeting's organizers, then reported
    roles, then announced ones (each in `record.ROLE_ORDER`). A role announced and
    then reported is shown once, as reported (the meeting's page lists both), and a
    co-organizer is not also marked organizer."""
    order = ("co_organizer", "organizer", *ROLE_ORDER)
    marks = {
        (slug, announced): mark
        for (slug, announced), mark in found.items()
        if not (announced and (slug, False) in found)
        and not (slug == "organizer" and not announced and ("co_organizer", False) in found)
    }

    def key(item: tuple[tuple[str, bool], RoleMark]) -> tuple[bool, int, str]:
        (slug, announced), mark = item
        rank = order.index(slug) if slug in order else len(order)
        return (announced, rank, mark.text)

    ordered = tuple(mark for _, mark in sorted(marks.items(), key=key))
    slugs = {slug for slug, _ in marks}
    if "co_organizer" in slugs:
        kind = "co_organizer"
    elif "organizer" in slugs:
        kind = "organizer"
    elif any(not m.announced for m in ordered):
        kind = "took_part"
    else:
        kind = "announced" if ordered else ""
    return MatrixCell(kind, ordered)


def participation_marks(
    index: QuadIndex, ctx: PageContext, meeting: Node
) -> list[tuple[Node, str, RoleMark]]:
    """(agent, role key, mark) of each participation at `meeting`; the role key is the
    role's slug, with the meeting's organizers' keys for organizer and co-organizer."""
    ns = ontology_namespace(ctx.base_iri)
    prefix, reported = ctx.base_iri + "role/", URIRef(ctx.base_iri + "status/reported")
    found = []
    for part in first_values(index.subjects(ns.atMeeting, meeting), MATRIX_PARTICIPATIONS):
        for agent in index.objects(part, ns.participant):
            for role in index.objects(part, SDO.roleName):
                for status in index.objects(part, ns.status):
                    slug = str(role).removeprefix(prefix)
                    key = {"organizer": "organizer", "co-organizer": "co_organizer"}.get(slug, slug)
                    mark = RoleMark(label(index, role, ctx.lang), status != reported)
                    found.append((agent, key, mark))
    return found
