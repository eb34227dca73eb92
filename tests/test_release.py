"""`ctc-kg release`: all or nothing, never overwrites, records what changed, verifies."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from ctc_kg.cli import main
from ctc_kg.content.releases import CS, list_releases
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

MINIMAL_ROOT = Path(__file__).resolve().parent / "data" / "minimal"
BASE = "https://w3id.org/ctc-kg/"
NEW_TITLE = "A title only the second release has"


def release(root: Path, releases: Path, *args: str) -> int:
    return main(["--root", str(root), "release", *args, "--releases", str(releases)])


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "root"
    shutil.copytree(MINIMAL_ROOT, copy)
    return copy


def test_release_refuses_data_that_does_not_conform_and_writes_nothing(
    root: Path, tmp_path: Path
) -> None:
    meetings = root / "data" / "meetings.trig"
    # A meeting's start date that is not a date breaks the minimal shapes.
    text = meetings.read_text("utf-8")
    broken = text.replace('"2003-03-06"^^xsd:date', '"sometime"', 1)
    assert broken != text
    meetings.write_text(broken, "utf-8")
    releases = tmp_path / "releases"
    assert release(root, releases, "1.0.0") == 1
    assert not (releases / "1.0.0").exists()
    assert list_releases(releases) == []


def test_release_never_replaces_an_existing_version(root: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    assert release(root, releases, "1.0.0") == 0
    before = files_of(releases)
    (root / "data" / "meetings.trig").write_text(
        (root / "data" / "meetings.trig").read_text("utf-8") + "\n", "utf-8"
    )
    assert release(root, releases, "1.0.0") == 2
    assert files_of(releases) == before


@pytest.mark.parametrize("version", ["v1", "1.0", "latest", "../x", "2026-13", "2026-02-30"])
def test_release_refuses_a_version_that_is_neither_semantic_nor_a_date(
    root: Path, tmp_path: Path, version: str
) -> None:
    assert release(root, tmp_path / "releases", version) == 2
    assert not (tmp_path / "releases").exists() or not any((tmp_path / "releases").iterdir())


def test_second_release_records_added_triples_per_graph_and_its_predecessor(
    root: Path, tmp_path: Path
) -> None:
    releases = tmp_path / "releases"
    assert release(root, releases, "2026-01-01") == 0
    meetings = root / "data" / "meetings.trig"
    text = meetings.read_text("utf-8")
    meeting = BASE + "meeting/2003-new-york"
    addition = f'\n<{meeting}> <http://purl.org/dc/terms/alternative> "{NEW_TITLE}"@en .\n'
    meetings.write_text(text + addition, "utf-8")
    assert release(root, releases, "2026-02-01") == 0
    second = releases / "2026-02-01"
    changes = Graph().parse(data=gzip.decompress((second / "changes.ttl.gz").read_bytes()))
    added = list(changes.objects(None, CS.addition))
    assert len(added) == 1
    assert changes.value(added[0], RDF.object) == Literal(NEW_TITLE, lang="en")
    assert changes.value(added[0], RDF.subject) == URIRef(meeting)
    assert not list(changes.objects(None, CS.removal))
    assert "1 triples added, 0 removed" in (second / "CHANGES.md").read_text("utf-8")
    manifest = Graph().parse(second / "release.ttl")
    assert (
        URIRef(BASE + "release/2026-02-01"),
        PROV.wasRevisionOf,
        URIRef(BASE + "release/2026-01-01"),
    ) in manifest
    assert [r.version for r in list_releases(releases)] == ["2026-01-01", "2026-02-01"]


def test_verify_finds_a_release_file_changed_after_the_release(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    releases = tmp_path / "releases"
    assert release(root, releases, "1.0.0") == 0
    assert main(["--root", str(root), "release", "--verify", "--releases", str(releases)]) == 0
    dump = releases / "1.0.0" / "ctc-kg.nq.gz"
    dump.write_bytes(gzip.compress(gzip.decompress(dump.read_bytes()) + b"\n"))
    assert main(["--root", str(root), "release", "--verify", "--releases", str(releases)]) == 1
    assert "1.0.0: ctc-kg.nq.gz does not match its SHA-256" in capsys.readouterr().out


def test_the_repository_releases_match_their_checksums() -> None:
    assert main(["release", "--verify"]) == 0


@pytest.mark.parametrize("listed", [("2.0.0", "10.0.0"), ("10.0.0", "2.0.0")])
def test_releases_made_within_one_second_are_listed_in_the_order_they_were_made(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listed: tuple[str, str]
) -> None:
    """Regression: two releases stamped with the same second (what an HTTP date and a
    Memento-Datetime can tell apart) were listed in the file system's order, so the static
    site's TimeMap could call the newer one the first memento."""
    releases = tmp_path / "releases"
    assert release(root, releases, "2.0.0") == 0
    meetings = root / "data" / "meetings.trig"
    meetings.write_text(meetings.read_text("utf-8") + "\n", "utf-8")
    assert release(root, releases, "10.0.0") == 0
    stamp = Literal("2026-12-03T10:00:00+00:00", datatype=XSD.dateTime)
    for version in listed:
        manifest = releases / version / "release.ttl"
        graph = Graph().parse(manifest, format="turtle")
        for subject in list(graph.subjects(PROV.generatedAtTime, None)):
            graph.set((subject, PROV.generatedAtTime, stamp))
        manifest.write_text(graph.serialize(format="turtle"), "utf-8")
    folders = [releases / version for version in listed]
    real_iterdir = Path.iterdir
    monkeypatch.setattr(
        Path, "iterdir", lambda self: iter(folders) if self == releases else real_iterdir(self)
    )
    assert [r.version for r in list_releases(releases)] == ["2.0.0", "10.0.0"]
