"""The IRIs the code itself needs, as functions of the base IRI (docs/modelling.md, "IRIs").

The files are written with the canonical base; a deployment with another base gets every
IRI rebased at load time, so code that names an IRI must derive it from the base in use.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef

from ctc_kg.config import CANONICAL_BASE_IRI

SCHEMA = Namespace("https://schema.org/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

_STANDARD_PREFIXES: dict[str, str] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "void": "http://rdfs.org/ns/void#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def ontology_namespace(base_iri: str) -> Namespace:
    """`ctckg:` — the ontology's terms are hash IRIs of the ontology document."""
    return Namespace(base_iri + "ontology#")


def shapes_namespace(base_iri: str) -> Namespace:
    """`ctcsh:` — the shapes are hash IRIs of the shapes document."""
    return Namespace(base_iri + "shapes#")


def ontology_iri(base_iri: str) -> URIRef:
    """The ontology document, also the name of the graph holding it."""
    return URIRef(base_iri + "ontology")


def shapes_iri(base_iri: str) -> URIRef:
    """The shapes document, also the name of the graph holding them."""
    return URIRef(base_iri + "shapes")


def dataset_iri(base_iri: str) -> URIRef:
    return URIRef(base_iri + "dataset")


def sparql_iri(base_iri: str) -> URIRef:
    return URIRef(base_iri + "sparql")


#: Where the Triple/Quad Pattern Fragments interface answers (web.fragments).
FRAGMENTS_PATH = "fragments"


def fragments_iri(base_iri: str) -> URIRef:
    """The Triple/Quad Pattern Fragments interface; also its fragment of every quad."""
    return URIRef(base_iri + FRAGMENTS_PATH)


def description_iri(base_iri: str) -> URIRef:
    """The VoID description document (`/.well-known/void`)."""
    return URIRef(base_iri + ".well-known/void")


def context_iri(base_iri: str) -> URIRef:
    """The versioned JSON-LD context the JSON-LD dumps cite."""
    return URIRef(base_iri + "context/v1.jsonld")


def dump_iri(base_iri: str, file_name: str) -> URIRef:
    return URIRef(base_iri + "dump/" + file_name)


def media_type_iri(media_type: str) -> URIRef:
    """The IANA registry page of a media type, the IRI DCAT expects for `dcat:mediaType`."""
    return URIRef(IANA_MEDIA_TYPES + media_type)


def prefixes(base_iri: str = CANONICAL_BASE_IRI) -> dict[str, str]:
    """Prefix -> namespace, shared by the Turtle serializations and the JSON-LD context."""
    table = dict(_STANDARD_PREFIXES)
    table["ctckg"] = str(ontology_namespace(base_iri))
    table["ctcsh"] = str(shapes_namespace(base_iri))
    return dict(sorted(table.items()))
