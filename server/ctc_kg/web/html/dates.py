"""Dates as people read them, in English or French, exactly as precise as the data.

A day is shown only when the literal has one (xsd:date); a month alone (xsd:gYearMonth)
is shown as a month. Nothing is filled in.
"""

from __future__ import annotations

from rdflib import Literal

EN_DASH = "\u2013"

_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
}


def _parts(value: Literal) -> tuple[int, int | None, int | None] | None:
    pieces = str(value).split("T")[0].split("-")
    try:
        numbers = [int(p) for p in pieces if p]
    except ValueError:
        return None
    if not numbers:
        return None
    year = numbers[0]
    month = numbers[1] if len(numbers) > 1 and 1 <= numbers[1] <= 12 else None
    day = numbers[2] if len(numbers) > 2 and month else None
    return year, month, day


def _months(lang: str) -> list[str]:
    return _MONTHS.get(lang, _MONTHS["en"])


def format_date(value: Literal | None, lang: str) -> str:
    if value is None:
        return ""
    parts = _parts(value)
    if parts is None:
        return str(value)
    year, month, day = parts
    if month is None:
        return str(year)
    name = _months(lang)[month - 1]
    if day is None:
        return f"{name} {year}"
    if lang == "fr":
        return f"{'1er' if day == 1 else day} {name} {year}"
    return f"{day} {name} {year}"


def format_range(start: Literal | None, end: Literal | None, lang: str) -> str:
    """'11-12 March 2004' (with an en dash), or one date when start equals end."""
    if start is None:
        return format_date(end, lang)
    if end is None or str(end) == str(start):
        return format_date(start, lang)
    a, b = _parts(start), _parts(end)
    if a and b and a[2] and b[2] and a[:2] == b[:2]:
        return f"{a[2]}{EN_DASH}{format_date(end, lang)}"
    return f"{format_date(start, lang)} {EN_DASH} {format_date(end, lang)}"
