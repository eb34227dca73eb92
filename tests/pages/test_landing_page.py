"""The landing page: meetings drawn from the data, who organized what, downloads."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from ctc_kg.web.html.examples import parse_example

from .conftest import parse_html, text_of

SVG = "{http://www.w3.org/2000/svg}"


def test_timeline_draws_each_meeting_in_date_order(index, renderer, make_ctx):
    doc = parse_html(renderer.landing(index, make_ctx()))
    svg = doc.find(f".//figure[@class='timeline']/{SVG}svg")
    events = svg.findall(f"{SVG}g[@class='event']")
    assert [text_of(e.find(f"{SVG}a/{SVG}text")) for e in events] == ["New York", "Nairobi"]
    assert [e.find(f"{SVG}a").get("href") for e in events] == [
        "/meeting/2003-new-york",
        "/meeting/2007-nairobi",
    ]
    ys = [int(e.find(f"{SVG}circle").get("cy")) for e in events]
    assert ys == sorted(ys)
    assert "29\u201331 October 2007" in text_of(events[1])
    assert "CTC, ICAO" in text_of(events[1])


def test_timeline_dates_are_in_the_page_language(index, renderer, make_ctx):
    doc = parse_html(renderer.landing(index, make_ctx("fr")))
    svg = doc.find(f".//figure[@class='timeline']/{SVG}svg")
    assert "6 mars 2003" in text_of(svg)
    assert "CCT, OACI" in text_of(svg)


def test_matrix_marks_organizers_and_co_organizers(index, renderer, make_ctx):
    doc = parse_html(renderer.landing(index, make_ctx()))
    rows = {
        text_of(tr.find("th")): [
            " ".join(c for c in td.get("class").split() if c != "role") for td in tr.findall("td")
        ]
        for tr in doc.findall(".//table[@class='matrix']/tbody/tr")
    }
    assert rows == {
        "Counter-Terrorism Committee": ["organizer", "organizer"],
        "<script>alert('x')</script> Aviation": ["", "co_organizer"],
    }


def test_downloads_show_size_and_checksum(index, renderer, make_ctx):
    doc = parse_html(renderer.landing(index, make_ctx()))
    (row,) = doc.findall(".//table[@class='downloads']/tbody/tr")
    assert row.find("th/a").get("href") == "/dump/ctc-kg.ttl"
    assert "1,234 bytes" in text_of(row)
    assert text_of(row.find(".//code[@class='checksum']")) == "ab12cd34"
    assert text_of(row.find("td/code")) == "text/turtle"


def test_counts_by_class_open_a_listing_query_in_the_editor(index, renderer, make_ctx):
    doc = parse_html(renderer.landing(index, make_ctx()))
    counts = {
        text_of(tr.find("th")): tr.find("td/a")
        for tr in doc.findall(".//table[@class='counts']/tbody/tr")
    }
    organizations = counts["organization schema:Organization"]
    assert text_of(organizations) == "5"
    href = urlsplit(organizations.get("href"))
    assert href.path == "/sparql"
    query = parse_qs(href.fragment)["query"][0]
    assert "<https://schema.org/Organization>" in query


def test_examples_open_in_the_editor_with_their_title(index, renderer, make_ctx):
    example = parse_example(
        "meetings",
        "# title: Meetings by date\n# title@fr: Réunions par date\n# Every meeting.\nSELECT * {}\n",
    )
    doc = parse_html(renderer.landing(index, make_ctx("fr"), (example,)))
    (link,) = doc.findall(".//ul[@class='examples']/li/a")
    assert text_of(link) == "Réunions par date"
    params = parse_qs(urlsplit(link.get("href")).fragment)
    assert params["query"] == [example.text]
    assert params["tabTitle"] == ["Réunions par date"]


def test_landing_without_downloads_says_how_to_build_them(renderer, make_ctx):
    from ctc_kg.web.html.quads import QuadIndex

    doc = parse_html(renderer.landing(QuadIndex([]), make_ctx()))
    assert "ctc-kg build" in text_of(doc.find(".//section[@aria-labelledby='h-downloads']"))
