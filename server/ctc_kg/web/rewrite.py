"""Base IRI <-> public URL (the only place IRIs are rewritten).

The store always holds canonical IRIs under the base `B`. A request's public base is,
in order: the `X-Forwarded-Proto/Host/Prefix` headers when `trust_forwarded_headers`
is set (only behind a proxy that sets them: a client could forge them otherwise), then
`--public-url`, then `B` itself (no rewriting).

Outgoing, rewriting is done on RDF terms, never on bytes: the store's answer is parsed
(pyoxigraph), every term is mapped by the one rule of ctc_kg.iris (IRIs under `B`, and
IRIs written as literals, such as `void:uriSpace "B"`; a sentence that quotes the base is
left alone), and the result is serialized again. Incoming, the IRIs of a query (`<...>` tokens,
including PREFIX and BASE declarations) are mapped back; strings and comments are not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ctc_kg import iris
from ctc_kg.store.sparqltokens import map_iris


@dataclass(frozen=True)
class IriMap:
    """Maps canonical IRIs under `base` to the same paths under `public`, and back."""

    base: str
    public: str

    @property
    def identity(self) -> bool:
        return self.base == self.public

    def outward(self, iri: str) -> str:
        return iris.moved(iri, self.base, self.public)

    def inward(self, iri: str) -> str:
        return iris.moved(iri, self.public, self.base)

    def query_inward(self, text: str) -> str:
        return text if self.identity else map_iris(text, self.inward)

    def term(self, term: Any) -> Any:
        """A pyoxigraph term with its IRIs mapped outward."""
        if isinstance(term, ox.NamedNode):
            return ox.NamedNode(self.outward(term.value))
        if isinstance(term, ox.Literal):
            return self._literal(term)
        if isinstance(term, ox.Triple):
            return ox.Triple(
                self.term(term.subject), self.term(term.predicate), self.term(term.object)
            )
        return term

    def _literal(self, literal: ox.Literal) -> ox.Literal:
        if self.identity or literal.direction is not None:
            return literal
        datatype = literal.datatype.value
        value, moved = iris.moved_literal(literal.value, datatype, literal.language, self.outward)
        if value == literal.value and moved == datatype:
            return literal
        return ox.Literal(value, datatype=ox.NamedNode(moved) if moved else None)

    def quad(self, quad: ox.Quad) -> ox.Quad:
        graph = quad.graph_name
        return ox.Quad(
            self.term(quad.subject),
            self.term(quad.predicate),
            self.term(quad.object),
            graph if isinstance(graph, ox.DefaultGraph) else self.term(graph),
        )

    def prefixes(self, prefixes: Mapping[str, str]) -> dict[str, str]:
        return {name: self.outward(iri) for name, iri in prefixes.items()}

    def results_json(self, data: dict[str, Any]) -> dict[str, Any]:
        """SPARQL JSON results with every IRI binding mapped outward (in place)."""
        if self.identity:
            return data
        for row in data.get("results", {}).get("bindings", []):
            for value in row.values():
                self._binding(value)
        return data

    def _binding(self, value: dict[str, Any]) -> None:
        if value.get("type") == "uri":
            value["value"] = self.outward(value["value"])
        elif value.get("type") in ("literal", "typed-literal"):
            moved = iris.moved_literal(
                value.get("value", ""), value.get("datatype"), value.get("xml:lang"), self.outward
            )
            value["value"] = moved[0]
            if moved[1] is not None:
                value["datatype"] = moved[1]
        elif value.get("type") == "triple":
            for part in value.get("value", {}).values():
                self._binding(part)

    def json_strings(self, data: Any) -> Any:
        """A JSON document (a JSON-LD context) with every string under `base` mapped."""
        if isinstance(data, str):
            return self.outward(data)
        if isinstance(data, list):
            return [self.json_strings(item) for item in data]
        if isinstance(data, dict):
            return {key: self.json_strings(value) for key, value in data.items()}
        return data


@dataclass(frozen=True)
class ForwardedHeaders:
    proto: str | None
    host: str | None
    prefix: str | None


def public_base(
    base_iri: str,
    public_url: str | None,
    forwarded: ForwardedHeaders | None,
) -> str:
    """The public base of one request (see the module docstring for the order)."""
    if forwarded is not None and forwarded.host:
        proto = (forwarded.proto or "https").split(",")[0].strip()
        host = forwarded.host.split(",")[0].strip()
        prefix = (forwarded.prefix or "").split(",")[0].strip().strip("/")
        return f"{proto}://{host}/" + (prefix + "/" if prefix else "")
    if public_url:
        return public_url if public_url.endswith(("/", "#")) else public_url + "/"
    return base_iri
