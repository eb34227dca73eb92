"""How many triples one resource can have on each side: the store's degree statistics.

`store.bounded` decides from these whether a query can be answered in the web worker
(it provably touches few triples) or must go to a killable query process. They are
computed once per data version, when the store is written (`store.worker.write`), and
kept beside it; a store without them answers every query through its processes.

Counted over quads (every graph, the merged default graph included), so a degree bounds
what one triple pattern matches in any dataset a request can name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox


@dataclass(frozen=True)
class Degrees:
    """The largest number of quads sharing one subject (`out_any`) or one object
    (`in_any`), and the same per predicate IRI (`out`, `into`)."""

    out_any: int
    in_any: int
    out: dict[str, int]
    into: dict[str, int]

    def out_of(self, predicate: str | None) -> int:
        """Quads one subject has with `predicate` (None: any predicate, or one we could
        not resolve for certain): a predicate absent from the store has none."""
        if predicate is None:
            return self.out_any
        return self.out.get(predicate, 0)

    def into_of(self, predicate: str | None) -> int:
        if predicate is None:
            return self.in_any
        return self.into.get(predicate, 0)

    def to_json(self) -> dict[str, Any]:
        return {"out_any": self.out_any, "in_any": self.in_any, "out": self.out, "in": self.into}

    @classmethod
    def from_json(cls, found: dict[str, Any]) -> Degrees:
        return cls(
            out_any=int(found["out_any"]),
            in_any=int(found["in_any"]),
            out={str(k): int(v) for k, v in found["out"].items()},
            into={str(k): int(v) for k, v in found["in"].items()},
        )


# Every quad of the store, whatever its graph (the statistics bound a pattern's matches in
# any graph, the merged default graph included).
_EVERY_QUAD = "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


def of_store(store: ox.Store) -> Degrees:
    """The largest numbers of quads one subject or object has, overall and per predicate:
    four grouped counts, evaluated by the store (four times faster than counting here)."""
    return Degrees(
        out_any=_largest(store, "?s"),
        in_any=_largest(store, "?o"),
        out=_largest_per_predicate(store, "?s"),
        into=_largest_per_predicate(store, "?o"),
    )


def _largest(store: ox.Store, term: str) -> int:
    found = store.query(
        f"SELECT (MAX(?n) AS ?m) WHERE {{ SELECT {term} (COUNT(*) AS ?n) "
        f"WHERE {_EVERY_QUAD} GROUP BY {term} }}"
    )
    assert isinstance(found, ox.QuerySolutions)
    value = next(iter(found))["m"]
    return int(value.value) if isinstance(value, ox.Literal) else 0


def _largest_per_predicate(store: ox.Store, term: str) -> dict[str, int]:
    found = store.query(
        f"SELECT ?p (MAX(?n) AS ?m) WHERE {{ SELECT {term} ?p (COUNT(*) AS ?n) "
        f"WHERE {_EVERY_QUAD} GROUP BY {term} ?p }} GROUP BY ?p"
    )
    assert isinstance(found, ox.QuerySolutions)
    largest: dict[str, int] = {}
    for solution in found:
        predicate, value = solution["p"], solution["m"]
        assert isinstance(predicate, ox.NamedNode)
        assert isinstance(value, ox.Literal)
        largest[predicate.value] = int(value.value)
    return largest


def path_beside(directory: Path) -> Path:
    """Where the statistics of the store at `directory` are kept (not inside RocksDB's
    own folder)."""
    return directory.with_name(directory.name + ".degrees.json")


def save(degrees: Degrees, directory: Path) -> None:
    path_beside(directory).write_text(json.dumps(degrees.to_json()), encoding="utf-8")


def load(directory: Path) -> Degrees | None:
    """The statistics written with the store, or None (a store written before them)."""
    try:
        found = json.loads(path_beside(directory).read_text(encoding="utf-8"))
        return Degrees.from_json(found)
    except (OSError, ValueError, KeyError, AttributeError):
        return None
