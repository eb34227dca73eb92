"""The static site's descriptions are written as the server writes them (issue 13,
points 2 and 8): N-Quads and TriG hold every statement in their default graph, and
Turtle has one block per subject, the resource first, and only the prefixes it uses.
The site re-renders the descriptions that hold blank nodes (stable.py), so those are
checked here along with one without."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from tests.tidy import assert_reads_like_the_dump

pytestmark = pytest.mark.slow

# The shapes document and a linkset hold blank nodes; the meeting does not.
PATHS = ["shapes", "linkset/wikidata", "meeting/2003-new-york"]


def default_graph(body: bytes, fmt: str) -> Graph:
    dataset = Dataset().parse(data=body, format=fmt)
    graph = Graph()
    for triple in dataset.graph(DATASET_DEFAULT_GRAPH_ID):
        graph.add(triple)
    return graph


@pytest.mark.parametrize("path", PATHS)
def test_site_descriptions_hold_every_statement_in_the_default_graph_and_read_like_the_dump(
    site, path
) -> None:
    folder = site.folder
    turtle = (folder / f"{path}.ttl").read_bytes()
    union = Graph().parse(data=turtle, format="turtle")
    assert len(union) > 0
    for suffix, fmt in (("nq", "nquads"), ("trig", "trig")):
        assert isomorphic(default_graph((folder / f"{path}.{suffix}").read_bytes(), fmt), union)
    assert_reads_like_the_dump(turtle, union)
    first = next(line for line in turtle.decode().splitlines() if not line.startswith("@prefix"))
    assert first.startswith(f"<{site.public}{path}> ")
