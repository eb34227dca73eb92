"""The prefixes used when serializing Turtle, TriG, RDF/XML and compact JSON-LD."""

from __future__ import annotations

_VOCABULARIES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "sh": "http://www.w3.org/ns/shacl#",
    "vann": "http://purl.org/vocab/vann/",
}


def prefixes(base_iri: str) -> dict[str, str]:
    """Common vocabularies plus the dataset's own namespaces under `base_iri`."""
    return {
        **_VOCABULARIES,
        "ctckg": base_iri + "ontology#",
        "ctcsh": base_iri + "shapes#",
    }
