"""Triples indexed by subject and by predicate: what the dataset description reads of the
data's union graph, without an rdflib graph.

The build has the union as a list of distinct triples (content.serialize.statements_of).
An rdflib graph of them took 0.8 CPU-s at 100k triples to build and 0.6 to count in
(bench/README.md); two dictionaries take a fraction of that. The methods answer as
rdflib's `Graph` methods of the same names do, for the patterns the description asks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib.term import Node

Triple = tuple[Node, Node, Node]
Pair = tuple[Node, Node]


class TripleIndex:
    """Distinct triples (a graph holds each once), by subject and by predicate."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self._by_subject: dict[Node, list[Pair]] = {}
        self._by_predicate: dict[Node, list[Pair]] = {}
        self._count = 0
        by_subject, by_predicate = self._by_subject, self._by_predicate
        for subject, predicate, obj in triples:
            self._count += 1
            found = by_subject.get(subject)
            if found is None:
                found = by_subject[subject] = []
            found.append((predicate, obj))
            found = by_predicate.get(predicate)
            if found is None:
                found = by_predicate[predicate] = []
            found.append((subject, obj))

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Triple]:
        for subject, pairs in self._by_subject.items():
            for predicate, obj in pairs:
                yield subject, predicate, obj

    def about(self, subject: Node) -> list[Pair]:
        """The (predicate, object) pairs of `subject`."""
        return self._by_subject.get(subject, [])

    def with_predicate(self, predicate: Node) -> list[Pair]:
        """The (subject, object) pairs of `predicate`."""
        return self._by_predicate.get(predicate, [])

    def subjects(self, predicate: Node | None = None, obj: Node | None = None) -> list[Node]:
        """The subjects of every triple (`predicate` None), or of those with `predicate`
        and `obj`; a subject once per triple, as rdflib's `Graph.subjects`."""
        if predicate is None:
            return [subject for subject, pairs in self._by_subject.items() for _ in pairs]
        return [s for s, o in self.with_predicate(predicate) if obj is None or o == obj]

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> list[Node]:
        """The objects of every triple (`subject` None), or those of `subject` and
        `predicate`."""
        if subject is None:
            return [obj for pairs in self._by_subject.values() for _, obj in pairs]
        return [o for p, o in self.about(subject) if predicate is None or p == predicate]

    def value(self, subject: Node, predicate: Node) -> Node | None:
        """One object of `subject` and `predicate`, or None."""
        found = self.objects(subject, predicate)
        return found[0] if found else None
