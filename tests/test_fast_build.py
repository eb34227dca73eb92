"""The build's engine swap and parallelism change no byte: canonical N-Quads written by
pyoxigraph where it can (content/oxigraph_canon.py) are pyld's, and the parallel build
with the one-pass writers (content/writers.py) writes what the one-process build with pyld
and rdflib's writers alone wrote (the reference, kept as `serialize.canonical_by_pyld`,
`serialize.*_by_rdflib` and `processes=1`), on the repository's data and on generated
graphs, with and without blank nodes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ctc_kg.config import Settings, load_settings
from ctc_kg.content import oxigraph_canon, writers
from ctc_kg.content.build import build
from ctc_kg.content.load import Content, content_files, load_content
from ctc_kg.content.parallel import run_jobs
from ctc_kg.content.serialize import Quad, _all_quads, _canonical, canonical_by_pyld
from rdflib import BNode, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS, XSD

from bench.generate import generate, write_root

ROOT = Path(__file__).resolve().parents[1]
E = "https://example.org/"
DEFAULT = DATASET_DEFAULT_GRAPH_ID


@pytest.fixture(scope="module")
def repository() -> Content:
    return load_content(content_files(Settings(root=ROOT)))


@pytest.fixture(scope="module")
def generated_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    write_root(generate(2000, seed=5), root, ROOT)
    return root


def _generated(root: Path) -> Content:
    return load_content(content_files(load_settings({"root": root}, environ={})))


def _with_blank_nodes(content: Content) -> Content:
    """The content with blank-node structures in the default graph and a named graph: a
    chain, two isomorphic twins, a cycle, a list, and a graph named by a blank node."""
    dataset = content.dataset
    graph = dataset.graph(URIRef(E + "graph/blank"))
    head, middle, tail, twin_a, twin_b, loop = (BNode() for _ in range(6))
    for s, p, o in (
        (URIRef(E + "a"), URIRef(E + "p"), head),
        (head, URIRef(E + "p"), middle),
        (middle, URIRef(E + "p"), tail),
        (tail, RDFS.label, Literal("tail", lang="en")),
        (twin_a, URIRef(E + "q"), Literal("same")),
        (twin_b, URIRef(E + "q"), Literal("same")),
        (loop, URIRef(E + "p"), loop),
        (head, RDF.first, Literal(1)),
        (head, RDF.rest, RDF.nil),
    ):
        graph.add((s, p, o))
        dataset.default_graph.add((s, p, o))
    dataset.graph(BNode()).add((URIRef(E + "b"), URIRef(E + "p"), Literal("in a blank graph")))
    return content


TRICKY = [
    "plain",
    "",
    'quote " and backslash \\ and \\u0041 written out',
    "new\nline, return\r, tab\t",
    "é ü 中文 \U0001f600 \u2028 \u2029 \x85 \ufeff",
    "trailing space ",
]


def _tricky_quads() -> list[Quad]:
    quads: list[Quad] = []
    for number, text in enumerate(TRICKY):
        subject = URIRef(f"{E}s{number}")
        quads.append((subject, RDFS.label, Literal(text), DEFAULT))
        quads.append((subject, RDFS.label, Literal(text, lang="en-gb"), URIRef(E + "g")))
        quads.append((subject, RDFS.comment, Literal(text, datatype=XSD.token), DEFAULT))
        quads.append((BNode(), RDFS.seeAlso, subject, URIRef(E + "g")))
    quads.append((URIRef(E + "n"), RDF.value, Literal("01", datatype=XSD.integer), DEFAULT))
    return quads


def _assert_same_as_pyld(quads: list[Quad]) -> None:
    assert oxigraph_canon.written_lines([q for q in quads if not _blank(q)]) is not None
    text, relabelled = _canonical(quads)
    reference_text, reference_relabelled = canonical_by_pyld(quads)
    assert text == reference_text
    assert set(relabelled) == set(reference_relabelled)


def _blank(quad: Quad) -> bool:
    return any(isinstance(term, BNode) for term in quad)


def test_canonical_nquads_of_the_repository_are_pyld_bytes(repository: Content) -> None:
    _assert_same_as_pyld(list(repository.data_quads()))
    _assert_same_as_pyld(list(_all_quads(repository.dataset)))  # with the shapes' blank nodes


def test_canonical_nquads_of_generated_graphs_are_pyld_bytes(generated_root: Path) -> None:
    content = _with_blank_nodes(_generated(generated_root))
    _assert_same_as_pyld(list(_all_quads(content.dataset)))


def test_canonical_nquads_of_tricky_literals_are_pyld_bytes() -> None:
    _assert_same_as_pyld(_tricky_quads())


def test_statements_without_blank_nodes_do_not_go_through_pyld() -> None:
    quads = [q for q in _tricky_quads() if not _blank(q)]

    def refuse(statements: object) -> tuple[str, list[Quad]]:
        raise AssertionError("pyld was asked")

    text, relabelled = oxigraph_canon.canonical_nquads(quads, refuse)
    assert text == canonical_by_pyld(quads)[0]
    assert relabelled == quads


@pytest.mark.parametrize("text", ["bell \x07", "backspace \x08", "form feed \x0c", "del \x7f"])
def test_literals_pyoxigraph_escapes_otherwise_are_left_to_pyld(text: str) -> None:
    quads: list[Quad] = [(URIRef(E + "s"), RDFS.label, Literal(text), DEFAULT)]
    assert oxigraph_canon.written_lines(quads) is None
    assert _canonical(quads) == canonical_by_pyld(quads)


def test_a_language_tag_in_upper_case_is_left_to_pyld() -> None:
    quads: list[Quad] = [(URIRef(E + "s"), RDFS.label, Literal("x", lang="en-GB"), DEFAULT)]
    assert oxigraph_canon.written_lines(quads) is None
    assert _canonical(quads) == canonical_by_pyld(quads)


def test_a_language_tag_in_upper_case_after_the_same_text_in_lower_case_is_kept() -> None:
    """Regression: terms were remembered by rdflib's equality, which ignores a language
    tag's case, so "x"@EN-GB after "x"@en-gb was written with the lower-case tag."""
    quads: list[Quad] = [
        (URIRef(E + "a"), RDFS.label, Literal("x", lang="en-gb"), DEFAULT),
        (URIRef(E + "b"), RDFS.label, Literal("x", lang="EN-GB"), DEFAULT),
    ]
    assert oxigraph_canon.written_lines(quads) is None
    assert _canonical(quads) == canonical_by_pyld(quads)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _reference_build(
    content: Content, out: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, bytes]:
    """What the build wrote before: one process, canonical N-Quads by pyld, Turtle, TriG and
    RDF/XML by rdflib's writers (the one-pass writers refuse everything)."""

    def refuse(*_: object) -> bytes:
        raise writers.RefusedError("the reference build")

    with monkeypatch.context() as patched:
        patched.setattr(oxigraph_canon, "written_lines", lambda statements: None)
        for name in ("turtle", "trig", "rdfxml"):
            patched.setattr(writers, name, refuse)
        build(content, out, processes=1)
    return _files(out)


def _assert_build_is_todays(
    content: Content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = _reference_build(content, tmp_path / "reference", monkeypatch)
    build(content, tmp_path / "fast", processes=2)
    fast = _files(tmp_path / "fast")
    assert sorted(fast) == sorted(reference)
    different = [name for name in sorted(fast) if fast[name] != reference[name]]
    assert different == []


def test_build_of_the_repository_writes_todays_bytes(
    repository: Content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _assert_build_is_todays(repository, tmp_path, monkeypatch)


def test_build_of_a_generated_graph_with_blank_nodes_writes_todays_bytes(
    generated_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _assert_build_is_todays(_with_blank_nodes(_generated(generated_root)), tmp_path, monkeypatch)


def _pid() -> bytes:
    return str(os.getpid()).encode()


def _fail() -> bytes:
    raise ValueError("this serializer broke")


def test_jobs_run_in_parallel_processes_and_come_back_packed() -> None:
    jobs = {f"job{n}": _pid for n in range(8)}
    done = run_jobs(jobs, {}, 2, lambda body: body[::-1])
    assert sorted(done) == sorted(jobs)
    pids = {body for body, _ in done.values()}
    assert str(os.getpid()).encode() not in pids
    assert all(packed == body[::-1] for body, packed in done.values())


def test_a_failing_job_fails_the_run_with_its_error() -> None:
    with pytest.raises(ValueError, match="this serializer broke"):
        run_jobs({"good": _pid, "bad": _fail}, {}, 2, bytes)
