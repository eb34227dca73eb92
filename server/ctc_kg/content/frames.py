"""Framed JSON-LD: one frame per class, published beside the context (`context/v1/frames/`).

A flat JSON-LD description lists one node per subject; a web developer wants the
requested resource at the top with what it links to nested inside. Each frame here is a
JSON-LD 1.1 frame citing the v1 context; the server fills in the resource's `@id` and
frames the plain (triples-only) description with pyld. What a framed document holds:

- the resource's own statements, and those of every node reachable from it by following
  links forward, rdf:type aside (its organizers, place, sources, sessions, outcomes, with
  their labels);
- the statements of the nodes that point to it through the frame's reverse keys (a
  meeting's participations and the disagreements about it, a session's participations,
  an organization's or person's parts, the meetings a place hosted, the statements a
  document is the source of), and of what they link to forward.

Left out of the flat description: the labels of the named graphs (passages) and of the
classes and properties used (nothing in the triples links to them as a node), and nodes
pointing to the resource through other links. tests/web/test_profiles.py proves that the
framed document expands to exactly that selection of the flat description, per class.
Labels are language maps and integers JSON numbers (the context's coercions; pyld's
`from_rdf` would keep `57` a string, so canonical integers are made native here).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pyld import jsonld
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, XSD

from ctc_kg.config import CANONICAL_BASE_IRI
from ctc_kg.content.context import JsonObject, expanded_jsonld, pyld_options
from ctc_kg.content.names import context_iri, prefixes


@dataclass(frozen=True)
class Frame:
    name: str  # the file name under context/v1/frames/ (without .jsonld)
    types: tuple[str, ...]  # compact IRIs of the classes it is for, any of them
    reverse: tuple[str, ...]  # the context's reverse keys nested under the resource


FRAMES: tuple[Frame, ...] = (
    Frame("meeting", ("ctckg:SpecialMeeting",), ("participations", "subjectOf")),
    Frame("session", ("ctckg:Session",), ("sessionParticipations",)),
    Frame(
        "organization",
        ("schema:Organization", "org:Organization"),
        (
            "participationsAs",
            "representedIn",
            "organizerOf",
            "attendeeOf",
            "performerOf",
            "invitedTo",
            "publisherOf",
            "subOrganizations",
        ),
    ),
    Frame("person", ("schema:Person",), ("participationsAs", "attendeeOf", "performerOf")),
    Frame("place", ("schema:Place",), ("locationOf", "containedPlaces", "representedIn")),
    Frame("outcome", ("ctckg:OutcomeDocument",), ()),
    Frame("document", ("schema:CreativeWork", "prov:Entity"), ("sourceOf",)),
)
#: The frame of a resource of no class above: its statements and what it links to.
RESOURCE_FRAME = Frame("resource", (), ())
FRAMES_FOLDER = "context/v1/frames"


def frame_iri(base_iri: str, name: str) -> str:
    return f"{base_iri}{FRAMES_FOLDER}/{name}.jsonld"


def frame_named(name: str) -> Frame | None:
    return next((f for f in (*FRAMES, RESOURCE_FRAME) if f.name == name), None)


def frame_document(frame: Frame, base_iri: str = CANONICAL_BASE_IRI) -> JsonObject:
    """The published frame: match by class, nest forward links once, the reverse keys."""
    document: JsonObject = {"@context": str(context_iri(base_iri)), "@embed": "@once"}
    if frame.types:
        document["@type"] = list(frame.types)
    if frame.reverse:
        document.update({key: {"@embed": "@once"} for key in frame.reverse})
    return document


def frame_bytes(frame: Frame, base_iri: str = CANONICAL_BASE_IRI) -> bytes:
    return _dump(frame_document(frame, base_iri))


def frame_for(graph: Graph, iri: str, base_iri: str = CANONICAL_BASE_IRI) -> Frame:
    """The frame of the first class in FRAMES the resource has in `graph`."""
    table = prefixes(base_iri)
    types = {str(t) for t in graph.objects(_ref(iri), RDF.type)}
    for frame in FRAMES:
        if any(_expand(t, table) in types for t in frame.types):
            return frame
    return RESOURCE_FRAME


def framed(graph: Graph, iri: str, base_iri: str = CANONICAL_BASE_IRI) -> JsonObject:
    """`graph` framed for the resource `iri` with its class's frame (see the module)."""
    frame = dict(frame_document(frame_for(graph, iri, base_iri), base_iri))
    frame.pop("@type", None)
    frame["@id"] = iri
    options = pyld_options(base_iri, omitDefault=True, embed="@once", omitGraph=True)
    result: JsonObject = jsonld.frame(_native_integers(expanded_jsonld(graph)), frame, options)
    return result


def framed_bytes(graph: Graph, iri: str, base_iri: str = CANONICAL_BASE_IRI) -> bytes:
    return _dump(framed(graph, iri, base_iri))


_INTEGER = str(XSD.integer)


def _native_integers(nodes: list[JsonObject]) -> list[JsonObject]:
    """Integer values in canonical form as JSON numbers (they turn back into the same
    literal when expanded: JSON-LD writes an integral number as its canonical form)."""
    for node in nodes:
        for values in node.values():
            if not isinstance(values, list):
                continue
            for value in values:
                if isinstance(value, dict) and value.get("@type") == _INTEGER:
                    text = value["@value"]
                    if isinstance(text, str) and text.lstrip("-").isdigit():
                        number = int(text)
                        if str(number) == text:
                            value["@value"] = number
    return nodes


def _expand(compact: str, table: dict[str, str]) -> str:
    prefix, _, local = compact.partition(":")
    return table[prefix] + local


def _ref(iri: str) -> URIRef | BNode:
    return BNode(iri[2:]) if iri.startswith("_:") else URIRef(iri)


def _dump(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
