"""The response cache in front of the app: a repeated GET is answered from memory with
the same bytes, and never with another request's variant (Vary, forwarded headers), nor
after the store's data version changed."""

from __future__ import annotations

import json

import pytest
import rdflib
from ctc_kg.store.base import Description, Health, QueryRequest, QueryResponse, Store
from ctc_kg.store.version import DataVersion
from ctc_kg.web.app import create_app
from ctc_kg.web.response_cache import ResponseCache
from ctc_kg.web.site import Site
from flask import Flask

from tests.web.conftest import BASE, World, embedded_only, web_settings

MEETING = "/meeting/2003-new-york"


def cache_of(app: Flask) -> ResponseCache:
    wrapped = app.wsgi_app
    while not isinstance(wrapped, ResponseCache):  # the layers around it (web.compression)
        wrapped = wrapped.app
    return wrapped


@pytest.fixture
def fresh_app(world: World) -> Flask:
    """An app of its own, so the hit counts start at zero."""
    return create_app(web_settings(), world.store, dist=world.dist)


@embedded_only
def test_a_repeated_get_is_answered_from_the_cache_with_the_same_answer(fresh_app):
    client = fresh_app.test_client()
    first = client.get(MEETING, headers={"Accept": "text/turtle"})
    assert first.status_code == 200
    assert cache_of(fresh_app).hits == 0
    second = client.get(MEETING, headers={"Accept": "text/turtle"})
    assert cache_of(fresh_app).hits == 1
    assert second.status_code == 200
    assert second.data == first.data
    assert list(second.headers.items()) == list(first.headers.items())
    graph = rdflib.Graph().parse(data=second.data, format="turtle")
    assert (rdflib.URIRef(BASE + MEETING[1:]), None, None) in graph


@embedded_only
def test_each_accepted_format_gets_its_own_representation(fresh_app):
    client = fresh_app.test_client()
    for _ in range(2):
        turtle = client.get(MEETING, headers={"Accept": "text/turtle"})
        jsonld = client.get(MEETING, headers={"Accept": "application/ld+json"})
        html = client.get(MEETING, headers={"Accept": "text/html"})
        default = client.get(MEETING)
        assert turtle.mimetype == "text/turtle"
        assert jsonld.mimetype == "application/ld+json"
        json.loads(jsonld.data)
        assert html.mimetype == "text/html"
        assert default.status_code == 200
        assert default.data == html.data  # no Accept: the page, the same stored answer
    assert cache_of(fresh_app).hits == 5


@embedded_only
def test_ways_of_asking_for_one_representation_share_one_stored_answer(world: World):
    """Regression: a description was made again for each spelling of Accept and
    Accept-Language (and kept twice: the response cache, and Site.cached behind it)."""
    store = Reloadable(world.store)
    app = create_app(web_settings(), store, dist=world.dist)
    client = app.test_client()
    # A route that negotiates other formats (query results: `*/*` chooses JSON there) does
    # not split the resources' answers by what the header would choose on that route.
    ask = "/sparql?query=" + "ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"
    assert client.get(ask, headers={"Accept": "*/*"}).status_code == 200
    spellings = [
        "text/turtle",
        "text/turtle;q=1.0, */*;q=0.1",
        "application/x-turtle",
        "text/turtle, application/x-unknown;q=0.5",
    ]
    answers = {client.get(MEETING, headers={"Accept": accept}).data for accept in spellings}
    assert len(answers) == 1
    graph = rdflib.Graph().parse(data=next(iter(answers)), format="turtle")
    assert (rdflib.URIRef(BASE + MEETING[1:]), None, None) in graph
    pages = {
        client.get(MEETING, headers={"Accept": "text/html", "Accept-Language": language}).data
        for language in ("fr", "fr-FR,fr;q=0.9,en;q=0.8", "fr-CA, de;q=0.5")
    }
    assert len(pages) == 1
    assert b'lang="fr"' in next(iter(pages))
    assert store.described == 2  # once as Turtle, once for the French page
    assert cache_of(app).hits == 5  # and every other spelling answered before Flask
    jsonld = client.get(MEETING, headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json"  # another format is not shared
    assert store.described == 3


@embedded_only
def test_pages_in_each_language_are_kept_apart(fresh_app):
    client = fresh_app.test_client()
    answers = {}
    for _ in range(2):
        for language in ("en", "fr"):
            page = client.get(MEETING, headers={"Accept": "text/html", "Accept-Language": language})
            assert page.status_code == 200
            answers.setdefault(language, set()).add(page.data)
    assert len(answers["en"]) == len(answers["fr"]) == 1
    assert answers["en"] != answers["fr"]
    assert b'lang="fr"' in next(iter(answers["fr"]))


@embedded_only
def test_conditional_requests_reach_the_app_and_get_304(fresh_app):
    client = fresh_app.test_client()
    first = client.get(MEETING, headers={"Accept": "text/turtle"})
    etag = first.headers["ETag"]
    again = client.get(MEETING, headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


@embedded_only
def test_errors_and_posts_are_never_stored(fresh_app):
    client = fresh_app.test_client()
    for _ in range(2):
        assert client.get("/meeting/no-such-meeting").status_code == 404
        answer = client.post(
            "/sparql",
            data={"query": "ASK { ?s ?p ?o }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert answer.status_code == 200
    assert cache_of(fresh_app).hits == 0


@embedded_only
def test_forwarded_headers_are_part_of_the_key(world: World):
    app = create_app(web_settings(trust_forwarded_headers=True), world.store, dist=world.dist)
    client = app.test_client()
    hosts = ("one.example.org", "two.example.org")
    for _ in range(2):
        for host in hosts:
            answer = client.get(
                MEETING,
                headers={
                    "Accept": "application/n-triples",
                    "X-Forwarded-Proto": "https",
                    "X-Forwarded-Host": host,
                },
            )
            assert answer.status_code == 200
            other = hosts[1] if host == hosts[0] else hosts[0]
            assert f"https://{host}/meeting/2003-new-york".encode() in answer.data
            assert other.encode() not in answer.data
    assert cache_of(app).hits == 2


@embedded_only
def test_the_cache_stays_within_its_byte_budget(world: World):
    budget = 8_000
    app = create_app(web_settings(response_cache_bytes=budget), world.store, dist=world.dist)
    client = app.test_client()
    paths = [MEETING, "/organization/icao", "/place/new-york", "/", "/resolution/1373"]
    for path in paths * 2:
        client.get(path, headers={"Accept": "text/turtle"})
    cache = cache_of(app)
    assert 0 < cache.stored_bytes <= budget


@embedded_only
def test_a_zero_budget_turns_the_cache_off(world: World):
    app = create_app(web_settings(response_cache_bytes=0), world.store, dist=world.dist)
    client = app.test_client()
    for _ in range(3):
        assert client.get(MEETING, headers={"Accept": "text/turtle"}).status_code == 200
    assert cache_of(app).hits == 0


@pytest.mark.parametrize("world", ["virtuoso"], indirect=True)
@pytest.mark.virtuoso
def test_answers_from_a_remote_store_are_kept_while_its_data_version_holds(world: World):
    app = create_app(web_settings(), world.store, dist=world.dist)
    client = app.test_client()
    for _ in range(3):
        assert client.get(MEETING, headers={"Accept": "text/turtle"}).status_code == 200
    assert cache_of(app).hits == 2


class Reloadable(Store):
    """The world's store, with a data version the test changes (as `ctc-kg load` changes a
    remote store's), counting the descriptions it is asked for."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.current = DataVersion("first")
        self.described = 0

    def version(self) -> DataVersion:
        return self.current

    def query(self, request: QueryRequest) -> QueryResponse:
        return self.inner.query(request)

    def describe(self, iri: str, media_type: str) -> Description | None:
        self.described += 1
        return self.inner.describe(iri, media_type)

    def health(self) -> Health:
        return self.inner.health()

    def close(self) -> None:
        """The world's store is closed by its fixture."""


@embedded_only  # the version is the test's, whatever store answers
def test_a_new_data_version_is_never_answered_from_the_caches(world: World):
    """Regression: descriptions stayed cached (response cache, Site.cached) and their ETag
    came from the build after the store's data changed."""
    store = Reloadable(world.store)
    app = create_app(web_settings(), store, dist=world.dist)
    client = app.test_client()
    turtle = {"Accept": "text/turtle"}
    first = client.get(MEETING, headers=turtle)
    assert client.get(MEETING, headers=turtle).data == first.data
    assert (cache_of(app).hits, store.described) == (1, 1)
    store.current = DataVersion("second")
    again = client.get(MEETING, headers=turtle)
    assert (cache_of(app).hits, store.described) == (1, 2)  # asked of the store again
    assert again.headers["ETag"] != first.headers["ETag"]
    old = {**turtle, "If-None-Match": first.headers["ETag"]}
    assert client.get(MEETING, headers=old).status_code == 200
    query = "/sparql?query=" + "ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"
    asked = client.get(query, headers={"Accept": "application/sparql-results+json"})
    store.current = DataVersion("third")
    conditional = {
        "Accept": "application/sparql-results+json",
        "If-None-Match": asked.headers["ETag"],
    }
    assert client.get(query, headers=conditional).status_code == 200


@embedded_only  # the version is the test's, whatever store answers
def test_values_made_from_the_data_never_outlive_its_version(world: World):
    """Regression: Site.cached kept the landing page's and the vocabulary's indexes of
    every data version a remote store had been reloaded to, until the LRU pushed them
    out (their keys named the version, so they were never served, only kept)."""
    store = Reloadable(world.store)
    app = create_app(web_settings(), store, dist=world.dist)
    client = app.test_client()
    state: Site = app.extensions["ctc_kg"]
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
    with app.test_request_context("/"):
        first = state.data_version().tag
    made_from_data = [key for key in state._cache if first in key]
    assert made_from_data  # the landing page's index
    store.current = DataVersion("second")
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert not [key for key in state._cache if first in key]
    with app.test_request_context("/"):
        assert [key for key in state._cache if state.data_version().tag in key]


@embedded_only
def test_a_browser_sending_its_domains_cookies_is_answered_from_the_cache(world: World):
    """The description cache behind the response cache is gone: a request the response
    cache passed by (it passed every request with a Cookie) made its description again."""
    store = Reloadable(world.store)
    app = create_app(web_settings(), store, dist=world.dist)
    client = app.test_client(use_cookies=False)  # else its own (empty) jar replaces Cookie
    browser = {"Accept": "text/html", "Cookie": "_ga=GA1.2.3; consent=yes"}
    first = client.get(MEETING, headers=browser)
    second = client.get(MEETING, headers={**browser, "Cookie": "_ga=GA1.2.4"})
    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    assert "Set-Cookie" not in first.headers
    assert store.described == 1
    assert cache_of(app).hits == 1


@embedded_only
def test_a_head_is_answered_with_the_headers_of_the_stored_get(world: World):
    """Link checkers send HEAD: with no description cache behind the response cache, each
    HEAD made the description again."""
    store = Reloadable(world.store)
    app = create_app(web_settings(), store, dist=world.dist)
    client = app.test_client()
    turtle = {"Accept": "text/turtle"}
    head = client.head(MEETING, headers=turtle)
    again = client.head(MEETING, headers=turtle)
    get = client.get(MEETING, headers=turtle)
    assert head.status_code == again.status_code == get.status_code == 200
    assert head.data == again.data == b""
    assert list(head.headers.items()) == list(get.headers.items())
    assert int(head.headers["Content-Length"]) == len(get.data)
    graph = rdflib.Graph().parse(data=get.data, format="turtle")
    assert (rdflib.URIRef(BASE + MEETING[1:]), None, None) in graph
    assert store.described == 1


@embedded_only
def test_tracking_parameters_share_one_stored_answer(world: World):
    """Regression (issue 15): the response cache keyed on the whole query string, so each
    `?utm_source=N` made the page again and a second cache (Site.representations) kept
    the RDF bodies. An answer now says which parameters it reads; the others share it."""
    store = Reloadable(world.store)
    app = create_app(web_settings(), store, dist=world.dist)
    client = app.test_client()
    for accept, count in (("text/turtle", 1), ("text/html", 2)):
        answers = [
            client.get(f"{MEETING}?utm_source={n}&utm_medium=x", headers={"Accept": accept})
            for n in range(3)
        ]
        assert {answer.status_code for answer in answers} == {200}
        assert len({answer.data for answer in answers}) == 1
        assert store.described == count  # described once for all three
    assert cache_of(app).hits == 4
    turtle = client.get(f"{MEETING}?utm_source=9", headers={"Accept": "text/turtle"}).data
    parsed = rdflib.Graph().parse(data=turtle, format="turtle")
    assert (rdflib.URIRef(BASE + MEETING[1:]), None, None) in parsed
    store.current = DataVersion("second")
    client.get(f"{MEETING}?utm_source=3", headers={"Accept": "text/turtle"})
    assert store.described == 3  # a new data version is described again


@embedded_only
def test_the_parameters_an_answer_reads_keep_their_own_answers(world: World):
    """`format`, `_profile` and `lang` choose another representation: each has its own
    stored answer, the right one, under any tracking parameters; the first of a repeated
    parameter wins, as the app reads it."""
    store = Reloadable(world.store)
    app = create_app(web_settings(), store, dist=world.dist)
    client = app.test_client()
    html = {"Accept": "text/html"}
    for extra in ("", "&utm_source=x"):
        jsonld = client.get(f"{MEETING}?format=jsonld{extra}")
        assert jsonld.mimetype == "application/ld+json"
        json.loads(jsonld.data)
        plain = client.get(f"{MEETING}?_profile=plain{extra}", headers={"Accept": "text/turtle"})
        assert plain.mimetype == "text/turtle"
        assert "/profile/plain>" in plain.headers["Content-Profile"]
        full = client.get(f"{MEETING}?utm_medium=y{extra}", headers={"Accept": "text/turtle"})
        assert "/profile/full>" in full.headers["Content-Profile"]
        assert plain.data != full.data
        french = client.get(f"{MEETING}?lang=fr{extra}", headers=html)
        english = client.get(f"{MEETING}?lang=en{extra}", headers=html)
        assert b'lang="fr"' in french.data
        assert b'lang="en"' in english.data
        first_jsonld = client.get(f"{MEETING}?format=jsonld&format=ttl{extra}")
        first_turtle = client.get(f"{MEETING}?format=ttl&format=jsonld{extra}")
        assert first_jsonld.mimetype == "application/ld+json"
        assert first_turtle.mimetype == "text/turtle"
    # Seven representations, each made once: the second round (with utm_source) came
    # from the first round's answers.
    assert store.described == 7
    assert cache_of(app).hits == 7


@embedded_only
def test_queries_on_one_path_stay_distinct(fresh_app):
    """/sparql does not declare the parameters it reads: its whole query string counts."""
    client = fresh_app.test_client()
    results = {"Accept": "application/sparql-results+json"}
    ask = "/sparql?query=" + "ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"
    none = "/sparql?query=" + "ASK%20%7B%20%3Fs%20%3Fp%20%22none%22%20%7D"
    for _ in range(2):
        assert json.loads(client.get(ask, headers=results).data)["boolean"] is True
        assert json.loads(client.get(none, headers=results).data)["boolean"] is False
    assert cache_of(fresh_app).hits == 2


@embedded_only
def test_a_pages_language_links_keep_only_the_parameters_it_reads(fresh_app):
    """Regression: a page's language links carried its whole query string, tracking
    parameters too (`?utm_source=x&lang=en`), so each tracking link made a page of its
    own; they keep what chooses the representation (`_profile`)."""
    client = fresh_app.test_client()
    html = {"Accept": "text/html"}
    page = client.get(f"{MEETING}?utm_source=x&lang=fr&_profile=full", headers=html)
    assert page.status_code == 200
    text = page.data.decode()
    assert "utm_source" not in text
    assert "_profile=full&amp;lang=en" in text
    other = client.get(f"{MEETING}?lang=fr&_profile=full&utm_source=y", headers=html)
    assert other.data == page.data
    assert cache_of(fresh_app).hits == 1
