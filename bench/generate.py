"""A synthetic knowledge graph shaped like ctc-kg's, at any size, deterministic for a seed.

The real graph (data/*.trig) holds five meetings; a benchmark needs the same shape at
1k, 100k or 1M statements. This module grows it the way the real one would grow:
more meetings, each in the named graph of the source passage that reports it, held by
more organizations (en/fr labels and acronyms, some within a parent), in more cities
of more countries, about a slowly growing set of themes, every claim graph described
in the default graph with its source document and quote, English labels we composed
in the editorial graph. It uses the ontology's terms and IRI patterns so the output
passes shapes/ctc-kg-shapes.ttl.

Everything is drawn from one `random.Random(seed)`, so a seed and a size give the same
quads, byte for byte, on every machine. The text is visibly synthetic (made-up words)
and the dataset says so in its label.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

B = "https://w3id.org/ctc-kg/"

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
CTCKG = B + "ontology#"

PREFIXES = {
    "ctckg": CTCKG,
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "org": ORG,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "skos": SKOS,
    "void": VOID,
    "xsd": XSD,
}

#: The files of data/ (modelling.md, "Files"), in writing order.
DATA_FILES = (
    "dataset",
    "sources",
    "meetings",
    "organizations",
    "places",
    "themes",
    "resolution",
    "agreements",
    "disagreements",
)

_SYLLABLES = tuple(c + v for c in "bdklmnrstvz" for v in "aeio")

_THEMES = (
    ("cooperation-with-organizations", "cooperation with organizations"),
    ("implementation-of-resolution-1373", "implementation of resolution 1373"),
    ("prevention-of-terrorist-movements", "prevention of terrorist movements"),
    ("effective-border-security", "effective border security"),
    ("exchange-of-information-on-standards", "exchange of information on standards"),
    ("assistance-between-neighbouring-countries", "assistance between neighbouring countries"),
)

_MONTHS_EN = "January February March April May June July August September October November December"
_MONTHS_FR = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _fr(text: str) -> ox.Literal:
    return ox.Literal(text, language="fr")


def _typed(text: str, datatype: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))


def letters(index: int, width: int = 3) -> str:
    """`index` written in base 26 with a-z, at least `width` letters: IRIs whose pattern
    forbids digits (meetings: <year>-<city>) stay unique."""
    out = ""
    while True:
        index, rest = divmod(index, 26)
        out = chr(ord("a") + rest) + out
        if index == 0 and len(out) >= width:
            return out


def parse_size(text: str) -> int:
    """'1k' -> 1000, '100k' -> 100000, '1m' -> 1000000, '2500' -> 2500."""
    text = text.strip().lower()
    factor = 1
    if text.endswith("k"):
        factor, text = 1_000, text[:-1]
    elif text.endswith("m"):
        factor, text = 1_000_000, text[:-1]
    value = int(float(text) * factor)
    if value <= 0:
        raise ValueError(f"size must be positive: {text!r}")
    return value


def size_label(triples: int) -> str:
    if triples >= 1_000_000 and triples % 1_000_000 == 0:
        return f"{triples // 1_000_000}m"
    if triples >= 1_000 and triples % 1_000 == 0:
        return f"{triples // 1_000}k"
    return str(triples)


@dataclass
class _Graph:
    """Quads grouped by the data file they belong to."""

    files: dict[str, list[ox.Quad]] = field(
        default_factory=lambda: {name: [] for name in DATA_FILES}
    )
    count: int = 0

    def add(
        self,
        file: str,
        graph: ox.NamedNode | ox.DefaultGraph,
        subject: ox.NamedNode,
        predicate: str,
        obj: ox.NamedNode | ox.Literal,
    ) -> None:
        self.files[file].append(ox.Quad(subject, _iri(predicate), obj, graph))
        self.count += 1

    def labels(
        self,
        file: str,
        graph: ox.NamedNode | ox.DefaultGraph,
        subject: ox.NamedNode,
        en: str,
        fr: str,
    ) -> None:
        self.add(file, graph, subject, RDFS + "label", _en(en))
        self.add(file, graph, subject, RDFS + "label", _fr(fr))


@dataclass(frozen=True)
class Synthetic:
    files: dict[str, list[ox.Quad]]
    quads: int

    def all_quads(self) -> Iterator[ox.Quad]:
        for name in DATA_FILES:
            yield from self.files[name]


class _Generator:
    """Grows the graph one meeting at a time until it holds the requested number of quads."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.g = _Graph()
        self.default = ox.DefaultGraph()
        self.editorial = _iri(B + "graph/editorial")
        self.used_words: set[str] = set()
        self.sources: list[ox.NamedNode] = []
        self.countries: list[ox.NamedNode] = []
        self.cities: list[tuple[ox.NamedNode, str, str]] = []  # iri, slug, name
        self.venues: dict[str, list[ox.NamedNode]] = {}
        self.organizations: list[ox.NamedNode] = []
        self.suborganizations: list[ox.NamedNode] = []
        self.themes: list[ox.NamedNode] = []
        self.meetings: list[ox.NamedNode] = []
        self.passages: list[ox.NamedNode] = []
        self.passage_count = 0
        self.series = _iri(B + "series/special-meetings")
        self.resolution = _iri(B + "resolution/1373-2001")
        self.themes_scheme = _iri(B + "themes")
        self.scopes: list[ox.NamedNode] = []
        self.hub_organization = _iri(B + "organization/ctc")

    # -- words -------------------------------------------------------------------------

    def word(self) -> str:
        """A made-up capitalised word, never returned twice."""
        while True:
            n = self.rng.choice((2, 3, 3, 4))
            text = "".join(self.rng.choice(_SYLLABLES) for _ in range(n))
            if text not in self.used_words:
                self.used_words.add(text)
                return text.capitalize()

    # -- provenance --------------------------------------------------------------------

    def source(self) -> ox.NamedNode:
        index = len(self.sources)
        word = self.word()
        iri = _iri(f"{B}source/report-{index:06d}")
        f, d = "sources", self.default
        for cls in (SCHEMA + "CreativeWork", PROV + "Entity", SCHEMA + "WebPage"):
            self.g.add(f, d, iri, RDF + "type", _iri(cls))
        self.g.labels(f, d, iri, f"Report {word} (synthetic)", f"Rapport {word} (synthétique)")
        self.g.add(f, d, iri, DCTERMS + "title", _fr(f"Rapport {word} sur la coopération"))
        self.g.add(f, d, iri, DCTERMS + "language", ox.Literal("fr"))
        day = dt.date(1995, 1, 1) + dt.timedelta(days=self.rng.randrange(12_000))
        self.g.add(f, d, iri, DCTERMS + "issued", _typed(day.isoformat(), "date"))
        self.sources.append(iri)
        return iri

    def passage(self, topic: str, quote: str) -> ox.NamedNode:
        return self.passage_of(topic, quote)[0]

    def passage_of(self, topic: str, quote: str) -> tuple[ox.NamedNode, ox.NamedNode]:
        """A claim graph: a named graph for one passage of one source, described in the
        default graph (modelling.md, "Provenance")."""
        if not self.sources or self.rng.random() < 0.1:
            self.source()
        source = self.rng.choice(self.sources[-20:])
        slug = source.value.rsplit("/", 1)[1]
        self.passage_count += 1
        iri = _iri(f"{B}graph/{slug}/{topic}-{self.passage_count:07d}")
        f, d = "sources", self.default
        self.g.add(f, d, iri, RDF + "type", _iri(CTCKG + "SourcePassage"))
        self.g.labels(
            f,
            d,
            iri,
            f"Passage {self.passage_count} of {slug}: {topic}",
            f"Passage {self.passage_count} de {slug} : {topic}",
        )
        self.g.add(f, d, iri, DCTERMS + "source", source)
        self.g.add(f, d, iri, PROV + "wasQuotedFrom", source)
        self.g.add(f, d, iri, CTCKG + "quote", _fr(quote))
        self.passages.append(iri)
        return iri, source

    # -- fixed part --------------------------------------------------------------------

    def fixed(self) -> None:
        first_source = self.source()
        d = self.default
        # The editorial graph: facts we composed, attributed to the project.
        f = "sources"
        self.g.add(f, d, self.editorial, RDF + "type", _iri(CTCKG + "SourcePassage"))
        self.g.labels(f, d, self.editorial, "Editorial statements", "Énoncés éditoriaux")
        self.g.add(f, d, self.editorial, DCTERMS + "source", first_source)
        self.g.add(f, d, self.editorial, PROV + "wasAttributedTo", _iri(B + "project"))
        self.g.add(f, d, self.editorial, PROV + "wasDerivedFrom", first_source)

        dataset = _iri(B + "dataset")
        f = "dataset"
        for cls in (VOID + "Dataset", DCAT + "Dataset", SCHEMA + "Dataset"):
            self.g.add(f, d, dataset, RDF + "type", _iri(cls))
        self.g.labels(
            f,
            d,
            dataset,
            "ctc-kg synthetic benchmark graph",
            "Graphe synthétique de banc d'essai ctc-kg",
        )
        self.g.add(
            f,
            d,
            dataset,
            DCTERMS + "license",
            _iri("https://creativecommons.org/licenses/by/4.0/"),
        )
        self.g.add(f, d, dataset, DCTERMS + "modified", _typed("2026-01-01", "date"))
        self.g.add(f, d, dataset, DCTERMS + "source", first_source)

        # The resolution every meeting serves.
        graph = self.passage("resolution", "La résolution 1373 (2001) du Conseil de sécurité.")
        f = "resolution"
        self.g.add(f, graph, self.resolution, RDF + "type", _iri(SCHEMA + "Legislation"))
        self.g.labels(
            f,
            graph,
            self.resolution,
            "Security Council resolution 1373 (2001)",
            "Résolution 1373 (2001) du Conseil de sécurité",
        )
        self.g.add(
            f,
            graph,
            self.resolution,
            SCHEMA + "legislationIdentifier",
            ox.Literal("S/RES/1373 (2001)"),
        )

        # The series.
        f = "meetings"
        self.g.add(f, graph, self.series, RDF + "type", _iri(SCHEMA + "EventSeries"))
        self.g.labels(
            f,
            self.editorial,
            self.series,
            "Special meetings of the Counter-Terrorism Committee (synthetic)",
            "Réunions spéciales du Comité contre le terrorisme (synthétique)",
        )

        # Theme and scope schemes.
        f = "themes"
        scopes = _iri(B + "scopes")
        for scheme, en, fr in (
            (self.themes_scheme, "Themes", "Thèmes"),
            (scopes, "Organization scopes", "Portées des organisations"),
        ):
            self.g.add(f, self.editorial, scheme, RDF + "type", _iri(SKOS + "ConceptScheme"))
            self.g.labels(f, self.editorial, scheme, en, fr)
        for slug, en, fr in (
            ("international", "international", "internationale"),
            ("regional", "regional", "régionale"),
            ("sub-regional", "sub-regional", "sous-régionale"),
        ):
            scope = _iri(f"{B}scope/{slug}")
            for cls in (SKOS + "Concept", CTCKG + "OrganizationScope"):
                self.g.add(f, self.editorial, scope, RDF + "type", _iri(cls))
            self.g.add(f, self.editorial, scope, SKOS + "inScheme", scopes)
            self.g.add(f, self.editorial, scope, SKOS + "prefLabel", _en(en))
            self.g.add(f, self.editorial, scope, SKOS + "prefLabel", _fr(fr))
            self.g.labels(f, self.editorial, scope, en, fr)
            self.scopes.append(scope)
        for slug, en in _THEMES:
            self.theme(slug, en, f"thème : {en}")

        # The committee itself: organizer of every meeting, as in the real data.
        self.organization(
            self.hub_organization,
            "Counter-Terrorism Committee",
            "Comité contre le terrorisme",
            ("CTC", "CCT"),
            parent=None,
        )

    def theme(self, slug: str, en: str, fr: str) -> None:
        iri = _iri(f"{B}theme/{slug}")
        f, e = "themes", self.editorial
        self.g.add(f, e, iri, RDF + "type", _iri(SKOS + "Concept"))
        self.g.add(f, e, iri, SKOS + "inScheme", self.themes_scheme)
        self.g.add(f, e, iri, SKOS + "prefLabel", _en(en))
        self.g.add(f, e, iri, SKOS + "prefLabel", _fr(fr))
        self.g.labels(f, e, iri, en, fr)
        self.themes.append(iri)

    # -- growing part ------------------------------------------------------------------

    def organization(
        self,
        iri: ox.NamedNode,
        en: str,
        fr: str,
        acronyms: tuple[str, str] | None,
        parent: ox.NamedNode | None,
    ) -> None:
        graph = self.passage("names", f"{fr} ({acronyms[1] if acronyms else fr}).")
        f = "organizations"
        self.g.add(f, graph, iri, RDF + "type", _iri(SCHEMA + "Organization"))
        self.g.add(f, graph, iri, RDF + "type", _iri(ORG + "Organization"))
        self.g.labels(f, graph, iri, en, fr)
        if acronyms is not None:
            self.g.add(f, graph, iri, SKOS + "altLabel", _en(acronyms[0]))
            self.g.add(f, graph, iri, SKOS + "altLabel", _fr(acronyms[1]))
        if parent is not None:
            self.g.add(f, graph, iri, ORG + "subOrganizationOf", parent)
            self.suborganizations.append(iri)
        self.organizations.append(iri)

    def new_organization(self) -> None:
        a, b = self.word(), self.word()
        index = len(self.organizations)
        iri = _iri(f"{B}organization/{a.lower()}-{index}")
        parent = None
        if len(self.organizations) > 3 and self.rng.random() < 0.3:
            parent = self.rng.choice(self.organizations[1:])
        acronyms = None
        if self.rng.random() < 0.85:
            acronyms = (f"{a[0]}O{b[0]}C", f"O{a[0]}C{b[0]}")
        self.organization(
            iri,
            f"{a} Organization for {b} Cooperation",
            f"Organisation {a} pour la coopération {b}",
            acronyms,
            parent,
        )

    def new_country(self) -> None:
        name = self.word()
        iri = _iri(f"{B}place/{name.lower()}-land")
        graph = self.passage("places", f"{name}.")
        f = "places"
        for cls in (SCHEMA + "Place", SCHEMA + "Country"):
            self.g.add(f, graph, iri, RDF + "type", _iri(cls))
        self.g.labels(f, graph, iri, f"Republic of {name}", f"République de {name}")
        self.countries.append(iri)

    def new_city(self) -> None:
        name = self.word()
        slug = name.lower()
        iri = _iri(f"{B}place/{slug}")
        graph = self.passage("places", f"{name}.")
        f = "places"
        for cls in (SCHEMA + "Place", SCHEMA + "City"):
            self.g.add(f, graph, iri, RDF + "type", _iri(cls))
        self.g.labels(f, graph, iri, name, name)
        self.g.add(f, graph, iri, SCHEMA + "containedInPlace", self.rng.choice(self.countries))
        self.cities.append((iri, slug, name))

    def new_venue(self, city: ox.NamedNode, city_slug: str, city_name: str) -> ox.NamedNode:
        venues = self.venues.setdefault(city_slug, [])
        iri = _iri(f"{B}place/{city_slug}-centre-{len(venues) + 1}")
        f = "places"
        self.g.add(f, self.editorial, iri, RDF + "type", _iri(SCHEMA + "Place"))
        self.g.labels(
            f,
            self.editorial,
            iri,
            f"{city_name} Conference Centre {len(venues) + 1}",
            f"Centre de conférences {len(venues) + 1} de {city_name}",
        )
        self.g.add(f, self.editorial, iri, SCHEMA + "containedInPlace", city)
        venues.append(iri)
        return iri

    def meeting(self) -> None:
        rng = self.rng
        index = len(self.meetings)
        city, city_slug, city_name = rng.choice(self.cities)
        start = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(40 * 365))
        end = start + dt.timedelta(days=rng.choice((0, 0, 1, 2)))
        iri = _iri(f"{B}meeting/{start.year}-{city_slug}-{letters(index)}")
        month_en = _MONTHS_EN.split()[start.month - 1]
        month_fr = _MONTHS_FR.split()[start.month - 1]
        day_fr = "1er" if start.day == 1 else str(start.day)
        quote = f"La réunion spéciale tenue à {city_name} le {day_fr} {month_fr} {start.year}."
        graph, source = self.passage_of("meeting", quote)
        f = "meetings"
        ordinal = index % 5 + 1
        self.g.add(f, graph, iri, RDF + "type", _iri(SCHEMA + "Event"))
        self.g.add(f, graph, iri, RDF + "type", _iri(CTCKG + "SpecialMeeting"))
        self.g.add(f, graph, iri, CTCKG + "ordinal", _typed(str(ordinal), "integer"))
        self.g.add(
            f,
            self.editorial,
            iri,
            RDFS + "label",
            _en(f"Special meeting in {city_name}, {month_en} {start.year}"),
        )
        self.g.add(
            f,
            graph,
            iri,
            RDFS + "label",
            _fr(f"Réunion spéciale de {city_name}, {month_fr} {start.year}"),
        )
        self.g.add(f, graph, iri, SCHEMA + "startDate", _typed(start.isoformat(), "date"))
        self.g.add(f, graph, iri, SCHEMA + "endDate", _typed(end.isoformat(), "date"))
        if ordinal > 1:
            self.g.add(
                f, graph, iri, CTCKG + "startMonth", _typed(start.strftime("%Y-%m"), "gYearMonth")
            )
        self.g.add(f, graph, iri, SCHEMA + "location", city)
        if rng.random() < 0.4:
            venues = self.venues.get(city_slug, [])
            venue = (
                rng.choice(venues)
                if venues and rng.random() < 0.5
                else self.new_venue(city, city_slug, city_name)
            )
            self.g.add(f, graph, iri, SCHEMA + "location", venue)
        self.g.add(f, graph, iri, SCHEMA + "organizer", self.hub_organization)
        pool = self.organizations[1:]
        # Organizers: mostly recent organizations, sometimes one within a parent, so the
        # two-hop join (meeting -> organizer -> parent) has answers.
        organizers = set(rng.sample(pool[-50:], k=min(len(pool[-50:]), rng.choice((1, 1, 2, 3)))))
        if self.suborganizations and rng.random() < 0.5:
            organizers.add(rng.choice(self.suborganizations[-50:]))
        for organizer in sorted(organizers, key=lambda n: n.value):
            self.g.add(f, graph, iri, SCHEMA + "organizer", organizer)
            if rng.random() < 0.2:
                self.g.add(f, graph, iri, CTCKG + "coOrganizer", organizer)
        self.g.add(f, graph, iri, CTCKG + "servesResolution", self.resolution)
        for theme in rng.sample(self.themes, k=min(len(self.themes), rng.choice((1, 2, 3)))):
            self.g.add(f, graph, iri, SCHEMA + "about", theme)
        self.g.add(f, graph, iri, DCTERMS + "source", source)
        if rng.random() < 0.5:
            count = rng.randrange(5, 120)
            self.g.add(
                f,
                graph,
                iri,
                CTCKG + "participatingOrganizationCount",
                _typed(str(count), "integer"),
            )
        if rng.random() < 0.3:
            self.g.add(f, graph, iri, CTCKG + "withOrganizationsOfScope", rng.choice(self.scopes))
        self.g.add(f, graph, self.series, SCHEMA + "subEvent", iri)
        if rng.random() < 0.15:
            self.agreements(iri, graph, start.year, city_slug, index)
        if rng.random() < 0.02 and len(self.passages) > 2:
            self.disagreement(iri, graph)
        self.meetings.append(iri)

    def agreements(
        self, meeting: ox.NamedNode, graph: ox.NamedNode, year: int, city_slug: str, index: int
    ) -> None:
        f = "agreements"
        for n in range(1, self.rng.choice((2, 3, 5))):
            word = self.word()
            iri = _iri(f"{B}agreement/{year}-{city_slug}-{letters(index)}-{n}")
            self.g.add(f, graph, iri, RDF + "type", _iri(CTCKG + "Agreement"))
            self.g.labels(f, graph, iri, f"Agreement {n}: {word}", f"Accord {n} : {word}")
            self.g.add(
                f, graph, iri, CTCKG + "agreementText", _fr(f"Renforcer la coopération {word}.")
            )
            self.g.add(
                f,
                self.editorial,
                iri,
                CTCKG + "agreementText",
                _en(f"Strengthen {word} cooperation."),
            )
            self.g.add(f, graph, iri, CTCKG + "reachedAt", meeting)
            self.g.add(f, graph, meeting, CTCKG + "agreement", iri)

    def disagreement(self, meeting: ox.NamedNode, graph: ox.NamedNode) -> None:
        other = self.passage("attendance", "Une cinquantaine d'organisations.")
        self.g.add("meetings", other, meeting, CTCKG + "reportedParticipation", _en("some fifty"))
        iri = _iri(f"{B}disagreement/attendance-{len(self.meetings)}")
        f, d = "disagreements", self.default
        self.g.add(f, d, iri, RDF + "type", _iri(CTCKG + "Disagreement"))
        self.g.labels(
            f, d, iri, "Attendance figures differ", "Les chiffres de participation diffèrent"
        )
        self.g.add(f, d, iri, RDFS + "comment", _en("Two sources count attendance differently."))
        self.g.add(f, d, iri, SCHEMA + "about", meeting)
        self.g.add(f, d, iri, CTCKG + "claim", graph)
        self.g.add(f, d, iri, CTCKG + "claim", other)

    def grow(self, target: int) -> None:
        self.fixed()
        rng = self.rng
        while True:
            # The pools grow more slowly than the meetings: a few hundred countries at
            # most, organizations and cities shared by many meetings.
            if not self.countries or (len(self.countries) < 250 and rng.random() < 0.03):
                self.new_country()
            if not self.cities or rng.random() < 0.08:
                self.new_city()
            if len(self.organizations) < 4 or rng.random() < 0.3:
                self.new_organization()
            if len(self.themes) < 80 and rng.random() < 0.01:
                word = self.word()
                self.theme(
                    f"{word.lower()}-cooperation", f"{word} cooperation", f"coopération {word}"
                )
            self.meeting()
            if self.g.count >= target:
                return


def generate(target: int, seed: int = 1) -> Synthetic:
    """At least `target` quads (overshooting by one meeting at most) of a graph shaped
    like ctc-kg's data, the same for the same (target, seed)."""
    generator = _Generator(seed)
    generator.grow(target)
    return Synthetic(files=generator.g.files, quads=generator.g.count)


def write_root(synthetic: Synthetic, root: Path, repository: Path) -> None:
    """Write `root/data/*.trig` and link `root/ontology`, `root/shapes` to the repository's,
    so `ctc-kg --root ROOT serve` serves the synthetic graph with the real ontology and
    shapes. Also writes `root/export/all.nq` (data, ontology and shapes, for other
    engines)."""
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name in ("ontology", "shapes"):
        link = root / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to((repository / name).resolve(), target_is_directory=True)
    for name in DATA_FILES:
        quads = synthetic.files[name]
        if quads:
            ox.serialize(quads, data / f"{name}.trig", ox.RdfFormat.TRIG, prefixes=PREFIXES)
    export = root / "export"
    export.mkdir(exist_ok=True)
    with (export / "all.nq").open("wb") as out:
        ox.serialize(synthetic.all_quads(), out, ox.RdfFormat.N_QUADS)
        ox.serialize(vocabulary_quads(repository), out, ox.RdfFormat.N_QUADS)


def vocabulary_quads(repository: Path) -> list[ox.Quad]:
    """The ontology and the shapes, each in its own named graph (B + "ontology",
    B + "shapes"), as ctc-kg's store holds them beside the data."""
    quads: list[ox.Quad] = []
    for folder, name in (("ontology", "ontology"), ("shapes", "shapes")):
        graph = ox.NamedNode(B + name)
        for path in sorted((repository / folder).glob("*.ttl")):
            for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                quads.append(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
    return quads
