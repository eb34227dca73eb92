"""Fixtures for the rendering tests: a tiny graph, a page context, a strict HTML5 parser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import pytest
from ctc_kg.web.html.page import Alternate, PageContext
from ctc_kg.web.html.quads import QuadIndex, parse_trig
from ctc_kg.web.html.render import Renderer

BASE = "https://w3id.org/ctc-kg/"
HERE = Path(__file__).parent
ROOT = HERE.parents[1]


def local_link(iri: str) -> str:
    return "/" + iri[len(BASE) :] if iri.startswith(BASE) else iri


@pytest.fixture(scope="session")
def index() -> QuadIndex:
    return parse_trig((HERE / "small.trig").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def vocabulary_index() -> QuadIndex:
    text = "\n".join(
        (ROOT / path).read_text(encoding="utf-8")
        for path in ("ontology/ctc-kg.ttl", "shapes/ctc-kg-shapes.ttl")
    )
    return parse_trig(text)


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    return Renderer()


@pytest.fixture
def make_ctx() -> Callable[..., PageContext]:
    def make(lang: str = "en", **changes: object) -> PageContext:
        values: dict[str, object] = {
            "lang": lang,
            "base_iri": BASE,
            "link": local_link,
            "static": lambda name: "/static/" + name,
            "lang_url": lambda code: "?lang=" + code,
            "alternates": (
                Alternate("text/turtle", "Turtle", "?format=ttl"),
                Alternate("application/ld+json", "JSON-LD", "?format=jsonld"),
            ),
        }
        values.update(changes)
        return PageContext(**values)  # type: ignore[arg-type]

    return make


def parse_html(html: str) -> Element:
    """Parse with html5lib's strict parser: any HTML5 parse error raises."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(html)


def text_of(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())
