"""`ctc-kg validate`: exit statuses 0/1/2, the violation report, through main() and a process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from ctc_kg.cli import main
from ctc_kg.config import Settings
from ctc_kg.content.load import content_files, load_content
from ctc_kg.content.validate import Violation, validate, validate_content
from rdflib import Graph

REPOSITORY = Path(__file__).resolve().parents[1]
MINIMAL_ROOT = Path(__file__).resolve().parent / "data" / "minimal"
CTC_KG = Path(sys.executable).parent / "ctc-kg"

PREFIXES = """\
@prefix ctckg:  <https://w3id.org/ctc-kg/ontology#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
"""

# A meeting without a start date: trips ctcsh:MeetingStartShape of the minimal shapes.
MEETING_WITHOUT_START = (
    PREFIXES
    + """
<https://w3id.org/ctc-kg/meeting/x> a schema:Event ;
    rdfs:label "x"@fr ;
    schema:location <https://w3id.org/ctc-kg/place/new-york> .
<https://w3id.org/ctc-kg/place/new-york> a schema:Place .
"""
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_repository_content_conforms(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--root", str(REPOSITORY), "validate")
    assert status == 0, out + err
    assert "conforms" in out


def test_repository_content_conforms_under_another_base_iri(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The shapes check IRI patterns of the canonical base: validation runs on the files'
    # own IRIs whatever the deployment's base.
    args = ("--root", str(REPOSITORY), "--base-iri", "http://localhost:8000/", "validate")
    status, out, err = run(capsys, *args)
    assert status == 0, out + err


def test_minimal_root_conforms(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--root", str(MINIMAL_ROOT), "validate")
    assert (status, err) == (0, "")
    assert out == "# repository (ontology/, shapes/, data/)\nconforms\n\n"


def test_invalid_file_given_as_path_exits_1_with_focus_path_message_and_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "no-start.ttl", MEETING_WITHOUT_START)
    status, out, _ = run(capsys, "--root", str(MINIMAL_ROOT), "validate", str(path))
    assert status == 1
    assert f"{path}: focus <https://w3id.org/ctc-kg/meeting/x>\n" in out
    assert "  path: <https://schema.org/startDate>\n" in out
    assert "  message: A meeting has a schema:startDate, an xsd:date or xsd:gYearMonth.\n" in out
    assert "shape <https://w3id.org/ctc-kg/shapes#MeetingStartShape>" in out
    assert out.rstrip().endswith("1 violation")


def test_path_files_are_validated_alone_with_the_repository_ontology(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Typed only ctckg:SpecialMeeting: the ontology says it is a schema:Event, so the
    # meeting shape targets it (the ontology is mixed in), and its missing date shows.
    text = PREFIXES + "<https://w3id.org/ctc-kg/meeting/y> a ctckg:SpecialMeeting .\n"
    path = write(tmp_path, "typed-by-ontology.ttl", text)
    status, out, _ = run(capsys, "--root", str(MINIMAL_ROOT), "validate", str(path))
    assert status == 1
    assert "focus <https://w3id.org/ctc-kg/meeting/y>" in out
    assert "path: <https://schema.org/startDate>" in out


def test_sparql_constraint_is_checked(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = MEETING_WITHOUT_START.replace(
        'rdfs:label "x"@fr ;',
        'rdfs:label "x"@fr ; schema:startDate "2003-03-06"^^xsd:date ;'
        ' schema:endDate "2003-03-05"^^xsd:date ;',
    )
    path = write(tmp_path, "dates.ttl", text)
    status, out, _ = run(capsys, "--root", str(MINIMAL_ROOT), "validate", str(path))
    assert status == 1
    assert "message: A meeting's schema:endDate is not before its schema:startDate." in out
    assert 'value: "2003-03-05"^^<http://www.w3.org/2001/XMLSchema#date>' in out


def test_inverse_path_is_shown_in_sparql_syntax(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = PREFIXES + (
        "<https://w3id.org/ctc-kg/place/p> a schema:Place .\n"
        "<https://w3id.org/ctc-kg/x> schema:location <https://w3id.org/ctc-kg/place/p> .\n"
    )
    path = write(tmp_path, "located.ttl", text)
    status, out, _ = run(capsys, "--root", str(MINIMAL_ROOT), "validate", str(path))
    assert status == 1
    assert "path: ^<https://schema.org/location>" in out
    assert "(shape [] in <https://w3id.org/ctc-kg/shapes#PlaceShape>)" in out


def test_undescribed_named_graph_is_a_violation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = PREFIXES + (
        "<https://w3id.org/ctc-kg/graph/nowhere> {\n"
        '  <https://w3id.org/ctc-kg/place/new-york> rdfs:label "NY"@en .\n'
        "}\n"
    )
    path = write(tmp_path, "graph.trig", text)
    status, out, _ = run(capsys, "--root", str(MINIMAL_ROOT), "validate", str(path))
    assert status == 1
    assert f"{path}: focus <https://w3id.org/ctc-kg/graph/nowhere>" in out
    assert "named graph not described in the default graph" in out


def test_graph_described_in_the_repository_is_accepted_in_a_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = PREFIXES + (
        "<https://w3id.org/ctc-kg/graph/ctc-cooperation-fr/first-meeting> {\n"
        '  <https://w3id.org/ctc-kg/place/new-york> rdfs:label "New York"@en .\n'
        "}\n"
    )
    path = write(tmp_path, "described.trig", text)
    status, out, err = run(capsys, "--root", str(MINIMAL_ROOT), "validate", str(path))
    assert (status, err) == (0, ""), out


def test_parse_error_exits_2_naming_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "broken.ttl", PREFIXES + "\n<http://e/a> schema:name 'unclosed .\n")
    status, out, err = run(capsys, "--root", str(MINIMAL_ROOT), "validate", str(path))
    assert status == 2
    assert out == ""
    assert f"{path}:6: " in err


def test_missing_path_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "absent.ttl"
    status, _, err = run(capsys, "--root", str(MINIMAL_ROOT), "validate", str(missing))
    assert status == 2
    assert f"{missing}: no such file or folder" in err


def test_broken_repository_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = tmp_path / "root"
    for folder in ("ontology", "shapes", "data"):
        (root / folder).mkdir(parents=True)
        for source in (MINIMAL_ROOT / folder).iterdir():
            (root / folder / source.name).write_bytes(source.read_bytes())
    broken = root / "data" / "meetings.trig"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n<a> <b> .\n", encoding="utf-8")
    lines = broken.read_text(encoding="utf-8").count("\n")
    status, _, err = run(capsys, "--root", str(root), "validate")
    assert status == 2
    assert f"meetings.trig:{lines}: " in err


def test_violation_renders_as_file_focus_path_message_block() -> None:
    violation = Violation(
        focus="<https://w3id.org/ctc-kg/meeting/x>",
        path="<https://schema.org/startDate>",
        message="A meeting has a start date.",
        files=("data/meetings.trig",),
    )
    assert violation.render().splitlines()[:3] == [
        "data/meetings.trig: focus <https://w3id.org/ctc-kg/meeting/x>",
        "  path: <https://schema.org/startDate>",
        "  message: A meeting has a start date.",
    ]


def test_validate_reports_focus_files_from_the_loaded_content(settings: Settings) -> None:
    content = load_content(content_files(settings))
    report = validate_content(content)
    for result in report.results:
        assert result.files, result.render()


def test_validate_on_plain_graphs_returns_structured_results() -> None:
    shapes = Graph().parse(MINIMAL_ROOT / "shapes" / "ctc-kg-shapes.ttl")
    ontology = Graph().parse(MINIMAL_ROOT / "ontology" / "ctc-kg.ttl")
    data = Graph().parse(data=MEETING_WITHOUT_START, format="turtle")
    report = validate(data, shapes, ontology)
    assert not report.conforms
    [result] = report.violations
    assert result.focus == "<https://w3id.org/ctc-kg/meeting/x>"
    assert result.path == "<https://schema.org/startDate>"
    assert result.severity == "Violation"
    assert result.constraint == "<http://www.w3.org/ns/shacl#MinCountConstraintComponent>"


def test_command_line_process_exit_statuses(tmp_path: Path) -> None:
    ok = subprocess.run(
        [str(CTC_KG), "--root", str(MINIMAL_ROOT), "validate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (ok.returncode, ok.stderr) == (0, "")
    invalid = write(tmp_path, "no-start.ttl", MEETING_WITHOUT_START)
    bad = subprocess.run(
        [str(CTC_KG), "--root", str(MINIMAL_ROOT), "validate", str(invalid)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert "focus <https://w3id.org/ctc-kg/meeting/x>" in bad.stdout
    broken = write(tmp_path, "broken.nt", "<http://e/a> <http://e/b> .\n")
    unusable = subprocess.run(
        [str(CTC_KG), "--root", str(MINIMAL_ROOT), "validate", str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert unusable.returncode == 2
    assert f"{broken}:1: " in unusable.stderr
