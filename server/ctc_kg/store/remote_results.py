"""The remote backend's answers converted here: SPARQL JSON results and N-Triples from
the store, written by pyoxigraph in the format the client asked for (store.remote says
why), with Virtuoso's blank node labels made valid."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pyoxigraph as ox

from ctc_kg.errors import NotAcceptableError, StoreUnavailableError


def _blank_label(value: str) -> str:
    """Virtuoso names blank nodes `nodeID://b1234` in results; keep a valid label."""
    label = value.rsplit("/", 1)[-1] if value.startswith("nodeID://") else value
    return label if label and label.replace("_", "").replace("-", "").isalnum() else "b" + label


def term(binding: Mapping[str, str]) -> Any:
    kind = binding["type"]
    value = binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(_blank_label(value))
    language = binding.get("xml:lang")
    if language:
        return ox.Literal(value, language=language)
    datatype = binding.get("datatype")
    if datatype:
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


def _fix_blank_nodes(data: Any) -> Any:
    """SPARQL JSON results with Virtuoso's `nodeID://` blank node labels made valid."""
    for row in data.get("results", {}).get("bindings", []):
        for binding in row.values():
            if binding.get("type") == "bnode":
                binding["value"] = _blank_label(binding["value"])
            if binding.get("type") == "typed-literal":  # the pre-2013 JSON spelling
                binding["type"] = "literal"
    return data


def results(raw: bytes, media_type: str, limit: int | None) -> tuple[bytes, bool]:
    """SPARQL JSON from the store as `media_type`, serialized by pyoxigraph, with at most
    `limit` solutions; also whether some were left out."""
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    if fmt is None:
        raise NotAcceptableError(f"Cannot produce {media_type}.")
    try:
        data = _fix_blank_nodes(json.loads(raw))
        truncated = False
        if "results" in data:
            bindings = data["results"].get("bindings", [])
            truncated = limit is not None and len(bindings) > limit
            if truncated:
                data["results"]["bindings"] = bindings[:limit]
        parsed = ox.parse_query_results(
            json.dumps(data).encode("utf-8"), format=ox.QueryResultsFormat.JSON
        )
    except (ValueError, SyntaxError) as error:
        raise StoreUnavailableError(f"The SPARQL store sent unreadable results: {error}") from error
    return parsed.serialize(format=fmt) or b"", truncated


def parse_ntriples(body: bytes) -> Iterator[ox.Quad]:
    try:
        yield from ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as error:
        raise StoreUnavailableError(f"The SPARQL store sent unreadable RDF: {error}") from error


def serialize(quads: list[ox.Quad], media_type: str, prefixes: Mapping[str, str]) -> bytes:
    """Quads as `media_type` by pyoxigraph (triples for a format without graphs)."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise NotAcceptableError(f"Cannot produce {media_type}.")
    items: list[Any]
    if fmt.supports_datasets:
        items = quads
    else:
        items = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
    with_prefixes = fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)
    body = ox.serialize(items, format=fmt, prefixes=dict(prefixes) if with_prefixes else None)
    return body or b""
