"""Read the ontology, the shapes and the data into one rdflib Dataset.

- the ontology's triples go into the named graph `B ontology`, the shapes' into
  `B shapes`, so both are queryable and dereferenceable like the data;
- data graphs keep their names, default-graph triples stay in the default graph;
- every subject and graph name remembers the file(s) it came from, for reports;
- a syntax error raises UnusableInputError naming the file and the line (reading.py,
  which reads one file; JSON-LD never fetches a remote context).

Relative IRIs in any file resolve against the canonical base IRI, so the result does not
depend on where the checkout lives; a deployment with another base gets every IRI moved
once, here, by the rule of ctc_kg.iris (rebase.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD
from rdflib.term import Node

from ctc_kg.config import CANONICAL_BASE_IRI, Settings
from ctc_kg.content.collector import collector_paused
from ctc_kg.content.names import ontology_iri, shapes_iri
from ctc_kg.content.reading import all_quads, display_path, is_rdf_file, read_quads
from ctc_kg.content.rebase import rebase, rebase_term
from ctc_kg.content.serialize import Quad, new_dataset, new_graph, union_of
from ctc_kg.errors import UnusableInputError

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
        return (quad for quad in all_quads(self.dataset) if quad[3] not in excluded)


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
    with collector_paused():
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
    with collector_paused():
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
            inside = sorted(p for p in path.rglob("*") if p.is_file() and is_rdf_file(p))
            if not inside:
                raise UnusableInputError("no RDF file in this folder", str(path))
            result.extend(inside)
        elif path.exists():
            result.append(path)
        else:
            raise UnusableInputError("no such file or folder", str(path))
    return result


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
    quads = read_quads(path, shown)
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
