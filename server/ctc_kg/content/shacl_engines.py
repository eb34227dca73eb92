"""The SHACL engines behind `validate`: pyshacl-turbo (fast) and pySHACL (the reference).

pyshacl-turbo runs the same shapes in Rust on Oxigraph's SPARQL evaluator, far faster
(docs/performance.md). pySHACL stays the reference:
tests/test_shacl_engines.py runs both on every invalid fixture, the repository's data and
generated graphs (with and without injected faults) and fails on any difference in
conformance, focus nodes, source shapes, constraint components, paths, values, severities
or messages.

`auto` (the default) validates with pyshacl-turbo and falls back to pySHACL, saying so,
when pyshacl-turbo raises or gives a report that does not hold together (a result without
a focus node, a constraint component or a known severity, a source shape that is not in
the shapes graph, or a `conforms` that disagrees with the results). A report that holds
together is trusted without running pySHACL as well: comparing every run would cost
pySHACL's time, which is what the fast engine is there to save.

On a focus node with very many values of one path pyshacl-turbo slows down with the square
of their number: `auto` gives the shapes that reach such a path to pySHACL, the others to
pyshacl-turbo, and one report holds the results of both (content/crowded.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, Literal, cast

import pyoxigraph as ox
import pyshacl
import pyshacl_turbo
from pyshacl.errors import ReportableRuntimeError
from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from ctc_kg.content.crowded import CROWDED, split_shapes
from ctc_kg.content.oxigraph_canon import oxigraph_triples
from ctc_kg.errors import UnusableInputError

Engine = Literal["auto", "turbo", "pyshacl"]
ENGINES: Final[tuple[Engine, ...]] = ("auto", "turbo", "pyshacl")
_SEVERITIES = frozenset({SH.Violation, SH.Warning, SH.Info})


@dataclass(frozen=True)
class EngineRun:
    """The report graph of one validation, the engine that made it, and why the fast
    engine was not used when `auto` fell back to pySHACL."""

    report: Graph
    engine: Literal["turbo", "pyshacl"]
    note: str | None = None


def run_shacl(
    graphs: Sequence[Graph],
    shapes: Graph,
    *,
    inference: str,
    engine: Engine,
    pyshacl_graph: Callable[[], Graph],
    crowded: int = CROWDED,
) -> EngineRun:
    """Validate the union of `graphs` (the data and the ontology) against `shapes`;
    pySHACL validates `pyshacl_graph()`, a graph made for it to change (see validate.py).
    `crowded`: how many values of one path a focus node may have before `auto` gives the
    shapes reaching that path to pySHACL (content/crowded.py).

    Raises UnusableInputError when the engine that decides cannot use the shapes.
    """
    pyshacl_graph = cache(pyshacl_graph)  # built once, whichever engines need it
    if engine == "pyshacl":
        return EngineRun(_pyshacl(pyshacl_graph(), shapes, inference), "pyshacl")
    if engine == "turbo":
        try:
            report, conforms = _turbo(_store(graphs), shapes, inference, pyshacl_graph)
        except Exception as error:  # the engine's own errors are not one class
            raise UnusableInputError(f"pyshacl-turbo cannot validate: {_reason(error)}") from error
        return EngineRun(report, "turbo")
    slow: list[URIRef] = []
    try:
        union = _store(graphs)
        fast, slow = _split(union.store, shapes, inference, crowded)
        if fast is not None and not fast:
            raise RuntimeError("every shape reaches a crowded path")  # pySHACL does them all
        report, conforms = _turbo(union, shapes, inference, pyshacl_graph, fast)
        problem = inconsistency(report, conforms, shapes)
    except Exception as error:  # the engine's own errors are not one class
        problem = f"it failed ({_reason(error)})"
    if problem is None and not slow:
        return EngineRun(report, "turbo")
    if problem is None:
        note = (
            f"pySHACL validated {', '.join(map(str, slow))}: a focus node has more than "
            f"{crowded:,} values of a path they check, where pyshacl-turbo slows down"
        )
        checked = _pyshacl(pyshacl_graph(), shapes, inference, slow)
        return EngineRun(_merged(report, checked), "turbo", note)
    note = f"pyshacl-turbo was not used: {problem}; validated with pySHACL instead"
    print(f"ctc-kg: {note}", file=sys.stderr, flush=True)
    return EngineRun(_pyshacl(pyshacl_graph(), shapes, inference), "pyshacl", note)


def _split(
    store: ox.Store, shapes: Graph, inference: str, crowded: int
) -> tuple[list[URIRef] | None, list[URIRef]]:
    """The shapes for pyshacl-turbo (None: all) and those for pySHACL (content/crowded.py).
    With inference, pySHACL would change its graph, not pyshacl-turbo's: no split."""
    split = split_shapes(store, shapes, crowded) if inference == "none" else None
    return (None, []) if split is None else (split.turbo, split.pyshacl)


def _merged(fast: Graph, slow: Graph) -> Graph:
    """One report: `fast`'s with `slow`'s results added and conforming when both do."""
    [node] = fast.subjects(RDF.type, SH.ValidationReport)
    [other] = slow.subjects(RDF.type, SH.ValidationReport)
    conforms = all(
        isinstance(value, RdfLiteral) and value.value is True
        for value in (fast.value(node, SH.conforms), slow.value(other, SH.conforms))
    )
    for triple in slow:
        if triple[0] != other:
            fast.add(triple)
    for result in slow.objects(other, SH.result):
        fast.add((node, SH.result, result))
    fast.set((node, SH.conforms, RdfLiteral(conforms)))
    return fast


def inconsistency(report: Graph, conforms: bool, shapes: Graph) -> str | None:
    """Why a report cannot be right, or None when it holds together."""
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    violations = 0
    for result in results:
        for needed in (SH.focusNode, SH.sourceConstraintComponent, SH.sourceShape):
            if report.value(result, needed) is None:
                return f"a result has no {needed.n3(report.namespace_manager)}"
        shape = report.value(result, SH.sourceShape)
        if (shape, None, None) not in shapes:
            return f"a result names a source shape not in the shapes graph ({shape})"
        severity = report.value(result, SH.resultSeverity)
        if severity not in _SEVERITIES:
            return f"a result has the severity {severity}"
        violations += severity == SH.Violation
    if conforms != (violations == 0):
        return f"it says conforms={conforms} with {violations} violations"
    return None


def _pyshacl(
    data: Graph, shapes: Graph, inference: str, use_shapes: Sequence[URIRef] = ()
) -> Graph:
    """pySHACL, validating `data` in place (no clone: the caller built it for this);
    `use_shapes`: only these shapes (all when empty)."""
    options = _options(inference, use_shapes)
    try:
        _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inplace=True, **options)
    except ReportableRuntimeError as error:
        raise UnusableInputError(f"the shapes cannot be used: {error.message}") from error
    return cast(Graph, results)


@dataclass(frozen=True)
class _Union:
    """The union of the graphs as a pyoxigraph store (its default graph), blank nodes
    keeping their labels, and whether a literal spells out `xsd:string` (_plain_strings)."""

    store: ox.Store
    spells_out_strings: bool


def _store(graphs: Sequence[Graph]) -> _Union:
    """pyshacl-turbo reads a store's N-Quads natively, where an rdflib graph is read term by
    term in Python, and no rdflib graph of the union has to be built (most of a
    validation's time otherwise)."""
    store = ox.Store()
    terms: dict[Node, Any] = {}
    store.extend(ox.Quad(*triple) for graph in graphs for triple in oxigraph_triples(graph, terms))
    spelt = any(isinstance(t, RdfLiteral) and t.datatype == XSD.string for t in terms)
    return _Union(store, spelt)


def _turbo(
    union: _Union,
    shapes: Graph,
    inference: str,
    pyshacl_graph: Callable[[], Graph],
    use_shapes: Sequence[URIRef] | None = None,
) -> tuple[Graph, bool]:
    """pyshacl-turbo's report and conformance, on the union's store (or on `pyshacl_graph()`
    when the data spells out `xsd:string`, see _plain_strings); `use_shapes`: only these."""
    validate = cast(Callable[..., Any], pyshacl_turbo.validate)
    store = union.store
    data: ox.Store | Graph = pyshacl_graph() if union.spells_out_strings else store
    options = _options(inference, use_shapes or ())
    conforms, results, text = validate(data, shacl_graph=shapes, inplace=False, **options)
    if not isinstance(results, Graph):  # a ValidationFailure: the engine gave up
        raise RuntimeError(str(text))
    return (_plain_strings(results) if data is store else results), bool(conforms)


def _plain_strings(report: Graph) -> Graph:
    """`"x"^^xsd:string` as `"x"`: from a store, pyshacl-turbo reads every simple literal
    back with its datatype. The data has none (load.py drops it), or is not read from a
    store: in rdflib `"x"` and `"x"^^xsd:string` are two terms, and the report names the
    data's own."""
    typed = [
        (s, p, o)
        for s, p, o in report
        if isinstance(o, RdfLiteral) and o.language is None and o.datatype == XSD.string
    ]
    for s, p, o in typed:
        report.remove((s, p, o))
        report.add((s, p, RdfLiteral(str(o))))
    return report


def _options(inference: str, use_shapes: Sequence[URIRef] = ()) -> dict[str, Any]:
    """The options both engines take; `use_shapes`: only these shapes (all when empty)."""
    options: dict[str, Any] = {
        "inference": inference,
        "advanced": True,  # SHACL-AF (targets, rules) in the shapes must not be ignored
        "abort_on_first": False,
        "allow_warnings": True,
        "allow_infos": True,
    }
    if use_shapes:
        options["use_shapes"] = [str(shape) for shape in use_shapes]
    return options


def _reason(error: BaseException) -> str:
    text = str(getattr(error, "message", "") or error).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    return f"{type(error).__name__}: {first}"
