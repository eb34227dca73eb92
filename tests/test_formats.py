"""The table of formats (ctc_kg/formats.py) is the only place formats are written out."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

from ctc_kg import formats

PACKAGE = Path(formats.__file__).resolve().parent
# What only the table may spell: every media type of a format, the W3C format IRIs, and
# the names of the files a build writes.
SPELLED_ONLY_IN_THE_TABLE = {
    *(fmt.media_type for fmt in formats.FORMATS),
    formats.W3C_FORMATS,
    formats.CHECKSUMS,
    *formats.description_files(),
    *(formats.file_name(formats.DATA_DUMP, fmt) for fmt in formats.GRAPH_FORMATS),
}


# store/remote.py is being split into its query and description parts; its three
# constants move to the table with that split.
def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """The string constants of a module's code (docstrings left out)."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_module_but_the_table_spells_a_format_or_a_build_file() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name == "formats.py":
            continue
        for line, text in _strings(ast.parse(path.read_text("utf-8"))):
            if any(spelled in text for spelled in SPELLED_ONLY_IN_THE_TABLE):
                found.append(f"{name}:{line}: {text!r}")
    assert found == []


def test_every_rdf_format_names_its_pyoxigraph_and_rdflib_parsers() -> None:
    for fmt in formats.GRAPH_FORMATS:
        assert fmt.rdf_format.media_type == fmt.media_type
        assert fmt.rdflib_name
        assert fmt.w3c_iri is not None
    for fmt in formats.RESULTS_FORMATS:
        assert fmt.results_format.media_type.split(";")[0] == fmt.media_type


def test_an_equal_format_finds_the_same_entry_of_a_dict() -> None:
    # Format hashes by name (conneg keys its memo on tuples of formats): a copy, equal
    # field by field, must find what the table's own object was stored under.
    for fmt in formats.FORMATS:
        copy = dataclasses.replace(fmt)
        assert copy == fmt
        assert copy is not fmt
        assert {(fmt, "text/turtle"): fmt.name}[(copy, "text/turtle")] == fmt.name
    assert len({*formats.FORMATS}) == len(formats.FORMATS)
