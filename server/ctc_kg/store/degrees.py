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
from collections import Counter
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


def of_store(store: ox.Store) -> Degrees:
    """Count every quad of `store` once (about a second per million quads)."""
    subjects: Counter[Any] = Counter()
    objects: Counter[Any] = Counter()
    subject_predicate: Counter[tuple[Any, str]] = Counter()
    object_predicate: Counter[tuple[Any, str]] = Counter()
    for quad in store.quads_for_pattern(None, None, None, None):
        predicate = quad.predicate.value
        subjects[quad.subject] += 1
        objects[quad.object] += 1
        subject_predicate[quad.subject, predicate] += 1
        object_predicate[quad.object, predicate] += 1
    out: dict[str, int] = {}
    for (_, predicate), count in subject_predicate.items():
        out[predicate] = max(out.get(predicate, 0), count)
    into: dict[str, int] = {}
    for (_, predicate), count in object_predicate.items():
        into[predicate] = max(into.get(predicate, 0), count)
    return Degrees(
        out_any=max(subjects.values(), default=0),
        in_any=max(objects.values(), default=0),
        out=out,
        into=into,
    )


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
