"""`ctc-kg build`: the dumps, their equivalence, determinism, atomicity, the description."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ctc_kg.cli import main
from ctc_kg.config import CANONICAL_BASE_IRI, Settings, load_settings
from ctc_kg.content import build as build_module
from ctc_kg.content.context import context_document, document_loader
from ctc_kg.content.dataset_description import service_description
from ctc_kg.content.load import Content, content_files, load_content
from ctc_kg.content.names import SD, SPDX
from pyld import jsonld
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

B = CANONICAL_BASE_IRI
MINIMAL_ROOT = Path(__file__).resolve().parent / "data" / "minimal"
REPOSITORY = Path(__file__).resolve().parents[1]
CTC_KG = Path(sys.executable).parent / "ctc-kg"
DATASET = URIRef(B + "dataset")

DATA_DUMPS = [f"ctc-kg.{s}" for s in ("jsonld", "nq", "nt", "rdf", "trig", "ttl")]
VOCABULARY_FILES = [
    f"{n}.{s}" for n in ("ontology", "shapes") for s in ("jsonld", "nt", "rdf", "ttl")
]
EXPECTED_FILES = sorted(
    [
        *DATA_DUMPS,
        *(f"{name}.gz" for name in DATA_DUMPS),
        *VOCABULARY_FILES,
        *(f"{name}.gz" for name in VOCABULARY_FILES),
        "context/v1.jsonld",
        "void.jsonld",
        "void.nt",
        "void.ttl",
        "SHA256SUMS",
    ]
)
RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "trig": "trig", "nq": "nquads"}


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def copy_minimal_root(target: Path) -> Path:
    shutil.copytree(MINIMAL_ROOT, target)
    return target


def parse_jsonld(data: bytes) -> Graph:
    """Expand with pyld, serving our context locally (never the network), into rdflib."""
    loader = document_loader()
    nquads = jsonld.to_rdf(
        json.loads(data), {"format": "application/n-quads", "documentLoader": loader}
    )
    return Graph().parse(data=nquads, format="nt")


def parse_dump(path: Path) -> Graph:
    suffix = path.suffix.lstrip(".")
    if suffix == "jsonld":
        return parse_jsonld(path.read_bytes())
    return Graph().parse(path, format=RDFLIB_FORMATS[suffix])


def parse_quads(path: Path) -> Dataset:
    dataset = Dataset()
    dataset.parse(path, format=RDFLIB_FORMATS[path.suffix.lstrip(".")])
    return dataset


def graphs_of(dataset: Dataset) -> dict[str, Graph]:
    result = {}
    for graph in dataset.graphs():
        if len(graph) == 0:
            continue
        name = "" if graph.identifier == DATASET_DEFAULT_GRAPH_ID else str(graph.identifier)
        copy = Graph()
        for triple in graph:
            copy.add(triple)
        result[name] = copy
    return result


@pytest.fixture(scope="module")
def minimal_content() -> Content:
    settings = load_settings({"root": MINIMAL_ROOT}, environ={})
    return load_content(content_files(settings))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of the minimal root, shared by the read-only checks below."""
    out = tmp_path_factory.mktemp("build") / "dist"
    status = main(["--root", str(MINIMAL_ROOT), "build", "--out", str(out)])
    assert status == 0
    return out


def test_build_writes_every_dump_checksum_context_and_description(built: Path) -> None:
    assert files_in(built) == EXPECTED_FILES


def test_build_prints_a_summary_and_no_progress_when_not_a_terminal(
    capsys: pytest.CaptureFixture[str], minimal_settings: Settings
) -> None:
    out = minimal_settings.dist_dir
    status = main(["--root", str(MINIMAL_ROOT), "build", "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 0
    assert captured.err == ""
    assert captured.out == f"wrote {len(EXPECTED_FILES)} files to {out}\n"


@pytest.mark.parametrize("name", ["ctc-kg.ttl", "ctc-kg.nt", "ctc-kg.rdf", "ctc-kg.jsonld"])
def test_graph_dumps_are_the_union_of_the_data_graphs(
    built: Path, minimal_content: Content, name: str
) -> None:
    assert isomorphic(parse_dump(built / name), minimal_content.data)


@pytest.mark.parametrize("name", ["ctc-kg.trig", "ctc-kg.nq"])
def test_dataset_dumps_keep_every_named_graph(
    built: Path, minimal_content: Content, name: str
) -> None:
    expected = graphs_of(minimal_content.data_dataset())
    found = graphs_of(parse_quads(built / name))
    assert sorted(found) == sorted(expected)
    assert B + "graph/ctc-cooperation-fr/first-meeting" in found
    for graph_name, graph in expected.items():
        if graph_name:  # the default graph holds more: see the test below
            assert isomorphic(found[graph_name], graph), graph_name


@pytest.mark.parametrize("name", ["ctc-kg.trig", "ctc-kg.nq", "ctc-kg.trig.gz", "ctc-kg.nq.gz"])
def test_dataset_dumps_hold_every_statement_in_the_default_graph(
    built: Path, minimal_content: Content, name: str
) -> None:
    """A client that reads only the default graph (Comunica, issue 13) gets what the
    Turtle dump holds: the default graph's own statements and every named graph's."""
    data = (built / name).read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    dataset = Dataset()
    dataset.parse(data=data, format=RDFLIB_FORMATS[name.removesuffix(".gz").split(".")[-1]])
    default = graphs_of(dataset)[""]
    assert isomorphic(default, minimal_content.data)
    assert isomorphic(default, parse_dump(built / "ctc-kg.ttl"))


@pytest.mark.parametrize(
    ("label", "suffix"),
    [
        (label, suffix)
        for label in ("ontology", "shapes")
        for suffix in ("ttl", "nt", "rdf", "jsonld")
    ],
)
def test_ontology_and_shapes_are_published_alone(
    built: Path, minimal_content: Content, label: str, suffix: str
) -> None:
    expected = minimal_content.ontology if label == "ontology" else minimal_content.shapes
    assert isomorphic(parse_dump(built / f"{label}.{suffix}"), expected)


def test_data_dumps_leave_out_ontology_and_shapes(built: Path) -> None:
    union = parse_dump(built / "ctc-kg.nt")
    assert (URIRef(B + "shapes#MeetingShape"), None, None) not in union
    assert (URIRef(B + "ontology#SpecialMeeting"), None, None) not in union


def test_jsonld_dump_cites_the_versioned_context_which_is_written_beside_it(built: Path) -> None:
    document = json.loads((built / "ctc-kg.jsonld").read_bytes())
    assert document["@context"] == B + "context/v1.jsonld"
    assert json.loads((built / "context" / "v1.jsonld").read_bytes()) == context_document()
    meeting = next(n for n in document["@graph"] if n["id"] == B + "meeting/2003-new-york")
    assert meeting["startDate"] == "2003-03-06"
    assert meeting["location"] == B + "place/new-york"
    assert meeting["label"] == {
        "en": "First special meeting (New York, 2003)",
        "fr": "Première réunion spéciale",
    }


@pytest.mark.parametrize("name", [n for n in EXPECTED_FILES if n.endswith(".gz")])
def test_gzip_files_hold_the_same_bytes_without_time_or_name(built: Path, name: str) -> None:
    packed = (built / name).read_bytes()
    assert gzip.decompress(packed) == (built / name.removesuffix(".gz")).read_bytes()
    flags, mtime = packed[3], int.from_bytes(packed[4:8], "little")
    assert flags & 0x08 == 0  # no FNAME field
    assert mtime == 0


def test_sha256sums_lists_every_other_file_sorted_and_correct(built: Path) -> None:
    lines = (built / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    names = [line.split("  ", 1)[1] for line in lines]
    assert names == sorted(n for n in EXPECTED_FILES if n != "SHA256SUMS")
    for line in lines:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((built / name).read_bytes()).hexdigest() == digest, name


def test_sha256sums_is_checked_by_sha256sum(built: Path) -> None:
    sha256sum = shutil.which("sha256sum")
    assert sha256sum is not None
    result = subprocess.run(
        [sha256sum, "--check", "--strict", "SHA256SUMS"],
        cwd=built,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_description_counts_and_sizes_match_the_files(
    built: Path, minimal_content: Content
) -> None:
    description = Graph().parse(built / "void.ttl")
    assert isomorphic(description, parse_dump(built / "void.jsonld"))
    assert isomorphic(description, Graph().parse(built / "void.nt"))
    union = minimal_content.data
    assert description.value(DATASET, VOID.triples) == Literal(len(union))
    dumps = set(description.objects(DATASET, VOID.dataDump))
    expected_dumps = {n for n in EXPECTED_FILES if n.startswith("ctc-kg.")}
    assert dumps == {URIRef(B + "dump/" + name) for name in expected_dumps}
    for dump in dumps:
        path = built / dump.removeprefix(B + "dump/")
        data = path.read_bytes()
        size = description.value(dump, DCAT.byteSize)
        assert size == Literal(str(len(data)), datatype=XSD.nonNegativeInteger)
        checksum = description.value(dump, SPDX.checksum)
        assert description.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        value = description.value(checksum, SPDX.checksumValue)
        assert str(value) == hashlib.sha256(data).hexdigest()
        assert description.value(dump, DCAT.downloadURL) == dump
        media_type = str(description.value(dump, DCAT.mediaType))
        assert media_type.startswith("https://www.iana.org/assignments/media-types/")
        if path.suffix == ".gz":
            gzip_iri = URIRef("https://www.iana.org/assignments/media-types/application/gzip")
            assert description.value(dump, DCAT.compressFormat) == gzip_iri


def test_description_carries_the_access_points_and_the_datas_own_metadata(
    built: Path, minimal_content: Content
) -> None:
    description = Graph().parse(built / "void.ttl")
    assert description.value(DATASET, VOID.sparqlEndpoint) == URIRef(B + "sparql")
    assert description.value(DATASET, VOID.uriSpace) == Literal(B)
    turtle_iri = URIRef("https://www.iana.org/assignments/media-types/text/turtle")
    assert description.value(URIRef(B + "dump/ctc-kg.ttl"), DCAT.mediaType) == turtle_iri
    for key in (DCTERMS.license, DCTERMS.modified, DCTERMS.source):
        expected = set(minimal_content.data.objects(DATASET, key))
        assert expected
        assert set(description.objects(DATASET, key)) == expected
    meetings = next(
        p
        for p in description.objects(DATASET, VOID.classPartition)
        if description.value(p, VOID["class"]) == URIRef("https://schema.org/Event")
    )
    assert description.value(meetings, VOID.entities) == Literal(1)


def test_linksets_are_copied_with_their_links_counted(built: Path) -> None:
    description = Graph().parse(built / "void.ttl")
    linkset = URIRef(B + "linkset/wikidata")
    assert (linkset, RDF.type, VOID.Linkset) in description
    # the minimal data links New York to Wikidata Q60, and nothing else
    assert description.value(linkset, VOID.triples) == Literal(1)


def test_build_twice_is_byte_identical_even_in_another_process(built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [str(CTC_KG), "--root", str(MINIMAL_ROOT), "build", "--out", str(again)],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    assert files_in(again) == files_in(built)
    for name in files_in(built):
        assert (again / name).read_bytes() == (built / name).read_bytes(), name


def test_build_replaces_an_existing_folder_and_leaves_no_temporary_sibling(
    minimal_settings: Settings,
) -> None:
    out = minimal_settings.dist_dir
    out.mkdir()
    (out / "stale.txt").write_text("from an older build")
    assert main(["--root", str(MINIMAL_ROOT), "build", "--out", str(out)]) == 0
    assert files_in(out) == EXPECTED_FILES
    assert sorted(p.name for p in out.parent.iterdir()) == ["dist"]


def test_build_on_invalid_data_writes_nothing_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_minimal_root(tmp_path / "root")
    meetings = root / "data" / "meetings.trig"
    text = meetings.read_text(encoding="utf-8")
    meetings.write_text(text.replace('schema:startDate "2003-03-06"^^xsd:date ;', ""))
    out = tmp_path / "dist"
    out.mkdir()
    (out / "previous.txt").write_text("the previous build")
    status = main(["--root", str(root), "build", "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 1
    assert "path: <https://schema.org/startDate>" in captured.out
    assert "nothing written" in captured.err
    assert files_in(out) == ["previous.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "root"]


def test_build_on_unparsable_data_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_minimal_root(tmp_path / "root")
    (root / "data" / "broken.trig").write_text("<a> <b> .\n")
    out = tmp_path / "dist"
    status = main(["--root", str(root), "build", "--out", str(out)])
    assert status == 2
    assert "broken.trig:1: " in capsys.readouterr().err
    assert not out.exists()


def test_crash_while_serializing_leaves_the_old_folder_intact(
    minimal_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = minimal_settings.dist_dir
    out.mkdir()
    (out / "previous.txt").write_text("the previous build")

    def crash(*_: object) -> bytes:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(build_module, "rdfxml", crash)
    with pytest.raises(RuntimeError, match="disk on fire"):
        main(["--root", str(MINIMAL_ROOT), "build", "--out", str(out)])
    assert files_in(out) == ["previous.txt"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["dist"]


def test_crash_while_writing_leaves_the_old_folder_intact(
    minimal_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = minimal_settings.dist_dir
    out.mkdir()
    (out / "previous.txt").write_text("the previous build")
    real_swap = build_module._swap

    def crash(staging: Path, target: Path) -> None:
        assert (staging / "ctc-kg.ttl").exists()  # everything was written before the swap
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build_module, "_swap", crash)
    status = main(["--root", str(MINIMAL_ROOT), "build", "--out", str(out)])
    assert status == 2
    assert files_in(out) == ["previous.txt"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["dist"]
    assert real_swap is not crash


def test_build_with_another_base_iri_rebases_every_dump(
    minimal_settings: Settings,
) -> None:
    other = "http://localhost:8000/"
    out = minimal_settings.dist_dir
    status = main(["--root", str(MINIMAL_ROOT), "--base-iri", other, "build", "--out", str(out)])
    assert status == 0
    union = parse_dump(out / "ctc-kg.nt")
    terms = {t for triple in union for t in triple}
    assert URIRef(other + "meeting/2003-new-york") in terms
    assert not any(str(t).startswith(B) for t in terms)  # IRIs, and void:uriSpace's literal
    document = json.loads((out / "ctc-kg.jsonld").read_bytes())
    assert document["@context"] == other + "context/v1.jsonld"
    description = Graph().parse(out / "void.ttl")
    assert description.value(URIRef(other + "dataset"), VOID.sparqlEndpoint) == URIRef(
        other + "sparql"
    )


def test_build_of_the_repository_succeeds(tmp_settings: Settings) -> None:
    out = tmp_settings.dist_dir
    assert main(["--root", str(REPOSITORY), "build", "--out", str(out)]) == 0
    content = load_content(content_files(tmp_settings))
    assert isomorphic(parse_dump(out / "ctc-kg.ttl"), content.data)
    description = Graph().parse(out / "void.ttl")
    assert description.value(DATASET, VOID.triples) == Literal(len(content.data))


def test_service_description_describes_the_endpoint_and_its_graphs() -> None:
    graphs = [B + "graph/editorial", B + "graph/ctc-cooperation-fr/first-meeting"]
    endpoint = URIRef(B + "sparql")
    description = service_description(str(endpoint), str(DATASET), graphs)
    assert (endpoint, RDF.type, SD.Service) in description
    assert description.value(endpoint, SD.endpoint) == endpoint
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in description
    assert (endpoint, SD.feature, SD.UnionDefaultGraph) in description
    assert (endpoint, SD.feature, SD.BasicFederatedQuery) not in description
    formats = set(description.objects(endpoint, SD.resultFormat))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert URIRef("http://www.w3.org/ns/formats/Turtle") in formats
    dataset = description.value(endpoint, SD.defaultDataset)
    assert dataset == DATASET
    assert description.value(dataset, SD.defaultGraph) is not None
    names = {
        str(description.value(entry, SD.name))
        for entry in description.objects(dataset, SD.namedGraph)
    }
    assert names == set(graphs)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_build_shows_its_steps_on_a_terminal(
    minimal_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    out = minimal_settings.dist_dir
    assert main(["--root", str(MINIMAL_ROOT), "build", "--out", str(out)]) == 0
    steps = [line.split("] ", 1)[1] for line in terminal.getvalue().splitlines()]
    assert steps[:2] == ["load", "validate"]
    assert any(step.startswith("serialize 14 files in ") for step in steps)
    assert "describe the dataset" in steps
    assert steps[-1] == f"write {out}"
