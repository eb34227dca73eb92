"""Framed JSON-LD: one frame per class, published beside the context (`context/v1/frames/`).

A flat JSON-LD description lists one node per subject; a web developer wants the
requested resource at the top with what it links to nested inside. Each frame here is a
JSON-LD 1.1 frame citing the v1 context; the server frames the plain (triples-only)
description as pyld would with that frame and the resource's `@id` (the embedding is
done here in linear time, see `framed`; pyld compacts). What a framed document holds:

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
from ctc_kg.content.context import JsonObject, context_document, expanded_jsonld, pyld_options
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
    """`graph` framed for the resource `iri` with its class's frame (see the module).

    The embedding is done here, in one pass over the nodes, with the semantics of the
    published frame given the resource's `@id` (`@embed: @once`, reverse keys nested under
    the resource, nothing else): pyld's `frame` compares every value added to a node with
    the values already there, quadratic in the values of one property
    (docs/performance.md). pyld then compacts the tree with the context."""
    frame = frame_for(graph, iri, base_iri)
    nodes = {node["@id"]: node for node in _native_integers(expanded_jsonld(graph))}
    definitions = context_document(base_iri)["@context"]
    table = prefixes(base_iri)
    pointing: dict[str, list[str]] = {}
    for key in frame.reverse:
        predicate = _expand(definitions[key]["@reverse"], table)
        pointing[predicate] = sorted(
            node_id
            for node_id, node in nodes.items()
            if any(value.get("@id") == iri for value in node.get(predicate, ()))
        )
    embedded = {iri, *(node_id for found in pointing.values() for node_id in found)}
    top: JsonObject = _embedded_tree(nodes, iri, embedded) if iri in nodes else {"@id": iri}
    reverse = {
        predicate: [_embedded_tree(nodes, node_id, embedded) for node_id in found]
        for predicate, found in pointing.items()
        if found
    }
    if reverse:
        top["@reverse"] = reverse
    options = pyld_options(base_iri, skipExpansion=True)
    result: JsonObject = jsonld.compact([top], str(context_iri(base_iri)), options)
    return result


def _embedded_tree(nodes: dict[str, JsonObject], node_id: str, embedded: set[str]) -> JsonObject:
    """The node with every node it refers to that is not embedded elsewhere yet nested
    in place (marked embedded first, so a cycle ends in a reference)."""
    tree: JsonObject = {}
    for key, values in sorted(nodes[node_id].items()):
        if key in ("@id", "@type"):
            tree[key] = values
            continue
        nested = []
        for value in values:
            target = value.get("@id")
            if target is not None and target in nodes and target not in embedded:
                embedded.add(target)
                nested.append(_embedded_tree(nodes, target, embedded))
            else:
                nested.append(value)
        tree[key] = nested
    return tree


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
