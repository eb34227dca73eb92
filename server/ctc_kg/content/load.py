"""Read the ontology, the shapes and the data into one rdflib Dataset.

- the ontology's triples go into the named graph `B ontology`, the shapes' into
  `B shapes`, so both are queryable and dereferenceable like the data;
- data graphs keep their names, default-graph triples stay in the default graph;
- every subject and graph name remembers the file(s) it came from, for reports;
- a syntax error raises UnusableInputError naming the file and the line;
- JSON-LD never fetches a remote context (ctc_kg.content.context.document_loader).

Relative IRIs in any file resolve against the canonical base IRI, so the result does not
depend on where the checkout lives.

Turtle, TriG, N-Triples and N-Quads are read with pyoxigraph's parser (its Rust parser is
the bulk of a load's speed-up: 100k quads, 16.7 s -> 4.1 s of CPU) and turned into the same rdflib
terms rdflib's parser makes. A file pyoxigraph refuses, or one it would read differently
(language tags not in lower case, RDF 1.2 triple terms or directions), is read by rdflib's
parser instead, which names the file and line of a syntax error.
"""

from __future__ import annotations

import json
import re
import xml.sax
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
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

from ctc_kg.config import CANONICAL_BASE_IRI, Settings
from ctc_kg.content.context import jsonld_to_nquads, refused_url
from ctc_kg.content.names import ontology_iri, shapes_iri
from ctc_kg.content.serialize import Quad, add_quad, new_dataset, new_graph, union_of
from ctc_kg.errors import UnusableInputError

# File name suffix -> rdflib parser name ("json-ld" is read with pyld, see _read_jsonld).
SUFFIX_FORMATS: Mapping[str, str] = {
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nq": "nquads",
    ".nt": "nt",
    ".owl": "xml",
    ".rdf": "xml",
    ".trig": "trig",
    ".ttl": "turtle",
}
_DATASET_FORMATS = frozenset({"trig", "nquads", "json-ld"})
# rdflib parser name -> pyoxigraph format, for the formats read by pyoxigraph first.
_OXIGRAPH_FORMATS: Mapping[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
}
# A language tag with an upper-case letter: pyoxigraph lower-cases it, rdflib keeps it.
_UPPER_CASE_LANGUAGE = re.compile(rb"[\"']@[a-z0-9-]*[A-Z]")
_XSD_STRING = str(XSD.string)

Origins = Mapping[Node, tuple[str, ...]]


@dataclass(frozen=True)
class ContentFiles:
    """The repository's content files, each list sorted."""

    ontology: tuple[Path, ...]
    shapes: tuple[Path, ...]
    data: tuple[Path, ...]

    @property
    def all(self) -> tuple[Path, ...]:
        return self.ontology + self.shapes + self.data


@dataclass(frozen=True)
class Content:
    """What was loaded: the dataset and where each subject and graph came from."""

    dataset: Dataset
    base_iri: str = CANONICAL_BASE_IRI
    origins: Origins = field(default_factory=dict)

    def files_of(self, node: Node) -> tuple[str, ...]:
        return self.origins.get(node, ())

    @property
    def ontology(self) -> Graph:
        return _graph_copy(self.dataset, ontology_iri(self.base_iri), self.base_iri)

    @property
    def shapes(self) -> Graph:
        return _graph_copy(self.dataset, shapes_iri(self.base_iri), self.base_iri)

    @property
    def data(self) -> Graph:
        """The union of the default graph and every data graph (not ontology, not shapes)."""
        return union_graph(self.dataset, exclude=self.vocabulary_graphs)

    @property
    def default_graph(self) -> Graph:
        """The default graph alone: descriptions of the dataset, sources and claim graphs."""
        graph = new_graph(self.base_iri)
        for triple in self.dataset.default_graph:
            graph.add(triple)
        return graph

    @property
    def vocabulary_graphs(self) -> tuple[URIRef, URIRef]:
        return (ontology_iri(self.base_iri), shapes_iri(self.base_iri))

    def rebased(self, base_iri: str) -> Content:
        """The same content with every IRI under this base moved under `base_iri`."""
        if base_iri == self.base_iri:
            return self
        moved = {rebase_term(n, self.base_iri, base_iri): f for n, f in self.origins.items()}
        return Content(rebase(self.dataset, self.base_iri, base_iri), base_iri, moved)

    def data_dataset(self) -> Dataset:
        """A dataset of the default graph and the data graphs (not ontology, not shapes)."""
        result = new_dataset(self.base_iri)
        graphs: dict[Node, Graph] = {}
        for s, p, o, g in self.data_quads():
            graph = graphs.get(g)
            if graph is None:
                graph = graphs[g] = _graph_of(result, g)
            graph.add((s, p, o))
        return result

    def data_quads(self) -> Iterator[Quad]:
        """The statements of the default graph and the data graphs (not ontology, not shapes)."""
        excluded = set(self.vocabulary_graphs)
        return (quad for quad in _quads(self.dataset) if quad[3] not in excluded)


def content_files(settings: Settings) -> ContentFiles:
    """`ontology/*.ttl`, `shapes/*.ttl`, `data/*.trig` + `data/*.ttl` under settings.root.

    Raises UnusableInputError when a folder is missing or holds no file: validating
    against no shapes, or publishing no data, is not something to succeed at silently.
    """
    return ContentFiles(
        ontology=_listing(settings.ontology_dir, ("*.ttl",)),
        shapes=_listing(settings.shapes_dir, ("*.ttl",)),
        data=_listing(settings.data_dir, ("*.trig", "*.ttl")),
    )


def load_content(files: ContentFiles, base_iri: str = CANONICAL_BASE_IRI) -> Content:
    """Load the repository's content; rebase IRIs when base_iri is not the canonical one."""
    dataset = new_dataset()
    origins: dict[Node, list[str]] = {}
    for path in files.ontology:
        _load_into(dataset, origins, path, ontology_iri(CANONICAL_BASE_IRI))
    for path in files.shapes:
        _load_into(dataset, origins, path, shapes_iri(CANONICAL_BASE_IRI))
    for path in files.data:
        _load_into(dataset, origins, path, None)
    return _finish(dataset, origins, base_iri)


def load_paths(paths: Sequence[Path], base_iri: str = CANONICAL_BASE_IRI) -> Content:
    """Load arbitrary RDF files as data: folders are read recursively (known suffixes only)."""
    dataset = new_dataset()
    origins: dict[Node, list[str]] = {}
    for path in expand_paths(paths):
        _load_into(dataset, origins, path, None)
    return _finish(dataset, origins, base_iri)


def load_dataset(files: ContentFiles, base_iri: str = CANONICAL_BASE_IRI) -> Dataset:
    """The repository's ontology, shapes and data as one Dataset (see the module docstring)."""
    return load_content(files, base_iri).dataset


def union_graph(dataset: Dataset, exclude: Iterable[Node] = ()) -> Graph:
    """All triples of all graphs of the dataset (minus the graphs named in `exclude`)."""
    return union_of(dataset, exclude)


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given, and the RDF files inside folders (recursively, sorted).

    Raises UnusableInputError for a path that does not exist or a file of unknown type.
    """
    result: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIX_FORMATS
            )
            if not inside:
                raise UnusableInputError("no RDF file in this folder", str(path))
            result.extend(inside)
        elif path.exists():
            result.append(path)
        else:
            raise UnusableInputError("no such file or folder", str(path))
    return result


def rebase(dataset: Dataset, from_base: str, to_base: str) -> Dataset:
    """A copy of the dataset with every IRI starting with from_base moved under to_base.

    Used at load time when a deployment's base IRI is not the canonical one: the files
    keep the canonical base and every IRI (terms, resources, graph names) follows.
    """
    result = new_dataset(to_base)
    for quad in _quads(dataset):
        add_quad(result, cast(Quad, tuple(rebase_term(t, from_base, to_base) for t in quad)))
    return result


def rebase_term(term: Node, from_base: str, to_base: str) -> Node:
    """The term with from_base replaced by to_base: IRIs, datatypes, and IRIs written as
    literals (xsd:anyURI, or plain strings such as void:uriSpace's, that start with the
    base). Language-tagged text is never touched."""
    if isinstance(term, URIRef) and term.startswith(from_base):
        return URIRef(to_base + term[len(from_base) :])
    if not isinstance(term, Literal) or term.language is not None:
        return term
    datatype = term.datatype
    if datatype is not None and datatype.startswith(from_base):
        datatype = URIRef(to_base + datatype[len(from_base) :])
    value = str(term)
    iri_like = datatype is None or datatype in (XSD.anyURI, XSD.string)
    if iri_like and value.startswith(from_base):
        value = to_base + value[len(from_base) :]
    if datatype == term.datatype and value == str(term):
        return term
    return Literal(value, datatype=datatype)


def rebase_graph(graph: Graph, from_base: str, to_base: str) -> Graph:
    """A copy of the graph with every IRI starting with from_base moved under to_base."""
    result = new_graph(to_base)
    for triple in graph:
        s, p, o = (rebase_term(t, from_base, to_base) for t in triple)
        result.add((s, p, o))
    return result


def display_path(path: Path) -> str:
    """The path relative to the working folder when it is inside it, else absolute."""
    absolute = path.resolve()
    try:
        return str(absolute.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(absolute)


def _listing(folder: Path, patterns: tuple[str, ...]) -> tuple[Path, ...]:
    if not folder.is_dir():
        raise UnusableInputError("the content folder is missing", str(folder))
    files = sorted({p for pattern in patterns for p in folder.glob(pattern) if p.is_file()})
    if not files:
        wanted = " or ".join(patterns)
        raise UnusableInputError(f"no {wanted} file in this folder", str(folder))
    return tuple(files)


def _finish(dataset: Dataset, origins: dict[Node, list[str]], base_iri: str) -> Content:
    content = Content(dataset, CANONICAL_BASE_IRI, {n: tuple(f) for n, f in origins.items()})
    return content if base_iri == CANONICAL_BASE_IRI else content.rebased(base_iri)


def _load_into(
    dataset: Dataset, origins: dict[Node, list[str]], path: Path, graph_name: URIRef | None
) -> None:
    """Parse one file and add its statements to the dataset.

    With graph_name, every triple goes into that graph (ontology, shapes); otherwise
    graphs keep their names and default-graph triples stay in the default graph.
    """
    shown = display_path(path)
    quads = _read_with_oxigraph(path, shown)
    if quads is None:
        quads = list(_quads(read_file(path, shown)))
    graphs: dict[Node, Graph] = {}
    for s, p, o, g in quads:
        target = graph_name if graph_name is not None else g
        graph = graphs.get(target)
        if graph is None:
            graph = graphs[target] = _graph_of(dataset, target)
        graph.add((s, p, _plain(o)))
        _remember(origins, s, shown)
        if target != DATASET_DEFAULT_GRAPH_ID:
            _remember(origins, target, shown)


def _graph_of(dataset: Dataset, name: Node) -> Graph:
    if name == DATASET_DEFAULT_GRAPH_ID:
        return cast(Graph, dataset.default_graph)
    return dataset.graph(cast(URIRef | BNode, name))


class _NotForOxigraphError(Exception):
    """The file holds something rdflib's parser must read itself."""


def _read_with_oxigraph(path: Path, shown: str) -> list[Quad] | None:
    """The file's statements as rdflib terms, read by pyoxigraph; None when rdflib's parser
    must read it (another format, a syntax error, or a term pyoxigraph would change)."""
    fmt = _OXIGRAPH_FORMATS.get(SUFFIX_FORMATS.get(path.suffix.lower(), ""))
    if fmt is None:
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
            for q in ox.parse(input=data, format=fmt, base_iri=CANONICAL_BASE_IRI)
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
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(SUFFIX_FORMATS))
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
    if fmt == "json-ld":
        return _read_jsonld(text, shown)
    if fmt in _DATASET_FORMATS:
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


def _parse(sink: Graph, text: str, fmt: str, shown: str) -> None:
    try:
        sink.parse(data=text, format=fmt, publicID=CANONICAL_BASE_IRI)
    except BadSyntax as error:
        raise UnusableInputError(
            _bad_syntax_reason(error), shown, _bad_syntax_line(error)
        ) from error
    except xml.sax.SAXParseException as error:
        raise UnusableInputError(error.getMessage(), shown, error.getLineNumber()) from error
    except (ParserError, ValueError) as error:
        line = _first_bad_line(text, fmt) if fmt in ("nt", "nquads") else None
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
    dataset.parse(data=nquads, format="nquads")
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


def _first_bad_line(text: str, fmt: str) -> int | None:
    """N-Triples and N-Quads are line-based: the first line that fails alone is the culprit."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        probe: Graph = new_dataset() if fmt == "nquads" else new_graph()
        try:
            probe.parse(data=line + "\n", format=fmt)
        except ParserError:
            return number
    return None


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "unknown error"


def _quads(dataset: Dataset) -> Iterable[Quad]:
    return cast(Iterable[Quad], dataset.quads((None, None, None, None)))


def _plain(term: Node) -> Node:
    """`"x"^^xsd:string` is `"x"` in RDF 1.1; keep one form so graphs compare equal."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def _remember(origins: dict[Node, list[str]], node: Node, shown: str) -> None:
    files = origins.setdefault(node, [])
    if shown not in files:
        files.append(shown)


def _graph_copy(dataset: Dataset, name: URIRef, base_iri: str) -> Graph:
    graph = new_graph(base_iri)
    for triple in dataset.graph(name):
        graph.add(triple)
    return graph
