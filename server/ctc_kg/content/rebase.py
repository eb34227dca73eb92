"""rdflib terms, graphs and datasets with their IRIs moved from one base to another.

The rule of what moves is ctc_kg.iris's (IRIs under the base, datatypes, and IRIs written
as literals), here applied to rdflib terms: at load time when a deployment's base IRI is
not the canonical one (content.load), and for what the pages show under a public URL
(web.html), so that both move exactly what the server's answers move (web.rewrite).
"""

from __future__ import annotations

from typing import cast

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from ctc_kg import iris
from ctc_kg.content.reading import all_quads
from ctc_kg.content.serialize import Quad, add_quad, new_dataset, new_graph


def moved_term(term: Node, move: iris.Move) -> Node:
    """The term with `move` applied as ctc_kg.iris says: to an IRI, to a literal's
    datatype, and to a literal that is an IRI written as text; anything else as it is."""
    if isinstance(term, URIRef):
        target = move(str(term))
        return term if target == str(term) else URIRef(target)
    if not isinstance(term, Literal):
        return term
    datatype = str(term.datatype) if term.datatype is not None else None
    value, new_datatype = iris.moved_literal(str(term), datatype, term.language, move)
    if value == str(term) and new_datatype == datatype:
        return term
    return Literal(value, datatype=URIRef(new_datatype) if new_datatype is not None else None)


def rebase_term(term: Node, from_base: str, to_base: str) -> Node:
    """The term with from_base replaced by to_base (ctc_kg.iris's rule)."""
    return moved_term(term, iris.mover(from_base, to_base))


def rebase(dataset: Dataset, from_base: str, to_base: str) -> Dataset:
    """A copy of the dataset with every IRI under from_base moved under to_base.

    Used at load time when a deployment's base IRI is not the canonical one: the files
    keep the canonical base and every IRI (terms, resources, graph names) follows.
    """
    move = iris.mover(from_base, to_base)
    result = new_dataset(to_base)
    for quad in all_quads(dataset):
        add_quad(result, cast(Quad, tuple(moved_term(t, move) for t in quad)))
    return result


def rebase_graph(graph: Graph, from_base: str, to_base: str) -> Graph:
    """A copy of the graph with every IRI under from_base moved under to_base."""
    move = iris.mover(from_base, to_base)
    result = new_graph(to_base)
    for triple in graph:
        s, p, o = (moved_term(t, move) for t in triple)
        result.add((s, p, o))
    return result
