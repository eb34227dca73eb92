"""Pick the IRIs and words the query mix uses from any graph (synthetic or the real
one), so every query has answers and the same graph always gives the same picks."""

from __future__ import annotations

import re

import pyoxigraph as ox

from bench.generate import B
from bench.queries import PROLOGUE, Samples

_PER_KIND = 64
# Resources the distinct workloads spread over (all of them in a small graph).
_SUBJECTS = 4096


def _column(store: ox.Store, query: str) -> list[str]:
    rows = store.query(PROLOGUE + query, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    return [row[0].value for row in rows]


def _spread(items: list[str], count: int = _PER_KIND) -> tuple[str, ...]:
    """`count` items evenly spread over the sorted list (old and new resources alike)."""
    if len(items) <= count:
        return tuple(items)
    step = len(items) / count
    return tuple(items[int(i * step)] for i in range(count))


def sample(store: ox.Store) -> Samples:
    meetings = _column(
        store, "SELECT DISTINCT ?m WHERE { ?m a schema:Event ; schema:organizer ?o } ORDER BY ?m"
    )
    with_parent = _column(
        store,
        "SELECT DISTINCT ?m WHERE { ?m a schema:Event ; schema:organizer ?o . "
        "?o org:subOrganizationOf ?p } ORDER BY ?m",
    )
    organizations = _column(
        store, "SELECT DISTINCT ?o WHERE { ?o a schema:Organization } ORDER BY ?o"
    )
    suborganizations = _column(
        store, "SELECT DISTINCT ?o WHERE { ?o org:subOrganizationOf ?p } ORDER BY ?o"
    )
    cities = _column(store, "SELECT DISTINCT ?c WHERE { ?c a schema:City } ORDER BY ?c")
    labels = _column(
        store,
        'SELECT DISTINCT ?l WHERE { ?c a schema:City ; rdfs:label ?l FILTER (LANG(?l) = "en") } '
        "ORDER BY ?l",
    )
    subjects = _column(
        store,
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER (STRSTARTS(STR(?s), "{B}")) }} ORDER BY ?s',
    )
    words = sorted(
        {w for label in labels for w in re.findall(r"[A-Za-z]{4,}", label)},
    )
    return Samples(
        meetings=_spread([m for m in meetings if m.startswith(B)]),
        organizations=_spread([o for o in organizations if o.startswith(B)]),
        suborganizations=_spread(suborganizations),
        meetings_with_parent=_spread(with_parent),
        places=_spread([c for c in cities if c.startswith(B)]),
        search_words=_spread(words, 16),
        subjects=_spread(subjects, _SUBJECTS),
    )
