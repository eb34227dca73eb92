"""A page's `hreflang` alternates are absolute URLs under the public base the server
answers for (the base IRI, `--public-url`, or a trusted proxy's forwarded headers), so
search engines can use them; the visible language switch stays on this server."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import BASE, PUBLIC

MEETING = "meeting/2003-new-york"


class _Alternates(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and values.get("rel") == "alternate" and values.get("hreflang"):
            self.found[values["hreflang"] or ""] = values.get("href") or ""


def alternates(client: FlaskClient, path: str, headers: dict[str, str]) -> dict[str, str]:
    response = client.get(path, headers={"Accept": "text/html", **headers})
    assert response.status_code == 200
    parser = _Alternates()
    parser.feed(response.get_data(as_text=True))
    return parser.found


def _assert_alternates(found: dict[str, str], page: str) -> None:
    assert set(found) == {"en", "fr"}
    for code, href in found.items():
        parts = urlsplit(href)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == page, href
        assert parse_qs(parts.query)["lang"] == [code]


@pytest.mark.parametrize("path", ["", MEETING, "sparql", "ontology"])
def test_alternates_are_absolute_under_the_base_iri(client, path):
    _assert_alternates(alternates(client, "/" + path, {}), BASE + path)


def test_alternates_follow_the_public_url(public_client):
    _assert_alternates(alternates(public_client, "/" + MEETING, {}), PUBLIC + MEETING)


def test_alternates_follow_a_trusted_proxy(proxied_app):
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "data.example.org",
        "X-Forwarded-Prefix": "/kg",
    }
    found = alternates(proxied_app.test_client(), "/" + MEETING + "?format=html", headers)
    for href in found.values():
        assert href.startswith("https://data.example.org/kg/" + MEETING + "?"), href
        assert parse_qs(urlsplit(href).query)["format"] == ["html"]  # other arguments kept
