"""pyshacl-turbo against pySHACL, the reference: the same report on every input we have.

Both engines validate the same graph (the data union with the ontology mixed in, as
`validate` builds it) and their reports are compared result by result: conformance, focus
node, source shape (a blank-node property shape by its identity in the shapes graph),
constraint component, SPARQL constraint, path, value, severity and messages. Inputs: every
invalid and valid fixture (the invalid ones trip every shape and every SHACL-SPARQL
constraint: tests/test_shapes.py), the repository's data, a graph from the benchmark's
generator, and that graph with faults injected. Then `auto`'s fallback to pySHACL.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pyshacl_turbo
import pytest
from ctc_kg.cli import main
from ctc_kg.config import Settings, load_settings
from ctc_kg.content.load import Content, content_files, load_content, load_paths
from ctc_kg.content.shacl_engines import Engine, EngineRun, inconsistency, run_shacl
from ctc_kg.content.validate import _path, _validation_graph, validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from bench.generate import generate, write_root

ROOT = Path(__file__).resolve().parents[1]
INVALID = ROOT / "tests" / "data" / "invalid"
VALID = ROOT / "tests" / "data" / "valid"
BASE_WORLD = VALID / "minimal.trig"
FAULTS = 40

Result = tuple[object, ...]


def _results(report: Graph) -> tuple[bool, Counter[Result]]:
    [conforms] = report.objects(None, SH.conforms)
    assert isinstance(conforms, Literal)
    found: Counter[Result] = Counter()
    for node in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(node, SH.resultPath)
        found[
            (
                report.value(node, SH.focusNode),
                report.value(node, SH.sourceShape),
                report.value(node, SH.sourceConstraintComponent),
                report.value(node, SH.sourceConstraint),
                _path(report, path) if path is not None else None,
                report.value(node, SH.value),
                report.value(node, SH.resultSeverity),
                frozenset(report.objects(node, SH.resultMessage)),
            )
        ] += 1
    return bool(conforms.value), found


def _both(data: Graph, shapes: Graph, ontology: Graph) -> dict[str, tuple[bool, Counter[Result]]]:
    """Each engine's results on its own copy of the same validation graph."""
    return {
        engine: _results(_run(engine, data, shapes, ontology)) for engine in ("turbo", "pyshacl")
    }


def _run(engine: Engine, data: Graph, shapes: Graph, ontology: Graph) -> Graph:
    def pyshacl_graph() -> Graph:
        return _validation_graph(data, ontology)

    return run_shacl(
        (data, ontology), shapes, inference="none", engine=engine, pyshacl_graph=pyshacl_graph
    ).report


def _difference(reports: dict[str, tuple[bool, Counter[Result]]]) -> str | None:
    (fast_conforms, fast), (reference_conforms, reference) = reports["turbo"], reports["pyshacl"]
    if (fast_conforms, fast) == (reference_conforms, reference):
        return None
    return (
        f"conforms turbo={fast_conforms} pyshacl={reference_conforms}; "
        f"only turbo: {sorted(map(str, fast - reference))}; "
        f"only pyshacl: {sorted(map(str, reference - fast))}"
    )


@pytest.fixture(scope="module")
def repository() -> Content:
    return load_content(content_files(Settings(root=ROOT)))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Content:
    root = tmp_path_factory.mktemp("generated")
    write_root(generate(2000, seed=3), root, ROOT)
    return load_content(content_files(load_settings({"root": root}, environ={})))


def test_engines_agree_on_every_fixture_and_cover_every_constraint(repository: Content) -> None:
    shapes, ontology = repository.shapes, repository.ontology
    differences: dict[str, str] = {}
    components: set[Node] = set()
    sparql_constraints: set[Node] = set()
    fixtures = sorted(INVALID.glob("*.ttl")) + sorted(VALID.glob("*.trig"))
    for fixture in fixtures:
        if fixture.name == "manifest.ttl":
            continue
        reports = _both(load_paths([BASE_WORLD, fixture]).data, shapes, ontology)
        difference = _difference(reports)
        if difference is not None:
            differences[fixture.name] = difference
        for result in reports["pyshacl"][1]:
            components.add(result[2])
            sparql_constraints.add(result[3])
    assert differences == {}
    # The fixtures trip every kind of constraint the shapes use, SHACL-SPARQL included.
    assert SH.SPARQLConstraintComponent in components
    assert set(shapes.objects(None, SH.sparql)) <= sparql_constraints
    assert {SH.QualifiedMinCountConstraintComponent, SH.OrConstraintComponent} <= components


def test_engines_agree_on_the_repository_data(repository: Content) -> None:
    reports = _both(repository.data, repository.shapes, repository.ontology)
    assert _difference(reports) is None
    assert reports["pyshacl"][0]


def test_engines_agree_on_a_generated_graph(generated: Content) -> None:
    reports = _both(generated.data, generated.shapes, generated.ontology)
    assert _difference(reports) is None
    assert reports["pyshacl"][0]


def _with_faults(data: Graph, count: int, seed: int) -> Graph:
    """`data` with `count` statements broken: dropped, retyped, relabelled, re-languaged,
    pointed at a literal, or given a second value."""
    rng = random.Random(seed)
    broken = Graph()
    for triple in data:
        broken.add(triple)
    for subject, predicate, obj in rng.sample(sorted(data), count):
        kind = rng.randrange(6)
        broken.remove((subject, predicate, obj))
        if kind == 1 and isinstance(obj, Literal):
            # xsd:string spelt out (seed 3) goes to pyshacl-turbo as an rdflib graph, not a store
            typed = XSD.string if seed == 3 else XSD.token
            broken.add((subject, predicate, Literal(str(obj), datatype=typed)))
        elif kind == 2 and isinstance(obj, Literal):
            broken.add((subject, predicate, Literal(str(obj), lang="es")))
        elif kind == 3:
            broken.add((subject, predicate, Literal("not an IRI")))
        elif kind == 4:
            broken.add((subject, predicate, obj))
            broken.add((subject, predicate, BNode()))
        elif kind == 5:
            broken.add((subject, predicate, URIRef("https://w3id.org/ctc-kg/nowhere")))
    return broken


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engines_agree_on_a_generated_graph_with_injected_faults(
    generated: Content, seed: int
) -> None:
    broken = _with_faults(generated.data, FAULTS, seed)
    reports = _both(broken, generated.shapes, generated.ontology)
    assert _difference(reports) is None
    conforms, results = reports["pyshacl"]
    assert not conforms
    assert sum(results.values()) >= 10  # the faults were seen, not just survived


def _fake_turbo(monkeypatch: pytest.MonkeyPatch, make: object) -> None:
    monkeypatch.setattr(pyshacl_turbo, "validate", make)


def test_auto_falls_back_to_pyshacl_and_says_so_when_turbo_fails(
    monkeypatch: pytest.MonkeyPatch, repository: Content, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("engine exploded")

    _fake_turbo(monkeypatch, broken)
    data = load_paths([BASE_WORLD, INVALID / "MeetingStartDateShape-missing.ttl"]).data
    report = validate(data, repository.shapes, repository.ontology)
    reference = validate(data, repository.shapes, repository.ontology, engine="pyshacl")
    assert report.results == reference.results
    assert not report.conforms
    [note] = report.notes
    assert "pyshacl-turbo was not used" in note
    assert "engine exploded" in note
    assert "validated with pySHACL" in note
    assert report.text().startswith(f"note: {note}\n")
    assert note in capsys.readouterr().err


def test_auto_falls_back_when_turbo_says_conforms_despite_violations(
    monkeypatch: pytest.MonkeyPatch, repository: Content
) -> None:
    real = pyshacl_turbo.validate

    def lying(*args: object, **kwargs: object) -> object:
        _, report, text = real(*args, **kwargs)
        return True, report, text

    _fake_turbo(monkeypatch, lying)
    data = load_paths([BASE_WORLD, INVALID / "MeetingStartDateShape-missing.ttl"]).data
    report = validate(data, repository.shapes, repository.ontology)
    assert not report.conforms
    assert "conforms=True" in report.notes[0]


def test_a_report_naming_a_shape_not_in_the_shapes_graph_is_inconsistent(
    repository: Content,
) -> None:
    data = load_paths([BASE_WORLD, INVALID / "MeetingStartDateShape-missing.ttl"]).data
    report = _run("turbo", data, repository.shapes, repository.ontology)
    assert inconsistency(report, False, repository.shapes) is None
    result = next(report.subjects(RDF.type, SH.ValidationResult))
    report.set((result, SH.sourceShape, URIRef("https://example.org/no-such-shape")))
    assert "not in the shapes graph" in str(inconsistency(report, False, repository.shapes))


def test_explicit_turbo_does_not_fall_back(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("engine exploded")

    _fake_turbo(monkeypatch, broken)
    status = main(["--root", str(ROOT), "validate", "--engine", "turbo"])
    assert status == 2
    assert "pyshacl-turbo cannot validate: RuntimeError: engine exploded" in capsys.readouterr().err


@pytest.mark.parametrize("engine", ["pyshacl", "turbo", "auto"])
def test_validate_command_takes_each_engine_with_the_same_exit_statuses(
    engine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture = INVALID / "MeetingShape-start-after-end.ttl"
    assert main(["--root", str(ROOT), "validate", "--engine", engine]) == 0
    assert main(["--root", str(ROOT), "validate", "--engine", engine, str(fixture)]) == 1
    out, err = capsys.readouterr()
    assert "MeetingDatesInOrder" in out or "MeetingShape" in out
    assert "note:" not in out
    assert err == ""


def _split_run(data: Graph, shapes: Graph, ontology: Graph, crowded: int) -> EngineRun:
    """`auto` with a low `crowded`, so that shapes go to pySHACL on small graphs."""
    return run_shacl(
        (data, ontology),
        shapes,
        inference="none",
        engine="auto",
        pyshacl_graph=lambda: _validation_graph(data, ontology),
        crowded=crowded,
    )


def test_shapes_split_between_the_engines_report_what_pyshacl_reports_on_every_fixture(
    repository: Content,
) -> None:
    """Shapes reaching a path with two values for a node (rdf:type, labels, organizers)
    go to pySHACL, the others to pyshacl-turbo: the merged report is pySHACL's."""
    shapes, ontology = repository.shapes, repository.ontology
    differences: dict[str, str] = {}
    split = 0
    for fixture in sorted(INVALID.glob("*.ttl")):
        if fixture.name == "manifest.ttl":
            continue
        data = load_paths([BASE_WORLD, fixture]).data
        run = _split_run(data, shapes, ontology, crowded=1)
        split += run.note is not None and run.note.startswith("pySHACL validated")
        reports = {
            "turbo": _results(run.report),
            "pyshacl": _results(_run("pyshacl", data, shapes, ontology)),
        }
        difference = _difference(reports)
        if difference is not None:
            differences[fixture.name] = difference
    assert differences == {}
    assert split >= 90  # the shapes were split, not left to one engine


@pytest.mark.parametrize("seed", [1, 2])
def test_a_series_with_more_subevents_than_crowded_is_validated_by_pyshacl(
    generated: Content, seed: int
) -> None:
    """The benchmark's slow case: one series with a schema:subEvent to every meeting."""
    series = next(generated.data.subjects(RDF.type, URIRef("https://schema.org/EventSeries")))
    subevents = len(list(generated.data.objects(series, URIRef("https://schema.org/subEvent"))))
    assert subevents > 20
    broken = _with_faults(generated.data, FAULTS, seed)
    run = _split_run(broken, generated.shapes, generated.ontology, crowded=20)
    assert run.note is not None
    assert run.note.startswith("pySHACL validated ")
    assert "https://w3id.org/ctc-kg/shapes#EventSeriesShape" in run.note
    assert "more than 20 values of a path" in run.note
    reports = {
        "turbo": _results(run.report),
        "pyshacl": _results(_run("pyshacl", broken, generated.shapes, generated.ontology)),
    }
    assert _difference(reports) is None
    assert not reports["pyshacl"][0]


def test_below_crowded_pyshacl_turbo_validates_every_shape(generated: Content) -> None:
    run = _split_run(generated.data, generated.shapes, generated.ontology, crowded=10_000)
    assert (run.engine, run.note) == ("turbo", None)
