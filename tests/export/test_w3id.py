"""The generated w3id.org redirect (`.deploy/w3id/.htaccess`) in a real Apache, laid out
as in the perma-id/w3id.org repository (`/ctc-kg/.htaccess`): every IRI goes to the same
path at the deployment with its query string, whatever the Accept header, and the
deployment (nginx here) then negotiates as the server does."""

from __future__ import annotations

import pytest

from tests.export.compare import assert_same_answer, both
from tests.export.conftest import fetch
from tests.export.tables import ACCEPT_HEADERS

pytestmark = pytest.mark.slow

TARGETS = ("", "meeting/2003-new-york", "ontology", ".well-known/void", "dump/ctc-kg.ttl")


@pytest.mark.parametrize("accept", ACCEPT_HEADERS, ids=repr)
@pytest.mark.parametrize("path", TARGETS)
def test_identifier_redirects_to_the_same_path_whatever_the_accept_header(
    site, apache, path, accept
):
    headers = {} if accept is None else {"Accept": accept}
    answer = fetch(apache.w3id, f"/ctc-kg/{path}", headers)
    assert answer.status == 302
    assert answer.headers["location"] == site.public + path


@pytest.mark.parametrize("query", ["format=ttl", "lang=fr", "format=html&lang=fr"])
def test_query_string_survives_the_redirect(site, apache, query):
    answer = fetch(apache.w3id, f"/ctc-kg/meeting/2003-new-york?{query}")
    assert answer.status == 302
    assert answer.headers["location"] == f"{site.public}meeting/2003-new-york?{query}"


def test_sparql_keeps_its_method_through_the_redirect(site, apache):
    answer = fetch(apache.w3id, "/ctc-kg/sparql?query=ASK%7B%7D")
    assert answer.status == 307
    assert answer.headers["location"] == site.public + "sparql?query=ASK%7B%7D"


@pytest.mark.parametrize(
    "accept",
    ["text/html;q=0.1, text/turtle", "application/ld+json", "*/*", "text/*;q=0.5, */*;q=0.1"],
)
def test_followed_redirect_gets_the_servers_answer(site, apache, nginx, server, accept):
    """The case hand-written w3id rules get wrong (`text/html;q=0.1, text/turtle`)."""
    answer = fetch(apache.w3id, "/ctc-kg/meeting/2003-new-york", {"Accept": accept})
    location = answer.headers["location"]
    assert location.startswith(site.public)
    target = "/" + location[len(site.public) :]
    static, live = both(site, nginx, server, target, {"Accept": accept})
    assert_same_answer(static, live, f"{target} Accept: {accept}", site.public)
