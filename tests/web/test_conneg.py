"""Accept parsing and format choice, as a table (the cases that broke other servers)."""

from __future__ import annotations

import pytest
from ctc_kg import formats
from ctc_kg.errors import NotAcceptableError
from ctc_kg.web import conneg

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
SW_JSON = "application/sparql-results+json,application/json,text/javascript,application/javascript"
SW_TURTLE = "application/turtle,text/turtle"
SW_N3 = "application/turtle,text/turtle,text/rdf+n3,application/n-triples,application/n3,text/n3"
SW_RDFXML = "application/rdf+xml"
SW_JSONLD = "application/ld+json,application/x-json+ld"

R = conneg.RESOURCE_FORMATS
Q = formats.RESULTS_FORMATS
G = formats.GRAPH_FORMATS

CASES = [
    # id, Accept, offered, override, expected format name (None: 406)
    ("absent-resource", None, R, None, "html"),
    ("absent-results", None, Q, None, "json"),
    ("absent-graph", None, G, None, "ttl"),
    ("empty-header", "", R, None, "html"),
    ("curl-star", "*/*", R, None, "html"),
    ("curl-star-graph", "*/*", G, None, "ttl"),
    ("firefox", FIREFOX, R, None, "html"),
    ("chrome", CHROME, R, None, "html"),
    ("chrome-on-results", CHROME, Q, None, "xml"),
    ("turtle", "text/turtle", R, None, "ttl"),
    ("turtle-with-charset", "text/turtle;charset=utf-8", R, None, "ttl"),
    (
        "jsonld-profile-param",
        'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"',
        R,
        None,
        "jsonld",
    ),
    ("list-prefers-higher-q", "text/turtle;q=0.5, application/rdf+xml", R, None, "rdf"),
    ("list-equal-q-server-order", "application/n-triples, text/turtle", R, None, "ttl"),
    ("text-star", "text/*", G, None, "ttl"),
    ("text-star-resource", "text/*", R, None, "html"),
    ("application-star", "application/*", R, None, "jsonld"),
    ("q0-excludes", "text/html;q=0, */*", R, None, "ttl"),
    (
        "q0-specific-beats-range",
        "text/*;q=0.9, text/turtle;q=0, application/n-triples;q=0.1",
        G,
        None,
        "nt",
    ),
    ("only-q0", "text/turtle;q=0", G, None, None),
    ("unknown-type", "image/png", R, None, None),
    ("unknown-and-known", "image/png, text/turtle;q=0.1", R, None, "ttl"),
    (
        "malformed-entries-ignored",
        "garbage, text/turtle;q=abc, ;;, application/n-triples",
        R,
        None,
        "nt",
    ),
    ("all-malformed-is-absent", "garbage", R, None, "html"),
    ("q-out-of-range-ignored", "text/turtle;q=2, application/rdf+xml;q=0.3", R, None, "rdf"),
    ("uppercase-type", "TEXT/TURTLE", R, None, "ttl"),
    ("sparqlwrapper-json", SW_JSON, Q, None, "json"),
    ("sparqlwrapper-xml", "application/sparql-results+xml", Q, None, "xml"),
    ("sparqlwrapper-csv", "text/csv", Q, None, "csv"),
    ("sparqlwrapper-tsv", "text/tab-separated-values", Q, None, "tsv"),
    ("sparqlwrapper-turtle", SW_TURTLE, G, None, "ttl"),
    ("sparqlwrapper-n3", SW_N3, G, None, "ttl"),
    ("sparqlwrapper-rdfxml", SW_RDFXML, G, None, "rdf"),
    ("sparqlwrapper-jsonld", SW_JSONLD, G, None, "jsonld"),
    ("plain-json-for-results", "application/json", Q, None, "json"),
    ("xml-for-graphs", "application/xml", G, None, "rdf"),
    ("override-name", "text/html", R, "ttl", "ttl"),
    ("override-media-type", "text/html", R, "application/n-quads", "nq"),
    ("override-unknown", None, R, "pdf", None),
    ("override-sparqlwrapper-turtle", None, G, "turtle", "ttl"),
    ("override-sparqlwrapper-xml-graph", None, G, "xml", "rdf"),
    ("override-sparqlwrapper-xml-results", None, Q, "xml", "xml"),
    ("override-sparqlwrapper-json-ld", None, G, "json-ld", "jsonld"),
    ("override-wrong-kind", None, G, "csv", None),
]


@pytest.mark.parametrize(
    ("accept", "offered", "override", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_choose_picks_the_format_the_client_prefers(accept, offered, override, expected):
    chosen = conneg.choose(accept, offered, override=override)
    assert (chosen.name if chosen else None) == expected


def test_negotiate_raises_406_listing_available_types():
    with pytest.raises(NotAcceptableError) as caught:
        conneg.negotiate("image/png", formats.GRAPH_FORMATS)
    assert "text/turtle" in caught.value.available
    assert "text/turtle" in str(caught.value)


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        (formats.TURTLE, "text/turtle; charset=utf-8"),
        (formats.RESULTS_JSON, "application/sparql-results+json; charset=utf-8"),
        (formats.RESULTS_CSV, "text/csv; charset=utf-8"),
        (formats.NTRIPLES, "application/n-triples; charset=utf-8"),
    ],
)
def test_text_types_carry_a_charset(fmt, content_type):
    assert fmt.content_type == content_type


def test_every_choice_is_the_same_when_asked_again():
    # The second round is answered from the remembered choices.
    for _ in range(2):
        for case, accept, offered, override, expected in CASES:
            fmt = conneg.choose(accept, offered, override=override)
            assert (fmt.name if fmt else None) == expected, case


def test_a_remembered_choice_belongs_to_its_offer_and_its_override():
    for _ in range(2):
        assert conneg.choose("application/rdf+xml", G) is formats.RDFXML
        assert conneg.choose("application/rdf+xml", Q) is None
        assert conneg.choose("application/rdf+xml", G, override="nt") is formats.NTRIPLES


def test_a_list_of_formats_that_changes_is_negotiated_afresh():
    offered = [formats.TURTLE]
    assert conneg.choose("application/n-triples", offered) is None
    offered.append(formats.NTRIPLES)
    assert conneg.choose("application/n-triples", offered) is formats.NTRIPLES


# -- profiles (Accept-Profile, _profile) -------------------------------------------------

BASES = ("https://w3id.org/ctc-kg/", "http://localhost:8080/kg/")
FULL, PLAIN, SCHEMA = (f"https://w3id.org/ctc-kg/profile/{t}" for t in ("full", "plain", "schema"))

PROFILE_CASES = [
    # id, Accept-Profile, _profile, expected token (None: 406)
    ("absent", None, None, "full"),
    ("empty", "", None, "full"),
    ("one-iri", f"<{SCHEMA}>", None, "schema"),
    ("q-values", f"<{FULL}>;q=0.5, <{SCHEMA}>;q=0.9, <{PLAIN}>;q=0.7", None, "schema"),
    ("q-with-spaces", f"<{PLAIN}> ; q=1.0 , <{SCHEMA}> ; q=0.2", None, "plain"),
    ("unknown-then-known", f"<urn:x:other>, <{PLAIN}>;q=0.3", None, "plain"),
    ("token", "schema", None, "schema"),
    ("public-base-iri", "<http://localhost:8080/kg/profile/plain>", None, "plain"),
    ("star-is-the-default", "*", None, "full"),
    ("star-below-a-named-one", f"*;q=0.1, <{PLAIN}>;q=0.2", None, "plain"),
    ("excluded-default", f"<{FULL}>;q=0, *;q=0.5", None, "plain"),
    ("unknown-only", "<urn:x:other>", None, None),
    ("star-zero", "*;q=0", None, None),
    ("malformed-q-dropped", f"<{SCHEMA}>;q=high, <{PLAIN}>", None, "plain"),
    ("iri-with-comma", "<urn:x:a,b>;q=1, schema;q=0.5", None, "schema"),
    ("parameter-token", "<urn:x:other>", "plain", "plain"),
    ("parameter-iri", None, f"<{SCHEMA}>", "schema"),
    ("parameter-bare-iri", None, SCHEMA, "schema"),
    ("parameter-unknown", None, "nope", None),
]


@pytest.mark.parametrize(
    ("header", "override", "expected"),
    [case[1:] for case in PROFILE_CASES],
    ids=[case[0] for case in PROFILE_CASES],
)
def test_profile_choice(header, override, expected):
    if expected is None:
        with pytest.raises(NotAcceptableError) as raised:
            conneg.negotiate_profile(header, override, BASES)
        assert f"<{BASES[-1]}profile/schema>" in raised.value.available
    else:
        assert conneg.negotiate_profile(header, override, BASES).token == expected


def test_each_profile_offers_formats_of_the_format_table():
    assert conneg.PROFILE_FORMATS["full"] == conneg.RESOURCE_FORMATS
    for token in ("plain", "schema"):
        assert not any(f.datasets or f is formats.HTML for f in conneg.PROFILE_FORMATS[token])
