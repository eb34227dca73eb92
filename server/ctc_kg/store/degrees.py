"""How many triples one resource can have on each side: the store's degree statistics.

`store.bounded` decides from these whether a query can be answered in the web worker
(it provably touches few triples) or must go to a killable query process. They are
computed once per data version, when the store is written (`store.worker.write`), and
kept beside it; a store without them answers every query through its processes.

Counted over quads (every graph, the merged default graph included), so a degree bounds
what one triple pattern matches in any dataset a request can name.

The largest degree of any resource is that of a hub: at 1M quads a series with 58,712
meetings (`schema:subEvent`), over `bounded.MAX_ROWS`, so a bound resting on it alone sent
every one-resource lookup to the query process. The `LISTED` IRIs with the most quads on
each side are therefore kept with their own degree; every other IRI has at most the next
resource's degree (`out_rest`, `in_rest`), and a pattern naming an IRI is bounded by that.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

#: How many IRIs with the most quads, on each side, are kept with their own degree.
LISTED = 1_000


@dataclass(frozen=True)
class Degrees:
    """The largest number of quads sharing one subject (`out_any`) or one object
    (`in_any`), the same per predicate IRI (`out`, `into`), and per IRI for the IRIs with
    the most quads (`out_top`, `in_top`); any IRI not in those has at most `out_rest`
    (`in_rest`) quads on that side (None: nothing known beyond `out_any`, `in_any`)."""

    out_any: int
    in_any: int
    out: dict[str, int]
    into: dict[str, int]
    out_top: dict[str, int] = field(default_factory=dict)
    in_top: dict[str, int] = field(default_factory=dict)
    out_rest: int | None = None
    in_rest: int | None = None

    def out_of(self, predicate: str | None, subject: str | None = None) -> int:
        """Quads one subject (the IRI `subject`, or any: None) has with `predicate` (None:
        any predicate, or one we could not resolve for certain): a predicate absent from
        the store has none."""
        largest = self.out_any if predicate is None else self.out.get(predicate, 0)
        if subject is None:
            return largest
        return min(largest, _own(subject, self.out_top, self.out_rest, self.out_any))

    def into_of(self, predicate: str | None, obj: str | None = None) -> int:
        """Quads one object (the IRI `obj`, or any: None) has with `predicate`."""
        largest = self.in_any if predicate is None else self.into.get(predicate, 0)
        if obj is None:
            return largest
        return min(largest, _own(obj, self.in_top, self.in_rest, self.in_any))

    def to_json(self) -> dict[str, Any]:
        return {
            "out_any": self.out_any,
            "in_any": self.in_any,
            "out": self.out,
            "in": self.into,
            "out_top": self.out_top,
            "in_top": self.in_top,
            "out_rest": self.out_rest,
            "in_rest": self.in_rest,
        }

    @classmethod
    def from_json(cls, found: dict[str, Any]) -> Degrees:
        """The statistics as `to_json` wrote them; those of a store written before the
        per-IRI degrees (no `out_top`) bound every IRI by the largest degree, as then."""
        return cls(
            out_any=int(found["out_any"]),
            in_any=int(found["in_any"]),
            out=_counts(found["out"]),
            into=_counts(found["in"]),
            out_top=_counts(found.get("out_top", {})),
            in_top=_counts(found.get("in_top", {})),
            out_rest=_optional_count(found.get("out_rest")),
            in_rest=_optional_count(found.get("in_rest")),
        )


def _own(iri: str, top: dict[str, int], rest: int | None, largest: int) -> int:
    """The most quads the IRI has on one side: its own count when listed, else the rest's."""
    found = top.get(iri)
    if found is not None:
        return found
    return largest if rest is None else rest


def _counts(found: dict[str, Any]) -> dict[str, int]:
    return {str(key): int(value) for key, value in found.items()}


def _optional_count(found: Any) -> int | None:
    return None if found is None else int(found)


# Every quad of the store, whatever its graph (the statistics bound a pattern's matches in
# any graph, the merged default graph included).
_EVERY_QUAD = "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


def of_store(store: ox.Store, listed: int = LISTED) -> Degrees:
    """The largest numbers of quads one subject or object has, overall, per predicate and
    for the `listed` IRIs with the most: four grouped counts, evaluated by the store (four
    times faster than counting here)."""
    out_any, out_top, out_rest = _most(store, "?s", listed)
    in_any, in_top, in_rest = _most(store, "?o", listed)
    return Degrees(
        out_any=out_any,
        in_any=in_any,
        out=_largest_per_predicate(store, "?s"),
        into=_largest_per_predicate(store, "?o"),
        out_top=out_top,
        in_top=in_top,
        out_rest=out_rest,
        in_rest=in_rest,
    )


def _most(store: ox.Store, term: str, listed: int) -> tuple[int, dict[str, int], int]:
    """The largest count of quads sharing `term`; the IRIs among the `listed` terms with
    the most quads whose count is above the next term's; and that next term's count (0
    when there is none), which bounds every IRI not listed. A blank node or a literal is
    counted in the ranking but never listed: a query cannot name either as a constant the
    bound proof reads (store.queryshape)."""
    found = store.query(
        f"SELECT {term} (COUNT(*) AS ?n) WHERE {_EVERY_QUAD} GROUP BY {term} "
        f"ORDER BY DESC(?n) LIMIT {listed + 1}"
    )
    assert isinstance(found, ox.QuerySolutions)
    ranked: list[tuple[Any, int]] = []
    for solution in found:
        count = solution["n"]
        assert isinstance(count, ox.Literal)
        ranked.append((solution[term[1:]], int(count.value)))
    rest = ranked[listed][1] if len(ranked) > listed else 0
    top = {
        resource.value: count
        for resource, count in ranked[:listed]
        if isinstance(resource, ox.NamedNode) and count > rest
    }
    return (ranked[0][1] if ranked else 0), top, rest


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
