"""Before timing a contender on a workload, ask it once and read the answer: a fast
wrong answer is worth nothing. SPARQL answers are compared with pyoxigraph's (rows or
triples); resource descriptions and dumps are parsed and their triples counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.contenders import HttpContender, Oxigraph
from bench.generate import B
from bench.load import HttpRequest, fetch
from bench.queries import HTML, JSON_LD, SPARQL_JSON, TURTLE, Kind, Workload, path_of

_RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}


def _inline_contexts(document: Any, base_url: str, timeout_s: float) -> Any:
    """Replace a remote `@context` under the base IRI by the document the contender
    serves at that path (pyoxigraph's JSON-LD parser loads no remote context)."""

    def resolve(context: Any) -> Any:
        if isinstance(context, str) and context.startswith(B):
            request = HttpRequest("GET", path_of(context), {"Accept": JSON_LD})
            reply = fetch(base_url, request, timeout_s)
            if reply.status != 200:
                raise ValueError(f"context {context} not served: HTTP {reply.status}")
            return json.loads(reply.body)["@context"]
        if isinstance(context, list):
            return [resolve(c) for c in context]
        return context

    if isinstance(document, dict):
        return {
            k: resolve(v) if k == "@context" else _inline_contexts(v, base_url, timeout_s)
            for k, v in document.items()
        }
    if isinstance(document, list):
        return [_inline_contexts(d, base_url, timeout_s) for d in document]
    return document


def count(body: bytes, content_type: str, base_url: str = "", timeout_s: float = 10.0) -> int:
    """Rows of a SPARQL JSON result, or triples of an RDF document."""
    media = content_type.split(";")[0].strip()
    if media == SPARQL_JSON:
        return len(json.loads(body)["results"]["bindings"])
    if media not in _RDF_FORMATS:
        raise ValueError(f"unexpected Content-Type {content_type!r}")
    if media == JSON_LD:
        body = json.dumps(_inline_contexts(json.loads(body), base_url, timeout_s)).encode()
    return len(list(ox.parse(body, format=_RDF_FORMATS[media])))


def _reference(reference: Oxigraph, workload: Workload, item: str) -> int:
    body = reference.answer(workload, item)
    media = SPARQL_JSON if workload.accept == SPARQL_JSON else workload.accept
    return count(body, media)


def check(
    contender: HttpContender, workload: Workload, reference: Oxigraph, timeout_s: float
) -> tuple[bool, str]:
    """Ask the first two requests of the rotation once. Returns (runnable, what was
    seen): an error status means the cells are not run; a SPARQL answer that differs
    from pyoxigraph's is reported, and timed anyway."""
    seen: list[str] = []
    differs = False
    for item in workload.items[:2]:
        try:
            reply = fetch(contender.base_url, contender.request(workload, item), timeout_s)
        except OSError as error:
            return False, f"no answer: {error}"
        if not 200 <= reply.status < 300:
            return False, f"HTTP {reply.status}: {reply.body[:120]!r}"
        if workload.accept == HTML:
            if not reply.content_type.startswith("text/html"):
                return True, f"Content-Type {reply.content_type}"
            seen.append(f"{len(reply.body)} bytes")
            continue
        try:
            got = count(reply.body, reply.content_type, contender.base_url, timeout_s)
        except (ValueError, SyntaxError, KeyError, OSError) as error:
            return True, f"unreadable answer: {error}"
        if workload.kind is Kind.SPARQL:
            expected = _reference(reference, workload, item)
            if got != expected:
                differs = True
                seen.append(f"{got} vs {expected}")
            else:
                seen.append(str(got))
        else:
            seen.append(f"{got} triples")
    if differs:
        return True, "count differs from pyoxigraph: " + ", ".join(seen)
    return True, "ok" if workload.kind is Kind.SPARQL else "ok: " + ", ".join(seen)


def capture_static(
    contender: HttpContender, mix: list[Workload], static: Path, timeout_s: float
) -> int:
    """Write what `contender` (ctc-kg) answers for every resource of the rotation, its
    JSON-LD context and its Turtle dump under `static`, so nginx serves the same bytes.
    Returns the number of files written."""
    written = 0
    targets: list[tuple[HttpRequest, Path]] = []
    for workload in mix:
        if workload.kind is Kind.RESOURCE and workload.accept in (TURTLE, JSON_LD):
            extension = "ttl" if workload.accept == TURTLE else "jsonld"
            for item in workload.items:
                target = static / path_of(item).lstrip("/")
                targets.append(
                    (
                        contender.request(workload, item),
                        target.with_name(f"{target.name}.{extension}"),
                    )
                )
        elif workload.kind is Kind.DUMP:
            for item in workload.items:
                targets.append((contender.request(workload, item), static / item))
    context = B + "context/v1.jsonld"
    targets.append(
        (
            HttpRequest("GET", path_of(context), {"Accept": JSON_LD}),
            static / path_of(context).lstrip("/"),
        )
    )
    for request, target in targets:
        reply = fetch(contender.base_url, request, timeout_s)
        if reply.status == 200:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(reply.body)
            written += 1
    return written
