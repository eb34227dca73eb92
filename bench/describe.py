"""Resource descriptions computed in-process with pyoxigraph: the bytes nginx serves from
files, and the in-process floor for dereferencing.

The description follows the store interface's definition (server/ctc_kg/store/base.py):
the resource's outgoing triples, its incoming triples, and the labels of every resource
they mention, over the union of all graphs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from bench.generate import PREFIXES, RDFS
from bench.queries import path_of

_LABEL = ox.NamedNode(RDFS + "label")

FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}


def description(store: ox.Store, iri: str) -> list[ox.Triple]:
    node = ox.NamedNode(iri)
    triples: dict[ox.Triple, None] = {}
    mentioned: dict[ox.NamedNode, None] = {}
    for quad in store.quads_for_pattern(node, None, None, None):
        triples[quad.triple] = None
        if isinstance(quad.object, ox.NamedNode):
            mentioned[quad.object] = None
    for quad in store.quads_for_pattern(None, None, node, None):
        triples[quad.triple] = None
        if isinstance(quad.subject, ox.NamedNode):
            mentioned[quad.subject] = None
    for other in mentioned:
        if other == node:
            continue
        for quad in store.quads_for_pattern(other, _LABEL, None, None):
            triples[quad.triple] = None
    return list(triples)


def serialize(triples: Iterable[ox.Triple], extension: str) -> bytes:
    data = ox.serialize(triples, format=FORMATS[extension], prefixes=PREFIXES)
    assert data is not None  # no output file given: the bytes come back
    return data


def write_static(store: ox.Store, iris: Iterable[str], dump: Path, out: Path) -> None:
    """`out/<path>.ttl` and `.jsonld` for each IRI, and `out/dump/ctc-kg.ttl` (a copy of
    `dump`): what nginx serves."""
    for iri in iris:
        triples = description(store, iri)
        target = out / path_of(iri).lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        for extension in FORMATS:
            target.with_name(f"{target.name}.{extension}").write_bytes(
                serialize(triples, extension)
            )
    (out / "dump").mkdir(parents=True, exist_ok=True)
    (out / "dump" / "ctc-kg.ttl").write_bytes(dump.read_bytes())


def union_turtle(store: ox.Store, target: Path) -> None:
    """The union of all graphs as one Turtle file (each triple once)."""
    seen: dict[ox.Triple, None] = {}
    for quad in store:
        seen[quad.triple] = None
    ox.serialize(seen, str(target), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
