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
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, cast

import pyoxigraph as ox
import pyshacl
import pyshacl_turbo
from pyshacl.errors import ReportableRuntimeError
from rdflib import Graph
from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

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
) -> EngineRun:
    """Validate the union of `graphs` (the data and the ontology) against `shapes`;
    pySHACL validates `pyshacl_graph()`, a graph made for it to change (see validate.py).

    Raises UnusableInputError when the engine that decides cannot use the shapes.
    """
    if engine == "pyshacl":
        return EngineRun(_pyshacl(pyshacl_graph(), shapes, inference), "pyshacl")
    if engine == "turbo":
        try:
            report, conforms = _turbo(graphs, shapes, inference, pyshacl_graph)
        except Exception as error:  # the engine's own errors are not one class
            raise UnusableInputError(f"pyshacl-turbo cannot validate: {_reason(error)}") from error
        return EngineRun(report, "turbo")
    try:
        report, conforms = _turbo(graphs, shapes, inference, pyshacl_graph)
        problem = inconsistency(report, conforms, shapes)
    except Exception as error:  # the engine's own errors are not one class
        problem = f"it failed ({_reason(error)})"
    if problem is None:
        return EngineRun(report, "turbo")
    note = f"pyshacl-turbo was not used: {problem}; validated with pySHACL instead"
    print(f"ctc-kg: {note}", file=sys.stderr, flush=True)
    return EngineRun(_pyshacl(pyshacl_graph(), shapes, inference), "pyshacl", note)


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


def _pyshacl(data: Graph, shapes: Graph, inference: str) -> Graph:
    """pySHACL, validating `data` in place (no clone: the caller built it for this)."""
    try:
        _, results, _ = pyshacl.validate(
            data, shacl_graph=shapes, inplace=True, **_options(inference)
        )
    except ReportableRuntimeError as error:
        raise UnusableInputError(f"the shapes cannot be used: {error.message}") from error
    return cast(Graph, results)


def _turbo(
    graphs: Sequence[Graph], shapes: Graph, inference: str, pyshacl_graph: Callable[[], Graph]
) -> tuple[Graph, bool]:
    """pyshacl-turbo's report and conformance.

    The data goes in as a pyoxigraph store (its default graph): pyshacl-turbo reads a
    store's N-Quads natively, where an rdflib graph is read term by term in Python, and
    no rdflib graph of the union has to be built (most of a validation's time otherwise).
    """
    validate = cast(Callable[..., Any], pyshacl_turbo.validate)
    store = ox.Store()
    terms: dict[Node, Any] = {}
    store.extend(ox.Quad(*triple) for graph in graphs for triple in oxigraph_triples(graph, terms))
    data: ox.Store | Graph = store
    if any(isinstance(t, RdfLiteral) and t.datatype == XSD.string for t in terms):
        data = pyshacl_graph()  # see _plain_strings
    conforms, results, text = validate(
        data, shacl_graph=shapes, inplace=False, **_options(inference)
    )
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


def _options(inference: str) -> dict[str, Any]:
    return {
        "inference": inference,
        "advanced": True,  # SHACL-AF (targets, rules) in the shapes must not be ignored
        "abort_on_first": False,
        "allow_warnings": True,
        "allow_infos": True,
    }


def _reason(error: BaseException) -> str:
    text = str(getattr(error, "message", "") or error).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    return f"{type(error).__name__}: {first}"
