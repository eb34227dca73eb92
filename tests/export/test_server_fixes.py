"""Regression tests for server bugs the static export found (each broke a captured file)."""

from __future__ import annotations

import gzip

import pytest
from ctc_kg.runtime.app import prepared_app

from tests.export.conftest import ask_app, site_settings

pytestmark = pytest.mark.slow

MEETING = "/meeting/2003-new-york"


def test_french_page_after_an_english_one_is_french(site, server):
    """Resource pages were cached per format only: the first language asked won."""
    english = ask_app(server, site.public, MEETING, {"Accept-Language": "en"})
    french = ask_app(server, site.public, MEETING, {"Accept-Language": "fr"})
    assert b'<html lang="en">' in english.body
    assert b'<html lang="fr">' in french.body
    assert english.headers["etag"] != french.headers["etag"]


@pytest.mark.parametrize("name", ["ontology.jsonld", "shapes.jsonld", "ontology.jsonld.gz"])
def test_vocabulary_jsonld_dumps_are_served_behind_a_public_url(site, server, name):
    """JSON-LD was re-rendered from `<name>.nq`, which only the data dump has: 500."""
    answer = ask_app(server, site.public, f"/dump/{name}", {})
    assert answer.status == 200
    body = gzip.decompress(answer.body) if name.endswith(".gz") else answer.body
    assert site.public.encode() in body


def test_page_links_keep_the_script_root():
    """Alternate-format and language links were root-relative without the script root."""
    with prepared_app(site_settings("http://127.0.0.1:9/kg/")) as app:
        page = ask_app(app.test_client(), "http://127.0.0.1:9/kg/", MEETING, {}).body
    assert b'href="/kg/meeting/2003-new-york?format=ttl"' in page
    assert b'href="/kg/meeting/2003-new-york?lang=fr"' in page
