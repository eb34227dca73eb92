"""Geometry of the landing page's meeting timeline (drawn as SVG by the template).

Time runs downward, so the drawing stays readable on a phone. Each meeting sits at a
height proportional to its start date, pushed down when it would overlap the one before.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ctc_kg.web.html.dates import format_range

if TYPE_CHECKING:
    from ctc_kg.web.html.landing import Meeting

WIDTH = 420
AXIS_X = 64
TOP = 36
PX_PER_DAY = 0.16
MIN_GAP = 96
LINE_HEIGHT = 17
WRAP = 38


@dataclass(frozen=True)
class TimelinePoint:
    y: int
    href: str | None
    title: str
    date: str
    place: str
    organizers: tuple[str, ...]


@dataclass(frozen=True)
class Tick:
    y: int
    year: int


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    axis_x: int
    points: tuple[TimelinePoint, ...]
    ticks: tuple[Tick, ...]


def _day(meeting: Meeting) -> dt.date | None:
    if meeting.start is None:
        return None
    pieces = [int(p) for p in str(meeting.start).split("-")[:3] if p.isdigit()]
    if len(pieces) < 2:
        return None
    return dt.date(pieces[0], pieces[1], pieces[2] if len(pieces) > 2 else 1)


def timeline(meetings: tuple[Meeting, ...], lang: str) -> Timeline | None:
    dated = [(d, m) for m in meetings if (d := _day(m)) is not None]
    if not dated:
        return None
    first = dated[0][0]
    points: list[TimelinePoint] = []
    year_y: dict[int, int] = {}
    y = TOP
    bottom = TOP
    for day, meeting in dated:
        y = max(TOP + int((day - first).days * PX_PER_DAY), y if not points else bottom + 24)
        organizers = ", ".join(o.short for o in meeting.organizers)
        lines = tuple(textwrap.wrap(organizers, WRAP)) if organizers else ()
        points.append(
            TimelinePoint(
                y=y,
                href=meeting.meeting.href,
                title=meeting.meeting.text,
                date=format_range(meeting.start, meeting.end, lang),
                place=", ".join(p.text for p in meeting.places),
                organizers=lines,
            )
        )
        year_y.setdefault(day.year, y)
        bottom = y + max(MIN_GAP - 24, LINE_HEIGHT * (2 + len(lines)))
    ticks = tuple(Tick(y, year) for year, y in sorted(year_y.items()))
    return Timeline(WIDTH, bottom + 12, AXIS_X, tuple(points), ticks)
