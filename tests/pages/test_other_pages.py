"""The ontology and shapes documentation, the SPARQL editor page, the error page."""

from __future__ import annotations

import json

import pytest
from ctc_kg.web.html.diagram import Diagrams, ontology_dot, quote, render_svg
from ctc_kg.web.html.examples import load_examples, parse_example

from .conftest import BASE, parse_html, text_of


def test_ontology_page_documents_each_class_with_alignments(vocabulary_index, renderer, make_ctx):
    html = renderer.vocabulary(vocabulary_index, make_ctx(), "ontology", None)
    doc = parse_html(html)
    meeting = doc.find(".//article[@id='SpecialMeeting']")
    assert meeting is not None
    text = text_of(meeting)
    assert "Subclass of" in text
    assert "schema:Event" in text
    assert "Constrained by" in text
    labels = [dd.find("span").get("lang") for dd in meeting.findall(".//dl/div[1]/dd")]
    assert set(labels) >= {"en", "fr"}


def test_ontology_page_gives_domain_and_range_of_properties(vocabulary_index, renderer, make_ctx):
    doc = parse_html(renderer.vocabulary(vocabulary_index, make_ctx("fr"), "ontology", None))
    co = doc.find(".//article[@id='coOrganizer']")
    text = text_of(co)
    assert "Domaine" in text
    assert "Co-domaine" in text
    assert "Sous-propriété de" in text
    assert "schema:organizer" in text


def test_shapes_page_lists_targets_and_constraints(vocabulary_index, renderer, make_ctx):
    doc = parse_html(renderer.vocabulary(vocabulary_index, make_ctx(), "shapes", None))
    shapes = doc.findall(".//section[@id='shapes-list']/article")
    assert shapes
    with_targets = [s for s in shapes if "Applies to" in text_of(s)]
    assert with_targets
    assert any(s.find(".//table[@class='constraints']") is not None for s in shapes)


def test_diagram_is_inline_svg_linking_to_each_class(vocabulary_index, renderer, make_ctx):
    svg = Diagrams(vocabulary_index, BASE).svg("en")
    assert svg is not None
    assert svg.startswith("<svg")
    doc = parse_html(renderer.vocabulary(vocabulary_index, make_ctx(), "ontology", svg))
    figure = doc.find(".//figure[@class='diagram-wrap']")
    links = {
        a.get("{http://www.w3.org/1999/xlink}href") or a.get("href")
        for a in figure.iter("{http://www.w3.org/2000/svg}a")
    }
    assert "#SpecialMeeting" in links


def test_dot_quoting_keeps_quotes_and_backslashes_literal():
    assert quote('say "hi" \\ now') == '"say \\"hi\\" \\\\ now"'


def test_dot_of_a_hostile_label_still_draws(make_ctx):
    from ctc_kg.web.html.quads import parse_trig

    index = parse_trig(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<{BASE}ontology#X> a owl:Class ; rdfs:label "x\\" ] ; digraph {{ <b>"@en .\n'
    )
    svg = render_svg(ontology_dot(index, BASE, "en"))
    assert svg is not None
    parse_html(
        "<!DOCTYPE html><html lang=en><head><title>t</title></head><body>" + svg + "</body></html>"
    )


def test_sparql_page_configures_yasgui_for_this_server_only(renderer, make_ctx):
    example = parse_example("a", "# title: First\nSELECT * {}\n")
    doc = parse_html(renderer.sparql(make_ctx(), "/sparql", (example,), "http://localhost:8123/"))
    config = json.loads(doc.find(".//script[@id='yasgui-config']").text)
    assert config["endpoint"] == "/sparql"
    assert config["prefixes"]["ctckg"] == "http://localhost:8123/ontology#"
    assert config["examples"] == [{"title": "First", "text": example.text}]
    sources = [s.get("src") for s in doc.findall(".//script[@src]")]
    assert sources == ["/static/sparql.js"]  # which loads YASGUI when the form is used
    assert config["yasgui"] == {
        "script": "/static/yasgui.min.js",
        "style": "/static/yasgui.min.css",
    }
    assert all(not s.startswith(("http:", "https:", "//")) for s in sources)


def test_sparql_page_opens_with_a_plain_form_that_needs_no_script(renderer, make_ctx):
    doc = parse_html(renderer.sparql(make_ctx(), "/sparql"))
    form = doc.find(".//form[@id='query-form']")
    assert form is not None
    assert form.get("action") == "/sparql"
    assert form.get("method") == "get"
    textarea = form.find(".//textarea[@name='query']")
    assert textarea is not None
    assert "SELECT ?meeting" in (textarea.text or "")
    labels = {label.get("for") for label in form.iterfind(".//label")}
    assert {"query-text", "query-format"} <= labels
    assert form.find(".//select[@name='format']/option[@selected]").get("value") == "html"
    assert form.find(".//button[@type='submit']") is not None


def test_sparql_page_list_selects_the_example_tabs_in_order(renderer, make_ctx):
    examples = (
        parse_example("a", "# title: First\n# title@fr: Premier\nSELECT * {}\n"),
        parse_example("b", "# title: Second\n# title@fr: Second (fr)\nASK {}\n"),
    )
    doc = parse_html(renderer.sparql(make_ctx("fr"), "/sparql", examples))
    config = json.loads(doc.find(".//script[@id='yasgui-config']").text)
    links = doc.findall(".//ul[@class='examples']/li/a")
    tabs = [config["examples"][int(a.get("data-example-tab"))]["title"] for a in links]
    assert tabs == [text_of(a) for a in links] == ["Premier", "Second (fr)"]


@pytest.mark.parametrize("status", [404, 500])
def test_error_page_is_valid_html(renderer, make_ctx, status):
    doc = parse_html(renderer.error(make_ctx("fr"), status))
    assert text_of(doc.find(".//h1")) in {"Introuvable", "Une erreur s'est produite"}


def test_every_page_is_valid_html5(index, vocabulary_index, renderer, make_ctx):
    for lang in ("en", "fr"):
        ctx = make_ctx(lang)
        parse_html(renderer.landing(index, ctx))
        parse_html(renderer.sparql(ctx, "/sparql"))
        for iri in ("meeting/2003-new-york", "organization/icao", "dataset", "place/nairobi"):
            parse_html(renderer.resource(index, BASE + iri, ctx))
        parse_html(
            renderer.vocabulary(
                vocabulary_index, ctx, "ontology", Diagrams(vocabulary_index, BASE).svg(lang)
            )
        )
        parse_html(renderer.vocabulary(vocabulary_index, ctx, "shapes", None))


def test_examples_read_titles_per_language(tmp_path):
    (tmp_path / "b.rq").write_text(
        "# title: B\n# description: all of it\n# source: the French page\nASK {}\n"
    )
    (tmp_path / "a.rq").write_text("# Plain title\nSELECT * {}\n")
    a, b = load_examples(tmp_path)
    assert (a.slug, a.title("fr"), b.title("fr"), b.description("en")) == (
        "a",
        "Plain title",
        "B",
        "all of it",
    )
    assert (a.source, b.source, b.description("fr")) == ("", "the French page", "all of it")
    assert load_examples(tmp_path / "missing") == ()
