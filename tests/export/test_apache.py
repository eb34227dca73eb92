"""The same site behind Apache httpd (Debian apache2, started on loopback) with the
generated `.htaccess` and type maps: mod_negotiation reads q-values and wildcards.

Apache's algorithm is not the server's in a few documented ways (docs/publishing.md);
those headers are left out of the comparison and their Apache answers asserted apart.
"""

from __future__ import annotations

import pytest

from tests.export.compare import assert_same_answer, both, without_format_in_links
from tests.export.conftest import fetch
from tests.export.tables import ACCEPT_HEADERS, BROWSER, LANGUAGE_HEADERS, QUERIES

pytestmark = pytest.mark.slow

PATHS = ("", "meeting/2003-new-york", ".well-known/void", "catalog", "ontology")
MEETING = "/meeting/2003-new-york"

# Where Apache knowingly answers otherwise than the server, and what it answers.
APACHE_DIFFERENCES: dict[str, int | str] = {
    # An empty or unusable header: the server serves its default, Apache nothing.
    "": 406,
    "garbage": 406,
    # mod_negotiation matches a `level` parameter against the variant's (which has none).
    "text/html;level=1": 406,
    # Aliases: the server takes application/xml and text/xml for RDF/XML and
    # application/xhtml+xml for HTML; a type map knows one type per variant.
    "application/xml": 406,
    "text/xml;q=0.5, text/html;q=0.4": "text/html",
    "application/rdf+xml;q=0.2, application/xml;q=0.9, text/turtle;q=0.5": "text/turtle",
    "application/xhtml+xml": 406,
    # An unreadable q-value: the server drops the entry, Apache reads it as 1.
    "text/turtle;q=abc, application/ld+json;q=0.3": "text/turtle",
    # No q-value anywhere: Apache counts */* as q=0.01 (the server: 1, so HTML wins the tie).
    "text/turtle, */*": "text/turtle",
    # q-values closer than the type maps' source-quality steps (0.001 per format) can swap.
    "application/trig;q=0.51, text/turtle;q=0.509": "text/turtle",
}


GRAPH_ONLY = (".well-known/void", "catalog")  # no HTML: a browser's application/xml counts
CASES = [
    pytest.param(path, accept, id=f"{path or '/'}-{accept!r}")
    for path in PATHS
    for accept in ACCEPT_HEADERS
    if accept not in APACHE_DIFFERENCES and not (accept == BROWSER and path in GRAPH_ONLY)
]


@pytest.mark.parametrize(("path", "accept"), CASES)
def test_accept_header_gets_the_servers_answer(site, apache, server, path, accept):
    headers = {} if accept is None else {"Accept": accept}
    static, live = both(site, apache.site, server, "/" + path, headers)
    assert_same_answer(static, live, f"/{path} Accept: {accept!r}", site.public, links=False)


@pytest.mark.parametrize("accept", sorted(APACHE_DIFFERENCES), ids=repr)
def test_documented_apache_answers(site, apache, server, accept):
    expected = APACHE_DIFFERENCES[accept]
    answer = fetch(apache.site, MEETING, {"Accept": accept})
    if isinstance(expected, int):
        assert answer.status == expected
    else:
        assert answer.status == 200
        assert answer.content_type.split(";")[0] == expected


def test_browser_header_on_a_description_without_html_gets_turtle(site, apache, server):
    """The browser's `application/xml;q=0.9` is RDF/XML to the server (an alias); Apache
    sees only `*/*;q=0.8`, so its first format, Turtle."""
    static, live = both(site, apache.site, server, "/catalog", {"Accept": BROWSER})
    assert live.content_type.startswith("application/rdf+xml")
    assert static.content_type.startswith("text/turtle")


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("path", PATHS)
def test_query_string_gets_the_servers_answer(site, apache, server, path, query):
    for accept in (None, "text/turtle", "text/html"):
        headers = {} if accept is None else {"Accept": accept}
        static, live = both(site, apache.site, server, f"/{path}?{query}", headers)
        what = f"/{path}?{query} Accept: {accept!r}"
        assert_same_answer(static, without_format_in_links(live), what, site.public, links=False)


@pytest.mark.parametrize("language", LANGUAGE_HEADERS)
@pytest.mark.parametrize("path", ["", "meeting/2003-new-york"])
def test_accept_language_gets_the_servers_page(site, apache, server, path, language):
    headers = {"Accept": "text/html", "Accept-Language": language}
    static, live = both(site, apache.site, server, "/" + path, headers)
    assert_same_answer(static, live, f"/{path} Accept-Language: {language}", site.public)


def test_negotiated_answers_vary_and_link_to_every_format(site, apache):
    answer = fetch(apache.site, MEETING, {"Accept": "text/turtle"})
    assert answer.status == 200
    assert "accept" in answer.headers["vary"].lower().split(",")
    assert (
        f'<{site.public}meeting/2003-new-york?format=jsonld>; rel="alternate"'
        in (answer.headers["link"])
    )


@pytest.mark.parametrize(
    "target",
    ["/no-such-thing", "/meeting/2003-new-york/", "/.deploy/nginx-http.conf", "/index.var"],
)
def test_unknown_paths_return_404(site, apache, target):
    assert fetch(apache.site, target, {"Accept": "text/html"}).status == 404


def test_dumps_and_context_are_served_with_their_types(site, apache):
    dump = fetch(apache.site, "/dump/ctc-kg.ttl")
    assert dump.status == 200
    assert dump.content_type == "text/turtle; charset=utf-8"
    assert dump.body == (site.folder / "dump" / "ctc-kg.ttl").read_bytes()
    packed = fetch(apache.site, "/dump/ctc-kg.ttl.gz")
    assert packed.content_type == "application/gzip"
    assert "content-encoding" not in packed.headers
    context = fetch(apache.site, "/context/v1.jsonld")
    assert context.content_type == "application/ld+json; charset=utf-8"
    assert "immutable" in context.headers["cache-control"]


def test_sparql_is_sent_to_the_configured_live_endpoint(apache):
    answer = fetch(apache.site, "/sparql?query=ASK%7B%7D")
    assert answer.status == 307
    assert answer.headers["location"] == "https://sparql.example.org/ctc-kg?query=ASK%7B%7D"
