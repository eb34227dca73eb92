"""The resource page: escaping, labels in the right language, nesting, sources, links."""

from __future__ import annotations

import json

import pyoxigraph as ox
from ctc_kg.web.html.quads import QuadIndex, quad_from_oxigraph
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SDO, XSD

from .conftest import BASE, parse_html, text_of

MEETING = BASE + "meeting/2003-new-york"
ICAO = BASE + "organization/icao"


def test_script_in_a_label_renders_as_text(index, renderer, make_ctx):
    html = renderer.resource(index, ICAO, make_ctx())
    doc = parse_html(html)
    scripts = doc.findall(".//script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    assert text_of(doc.find(".//h1")) == "<script>alert('x')</script> Aviation"
    assert "<script>alert" not in html


def test_title_is_the_label_in_the_page_language(index, renderer, make_ctx):
    fr = parse_html(renderer.resource(index, BASE + "organization/ctc", make_ctx("fr")))
    en = parse_html(renderer.resource(index, BASE + "organization/ctc", make_ctx("en")))
    assert text_of(fr.find(".//h1")) == "Comité contre le terrorisme"
    assert text_of(en.find(".//h1")) == "Counter-Terrorism Committee"
    assert fr.get("lang") == "fr"
    assert en.get("lang") == "en"


def test_label_falls_back_to_french_then_untagged_then_local_name(index, renderer, make_ctx):
    def title(slug: str) -> str:
        html = renderer.resource(index, BASE + "organization/" + slug, make_ctx("en"))
        return text_of(parse_html(html).find(".//h1"))

    assert title("only-fr") == "Seulement en français"
    assert title("untagged") == "No language"
    assert title("unlabelled") == "unlabelled"


def test_reused_vocabulary_terms_get_labels_in_the_page_language(index, renderer, make_ctx):
    doc = parse_html(renderer.resource(index, MEETING, make_ctx("fr")))
    predicates = [
        text_of(dt) for dt in doc.findall(".//section[@aria-labelledby='h-description']//dt")
    ]
    assert any(p.startswith("date de début") for p in predicates)
    assert any(p.startswith("organisations participantes") for p in predicates)


def test_blank_nodes_are_nested_in_the_statement_that_reaches_them(index, renderer, make_ctx):
    doc = parse_html(renderer.resource(index, MEETING, make_ctx()))
    nested = doc.findall(
        ".//section[@aria-labelledby='h-description']//dl[@class='statements nested']"
    )
    assert len(nested) == 1
    assert "a nested topic" in text_of(nested[0])
    assert "1" in [text_of(li.find("span")) for li in nested[0].findall(".//dd/ul/li")]


def test_each_statement_cites_every_graph_that_holds_it(index, renderer, make_ctx):
    doc = parse_html(renderer.resource(index, MEETING, make_ctx()))
    sources = {
        text_of(li.find("a")): li for li in doc.findall(".//section[@class='sources']/ol/li")
    }
    assert set(sources) == {"The page, first meeting", "The press note, first meeting"}
    page = sources["The page, first meeting"]
    assert "http://www.un.org/fr/sc/ctc/cooperation.html" in text_of(page)
    assert page.find("blockquote").get("lang") == "fr"
    assert "6 mars 2003" in text_of(page.find("blockquote"))
    for statement in doc.findall(
        ".//section[@aria-labelledby='h-description']//div[@class='statement']"
    ):
        if text_of(statement.find("dt")).startswith("start date"):
            cites = [a.get("href") for a in statement.findall("dd/ul/li/sup/a")]
            assert sorted(cites) == ["#source-1", "#source-2"]
            break
    else:
        raise AssertionError("no start date row")


def test_disagreement_shows_what_each_source_claims(index, renderer, make_ctx):
    doc = parse_html(renderer.resource(index, MEETING, make_ctx()))
    section = doc.find(".//section[@class='disagreements']")
    assert section is not None
    claims = section.findall(".//ul[@class='claims']/li")
    texts = [text_of(c) for c in claims]
    assert "57" in texts[0]
    assert "participating organizations" in texts[0]
    assert "over 50" in texts[1]
    assert "start date" not in " ".join(texts)


def test_referenced_by_lists_incoming_links(index, renderer, make_ctx):
    doc = parse_html(renderer.resource(index, BASE + "place/new-york", make_ctx()))
    incoming = doc.find(".//dl[@class='statements incoming']")
    assert [a.get("href") for a in incoming.findall(".//dd/a")] == ["/meeting/2003-new-york"]


def test_links_to_our_resources_stay_on_this_server(index, renderer, make_ctx):
    public = "http://localhost:8123/"

    def link(iri: str) -> str:
        return public + iri[len(BASE) :] if iri.startswith(BASE) else iri

    ctx = make_ctx(link=link, public_iri=link)
    doc = parse_html(renderer.resource(index, MEETING, ctx))
    hrefs = [a.get("href") for a in doc.iter("a")]
    assert public + "place/new-york" in hrefs
    assert not [h for h in hrefs if h.startswith(BASE)]
    assert doc.find(".//link[@rel='canonical']").get("href") == public + "meeting/2003-new-york"


def test_alternate_links_name_every_format(index, renderer, make_ctx):
    doc = parse_html(renderer.resource(index, MEETING, make_ctx()))
    alternates = {
        link.get("type"): link.get("href")
        for link in doc.findall(".//head/link[@rel='alternate']")
        if link.get("type")
    }
    assert alternates == {"text/turtle": "?format=ttl", "application/ld+json": "?format=jsonld"}
    visible = [a.get("href") for a in doc.findall(".//ul[@class='formats']//a")]
    assert visible == ["?format=ttl", "?format=jsonld"]


def test_embedded_json_ld_is_the_schema_org_description(index, renderer, make_ctx):
    public = "http://localhost:8123/"

    def rewrite(iri: str) -> str:
        return public + iri[len(BASE) :] if iri.startswith(BASE) else iri

    doc = parse_html(renderer.resource(index, MEETING, make_ctx(public_iri=rewrite)))
    (script,) = doc.findall(".//script[@type='application/ld+json']")
    data = json.loads(script.text)
    graph = Graph().parse(data=json.dumps(data), format="json-ld")
    meeting = URIRef(public + "meeting/2003-new-york")
    assert (meeting, SDO.startDate, Literal("2003-03-06", datatype=XSD.date)) in graph
    assert (meeting, SDO.location, URIRef(public + "place/new-york")) in graph
    assert (URIRef(public + "place/new-york"), SDO.name, Literal("New York", lang="en")) in graph
    assert not [
        t
        for t in graph
        if not str(t[1]).startswith(str(SDO))
        and str(t[1]) != str(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"))
    ]


def test_json_ld_survives_a_label_that_closes_the_script(index, renderer, make_ctx):
    html = renderer.resource(index, ICAO, make_ctx())
    doc = parse_html(html)
    (script,) = doc.findall(".//script[@type='application/ld+json']")
    graph = Graph().parse(data=script.text, format="json-ld")
    expected = Graph()
    expected.add(
        (URIRef(ICAO), SDO.name, Literal("<script>alert('x')</script> Aviation", lang="en"))
    )
    expected.add(
        (URIRef(ICAO), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), SDO.Organization)
    )
    assert isomorphic(graph, expected)


def test_language_switch_links_to_both_languages(index, renderer, make_ctx):
    doc = parse_html(renderer.resource(index, MEETING, make_ctx("fr")))
    switch = doc.find(".//nav[@class='lang-switch']")
    links = {a.get("hreflang"): a for a in switch.findall(".//a")}
    assert set(links) == {"en", "fr"}
    assert links["fr"].get("aria-current") == "true"
    assert links["en"].get("href") == "?lang=en"


def test_page_has_a_skip_link_to_the_main_content(index, renderer, make_ctx):
    doc = parse_html(renderer.resource(index, MEETING, make_ctx()))
    skip = doc.find(".//body/a")
    assert skip.get("href") == "#content"
    assert doc.find(".//main").get("id") == "content"


TWO_DISAGREEMENTS = """
@prefix ctckg: <https://w3id.org/ctc-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
<https://w3id.org/ctc-kg/disagreement/b-opening> a ctckg:Disagreement ;
    rdfs:label "B opening"@en ; schema:about <https://w3id.org/ctc-kg/meeting/2003-new-york> ;
    ctckg:claim <https://w3id.org/ctc-kg/graph/x/one>, <https://w3id.org/ctc-kg/graph/y/two> .
<https://w3id.org/ctc-kg/disagreement/a-attendance> a ctckg:Disagreement ;
    rdfs:label "A attendance"@en ; schema:about <https://w3id.org/ctc-kg/meeting/2003-new-york> ;
    ctckg:claim <https://w3id.org/ctc-kg/graph/x/one>, <https://w3id.org/ctc-kg/graph/y/two> .
"""


def test_disagreements_about_one_resource_come_in_iri_order_whatever_the_store_order(
    renderer, make_ctx
):
    """Regression: with two disagreements about the first meeting, the page from the store
    and the page from the whole graph listed them in different orders."""
    parsed = ox.parse(TWO_DISAGREEMENTS.encode(), format=ox.RdfFormat.TRIG)
    quads = [quad_from_oxigraph(q) for q in parsed]
    forward = renderer.resource(QuadIndex(quads), MEETING, make_ctx())
    backward = renderer.resource(QuadIndex(reversed(quads)), MEETING, make_ctx())
    assert forward == backward
    headings = [
        text_of(h) for h in parse_html(forward).findall(".//section[@class='disagreements']//h3")
    ]
    assert headings == ["A attendance", "B opening"]
