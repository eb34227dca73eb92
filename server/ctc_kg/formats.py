"""The formats ctc-kg reads, writes and serves, and the names of the files it builds: one table.

Each `Format` states everything the other modules need to know about one format: its
media type (and the aliases clients send), the charset of its Content-Type, its short name
(the `?format=` value and the file suffix), its W3C format IRI
(http://www.w3.org/ns/formats/), the pyoxigraph and rdflib names of its parser and
serializer, whether it keeps named graphs, and whether its text declares prefixes.
Content negotiation (web.conneg), the build (content.build), the dataset and service
descriptions (content.describe), the loaders, the query workers and the served dumps all
read this table; none keeps its own copy.

This module imports only pyoxigraph and the standard library: the query workers use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import PurePath

import pyoxigraph as ox

W3C_FORMATS = "http://www.w3.org/ns/formats/"


def rdf_format_of(media_type: str) -> ox.RdfFormat:
    """pyoxigraph's RDF format of a media type; ValueError when it has none."""
    found = ox.RdfFormat.from_media_type(media_type)
    if found is None:
        raise ValueError(f"unsupported RDF media type {media_type}")
    return found


def results_format_of(media_type: str) -> ox.QueryResultsFormat:
    """pyoxigraph's SPARQL results format of a media type; ValueError when it has none."""
    found = ox.QueryResultsFormat.from_media_type(media_type)
    if found is None:
        raise ValueError(f"unsupported results media type {media_type}")
    return found


class Kind(Enum):
    GRAPH = "graph"  # RDF
    RESULTS = "results"  # SPARQL results
    HTML = "html"


@dataclass(frozen=True)
class Format:
    name: str  # the ?format= value and the file suffix (without the dot)
    media_type: str
    kind: Kind
    aliases: tuple[str, ...] = ()  # other media types naming it in Accept
    datasets: bool = False  # keeps named graphs (TriG, N-Quads); others: their union
    names: tuple[str, ...] = ()  # other ?format= values clients send (SPARQLWrapper's)
    label: str = ""  # what people call it, e.g. "RDF/XML"
    w3c_name: str | None = None  # local name under http://www.w3.org/ns/formats/
    rdflib_name: str | None = None  # rdflib's parser and serializer name
    prefixes: bool = False  # its text declares prefixes (Turtle, TriG, RDF/XML)
    read_suffixes: tuple[str, ...] = ()  # other file suffixes read as this format
    charset: str | None = "utf-8"

    def __hash__(self) -> int:
        # By name (equal formats have equal names): conneg's memo hashes a tuple of
        # formats twice per query, and the generated hash of twelve fields cost 4 µs.
        return hash(self.name)

    @property
    def content_type(self) -> str:
        """The Content-Type header of a response in this format."""
        return f"{self.media_type}; charset={self.charset}" if self.charset else self.media_type

    @property
    def suffix(self) -> str:
        return "." + self.name

    @property
    def w3c_iri(self) -> str | None:
        """Its IRI under http://www.w3.org/ns/formats/, if the W3C names it."""
        return W3C_FORMATS + self.w3c_name if self.w3c_name else None

    @property
    def rdf_format(self) -> ox.RdfFormat:
        """pyoxigraph's parser and serializer of this RDF format."""
        return rdf_format_of(self.media_type)

    @property
    def results_format(self) -> ox.QueryResultsFormat:
        """pyoxigraph's parser and serializer of this SPARQL results format."""
        return results_format_of(self.media_type)

    def accepts(self, media_type: str) -> bool:
        return media_type == self.media_type or media_type in self.aliases


TURTLE = Format(
    "ttl",
    "text/turtle",
    Kind.GRAPH,
    ("application/turtle", "application/x-turtle"),
    names=("turtle", "n3"),
    label="Turtle",
    w3c_name="Turtle",
    rdflib_name="turtle",
    prefixes=True,
)
JSONLD = Format(
    "jsonld",
    "application/ld+json",
    Kind.GRAPH,
    ("application/x-json+ld",),
    names=("json-ld",),
    label="JSON-LD",
    w3c_name="JSON-LD",
    rdflib_name="json-ld",
    read_suffixes=(".json",),
)
NTRIPLES = Format(
    "nt",
    "application/n-triples",
    Kind.GRAPH,
    names=("ntriples", "n-triples"),
    label="N-Triples",
    w3c_name="N-Triples",
    rdflib_name="nt",
)
RDFXML = Format(
    "rdf",
    "application/rdf+xml",
    Kind.GRAPH,
    ("application/xml", "text/xml"),
    names=("xml", "rdfxml", "rdf+xml"),
    label="RDF/XML",
    w3c_name="RDF_XML",
    rdflib_name="xml",
    prefixes=True,
    read_suffixes=(".owl",),
)
TRIG = Format(
    "trig",
    "application/trig",
    Kind.GRAPH,
    datasets=True,
    label="TriG",
    w3c_name="TriG",
    rdflib_name="trig",
    prefixes=True,
)
NQUADS = Format(
    "nq",
    "application/n-quads",
    Kind.GRAPH,
    datasets=True,
    names=("nquads",),
    label="N-Quads",
    w3c_name="N-Quads",
    rdflib_name="nquads",
)
HTML = Format("html", "text/html", Kind.HTML, ("application/xhtml+xml",), label="HTML")
RESULTS_JSON = Format(
    "json",
    "application/sparql-results+json",
    Kind.RESULTS,
    ("application/json", "text/javascript", "application/javascript"),
    label="SPARQL JSON",
    w3c_name="SPARQL_Results_JSON",
)
RESULTS_XML = Format(
    "xml",
    "application/sparql-results+xml",
    Kind.RESULTS,
    ("application/xml", "text/xml"),
    label="SPARQL XML",
    w3c_name="SPARQL_Results_XML",
)
RESULTS_CSV = Format(
    "csv", "text/csv", Kind.RESULTS, label="SPARQL CSV", w3c_name="SPARQL_Results_CSV"
)
RESULTS_TSV = Format(
    "tsv",
    "text/tab-separated-values",
    Kind.RESULTS,
    label="SPARQL TSV",
    w3c_name="SPARQL_Results_TSV",
)

FORMATS: tuple[Format, ...] = (
    TURTLE,
    JSONLD,
    NTRIPLES,
    RDFXML,
    TRIG,
    NQUADS,
    HTML,
    RESULTS_JSON,
    RESULTS_XML,
    RESULTS_CSV,
    RESULTS_TSV,
)
# The RDF formats, in the order the server prefers them (the first is the default).
GRAPH_FORMATS = (TURTLE, JSONLD, NTRIPLES, RDFXML, TRIG, NQUADS)
# The SPARQL results formats, in the order the server prefers them.
RESULTS_FORMATS = (RESULTS_JSON, RESULTS_XML, RESULTS_CSV, RESULTS_TSV)

# pyoxigraph's formats whose text declares prefixes (the others would ignore them).
PREFIXED_RDF_FORMATS: tuple[ox.RdfFormat, ...] = tuple(
    fmt.rdf_format for fmt in GRAPH_FORMATS if fmt.prefixes
)

# Media types that are not formats of the table.
GZIP = "application/gzip"
PLAIN_TEXT = "text/plain; charset=utf-8"  # SHA256SUMS, and any file of no known suffix
MARKDOWN = "text/markdown; charset=utf-8"
SPARQL_QUERY = "application/sparql-query"

# -- the files of a build (content.build writes them; web, store and export read them) ----
DATA_DUMP = "ctc-kg"  # the data dumps: ctc-kg.ttl, ctc-kg.nq, ...
ONTOLOGY_DUMP = "ontology"
SHAPES_DUMP = "shapes"
DESCRIPTION_DUMP = "void"  # the VoID + DCAT description: void.ttl, void.nt, void.jsonld
DESCRIPTION_FORMATS = (TURTLE, NTRIPLES, JSONLD)
CHECKSUMS = "SHA256SUMS"  # `sha256sum -c` format, every other file of the folder
CONTEXT_FILE = "context/v1.jsonld"
COMPRESSED_SUFFIX = ".gz"


def file_name(stem: str, fmt: Format, *, compressed: bool = False) -> str:
    """`ctc-kg.ttl`, `ontology.nt.gz`: the file of `stem` in `fmt`."""
    return stem + fmt.suffix + (COMPRESSED_SUFFIX if compressed else "")


def description_files() -> tuple[str, ...]:
    """The files of the dataset description, e.g. `void.ttl`."""
    return tuple(file_name(DESCRIPTION_DUMP, fmt) for fmt in DESCRIPTION_FORMATS)


def read_as(suffix: str) -> Format | None:
    """The RDF format a content file is read as, from its suffix (any case): `.ttl` is
    Turtle, and `.json` JSON-LD and `.owl` RDF/XML as well."""
    wanted = suffix.lower()
    return next(
        (fmt for fmt in GRAPH_FORMATS if wanted == fmt.suffix or wanted in fmt.read_suffixes),
        None,
    )


def of_file(name: str | PurePath) -> Format | None:
    """The RDF format of a built file, from its suffix: `ontology.ttl` is Turtle."""
    suffix = PurePath(name).suffix
    return next((fmt for fmt in GRAPH_FORMATS if fmt.suffix == suffix), None)


def file_content_type(name: str | PurePath) -> str:
    """The Content-Type of a built file as served: its RDF format's, gzip for a `.gz`
    (whatever it holds), plain text for any other (SHA256SUMS)."""
    if PurePath(name).suffix == COMPRESSED_SUFFIX:
        return GZIP
    fmt = of_file(name)
    return fmt.content_type if fmt is not None else PLAIN_TEXT
