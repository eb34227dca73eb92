"""How much of a large graph one page shows, and which part.

A resource of a big graph can have thousands of values for one property (a series and
its meetings) or be pointed to by thousands of resources (the committee that organized
every meeting). A page lists at most `PER_PROPERTY` values of each property and as many
resources pointing to it through each property, says how many there are in all, and
links to a SPARQL query that lists them all. The landing page shows the first
`MEETINGS` meetings by date and, in its matrix, the first `MATRIX_ORGANIZATIONS`
organizations of those meetings by name.

Which values of a property are kept is decided without labels (`first_values`: IRIs,
then literals, then blank nodes, each in code-point order), so the part a page shows is
cut out of the store's description before any label is read, and a page built from the
whole graph shows the same part. Which resources pointing to it are listed is left to
the store (a LIMIT without ORDER BY, whose cost does not grow with the hub): the page
says "100 of 2,345 shown", not "the first 100".
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

PER_PROPERTY = 100
MEETINGS = 50
MATRIX_ORGANIZATIONS = 50
HOST_CITIES = 100


def term_key(node: Node) -> tuple[int, str, str]:
    """A total order on terms that needs nothing but the terms themselves."""
    if isinstance(node, URIRef):
        return (0, str(node), "")
    if isinstance(node, Literal):
        return (1, str(node), f"{node.language or ''}^{node.datatype or ''}")
    if isinstance(node, BNode):
        return (2, str(node), "")
    return (3, str(node), "")


def first_values(nodes: Iterable[Node], limit: int = PER_PROPERTY) -> list[Node]:
    """The first `limit` distinct nodes in `term_key` order."""
    return sorted(set(nodes), key=term_key)[:limit]


# The participations, sessions and outcome documents one resource page shows (a meeting's,
# a person's, an organization's record); the landing page's matrix reads at most
# MATRIX_PARTICIPATIONS participations of its meetings.
RECORD = 200
MATRIX_PARTICIPATIONS = 2000
