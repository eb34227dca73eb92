"""Every statement says only what its source passage's quote says (issue 14, "Evidence").

The rules (what must be found in the quote, how it is normalised, what is exempt and why)
are in tests/evidence.py. These tests run them over the repository's data, show that they
catch a statement that drifts from its evidence, and pin the few passages that carry no
quote, so that a new unquoted passage cannot slip in.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from ctc_kg.config import Settings
from ctc_kg.content.load import Content, content_files, load_content, union_graph
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from tests.evidence import (
    CTCKG,
    EXEMPT_PREDICATES,
    SCHEMA,
    dates_in,
    drifts,
    literal_is_in_quote,
    months_in,
    numbers_in,
    passage_quotes,
)

B = "https://w3id.org/ctc-kg/"
ROOT = Path(__file__).resolve().parents[1]
EDITORIAL = URIRef(B + "graph/editorial")

# Passages that hold statements but no quote, and why: reference-facts.md's tables (names,
# identifiers) and the GeoNames record are tables, not prose; SC/7158 is known only through
# reference-facts.md, which gives no sentence of it.
UNQUOTED = {
    B + "graph/reference-facts/names",
    B + "graph/reference-facts/identifiers",
    B + "graph/geonames-5128581/record",
    B + "graph/sc-7158/adoption",
}

# Kinds of resource added by issue 14: every passage that says anything about one of them
# must carry its quote.
NEW_KINDS = {
    URIRef(CTCKG + "Participation"),
    URIRef(SCHEMA + "Person"),
    URIRef(CTCKG + "Session"),
    URIRef(CTCKG + "OutcomeDocument"),
}


@pytest.fixture(scope="module")
def repository() -> Content:
    return load_content(content_files(Settings(root=ROOT)))


@pytest.fixture(scope="module")
def dataset(repository: Content) -> Dataset:
    return repository.data_dataset()


@pytest.fixture(scope="module")
def union(dataset: Dataset) -> Graph:
    return union_graph(dataset)


def test_every_quoted_passage_bears_out_each_of_its_statements(
    dataset: Dataset, union: Graph
) -> None:
    found = drifts(dataset, union)
    assert found == [], "\n".join(str(d) for d in found)


def test_the_only_passages_without_a_quote_are_the_known_tables(dataset: Dataset) -> None:
    quoted = {str(g) for g in passage_quotes(dataset)}
    holding = {
        str(g.identifier)
        for g in dataset.graphs()
        if len(g) and str(g.identifier).startswith(B + "graph/") and g.identifier != EDITORIAL
    }
    assert holding - quoted == UNQUOTED


def test_every_passage_about_people_participation_sessions_or_outcomes_is_quoted(
    dataset: Dataset, union: Graph
) -> None:
    quoted = set(passage_quotes(dataset))
    new = {s for kind in NEW_KINDS for s in union.subjects(RDF.type, kind)}
    assert new, "the data holds no participation, person, session or outcome"
    unquoted = {
        str(g.identifier)
        for g in dataset.graphs()
        if g.identifier not in quoted
        and g.identifier != EDITORIAL
        and any(s in new for s in g.subjects())
    }
    assert unquoted == set()


def test_every_exemption_is_used_by_some_quoted_passage(dataset: Dataset) -> None:
    """A stale exemption would exempt nothing today and hide a drift tomorrow."""
    used = {
        p
        for g in passage_quotes(dataset)
        for p in dataset.graph(g).predicates()
        if p in EXEMPT_PREDICATES
    }
    assert used == set(EXEMPT_PREDICATES)


def _one_passage(quote: str, statement: str, issued: str | None = None) -> Dataset:
    issued_line = f'; dcterms:issued "{issued}"^^xsd:date' if issued else ""
    data = f"""
        @prefix ctckg: <{CTCKG}> . @prefix schema: <{SCHEMA}> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{B}graph/doc/p> a ctckg:SourcePassage ; dcterms:source <{B}source/doc> ;
            ctckg:quote {quote} .
        <{B}source/doc> a schema:CreativeWork {issued_line} .
        <{B}organization/nato> rdfs:label "North Atlantic Treaty Organization"@en .
        <{B}graph/doc/p> {{ {statement} }}
    """
    dataset = Dataset()
    dataset.parse(data=data, format="trig")
    return dataset


@pytest.mark.parametrize(
    ("quote", "statement", "issued"),
    [
        pytest.param(
            '"will take place on 6 March at United Nations Headquarters"@en',
            f'<{B}meeting/m> schema:startDate "2003-03-07"^^xsd:date .',
            "2003-03-04",
            id="a-day-the-quote-does-not-give",
        ),
        pytest.param(
            '"will take place on 6 March"@en',
            f'<{B}meeting/m> schema:startDate "2003-03-06"^^xsd:date .',
            None,
            id="a-year-neither-the-quote-nor-its-document-gives",
        ),
        pytest.param(
            '"with the participation of 57 organizations"@en',
            f"<{B}meeting/m> ctckg:participatingOrganizationCount 75 .",
            None,
            id="a-count-the-quote-does-not-give",
        ),
        pytest.param(
            '"Mr Michel Danet, Secretary General (tbc)"@en',
            f'<{B}participation/p> ctckg:postHeld "Secretary-General of the WCO"@en .',
            None,
            id="a-post-in-other-words",
        ),
        pytest.param(
            '"Invited organizations include the League of Arab States"@en',
            f"<{B}meeting/m> ctckg:invitee <{B}organization/nato> .",
            None,
            id="an-organization-the-quote-does-not-name",
        ),
    ],
)
def test_a_statement_that_drifts_from_its_quote_fails(
    quote: str, statement: str, issued: str | None
) -> None:
    dataset = _one_passage(quote, statement, issued)
    assert len(drifts(dataset, union_graph(dataset))) == 1


def test_a_statement_its_quote_bears_out_passes() -> None:
    dataset = _one_passage(
        '"Invited organizations include the North Atlantic Treaty Organization (NATO)."@en',
        f'<{B}meeting/m> ctckg:invitee <{B}organization/nato> ; schema:name "NATO"@en .',
    )
    assert drifts(dataset, union_graph(dataset)) == []


@pytest.mark.parametrize(
    ("quote", "year", "expected"),
    [
        ("tenue le 6 mars 2003", None, {date(2003, 3, 6)}),
        ("on March 6, 2003", None, {date(2003, 3, 6)}),
        ("VIENNA, 11 March 2004 --", None, {date(2004, 3, 11)}),
        ("held from 29 to 31 October 2007", None, {date(2007, 10, 29), date(2007, 10, 31)}),
        ("on October 29-31 in Nairobi", 2007, {date(2007, 10, 29), date(2007, 10, 31)}),
        ("Nairobi, Kenya, 29-31 octobre 2007", None, {date(2007, 10, 29), date(2007, 10, 31)}),
        ("26 и 27 января 2005 года", None, {date(2005, 1, 26), date(2005, 1, 27)}),
        ("adopted on 2001-09-28", None, {date(2001, 9, 28)}),
        ("on 6 March", None, set()),
    ],
)
def test_dates_are_read_in_the_forms_the_sources_write(
    quote: str, year: int | None, expected: set[date]
) -> None:
    assert dates_in(quote, year) == expected


def test_months_and_numbers_are_read_in_words_and_digits() -> None:
    assert (2003, 10) in months_in("En octobre 2003, à Washington")
    assert {4, 57} <= numbers_in("Quatre réunions de suivi ; 57 organisations")
    assert 3 in numbers_in("Three subsequent follow-up meetings")
    assert 36 in numbers_in("36 international, regional and sub-regional organizations")


def test_names_match_across_case_accents_and_apostrophes() -> None:
    quote = "l\u2019Organisation des États américains (OEA)"
    assert (
        literal_is_in_quote(Literal("Organisation des Etats américains", lang="fr"), quote, None)
        is None
    )
    assert literal_is_in_quote(Literal("organisation des états", lang="fr"), quote, None) is None
    assert (
        literal_is_in_quote(Literal("Ligue des États arabes", lang="fr"), quote, None) is not None
    )


def test_a_literal_of_a_type_without_a_rule_fails() -> None:
    reason = literal_is_in_quote(Literal("true", datatype=XSD.boolean), "true", None)
    assert reason is not None
