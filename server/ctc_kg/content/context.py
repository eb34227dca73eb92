"""The versioned JSON-LD context (v1), the prefixes shared with Turtle, and JSON-LD I/O.

JSON-LD is processed with pyld and a document loader that serves our own context from
memory and refuses every other URL: reading or writing JSON-LD never touches the network.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from ctc_kg.config import CANONICAL_BASE_IRI
from ctc_kg.content.names import context_iri, prefixes
from ctc_kg.content.serialize import ntriples
from ctc_kg.content.writers import Statements
from ctc_kg.formats import JSONLD, NQUADS

JsonObject = dict[str, Any]
DocumentLoader = Callable[[str, dict[str, Any]], JsonObject]


# Friendly keys: (term, compact IRI, JSON-LD coercion). A coercion of "@language" makes
# the key a language map ({"en": ..., "fr": ...}); "@id" makes string values IRIs.
_TERMS: tuple[tuple[str, str, str | None], ...] = (
    ("about", "schema:about", "@id"),
    ("abstract", "schema:abstract", "@language"),
    ("adoptedAt", "ctckg:adoptedAt", "@id"),
    ("agreement", "ctckg:agreement", "@id"),
    ("agreementText", "ctckg:agreementText", "@language"),
    ("altLabel", "skos:altLabel", "@language"),
    ("announcedEndDate", "ctckg:announcedEndDate", "xsd:date"),
    ("announcedParticipant", "ctckg:announcedParticipant", "@id"),
    ("announcedParticipation", "ctckg:announcedParticipation", "@language"),
    ("announcedStartDate", "ctckg:announcedStartDate", "xsd:date"),
    ("archivedAt", "schema:archivedAt", "@id"),
    ("atMeeting", "ctckg:atMeeting", "@id"),
    ("attendee", "schema:attendee", "@id"),
    ("claim", "ctckg:claim", "@id"),
    ("coOrganizer", "ctckg:coOrganizer", "@id"),
    ("comment", "rdfs:comment", "@language"),
    ("containedInPlace", "schema:containedInPlace", "@id"),
    ("creator", "dcterms:creator", "@id"),
    ("datePublished", "schema:datePublished", "xsd:date"),
    ("description", "dcterms:description", "@language"),
    ("endDate", "schema:endDate", "xsd:date"),
    ("eventStatus", "schema:eventStatus", "@id"),
    ("followUpMeetingCount", "ctckg:followUpMeetingCount", "xsd:integer"),
    ("generated", "prov:generated", "@id"),
    ("hasFormat", "dcterms:hasFormat", "@id"),
    ("hasTopConcept", "skos:hasTopConcept", "@id"),
    ("honorificPrefix", "schema:honorificPrefix", None),
    ("identifier", "schema:identifier", None),
    ("inLanguage", "schema:inLanguage", None),
    ("inScheme", "skos:inScheme", "@id"),
    ("inSession", "ctckg:inSession", "@id"),
    ("invitedParticipation", "ctckg:invitedParticipation", "@language"),
    ("invitee", "ctckg:invitee", "@id"),
    ("issued", "dcterms:issued", "xsd:date"),
    ("label", "rdfs:label", "@language"),
    ("language", "dcterms:language", None),
    ("legislationIdentifier", "schema:legislationIdentifier", None),
    ("license", "dcterms:license", "@id"),
    ("location", "schema:location", "@id"),
    ("modified", "dcterms:modified", "xsd:date"),
    ("name", "schema:name", "@language"),
    ("onBehalfOf", "ctckg:onBehalfOf", "@id"),
    ("ordinal", "ctckg:ordinal", "xsd:integer"),
    ("organizer", "schema:organizer", "@id"),
    ("participant", "ctckg:participant", "@id"),
    ("participatingOrganizationCount", "ctckg:participatingOrganizationCount", "xsd:integer"),
    ("performer", "schema:performer", "@id"),
    ("position", "schema:position", "xsd:integer"),
    ("post", "ctckg:post", "@id"),
    ("postHeld", "ctckg:postHeld", "@language"),
    ("postIn", "org:postIn", "@id"),
    ("prefLabel", "skos:prefLabel", "@language"),
    ("publisher", "dcterms:publisher", "@id"),
    ("quote", "ctckg:quote", "@language"),
    ("reachedAt", "ctckg:reachedAt", "@id"),
    ("reportedParticipation", "ctckg:reportedParticipation", "@language"),
    ("roleName", "schema:roleName", "@id"),
    ("sameAs", "owl:sameAs", "@id"),
    ("scope", "ctckg:scope", "@id"),
    ("servesResolution", "ctckg:servesResolution", "@id"),
    ("source", "dcterms:source", "@id"),
    ("startDate", "schema:startDate", "xsd:date"),
    ("startMonth", "ctckg:startMonth", "xsd:gYearMonth"),
    ("status", "ctckg:status", "@id"),
    ("subEvent", "schema:subEvent", "@id"),
    ("subOrganizationOf", "org:subOrganizationOf", "@id"),
    ("superEvent", "schema:superEvent", "@id"),
    ("title", "dcterms:title", "@language"),
    ("topConceptOf", "skos:topConceptOf", "@id"),
    ("url", "schema:url", "@id"),
    ("wasAttributedTo", "prov:wasAttributedTo", "@id"),
    ("wasDerivedFrom", "prov:wasDerivedFrom", "@id"),
    ("wasGeneratedBy", "prov:wasGeneratedBy", "@id"),
    ("wasQuotedFrom", "prov:wasQuotedFrom", "@id"),
    ("withOrganizationsOfScope", "ctckg:withOrganizationsOfScope", "@id"),
)

# Reverse keys (term, compact IRI): the framed documents (content.frames) nest under a
# resource the nodes that point to it, e.g. its participations under "participations".
_REVERSE_TERMS: tuple[tuple[str, str], ...] = (
    ("agreementOf", "ctckg:agreement"),
    ("attendeeOf", "schema:attendee"),
    ("containedPlaces", "schema:containedInPlace"),
    ("invitedTo", "ctckg:invitee"),
    ("locationOf", "schema:location"),
    ("organizerOf", "schema:organizer"),
    ("participations", "ctckg:atMeeting"),
    ("participationsAs", "ctckg:participant"),
    ("performerOf", "schema:performer"),
    ("publisherOf", "dcterms:publisher"),
    ("representedIn", "ctckg:onBehalfOf"),
    ("sessionParticipations", "ctckg:inSession"),
    ("sourceOf", "dcterms:source"),
    ("subjectOf", "schema:about"),
    ("subOrganizations", "org:subOrganizationOf"),
)


class RemoteDocumentRefusedError(Exception):
    """A JSON-LD document asked for a URL we do not serve locally (never fetched)."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(
            f"refusing to fetch the remote JSON-LD document {url}: only the ctc-kg context "
            "is available offline; inline the context instead"
        )


def context_document(base_iri: str = CANONICAL_BASE_IRI) -> JsonObject:
    """The JSON-LD context document published at `B context/v1.jsonld`."""
    definitions: JsonObject = {"id": "@id", "type": "@type"}
    definitions.update(prefixes(base_iri))
    for term, iri, coercion in _TERMS:
        if coercion is None:
            definitions[term] = iri
        elif coercion == "@language":
            definitions[term] = {"@id": iri, "@container": "@language"}
        else:
            definitions[term] = {"@id": iri, "@type": coercion}
    for term, iri in _REVERSE_TERMS:
        definitions[term] = {"@reverse": iri, "@type": "@id"}
    return {"@context": definitions}


def context_bytes(base_iri: str = CANONICAL_BASE_IRI) -> bytes:
    return _dump_json(context_document(base_iri))


def document_loader(base_iri: str = CANONICAL_BASE_IRI) -> DocumentLoader:
    """A pyld document loader that serves our context and refuses everything else."""
    served = {
        str(context_iri(base_iri)): context_document(base_iri),
        str(context_iri(CANONICAL_BASE_IRI)): context_document(CANONICAL_BASE_IRI),
    }

    def load(url: str, options: dict[str, Any]) -> JsonObject:
        if url not in served:
            raise RemoteDocumentRefusedError(url)
        return {
            "contentType": JSONLD.media_type,
            "contextUrl": None,
            "documentUrl": url,
            "document": served[url],
        }

    return load


def pyld_options(base_iri: str, **extra: Any) -> dict[str, Any]:
    """pyld options with our loader and a context cache of this call only."""
    loader = document_loader(base_iri)
    return {"documentLoader": loader, "contextResolver": ContextResolver({}, loader), **extra}


def jsonld_to_nquads(document: Any, base_iri: str = CANONICAL_BASE_IRI) -> str:
    """Expand a parsed JSON-LD document to N-Quads (relative IRIs resolve against base_iri).

    Raises pyld's JsonLdError; a refused remote document is its (indirect) cause.
    """
    options = pyld_options(base_iri, base=base_iri, format=NQUADS.media_type)
    result: str = jsonld.to_rdf(document, options)
    return result


def refused_url(error: BaseException) -> str | None:
    """The URL whose fetching was refused somewhere in `error`'s chain of causes, if any."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, RemoteDocumentRefusedError):
            return current.url
        details = getattr(current, "details", None)
        nested = details.get("cause") if isinstance(details, dict) else None
        current = current.__cause__ or current.__context__ or nested
    return None


def to_compacted_jsonld(graph: Graph | Statements, base_iri: str = CANONICAL_BASE_IRI) -> bytes:
    """The graph as JSON-LD compacted with the published context, cited by IRI.

    Deterministic when the graph's blank nodes carry canonical labels
    (ctc_kg.content.serialize.canonical_graph): nodes and values are sorted, keys by json.
    """
    triples = graph.triples if isinstance(graph, Statements) else graph
    if _has_list(graph):
        # pyld turns RDF lists (the shapes' sh:in, sh:or) into @list; the one-pass
        # expansion does not, so graphs with lists (small vocabularies) keep pyld's.
        expanded: Any = jsonld.from_rdf(
            ntriples(graph).decode("utf-8"),
            {"format": NQUADS.media_type, "useNativeTypes": False, "rdfDirection": None},
        )
    else:
        expanded = expanded_jsonld(triples)
    # The input is expanded already: pyld would expand it again (docs/performance.md).
    options = pyld_options(base_iri, skipExpansion=True)
    compacted = _RememberingProcessor().compact(expanded, str(context_iri(base_iri)), options)
    return _dump_json(compacted)


class _RememberingProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor, compacting each IRI once per context and kind of value.

    pyld compacts an IRI that is no term by trying every term of the context as a prefix:
    each node's and each reference's `@id` costs a hundred comparisons, most of a dump's
    compaction (docs/performance.md). Without a value to choose a term by, the answer
    depends only on the arguments (`_compact_iri` reads nothing else, and pyld makes a new
    context rather than change one), so it is remembered. With a value (a property, whose
    term depends on what it holds), it depends on the value's kind only (`_value_kind`):
    remembered too, a third of the rest. The contexts are kept so that their ids, the
    key, are not reused while the processor lives.
    """

    def __init__(self) -> None:
        super().__init__()
        self._compacted: dict[tuple[Any, ...], Any] = {}
        self._contexts: dict[int, Any] = {}

    def _compact_iri(
        self,
        active_ctx: Any,
        iri: Any,
        value: Any = None,
        vocab: bool = False,
        base: Any = None,
        reverse: bool = False,
    ) -> Any:
        kind = None if value is None else self._value_kind(active_ctx, value)
        if kind is _UNKNOWN or not isinstance(iri, str) or not isinstance(base, str | None):
            return super()._compact_iri(active_ctx, iri, value, vocab, base, reverse)
        key = (id(active_ctx), iri, vocab, base, reverse, kind)
        try:
            return self._compacted[key]
        except KeyError:
            self._contexts[id(active_ctx)] = active_ctx
            found = self._compacted[key] = super()._compact_iri(
                active_ctx, iri, value, vocab, base, reverse
            )
            return found

    def _value_kind(self, active_ctx: Any, value: Any) -> Any:
        """What pyld's `_compact_iri` reads of a value to choose a term, for the two kinds
        the one-pass expansion makes (`_value`); `_UNKNOWN` for any other.

        A literal (`@value`, with `@language` or `@type` or neither): its language, its
        type and whether it has either (no `@index`, `@direction`, `@list` or `@graph`,
        so none of those branches). A reference (`@id` alone): only whether its IRI
        compacts to a term defined as that IRI (`_select_term` then prefers `@vocab`).
        """
        if not isinstance(value, dict):
            return _UNKNOWN
        keys = value.keys()
        if "@value" in value and keys <= _LITERAL_KEYS:
            return ("@value", value.get("@language"), value.get("@type"), len(value))
        if keys == _REFERENCE_KEYS and isinstance(value["@id"], str):
            term = self._compact_iri(active_ctx, value["@id"], None, vocab=True)
            mapping = active_ctx["mappings"].get(term)
            return ("@id", bool(term is not None and mapping and mapping["@id"] == value["@id"]))
        return _UNKNOWN


_UNKNOWN = object()  # a value `_RememberingProcessor` leaves to pyld every time
_LITERAL_KEYS = frozenset({"@value", "@language", "@type"})
_REFERENCE_KEYS = {"@id"}


def _has_list(graph: Graph | Statements) -> bool:
    if isinstance(graph, Graph):
        return (None, RDF.first, None) in graph
    first = RDF.first
    return any(predicate == first for _, predicate, _ in graph.triples)


def expanded_jsonld(graph: Iterable[tuple[Node, Node, Node]]) -> list[JsonObject]:
    """The graph in expanded JSON-LD, one node object per subject, in one pass.

    It gives what pyld's `from_rdf` gives for our graphs (no native types, nodes sorted by
    id, values in N-Triples order) without its duplicate check, which is quadratic in the
    number of statements about one node, such as the resolution (docs/performance.md).
    RDF lists stay rdf:first/rdf:rest nodes (see
    `to_compacted_jsonld`).
    """
    nodes: dict[str, JsonObject] = {}
    rdf_type = RDF.type  # rdflib's namespace lookup, once rather than per statement
    for subject, predicate, obj in graph:
        node_id = _node_id(subject)
        node = nodes.get(node_id)
        if node is None:
            node = nodes[node_id] = {"@id": node_id}
        if predicate == rdf_type and not isinstance(obj, Literal):
            node.setdefault("@type", []).append((_ntriples_term(obj), _node_id(obj)))
        else:
            node.setdefault(str(predicate), []).append((_ntriples_term(obj), _value(obj)))
    result: list[JsonObject] = []
    for node_id in sorted(nodes):
        node = nodes[node_id]
        result.append(
            {
                key: [item for _, item in sorted(_distinct(values))] if key != "@id" else values
                for key, values in node.items()
            }
        )
    return result


def _distinct(values: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """`values` without repeats (a graph is a set; the key is the term's N-Triples form)."""
    return list({key: (key, item) for key, item in values}.values())


def _node_id(term: Node) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _ntriples_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term.n3())


def _value(term: Node) -> JsonObject:
    if not isinstance(term, Literal):
        return {"@id": _node_id(term)}
    value: JsonObject = {"@value": str(term)}
    if term.language:
        value["@language"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        value["@type"] = str(term.datatype)
    return value


def _dump_json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
