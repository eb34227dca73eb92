"""pyoxigraph's RDF terms as rdflib's: the one conversion the build, the releases and the
pages share (pyoxigraph parses and queries; rdflib serialises and renders)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def rdflib_term(term: Any) -> Node:
    """`term` (a pyoxigraph IRI, blank node or literal) as rdflib's; an `xsd:string`
    literal becomes a plain one (the same literal in RDF 1.1, written without a type)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    raise TypeError(f"unsupported RDF term {term!r}")
