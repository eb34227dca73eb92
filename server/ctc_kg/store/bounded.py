"""Which queries provably cannot run long, so the web worker may answer them itself.

Every query normally runs in a query process the server kills at the time limit
(store.pool). A query may skip that round trip only when this module proves, from its
text and the store's degree statistics (store.degrees), that it touches at most
`MAX_ROWS` rows whatever the engine does. Anything it does not recognise, or cannot
prove, goes to the process: the answer is the same either way, only the path differs.

The query's shape comes from store.queryshape (what is recognised is listed there).

When a shape is bounded (the rule the engine's planner cannot defeat):
- a pattern with a constant subject or object matches at most that constant's degree:
  the smaller of the store's largest for the predicate (for any predicate when the
  predicate is a variable or an IRI we cannot resolve for certain) and the constant's own
  (store.degrees: its count when it is among the IRIs with the most quads, else the
  largest count of those not listed; a literal or an IRI we cannot resolve for certain
  counts as any resource): bounded however it is evaluated;
- a pattern of variables only, `?s P ?o`, must hang from a bound subject: `?s` is bound
  by the other mandatory patterns, `?o` appears in no other pattern but as the subject
  of such hanging patterns (and never beside a constant), a variable predicate appears
  nowhere else. Then the only way into it is through `?s`, and the engine (pyoxigraph's
  planner joins a pattern whose subject is bound by a for-loop, index lookups per row)
  matches at most the subject's out-degree per row;
- an OPTIONAL pattern hangs from a subject bound by mandatory patterns written before
  it, its object and predicate variables appearing nowhere else.
The product of these per-pattern maxima bounds every intermediate result (joins,
cartesian products included); it must stay at most `MAX_ROWS`.
"""

from __future__ import annotations

from math import prod

from ctc_kg.store.degrees import Degrees
from ctc_kg.store.queryshape import Pattern, Shape, pattern_variables

#: The most rows a query answered in the web worker may produce or go through.
MAX_ROWS = 10_000


def rows_bound(found: Shape, degrees: Degrees, limit: int = MAX_ROWS) -> int | None:
    """An upper bound on the rows any evaluation of `found` goes through, when it is at
    most `limit`; None when it cannot be shown to be."""
    everything = [*found.patterns, *(pattern for pattern, _ in found.optionals)]
    factors: list[int] = []
    bound: set[str] = set()
    hanging: list[Pattern] = []
    for pattern in found.patterns:
        free = _free_size(pattern, degrees)
        if free is None:
            hanging.append(pattern)
        else:
            factors.append(free)
            bound.update(pattern_variables(pattern))
    while hanging:
        ready = [p for p in hanging if p[0].value in bound]
        if not ready:
            return None
        for pattern in ready:
            if not _hangs(pattern, everything, mandatory=True):
                return None
            factors.append(degrees.out_of(pattern[1].value if not pattern[1].variable else None))
            bound.update(pattern_variables(pattern))
            hanging.remove(pattern)
    for pattern, before in found.optionals:
        free = _free_size(pattern, degrees)
        if free is None:
            if pattern[0].value not in before or not _hangs(pattern, everything, False):
                return None
            free = degrees.out_of(None if pattern[1].variable else pattern[1].value)
        factors.append(free)
    total = prod(max(1, factor) for factor in factors)
    return total if total <= limit else None


def _free_size(pattern: Pattern, degrees: Degrees) -> int | None:
    """What the pattern matches with nothing bound, when a constant anchors it."""
    subject, predicate, obj = pattern
    iri = None if predicate.variable else predicate.value
    if not subject.variable and not obj.variable:
        return min(degrees.out_of(iri, subject.value), degrees.into_of(iri, obj.value))
    if not subject.variable:
        return degrees.out_of(iri, subject.value)
    if not obj.variable:
        return degrees.into_of(iri, obj.value)
    return None


def _hangs(pattern: Pattern, everything: list[Pattern], mandatory: bool) -> bool:
    """`?s P ?o` reachable only through `?s` (see the module's docstring): its object
    appears elsewhere only as the subject of another variables-only mandatory pattern,
    its predicate variable nowhere else."""
    subject, predicate, obj = pattern
    if obj.value == subject.value:
        return False
    if predicate.variable and predicate.value in (subject.value, obj.value):
        return False
    for other in everything:
        if other is pattern:
            continue
        names = set(pattern_variables(other))
        if predicate.variable and predicate.value in names:
            return False
        if obj.value not in names:
            continue
        child = (
            mandatory
            and other[0] == obj
            and other[2].variable
            and other[2].value != obj.value
            and not (other[1].variable and other[1].value == obj.value)
        )
        if not child:
            return False
    return True
