"""Read one RDF file into rdflib terms, naming the file and the line of a syntax error.

The format comes from the file's suffix (ctc_kg.formats). Turtle, TriG, N-Triples and
N-Quads are read with pyoxigraph's parser (its Rust parser is the bulk of a load's
speed-up) and turned into the same rdflib terms rdflib's parser makes. A file pyoxigraph
refuses, or one it would read differently (language tags not in lower case, RDF 1.2
triple terms or directions), is read by rdflib's parser instead, which names the file and
line of a syntax error. JSON-LD is read with pyld and never fetches a remote context
(ctc_kg.content.context.document_loader).
"""

from __future__ import annotations

import json
import re
import xml.sax
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from pyld.jsonld import JsonLdError
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from ctc_kg import formats
from ctc_kg.config import CANONICAL_BASE_IRI
from ctc_kg.content.context import jsonld_to_nquads, refused_url
from ctc_kg.content.serialize import Quad, new_dataset, new_graph
from ctc_kg.errors import UnusableInputError
from ctc_kg.formats import Format

# The formats pyoxigraph reads first (rdflib reads the others, and any file it refuses).
_READ_BY_OXIGRAPH = (formats.TURTLE, formats.TRIG, formats.NTRIPLES, formats.NQUADS)
# Line-based formats: a syntax error is found by parsing line by line.
_LINE_BASED = (formats.NTRIPLES, formats.NQUADS)
_READ_SUFFIXES = frozenset(
    suffix for fmt in formats.GRAPH_FORMATS for suffix in (fmt.suffix, *fmt.read_suffixes)
)
# A language tag with an upper-case letter: pyoxigraph lower-cases it, rdflib keeps it.
_UPPER_CASE_LANGUAGE = re.compile(rb"[\"']@[a-z0-9-]*[A-Z]")
_XSD_STRING = str(XSD.string)


def read_quads(path: Path, shown: str | None = None) -> list[Quad]:
    """The file's statements as rdflib terms (pyoxigraph's parser first, see above)."""
    shown = shown or display_path(path)
    quads = _read_with_oxigraph(path, shown)
    if quads is None:
        quads = list(all_quads(read_file(path, shown)))
    return quads


def is_rdf_file(path: Path) -> bool:
    """Whether the file's suffix names a format it can be read as."""
    return formats.read_as(path.suffix) is not None


def display_path(path: Path) -> str:
    """The path relative to the working folder when it is inside it, else absolute."""
    absolute = path.resolve()
    try:
        return str(absolute.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(absolute)


class _NotForOxigraphError(Exception):
    """The file holds something rdflib's parser must read itself."""


def _read_with_oxigraph(path: Path, shown: str) -> list[Quad] | None:
    """The file's statements as rdflib terms, read by pyoxigraph; None when rdflib's parser
    must read it (another format, a syntax error, or a term pyoxigraph would change)."""
    fmt = formats.read_as(path.suffix)
    if fmt not in _READ_BY_OXIGRAPH:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None  # read_file says why
    if _UPPER_CASE_LANGUAGE.search(data):
        return None
    terms: dict[object, Node] = {}  # per file: its blank nodes are its own

    def term(node: object) -> Node:
        found = terms.get(node)
        if found is None:
            found = terms[node] = _rdflib_term(node)
        return found

    try:
        return [
            (term(q.subject), term(q.predicate), term(q.object), term(q.graph_name))
            for q in ox.parse(input=data, format=fmt.rdf_format, base_iri=CANONICAL_BASE_IRI)
        ]
    except (SyntaxError, ValueError, _NotForOxigraphError):
        return None


def _rdflib_term(node: object) -> Node:
    """The rdflib term rdflib's own parser makes for this pyoxigraph term."""
    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode()
    if isinstance(node, ox.Literal):
        if node.direction is not None:
            raise _NotForOxigraphError("a literal with a base direction")
        if node.language is not None:
            return Literal(node.value, lang=node.language)
        datatype = node.datatype.value
        if datatype == _XSD_STRING:
            return Literal(node.value)
        return Literal(node.value, datatype=URIRef(datatype))
    if isinstance(node, ox.DefaultGraph):
        return DATASET_DEFAULT_GRAPH_ID
    raise _NotForOxigraphError(f"a {type(node).__name__}")


def read_file(path: Path, shown: str | None = None) -> Dataset:
    """Parse one file by its suffix into a fresh Dataset (graph-less formats: default graph)."""
    shown = shown or display_path(path)
    fmt = formats.read_as(path.suffix)
    if fmt is None:
        known = ", ".join(sorted(_READ_SUFFIXES))
        raise UnusableInputError(f"unknown file type (known: {known})", shown)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnusableInputError(f"cannot read: {error.strerror or error}", shown) from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UnusableInputError("not UTF-8 text", shown, line) from error
    if fmt is formats.JSONLD:
        return _read_jsonld(text, shown)
    if fmt.datasets:
        dataset = new_dataset()
        _parse(dataset, text, fmt, shown)
        return dataset
    graph = new_graph()
    _parse(graph, text, fmt, shown)
    dataset = new_dataset()
    default = dataset.default_graph
    for triple in graph:
        default.add(triple)
    return dataset


def _parse(sink: Graph, text: str, fmt: Format, shown: str) -> None:
    try:
        sink.parse(data=text, format=fmt.rdflib_name, publicID=CANONICAL_BASE_IRI)
    except BadSyntax as error:
        raise UnusableInputError(
            _bad_syntax_reason(error), shown, _bad_syntax_line(error)
        ) from error
    except xml.sax.SAXParseException as error:
        raise UnusableInputError(error.getMessage(), shown, error.getLineNumber()) from error
    except (ParserError, ValueError) as error:
        line = _first_bad_line(text, fmt) if fmt in _LINE_BASED else None
        reason = f"syntax error ({_first_line(str(error))})"
        raise UnusableInputError(reason, shown, line) from error


def _read_jsonld(text: str, shown: str) -> Dataset:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnusableInputError(f"not JSON ({error.msg})", shown, error.lineno) from error
    try:
        nquads = jsonld_to_nquads(document)
    except JsonLdError as error:
        url = refused_url(error)
        if url is not None:
            message = (
                f"remote @context {url} is not fetched (no network access while reading "
                "data); inline the context or cite https://w3id.org/ctc-kg/context/v1.jsonld"
            )
            raise UnusableInputError(message, shown) from error
        raise UnusableInputError(f"invalid JSON-LD ({_first_line(str(error))})", shown) from error
    dataset = new_dataset()
    dataset.parse(data=nquads, format=formats.NQUADS.rdflib_name)
    return dataset


def _bad_syntax_reason(error: BadSyntax) -> str:
    why = str(getattr(error, "_why", "") or "").strip()
    return f"syntax error ({why})" if why else "syntax error"


def _bad_syntax_line(error: BadSyntax) -> int:
    """The line of the error's position in the text.

    BadSyntax.lines is rdflib's running count of newlines skipped, which overcounts after
    backtracking (in TriG graph blocks); the position itself is exact.
    """
    text = getattr(error, "_str", None)
    position = getattr(error, "_i", None)
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if isinstance(text, str) and isinstance(position, int):
        return text[:position].count("\n") + 1
    return int(error.lines) + 1


def _first_bad_line(text: str, fmt: Format) -> int | None:
    """N-Triples and N-Quads are line-based: the first line that fails alone is the culprit."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        probe: Graph = new_dataset() if fmt.datasets else new_graph()
        try:
            probe.parse(data=line + "\n", format=fmt.rdflib_name)
        except ParserError:
            return number
    return None


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "unknown error"


def all_quads(dataset: Dataset) -> Iterable[Quad]:
    return cast(Iterable[Quad], dataset.quads((None, None, None, None)))
