"""SHACL validation, the checks SHACL cannot express, and a readable report.

The engine is pyshacl-turbo, with pySHACL as the reference and the fallback
(content/shacl_engines.py); `engine="pyshacl"` asks for pySHACL alone. What follows is
about pySHACL.

The shapes are checked on the union of the data graphs with the ontology mixed in (what
pySHACL's `ont_graph` does) and no inference (shapes/ctc-kg-shapes.ttl: the profile asks
the data to assert the widely used terms, so nothing may be inferred for it).

Speed: pySHACL runs a SPARQL-based constraint once per focus node, as text, and rdflib
parses that text every time: most of a validation's time (docs/performance.md).
The graph pySHACL validates here (`_ValidationGraph`) parses each query text once and
runs the prepared query after that; the ontology is mixed in while that graph is built,
so pySHACL validates it in place instead of cloning the data first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, PROV, RDF, SH
from rdflib.plugins.sparql.processor import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Identifier, Node

from ctc_kg.config import CANONICAL_BASE_IRI
from ctc_kg.content.collector import collector_paused
from ctc_kg.content.load import Content, Origins
from ctc_kg.content.names import ontology_namespace
from ctc_kg.content.rebase import rebase_graph
from ctc_kg.content.shacl_engines import Engine, run_shacl

_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Violation:
    """One validation result, with terms rendered as text (IRIs in <>, literals in N3)."""

    focus: str
    path: str | None
    message: str
    severity: str = "Violation"
    source_shape: str | None = None
    value: str | None = None
    files: tuple[str, ...] = ()
    constraint: str | None = None

    def render(self) -> str:
        where = ", ".join(self.files) if self.files else "(unknown file)"
        lines = [f"{where}: focus {self.focus}"]
        if self.path:
            lines.append(f"  path: {self.path}")
        lines.append(f"  message: {self.message}")
        if self.value is not None:
            lines.append(f"  value: {self.value}")
        shape = f" (shape {self.source_shape})" if self.source_shape else ""
        lines.append(f"  severity: {self.severity}{shape}")
        return "\n".join(lines)


@dataclass(frozen=True)
class ValidationReport:
    results: tuple[Violation, ...]
    notes: tuple[str, ...] = ()  # how it was made, when a reader should know (a fallback)

    @property
    def conforms(self) -> bool:
        """True when no result has severity Violation (warnings and infos do not fail)."""
        return not self.violations

    @property
    def violations(self) -> tuple[Violation, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    def merged(self, other: ValidationReport) -> ValidationReport:
        return ValidationReport(_sorted(self.results + other.results), self.notes + other.notes)

    def text(self) -> str:
        """One block per result, then a summary line."""
        blocks = [result.render() for result in self.results]
        violations = len(self.violations)
        others = len(self.results) - violations
        if violations:
            summary = f"{violations} violation{'s' if violations != 1 else ''}"
        else:
            summary = "conforms"
        if others:
            summary += f" ({others} warning{'s' if others != 1 else ''} or info)"
        notes = [f"note: {note}" for note in self.notes]
        return "\n\n".join([*notes, *blocks, summary]) + "\n"


class _ValidationGraph(Graph):
    """The graph pySHACL validates: each SPARQL text is parsed once, then run prepared.

    pySHACL binds `$this` with initBindings and sends the same text for every focus node;
    rdflib's own answer to "one query, many bindings" is a prepared query.
    """

    def __init__(self) -> None:
        super().__init__(bind_namespaces="none")
        self._prepared: dict[tuple[str, tuple[tuple[str, str], ...]], Query] = {}

    def query(  # type: ignore[override]
        self,
        query_object: str | Query,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: Mapping[str, Any] | None = None,  # noqa: N803 (rdflib's names)
        initBindings: Mapping[str, Identifier] | None = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str) and processor == "sparql" and not kwargs:
            key = (query_object, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            prepared = self._prepared.get(key)
            if prepared is None:
                prepared = self._prepared[key] = prepareQuery(query_object, initNs=initNs)
            query_object = prepared
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def _validation_graph(*graphs: Iterable[tuple[Node, Node, Node]]) -> Graph:
    """One graph holding every triple of `graphs` (the data union and the ontology)."""
    graph = _ValidationGraph()
    for triples in graphs:
        graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


def validate(
    data: Graph,
    shapes: Graph,
    ontology: Graph,
    *,
    origins: Origins | None = None,
    inference: str = "none",
    engine: Engine = "auto",
) -> ValidationReport:
    """SHACL-validate `data` against `shapes`, with `ontology` mixed in (pySHACL ont_graph).

    Raises UnusableInputError when the engine cannot use the shapes.
    """
    return _validate((data, ontology), shapes, origins, inference, engine)


def _validate(
    graphs: Sequence[Graph],
    shapes: Graph,
    origins: Origins | None,
    inference: str = "none",
    engine: Engine = "auto",
) -> ValidationReport:
    """Validate the union of `graphs` (the data and the ontology). pySHACL is given one graph
    that holds them all, which it validates in place (no clone) and with no `ont_graph`,
    which is what it would have mixed in itself."""
    with collector_paused():
        run = run_shacl(
            graphs,
            shapes,
            inference=inference,
            engine=engine,
            pyshacl_graph=lambda: _validation_graph(*graphs),
        )
        report = run.report
        found = [_result(report, shapes, node, origins or {}) for node in _result_nodes(report)]
    return ValidationReport(_sorted(found), (run.note,) if run.note else ())


def validate_content(
    content: Content,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
    descriptions: Graph | None = None,
    engine: Engine = "auto",
) -> ValidationReport:
    """Validate loaded content: SHACL on its data union, plus the graph-description check.

    By default the content's own shapes and ontology are used; files validated on their own
    pass the repository's. `descriptions` adds graph descriptions found elsewhere (the
    repository's default graph) to the content's own. Graphs passed in use the content's
    base IRI.

    Validation is about the files, which are written with the canonical base IRI (and the
    shapes check IRI patterns against it), so content loaded with another base is moved
    back to it first, and the report names the IRIs as the files write them.
    """
    base = content.base_iri

    def canonical(graph: Graph) -> Graph:
        return (
            graph if base == CANONICAL_BASE_IRI else rebase_graph(graph, base, CANONICAL_BASE_IRI)
        )

    content = content.rebased(CANONICAL_BASE_IRI)
    excluded = set(content.vocabulary_graphs)
    data = [g for g in content.dataset.graphs() if g.identifier not in excluded]
    mixed = [*data, content.ontology if ontology is None else canonical(ontology)]
    report = _validate(
        mixed,
        content.shapes if shapes is None else canonical(shapes),
        content.origins,
        engine=engine,
    )
    described_in: Graph = content.dataset.default_graph
    if descriptions is not None:
        described_in = content.default_graph + canonical(descriptions)
    undescribed = undescribed_graphs(
        content.dataset,
        described_in,
        base_iri=content.base_iri,
        exclude=content.vocabulary_graphs,
        origins=content.origins,
    )
    return report.merged(ValidationReport(tuple(undescribed)))


def undescribed_graphs(
    dataset: Dataset,
    descriptions: Graph,
    *,
    base_iri: str,
    exclude: Iterable[Node] = (),
    origins: Origins | None = None,
) -> list[Violation]:
    """Named graphs not described in `descriptions` (docs/modelling.md, "Provenance").

    A claim graph is described when it is `a ctckg:SourcePassage` with a `dcterms:source`;
    the editorial graph when it is `prov:wasAttributedTo` an agent.
    """
    passage = ontology_namespace(base_iri).SourcePassage
    excluded = set(exclude)
    found = []
    for graph in dataset.graphs():
        name = graph.identifier
        if name == DATASET_DEFAULT_GRAPH_ID or name in excluded or len(graph) == 0:
            continue
        is_passage = (name, RDF.type, passage) in descriptions and (
            descriptions.value(name, DCTERMS.source) is not None
        )
        attributed = descriptions.value(name, PROV.wasAttributedTo) is not None
        if is_passage or attributed:
            continue
        found.append(
            Violation(
                focus=_term(name),
                path=None,
                message=(
                    "named graph not described in the default graph: it needs "
                    "`a ctckg:SourcePassage` with `dcterms:source` (a source passage) or "
                    "`prov:wasAttributedTo` (the editorial graph)"
                ),
                files=(origins or {}).get(name, ()),
                constraint="ctc-kg: every named graph is described",
            )
        )
    return found


def _result_nodes(report: Graph) -> list[Node]:
    return list(report.subjects(RDF.type, SH.ValidationResult))


def _result(report: Graph, shapes: Graph, node: Node, origins: Origins) -> Violation:
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    value = report.value(node, SH.value)
    shape = report.value(node, SH.sourceShape)
    constraint = report.value(node, SH.sourceConstraintComponent)
    severity = report.value(node, SH.resultSeverity)
    messages = sorted(
        {str(m) for m in report.objects(node, SH.resultMessage) if _is_english_or_plain(m)}
    )
    if not messages:
        messages = sorted({str(m) for m in report.objects(node, SH.resultMessage)})
    message = " / ".join(messages) or (
        f"fails {_term(constraint)}" if constraint is not None else "fails a shape"
    )
    return Violation(
        focus=_term(focus) if focus is not None else "(none)",
        path=_path(report, path) if path is not None else None,
        message=message,
        severity=_SEVERITIES.get(cast(URIRef, severity), str(severity)),
        source_shape=_shape(shapes, shape) if shape is not None else None,
        value=_term(value) if value is not None else None,
        files=origins.get(focus, ()) if focus is not None else (),
        constraint=_term(constraint) if constraint is not None else None,
    )


def _shape(shapes: Graph, shape: Node) -> str:
    """A shape's IRI; for a blank-node property shape, the named shape that holds it."""
    if not isinstance(shape, BNode):
        return _term(shape)
    parents = sorted(_term(p) for p in shapes.subjects(SH.property, shape))
    return f"[] in {', '.join(parents)}" if parents else "[]"


def _is_english_or_plain(message: Node) -> bool:
    return isinstance(message, Literal) and message.language in (None, "en")


def _path(graph: Graph, path: Node) -> str:
    """A SHACL property path in SPARQL property-path syntax."""
    if isinstance(path, URIRef):
        return _term(path)
    if not isinstance(path, BNode):
        return _term(path)
    if (path, RDF.first, None) in graph:
        return "/".join(_path(graph, step) for step in Collection(graph, path))
    for predicate, suffix in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            return f"({_path(graph, inner)}){suffix}"
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{_path(graph, inverse)}"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path(graph, a) for a in Collection(graph, alternatives)) + ")"
    return "[]"


def _term(term: Node) -> str:
    if isinstance(term, BNode):
        return "[]"
    return term.n3()


def _sorted(results: Sequence[Violation]) -> tuple[Violation, ...]:
    return tuple(
        sorted(results, key=lambda r: (r.files, r.focus, r.path or "", r.message, r.value or ""))
    )
