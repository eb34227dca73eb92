"""A diagram of the ontology: classes as boxes (with their datatype properties), object
properties as labelled arrows from domain to range, subclass links as open arrows.

Written as Graphviz DOT and drawn with `dot -Tsvg` once per language when the server
starts (`Diagrams`), then inlined in the ontology and shapes pages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field

from rdflib import BNode, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from ctc_kg.content.names import ontology_namespace
from ctc_kg.web.html.labels import label, local_name
from ctc_kg.web.html.ontology_docs import rdf_list
from ctc_kg.web.html.quads import QuadIndex
from ctc_kg.web.html.reused_terms import curie, prefixes

_FONT = "Helvetica,Arial,sans-serif"


def quote(text: str) -> str:
    """A DOT double-quoted string holding `text` literally."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _left_lines(lines: list[str]) -> str:
    """A DOT label of left-justified lines (each line escaped, then `\\l`)."""
    escaped = [line.replace("\\", "\\\\").replace('"', '\\"') for line in lines]
    return '"' + "".join(line + "\\l" for line in escaped) + '"'


def _classes_of(index: QuadIndex, node: Node) -> list[URIRef]:
    if isinstance(node, URIRef):
        return [node]
    if isinstance(node, BNode):
        return [
            m
            for members in index.objects(node, OWL.unionOf)
            for m in rdf_list(index, members)
            if isinstance(m, URIRef)
        ]
    return []


def ontology_dot(index: QuadIndex, base_iri: str, lang: str) -> str:
    """The DOT source of the ontology's diagram, labels in `lang`."""
    namespace = str(ontology_namespace(base_iri))
    drawing = _Drawing(index, namespace, prefixes(base_iri), lang)
    classes = _defined(index, namespace, (OWL.Class, RDFS.Class))
    drawing.nodes.update({cls: [] for cls in classes})
    drawing.add_subclass_links(classes)
    for prop in _defined(index, namespace, (OWL.ObjectProperty, OWL.DatatypeProperty)):
        drawing.add_property(prop)
    return drawing.dot()


def _defined(index: QuadIndex, namespace: str, types: tuple[URIRef, ...]) -> list[URIRef]:
    """The terms of the ontology's namespace typed with one of `types`, sorted by IRI."""
    return sorted(
        {
            s
            for s, p, o in index.triples()
            if p == RDF.type
            and o in types
            and isinstance(s, URIRef)
            and str(s).startswith(namespace)
        },
        key=str,
    )


@dataclass
class _Drawing:
    """The boxes (each with its datatype properties' lines) and arrows being drawn."""

    index: QuadIndex
    namespace: str
    known: dict[str, str]
    lang: str
    nodes: dict[URIRef, list[str]] = field(default_factory=dict)
    edges: list[str] = field(default_factory=list)

    def name(self, term: URIRef) -> str:
        """Our terms by their label, others by their CURIE (or IRI)."""
        if str(term).startswith(self.namespace):
            return label(self.index, term, self.lang)
        return curie(str(term), self.known) or str(term)

    def add_subclass_links(self, classes: list[URIRef]) -> None:
        for cls in classes:
            for parent in self.index.objects(cls, RDFS.subClassOf):
                if isinstance(parent, URIRef):
                    self.nodes.setdefault(parent, [])
                    self.edges.append(
                        f"{quote(str(cls))} -> {quote(str(parent))} [arrowhead=empty, style=dashed]"
                    )

    def add_property(self, prop: URIRef) -> None:
        """An object property as arrows from each domain to each range; a datatype
        property as a line in each domain's box."""
        index = self.index
        domains = [d for n in index.objects(prop, RDFS.domain) for d in _classes_of(index, n)]
        ranges = [r for n in index.objects(prop, RDFS.range) for r in _classes_of(index, n)]
        is_object = OWL.ObjectProperty in index.objects(prop, RDF.type)
        name = self.name(prop)
        for domain in domains:
            self.nodes.setdefault(domain, [])
            if is_object:
                for target in ranges:
                    self.nodes.setdefault(target, [])
                    self.edges.append(
                        f"{quote(str(domain))} -> {quote(str(target))} "
                        f"[label={quote(name)}, URL={quote('#' + local_name(str(prop)))}]"
                    )
            else:
                range_names = ", ".join(self.name(r) for r in ranges)
                self.nodes[domain].append(f"{name}: {range_names}" if range_names else name)

    def node_attributes(self, node: URIRef) -> list[str]:
        """A box: ours link to their section of the page, others are dashed."""
        title = self.name(node)
        if self.nodes[node]:
            attributes = ["label=" + _left_lines([title, *sorted(self.nodes[node])])]
        else:
            attributes = ["label=" + quote(title)]
        if str(node).startswith(self.namespace):
            attributes.append("URL=" + quote("#" + local_name(str(node))))
            attributes.append("tooltip=" + quote(title))
        else:
            attributes.append('fillcolor="#ffffff", style="rounded,dashed"')
        return attributes

    def dot(self) -> str:
        lines = [
            "digraph ontology {",
            "  graph [rankdir=LR, bgcolor=transparent, fontname=" + quote(_FONT) + "];",
            '  node [shape=box, style="rounded,filled", fillcolor="#f3f6fa", color="#34558b", '
            "fontname=" + quote(_FONT) + ", fontsize=11];",
            '  edge [color="#34558b", fontname=' + quote(_FONT) + ", fontsize=9];",
        ]
        for node in sorted(self.nodes, key=str):
            lines.append(f"  {quote(str(node))} [{', '.join(self.node_attributes(node))}];")
        lines += [f"  {edge};" for edge in sorted(set(self.edges))]
        lines.append("}")
        return "\n".join(lines) + "\n"


_SIZE = re.compile(r'\s(width|height)="[^"]*"')


def render_svg(dot_source: str, dot_command: str = "dot", timeout: float = 30.0) -> str | None:
    """Draw `dot_source` as an inline `<svg>` element; None when Graphviz is missing."""
    executable = shutil.which(dot_command)
    if executable is None:
        return None
    done = subprocess.run(  # noqa: S603 - a fixed executable, input on stdin
        [executable, "-Tsvg"],
        input=dot_source.encode(),
        capture_output=True,
        timeout=timeout,
        check=True,
    )
    svg = done.stdout.decode()
    start = svg.find("<svg")
    if start < 0:
        return None
    svg = svg[start:]
    head_end = svg.find(">")
    head = _SIZE.sub("", svg[:head_end])
    # A group, not an image: its nodes link to the terms' entries (an image hides them).
    return head + ' role="group" class="diagram"' + svg[head_end:]


@dataclass
class Diagrams:
    """The ontology diagram per language, drawn once and kept for the app's lifetime."""

    index: QuadIndex
    base_iri: str
    _drawn: dict[str, str | None] = field(default_factory=dict)

    def svg(self, lang: str) -> str | None:
        if lang not in self._drawn:
            self._drawn[lang] = render_svg(ontology_dot(self.index, self.base_iri, lang))
        return self._drawn[lang]
