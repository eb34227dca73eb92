"""Does each statement say only what its source passage's quote says?

For every named graph that is a source passage with a quote (`?g ctckg:quote ?q` in the
default graph), every literal in the graph's statements must be found in the quote:

- a string (plain or language-tagged): its words, normalised for case, accents, apostrophes,
  quotation marks, dashes and spacing (`normalise`);
- an `xsd:date`: a day, month and year the quote writes in one of the forms sources use:
  `6 March 2003`, `March 6, 2003`, `6 mars 2003`, `2003-03-06`, a range `11-12 March 2004`,
  `29 to 31 October`, `26 и 27 января 2005 года`, `October 29-31` (`dates_in`). A day and month
  without a year take the year of the document's `dcterms:issued` (a press release of
  4 March 2003 that says "on 6 March" means 2003), and of nothing else;
- an `xsd:gYearMonth`: a month and year the quote writes (`mars 2004`, `October 2003`);
- an `xsd:integer`: the number in digits or in words (`57`, `Quatre`, `Three`).

IRIs are not literals, but an agent or a place a passage names must be named in its quote
too: some label, acronym or name of it (from any graph: that is where labels come from)
must be found in the quote (`agent_names_missing`). Quotes in a language our labels do not
use (Russian) cannot name them, so that check applies to English and French quotes only.

Exempt, each for a reason stated in EXEMPT_PREDICATES: the order of an item in a list
(its position is the evidence, not a word). Nothing else is exempt; a passage without a
quote (a fact taken from reference-facts.md's tables) is not checked here, and
test_evidence.py lists which passages those are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

CTCKG = "https://w3id.org/ctc-kg/ontology#"
SCHEMA = "https://schema.org/"
QUOTE = URIRef(CTCKG + "quote")

# Predicates whose literal values are not words of the quote, with the reason.
EXEMPT_PREDICATES: dict[URIRef, str] = {
    URIRef(CTCKG + "ordinal"): "the meeting's rank comes from its place in the page's list",
    URIRef(SCHEMA + "position"): "a session's order is its place in the programme's list",
}

# Objects of these predicates are agents or places the passage names.
NAMING_PROPERTIES = frozenset(
    URIRef(p)
    for p in (
        SCHEMA + "organizer",
        SCHEMA + "attendee",
        SCHEMA + "performer",
        SCHEMA + "location",
        CTCKG + "coOrganizer",
        CTCKG + "invitee",
        CTCKG + "announcedParticipant",
        CTCKG + "participant",
        CTCKG + "onBehalfOf",
    )
)
NAME_PROPERTIES = (RDFS.label, SKOS.altLabel, SKOS.prefLabel, URIRef(SCHEMA + "name"))
LABEL_LANGUAGES = frozenset({"en", "fr"})

MONTHS: dict[str, int] = {}
for number, names in enumerate(
    (
        "january janvier января jan",
        "february fevrier февраля feb",
        "march mars марта mar",
        "april avril апреля apr",
        "may mai мая",
        "june juin июня jun",
        "july juillet июля jul",
        "august aout августа aug",
        "september septembre сентября sep sept",
        "october octobre октября oct",
        "november novembre ноября nov",
        "december decembre декабря dec",
    ),
    start=1,
):
    for name in names.split():
        MONTHS[name] = number

NUMBER_WORDS: dict[str, int] = {
    word: value
    for value, words in enumerate(
        (
            "zero",
            "one un une first premier premiere",
            "two deux second deuxieme",
            "three trois third troisieme",
            "four quatre fourth quatrieme",
            "five cinq fifth cinquieme",
            "six sixth sixieme",
            "seven sept seventh septieme",
            "eight huit eighth huitieme",
            "nine neuf ninth neuvieme",
            "ten dix tenth dixieme",
            "eleven onze",
            "twelve douze dozen",
        )
    )
    for word in words.split()
}

_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:er)?"
_LINK = r"\s*(?:-|to|and|et|au|и)\s*"
_YEAR = r"(\d{4})"
# 6 March 2003 / 11-12 March 2004 / 26 и 27 января 2005 / 29 to 31 October
_DAY_FIRST = re.compile(rf"\b{_DAY}(?:{_LINK}{_DAY})?\s+{_MONTH}(?:,?\s+{_YEAR})?")
# March 6, 2003 / October 29-31 / October 29-31, 2007
_MONTH_FIRST = re.compile(rf"\b{_MONTH}\s+{_DAY}(?:{_LINK}{_DAY})?(?:,?\s+{_YEAR})?")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+{_YEAR}\b")


def normalise(text: str) -> str:
    """Case, accents, typographic quotes and dashes, brackets and spacing do not matter."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    # typographic apostrophes, quotation marks and dashes, by code point
    for fancy, simple in (
        ("\u2019\u2018\u0060\u00b4", "'"),
        ("\u201c\u201d\u00ab\u00bb\u201e", '"'),
        ("\u2013\u2014\u2011", "-"),
    ):
        for char in fancy:
            plain = plain.replace(char, simple)
    plain = re.sub(r"[()\[\]]", "", plain)  # "(OAS) headquarters" names "OAS headquarters"
    return re.sub(r"\s+", " ", plain).strip().casefold()


def _date(year: str | None, month: str, day: str, default_year: int | None) -> date | None:
    chosen = int(year) if year else default_year
    if chosen is None:
        return None
    try:
        return date(chosen, MONTHS[month], int(day))
    except ValueError:
        return None


def dates_in(quote: str, default_year: int | None = None) -> set[date]:
    """Every day the quote writes, with `default_year` for a day and month without a year."""
    text = normalise(quote)
    found: set[date] = set()
    for first, second, month, year in _DAY_FIRST.findall(text):
        for day in (first, second):
            if day and (value := _date(year, month, day, default_year)):
                found.add(value)
    for month, first, second, year in _MONTH_FIRST.findall(text):
        for day in (first, second):
            if day and (value := _date(year, month, day, default_year)):
                found.add(value)
    for year, month, day in _ISO.findall(text):
        try:
            found.add(date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return found


def months_in(quote: str) -> set[tuple[int, int]]:
    """Every (year, month) the quote writes: `octobre 2003`, `March 2004`, `2003-10`."""
    text = normalise(quote)
    found = {(int(year), MONTHS[month]) for month, year in _MONTH_YEAR.findall(text)}
    found |= {(int(y), int(m)) for y, m in re.findall(r"\b(\d{4})-(\d{2})\b", text)}
    found |= {(d.year, d.month) for d in dates_in(quote)}
    return found


def numbers_in(quote: str) -> set[int]:
    """Every whole number the quote writes in digits or in (English or French) words."""
    text = normalise(quote)
    found = {int(n) for n in re.findall(r"(?<![\d.])\d+(?![\d])", text)}
    found |= {NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text) if w in NUMBER_WORDS}
    return found


@dataclass(frozen=True)
class Drift:
    """A statement of a passage's graph that its quote does not bear out."""

    graph: str
    subject: str
    predicate: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"<{self.graph}>: <{self.subject}> <{self.predicate}> {self.value} — {self.reason}"


def literal_is_in_quote(value: Literal, quote: str, default_year: int | None) -> str | None:
    """None when the quote bears the literal out, else why not."""
    datatype = value.datatype
    if datatype == XSD.date:
        day = date.fromisoformat(str(value))
        return None if day in dates_in(quote, default_year) else "date not in the quote"
    if datatype == XSD.gYearMonth:
        year, month = (int(part) for part in str(value).split("-"))
        return None if (year, month) in months_in(quote) else "month not in the quote"
    if datatype == XSD.integer:
        return None if int(value) in numbers_in(quote) else "number not in the quote"
    if datatype in (None, XSD.string, RDF.langString):
        return None if normalise(str(value)) in normalise(quote) else "words not in the quote"
    return f"no rule for literals of type {datatype}"


def _names(union: Graph, node: Node) -> Iterator[str]:
    for prop in NAME_PROPERTIES:
        for name in union.objects(node, prop):
            if isinstance(name, Literal):
                yield str(name)


def agent_names_missing(graph: Graph, union: Graph, quote: Literal) -> Iterator[Drift]:
    """Agents and places the graph names whose every name is absent from the quote."""
    if quote.language not in LABEL_LANGUAGES:
        return
    text = normalise(str(quote))
    for s, p, o in graph:
        if p not in NAMING_PROPERTIES or not isinstance(o, URIRef):
            continue
        names = list(_names(union, o))
        if not any(normalise(n) in text for n in names):
            yield Drift(str(graph.identifier), str(s), str(p), f"<{o}>", "no name of it in quote")


def passage_quotes(dataset: Dataset) -> dict[URIRef, Literal]:
    default = dataset.default_graph
    return {
        g: q
        for g, q in default.subject_objects(QUOTE)
        if isinstance(g, URIRef) and isinstance(q, Literal)
    }


def issued_year(dataset: Dataset, passage: URIRef) -> int | None:
    """The year of the passage's document, for quotes that give a day and month only."""
    default = dataset.default_graph
    document = default.value(passage, DCTERMS.source)
    issued = default.value(document, DCTERMS.issued) if document is not None else None
    return int(str(issued)[:4]) if isinstance(issued, Literal) else None


def drifts(dataset: Dataset, union: Graph) -> list[Drift]:
    """Every statement, in every quoted passage's graph, that its quote does not bear out."""
    found: list[Drift] = []
    for passage, quote in sorted(passage_quotes(dataset).items()):
        graph = dataset.graph(passage)
        year = issued_year(dataset, passage)
        for s, p, o in sorted(graph):
            if not isinstance(o, Literal) or p in EXEMPT_PREDICATES:
                continue
            reason = literal_is_in_quote(o, str(quote), year)
            if reason:
                found.append(Drift(str(passage), str(s), str(p), o.n3(), reason))
        found.extend(agent_names_missing(graph, union, quote))
    return found


def quoted(dataset: Dataset) -> Iterable[URIRef]:
    return passage_quotes(dataset).keys()
