"""Loading content: graphs, provenance of subjects, file:line errors, offline JSON-LD, rebasing."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from ctc_kg.config import CANONICAL_BASE_IRI, Settings, replace
from ctc_kg.content.load import (
    _plain,
    content_files,
    load_content,
    load_dataset,
    load_paths,
    union_graph,
)
from ctc_kg.content.names import ontology_iri, shapes_iri
from ctc_kg.content.reading import _read_with_oxigraph, display_path, read_file
from ctc_kg.content.reading import all_quads as _quads
from ctc_kg.content.rebase import rebase, rebase_term
from ctc_kg.content.serialize import add_quad, canonical_nquads, new_dataset
from ctc_kg.errors import UnusableInputError
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

B = CANONICAL_BASE_IRI
REPOSITORY = Path(__file__).resolve().parents[1]
MINIMAL_ROOT = Path(__file__).resolve().parent / "data" / "minimal"
MEETING = URIRef(B + "meeting/2003-new-york")
FIRST_MEETING_GRAPH = URIRef(B + "graph/ctc-cooperation-fr/first-meeting")
SCHEMA_START = URIRef("https://schema.org/startDate")


def shown(relative: str) -> str:
    """How reports name a file of the minimal root."""
    return display_path(MINIMAL_ROOT / relative)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_content_files_lists_the_repository_files_sorted(settings: Settings) -> None:
    files = content_files(settings)
    assert settings.root / "ontology" / "ctc-kg.ttl" in files.ontology
    assert settings.root / "shapes" / "ctc-kg-shapes.ttl" in files.shapes
    assert settings.root / "data" / "meetings.trig" in files.data
    assert list(files.data) == sorted(files.data)
    assert all(p.suffix in (".trig", ".ttl") for p in files.data)


def test_content_files_without_a_shapes_folder_is_unusable(
    minimal_settings: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    (root / "ontology").mkdir(parents=True)
    (root / "ontology" / "o.ttl").write_text("<http://e/o> a <http://e/O> .")
    (root / "data").mkdir()
    (root / "data" / "d.trig").write_text("<http://e/d> a <http://e/D> .")
    with pytest.raises(UnusableInputError, match="shapes"):
        content_files(replace(minimal_settings, root=root))


def test_ontology_and_shapes_get_their_own_named_graphs(minimal_settings: Settings) -> None:
    dataset = load_dataset(content_files(minimal_settings))
    ontology = dataset.graph(ontology_iri(B))
    shapes = dataset.graph(shapes_iri(B))
    assert (URIRef(B + "ontology#SpecialMeeting"), RDFS.subClassOf, None) in ontology
    assert (URIRef(B + "shapes#MeetingShape"), RDF.type, None) in shapes
    assert (URIRef(B + "shapes#MeetingShape"), RDF.type, None) not in dataset.default_graph


def test_data_graphs_keep_their_names_and_default_triples_stay_default(
    minimal_settings: Settings,
) -> None:
    dataset = load_dataset(content_files(minimal_settings))
    start = Literal("2003-03-06", datatype=XSD.date)
    assert (MEETING, SCHEMA_START, start) in dataset.graph(FIRST_MEETING_GRAPH)
    assert (MEETING, SCHEMA_START, start) not in dataset.default_graph
    assert (URIRef(B + "dataset"), RDF.type, None) in dataset.default_graph


def test_each_subject_and_graph_remembers_its_files(minimal_settings: Settings) -> None:
    content = load_content(content_files(minimal_settings))
    assert content.files_of(MEETING) == (shown("data/meetings.trig"),)
    assert content.files_of(FIRST_MEETING_GRAPH) == (
        shown("data/meetings.trig"),
        shown("data/sources.trig"),
    )
    assert content.files_of(URIRef(B + "ontology#SpecialMeeting")) == (
        shown("ontology/ctc-kg.ttl"),
    )


def test_union_graph_holds_every_triple_of_every_graph_once(minimal_settings: Settings) -> None:
    dataset = load_dataset(content_files(minimal_settings))
    union = union_graph(dataset)
    expected = {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}
    assert set(union) == expected
    without_vocabularies = union_graph(dataset, exclude=[ontology_iri(B), shapes_iri(B)])
    assert (URIRef(B + "shapes#MeetingShape"), None, None) not in without_vocabularies
    assert (MEETING, SCHEMA_START, None) in without_vocabularies


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        (
            "broken.ttl",
            "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n\nex:d ex:e 'open .\n",
            4,
        ),
        (
            "broken.trig",
            "@prefix ex: <http://example.org/> .\nex:g {\n"
            "  ex:a ex:b ex:c .\n  ex:d ex:e ex:f ex:z .\n}\n",
            4,
        ),
        (
            "broken.nt",
            "<http://e/a> <http://e/b> <http://e/c> .\n"
            "<http://e/a> <http://e/b> <http://e/d> .\n"
            "<http://e/a> <http://e/b> .\n",
            3,
        ),
        (
            "broken.nq",
            "<http://e/a> <http://e/b> <http://e/c> <http://e/g> .\n"
            '<http://e/a> <http://e/b> "x <http://e/g> .\n',
            2,
        ),
        ("broken.jsonld", '{\n  "@id": "http://e/a",\n  "http://e/b": [1,\n}\n', 4),
        (
            "broken.rdf",
            '<?xml version="1.0"?>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            "  <rdf:Description>\n"
            "</rdf:RDF>\n",
            4,
        ),
    ],
)
def test_syntax_error_names_the_file_and_the_line(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(UnusableInputError) as caught:
        load_paths([path])
    assert caught.value.line == line
    assert str(caught.value.path).endswith(name)
    assert f"{name}:{line}: " in str(caught.value)


def test_missing_file_is_unusable(tmp_path: Path) -> None:
    with pytest.raises(UnusableInputError, match="no such file"):
        load_paths([tmp_path / "absent.ttl"])


def test_unknown_file_type_is_unusable(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.txt", "hello")
    with pytest.raises(UnusableInputError, match="unknown file type"):
        load_paths([path])


def test_remote_jsonld_context_is_refused_without_a_network_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[object] = []

    def no_network(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    document = {"@context": "https://schema.org/", "@id": "http://e/a", "name": "x"}
    path = write(tmp_path, "remote.jsonld", json.dumps(document))
    with pytest.raises(UnusableInputError, match=r"remote @context https://schema\.org/"):
        load_paths([path])
    assert attempts == []


def test_jsonld_citing_our_context_loads_offline(tmp_path: Path) -> None:
    document = {
        "@context": B + "context/v1.jsonld",
        "@graph": [
            {
                "id": str(MEETING),
                "startDate": "2003-03-06",
                "label": {"en": "First special meeting", "fr": "Première réunion spéciale"},
            }
        ],
    }
    path = write(tmp_path, "meeting.jsonld", json.dumps(document))
    content = load_paths([path])
    expected = Graph()
    expected.add((MEETING, SCHEMA_START, Literal("2003-03-06", datatype=XSD.date)))
    expected.add((MEETING, RDFS.label, Literal("First special meeting", lang="en")))
    expected.add((MEETING, RDFS.label, Literal("Première réunion spéciale", lang="fr")))
    assert isomorphic(content.data, expected)


def test_relative_iris_resolve_against_the_canonical_base(tmp_path: Path) -> None:
    path = write(tmp_path, "relative.ttl", "<meeting/2003-new-york> a <https://schema.org/Event> .")
    content = load_paths([path])
    assert (MEETING, RDF.type, URIRef("https://schema.org/Event")) in content.data


def test_explicit_xsd_string_is_read_as_a_plain_literal(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "typed.ttl",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<http://e/a> <http://e/b> "x"^^xsd:string .',
    )
    content = load_paths([path])
    assert (URIRef("http://e/a"), URIRef("http://e/b"), Literal("x")) in content.data


def _dataset_of(quads: list[tuple[Node, Node, Node, Node]]) -> Dataset:
    dataset = new_dataset()
    for s, p, o, g in quads:
        add_quad(dataset, (s, p, _plain(o), g))
    return dataset


@pytest.mark.parametrize(
    "path",
    content_files(Settings(root=REPOSITORY)).all + tuple(sorted(MINIMAL_ROOT.rglob("*.trig"))),
    ids=lambda p: str(p.relative_to(REPOSITORY)),
)
def test_oxigraph_reads_each_content_file_as_rdflib_does(path: Path) -> None:
    fast = _read_with_oxigraph(path, path.name)
    assert fast is not None, "pyoxigraph handed the file back to rdflib"
    slow = list(_quads(read_file(path)))
    assert canonical_nquads(_dataset_of(fast)) == canonical_nquads(_dataset_of(slow))


def test_blank_node_labels_are_local_to_their_file(tmp_path: Path) -> None:
    write(tmp_path, "a.ttl", "_:x <http://e/p> <http://e/a> .")
    write(tmp_path, "b.ttl", "_:x <http://e/p> <http://e/b> .")
    subjects = set(load_paths([tmp_path]).data.subjects())
    assert len(subjects) == 2


def test_upper_case_language_tag_is_kept_as_written(tmp_path: Path) -> None:
    path = write(tmp_path, "tag.ttl", '<http://e/a> <http://e/b> "colour"@en-GB .')
    (literal,) = load_paths([path]).data.objects()
    assert isinstance(literal, Literal)
    assert literal.language == "en-GB"


def test_syntax_error_pyoxigraph_finds_is_reported_by_rdflib_with_its_line(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "broken.trig", "<http://e/g> {\n  <http://e/a> <http://e/b> c> .\n}\n")
    assert _read_with_oxigraph(path, "broken.trig") is None
    with pytest.raises(UnusableInputError) as caught:
        load_paths([path])
    assert caught.value.line == 2


def test_folder_paths_read_every_rdf_file_inside(tmp_path: Path) -> None:
    write(tmp_path, "a.ttl", "<http://e/a> <http://e/p> <http://e/b> .")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "b.nt", "<http://e/b> <http://e/p> <http://e/c> .\n")
    write(tmp_path, "readme.txt", "not RDF")
    assert len(load_paths([tmp_path]).data) == 2


def test_rebase_moves_every_base_iri_and_nothing_else(minimal_settings: Settings) -> None:
    dataset = load_dataset(content_files(minimal_settings))
    other = "http://localhost:8000/"
    moved = rebase(dataset, B, other)
    quads = list(moved.quads((None, None, None, None)))
    assert len(quads) == len(list(dataset.quads((None, None, None, None))))
    terms = {t for quad in quads for t in quad}
    assert not any(isinstance(t, URIRef) and t.startswith(B) for t in terms)
    assert URIRef("http://www.wikidata.org/entity/Q60") in terms
    start = (URIRef(other + "meeting/2003-new-york"), SCHEMA_START, None)
    assert start in moved.graph(URIRef(other + "graph/ctc-cooperation-fr/first-meeting"))


def test_content_with_another_base_is_rebased_at_load(minimal_settings: Settings) -> None:
    other = "http://localhost:8000/"
    content = load_content(content_files(minimal_settings), other)
    meeting = URIRef(other + "meeting/2003-new-york")
    assert (meeting, SCHEMA_START, None) in content.data
    assert (URIRef(other + "ontology#SpecialMeeting"), None, None) in content.ontology
    assert content.files_of(meeting) == (shown("data/meetings.trig"),)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (URIRef(B + "place/vienna"), URIRef("http://x/place/vienna")),
        (URIRef("https://schema.org/Place"), URIRef("https://schema.org/Place")),
        (Literal(B), Literal("http://x/")),
        (
            Literal(B + "ontology#", datatype=XSD.anyURI),
            Literal("http://x/ontology#", datatype=XSD.anyURI),
        ),
        (Literal("see " + B), Literal("see " + B)),
        (Literal(B + "meeting/x", lang="en"), Literal(B + "meeting/x", lang="en")),
        (Literal("57", datatype=XSD.integer), Literal("57", datatype=XSD.integer)),
    ],
)
def test_rebase_term_moves_iris_and_iris_written_as_strings_only(
    term: URIRef | Literal, expected: URIRef | Literal
) -> None:
    moved = rebase_term(term, B, "http://x/")
    assert moved == expected
    assert type(moved) is type(expected)
