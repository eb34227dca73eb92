"""Profiles and framed JSON-LD behind a public URL: the profile IRIs, the framed document's
IRIs and the context it cites are the deployment's, and it still expands to the plain
description's statements (every backend of the web world)."""

from __future__ import annotations

import json

from ctc_kg.content.context import jsonld_to_nquads
from rdflib import BNode, Graph

from tests.web.conftest import PUBLIC


def test_framed_jsonld_behind_a_public_url_names_the_public_iris(public_client):
    answer = public_client.get(
        "/meeting/m1",
        headers={"Accept": "application/ld+json", "Accept-Profile": f"<{PUBLIC}profile/plain>"},
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Profile"] == f"<{PUBLIC}profile/plain>"
    assert f'<{PUBLIC}profile/plain>; rel="profile"' in answer.headers["Link"]
    framed = json.loads(answer.data)
    assert framed["id"] == PUBLIC + "meeting/m1"
    assert framed["@context"] == PUBLIC + "context/v1.jsonld"
    assert framed["label"] == {"en": "Test meeting", "fr": "Réunion de test"}
    flat = public_client.get("/meeting/m1?_profile=plain&_mediatype=application/n-triples")
    plain = Graph().parse(data=flat.data, format="nt")
    expanded = Graph().parse(data=jsonld_to_nquads(framed, PUBLIC), format="nt")
    # Blank nodes get new labels in each parse: compare the ground statements, and count
    # the others (the world's nested note hangs from the meeting: the frame nests it).
    assert _ground(expanded)
    assert _ground(expanded) <= _ground(plain)
    assert len(expanded) - len(_ground(expanded)) == len(plain) - len(_ground(plain)) > 0


def _ground(graph: Graph) -> set[tuple[object, ...]]:
    return {t for t in graph if not any(isinstance(term, BNode) for term in t)}


def test_profile_iris_of_the_canonical_base_are_understood_behind_a_public_url(public_client):
    answer = public_client.get(
        "/meeting/m1",
        headers={
            "Accept": "text/turtle",
            "Accept-Profile": "<https://w3id.org/ctc-kg/profile/schema>",
        },
    )
    assert answer.headers["Content-Profile"] == f"<{PUBLIC}profile/schema>"
