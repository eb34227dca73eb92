"""Comparing a static site's answers with the server's: status, media type, content
(RDF as graphs: the server labels blank nodes afresh on every start, the site
canonically), Link headers."""

from __future__ import annotations

import functools
import json
import re

from ctc_kg.content.context import jsonld_to_nquads
from ctc_kg.content.serialize import canonical_nquads
from flask.testing import FlaskClient
from rdflib import Dataset

from tests.export.conftest import Answer, SiteWorld, ask_app, fetch

RDF_PARSERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}


def graph_of(body: bytes, content_type: str, public: str) -> Dataset | None:
    """The RDF in a body (None when the media type is not RDF); JSON-LD is read with the
    published context, never fetched."""
    media_type = content_type.split(";")[0].strip()
    if media_type == "application/ld+json":
        text = jsonld_to_nquads(json.loads(body), public)
        return Dataset().parse(data=text, format="nquads")
    if media_type in RDF_PARSERS:
        return Dataset().parse(data=body, format=RDF_PARSERS[media_type])
    return None


def assert_same_content(
    static: bytes, live: bytes, content_type: str, public: str, what: str
) -> None:
    """RDF: isomorphic graphs (the server labels blank nodes afresh on every start, the
    site canonically); anything else: the same bytes."""
    if static == live:
        return
    ours = canonical(static, content_type, public)
    if ours is None:
        assert static == live, what
    else:
        assert ours, what
        # Canonical N-Quads (URDNA2015) are equal exactly when the datasets are isomorphic.
        assert canonical(live, content_type, public) == ours, what


@functools.lru_cache(maxsize=256)
def canonical(body: bytes, content_type: str, public: str) -> str | None:
    """Canonical N-Quads of an RDF body (the same bodies come back many times)."""
    graph = graph_of(body, content_type, public)
    return None if graph is None else canonical_nquads(graph)


def both(
    site: SiteWorld, port: int, server: FlaskClient, target: str, headers: dict[str, str]
) -> tuple[Answer, Answer]:
    """The web server's answer on `port` and the server app's, to the same request."""
    return fetch(port, target, headers), ask_app(server, site.public, target, headers)


def assert_same_answer(
    static: Answer, live: Answer, what: str, public: str, *, links: bool = True
) -> None:
    assert static.status == live.status, what
    if live.status == 200:
        assert static.content_type == live.content_type, what
        assert_same_content(static.body, live.body, live.content_type, public, what)
        assert "accept" in static.headers.get("vary", "").lower(), what
    if links and live.status in (200, 304) and "link" in live.headers:
        assert static.headers.get("link") == live.headers["link"], what


def without_format_in_links(answer: Answer) -> Answer:
    """The server's page for `?format=html` keeps that parameter in its language-switch
    links (`?format=html&lang=fr`); the site has one page per language, whose links carry
    `?lang=` alone. Everything else must be the same bytes."""
    if not answer.content_type.startswith("text/html"):
        return answer
    body = re.sub(rb"(?:format|_mediatype)=[^&\"]*&amp;", b"", answer.body)
    return Answer(answer.status, answer.headers, body)
