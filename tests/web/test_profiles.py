"""Profiles (W3C Content Negotiation by Profile) and framed JSON-LD, over the production
server (`ctc-kg serve`, granian) serving the repository's own data, with a real HTTP
client (urllib), rdflib and pyld.

What each test relies on: Accept-Profile (q-values, IRIs in angle brackets) and `_profile`
(token or IRI) choose the profile; Content-Profile, Vary and Link say what was served and
what exists; `_profile=alt` lists the representations in HTML and RDF; 406 when no profile
fits; the profile IRIs dereference to PROF; each framed document holds exactly the
statements of the flat description its frame selects (content/frames.py).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from ctc_kg.content.frames import FRAMES
from pyld import jsonld
from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import to_isomorphic

from tests.live import REPOSITORY, Answer, LiveServer

pytestmark = pytest.mark.slow

B = "https://w3id.org/ctc-kg/"
PROF = Namespace("http://www.w3.org/ns/dx/prof/")
ALTR = Namespace("http://www.w3.org/ns/dx/connegp/altr#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SCHEMA = "https://schema.org/"
MEETING = "meeting/2003-new-york"
# One resource per frame, and the frame the server must pick for it.
SAMPLES = [
    ("meeting/2003-new-york", "meeting"),
    ("session/2003-new-york-1", "session"),
    ("organization/oas", "organization"),
    ("person/kofi-annan", "person"),
    ("place/nairobi", "place"),
    ("document/vienna-declaration", "outcome"),
    ("source/un-press-note-5777", "document"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    live = LiveServer.start(REPOSITORY, tmp_path_factory.mktemp("profiles"), "--workers", "1")
    yield live.url
    live.stop(timeout=30)


def get(server: str, path: str, **headers: str) -> Answer:
    request = urllib.request.Request(server + "/" + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return Answer(answer.status, list(answer.headers.items()), answer.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, list(error.headers.items()), error.read())


def profile(token: str) -> str:
    return f"{B}profile/{token}"


def links(answer: Answer) -> list[dict[str, str]]:
    """The Link header's links: {"href": ..., "rel": ..., "type": ..., "profile": ...}."""
    found = []
    for match in re.finditer(r'<([^>]*)>((?:\s*;\s*[a-z]+="[^"]*")*)', answer.header("Link") or ""):
        item = {"href": match.group(1)}
        item.update(re.findall(r'([a-z]+)="([^"]*)"', match.group(2)))
        found.append(item)
    return found


def local(server: str, iri: str) -> str:
    """A public IRI of this dataset as a path on the test server."""
    assert iri.startswith(B), iri
    return iri[len(B) :]


def test_accept_profile_with_q_values_serves_the_preferred_profile(server):
    answer = get(
        server,
        MEETING,
        Accept="text/turtle",
        **{"Accept-Profile": f"<{profile('full')}>;q=0.5, <{profile('schema')}>;q=0.9"},
    )
    assert answer.status == 200
    assert answer.header("Content-Profile") == f"<{profile('schema')}>"
    graph = Graph().parse(data=answer.body, format="turtle")
    assert (URIRef(B + MEETING), URIRef(SCHEMA + "startDate"), None) in graph
    # Search engines get names: rdfs:label as schema:name where the data has none.
    name = Literal("First special meeting (New York, 6 March 2003)", lang="en")
    assert (URIRef(B + MEETING), URIRef(SCHEMA + "name"), name) in graph
    assert (URIRef(B + "organization/ctc"), URIRef(SCHEMA + "name"), None) in graph
    for _, predicate, obj in graph:
        assert str(predicate).startswith(SCHEMA) or (
            predicate == RDF.type and str(obj).startswith(SCHEMA)
        ), predicate


def test_every_answer_varies_on_accept_profile_and_says_its_profile(server):
    answer = get(server, MEETING, Accept="text/turtle")
    assert answer.header("Content-Profile") == f"<{profile('full')}>"
    vary = {v.strip().lower() for v in (answer.header("Vary") or "").split(",")}
    assert {"accept", "accept-profile"} <= vary


def test_profile_parameter_takes_a_token_or_an_iri(server):
    by_token = get(server, f"{MEETING}?_profile=plain", Accept="application/n-triples")
    quoted = urllib.parse.quote(f"<{profile('plain')}>")
    by_iri = get(server, f"{MEETING}?_profile={quoted}", Accept="application/n-triples")
    for answer in (by_token, by_iri):
        assert answer.header("Content-Profile") == f"<{profile('plain')}>"
    assert by_token.body == by_iri.body


def test_plain_profile_is_the_full_description_without_its_named_graphs(server):
    full = Dataset()
    full.parse(data=get(server, MEETING, Accept="application/trig").body, format="trig")
    assert len(list(full.graphs())) > 2  # the full description keeps its source graphs
    plain = Graph().parse(
        data=get(server, f"{MEETING}?_profile=plain", Accept="application/n-triples").body,
        format="nt",
    )
    assert {(s, p, o) for s, p, o, _ in full.quads()} == set(plain)


def test_link_header_lists_every_representation_and_each_link_serves_it(server):
    answer = get(server, f"{MEETING}?_profile=schema", Accept="application/ld+json")
    found = links(answer)
    assert {"href": profile("schema"), "rel": "profile"} in found
    representations = [link for link in found if link["rel"] in ("self", "alternate")]
    assert {link["profile"] for link in representations} == {
        profile(t) for t in ("full", "plain", "schema")
    }
    (served,) = [link for link in representations if link["rel"] == "self"]
    assert (served["type"], served["profile"]) == ("application/ld+json", profile("schema"))
    for link in representations:
        followed = get(server, local(server, link["href"]))
        assert followed.status == 200, link
        assert followed.header("Content-Profile") == f"<{link['profile']}>"
        assert (followed.header("Content-Type") or "").startswith(link["type"])


def test_response_cache_keeps_profiles_apart(server):
    for _ in range(2):  # the second round is answered from the response cache
        for token in ("plain", "schema", "full"):
            answer = get(
                server,
                MEETING,
                Accept="text/turtle",
                **{"Accept-Profile": f"<{profile(token)}>"},
            )
            assert answer.header("Content-Profile") == f"<{profile(token)}>"
            graph = Graph().parse(data=answer.body, format="turtle")
            labelled = (URIRef(B + MEETING), RDFS.label, None) in graph
            assert labelled is (token != "schema"), token  # rdfs:label is no schema.org term


def test_list_profiles_answers_in_html_and_rdf(server):
    page = get(server, f"{MEETING}?_profile=alt", Accept="text/html")
    assert page.status == 200
    assert (page.header("Content-Type") or "").startswith("text/html")
    text = page.body.decode("utf-8")
    for token in ("full", "plain", "schema"):  # links that stay on this server
        assert f'href="/profile/{token}"' in text
        assert f'href="/{MEETING}?_profile={token}&amp;_mediatype=text%2Fturtle"' in text
    assert len([link for link in links(page) if link["rel"] == "alternate"]) == 15

    answer = get(server, f"{MEETING}?_profile=alt&_mediatype=text/turtle")
    graph = Graph().parse(data=answer.body, format="turtle")
    resource = URIRef(B + MEETING)
    representations = list(graph.objects(resource, ALTR.hasRepresentation))
    assert len(representations) == 15
    pairs = {
        (str(graph.value(r, DCTERMS.conformsTo)), str(graph.value(r, DCTERMS["format"])))
        for r in representations
    }
    assert (profile("schema"), "application/ld+json") in pairs
    default = graph.value(resource, ALTR.hasDefaultRepresentation)
    assert graph.value(default, DCTERMS.conformsTo) == URIRef(profile("full"))


def test_the_list_of_profiles_has_its_own_etag_so_a_description_etag_never_revalidates_it(
    server,
):
    """A client holding the Turtle description's ETag asks for the list of profiles in
    Turtle: it must get the list (200), not a 304 that would leave it the description."""
    description = get(server, MEETING, Accept="text/turtle")
    listing = get(server, f"{MEETING}?_profile=alt", Accept="text/turtle")
    assert description.header("ETag") != listing.header("ETag")
    again = get(
        server,
        f"{MEETING}?_profile=alt",
        Accept="text/turtle",
        **{"If-None-Match": description.header("ETag") or ""},
    )
    assert again.status == 200
    graph = Graph().parse(data=again.body, format="turtle")
    assert list(graph.objects(URIRef(B + MEETING), ALTR.hasRepresentation))


@pytest.mark.parametrize(
    ("query", "header"),
    [("", "<urn:example:no-such-profile>"), ("?_profile=nope", None), ("", "*;q=0")],
)
def test_no_acceptable_profile_is_406_listing_the_profiles(server, query, header):
    headers = {"Accept": "text/turtle"}
    if header is not None:
        headers["Accept-Profile"] = header
    answer = get(server, MEETING + query, **headers)
    assert answer.status == 406
    assert profile("schema") in answer.body.decode("utf-8")


def test_profile_iris_dereference_to_their_prof_description(server):
    answer = get(server, "profile/schema", Accept="text/turtle")
    graph = Graph().parse(data=answer.body, format="turtle")
    schema = URIRef(profile("schema"))
    assert (schema, RDF.type, PROF.Profile) in graph
    assert (schema, PROF.hasToken, Literal("schema")) in graph
    assert (schema, PROF.isProfileOf, URIRef(SCHEMA)) in graph
    roles = {graph.value(d, PROF.hasRole) for d in graph.objects(schema, PROF.hasResource)}
    assert URIRef(str(PROF) + "role/schema") in roles  # the frames
    artifacts = {graph.value(d, PROF.hasArtifact) for d in graph.objects(schema, PROF.hasResource)}
    assert URIRef(f"{B}context/v1/frames/meeting.jsonld") in artifacts
    catalog = Graph().parse(data=get(server, "catalog", Accept="text/turtle").body, format="turtle")
    assert (schema, RDF.type, PROF.Profile) in catalog


# -- framed JSON-LD -----------------------------------------------------------------------


def loader(server: str) -> Any:
    """A pyld document loader that reads the dataset's documents from the server."""

    def load(url: str, options: dict[str, Any]) -> dict[str, Any]:
        answer = get(server, local(server, url), Accept="application/ld+json")
        assert answer.status == 200, url
        return {"contextUrl": None, "documentUrl": url, "document": json.loads(answer.body)}

    return load


def framed_and_flat(server: str, path: str) -> tuple[dict[str, Any], Graph]:
    framed = get(server, f"{path}?_profile=plain", Accept="application/ld+json")
    assert framed.header("Content-Profile") == f"<{profile('plain')}>"
    flat = get(server, f"{path}?_profile=plain", Accept="application/n-triples")
    return json.loads(framed.body), Graph().parse(data=flat.body, format="nt")


def selected(server: str, flat: Graph, root: URIRef, frame_name: str) -> set[Any]:
    """The flat description's triples the frame covers (content/frames.py): those of the
    resource, of the nodes pointing to it through the frame's reverse keys, and of every
    node reached from these by following links forward (not rdf:type)."""
    frame = json.loads(get(server, f"context/v1/frames/{frame_name}.jsonld").body)
    context = json.loads(get(server, "context/v1.jsonld").body)["@context"]
    reverse = []
    for key in frame:
        if not key.startswith("@"):
            prefix, _, name = context[key]["@reverse"].partition(":")
            reverse.append(URIRef(context[prefix] + name))
    nodes = {root} | {s for p in reverse for s in flat.subjects(p, root)}
    frontier = list(nodes)
    while frontier:
        for predicate, obj in flat.predicate_objects(frontier.pop()):
            reached = isinstance(obj, URIRef | BNode) and predicate != RDF.type
            if reached and obj not in nodes and (obj, None, None) in flat:
                nodes.add(obj)
                frontier.append(obj)
    return {triple for triple in flat if triple[0] in nodes}


@pytest.mark.parametrize(("path", "frame_name"), SAMPLES)
def test_framed_jsonld_expands_to_what_its_frame_selects_of_the_flat_description(
    server, path, frame_name
):
    framed, flat = framed_and_flat(server, path)
    assert framed["id"] == B + path  # the requested resource at the top
    assert framed["@context"] == f"{B}context/v1.jsonld"
    nquads = jsonld.to_rdf(
        framed, {"format": "application/n-quads", "documentLoader": loader(server)}
    )
    expanded = Graph().parse(data=nquads, format="nt")
    expected = Graph()
    for triple in selected(server, flat, URIRef(B + path), frame_name):
        expected.add(triple)
    assert len(expected) > 5
    assert to_isomorphic(expanded) == to_isomorphic(expected)
    # What the frame leaves out is only what content/frames.py says it does.
    full = Dataset()
    full.parse(data=get(server, path, Accept="application/trig").body, format="trig")
    graph_names = {g.identifier for g in full.graphs()}
    vocabulary = set(flat.predicates()) | set(flat.objects(None, RDF.type))
    pointing = set(flat.subjects(None, URIRef(B + path)))
    for subject, predicate, _ in set(flat) - set(expected):
        assert subject in pointing or (
            predicate == RDFS.label and subject in graph_names | vocabulary
        ), (subject, predicate)


def test_framed_meeting_has_numbers_dates_language_maps_and_nested_participations(server):
    framed, _ = framed_and_flat(server, MEETING)
    assert framed["participatingOrganizationCount"] == 57
    assert framed["ordinal"] == 1
    assert framed["startDate"] == "2003-03-06"
    assert framed["label"]["en"].startswith("First special meeting")
    assert set(framed["label"]) == {"en", "fr"}
    organizers = framed["organizer"]
    organizers = organizers if isinstance(organizers, list) else [organizers]
    assert any(o["id"] == B + "organization/ctc" and "en" in o["label"] for o in organizers)
    participations = framed["participations"]
    assert len(participations) > 10
    assert all(p["atMeeting"] == B + MEETING for p in participations)
    assert all(set(p["label"]) == {"en", "fr"} for p in participations)


def test_a_client_framing_the_flat_description_with_the_published_frame_gets_the_same(server):
    """The published frames are the ones the server uses: framing the full profile's flat
    JSON-LD with `context/v1/frames/meeting.jsonld` (and the resource's @id) in pyld gives
    the same statements as the server's framed document."""
    flat = json.loads(get(server, MEETING, Accept="application/ld+json").body)
    frame = json.loads(get(server, "context/v1/frames/meeting.jsonld").body)
    frame.pop("@type")
    frame["@id"] = B + MEETING
    options = {"documentLoader": loader(server), "omitGraph": True}
    framed_here = jsonld.frame(flat, frame, options)
    served, _ = framed_and_flat(server, MEETING)
    rdf = {"format": "application/n-quads", "documentLoader": loader(server)}
    here = Graph().parse(data=jsonld.to_rdf(framed_here, rdf), format="nt")
    there = Graph().parse(data=jsonld.to_rdf(served, rdf), format="nt")
    assert to_isomorphic(here) == to_isomorphic(there)
    assert served["participations"]


def test_every_frame_is_published(server):
    for frame in FRAMES:
        answer = get(server, f"context/v1/frames/{frame.name}.jsonld")
        assert answer.status == 200
        assert json.loads(answer.body)["@context"] == f"{B}context/v1.jsonld"


def test_each_profile_has_its_own_validator(server):
    """A copy in one profile never revalidates as another (the ETag names the profile)."""
    schema = {"Accept": "text/turtle", "Accept-Profile": f"<{profile('schema')}>"}
    first = get(server, MEETING, **schema)
    etag = first.header("ETag") or ""
    assert get(server, MEETING, **schema, **{"If-None-Match": etag}).status == 304
    full = get(server, MEETING, Accept="text/turtle", **{"If-None-Match": etag})
    assert full.status == 200
    assert full.header("Content-Profile") == f"<{profile('full')}>"
    revalidated = get(server, MEETING, **schema, **{"If-None-Match": etag})
    assert "accept-profile" in (revalidated.header("Vary") or "").lower()
