"""web.http.add_vary writes Vary exactly as Werkzeug's `response.vary.add` does (it
replaces it on every answer, issue 16): caches downstream key on this header."""

from __future__ import annotations

import pytest
from ctc_kg import formats
from ctc_kg.web import http
from flask import Response

BEFORE = [None, "", "Accept", "accept", "Accept-Language", "Accept,Origin", " Origin , ", "*"]
BEFORE += ['"Accept", Origin', "Origin, Accept-Encoding"]


@pytest.mark.parametrize("before", BEFORE)
@pytest.mark.parametrize("name", ["Accept", "Accept-Language", "Accept-Profile"])
def test_a_name_is_added_to_vary_as_werkzeug_adds_it(before, name):
    ours, theirs = Response(b""), Response(b"")
    if before is not None:
        ours.headers["Vary"] = before
        theirs.headers["Vary"] = before
    http.add_vary(ours.headers, name)
    theirs.vary.add(name)
    assert ours.headers.getlist("Vary") == theirs.headers.getlist("Vary")


@pytest.mark.parametrize("fmt", [formats.TURTLE, formats.HTML])
@pytest.mark.parametrize("profiled", [False, True])
def test_an_answer_varies_with_what_it_was_negotiated_on(fmt, profiled):
    response = http.vary(Response(b""), fmt, profiled=profiled)
    expected = (
        ["Accept"] + ["Accept-Profile"] * profiled + ["Accept-Language"] * (fmt is formats.HTML)
    )
    assert response.headers["Vary"] == ", ".join(expected)
    again = http.vary(response, fmt, profiled=profiled)
    assert again.headers["Vary"] == ", ".join(expected)
