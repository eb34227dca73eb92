"""The SHACL shapes: the real data conforms, every invalid fixture fails with the shape it was
written to trip, no shape is dead, and the shapes themselves are well formed.

Validation is on the union of all graphs, with the ontology as pySHACL's ont_graph and no
inference (see shapes/ctc-kg-shapes.ttl): the profile asks the data to assert the standard
types itself, so an inferred type must not satisfy a shape.

tests/data/invalid/manifest.ttl says, for each fixture, which sh:sourceShape,
sh:sourceConstraintComponent and (for SPARQL-based constraints) sh:sourceConstraint the
report must show; each fixture is validated together with tests/data/valid/minimal.trig,
so it only adds the one broken resource.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from ctc_kg.config import Settings
from ctc_kg.content.load import Content, content_files, load_content, load_paths
from ctc_kg.content.validate import validate, validate_content
from pyshacl.entrypoints import meta_validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH
from rdflib.term import Node

ROOT = Path(__file__).resolve().parents[1]
INVALID = ROOT / "tests" / "data" / "invalid"
VALID = ROOT / "tests" / "data" / "valid"
BASE_WORLD = VALID / "minimal.trig"
MANIFEST = INVALID / "manifest.ttl"
SHAPES_DOCUMENT = URIRef("https://w3id.org/ctc-kg/shapes")
CTCSH = Namespace("https://w3id.org/ctc-kg/shapes#")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")

# Predicates of a shape that are not constraint parameters (SHACL 1.0 sections 2 and 5).
NOT_CONSTRAINTS = {
    SH.property,
    SH.path,
    SH.message,
    SH.name,
    SH.description,
    SH.severity,
    SH.deactivated,
    SH.order,
    SH.group,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
    SH.sparql,
}


@dataclass(frozen=True)
class Expectation:
    """What one invalid fixture must make the report say."""

    fixture: Path
    shapes: frozenset[str]
    components: frozenset[str]
    constraints: frozenset[URIRef]


def _manifest() -> Graph:
    return Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())


def _expectations() -> list[Expectation]:
    manifest = _manifest()
    found = []
    for entry, action in manifest.subject_objects(MF.action):
        found.append(
            Expectation(
                fixture=Path(str(action).removeprefix("file://")),
                shapes=frozenset(o.n3() for o in manifest.objects(entry, SH.sourceShape)),
                components=frozenset(
                    o.n3() for o in manifest.objects(entry, SH.sourceConstraintComponent)
                ),
                constraints=frozenset(
                    URIRef(str(o)) for o in manifest.objects(entry, SH.sourceConstraint)
                ),
            )
        )
    return sorted(found, key=lambda e: e.fixture.name)


EXPECTATIONS = _expectations()


@pytest.fixture(scope="module")
def repository() -> Content:
    return load_content(content_files(Settings(root=ROOT)))


@pytest.fixture(scope="module")
def shapes(repository: Content) -> Graph:
    return repository.shapes


@pytest.fixture(scope="module")
def ontology(repository: Content) -> Graph:
    return repository.ontology


def _named_shapes(shapes: Graph) -> set[URIRef]:
    found = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    return {s for s in found if isinstance(s, URIRef)}


def _has_constraint(shapes: Graph, shape: Node) -> bool:
    return any(
        str(p).startswith(str(SH)) and p not in NOT_CONSTRAINTS for p in shapes.predicates(shape)
    )


def _languages(graph: Graph, subject: Node, predicate: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def test_repository_data_conforms_to_the_shapes(repository: Content) -> None:
    report = validate_content(repository)
    assert report.conforms, report.text()


@pytest.mark.parametrize("fixture", sorted(VALID.glob("*.trig")), ids=lambda p: p.name)
def test_valid_fixture_conforms(fixture: Path, shapes: Graph, ontology: Graph) -> None:
    data = load_paths([BASE_WORLD, fixture]).data
    report = validate(data, shapes, ontology)
    assert report.conforms, report.text()


@pytest.mark.parametrize("expected", EXPECTATIONS, ids=lambda e: e.fixture.name)
def test_invalid_fixture_fails_with_exactly_its_shape(
    expected: Expectation, shapes: Graph, ontology: Graph
) -> None:
    data = load_paths([BASE_WORLD, expected.fixture]).data
    report = validate(data, shapes, ontology)
    assert not report.conforms
    assert {v.source_shape for v in report.violations} == expected.shapes, report.text()
    assert {v.constraint for v in report.violations} == expected.components, report.text()
    for constraint in expected.constraints:
        # The report names the shape, not the SPARQL constraint: recognise the constraint by
        # its English message, whose text around {?value} must appear in every result.
        template = next(
            str(m)
            for m in shapes.objects(constraint, SH.message)
            if isinstance(m, Literal) and m.language == "en"
        )
        fragments = [f for f in template.split("{?value}") if f]
        for violation in report.violations:
            assert all(f in violation.message for f in fragments), violation.render()


def test_every_file_in_the_invalid_folder_is_in_the_manifest() -> None:
    files = {p for p in INVALID.iterdir() if p.is_file() and p != MANIFEST}
    listed = [e.fixture for e in EXPECTATIONS]
    assert len(listed) == len(set(listed)), "a fixture is listed twice"
    assert set(listed) == files


def test_every_invalid_fixture_names_a_shape_and_a_component() -> None:
    for expected in EXPECTATIONS:
        assert expected.shapes, expected.fixture.name
        assert expected.components, expected.fixture.name


def test_no_shape_is_dead(shapes: Graph) -> None:
    """Every shape with a message, and every SPARQL constraint, is tripped by some fixture."""
    with_message = {s for s in _named_shapes(shapes) if (s, SH.message, None) in shapes}
    tripped = {URIRef(n.strip("<>")) for e in EXPECTATIONS for n in e.shapes}
    assert with_message - tripped == set()
    sparql = {c for c in shapes.objects(None, SH.sparql) if isinstance(c, URIRef)}
    tested = {c for e in EXPECTATIONS for c in e.constraints}
    assert sparql - tested == set()


def test_every_constraint_has_an_english_and_a_french_message(shapes: Graph) -> None:
    constrained: set[Node] = {s for s in _named_shapes(shapes) if _has_constraint(shapes, s)}
    constrained |= set(shapes.objects(None, SH.sparql))
    assert constrained
    missing = {s for s in constrained if not {"en", "fr"} <= _languages(shapes, s, SH.message)}
    assert missing == set()


def test_every_shape_is_named_and_labelled_in_english_and_french(shapes: Graph) -> None:
    named = _named_shapes(shapes)
    assert named
    assert all(str(s).startswith(str(CTCSH)) for s in named)
    unlabelled = {s for s in named if _languages(shapes, s, RDFS.label) != {"en", "fr"}}
    assert unlabelled == set()


def test_shapes_graph_conforms_to_shacl_shacl(shapes: Graph) -> None:
    conforms, _, text = meta_validate(shapes, inference="none")
    assert conforms, text


def test_shapes_document_carries_its_metadata(shapes: Graph) -> None:
    assert (SHAPES_DOCUMENT, RDF.type, OWL.Ontology) in shapes
    assert _languages(shapes, SHAPES_DOCUMENT, DCTERMS.title) == {"en", "fr"}
    assert _languages(shapes, SHAPES_DOCUMENT, DCTERMS.description) == {"en", "fr"}
    assert shapes.value(SHAPES_DOCUMENT, OWL.versionInfo) is not None
    assert shapes.value(SHAPES_DOCUMENT, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
